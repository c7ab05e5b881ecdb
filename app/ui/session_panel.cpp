// The session panel: status and Open/Close, counters, settings, peers; then the receive, send and log panes.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "app_ui.hpp"
#include "socketeer/core/codec/escape_codec.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

const ImVec4 ErrorColour(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 OpenColour(0.45f, 0.85f, 0.45f, 1.0f);

bool inputPort(const char* label, std::uint16_t& port) {
    int value = port;
    ImGui::SetNextItemWidth(90);
    // Clicking selects the whole number, so typing replaces it.
    const bool changed = ImGui::InputInt(label, &value, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
    if (changed) port = static_cast<std::uint16_t>(std::clamp(value, 0, 65535));
    return changed;
}

/// IP version for a listening address: both (dual-stack), IPv4 only, IPv6 only; a specific address keeps its family.
void ipVersionCombo(std::string& bindAddress) {
    const char* versions[] = {"IPv4 + IPv6", "IPv4 only", "IPv6 only"};
    int current = bindAddress.empty() ? 0 : bindAddress == "0.0.0.0" ? 1 : bindAddress == "::" ? 2 : -1;
    if (current < 0) return; // a specific address: its family is the choice
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    if (ImGui::Combo("##ipversion", &current, versions, 3)) bindAddress = current == 0 ? "" : current == 1 ? "0.0.0.0" : "::";
}

void drawReplySettings(app::SessionModel& session, AutoReply& reply, bool tcpServer) {
    const char* modes[] = {"none", "echo", "fixed reply", "prefixed echo"};
    int mode = static_cast<int>(reply.mode);
    ImGui::SetNextItemWidth(140);
    if (ImGui::Combo("auto-reply", &mode, modes, 4)) reply.mode = static_cast<ReplyMode>(mode);
    // Payloads are edited as text with escapes and tokens; what is typed stays as typed, only a valid template
    // replaces the setting (never a silent "fix"), and a bad one is named with its column.
    auto templateField = [](const char* label, app::TemplateDraft& draft, PayloadTemplate& payload) {
        if (!draft.editing) draft.text = payload.source();
        ImGui::SetNextItemWidth(260);
        const bool changed = ImGui::InputText(label, &draft.text);
        draft.editing = ImGui::IsItemActive() || !draft.error.empty();
        if (changed) {
            auto parsed = PayloadTemplate::parse(draft.text, PayloadSyntax::Text);
            draft.error = parsed ? std::string() : parsed.error().describe();
            if (parsed) payload = std::move(parsed).value();
        }
        if (!draft.error.empty()) {
            ImGui::SameLine();
            ImGui::TextColored(ErrorColour, "%s", draft.error.c_str());
        }
    };
    if (reply.mode == ReplyMode::Fixed) templateField("reply ({time} {peer} {n} {crc16/modbus}...)", session.replyDraft, reply.reply);
    if (reply.mode == ReplyMode::PrefixedEcho) templateField("prefix ({time} {peer} {n}...)", session.prefixDraft, reply.prefix);
    if (tcpServer) {
        templateField("welcome on accept", session.welcomeDraft, reply.welcome);
        ImGui::Checkbox("relay (chat room)", &reply.relay);
        ImGui::SameLine();
    }
    ImGui::Checkbox("close after reply", &reply.closeAfterReply);
}

std::map<std::uint64_t, std::string> s_capturePaths;

/// Capture every byte to a file, from the session's worker: nothing is lost whatever the display drops.
void drawCaptureControls(app::SessionModel& session) {
    if (session.capturing()) {
        if (ImGui::SmallButton("stop capture")) session.stopCapture();
        ImGui::SameLine();
        ImGui::TextDisabled("capturing to %s", session.capturePath().c_str());
        return;
    }
    if (ImGui::SmallButton("capture...")) ImGui::OpenPopup("##capture");
    UiProbe::mark("capture");
    if (ImGui::BeginPopup("##capture")) {
        std::string& path = s_capturePaths[session.uiId()];
        static bool records = true;
        static bool overwrite = false;
        ImGui::SetNextItemWidth(360);
        ImGui::InputText("file", &path);
        UiProbe::mark("capture/path");
        ImGui::Checkbox("timestamped records of both directions (else raw received bytes)", &records);
        ImGui::Checkbox("replace an existing file", &overwrite);
        const bool start = ImGui::Button("Start capture");
        UiProbe::mark("capture/start");
        if (start) {
            CaptureSpec spec{path, records ? CaptureFormat::Records : CaptureFormat::Raw, true, records, overwrite};
            session.startCapture(spec); // a refusal (file exists, cannot open) lands in the status line and the log
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

/// The framing of a TCP session's received stream, typed as --frame spells it; only a valid spec replaces the
/// setting, and a bad one is named with its column.
void drawFramingSettings(app::SessionModel& session, FrameSpec& framing) {
    std::string& text = session.framingText;
    if (text.empty()) text = frameSpecText(framing);
    const char* presets[] = {"none", "line", "delim:0d0a", "modbus-tcp", "stx-etx", "slip", "cobs", "len:2be", "fixed:16", "idle:50"};
    ImGui::SetNextItemWidth(160);
    if (ImGui::BeginCombo("##framingPreset", "presets")) {
        for (const char* preset : presets)
            if (ImGui::Selectable(preset, text == preset)) text = preset;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    ImGui::InputText("framing", &text);
    UiProbe::mark("settings/framing");
    auto parsed = parseFrameSpec(text, framing.maxFrame);
    if (parsed) {
        framing = std::move(parsed).value();
    } else {
        ImGui::SameLine();
        ImGui::TextColored(ErrorColour, "%s", parsed.error().describe().c_str());
    }
    if (framing.enabled()) {
        int maxFrame = static_cast<int>(framing.maxFrame);
        ImGui::SetNextItemWidth(110);
        if (ImGui::InputInt("max message bytes", &maxFrame, 0)) {
            // Through the parser again: fixed:N and a length header must still fit.
            auto resized = parseFrameSpec(text, static_cast<std::size_t>(std::clamp<int>(maxFrame, 1, static_cast<int>(MaxFrameBytesLimit))));
            if (resized) framing = std::move(resized).value();
        }
    }
}

/// The checksum each received message must end in ("none": nothing is checked).
void drawCheckSetting(std::optional<ChecksumKind>& check, bool discard = false) {
    // A discarding session looks at nothing it receives: no check to make.
    if (discard) check.reset();
    ImGui::BeginDisabled(discard);
    const std::string current = check ? std::string(checksumInfo(*check).name) : "none";
    ImGui::SetNextItemWidth(160);
    if (ImGui::BeginCombo("check received checksum", current.c_str())) {
        if (ImGui::Selectable("none", !check)) check.reset();
        for (const auto& info : checksumCatalogue())
            if (ImGui::Selectable(std::string(info.name).c_str(), check == info.kind)) check = info.kind;
        ImGui::EndCombo();
    }
    ImGui::EndDisabled();
    UiProbe::mark("settings/check");
}

} // namespace

void drawSettings(app::SessionModel& session) {
    SessionSpec& spec = session.spec();
    ImGui::PushItemWidth(180);
    switch (spec.kind) {
    case SessionKind::TcpClient: {
        auto& c = spec.tcpClient;
        ImGui::InputText("host", &c.host);
        UiProbe::mark("settings/host");
        ImGui::SameLine();
        inputPort("port", c.port);
        UiProbe::mark("settings/port");
        ImGui::InputText("local address", &c.localAddress);
        ImGui::SameLine();
        inputPort("local port", c.localPort);
        int timeout = static_cast<int>(c.connectTimeout.count());
        ImGui::SetNextItemWidth(90);
        if (ImGui::InputInt("connect timeout (ms)", &timeout, 0)) c.connectTimeout = std::chrono::milliseconds(std::max(1, timeout));
        ImGui::Checkbox("auto-reconnect", &c.autoReconnect);
        drawFramingSettings(session, c.framing);
        drawCheckSetting(c.check);
        drawReplySettings(session, c.autoReply, false);
        break;
    }
    case SessionKind::TcpServer: {
        auto& c = spec.tcpServer;
        ImGui::InputText("bind address (empty = all, IPv4+IPv6)", &c.bindAddress);
        UiProbe::mark("settings/bind");
        ipVersionCombo(c.bindAddress);
        inputPort("port (0 = any free)", c.port);
        UiProbe::mark("settings/port");
        int maxClients = static_cast<int>(c.maxClients);
        ImGui::SetNextItemWidth(90);
        if (ImGui::InputInt("max clients (0 = no limit)", &maxClients, 0)) c.maxClients = static_cast<std::size_t>(std::max(0, maxClients));
        drawFramingSettings(session, c.framing);
        drawCheckSetting(c.check, c.discard);
        drawReplySettings(session, c.autoReply, true);
        ImGui::Checkbox("discard (count only: no display, no replies)", &c.discard);
        UiProbe::mark("settings/discard");
        break;
    }
    case SessionKind::Udp: {
        auto& c = spec.udp;
        ImGui::InputText("bind address (empty = any)", &c.bindAddress);
        ipVersionCombo(c.bindAddress);
        ImGui::SameLine();
        inputPort("local port", c.port);
        UiProbe::mark("settings/port");
        ImGui::InputText("default remote host", &c.remoteHost);
        ImGui::SameLine();
        inputPort("remote port", c.remotePort);
        ImGui::Checkbox("broadcast", &c.broadcast);
        if (session.isMulticast()) {
            std::string group = c.multicast.groups.empty() ? std::string() : c.multicast.groups.front();
            if (ImGui::InputText("group", &group)) c.multicast.groups = {group};
            ImGui::InputText("interface", &c.multicast.interfaceName);
            ImGui::SetNextItemWidth(90);
            ImGui::InputInt("TTL / hops", &c.multicast.hops, 0);
            ImGui::SameLine();
            ImGui::Checkbox("loopback", &c.multicast.loopback);
        }
        drawCheckSetting(c.check, c.discard);
        drawReplySettings(session, c.autoReply, false);
        ImGui::Checkbox("discard (count only: no display, no replies)", &c.discard);
        UiProbe::mark("settings/discard");
        break;
    }
    }
    ImGui::PopItemWidth();
}

void drawPeerTable(app::SessionModel& session) {
    const auto& peers = session.peers();
    const bool server = session.kind() == SessionKind::TcpServer;
    ImGui::Text(server ? "%zu clients" : "%zu peers", peers.size());
    if (peers.empty()) return;
    const float height = std::min(160.0f, ImGui::GetTextLineHeightWithSpacing() * (static_cast<float>(peers.size()) + 1.5f));
    if (!ImGui::BeginTable("##peers", server ? 7 : 6,
                           ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV,
                           ImVec2(0, height)))
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
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(peers.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const PeerStats& peer = peers[static_cast<std::size_t>(i)];
            ImGui::PushID(static_cast<int>(peer.id));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const bool selected = session.selectedPeer == peer.id;
            if (ImGui::Selectable(std::to_string(peer.id).c_str(), selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
                session.selectedPeer = selected ? 0 : peer.id;
            UiProbe::mark("peer/" + peer.peer.toString());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(peer.peer.toString().c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatClockMs(peer.sinceUs).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(formatByteCount(peer.traffic.rxBytes).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(formatByteCount(peer.traffic.txBytes).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatClockMs(peer.lastActivityUs).c_str());
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

void drawSessionPanel(app::AppModel& model, app::SessionModel& session) {
    (void)model;
    ImGui::PushID(static_cast<int>(session.uiId()));
    const SessionState state = session.state();
    const bool open = state != SessionState::Closed;
    const bool listener = session.kind() == SessionKind::TcpServer;

    // Name (editable), Open/Close, status line.
    std::string name = session.name();
    ImGui::SetNextItemWidth(220);
    if (ImGui::InputText("##name", &name) && !name.empty()) session.rename(name);
    ImGui::SameLine();
    const char* action = open ? (listener ? "Stop" : "Close") : (listener ? "Listen" : "Open");
    if (ImGui::Button(action)) open ? session.close() : session.open();
    UiProbe::mark("open");
    ImGui::SameLine();
    ImGui::TextColored(open ? OpenColour : ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], "%s",
                       std::string(sessionStateName(state)).c_str());
    if (session.localEndpoint() && open) {
        ImGui::SameLine();
        ImGui::Text("%s %s", listener ? "on" : "local", session.localEndpoint()->toString().c_str());
    }
    if (!session.lastError().empty()) ImGui::TextColored(ErrorColour, "%s", session.lastError().c_str());

    // Counters since reset, rates per second.
    const TrafficSnapshot traffic = session.traffic();
    const auto& rates = session.rates();
    ImGui::Text("RX %s in %llu msgs (%s/s)   TX %s in %llu msgs (%s/s)", formatByteCount(traffic.rxBytes).c_str(),
                static_cast<unsigned long long>(traffic.rxMessages), formatByteCount(static_cast<std::uint64_t>(rates.rxBytes)).c_str(),
                formatByteCount(traffic.txBytes).c_str(), static_cast<unsigned long long>(traffic.txMessages),
                formatByteCount(static_cast<std::uint64_t>(rates.txBytes)).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("reset counters")) session.resetCounters();
    ImGui::SameLine();
    drawCaptureControls(session);
    if (Session* live = session.session()) {
        // Framing and checksum figures, once there is something to say (exact: the worker's own counters).
        const SessionCounters& counters = live->counters();
        const auto partial = counters.framesPartial.load(), oversize = counters.framesOversize.load(),
                   malformed = counters.framesMalformed.load(), good = counters.checksGood.load(),
                   bad = counters.checksBad.load();
        if (partial + oversize + malformed > 0)
            ImGui::TextColored(ErrorColour, "messages not framed whole: %llu partial, %llu oversize, %llu malformed",
                               static_cast<unsigned long long>(partial), static_cast<unsigned long long>(oversize),
                               static_cast<unsigned long long>(malformed));
        if (good + bad > 0)
            ImGui::TextColored(bad ? ErrorColour : OpenColour, "checksum: %llu ok, %llu bad",
                               static_cast<unsigned long long>(good), static_cast<unsigned long long>(bad));
        UiProbe::mark("counters/framing");
    }
    if (const auto& sequence = session.sequenceStats()) {
        // A generator's numbered datagrams arrived: what the network did to them.
        const double lossPercent =
            sequence->expected ? 100.0 * static_cast<double>(sequence->lost) / static_cast<double>(sequence->expected) : 0.0;
        ImGui::Text("numbered stream: %llu of %llu received, lost %llu (%.3f %%), duplicated %llu, reordered %llu, "
                    "jitter %.1f us",
                    static_cast<unsigned long long>(sequence->received), static_cast<unsigned long long>(sequence->expected),
                    static_cast<unsigned long long>(sequence->lost), lossPercent,
                    static_cast<unsigned long long>(sequence->duplicated),
                    static_cast<unsigned long long>(sequence->reordered), sequence->jitterUs);
        UiProbe::mark("sequence-stats");
    }

    const bool settingsOpen = ImGui::CollapsingHeader(open ? "Settings (apply at the next open)###settings" : "Settings###settings");
    UiProbe::mark("settings");
    if (settingsOpen) drawSettings(session);
    drawGeneratorPane(session);
    if (session.kind() != SessionKind::TcpClient) drawPeerTable(session);

    const float sendHeight = ImGui::GetFrameHeightWithSpacing() * 5.5f;
    const float logHeight = ImGui::GetTextLineHeightWithSpacing() * 6.0f;
    const float receiveHeight = std::max(80.0f, ImGui::GetContentRegionAvail().y - sendHeight - logHeight);
    drawReceivePane(session, receiveHeight);
    drawSendPane(model, session);
    drawConnectionLog(session, 0);
    ImGui::PopID();
}

} // namespace socketeer::ui
