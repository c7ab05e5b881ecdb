// Workspace files: strict, versioned JSON. Every refusal names the place (JSON path or line and column).
#include "socketeer/core/workspace/workspace.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/file_output.hpp"
#include "socketeer/core/rules/rule_set.hpp"
#include "workspace/workspace_reader.hpp"
#include "workspace/workspace_sequences.hpp"

namespace socketeer::core {
namespace {

using nlohmann::json;

constexpr std::string_view FormatTag = "socketeer-workspace";


ParseError positionedError(std::string_view text, std::size_t byteOffset, std::string message) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byteOffset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return ParseError{line, column == 1 ? 1 : column - 1, std::move(message)};
}

constexpr std::uint64_t MaxPort = 65535;
constexpr std::uint64_t MinBudget = 4096;
constexpr std::uint64_t MaxBudget = 1ull << 30;
constexpr std::uint64_t MaxDelayMs = 24ull * 3600 * 1000;

std::string_view replyModeKey(ReplyMode mode) {
    switch (mode) {
    case ReplyMode::None: return "none";
    case ReplyMode::Echo: return "echo";
    case ReplyMode::Fixed: return "fixed";
    case ReplyMode::PrefixedEcho: return "prefixed-echo";
    }
    return "none";
}

/// "rules": ["MATCHER => ACTION", {"rule": "MATCHER => ACTION", "hex": true, "enabled": false}, ...]: a string's DATA is text with
/// escapes; an object says how. A bad rule is refused with its index and the column of the problem.
void readRules(WorkspaceReader& in, const json& reply, const std::string& path, RuleSet& out, RuleHost host) {
    if (in.failed() || !reply.contains("rules")) return;
    const json& list = reply.at("rules");
    const std::string where = WorkspaceReader::join(path, "rules");
    if (!list.is_array()) return (void)in.fail(where, "expected a list of rules");
    constexpr std::size_t MaxRules = 1000;
    if (list.size() > MaxRules) return (void)in.fail(where, "more than " + std::to_string(MaxRules) + " rules");
    std::vector<Rule> rules;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = where + "[" + std::to_string(i) + "]";
        std::string text;
        bool hex = false;
        bool enabled = true;
        if (list[i].is_string()) {
            text = list[i].get<std::string>();
        } else if (list[i].is_object()) {
            if (!in.onlyKeys(list[i], at, {"rule", "hex", "enabled"})) return;
            in.string(list[i], at, "rule", text);
            in.boolean(list[i], at, "hex", hex);
            in.boolean(list[i], at, "enabled", enabled);
            if (in.failed()) return;
        } else {
            return (void)in.fail(at, "expected a rule: a string, or {\"rule\": ..., \"hex\": true}");
        }
        auto rule = parseRule(text, hex ? PayloadSyntax::Hex : PayloadSyntax::Text);
        if (!rule) return (void)in.fail(at, rule.error().describe());
        if (const std::string problem = checkRuleHost(rule.value(), host); !problem.empty()) return (void)in.fail(at, problem);
        rule.value().enabled = enabled;
        rules.push_back(std::move(rule).value());
    }
    out = RuleSet(std::move(rules));
}

void readReply(WorkspaceReader& in, const json& object, const std::string& path, AutoReply& out, bool udp = false) {
    if (in.failed() || !object.contains("reply")) return;
    const json& reply = object.at("reply");
    const std::string where = WorkspaceReader::join(path, "reply");
    if (!in.expectObject(reply, where) ||
        !in.onlyKeys(reply, where, {"mode", "reply", "prefix", "welcome", "relay", "closeAfterReply", "rules"}))
        return;
    std::string mode = std::string(replyModeKey(out.mode));
    in.string(reply, where, "mode", mode);
    if (mode == "none") out.mode = ReplyMode::None;
    else if (mode == "echo") out.mode = ReplyMode::Echo;
    else if (mode == "fixed") out.mode = ReplyMode::Fixed;
    else if (mode == "prefixed-echo") out.mode = ReplyMode::PrefixedEcho;
    else in.fail(WorkspaceReader::join(where, "mode"), "'" + mode + "' is not one of none, echo, fixed, prefixed-echo");
    in.payloadTemplate(reply, where, "reply", out.reply);
    in.payloadTemplate(reply, where, "prefix", out.prefix);
    in.payloadTemplate(reply, where, "welcome", out.welcome);
    in.boolean(reply, where, "relay", out.relay);
    in.boolean(reply, where, "closeAfterReply", out.closeAfterReply);
    readRules(in, reply, where, out.rules, udp ? RuleHost::UdpSession : RuleHost::TcpSession);
}

