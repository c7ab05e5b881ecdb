// The session panel: name, Open/Close and status, counters; then tabs — the traffic (peers, receive pane, send pane
// and connection log, with a splitter), the settings, the match rules, and the generator — so settings never eat the receive pane.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "layout.hpp"
#include "panes.hpp"
#include "socketeer/core/units_format.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

void drawStatusLine(app::SessionModel& session) {
    const SessionState state = session.state();
    const bool open = state != SessionState::Closed;
    const bool listener = session.kind() == SessionKind::TcpServer || session.kind() == SessionKind::Proxy;
    WrapRow row;
    std::string name = session.name();
    row.next(em(width::Field));
    ImGui::SetNextItemWidth(em(width::Field));
    if (ImGui::InputText("##name", &name) && !name.empty()) session.rename(name);
    const char* action = open ? (listener ? "Stop" : "Close") : (listener ? "Listen" : "Open");
    row.next(WrapRow::button(action));
    if (ImGui::Button(action)) open ? session.close() : session.open();
    UiProbe::mark("open");
    const std::string stateName(sessionStateName(state));
    row.next(WrapRow::text(stateName.c_str()));
    ImGui::TextColored(open ? colour::Open : ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], "%s", stateName.c_str());
    if (session.localEndpoint() && open) {
        const std::string where = std::string(listener ? "on " : "local ") + session.localEndpoint()->toString();
        row.next(WrapRow::text(where.c_str()));
        ImGui::TextUnformatted(where.c_str());
    }
    if (!session.lastError().empty()) ImGui::TextColored(colour::Error, "%s", session.lastError().c_str());
}

/// Counters since reset and rates per second; framing, checksum and sequence figures once there is something to say
/// (exact: the worker's own counters).
void drawCounters(app::AppModel& model, app::SessionModel& session) {
    const TrafficSnapshot traffic = session.traffic();
    const auto& rates = session.rates();
    WrapRow row;
    const std::string rx = "RX " + formatByteCount(traffic.rxBytes) + " in " + std::to_string(traffic.rxMessages) +
                           " msgs (" + formatByteCount(static_cast<std::uint64_t>(rates.rxBytes)) + "/s)";
    const std::string tx = "TX " + formatByteCount(traffic.txBytes) + " in " + std::to_string(traffic.txMessages) +
                           " msgs (" + formatByteCount(static_cast<std::uint64_t>(rates.txBytes)) + "/s)";
    row.next(WrapRow::text(rx.c_str()));
    ImGui::TextUnformatted(rx.c_str());
    UiProbe::mark("counters/rx");
    row.next(WrapRow::text(tx.c_str()));
    ImGui::TextUnformatted(tx.c_str());
    UiProbe::mark("counters/tx");
    row.next(WrapRow::button("reset counters"));
    if (ImGui::SmallButton("reset counters")) session.resetCounters();
    UiProbe::mark("counters/reset");
    row.next(session.capturing() ? em(width::Path) : WrapRow::button("capture..."));
    drawCaptureControls(model, session);

    if (Session* live = session.session()) {
        const SessionCounters& counters = live->counters();
        const auto partial = counters.framesPartial.load(), oversize = counters.framesOversize.load(),
                   malformed = counters.framesMalformed.load(), good = counters.checksGood.load(),
                   bad = counters.checksBad.load();
        if (partial + oversize + malformed > 0)
            ImGui::TextColored(colour::Error, "messages not framed whole: %llu partial, %llu oversize, %llu malformed",
                               static_cast<unsigned long long>(partial), static_cast<unsigned long long>(oversize),
                               static_cast<unsigned long long>(malformed));
        if (good + bad > 0)
            ImGui::TextColored(bad ? colour::Error : colour::Open, "checksum: %llu ok, %llu bad",
                               static_cast<unsigned long long>(good), static_cast<unsigned long long>(bad));
        UiProbe::mark("counters/framing");
    }
    if (const auto& sequence = session.sequenceStats()) {
        // A generator's numbered datagrams arrived: what the network did to them.
        const double lossPercent =
            sequence->expected ? 100.0 * static_cast<double>(sequence->lost) / static_cast<double>(sequence->expected) : 0.0;
        ImGui::TextWrapped("numbered stream: %llu of %llu received, lost %llu (%.3f %%), duplicated %llu, reordered %llu, "
                           "jitter %.1f us",
                           static_cast<unsigned long long>(sequence->received), static_cast<unsigned long long>(sequence->expected),
                           static_cast<unsigned long long>(sequence->lost), lossPercent,
                           static_cast<unsigned long long>(sequence->duplicated),
                           static_cast<unsigned long long>(sequence->reordered), sequence->jitterUs);
        UiProbe::mark("sequence-stats");
    }
}

