// The session's settings: endpoints, TLS, framing, the checksum to check, automatic replies. They apply at the next open.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "panes.hpp"
#include "socketeer/core/net/local_interfaces.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

bool inputPort(const char* label, std::uint16_t& port) {
    int value = port;
    ImGui::SetNextItemWidth(em(width::Port));
    // Clicking selects the whole number, so typing replaces it.
    const bool changed = ImGui::InputInt(label, &value, 0, 0, ImGuiInputTextFlags_AutoSelectAll);
    if (changed) port = static_cast<std::uint16_t>(std::clamp(value, 0, 65535));
    return changed;
}

enum class AddressChoice { Addresses, Ipv4Addresses, InterfaceNames };

/// A field the user may type into, with the machine's own addresses (or interface names) one click away, as the
/// system lists them when the list is opened. `emptyMeans` names what leaving it empty does.
void addressField(const char* label, const std::string& probe, std::string& value, AddressChoice choice,
                  const char* emptyMeans, std::vector<LocalInterface>& interfaces) {
    ImGui::PushID(label);
    ImGui::SetNextItemWidth(em(width::Field));
    ImGui::InputTextWithHint("##value", emptyMeans, &value);
    UiProbe::mark(probe);
    ImGui::SameLine(0, 0);
    if (ImGui::BeginCombo("##choices", nullptr, ImGuiComboFlags_NoPreview | ImGuiComboFlags_PopupAlignLeft)) {
        if (ImGui::IsWindowAppearing()) interfaces = listLocalInterfaces(); // once per opening, not per frame
        if (ImGui::Selectable(emptyMeans, value.empty())) value.clear();
        for (const LocalInterface& interface : interfaces) {
            if (choice == AddressChoice::InterfaceNames) {
                const std::string shown = interface.label == interface.name ? interface.name
                                                                            : interface.label + " (" + interface.name + ")";
                if (ImGui::Selectable(shown.c_str(), value == interface.name)) value = interface.name;
                UiProbe::mark(probe + "/choice/" + interface.name);
                continue;
            }
            for (const LocalAddress& address : interface.addresses) {
                if (choice == AddressChoice::Ipv4Addresses && address.ipv6) continue;
                if (address.ipv6 && address.address.rfind("fe80:", 0) == 0) continue; // link-local needs a zone
                const std::string shown = address.address + "  (" + interface.label + ")";
                if (ImGui::Selectable(shown.c_str(), value == address.address)) value = address.address;
                UiProbe::mark(probe + "/choice/" + address.address);
            }
        }
        ImGui::EndCombo();
    }
    UiProbe::mark(probe + "/choices");
    ImGui::SameLine();
    ImGui::TextUnformatted(label);
    ImGui::PopID();
}

/// IP version for a listening address: both (dual-stack), IPv4 only, IPv6 only; a specific address keeps its family.
void ipVersionCombo(std::string& bindAddress) {
    const char* versions[] = {"IPv4 + IPv6", "IPv4 only", "IPv6 only"};
    int current = bindAddress.empty() ? 0 : bindAddress == "0.0.0.0" ? 1 : bindAddress == "::" ? 2 : -1;
    if (current < 0) return; // a specific address: its family is the choice
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em(width::Combo));
    if (ImGui::Combo("##ipversion", &current, versions, 3)) bindAddress = current == 0 ? "" : current == 1 ? "0.0.0.0" : "::";
}

/// Payloads are edited as text with escapes and tokens; what is typed stays as typed, only a valid template
/// replaces the setting (never a silent "fix"), and a bad one is named with its column.
void templateField(const char* label, app::TemplateDraft& draft, PayloadTemplate& payload) {
    if (!draft.editing) draft.text = payload.source();
    ImGui::SetNextItemWidth(em(width::Template));
    const bool changed = ImGui::InputText(label, &draft.text);
    draft.editing = ImGui::IsItemActive() || !draft.error.empty();
    if (changed) {
        auto parsed = PayloadTemplate::parse(draft.text, PayloadSyntax::Text);
        draft.error = parsed ? std::string() : parsed.error().describe();
        if (parsed) payload = std::move(parsed).value();
    }
    if (!draft.error.empty()) ImGui::TextColored(colour::Error, "%s", draft.error.c_str());
}

void drawReplySettings(app::SessionModel& session, AutoReply& reply, bool tcpServer) {
    app::SessionUiState& ui = session.ui();
    const char* modes[] = {"none", "echo", "fixed reply", "prefixed echo"};
    int mode = static_cast<int>(reply.mode);
    ImGui::SetNextItemWidth(em(width::Combo));
    if (ImGui::Combo("auto-reply", &mode, modes, 4)) reply.mode = static_cast<ReplyMode>(mode);
    UiProbe::mark("settings/reply-mode");
    if (reply.mode == ReplyMode::Fixed) templateField("reply ({time} {peer} {n} {crc16/modbus}...)", ui.replyDraft, reply.reply);
    if (reply.mode == ReplyMode::PrefixedEcho) templateField("prefix ({time} {peer} {n}...)", ui.prefixDraft, reply.prefix);
    if (tcpServer) {
        templateField("welcome on accept", ui.welcomeDraft, reply.welcome);
        ImGui::Checkbox("relay (chat room)", &reply.relay);
        ImGui::SameLine();
    }
    ImGui::Checkbox("close after reply", &reply.closeAfterReply);
}