void readLimits(WorkspaceReader& in, const json& object, const std::string& path, SessionLimits& out) {
    if (in.failed() || !object.contains("limits")) return;
    const json& limits = object.at("limits");
    const std::string where = WorkspaceReader::join(path, "limits");
    if (!in.expectObject(limits, where) || !in.onlyKeys(limits, where, {"sendBudgetBytes", "eventQueueBytes"})) return;
    in.number(limits, where, "sendBudgetBytes", out.sendBudgetBytes, MinBudget, MaxBudget);
    in.number(limits, where, "eventQueueBytes", out.eventQueue.byteBudget, MinBudget, MaxBudget);
}

/// "framing": {"frame": "len:2be@4", "maxFrame": 1048576} — the frame text as --frame spells it.
void readFraming(WorkspaceReader& in, const json& object, const std::string& path, FrameSpec& out,
                 const char* key = "framing") {
    if (in.failed() || !object.contains(key)) return;
    const json& framing = object.at(key);
    const std::string where = WorkspaceReader::join(path, key);
    if (!in.expectObject(framing, where) || !in.onlyKeys(framing, where, {"frame", "maxFrame"})) return;
    std::string text = frameSpecText(out);
    std::size_t maxFrame = out.maxFrame;
    in.string(framing, where, "frame", text);
    in.number(framing, where, "maxFrame", maxFrame, 1, MaxFrameBytesLimit);
    if (in.failed()) return;
    auto parsed = parseFrameSpec(text, maxFrame);
    if (!parsed) return (void)in.fail(WorkspaceReader::join(where, "frame"), parsed.error().describe());
    out = std::move(parsed).value();
}

/// "check": "crc16/modbus" — the checksum every received message must end in ("" = none).
void readCheck(WorkspaceReader& in, const json& object, const std::string& path, std::optional<ChecksumKind>& out,
               bool discard = false) {
    if (in.failed() || !object.contains("check")) return;
    std::string name;
    in.string(object, path, "check", name);
    if (in.failed() || name.empty()) return (void)(out = std::nullopt);
    out = checksumNamed(name);
    if (!out) in.fail(WorkspaceReader::join(path, "check"), "'" + name + "' is not a checksum (" + checksumNames() + ")");
    else if (discard) in.fail(WorkspaceReader::join(path, "check"), "a discarding session checks nothing it receives");
}

std::string checkJson(const std::optional<ChecksumKind>& check) {
    return check ? std::string(checksumInfo(*check).name) : std::string();
}

/// "tls": {"enabled": true, "ca": "ca.pem", "alpn": ["h2"], ...} — certificates and keys by path only: a PEM block
/// pasted into a path field is refused, so key material never sits in a file users share.
void readTls(WorkspaceReader& in, const json& object, const std::string& path, TlsSettings& out, bool server,
             const char* key = "tls") {
    if (in.failed() || !object.contains(key)) return;
    const json& tls = object.at(key);
    const std::string where = WorkspaceReader::join(path, key);
    if (!in.expectObject(tls, where)) return;
    if (server ? !in.onlyKeys(tls, where, {"enabled", "cert", "key", "clientCa", "alpn", "keyLog"})
               : !in.onlyKeys(tls, where, {"enabled", "ca", "insecure", "serverName", "alpn", "cert", "key", "keyLog"}))
        return;
    const char* caKey = server ? "clientCa" : "ca";
    in.boolean(tls, where, "enabled", out.enabled);
    in.string(tls, where, caKey, out.caFile);
    in.string(tls, where, "cert", out.certFile);
    in.string(tls, where, "key", out.keyFile);
    in.string(tls, where, "keyLog", out.keyLogFile);
    if (!server) {
        in.boolean(tls, where, "insecure", out.insecure);
        in.string(tls, where, "serverName", out.serverName);
    }
    in.stringList(tls, where, "alpn", out.alpn);
    if (in.failed()) return;
    for (const auto& [key, value] : {std::pair{caKey, &out.caFile}, {"cert", &out.certFile}, {"key", &out.keyFile}})
        if (value->find("-----BEGIN") != std::string::npos)
            return (void)in.fail(WorkspaceReader::join(where, key), "expects the path of a PEM file, not its contents");
    for (std::size_t i = 0; i < out.alpn.size(); ++i) {
        // Through the --alpn parser, so a file says no more than the command line may.
        const std::string entry = WorkspaceReader::join(where, "alpn") + "[" + std::to_string(i) + "]";
        if (out.alpn[i].empty()) return (void)in.fail(entry, "an empty protocol name");
        auto one = parseAlpnList(out.alpn[i]);
        if (!one) return (void)in.fail(entry, one.error().message);
        if (one.value().size() != 1) return (void)in.fail(entry, "'" + out.alpn[i] + "' holds more than one protocol");
    }
    // A build without TLS still loads the file (and says so when the session opens).
    if (!tlsAvailable()) return;
    if (const std::string problem = checkTlsSettings(out, server); !problem.empty()) in.fail(where, problem);
}