/// Peers on top; then the receive pane and the log share what is left around the send pane, split where the user
/// dragged the bar between them, each keeping a few rows.
void drawTrafficTab(app::AppModel& model, app::SessionModel& session) {
    if (session.kind() != SessionKind::TcpClient) drawPeerTable(session);
    app::SessionUiState& ui = session.ui();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    if (ui.sendPaneHeight <= 0) ui.sendPaneHeight = ImGui::GetFrameHeightWithSpacing() * 3 + line * 3.5f + spacing;
    const float logToolbar = ImGui::GetFrameHeightWithSpacing();
    const float splitter = std::max(4.0f, ImGui::GetFontSize() * 0.4f) + spacing;
    const float shared = ImGui::GetContentRegionAvail().y - ui.sendPaneHeight - logToolbar - splitter - spacing;
    const float minReceive = 2 * ImGui::GetFrameHeightWithSpacing() + line * 8; // its toolbar, filters, eight rows
    const float minLog = line * 3;
    const float total = std::max(shared, minReceive + minLog);
    const float receive = std::clamp(ui.receiveShare * total, minReceive, std::max(minReceive, total - minLog));
    drawReceivePane(model, session, receive);
    horizontalSplitter("##split", ui.receiveShare, total, minReceive, minLog);
    UiProbe::mark("splitter");
    const float sendTop = ImGui::GetCursorPosY();
    drawSendPane(model, session);
    ui.sendPaneHeight = ImGui::GetCursorPosY() - sendTop;
    drawConnectionLog(model, session, std::max(minLog, total - receive));
}

} // namespace

void drawSessionPanel(app::AppModel& model, app::SessionModel& session) {
    ImGui::PushID(static_cast<int>(session.uiId()));
    drawStatusLine(session);
    drawCounters(model, session);
    if (ImGui::BeginTabBar("##tabs")) {
        const bool traffic = ImGui::BeginTabItem("Traffic");
        UiProbe::mark("traffic");
        if (traffic) {
            drawTrafficTab(model, session);
            ImGui::EndTabItem();
        }
        const bool settings = ImGui::BeginTabItem("Settings");
        UiProbe::mark("settings");
        if (settings) {
            ImGui::BeginChild("##settings", ImVec2(0, 0), false);
            drawSettings(model, session);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (session.kind() == SessionKind::Proxy) {
            const bool impairments = ImGui::BeginTabItem("Impairments");
            UiProbe::mark("impairments");
            if (impairments) {
                ImGui::BeginChild("##impairments", ImVec2(0, 0), false);
                drawImpairmentPane(session);
                ImGui::EndChild();
                ImGui::EndTabItem();
            }
        }
        // A proxy's rules act on messages in flight; the other kinds' answer them.
        const bool rules = ImGui::BeginTabItem("Rules");
        UiProbe::mark("rules");
        if (rules) {
            ImGui::BeginChild("##rules", ImVec2(0, 0), false);
            drawRuleTable(session);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (session.kind() != SessionKind::TcpServer && session.kind() != SessionKind::Proxy) { // no remote to load
            const bool generator = ImGui::BeginTabItem("Generator");
            UiProbe::mark("generator");
            if (generator) {
                ImGui::BeginChild("##generator", ImVec2(0, 0), false);
                drawGeneratorPane(session);
                ImGui::EndChild();
                ImGui::EndTabItem();
            }
        }
        ImGui::EndTabBar();
    }
    ImGui::PopID();
}

} // namespace socketeer::ui
