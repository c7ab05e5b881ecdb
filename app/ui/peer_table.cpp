// The peer table: a server's clients or a UDP socket's peers, with their traffic; select one, kick a client.
#include <imgui.h>

#include <algorithm>

#include "panes.hpp"
#include "socketeer/core/time_format.hpp"
#include "socketeer/core/units_format.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

void drawPeerTable(app::SessionModel& session) {
    const auto& peers = session.peers();
    // A proxy's clients are listed as a server's are (bytes in: c>s, out: s>c); TCP ones can be kicked.
    const bool server = session.kind() == SessionKind::TcpServer ||
                        (session.kind() == SessionKind::Proxy && !session.spec().proxy.udp);
    ImGui::Text(server ? "%zu clients" : "%zu peers", peers.size());
    if (peers.empty()) return;
    const float rows = std::min(static_cast<float>(peers.size()) + 1.5f, 7.5f);
    if (!ImGui::BeginTable("##peers", server ? 7 : 6,
                           ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV,
                           ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * rows)))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#");
    ImGui::TableSetupColumn("peer");
    ImGui::TableSetupColumn(server ? "connected since" : "first seen");
    ImGui::TableSetupColumn("bytes in");
    ImGui::TableSetupColumn("bytes out");
    ImGui::TableSetupColumn("last activity");
    if (server) ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    app::SessionUiState& ui = session.ui();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(peers.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const PeerStats& peer = peers[static_cast<std::size_t>(i)];
            ImGui::PushID(static_cast<int>(peer.id));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const bool selected = ui.selectedPeer == peer.id;
            if (ImGui::Selectable(std::to_string(peer.id).c_str(), selected,
                                  ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
                ui.selectedPeer = selected ? 0 : peer.id;
            UiProbe::mark("peer/" + peer.peer.toString());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(peer.peer.toString().c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(formatClockMs(peer.sinceUs).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(formatByteCount(peer.traffic.rxBytes).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(formatByteCount(peer.traffic.txBytes).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(formatClockMs(peer.lastActivityUs).c_str());
            if (server) {
                ImGui::TableNextColumn();
                if (ImGui::SmallButton("kick")) session.kick(peer.id);
                UiProbe::mark("kick/" + peer.peer.toString());
            }
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

} // namespace socketeer::ui