json tlsJson(const TlsSettings& tls, bool server) {
    if (server)
        return {{"enabled", tls.enabled}, {"cert", tls.certFile}, {"key", tls.keyFile}, {"clientCa", tls.caFile},
                {"alpn", tls.alpn}, {"keyLog", tls.keyLogFile}};
    return {{"enabled", tls.enabled}, {"ca", tls.caFile},     {"insecure", tls.insecure}, {"serverName", tls.serverName},
            {"alpn", tls.alpn},       {"cert", tls.certFile}, {"key", tls.keyFile},       {"keyLog", tls.keyLogFile}};
}

/// "toServer": {"delayMs": 20, "jitterMs": 5, "lossPercent": 5, ...} — one direction of a proxy's impairments.
void readImpairment(WorkspaceReader& in, const json& object, const std::string& path, const char* key,
                    ImpairmentSettings& out) {
    if (in.failed() || !object.contains(key)) return;
    const json& value = object.at(key);
    const std::string where = WorkspaceReader::join(path, key);
    if (!in.expectObject(value, where) ||
        !in.onlyKeys(value, where, {"delayMs", "jitterMs", "lossPercent", "duplicatePercent", "reorderPercent",
                                    "splitBytes", "rateBytesPerSecond"}))
        return;
    std::chrono::milliseconds delay = std::chrono::duration_cast<std::chrono::milliseconds>(out.delay);
    std::chrono::milliseconds jitter = std::chrono::duration_cast<std::chrono::milliseconds>(out.jitter);
    in.milliseconds(value, where, "delayMs", delay, 0, MaxDelayMs);
    in.milliseconds(value, where, "jitterMs", jitter, 0, MaxDelayMs);
    out.delay = delay;
    out.jitter = jitter;
    in.percent(value, where, "lossPercent", out.lossPercent);
    in.percent(value, where, "duplicatePercent", out.duplicatePercent);
    in.percent(value, where, "reorderPercent", out.reorderPercent);
    in.number(value, where, "splitBytes", out.splitBytes, 0, 1u << 30);
    in.number(value, where, "rateBytesPerSecond", out.rateBytesPerSecond, 0, 1ull << 40);
}

json impairmentJson(const ImpairmentSettings& s) {
    return {{"delayMs", std::chrono::duration_cast<std::chrono::milliseconds>(s.delay).count()},
            {"jitterMs", std::chrono::duration_cast<std::chrono::milliseconds>(s.jitter).count()},
            {"lossPercent", s.lossPercent},
            {"duplicatePercent", s.duplicatePercent},
            {"reorderPercent", s.reorderPercent},
            {"splitBytes", s.splitBytes},
            {"rateBytesPerSecond", s.rateBytesPerSecond}};
}

json framingJson(const FrameSpec& framing) { return {{"frame", frameSpecText(framing)}, {"maxFrame", framing.maxFrame}}; }

