// The send pane: text or hex with a live preview of the exact bytes, destination, line ending, history, payloads.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "imgui_compat.hpp"
#include "layout.hpp"
#include "panes.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/net/endpoint.hpp"
#include "socketeer/core/units_format.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

std::string previewText(const Bytes& bytes) {
    constexpr std::size_t Shown = 24;
    std::string text = std::to_string(bytes.size()) + " bytes: " +
                       formatHex(ByteView(bytes).first(std::min(bytes.size(), Shown)));
    if (bytes.size() > Shown) text += " ...";
    return text;
}

/// The preview line: the size, then the first bytes in hex with what the tokens computed (checksums, lengths,
/// counters) in their own colour, so the user sees exactly what will leave and which bytes were worked out.
void drawPreview(const app::SendComposer::Preview& preview, bool connected) {
    constexpr std::size_t Shown = 24;
    const Bytes& bytes = *preview.bytes;
    ImGui::TextDisabled("%zu bytes:", bytes.size());
    const std::size_t shown = std::min(bytes.size(), Shown);
    std::size_t at = 0;
    while (at < shown) {
        // The run up to the next change between typed and computed bytes.
        const auto computedAt = [&](std::size_t i) {
            return std::any_of(preview.computed.begin(), preview.computed.end(),
                               [i](const auto& span) { return i >= span.offset && i < span.offset + span.size; });
        };
        const bool computed = computedAt(at);
        std::size_t end = at + 1;
        while (end < shown && computedAt(end) == computed) ++end;
        const std::string hex = formatHex(ByteView(bytes).subspan(at, end - at));
        ImGui::SameLine(0, ImGui::CalcTextSize(" ").x);
        if (computed) ImGui::TextColored(colour::Computed, "%s", hex.c_str());
        else ImGui::TextDisabled("%s", hex.c_str());
        at = end;
    }
    if (bytes.size() > Shown || !connected) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s%s", bytes.size() > Shown ? "..." : "", connected ? "" : "  (not open)");
    }
}

/// {peer} of a send from the pane: the destination's address when there is one.
std::string peerOf(app::SessionModel& session) {
    const SessionSpec& spec = session.spec();
    switch (session.kind()) {
    case SessionKind::TcpClient: return HostPort{spec.tcpClient.host, spec.tcpClient.port}.toString();
    case SessionKind::TcpServer:
    case SessionKind::Proxy:
        for (const auto& peer : session.peers())
            if (peer.id == session.ui().selectedPeer) return peer.peer.toString();
        return {};
    case SessionKind::Udp:
        return session.ui().udpTarget.empty() ? HostPort{spec.udp.remoteHost, spec.udp.remotePort}.toString()
                                              : session.ui().udpTarget;
    }
    return {};
}

/// What a send from the pane resolves its template with. Only called while the session is open.
SendContext sendContext(app::SessionModel& session) {
    SendContext context;
    context.peer = peerOf(session);
    context.messageNumber = ++session.ui().sendsFromPane; // {n}: this send's number from the pane
    context.nextCounter = [&session] { return session.session()->nextPayloadCounter(); };
    return context;
}

/// Where a send goes, from the pane's destination controls; an error text when the target is not valid.
std::optional<SendTarget> destination(app::SessionModel& session, std::string& error) {
    const app::SessionUiState& ui = session.ui();
    switch (session.kind()) {
    case SessionKind::TcpClient: return SendTarget::toDefault();
    case SessionKind::TcpServer:
    case SessionKind::Proxy: // to its clients, as if the target had sent it
        return ui.selectedPeer == 0 ? SendTarget::toAllConnections() : SendTarget::toConnection(ui.selectedPeer);
    case SessionKind::Udp: {
        // A peer chosen in the peers table, else the typed target, else the default remote / last sender.
        if (ui.udpTarget.empty() && ui.selectedPeer != 0) return SendTarget::toConnection(ui.selectedPeer);
        if (ui.udpTarget.empty()) return SendTarget::toDefault();
        auto target = parseHostPort(ui.udpTarget);
        if (!target) {
            error = "target: " + target.error().describe();
            return std::nullopt;
        }
        return SendTarget::toHost(target.value().host, target.value().port);
    }
    }
    return std::nullopt;
}

