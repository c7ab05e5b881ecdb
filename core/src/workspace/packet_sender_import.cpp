// importPacketSender: Packet Sender's export format, as its source (src/packet.cpp, Packet::ExportJSON) writes it.
#include "socketeer/core/workspace/packet_sender_import.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "socketeer/core/codec/hex_codec.hpp"
#include "workspace/workspace_reader.hpp"

namespace socketeer::core {
namespace {

using nlohmann::json;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

/// A text field; Packet Sender writes numbers as text too (port, fromport), but a hand-edited file may not.
std::string textOf(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return value.dump();
    return {};
}

enum class Transport { Tcp, Tls, Udp };

struct Target {
    Transport transport;
    std::string host;
    std::uint16_t port;
    bool operator<(const Target& other) const {
        return std::tie(transport, host, port) < std::tie(other.transport, other.host, other.port);
    }
};

std::string sessionName(const Target& target) {
    const char* kind = target.transport == Transport::Udp ? "UDP" : target.transport == Transport::Tls ? "TLS" : "TCP";
    return std::string(kind) + " " + HostPort{target.host, target.port}.toString();
}

SessionSpec sessionFor(const Target& target) {
    SessionSpec spec;
    spec.name = sessionName(target);
    spec.openOnLoad = false; // importing must never connect to a device by itself
    if (target.transport == Transport::Udp) {
        spec.kind = SessionKind::Udp;
        spec.udp.remoteHost = target.host;
        spec.udp.remotePort = target.port;
    } else {
        spec.kind = SessionKind::TcpClient;
        spec.tcpClient.host = target.host;
        spec.tcpClient.port = target.port;
        spec.tcpClient.tls.enabled = target.transport == Transport::Tls;
    }
    return spec;
}

const std::set<std::string> KnownKeys{"name",        "hexstring", "fromip",     "toip",        "errorstring", "port",
                                      "fromport",    "tcporudp",  "sendresponse", "requestpath", "repeat",   "asciistring",
                                      "timestamp"};

} // namespace

Parsed<PacketSenderImport> importPacketSender(std::string_view jsonText) {
    const WorkspaceLimits limits;
    if (jsonText.size() > limits.maxFileBytes)
        return ParseError{0, 0, std::to_string(jsonText.size()) + " bytes is larger than the " +
                                    std::to_string(limits.maxFileBytes) + " a workspace may be"};
    if (auto nesting = checkNesting(jsonText, limits.maxDepth)) return *nesting;
    auto parsed = parseJsonText(jsonText);
    if (!parsed) return parsed.error();
    const json& root = parsed.value();
    if (!root.is_array())
        return ParseError{1, 0, "a Packet Sender export is a JSON list of packets; this file holds a JSON " +
                                    std::string(root.type_name())};

    PacketSenderImport result;
    std::map<Target, std::size_t> sessions; // target → index in workspace.sessions
    std::set<std::string> names, unknownKeys;
    for (std::size_t i = 0; i < root.size(); ++i) {
        const json& packet = root[i];
        const std::string number = "#" + std::to_string(i + 1);
        if (!packet.is_object()) {
            result.notes.push_back("packet " + number + ": not an object, left out");
            continue;
        }
        ++result.packetsRead;
        for (const auto& [key, value] : packet.items())
            if (!KnownKeys.count(key) && unknownKeys.insert(key).second)
                result.notes.push_back("field '" + key + "' is not one Packet Sender writes: ignored");
        std::string name = packet.contains("name") ? textOf(packet["name"]) : "";
        const std::string label = name.empty() ? "packet " + number : "packet '" + name + "' (" + number + ")";
        const auto leaveOut = [&](const std::string& why) { result.notes.push_back(label + ": " + why + ", left out"); };

        const std::string transportText = lower(packet.contains("tcporudp") ? textOf(packet["tcporudp"]) : "tcp");
        Transport transport;
        if (transportText == "tcp") transport = Transport::Tcp;
        else if (transportText == "udp") transport = Transport::Udp;
        else if (transportText == "ssl") transport = Transport::Tls;
        else if (transportText.find("http") != std::string::npos) {
            leaveOut("an " + textOf(packet["tcporudp"]) + " request (Socketeer sends bytes, not HTTP requests)");
            continue;
        } else {
            leaveOut("its protocol '" + textOf(packet["tcporudp"]) + "' is not TCP, UDP or SSL");
            continue;
        }

        const std::string host = packet.contains("toip") ? textOf(packet["toip"]) : "";
        if (host.empty()) {
            leaveOut("it names no target address (toip)");
            continue;
        }
        const std::string portText = packet.contains("port") ? textOf(packet["port"]) : "";
        const auto port = parsePort(portText);
        if (!port || port.value() == 0) {
            leaveOut(port ? "port 0 is not a target" : port.error().message);
            continue;
        }

        const std::string hex = packet.contains("hexstring") ? textOf(packet["hexstring"]) : "";
        auto bytes = parseHex(hex);
        if (!bytes) {
            leaveOut("its hexstring has " + bytes.error().describe());
            continue;
        }
        if (bytes.value().empty()) {
            leaveOut("it holds no bytes");
            continue;
        }

        if (result.workspace.payloads.size() >= limits.maxPayloads) {
            leaveOut("a workspace holds at most " + std::to_string(limits.maxPayloads) + " payloads");
            continue;
        }

        std::uint32_t repeatMs = 0;
        if (packet.contains("repeat")) {
            // Seconds between resends, a float; Packet Sender writes it as a number (and reads it as text).
            const json& repeat = packet["repeat"];
            double seconds = 0;
            bool ok = true;
            if (repeat.is_number()) seconds = repeat.get<double>();
            else if (repeat.is_string()) {
                const std::string text = repeat.get<std::string>();
                char* end = nullptr;
                seconds = text.empty() ? 0 : std::strtod(text.c_str(), &end);
                ok = text.empty() || (end && *end == '\0');
            } else ok = repeat.is_null();
            if (!ok || !std::isfinite(seconds) || seconds < 0 || seconds > 86400) {
                result.notes.push_back(label + ": repeat '" + textOf(repeat) + "' is not a number of seconds up to a day; sent once");
            } else if (seconds > 0) {
                repeatMs = static_cast<std::uint32_t>(std::max(1.0, std::round(seconds * 1000)));
            }
        }

        if (name.empty()) {
            name = "packet " + std::to_string(i + 1);
            result.notes.push_back(label + ": it has no name; named '" + name + "'");
        }
        if (!names.insert(name).second) {
            std::string unique;
            for (int n = 2; unique.empty() || names.count(unique); ++n) unique = name + " (" + std::to_string(n) + ")";
            result.notes.push_back(label + ": another packet has its name; renamed '" + unique + "'");
            name = unique;
            names.insert(name);
        }

        const Target target{transport, host, port.value()};
        auto found = sessions.find(target);
        if (found == sessions.end()) {
            if (result.workspace.sessions.size() >= limits.maxSessions) {
                leaveOut("a workspace holds at most " + std::to_string(limits.maxSessions) + " sessions");
                continue;
            }
            found = sessions.emplace(target, result.workspace.sessions.size()).first;
            result.workspace.sessions.push_back(sessionFor(target));
            if (transport == Transport::Tls)
                result.notes.push_back("session '" + sessionName(target) +
                                       "': SSL became TLS with the server's certificate verified; a device with a "
                                       "self-signed one needs its CA or verification turned off");
        }

        SavedPayload saved;
        saved.name = name;
        const bool printable = std::all_of(bytes.value().begin(), bytes.value().end(), [](std::uint8_t b) {
            return (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t';
        });
        saved.payload = PayloadTemplate::literal(std::move(bytes).value());
        saved.showAsHex = !printable;
        saved.session = result.workspace.sessions[found->second].name;
        saved.repeatIntervalMs = repeatMs;
        result.workspace.payloads.push_back(std::move(saved));
    }
    return result;
}

Parsed<PacketSenderImport> importPacketSenderFile(const std::string& path) {
    auto text = readJsonFile(path, "Packet Sender export", WorkspaceLimits{});
    if (!text) return text.error();
    auto imported = importPacketSender(text.value());
    if (!imported) {
        ParseError error = imported.error();
        error.message = path + ": " + error.message;
        return error;
    }
    return imported;
}

} // namespace socketeer::core