void readSession(WorkspaceReader& in, const json& object, const std::string& path, SessionSpec& spec) {
    if (!in.expectObject(object, path)) return;
    std::string kind;
    if (!object.contains("kind")) return (void)in.fail(path, "missing \"kind\" (tcp-client, tcp-server, udp or proxy)");
    in.string(object, path, "kind", kind);
    in.string(object, path, "name", spec.name);
    in.boolean(object, path, "openOnLoad", spec.openOnLoad);
    if (kind == "tcp-client") {
        spec.kind = SessionKind::TcpClient;
        auto& c = spec.tcpClient;
        if (!in.onlyKeys(object, path, {"kind", "name", "openOnLoad", "host", "port", "connectTimeoutMs", "localAddress",
                                        "localPort", "autoReconnect", "reconnectInitialDelayMs", "reconnectMaxDelayMs",
                                        "reconnectMaxAttempts", "reply", "framing", "check", "limits", "tls"}))
            return;
        in.string(object, path, "host", c.host);
        in.number(object, path, "port", c.port, 0, MaxPort);
        in.milliseconds(object, path, "connectTimeoutMs", c.connectTimeout, 1, MaxDelayMs);
        in.string(object, path, "localAddress", c.localAddress);
        in.number(object, path, "localPort", c.localPort, 0, MaxPort);
        in.boolean(object, path, "autoReconnect", c.autoReconnect);
        in.milliseconds(object, path, "reconnectInitialDelayMs", c.reconnectInitialDelay, 1, MaxDelayMs);
        in.milliseconds(object, path, "reconnectMaxDelayMs", c.reconnectMaxDelay, 1, MaxDelayMs);
        in.number(object, path, "reconnectMaxAttempts", c.reconnectMaxAttempts, 0, 1000000);
        readReply(in, object, path, c.autoReply);
        readFraming(in, object, path, c.framing);
        readCheck(in, object, path, c.check);
        readLimits(in, object, path, c.limits);
        readTls(in, object, path, c.tls, false);
        if (!in.failed() && c.host.empty()) in.fail(WorkspaceReader::join(path, "host"), "a TCP client needs a host");
    } else if (kind == "tcp-server") {
        spec.kind = SessionKind::TcpServer;
        auto& c = spec.tcpServer;
        if (!in.onlyKeys(object, path, {"kind", "name", "openOnLoad", "bindAddress", "port", "backlog", "reuseAddress",
                                        "maxClients", "allow", "reply", "discard", "framing", "check", "limits", "tls"}))
            return;
        in.string(object, path, "bindAddress", c.bindAddress);
        in.number(object, path, "port", c.port, 0, MaxPort);
        in.number(object, path, "backlog", c.backlog, 0, 65535);
        in.boolean(object, path, "reuseAddress", c.reuseAddress);
        in.number(object, path, "maxClients", c.maxClients, 0, 1000000);
        in.boolean(object, path, "discard", c.discard);
        std::vector<std::string> allow;
        in.stringList(object, path, "allow", allow);
        for (std::size_t i = 0; i < allow.size() && !in.failed(); ++i) {
            auto block = Cidr::parse(allow[i]);
            if (!block) in.fail(WorkspaceReader::join(path, "allow") + "[" + std::to_string(i) + "]", block.error().message);
            else c.allowList.push_back(block.value());
        }
        readReply(in, object, path, c.autoReply);
        readFraming(in, object, path, c.framing);
        readCheck(in, object, path, c.check, c.discard);
        readLimits(in, object, path, c.limits);
        readTls(in, object, path, c.tls, true);
    } else if (kind == "udp") {
        spec.kind = SessionKind::Udp;
        auto& c = spec.udp;
        if (!in.onlyKeys(object, path, {"kind", "name", "openOnLoad", "bindAddress", "port", "remoteHost", "remotePort",
                                        "broadcast", "reuseAddress", "receiveBufferBytes", "multicast", "reply", "discard",
                                        "check", "limits"}))
            return;
        in.string(object, path, "bindAddress", c.bindAddress);
        in.number(object, path, "port", c.port, 0, MaxPort);
        in.string(object, path, "remoteHost", c.remoteHost);
        in.number(object, path, "remotePort", c.remotePort, 0, MaxPort);
        in.boolean(object, path, "broadcast", c.broadcast);
        in.boolean(object, path, "reuseAddress", c.reuseAddress);
        in.number(object, path, "receiveBufferBytes", c.receiveBufferBytes, 0, 1ull << 30);
        in.boolean(object, path, "discard", c.discard);
        if (!in.failed() && object.contains("multicast")) {
            const json& multicast = object.at("multicast");
            const std::string where = WorkspaceReader::join(path, "multicast");
            if (in.expectObject(multicast, where) && in.onlyKeys(multicast, where, {"groups", "interface", "hops", "loopback"})) {
                in.stringList(multicast, where, "groups", c.multicast.groups);
                in.string(multicast, where, "interface", c.multicast.interfaceName);
                in.number(multicast, where, "hops", c.multicast.hops, 0, 255);
                in.boolean(multicast, where, "loopback", c.multicast.loopback);
            }
        }
        readReply(in, object, path, c.autoReply, true);
        readCheck(in, object, path, c.check, c.discard);
        readLimits(in, object, path, c.limits);
    } else if (kind == "proxy") {
        spec.kind = SessionKind::Proxy;
        auto& c = spec.proxy;
        if (!in.onlyKeys(object, path, {"kind", "name", "openOnLoad", "listenAddress", "listenPort", "targetHost",
                                        "targetPort", "udp", "tlsListen", "tlsTo", "framingToServer", "framingToClient",
                                        "toServer", "toClient", "seed", "connectTimeoutMs", "udpIdleTimeoutMs",
                                        "maxClients", "rules", "limits"}))
            return;
        in.string(object, path, "listenAddress", c.listenAddress);
        in.number(object, path, "listenPort", c.listenPort, 0, MaxPort);
        in.string(object, path, "targetHost", c.targetHost);
        in.number(object, path, "targetPort", c.targetPort, 0, MaxPort);
        in.boolean(object, path, "udp", c.udp);
        readTls(in, object, path, c.tlsListen, true, "tlsListen");
        readTls(in, object, path, c.tlsTo, false, "tlsTo");
        readFraming(in, object, path, c.framingToServer, "framingToServer");
        readFraming(in, object, path, c.framingToClient, "framingToClient");
        readImpairment(in, object, path, "toServer", c.toServer);
        readImpairment(in, object, path, "toClient", c.toClient);
        readRules(in, object, path, c.rules, c.udp ? RuleHost::UdpProxy : RuleHost::TcpProxy);
        in.number(object, path, "seed", c.seed, 0, std::numeric_limits<std::uint64_t>::max());
        in.milliseconds(object, path, "connectTimeoutMs", c.connectTimeout, 1, MaxDelayMs);
        in.milliseconds(object, path, "udpIdleTimeoutMs", c.udpIdleTimeout, 1, MaxDelayMs);
        in.number(object, path, "maxClients", c.maxClients, 0, 1000000);
        readLimits(in, object, path, c.limits);
        if (!in.failed())
            if (const std::string problem = checkProxyConfig(c); !problem.empty()) in.fail(path, problem);
    } else if (!in.failed()) {
        in.fail(WorkspaceReader::join(path, "kind"), "'" + kind + "' is not one of tcp-client, tcp-server, udp, proxy");
    }
}