/// What the pane works out once a frame and its parts share.
struct SendState {
    const app::SendComposer::Preview& preview;
    std::optional<SendTarget> target;
    std::string targetError;
    bool connected = false;
    bool sendable = false; ///< valid bytes, a valid destination, an open session
};

/// Mode, line ending, encoding and destination.
void drawEntryToolbar(app::SessionModel& session) {
    app::SendComposer& composer = session.composer();
    app::SessionUiState& ui = session.ui();
    WrapRow row;
    int hex = composer.hex ? 1 : 0;
    row.next(WrapRow::checkbox("text"));
    ImGui::RadioButton("text", &hex, 0);
    UiProbe::mark("send/text-mode");
    row.next(WrapRow::checkbox("hex"));
    ImGui::RadioButton("hex", &hex, 1);
    UiProbe::mark("send/hex-mode");
    composer.hex = hex == 1;
    int ending = static_cast<int>(composer.ending);
    const char* endings[] = {"no line ending", "+ CR", "+ LF", "+ CR LF"};
    row.next(em(width::Combo));
    ImGui::SetNextItemWidth(em(width::Combo));
    ImGui::Combo("##ending", &ending, endings, 4);
    composer.ending = static_cast<app::LineEnding>(ending);
    int encoding = static_cast<int>(composer.encoding);
    const char* encodings[] = {"UTF-8", "GB18030", "Latin-1"};
    row.next(em(width::ShortCombo));
    ImGui::SetNextItemWidth(em(width::ShortCombo));
    ImGui::Combo("##encoding", &encoding, encodings, 3);
    composer.encoding = static_cast<TextEncoding>(encoding);

    if (session.kind() == SessionKind::TcpServer) {
        const std::string current = ui.selectedPeer == 0 ? "to all clients" : "to client #" + std::to_string(ui.selectedPeer);
        row.next(em(width::Field));
        ImGui::SetNextItemWidth(em(width::Field));
        if (ImGui::BeginCombo("##to", current.c_str())) {
            if (ImGui::Selectable("to all clients", ui.selectedPeer == 0)) ui.selectedPeer = 0;
            for (const auto& peer : session.peers()) {
                const std::string label = "#" + std::to_string(peer.id) + " " + peer.peer.toString();
                if (ImGui::Selectable(label.c_str(), ui.selectedPeer == peer.id)) ui.selectedPeer = peer.id;
            }
            ImGui::EndCombo();
        }
        UiProbe::mark("send/to");
    } else if (session.kind() == SessionKind::Udp) {
        row.next(em(width::Template));
        ImGui::SetNextItemWidth(em(width::Template));
        ImGui::InputTextWithHint("##target", "host:port (empty: default / last sender)", &ui.udpTarget);
        UiProbe::mark("send/target");
    }
}

/// Send, and what will leave: the preview with computed bytes marked, or why nothing can.
void drawSendButtonAndPreview(app::SessionModel& session, const SendState& state, bool submitted) {
    app::SendComposer& composer = session.composer();
    ImGui::BeginDisabled(!state.sendable);
    const bool clicked = ImGui::Button("Send");
    ImGui::EndDisabled();
    UiProbe::mark("send/button");
    if ((clicked || submitted) && state.sendable) {
        auto bytes = composer.resolveForSend(sendContext(session)); // this send's counter step, time and checksums
        composer.sendError = bytes ? std::string() : bytes.error().describe();
        if (bytes) session.send(std::move(bytes).value(), *state.target);
    }
    ImGui::SameLine();
    const auto& preview = state.preview;
    if (!preview.error.empty()) ImGui::TextColored(colour::Error, "%s", preview.error.c_str());
    else if (!state.targetError.empty()) ImGui::TextColored(colour::Error, "%s", state.targetError.c_str());
    else if (!composer.sendError.empty()) ImGui::TextColored(colour::Error, "%s", composer.sendError.c_str());
    else if (preview.bytes) drawPreview(preview, state.connected);
    UiProbe::mark("send/preview");
}

