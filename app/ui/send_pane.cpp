// The send pane: text or hex with a live preview of the exact bytes, destination, line ending, history, payloads.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "app_ui.hpp"
#include "imgui_compat.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/net/endpoint.hpp"
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
        if (computed) ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.35f, 1), "%s", hex.c_str());
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
        for (const auto& peer : session.peers())
            if (peer.id == session.selectedPeer) return peer.peer.toString();
        return {};
    case SessionKind::Udp:
        return session.udpTarget.empty() ? HostPort{spec.udp.remoteHost, spec.udp.remotePort}.toString() : session.udpTarget;
    }
    return {};
}

/// What a send from the pane resolves its template with. Only called while the session is open.
SendContext sendContext(app::SessionModel& session) {
    SendContext context;
    context.peer = peerOf(session);
    context.messageNumber = ++session.sendsFromPane; // {n}: this send's number from the pane
    context.nextCounter = [&session] { return session.session()->nextPayloadCounter(); };
    return context;
}

/// Where a send goes, from the pane's destination controls; an error text when the target is not valid.
std::optional<SendTarget> destination(app::SessionModel& session, std::string& error) {
    switch (session.kind()) {
    case SessionKind::TcpClient: return SendTarget::toDefault();
    case SessionKind::TcpServer:
        return session.selectedPeer == 0 ? SendTarget::toAllConnections() : SendTarget::toConnection(session.selectedPeer);
    case SessionKind::Udp: {
        // A peer chosen in the peers table, else the typed target, else the default remote / last sender.
        if (session.udpTarget.empty() && session.selectedPeer != 0) return SendTarget::toConnection(session.selectedPeer);
        if (session.udpTarget.empty()) return SendTarget::toDefault();
        auto target = parseHostPort(session.udpTarget);
        if (!target) {
            error = "target: " + target.error().describe();
            return std::nullopt;
        }
        return SendTarget::toHost(target.value().host, target.value().port);
    }
    }
    return std::nullopt;
}

struct RepeatControls {
    int intervalMs = 1000;
    int count = 0;
    bool running = false;
};
std::map<std::uint64_t, RepeatControls> s_repeats;
std::map<std::uint64_t, std::string> s_filePaths;
std::map<std::uint64_t, std::string> s_fileMessages;
std::map<std::uint64_t, std::string> s_payloadNames;

} // namespace