/// A template as the file keeps it: text with escapes and tokens, as written (one written in hex is spelled again
/// as text).
std::string templateText(const PayloadTemplate& payload) {
    return payload.syntax() == PayloadSyntax::Text ? payload.source() : payload.asText();
}

json rulesJson(const RuleSet& set);

json replyJson(const AutoReply& reply) {
    json out{{"mode", replyModeKey(reply.mode)},
             {"reply", templateText(reply.reply)},
             {"prefix", templateText(reply.prefix)},
             {"welcome", templateText(reply.welcome)},
             {"relay", reply.relay},
             {"closeAfterReply", reply.closeAfterReply}};
    if (!reply.rules.empty()) out["rules"] = rulesJson(reply.rules);
    return out;
}

json rulesJson(const RuleSet& set) {
    json rules = json::array();
    for (const Rule& rule : set.rules()) {
        if (rule.syntax == PayloadSyntax::Text && rule.enabled) {
            rules.push_back(rule.source);
            continue;
        }
        json object{{"rule", rule.source}};
        if (rule.syntax == PayloadSyntax::Hex) object["hex"] = true;
        if (!rule.enabled) object["enabled"] = false;
        rules.push_back(std::move(object));
    }
    return rules;
}

json limitsJson(const SessionLimits& limits) {
    return {{"sendBudgetBytes", limits.sendBudgetBytes}, {"eventQueueBytes", limits.eventQueue.byteBudget}};
}