/// Repeat on the worker: every N ms, N times (0 = until stopped).
void drawRepeatControls(app::SessionModel& session, const SendState& state, WrapRow& row) {
    app::SessionUiState& ui = session.ui();
    row.next(WrapRow::labelled(em(width::Port), "ms"));
    ImGui::SetNextItemWidth(em(width::Port));
    ImGui::InputInt("ms##every", &ui.repeatIntervalMs, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
    UiProbe::mark("repeat/interval");
    ui.repeatIntervalMs = std::max(1, ui.repeatIntervalMs);
    row.next(WrapRow::labelled(em(width::Port), "times"));
    ImGui::SetNextItemWidth(em(width::Port));
    ImGui::InputInt("times##count", &ui.repeatCount, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
    UiProbe::mark("repeat/count");
    ui.repeatCount = std::max(0, ui.repeatCount);
    // Running or not is the worker's word (a counted repeat ends on its own), not a flag kept here.
    if (!session.repeating()) {
        row.next(WrapRow::button("repeat"));
        ImGui::BeginDisabled(!state.sendable);
        if (ImGui::SmallButton("repeat")) {
            RepeatSpec spec{*state.preview.bytes, *state.target, std::chrono::milliseconds(ui.repeatIntervalMs),
                            static_cast<std::uint64_t>(ui.repeatCount), nullptr};
            if (!state.preview.payload->isLiteral()) spec.payloadTemplate = state.preview.payload; // resolved at each send
            session.session()->startRepeat(std::move(spec));
        }
        ImGui::EndDisabled();
    } else {
        row.next(WrapRow::button("stop repeat"));
        if (ImGui::SmallButton("stop repeat")) session.session()->stopRepeat();
    }
    UiProbe::mark("send/repeat");
}

/// History, file, saved payloads (F1..F9 send the first nine).
void drawPayloadButtons(app::AppModel& model, app::SessionModel& session, const SendState& state, WrapRow& row) {
    app::SendComposer& composer = session.composer();
    app::SessionUiState& ui = session.ui();
    if (!composer.history().empty()) {
        row.next(em(width::Combo));
        ImGui::SetNextItemWidth(em(width::Combo));
        if (ImGui::BeginCombo("##history", "history", ImGuiComboFlags_NoPreview)) {
            for (const auto& payload : composer.history())
                if (ImGui::Selectable(previewText(payload).c_str())) composer.load(payload);
            ImGui::EndCombo();
        }
    }
    row.next(WrapRow::button("file..."));
    if (ImGui::SmallButton("file...")) ImGui::OpenPopup("##file");
    UiProbe::mark("file");
    if (ImGui::BeginPopup("##file")) {
        pathField(model.paths(), "send-file/" + std::to_string(session.uiId()), "file/path", "file to send",
                  ui.sendFile.path, app::FileDialogKind::Open, "Send a file");
        const bool start = ImGui::Button("Send file");
        UiProbe::mark("file/send");
        if (start && state.target) {
            // Started: the popup's work is done, and the pane shows the progress. Refused: the popup says why.
            ui.sendFile.message = session.sendFile(ui.sendFile.path, *state.target);
            if (ui.sendFile.message.empty()) ImGui::CloseCurrentPopup();
        }
        if (!ui.sendFile.message.empty()) ImGui::TextUnformatted(ui.sendFile.message.c_str());
        ImGui::EndPopup();
    }
    row.next(WrapRow::button("save payload..."));
    if (ImGui::SmallButton("save payload...")) ImGui::OpenPopup("##savepayload");
    if (ImGui::BeginPopup("##savepayload")) {
        ImGui::SetNextItemWidth(em(width::Field));
        ImGui::InputText("name", &ui.payloadName);
        if (ImGui::Button("Save") && state.preview.payload && !ui.payloadName.empty()) {
            model.payloads.push_back({ui.payloadName, *state.preview.payload, composer.hex}); // the template, not one resolution
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    // A payload saved for one session (an imported Packet Sender packet names its target's) shows in that
    // session's pane only; F1..F9 are the first nine shown.
    std::vector<std::size_t> shown;
    for (std::size_t i = 0; i < model.payloads.size(); ++i)
        if (model.payloads[i].session.empty() || model.payloads[i].session == session.name()) shown.push_back(i);
    const std::size_t quick = std::min<std::size_t>(shown.size(), 9);
    for (std::size_t n = 0; n < shown.size(); ++n) {
        const auto& payload = model.payloads[shown[n]];
        std::string label = (n < quick ? "F" + std::to_string(n + 1) + " " : std::string()) + payload.name;
        if (payload.repeatIntervalMs) label += " (every " + formatSeconds(std::chrono::milliseconds(payload.repeatIntervalMs)) + ")";
        row.next(WrapRow::button(label.c_str()));
        ImGui::PushID(static_cast<int>(shown[n]));
        // Ctrl+F1… run sequences: a payload's key is F1… alone.
        const bool key = n < quick && !ImGui::GetIO().WantTextInput && !ImGui::GetIO().KeyCtrl && isFunctionKeyPressed(static_cast<int>(n));
        if ((ImGui::SmallButton(label.c_str()) || key) && state.target && state.connected) {
            if (payload.repeatIntervalMs && !session.repeating()) {
                // Sent now and then every interval until "stop repeat", as Packet Sender resends a packet.
                RepeatSpec spec{{}, *state.target, std::chrono::milliseconds(payload.repeatIntervalMs), 0,
                                std::make_shared<const PayloadTemplate>(payload.payload)};
                session.session()->startRepeat(std::move(spec));
            } else {
                auto bytes = payload.payload.resolve(sendContext(session));
                composer.sendError = bytes ? std::string() : payload.name + ": " + bytes.error().describe();
                if (bytes) session.send(std::move(bytes).value(), *state.target);
            }
        }
        UiProbe::mark("payload/" + payload.name);
        ImGui::PopID();
    }
}

/// A file being sent: its own line, so the row's buttons never push it out of sight.
void drawFileProgress(app::SessionModel& session) {
    const auto progress = session.fileProgress();
    if (!progress) return;
    const float fraction = progress->total ? static_cast<float>(static_cast<double>(progress->sent) / static_cast<double>(progress->total)) : 0.0f;
    ImGui::ProgressBar(fraction, ImVec2(em(12), 0), "");
    ImGui::SameLine();
    ImGui::TextDisabled("file: %s of %s", formatByteCount(progress->sent).c_str(), formatByteCount(progress->total).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("stop")) session.cancelFileSend();
    UiProbe::mark("file/stop");
}

} // namespace

void drawSendPane(app::AppModel& model, app::SessionModel& session) {
    app::SendComposer& composer = session.composer();
    ImGui::PushID("send");
    drawEntryToolbar(session);

    // The editor. Ctrl+Enter sends (plain Enter is a new line).
    const bool submitted = ImGui::InputTextMultiline("##payload", &composer.text,
                                                     ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f),
                                                     ImGuiInputTextFlags_EnterReturnsTrue);
    UiProbe::mark("send/editor");

    SendState state{composer.preview(), std::nullopt, {}, session.state() == SessionState::Open, false};
    state.target = destination(session, state.targetError);
    state.sendable = state.preview.bytes && state.target && state.connected &&
                     (!state.preview.bytes->empty() || session.kind() == SessionKind::Udp);
    drawSendButtonAndPreview(session, state, submitted);
    WrapRow row; // repeat and payload controls: their own line(s), under the preview
    drawRepeatControls(session, state, row);
    drawPayloadButtons(model, session, state, row);
    drawFileProgress(session);
    ImGui::PopID();
}

} // namespace socketeer::ui
