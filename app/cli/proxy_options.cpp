// socketeer-cli proxy's options into a ProxyConfig.
#include "proxy_options.hpp"

#include <charconv>
#include <cmath>

#include "socketeer/core/net/endpoint.hpp"

namespace socketeer::cli {

namespace {

// A server's side has no --ca, --insecure or --sni, a client's no --client-ca: those names are never added.
const TlsOptionNames ListenNames{"--tls-listen", "", "", "", "--listen-alpn", "--listen-cert", "--listen-key",
                                 "--listen-client-ca", "--tls-keylog", "toward the clients"};
const TlsOptionNames ToNames{"--tls-to", "--to-ca", "--to-insecure", "--to-sni", "--to-alpn", "--to-cert", "--to-key",
                             "", "", "toward the target"};

struct Directed {
    bool toServer = true;
    bool toClient = true;
    std::string value;
};

/// "c2s:20" / "c>s:20" (one direction), or "20" (both).
Directed directed(const std::string& text) {
    for (const char* tag : {"c2s:", "c>s:", "s2c:", "s>c:"})
        if (text.rfind(tag, 0) == 0) {
            const bool toServer = tag[0] == 'c';
            return {toServer, !toServer, text.substr(4)};
        }
    return {true, true, text};
}

std::optional<double> numberIn(const std::string& text) {
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || stop != end || !std::isfinite(value) || value < 0) return std::nullopt;
    return value;
}

std::chrono::microseconds fromMs(double ms) { return std::chrono::microseconds(static_cast<std::int64_t>(ms * 1000.0 + 0.5)); }

struct ImpairmentOption {
    const char* name;
    const char* unit;
    void (*set)(core::ImpairmentSettings&, double);
};
using S = core::ImpairmentSettings;
const ImpairmentOption ImpairmentOptions[] = {
    {"delay", "milliseconds", [](S& s, double v) { s.delay = fromMs(v); }},
    {"jitter", "milliseconds", [](S& s, double v) { s.jitter = fromMs(v); }},
    {"loss", "percent", [](S& s, double v) { s.lossPercent = v; }},
    {"duplicate", "percent", [](S& s, double v) { s.duplicatePercent = v; }},
    {"reorder", "percent", [](S& s, double v) { s.reorderPercent = v; }},
    {"split", "bytes", [](S& s, double v) { s.splitBytes = static_cast<std::size_t>(v); }},
    {"rate", "bytes per second", [](S& s, double v) { s.rateBytesPerSecond = static_cast<std::uint64_t>(v); }},
};

} // namespace

std::string applyImpairment(std::string_view name, const std::string& value, core::ImpairmentSettings& toServer,
                            core::ImpairmentSettings& toClient) {
    for (const ImpairmentOption& option : ImpairmentOptions) {
        if (name != option.name) continue;
        const Directed d = directed(value);
        const auto number = numberIn(d.value);
        if (!number)
            return "--" + std::string(name) + " '" + value + "': not a number of " + option.unit +
                   " (prefix c2s: or s2c: for one direction)";
        if (d.toServer) option.set(toServer, *number);
        if (d.toClient) option.set(toClient, *number);
        return {};
    }
    return "'" + std::string(name) + "' is not an impairment (" + std::string(ImpairmentNames) + ")";
}

void addProxyOptions(CLI::App* command, RawProxyOptions& raw) {
    command->add_option("--listen", raw.listen, "[ADDR:]PORT to accept clients on (0 = any free port; the real one is printed)")
        ->required();
    command->add_option("--to", raw.to, "HOST:PORT of the target: each client gets its own connection to it")->required();
    command->add_flag("--udp", raw.udp, "Relay UDP: each client address gets its own socket toward the target");
    addTlsOptions(command, raw.tlsListen, TlsRole::Server, ListenNames);
    addTlsOptions(command, raw.tlsTo, TlsRole::Client, ToNames);
    command->add_option("--frame", raw.frame, "Cut a direction's TCP stream into messages (what --loss, --duplicate and "
                                              "--reorder act on): SPEC for both, c2s:SPEC or s2c:SPEC for one")
        ->take_all();
    command->add_option("--max-frame", raw.maxFrame, "Longest message in bytes (default 1048576)");
    const auto impairment = [&](const char* name, std::vector<std::string>& into, const char* what) {
        command->add_option(name, into, std::string(what) + "; VALUE for both directions, c2s:VALUE or s2c:VALUE for one "
                                                            "(repeatable)")
            ->take_all();
    };
    impairment("--delay", raw.delay, "Milliseconds added to every unit");
    impairment("--jitter", raw.jitter, "Milliseconds ± on top of --delay, drawn uniformly (a TCP stream stays in order)");
    impairment("--loss", raw.loss, "Percent of units not forwarded (UDP datagrams, or --frame messages)");
    impairment("--duplicate", raw.duplicate, "Percent of units forwarded twice");
    impairment("--reorder", raw.reorder, "Percent of units held back and forwarded after the next one");
    impairment("--split", raw.split, "TCP: forward in writes of at most N bytes, each its own segment");
    impairment("--rate", raw.rate, "Bytes per second, as a link of that speed would carry them");
    command->add_option("--seed", raw.seed, "Seed of the impairments' decisions (default 1): the same seed replays a run");
    command->add_option("--connect-timeout", raw.connectTimeoutMs, "Milliseconds to wait for the target (default 5000)");
    command->add_option("--udp-idle-timeout", raw.udpIdleTimeoutMs,
                        "UDP: milliseconds after which a client's idle upstream socket is closed (default 60000)");
    command->add_option("--max-clients", raw.maxClients, "Refuse clients beyond N");
    command->add_option("--control", raw.control,
                        "Read commands that change the running proxy from FILE, one per line (a FIFO: mkfifo FILE, then "
                        "echo 'loss c2s:10' > FILE; - for stdin): delay|jitter|loss|duplicate|reorder|split|rate "
                        "[c2s:|s2c:]VALUE, hold|flow [c2s|s2c], release ID c2s|s2c [DATA], drop ID c2s|s2c, held, show");
}