/// The framing of a TCP session's received stream, typed as --frame spells it; only a valid spec replaces the
/// setting, and a bad one is named with its column.
void drawFramingSettings(std::string& text, FrameSpec& framing, const char* label = "framing") {
    ImGui::PushID(label);
    if (text.empty()) text = frameSpecText(framing);
    const char* presets[] = {"none", "line", "delim:0d0a", "modbus-tcp", "stx-etx", "slip", "cobs", "len:2be", "fixed:16", "idle:50"};
    ImGui::SetNextItemWidth(em(width::Combo));
    if (ImGui::BeginCombo("##framingPreset", "presets")) {
        for (const char* preset : presets)
            if (ImGui::Selectable(preset, text == preset)) text = preset;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em(width::Combo));
    ImGui::InputText(label, &text);
    UiProbe::mark(std::string("settings/") + label);
    auto parsed = parseFrameSpec(text, framing.maxFrame);
    if (parsed) framing = std::move(parsed).value();
    else ImGui::TextColored(colour::Error, "%s", parsed.error().describe().c_str());
    if (framing.enabled()) {
        int maxFrame = static_cast<int>(framing.maxFrame);
        ImGui::SetNextItemWidth(em(width::Number));
        if (ImGui::InputInt("max message bytes", &maxFrame, 0)) {
            // Through the parser again: fixed:N and a length header must still fit.
            auto resized = parseFrameSpec(text, static_cast<std::size_t>(std::clamp<int>(maxFrame, 1, static_cast<int>(MaxFrameBytesLimit))));
            if (resized) framing = std::move(resized).value();
        }
    }
    ImGui::PopID();
}

/// The checksum each received message must end in ("none": nothing is checked).
void drawCheckSetting(std::optional<ChecksumKind>& check, bool discard = false) {
    // A discarding session looks at nothing it receives: no check to make.
    if (discard) check.reset();
    ImGui::BeginDisabled(discard);
    const std::string current = check ? std::string(checksumInfo(*check).name) : "none";
    ImGui::SetNextItemWidth(em(width::Combo));
    if (ImGui::BeginCombo("check received checksum", current.c_str())) {
        if (ImGui::Selectable("none", !check)) check.reset();
        for (const auto& info : checksumCatalogue())
            if (ImGui::Selectable(std::string(info.name).c_str(), check == info.kind)) check = info.kind;
        ImGui::EndCombo();
    }
    ImGui::EndDisabled();
    UiProbe::mark("settings/check");
}

void drawTcpClientSettings(app::AppModel& model, app::SessionModel& session, TcpClientConfig& c) {
    ImGui::SetNextItemWidth(em(width::Field));
    ImGui::InputText("host", &c.host);
    UiProbe::mark("settings/host");
    ImGui::SameLine();
    inputPort("port", c.port);
    UiProbe::mark("settings/port");
    addressField("local address", "settings/local-address", c.localAddress, AddressChoice::Addresses, "any", session.ui().interfaces);
    ImGui::SameLine();
    inputPort("local port", c.localPort);
    int timeout = static_cast<int>(c.connectTimeout.count());
    ImGui::SetNextItemWidth(em(width::Number));
    if (ImGui::InputInt("connect timeout (ms)", &timeout, 0)) c.connectTimeout = std::chrono::milliseconds(std::max(1, timeout));
    ImGui::Checkbox("auto-reconnect", &c.autoReconnect);
    drawTlsSettings(model, session, c.tls, false, "tls", session.ui().alpnText);
    drawFramingSettings(session.ui().framingText, c.framing);
    drawCheckSetting(c.check);
    drawReplySettings(session, c.autoReply, false);
}

void drawTcpServerSettings(app::AppModel& model, app::SessionModel& session, TcpServerConfig& c) {
    addressField("bind address", "settings/bind", c.bindAddress, AddressChoice::Addresses, "all (IPv4 + IPv6)", session.ui().interfaces);
    ipVersionCombo(c.bindAddress);
    inputPort("port (0 = any free)", c.port);
    UiProbe::mark("settings/port");
    int maxClients = static_cast<int>(c.maxClients);
    ImGui::SetNextItemWidth(em(width::Number));
    if (ImGui::InputInt("max clients (0 = no limit)", &maxClients, 0)) c.maxClients = static_cast<std::size_t>(std::max(0, maxClients));
    drawTlsSettings(model, session, c.tls, true, "tls", session.ui().alpnText);
    drawFramingSettings(session.ui().framingText, c.framing);
    drawCheckSetting(c.check, c.discard);
    drawReplySettings(session, c.autoReply, true);
    ImGui::Checkbox("discard (count only: no display, no replies)", &c.discard);
    UiProbe::mark("settings/discard");
}