void drawSendPane(app::AppModel& model, app::SessionModel& session) {
    app::SendComposer& composer = session.composer();
    ImGui::PushID("send");

    int hex = composer.hex ? 1 : 0;
    ImGui::RadioButton("text", &hex, 0);
    UiProbe::mark("send/text-mode");
    ImGui::SameLine();
    ImGui::RadioButton("hex", &hex, 1);
    UiProbe::mark("send/hex-mode");
    composer.hex = hex == 1;
    ImGui::SameLine();
    int ending = static_cast<int>(composer.ending);
    const char* endings[] = {"no line ending", "+ CR", "+ LF", "+ CR LF"};
    ImGui::SetNextItemWidth(120);
    ImGui::Combo("##ending", &ending, endings, 4);
    composer.ending = static_cast<app::LineEnding>(ending);
    ImGui::SameLine();
    int encoding = static_cast<int>(composer.encoding);
    const char* encodings[] = {"UTF-8", "GB18030", "Latin-1"};
    ImGui::SetNextItemWidth(90);
    ImGui::Combo("##encoding", &encoding, encodings, 3);
    composer.encoding = static_cast<TextEncoding>(encoding);

    // Destination.
    if (session.kind() == SessionKind::TcpServer) {
        ImGui::SameLine();
        std::string current = session.selectedPeer == 0 ? "to all clients" : "to client #" + std::to_string(session.selectedPeer);
        ImGui::SetNextItemWidth(200);
        if (ImGui::BeginCombo("##to", current.c_str())) {
            if (ImGui::Selectable("to all clients", session.selectedPeer == 0)) session.selectedPeer = 0;
            for (const auto& peer : session.peers()) {
                const std::string label = "#" + std::to_string(peer.id) + " " + peer.peer.toString();
                if (ImGui::Selectable(label.c_str(), session.selectedPeer == peer.id)) session.selectedPeer = peer.id;
            }
            ImGui::EndCombo();
        }
    } else if (session.kind() == SessionKind::Udp) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(200);
        ImGui::InputTextWithHint("##target", "host:port (empty: default / last sender)", &session.udpTarget);
        UiProbe::mark("send/target");
    }

    // The editor. Ctrl+Enter sends (plain Enter is a new line).
    const bool submitted = ImGui::InputTextMultiline("##payload", &composer.text,
                                                     ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f),
                                                     ImGuiInputTextFlags_EnterReturnsTrue);
    UiProbe::mark("send/editor");

    const auto& preview = composer.preview();
    std::string targetError;
    const auto target = destination(session, targetError);
    const bool connected = session.state() == SessionState::Open;
    const bool sendable = preview.bytes && target && connected &&
                          (!preview.bytes->empty() || session.kind() == SessionKind::Udp);
    ImGui::BeginDisabled(!sendable);
    const bool clicked = ImGui::Button("Send");
    ImGui::EndDisabled();
    UiProbe::mark("send/button");
    if ((clicked || submitted) && sendable) {
        auto bytes = composer.resolveForSend(sendContext(session)); // this send's counter step, time and checksums
        composer.sendError = bytes ? std::string() : bytes.error().describe();
        if (bytes) session.send(std::move(bytes).value(), *target);
    }
    ImGui::SameLine();
    if (!preview.error.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", preview.error.c_str());
    else if (!targetError.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", targetError.c_str());
    else if (!composer.sendError.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", composer.sendError.c_str());
    else if (preview.bytes) drawPreview(preview, connected);
    UiProbe::mark("send/preview");

    // Repeat on the worker: every N ms, N times (0 = until stopped).
    ImGui::SameLine();
    auto& repeat = s_repeats[session.uiId()];
    ImGui::SetNextItemWidth(70);
    ImGui::InputInt("ms##every", &repeat.intervalMs, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
    UiProbe::mark("repeat/interval");
    repeat.intervalMs = std::max(1, repeat.intervalMs);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    ImGui::InputInt("times##count", &repeat.count, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
    UiProbe::mark("repeat/count");
    repeat.count = std::max(0, repeat.count);
    ImGui::SameLine();
    if (!repeat.running) {
        ImGui::BeginDisabled(!sendable);
        if (ImGui::SmallButton("repeat")) {
            RepeatSpec spec{*preview.bytes, *target, std::chrono::milliseconds(repeat.intervalMs),
                            static_cast<std::uint64_t>(repeat.count), nullptr};
            if (!preview.payload->isLiteral()) spec.payloadTemplate = preview.payload; // resolved at each send
            session.session()->startRepeat(std::move(spec));
            repeat.running = true;
        }
        ImGui::EndDisabled();
    } else if (ImGui::SmallButton("stop repeat") || !connected) {
        if (session.session()) session.session()->stopRepeat();
        repeat.running = false;
    }
    UiProbe::mark("send/repeat");

    // History, file, saved payloads (F1..F9 send the first nine).
    if (!composer.history().empty()) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        if (ImGui::BeginCombo("##history", "history", ImGuiComboFlags_NoPreview)) {
            for (const auto& payload : composer.history())
                if (ImGui::Selectable(previewText(payload).c_str())) composer.load(payload);
            ImGui::EndCombo();
        }
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("file...")) ImGui::OpenPopup("##file");
    UiProbe::mark("file");
    if (ImGui::BeginPopup("##file")) {
        std::string& path = s_filePaths[session.uiId()];
        ImGui::SetNextItemWidth(360);
        ImGui::InputText("file to send", &path);
        UiProbe::mark("file/path");
        const bool start = ImGui::Button("Send file");
        UiProbe::mark("file/send");
        if (start && target) {
            // Started: the popup's work is done, and the pane shows the progress. Refused: the popup says why.
            const std::string error = session.sendFile(path, *target);
            s_fileMessages[session.uiId()] = error;
            if (error.empty()) ImGui::CloseCurrentPopup();
        }
        if (!s_fileMessages[session.uiId()].empty()) ImGui::TextUnformatted(s_fileMessages[session.uiId()].c_str());
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("save payload...")) ImGui::OpenPopup("##savepayload");
    if (ImGui::BeginPopup("##savepayload")) {
        std::string& name = s_payloadNames[session.uiId()];
        ImGui::SetNextItemWidth(200);
        ImGui::InputText("name", &name);
        if (ImGui::Button("Save") && preview.payload && !name.empty()) {
            model.payloads.push_back({name, *preview.payload, composer.hex}); // the template, not one resolution
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    const std::size_t quick = std::min<std::size_t>(model.payloads.size(), 9);
    for (std::size_t i = 0; i < model.payloads.size(); ++i) {
        const auto& payload = model.payloads[i];
        ImGui::SameLine();
        const std::string label = (i < quick ? "F" + std::to_string(i + 1) + " " : std::string()) + payload.name;
        ImGui::PushID(static_cast<int>(i));
        const bool key = i < quick && !ImGui::GetIO().WantTextInput && isFunctionKeyPressed(static_cast<int>(i));
        if ((ImGui::SmallButton(label.c_str()) || key) && target && connected) {
            auto bytes = payload.payload.resolve(sendContext(session));
            composer.sendError = bytes ? std::string() : payload.name + ": " + bytes.error().describe();
            if (bytes) session.send(std::move(bytes).value(), *target);
        }
        ImGui::PopID();
    }
    // A file being sent: its own line, so the row's buttons never push it out of sight.
    if (const auto progress = session.fileProgress()) {
        const float fraction = progress->total ? static_cast<float>(static_cast<double>(progress->sent) / static_cast<double>(progress->total)) : 0.0f;
        ImGui::ProgressBar(fraction, ImVec2(12 * ImGui::GetFontSize(), 0), "");
        ImGui::SameLine();
        ImGui::TextDisabled("file: %s of %s", formatByteCount(progress->sent).c_str(), formatByteCount(progress->total).c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("stop")) session.cancelFileSend();
        UiProbe::mark("file/stop");
    }
    ImGui::PopID();
}

} // namespace socketeer::ui