std::variant<core::ProxyConfig, std::string> proxyConfigValue(const RawProxyOptions& raw) {
    core::ProxyConfig config;
    // --listen [ADDR:]PORT
    if (raw.listen.find(':') == std::string::npos) {
        auto port = core::parsePort(raw.listen);
        if (!port) return "--listen '" + raw.listen + "': " + port.error().message;
        config.listenPort = port.value();
    } else {
        auto where = core::parseHostPort(raw.listen);
        if (!where) return "--listen '" + raw.listen + "': " + where.error().message;
        config.listenAddress = where.value().host;
        config.listenPort = where.value().port;
    }
    auto target = core::parseHostPort(raw.to);
    if (!target) return "--to '" + raw.to + "': " + target.error().message;
    if (target.value().port == 0) return "--to '" + raw.to + "': port 0 cannot be a destination";
    config.targetHost = target.value().host;
    config.targetPort = target.value().port;
    config.udp = raw.udp;
    // One key log for both sides: the --tls-keylog option is the listening side's.
    const std::string keyLog = raw.tlsListen.keyLog;
    RawTlsOptions listen = raw.tlsListen;
    listen.keyLog.clear();
    auto listenTls = tlsValue(listen, TlsRole::Server, ListenNames);
    if (auto* problem = std::get_if<std::string>(&listenTls)) return *problem;
    config.tlsListen = std::get<core::TlsSettings>(listenTls);
    auto toTls = tlsValue(raw.tlsTo, TlsRole::Client, ToNames);
    if (auto* problem = std::get_if<std::string>(&toTls)) return *problem;
    config.tlsTo = std::get<core::TlsSettings>(toTls);
    if (!keyLog.empty()) {
        if (!config.tlsListen.enabled && !config.tlsTo.enabled) return "--tls-keylog needs --tls-listen or --tls-to";
        if (config.tlsListen.enabled) config.tlsListen.keyLogFile = keyLog;
        if (config.tlsTo.enabled) config.tlsTo.keyLogFile = keyLog;
    }

    for (const std::string& text : raw.frame) {
        const Directed d = directed(text);
        auto parsed = core::parseFrameSpec(d.value, raw.maxFrame.value_or(core::DefaultMaxFrameBytes));
        if (!parsed) return "--frame '" + text + "': " + parsed.error().describe();
        if (d.toServer) config.framingToServer = parsed.value();
        if (d.toClient) config.framingToClient = parsed.value();
    }
    if (raw.maxFrame && raw.frame.empty()) return "--max-frame needs --frame";

    const std::pair<const char*, const std::vector<std::string>*> given[] = {
        {"delay", &raw.delay}, {"jitter", &raw.jitter}, {"loss", &raw.loss},   {"duplicate", &raw.duplicate},
        {"reorder", &raw.reorder}, {"split", &raw.split}, {"rate", &raw.rate}};
    for (const auto& [name, values] : given)
        for (const std::string& value : *values)
            if (auto problem = applyImpairment(name, value, config.toServer, config.toClient); !problem.empty()) return problem;
    config.seed = raw.seed;
    config.connectTimeout = std::chrono::milliseconds(std::max<std::uint64_t>(1, raw.connectTimeoutMs));
    config.udpIdleTimeout = std::chrono::milliseconds(std::max<std::uint64_t>(1, raw.udpIdleTimeoutMs));
    config.maxClients = raw.maxClients;
    if (auto why = core::checkProxyConfig(config); !why.empty()) return why;
    return config;
}

} // namespace socketeer::cli