json sessionJson(const SessionSpec& spec) {
    json out = {{"kind", sessionKindKey(spec.kind)}, {"name", spec.name}, {"openOnLoad", spec.openOnLoad}};
    switch (spec.kind) {
    case SessionKind::TcpClient: {
        const auto& c = spec.tcpClient;
        out.update({{"host", c.host},
                    {"port", c.port},
                    {"connectTimeoutMs", c.connectTimeout.count()},
                    {"localAddress", c.localAddress},
                    {"localPort", c.localPort},
                    {"autoReconnect", c.autoReconnect},
                    {"reconnectInitialDelayMs", c.reconnectInitialDelay.count()},
                    {"reconnectMaxDelayMs", c.reconnectMaxDelay.count()},
                    {"reconnectMaxAttempts", c.reconnectMaxAttempts},
                    {"reply", replyJson(c.autoReply)},
                    {"framing", framingJson(c.framing)},
                    {"check", checkJson(c.check)},
                    {"limits", limitsJson(c.limits)},
                    {"tls", tlsJson(c.tls, false)}});
        break;
    }
    case SessionKind::TcpServer: {
        const auto& c = spec.tcpServer;
        json allow = json::array();
        for (const auto& block : c.allowList) allow.push_back(block.toString());
        out.update({{"bindAddress", c.bindAddress},
                    {"port", c.port},
                    {"backlog", c.backlog},
                    {"reuseAddress", c.reuseAddress},
                    {"maxClients", c.maxClients},
                    {"allow", allow},
                    {"reply", replyJson(c.autoReply)},
                    {"discard", c.discard},
                    {"framing", framingJson(c.framing)},
                    {"check", checkJson(c.check)},
                    {"limits", limitsJson(c.limits)},
                    {"tls", tlsJson(c.tls, true)}});
        break;
    }
    case SessionKind::Proxy: {
        const auto& c = spec.proxy;
        out.update({{"listenAddress", c.listenAddress},
                    {"listenPort", c.listenPort},
                    {"targetHost", c.targetHost},
                    {"targetPort", c.targetPort},
                    {"udp", c.udp},
                    {"tlsListen", tlsJson(c.tlsListen, true)},
                    {"tlsTo", tlsJson(c.tlsTo, false)},
                    {"framingToServer", framingJson(c.framingToServer)},
                    {"framingToClient", framingJson(c.framingToClient)},
                    {"toServer", impairmentJson(c.toServer)},
                    {"toClient", impairmentJson(c.toClient)},
                    {"seed", c.seed},
                    {"connectTimeoutMs", c.connectTimeout.count()},
                    {"udpIdleTimeoutMs", c.udpIdleTimeout.count()},
                    {"maxClients", c.maxClients},
                    {"limits", limitsJson(c.limits)}});
        if (!c.rules.empty()) out["rules"] = rulesJson(c.rules);
        break;
    }
    case SessionKind::Udp: {
        const auto& c = spec.udp;
        out.update({{"bindAddress", c.bindAddress},
                    {"port", c.port},
                    {"remoteHost", c.remoteHost},
                    {"remotePort", c.remotePort},
                    {"broadcast", c.broadcast},
                    {"reuseAddress", c.reuseAddress},
                    {"receiveBufferBytes", c.receiveBufferBytes},
                    {"multicast",
                     {{"groups", c.multicast.groups},
                      {"interface", c.multicast.interfaceName},
                      {"hops", c.multicast.hops},
                      {"loopback", c.multicast.loopback}}},
                    {"reply", replyJson(c.autoReply)},
                    {"discard", c.discard},
                    {"check", checkJson(c.check)},
                    {"limits", limitsJson(c.limits)}});
        break;
    }
    }
    return out;
}

json frontEndJson(const FrontEndState& state) {
    json out = json::object();
    if (state.selectedSession) out["selected"] = *state.selectedSession;
    return out;
}

} // namespace

// Nesting is checked before nlohmann's recursive parser sees the text, so a hostile file cannot exhaust the stack.
std::optional<ParseError> checkNesting(std::string_view text, std::size_t maxDepth) {
    std::size_t depth = 0, line = 1, column = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        ++column;
        if (c == '\n') {
            ++line;
            column = 0;
        }
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return ParseError{line, column, "nesting deeper than " + std::to_string(maxDepth) + " levels"};
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

Parsed<nlohmann::json> parseJsonText(std::string_view text) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        std::string message = e.what();
        // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 2: ..."; keep the reason.
        if (auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
        return positionedError(text, e.byte, "invalid JSON: " + message);
    } catch (const json::exception& e) {
        // Found by fuzzing: a number too large for a double ("1e999") is an out_of_range, not a parse_error.
        std::string message = e.what();
        if (auto bracket = message.find("] "); bracket != std::string::npos) message = message.substr(bracket + 2);
        return ParseError{0, 0, "invalid JSON: " + message};
    }
}