void drawUdpSettings(app::SessionModel& session, UdpSocketConfig& c) {
    addressField("bind address", "settings/bind", c.bindAddress, AddressChoice::Addresses, "any", session.ui().interfaces);
    ipVersionCombo(c.bindAddress);
    ImGui::SameLine();
    inputPort("local port", c.port);
    UiProbe::mark("settings/port");
    ImGui::SetNextItemWidth(em(width::Field));
    ImGui::InputText("default remote host", &c.remoteHost);
    ImGui::SameLine();
    inputPort("remote port", c.remotePort);
    ImGui::Checkbox("broadcast", &c.broadcast);
    if (session.isMulticast()) {
        std::string group = c.multicast.groups.empty() ? std::string() : c.multicast.groups.front();
        ImGui::SetNextItemWidth(em(width::Field));
        if (ImGui::InputText("group", &group)) c.multicast.groups = {group};
        // IPv4 joins on an interface's address, IPv6 on an interface's name (core/net/udp_socket.cpp).
        const bool ipv6Group = group.find(':') != std::string::npos;
        addressField("interface", "settings/interface", c.multicast.interfaceName,
                     ipv6Group ? AddressChoice::InterfaceNames : AddressChoice::Ipv4Addresses, "the default",
                     session.ui().interfaces);
        ImGui::SetNextItemWidth(em(width::Number));
        ImGui::InputInt("TTL / hops", &c.multicast.hops, 0);
        ImGui::SameLine();
        ImGui::Checkbox("loopback", &c.multicast.loopback);
    }
    drawCheckSetting(c.check, c.discard);
    drawReplySettings(session, c.autoReply, false);
    ImGui::Checkbox("discard (count only: no display, no replies)", &c.discard);
    UiProbe::mark("settings/discard");
}

void drawProxySettings(app::AppModel& model, app::SessionModel& session, ProxyConfig& c) {
    app::SessionUiState& ui = session.ui();
    addressField("listen address", "settings/bind", c.listenAddress, AddressChoice::Addresses, "all (IPv4 + IPv6)", ui.interfaces);
    ImGui::SameLine();
    inputPort("listen port (0 = any free)", c.listenPort);
    UiProbe::mark("settings/port");
    ImGui::SetNextItemWidth(em(width::Field));
    ImGui::InputText("target host", &c.targetHost);
    UiProbe::mark("settings/host");
    ImGui::SameLine();
    inputPort("target port", c.targetPort);
    UiProbe::mark("settings/target-port");
    ImGui::Checkbox("UDP (a socket toward the target per client address)", &c.udp);
    UiProbe::mark("settings/udp");
    if (c.udp) {
        int idle = static_cast<int>(c.udpIdleTimeout.count());
        ImGui::SetNextItemWidth(em(width::Number));
        if (ImGui::InputInt("idle timeout (ms)", &idle, 0)) c.udpIdleTimeout = std::chrono::milliseconds(std::max(1, idle));
    } else {
        int timeout = static_cast<int>(c.connectTimeout.count());
        ImGui::SetNextItemWidth(em(width::Number));
        if (ImGui::InputInt("connect timeout (ms)", &timeout, 0)) c.connectTimeout = std::chrono::milliseconds(std::max(1, timeout));
        drawTlsSettings(model, session, c.tlsListen, true, "tls-listen", ui.alpnText);
        drawTlsSettings(model, session, c.tlsTo, false, "tls-to", ui.alpnTextTo);
        drawFramingSettings(ui.framingText, c.framingToServer, "framing c>s");
        drawFramingSettings(ui.framingTextToClient, c.framingToClient, "framing s>c");
    }
    int seed = static_cast<int>(std::min<std::uint64_t>(c.seed, 2147483647));
    ImGui::SetNextItemWidth(em(width::Number));
    if (ImGui::InputInt("impairment seed", &seed, 0)) c.seed = static_cast<std::uint64_t>(std::max(0, seed));
    if (const std::string problem = checkProxyConfig(c); !problem.empty()) ImGui::TextColored(colour::Error, "%s", problem.c_str());
}

} // namespace

void drawSettings(app::AppModel& model, app::SessionModel& session) {
    SessionSpec& spec = session.spec();
    if (session.isOpen()) ImGui::TextDisabled("Changes apply at the next open.");
    switch (spec.kind) {
    case SessionKind::TcpClient: drawTcpClientSettings(model, session, spec.tcpClient); break;
    case SessionKind::TcpServer: drawTcpServerSettings(model, session, spec.tcpServer); break;
    case SessionKind::Udp: drawUdpSettings(session, spec.udp); break;
    case SessionKind::Proxy: drawProxySettings(model, session, spec.proxy); break;
    }
}

} // namespace socketeer::ui