Parsed<std::string> readJsonFile(const std::string& path, std::string_view what, const WorkspaceLimits& limits) {
    const std::string named = std::string(what) + " '" + path + "'";
    const std::filesystem::path native(std::u8string(path.begin(), path.end()));
    std::error_code ec;
    const auto status = std::filesystem::status(native, ec);
    if (ec || status.type() == std::filesystem::file_type::not_found)
        return ParseError{0, 0, "cannot read " + named + ": " + (ec ? ec.message() : std::string("no such file"))};
    // A device or pipe has no size to check and may never end: only regular files are read.
    if (!std::filesystem::is_regular_file(status)) return ParseError{0, 0, named + " is not a regular file"};
    const auto size = std::filesystem::file_size(native, ec);
    if (ec) return ParseError{0, 0, "cannot read " + named + ": " + ec.message()};
    if (size > limits.maxFileBytes)
        return ParseError{0, 0, named + " (" + std::to_string(size) + " bytes) is larger than the " +
                                    std::to_string(limits.maxFileBytes) + " allowed"};
    std::ifstream in(native, std::ios::binary);
    if (!in) return ParseError{0, 0, "cannot read " + named};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Parsed<Workspace> parseWorkspace(std::string_view text, const WorkspaceLimits& limits) {
    if (text.size() > limits.maxFileBytes)
        return ParseError{0, 0, "workspace of " + std::to_string(text.size()) + " bytes is larger than the " +
                                    std::to_string(limits.maxFileBytes) + " allowed"};
    if (auto nesting = checkNesting(text, limits.maxDepth)) return *nesting;
    auto parsed = parseJsonText(text);
    if (!parsed) return parsed.error();
    const json& root = parsed.value();
    WorkspaceReader in(limits);
    if (!root.is_object()) return ParseError{0, 0, "a workspace is a JSON object"};
    if (!in.onlyKeys(root, "", {"format", "version", "sessions", "payloads", "sequences", "frontEnd"})) return in.error();
    std::string format;
    in.string(root, "", "format", format);
    if (!in.failed() && format != FormatTag)
        in.fail("format", "expected \"" + std::string(FormatTag) + "\" (is this a Socketeer workspace?)");
    int version = 0;
    if (!root.contains("version")) in.fail("version", "missing");
    in.number(root, "", "version", version, 1, std::numeric_limits<int>::max());
    if (!in.failed() && version > Workspace::CurrentVersion)
        in.fail("version", std::to_string(version) + " is newer than this Socketeer understands (" +
                               std::to_string(Workspace::CurrentVersion) + ")");
    Workspace workspace;
    if (!in.failed() && root.contains("sessions")) {
        const json& sessions = root.at("sessions");
        if (!sessions.is_array()) in.fail("sessions", "expected a list");
        else if (sessions.size() > limits.maxSessions)
            in.fail("sessions", std::to_string(sessions.size()) + " sessions is more than the " +
                                    std::to_string(limits.maxSessions) + " allowed");
        for (std::size_t i = 0; !in.failed() && i < sessions.size(); ++i) {
            SessionSpec spec;
            readSession(in, sessions[i], "sessions[" + std::to_string(i) + "]", spec);
            workspace.sessions.push_back(std::move(spec));
        }
    }
    if (!in.failed() && root.contains("payloads")) {
        const json& payloads = root.at("payloads");
        if (!payloads.is_array()) in.fail("payloads", "expected a list");
        else if (payloads.size() > limits.maxPayloads)
            in.fail("payloads", std::to_string(payloads.size()) + " payloads is more than the " +
                                    std::to_string(limits.maxPayloads) + " allowed");
        for (std::size_t i = 0; !in.failed() && i < payloads.size(); ++i) {
            const std::string path = "payloads[" + std::to_string(i) + "]";
            SavedPayload payload;
            if (in.expectObject(payloads[i], path) && in.onlyKeys(payloads[i], path, {"name", "data", "showAsHex", "session", "repeatIntervalMs"})) {
                in.string(payloads[i], path, "name", payload.name);
                in.payloadTemplate(payloads[i], path, "data", payload.payload);
                in.boolean(payloads[i], path, "showAsHex", payload.showAsHex);
                in.string(payloads[i], path, "session", payload.session);
                in.number(payloads[i], path, "repeatIntervalMs", payload.repeatIntervalMs, 0, 86'400'000);
                const bool named = std::any_of(workspace.sessions.begin(), workspace.sessions.end(),
                                               [&](const SessionSpec& spec) { return spec.name == payload.session; });
                if (!in.failed() && !payload.session.empty() && !named)
                    in.fail(path + ".session", "no session is named '" + payload.session + "'");
            }
            workspace.payloads.push_back(std::move(payload));
        }
    }
    readSequences(in, root, workspace);
    if (!in.failed() && root.contains("frontEnd")) {
        const json& frontEnd = root.at("frontEnd");
        if (!frontEnd.is_object()) in.fail("frontEnd", "expected an object");
        else if (auto selected = frontEnd.find("selected"); selected != frontEnd.end() && selected->is_number_unsigned())
            workspace.frontEnd.selectedSession = selected->get<std::size_t>();
    }
    if (in.failed()) return in.error();
    return workspace;
}

std::string serializeWorkspace(const Workspace& workspace) {
    json sessions = json::array();
    for (const auto& spec : workspace.sessions) sessions.push_back(sessionJson(spec));
    json payloads = json::array();
    for (const auto& payload : workspace.payloads) {
        json saved = {{"name", payload.name}, {"data", templateText(payload.payload)}, {"showAsHex", payload.showAsHex}};
        if (!payload.session.empty()) saved["session"] = payload.session;
        if (payload.repeatIntervalMs) saved["repeatIntervalMs"] = payload.repeatIntervalMs;
        payloads.push_back(std::move(saved));
    }
    json root = {{"format", FormatTag},
                 {"version", Workspace::CurrentVersion},
                 {"sessions", sessions},
                 {"payloads", payloads},
                 {"frontEnd", frontEndJson(workspace.frontEnd)}};
    // Only when there are some: a workspace without sequences stays readable by a Socketeer that has none.
    if (!workspace.sequences.empty()) root["sequences"] = sequencesJson(workspace.sequences);
    return root.dump(2) + "\n";
}

Parsed<Workspace> loadWorkspaceFile(const std::string& path, const WorkspaceLimits& limits) {
    auto text = readJsonFile(path, "workspace", limits);
    if (!text) return text.error();
    auto parsed = parseWorkspace(text.value(), limits);
    if (!parsed) {
        ParseError error = parsed.error();
        error.message = path + ": " + error.message;
        return error;
    }
    return parsed;
}

std::string saveWorkspaceFile(const std::string& path, const Workspace& workspace, bool overwrite) {
    if (path.empty()) return "no file name given for the workspace";
    const std::filesystem::path target(std::u8string(path.begin(), path.end()));
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(target, ec))
        return "workspace '" + path + "' already exists (choose another name or allow replacing it)";
    // The text goes to a temporary next to the target, created exclusively (so never someone else's file), and
    // replaces the target only once complete; the temporary is removed on every way out.
    std::string temporary;
    std::FILE* file = nullptr;
    for (int attempt = 0; attempt < 100 && !file; ++attempt) {
        temporary = path + ".tmp" + (attempt ? std::to_string(attempt) : std::string());
        file = openForWriting(temporary, false);
        if (!file && errno != EEXIST) return "cannot write workspace '" + temporary + "': " + std::strerror(errno);
    }
    if (!file) return "cannot write workspace '" + path + "': no free name for its temporary file";
    const std::filesystem::path temporaryPath(std::u8string(temporary.begin(), temporary.end()));
    const std::string text = serializeWorkspace(workspace);
    const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    const int writeErrno = errno;
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed) {
        const std::string reason = std::strerror(written ? errno : writeErrno);
        std::filesystem::remove(temporaryPath, ec);
        return "writing workspace '" + path + "' failed: " + reason;
    }
    std::filesystem::rename(temporaryPath, target, ec);
    if (ec) {
        const std::string reason = ec.message();
        std::filesystem::remove(temporaryPath, ec);
        return "cannot replace workspace '" + path + "': " + reason;
    }
    return {};
}

} // namespace socketeer::core
