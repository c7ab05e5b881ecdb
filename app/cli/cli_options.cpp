// socketeer-cli's command line: CLI11 for the grammar, core's parsers for every value (ports, hex, escapes, CIDR).
#include "cli_options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/rules/rule_set.hpp"
#include "socketeer/core/workspace/workspace.hpp"
#include "proxy_control.hpp"
#include "proxy_options.hpp"
#include "tls_options.hpp"

namespace socketeer::cli {
namespace {

using core::Bytes;

/// Thrown inside parsing to leave with exit code 2 and one line naming the problem.
struct UsageError {
    std::string message;
};

struct RawOptions {
    // shared
    std::string format = "text";
    std::string encoding = "utf-8";
    bool hex = false;
    bool showSent = false;
    bool quiet = false;
    std::optional<std::uint64_t> count;
    std::optional<double> timeoutSeconds;
    std::string capturePath;
    std::string captureFormat = "raw";
    std::string pcapPath;
    bool force = false;
    std::optional<std::string> frame;
    std::optional<std::size_t> maxFrame;
    std::optional<std::string> check;
    // servers
    std::string bind;
    std::string port;
    bool echo = false;
    std::optional<std::string> reply, prefix, welcome;
    std::vector<std::string> rules;
    bool relay = false;
    bool closeAfterReply = false;
    std::size_t maxClients = 0;
    std::vector<std::string> allow;
    int backlog = 1024;
    std::vector<std::string> groups;
    std::string iface;
    int ttl = 1;
    bool noLoop = false;
    // clients
    std::string host;
    std::string remotePort;
    std::vector<std::string> sends;
    std::uint64_t repeat = 1;
    std::uint64_t intervalMs = 0;
    std::optional<std::uint64_t> waitMs;
    std::uint64_t connectTimeoutMs = 5000;
    std::string localAddress;
    std::string localPort;
    bool reconnect = false;
    bool broadcast = false;
    // run
    std::string workspace;
    std::string sequence;
    std::string junit;
    // discard-mode servers and bench
    bool discard = false;
    double reportInterval = 1.0;
    unsigned connections = 1;
    std::optional<std::size_t> size;
    std::optional<double> durationSeconds;
    std::string rate = "1000";
    std::optional<std::uint64_t> probes;
    std::vector<std::string> mergeFiles;
    // import-packetsender
    std::string importFile;
    std::string importOutput;
    bool udp = false;
    std::uint64_t probeTimeoutMs = 1000;
    RawTlsOptions tls;
    RawProxyOptions proxy;
};

core::TlsSettings tlsSettings(const RawOptions& raw, TlsRole role) {
    auto settings = tlsValue(raw.tls, role);
    if (auto* problem = std::get_if<std::string>(&settings)) throw UsageError{*problem};
    return std::get<core::TlsSettings>(std::move(settings));
}

std::uint16_t portValue(const std::string& text, const std::string& what) {
    auto port = core::parsePort(text);
    if (!port) throw UsageError{what + ": " + port.error().message};
    return port.value();
}

Bytes readFileBytes(const std::string& path, const std::string& option) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        throw UsageError{option + " '@" + path + "': not a regular file"};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{option + " '@" + path + "': cannot read the file"};
    std::ostringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    return Bytes(content.begin(), content.end());
}

/// DATA: text with escapes and tokens by default, hex (and tokens) with --hex, a file's bytes with @PATH.
core::PayloadTemplate dataValue(const std::string& text, const RawOptions& raw, core::TextEncoding encoding,
                                const std::string& option) {
    if (text.starts_with("@")) return core::PayloadTemplate::literal(readFileBytes(text.substr(1), option));
    auto parsed = core::PayloadTemplate::parse(text, raw.hex ? core::PayloadSyntax::Hex : core::PayloadSyntax::Text, encoding);
    if (!parsed) throw UsageError{option + " '" + text + "': " + parsed.error().describe()};
    return std::move(parsed).value();
}

/// --send DATA: as dataValue, but @PATH stays a path: the file is streamed when it is sent, so it is checked here
/// (it must be a readable regular file) and read there.
SendItem sendValue(const std::string& text, const RawOptions& raw, core::TextEncoding encoding) {
    if (!text.starts_with("@")) {
        core::PayloadTemplate payload = dataValue(text, raw, encoding, "--send");
        if (payload.isLiteral()) { // the same bytes each time: resolved once
            auto bytes = payload.resolve({});
            return {std::make_shared<const Bytes>(std::move(bytes).value()), nullptr, text, {}};
        }
        return {nullptr, std::make_shared<const core::PayloadTemplate>(std::move(payload)), text, {}};
    }
    const std::string path = text.substr(1);
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        throw UsageError{"--send '@" + path + "': not a regular file"};
    // Opened the way it will be sent (UTF-8 names on Windows too), and closed again.
    if (std::holds_alternative<std::string>(core::openFileSource(path)))
        throw UsageError{"--send '@" + path + "': cannot read the file"};
    return {nullptr, nullptr, text, path};
}

void addOutputOptions(CLI::App* command, RawOptions& raw, bool frameOption = true) {
    command->add_option("--format", raw.format, "Output: text (received bytes as they are), hex (xxd-style dump), "
                                                "jsonl (one JSON object per event)")
        ->check(CLI::IsMember({"text", "hex", "jsonl"}));
    command->add_option("--encoding", raw.encoding, "Text encoding of DATA and of decoded text: utf-8, gb18030 (gbk), latin-1");
    command->add_flag("--show-sent", raw.showSent, "Also print what is sent (text and hex formats; jsonl always has it)");
    command->add_flag("-q,--quiet", raw.quiet, "No status lines on stderr (errors still go there)");
    command->add_option("--count", raw.count, "Exit after N received data events");
    command->add_option("--timeout", raw.timeoutSeconds, "Stop after SEC seconds (exit 3 if --count was not reached)");
    command->add_option("--capture", raw.capturePath, "Write every byte sent and received to FILE");
    command->add_option("--capture-format", raw.captureFormat, "raw (payload bytes of what is received) or records "
                                                               "(timestamped records of both directions)")
        ->check(CLI::IsMember({"raw", "records"}));
    command->add_option("--pcap", raw.pcapPath, "Write the traffic to FILE as pcapng for Wireshark (\"-\": standard "
                                                "output, live: `... --pcap - | wireshark -k -i -`)");
    command->add_flag("--force", raw.force, "Let --capture and --pcap replace an existing file");
    command->add_flag("--hex", raw.hex, "Every DATA argument is hex (\"48 65 6c\", 48656c, 0x48,0x65)");
    if (frameOption)
        command->add_option("--frame", raw.frame, "Cut the received TCP stream into messages: " + std::string(core::FrameSpecSyntax) +
                                                      " (--count, rows and jsonl events are messages then)");
    command->add_option("--check", raw.check, "Check that each received message ends in this checksum of the bytes "
                                              "before it: " + core::checksumNames() + "; bad ones are marked and counted");
    if (frameOption)
        command->add_option("--max-frame", raw.maxFrame, "Longest message in bytes (default 1048576); a longer one is "
                                                         "reported as oversize and framing resynchronises");
}

/// --check NAME: a checksum of the catalogue.
std::optional<core::ChecksumKind> checkValue(const RawOptions& raw) {
    if (!raw.check) return std::nullopt;
    const auto kind = core::checksumNamed(*raw.check);
    if (!kind) throw UsageError{"--check '" + *raw.check + "': not a checksum (" + core::checksumNames() + ")"};
    return kind;
}

/// --frame SPEC for a TCP session; UDP datagrams are messages already.
core::FrameSpec framingValue(const RawOptions& raw, bool tcp) {
    if (!raw.frame) {
        if (raw.maxFrame) throw UsageError{"--max-frame needs --frame"};
        return core::FrameSpec{};
    }
    if (!tcp) throw UsageError{"--frame: UDP datagrams are messages already; framing applies to TCP streams"};
    auto parsed = core::parseFrameSpec(*raw.frame, raw.maxFrame.value_or(core::DefaultMaxFrameBytes));
    if (!parsed) throw UsageError{"--frame '" + *raw.frame + "': " + parsed.error().describe()};
    return std::move(parsed).value();
}

void addReplyOptions(CLI::App* command, RawOptions& raw, bool tcp) {
    command->add_flag("--echo", raw.echo, "Send every received message back");
    command->add_option("--reply", raw.reply, "Answer every message with DATA (its tokens resolved per answer; {n} is "
                                              "the message's number from that peer)");
    command->add_option("--prefix", raw.prefix, "Echo every message after DATA (tokens resolved per answer)");
    if (tcp) {
        command->add_option("--welcome", raw.welcome, "Send DATA to each client on accept");
        command->add_flag("--relay", raw.relay, "Chat room: each client's data goes to every other client");
    }
    command->add_flag("--close-after-reply", raw.closeAfterReply,
                      tcp ? "Close after replying (after the welcome when there is no other reply)" : "Ignored for UDP");
}

void addRuleOptions(CLI::App* command, RawOptions& raw) {
    command->add_option("--rule", raw.rules,
                        "Answer like a device: 'MATCHER => ACTION[; ACTION]' (repeatable, tried in order, the first match "
                        "wins unless it says continue). Matchers: exact:, prefix:, contains:, suffix:DATA, hex:01 03 ?? .., "
                        "regex:PATTERN (RE2, over bytes). Actions: reply:DATA (tokens and {1}..{9}, {hex:1}.. captures), "
                        "delay:MS, close, ignore, state:NAME, continue; 'when:NAME MATCHER => ...' applies in state NAME")
        ->take_all();
}

void addProxyRuleOptions(CLI::App* command, RawOptions& raw) {
    command->add_option("--rule", raw.rules,
                        "Act on messages in flight: '[c2s:|s2c:]MATCHER => ACTION[; ACTION]' (repeatable, tried in order on "
                        "each message of either direction, or of the one named; the first match wins unless it says "
                        "continue). Matchers as for a server's --rule. Actions: rewrite:DATA (forwarded in the message's "
                        "place; tokens and {1}..{9} captures), drop (not forwarded), reply:DATA (sent back to the "
                        "message's sender), delay:MS (before the replies after it), close (the client's link, TCP), "
                        "state:NAME, continue; 'when:NAME' as for a server")
        ->take_all();
}

/// --rule TEXT...: each parsed as --hex says DATA is written; a bad one is named with its number and column.
core::RuleSet rulesValue(const RawOptions& raw, core::TextEncoding encoding, core::RuleHost host) {
    std::vector<core::Rule> rules;
    for (std::size_t i = 0; i < raw.rules.size(); ++i) {
        auto rule = core::parseRule(raw.rules[i], raw.hex ? core::PayloadSyntax::Hex : core::PayloadSyntax::Text, encoding);
        if (!rule) throw UsageError{"--rule " + std::to_string(i + 1) + " '" + raw.rules[i] + "': " + rule.error().describe()};
        if (const std::string problem = core::checkRuleHost(rule.value(), host); !problem.empty())
            throw UsageError{"--rule " + std::to_string(i + 1) + " '" + raw.rules[i] + "': " + problem};
        rules.push_back(std::move(rule).value());
    }
    return core::RuleSet(std::move(rules));
}

void addDiscardOptions(CLI::App* command, RawOptions& raw) {
    command->add_flag("--discard", raw.discard, "Count what arrives, never print or store it; report the receive rate "
                                                "(and loss of numbered datagrams) each --report-interval and at exit");
    command->add_option("--report-interval", raw.reportInterval, "Seconds between --discard reports (0 = at exit only)");
}

void addSendOptions(CLI::App* command, RawOptions& raw) {
    command->add_option("HOST", raw.host, "Host name or address")->required();
    command->add_option("PORT", raw.remotePort, "Port")->required();
    command->add_option("--send", raw.sends, "Send DATA (repeatable, in order; @PATH is streamed from disk); without it stdin is sent")->take_all();
    command->add_option("--repeat", raw.repeat, "Send the --send list N times");
    command->add_option("--interval", raw.intervalMs, "Milliseconds between sends");
    command->add_option("--wait", raw.waitMs, "After the last send, wait for replies until MS of silence "
                                              "(TCP default 2000, ends early when the peer closes; UDP default 0)");
}

core::AutoReply replyFrom(const RawOptions& raw, core::TextEncoding encoding, bool udp) {
    const int modes = int(raw.echo) + int(raw.reply.has_value()) + int(raw.prefix.has_value());
    if (modes > 1) throw UsageError{"--echo, --reply and --prefix exclude each other (--prefix already echoes)"};
    core::AutoReply reply;
    if (raw.echo) reply.mode = core::ReplyMode::Echo;
    if (raw.reply) {
        reply.mode = core::ReplyMode::Fixed;
        reply.reply = dataValue(*raw.reply, raw, encoding, "--reply");
    }
    if (raw.prefix) {
        reply.mode = core::ReplyMode::PrefixedEcho;
        reply.prefix = dataValue(*raw.prefix, raw, encoding, "--prefix");
    }
    if (raw.welcome) reply.welcome = dataValue(*raw.welcome, raw, encoding, "--welcome");
    reply.relay = raw.relay;
    reply.closeAfterReply = raw.closeAfterReply;
    reply.rules = rulesValue(raw, encoding, udp ? core::RuleHost::UdpSession : core::RuleHost::TcpSession);
    if (reply.closeAfterReply && reply.mode == core::ReplyMode::None && reply.welcome.empty())
        throw UsageError{"--close-after-reply needs a reply: --echo, --reply, --prefix or --welcome"};
    return reply;
}

/// `bench tcp|udp|rtt HOST PORT ...` into a generator spec.
void buildBench(CliOptions& options, CLI::App* benchTcp, CLI::App* benchUdp, const RawOptions& raw) {
    options.command = CliOptions::Command::Bench;
    core::GeneratorSpec& spec = options.generator;
    spec.host = raw.host;
    spec.port = portValue(raw.remotePort, "PORT");
    if (benchTcp->parsed()) {
        spec.mode = core::GeneratorMode::TcpStream;
        spec.connections = raw.connections;
        spec.payloadBytes = raw.size.value_or(128u << 10);
    } else if (benchUdp->parsed()) {
        spec.mode = core::GeneratorMode::UdpStream;
        spec.payloadBytes = raw.size.value_or(1400);
        if (raw.rate == "max") {
            spec.ratePerSecond = 0;
        } else {
            std::uint64_t rate = 0;
            const char* end = raw.rate.data() + raw.rate.size();
            const auto [stop, ec] = std::from_chars(raw.rate.data(), end, rate);
            if (ec != std::errc{} || stop != end || rate == 0)
                throw UsageError{"--rate '" + raw.rate + "': a number of datagrams per second (at least 1), or max"};
            spec.ratePerSecond = rate;
        }
        if (raw.probes) {
            if (*raw.probes == 0) throw UsageError{"--count 0: bench udp needs at least 1 datagram (or no --count)"};
            spec.datagramCount = *raw.probes;
            if (!raw.durationSeconds) spec.duration = std::chrono::milliseconds(0); // the count ends it
        }
    } else {
        spec.mode = raw.udp ? core::GeneratorMode::UdpRtt : core::GeneratorMode::TcpRtt;
        spec.payloadBytes = raw.size.value_or(64);
        spec.probeCount = raw.probes.value_or(raw.durationSeconds ? 0 : 1000);
        spec.probeTimeout = std::chrono::milliseconds(raw.probeTimeoutMs);
        if (!raw.durationSeconds) spec.duration = std::chrono::milliseconds(0);
    }
    if (!benchUdp->parsed()) spec.tls = tlsSettings(raw, TlsRole::Client);
    if (raw.durationSeconds) {
        if (!(*raw.durationSeconds >= 0) || *raw.durationSeconds > 1e6)
            throw UsageError{"--duration must be 0 (until stopped) or a positive number of seconds"};
        spec.duration = std::chrono::milliseconds(static_cast<std::int64_t>(*raw.durationSeconds * 1000.0 + 0.5));
    }
    if (auto problem = core::validateGeneratorSpec(spec); !problem.empty()) throw UsageError{problem};
}

CliOptions buildOptions(CLI::App& app, CLI::App* tcpServer, CLI::App* tcpClient, CLI::App* udpServer,
                        CLI::App* udpClient, CLI::App* run, CLI::App* bench, CLI::App* benchTcp, CLI::App* benchUdp,
                        CLI::App* proxy, const RawOptions& raw) {
    CliOptions options;
    auto encoding = core::parseEncodingName(raw.encoding);
    if (!encoding) throw UsageError{"--encoding '" + raw.encoding + "' is not one of utf-8, gb18030, gbk, latin-1"};
    options.encoding = *encoding;
    options.format = raw.format == "hex" ? OutputFormat::Hex : raw.format == "jsonl" ? OutputFormat::Jsonl : OutputFormat::Text;
    options.showSent = raw.showSent;
    options.quiet = raw.quiet;
    options.count = raw.count;
    if (raw.timeoutSeconds) {
        if (!(*raw.timeoutSeconds > 0) || *raw.timeoutSeconds > 1e7)
            throw UsageError{"--timeout must be a positive number of seconds"};
        options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*raw.timeoutSeconds * 1000.0 + 0.5));
    }
    if (!raw.capturePath.empty()) {
        core::CaptureSpec capture;
        capture.path = raw.capturePath;
        capture.format = raw.captureFormat == "records" ? core::CaptureFormat::Records : core::CaptureFormat::Raw;
        capture.captureTx = capture.format == core::CaptureFormat::Records;
        capture.overwrite = raw.force;
        options.captures.push_back(capture);
    }
    if (!raw.pcapPath.empty()) {
        if (raw.pcapPath == raw.capturePath) throw UsageError{"--capture and --pcap name the same file '" + raw.pcapPath + "'"};
        core::CaptureSpec pcap;
        pcap.path = raw.pcapPath;
        pcap.format = core::CaptureFormat::Pcapng;
        pcap.overwrite = raw.force;
        options.captures.push_back(pcap);
    }
    (void)app;
    if (!(raw.reportInterval >= 0) || raw.reportInterval > 86400)
        throw UsageError{"--report-interval must be 0 (at exit only) or a number of seconds"};
    options.reportInterval = raw.reportInterval;
    if (app.got_subcommand("import-packetsender")) {
        options.command = CliOptions::Command::ImportPacketSender;
        options.importFile = raw.importFile;
        options.importOutput = raw.importOutput;
        options.overwrite = raw.force;
        return options;
    }
    if (bench->parsed()) {
        if (bench->get_subcommand("merge")->parsed()) {
            options.command = CliOptions::Command::BenchMerge;
            options.mergeFiles = raw.mergeFiles;
            return options;
        }
        buildBench(options, benchTcp, benchUdp, raw);
        return options;
    }
    if (raw.discard && (raw.echo || raw.reply || raw.prefix || raw.welcome || raw.relay || !raw.rules.empty()))
        throw UsageError{"--discard never answers: it excludes --echo, --reply, --prefix, --welcome, --relay and --rule"};
    if (raw.discard && (raw.capturePath.size() || raw.pcapPath.size()))
        throw UsageError{"--discard stores nothing: it excludes --capture and --pcap"};
    if (raw.discard && raw.check)
        throw UsageError{"--discard looks at nothing it receives: it excludes --check"};

    core::SessionSpec spec;
    if (proxy->parsed()) {
        options.command = CliOptions::Command::Proxy;
        spec.kind = core::SessionKind::Proxy;
        auto config = proxyConfigValue(raw.proxy);
        if (auto* problem = std::get_if<std::string>(&config)) throw UsageError{*problem};
        spec.proxy = std::get<core::ProxyConfig>(std::move(config));
        spec.proxy.limits = spec.tcpServer.limits;
        spec.proxy.rules = rulesValue(raw, options.encoding, spec.proxy.udp ? core::RuleHost::UdpProxy : core::RuleHost::TcpProxy);
        if (!raw.proxy.control.empty()) {
            if (const std::string problem = checkControlPath(raw.proxy.control); !problem.empty()) throw UsageError{problem};
            options.proxyControl = raw.proxy.control;
            options.hex = raw.hex;
        }
        if (const auto check = checkValue(raw)) throw UsageError{"--check: a proxy forwards what it gets, checked or not"};
    } else if (tcpServer->parsed()) {
        options.command = CliOptions::Command::TcpServer;
        spec.kind = core::SessionKind::TcpServer;
        spec.tcpServer.bindAddress = raw.bind;
        spec.tcpServer.port = portValue(raw.port, "--port");
        spec.tcpServer.backlog = raw.backlog;
        spec.tcpServer.maxClients = raw.maxClients;
        for (const auto& text : raw.allow) {
            auto block = core::Cidr::parse(text);
            if (!block) throw UsageError{"--allow '" + text + "': " + block.error().message};
            spec.tcpServer.allowList.push_back(block.value());
        }
        spec.tcpServer.autoReply = replyFrom(raw, options.encoding, false);
        spec.tcpServer.discard = raw.discard;
        spec.tcpServer.framing = framingValue(raw, true);
        spec.tcpServer.check = checkValue(raw);
        spec.tcpServer.tls = tlsSettings(raw, TlsRole::Server);
    } else if (udpServer->parsed()) {
        options.command = CliOptions::Command::UdpServer;
        spec.kind = core::SessionKind::Udp;
        spec.udp.bindAddress = raw.bind;
        spec.udp.port = portValue(raw.port, "--port");
        spec.udp.multicast.groups = raw.groups;
        spec.udp.multicast.interfaceName = raw.iface;
        spec.udp.multicast.hops = raw.ttl;
        spec.udp.multicast.loopback = !raw.noLoop;
        if (!raw.groups.empty() && raw.bind.empty()) spec.udp.reuseAddress = true;
        spec.udp.autoReply = replyFrom(raw, options.encoding, true);
        spec.udp.discard = raw.discard;
        spec.udp.check = checkValue(raw);
        (void)framingValue(raw, false);
    } else if (tcpClient->parsed() || udpClient->parsed()) {
        const bool tcp = tcpClient->parsed();
        options.command = tcp ? CliOptions::Command::TcpClient : CliOptions::Command::UdpClient;
        const std::uint16_t port = portValue(raw.remotePort, "PORT");
        const std::uint16_t localPort = raw.localPort.empty() ? 0 : portValue(raw.localPort, "--local-port");
        if (tcp) {
            spec.kind = core::SessionKind::TcpClient;
            spec.tcpClient.host = raw.host;
            spec.tcpClient.port = port;
            spec.tcpClient.connectTimeout = std::chrono::milliseconds(raw.connectTimeoutMs);
            spec.tcpClient.localAddress = raw.localAddress;
            spec.tcpClient.localPort = localPort;
            spec.tcpClient.autoReconnect = raw.reconnect;
            spec.tcpClient.framing = framingValue(raw, true);
            spec.tcpClient.check = checkValue(raw);
            spec.tcpClient.tls = tlsSettings(raw, TlsRole::Client);
            spec.tcpClient.autoReply.rules = rulesValue(raw, options.encoding, core::RuleHost::TcpSession);
        } else {
            spec.kind = core::SessionKind::Udp;
            spec.udp.remoteHost = raw.host;
            spec.udp.remotePort = port;
            spec.udp.bindAddress = raw.localAddress;
            spec.udp.port = localPort;
            spec.udp.broadcast = raw.broadcast;
            spec.udp.multicast.interfaceName = raw.iface;
            spec.udp.multicast.hops = raw.ttl;
            spec.udp.multicast.loopback = !raw.noLoop;
            // An IPv4 destination is reached from an IPv4 socket: broadcast and multicast options are IPv4-only there.
            if (raw.localAddress.empty() && core::isAddressLiteral(raw.host) && raw.host.find(':') == std::string::npos)
                spec.udp.bindAddress = "0.0.0.0";
            spec.udp.check = checkValue(raw);
            spec.udp.autoReply.rules = rulesValue(raw, options.encoding, core::RuleHost::UdpSession);
            (void)framingValue(raw, false);
        }
        for (const auto& text : raw.sends) options.sends.push_back(sendValue(text, raw, options.encoding));
        if (raw.repeat == 0) throw UsageError{"--repeat must be at least 1"};
        options.repeat = raw.repeat;
        options.interval = std::chrono::milliseconds(raw.intervalMs);
        if (raw.waitMs) options.wait = std::chrono::milliseconds(*raw.waitMs);
    } else if (run->parsed()) {
        options.command = CliOptions::Command::Run;
        if (raw.frame || raw.maxFrame || raw.check)
            throw UsageError{"run: --frame, --max-frame and --check belong to each session in the workspace file "
                             "(\"framing\", \"check\")"};
        auto workspace = core::loadWorkspaceFile(raw.workspace);
        if (!workspace) throw UsageError{workspace.error().describe()};
        if (!raw.junit.empty() && raw.sequence.empty()) throw UsageError{"--junit reports a --sequence: name one"};
        if (!raw.sequence.empty()) {
            const auto& sequences = workspace.value().sequences;
            const auto found = std::find_if(sequences.begin(), sequences.end(),
                                            [&](const core::Sequence& s) { return s.name == raw.sequence; });
            if (found == sequences.end()) {
                std::string names;
                for (const auto& s : sequences) names += (names.empty() ? "" : ", ") + s.name;
                throw UsageError{raw.workspace + ": no sequence named '" + raw.sequence + "' (sequences: " +
                                 (names.empty() ? "none" : names) + ")"};
            }
            options.sequence = std::make_shared<const core::Sequence>(*found);
            options.junitPath = raw.junit;
        }
        // The sessions marked to open on load, and every session the sequence uses.
        for (auto& session : workspace.value().sessions) {
            const bool used = options.sequence && std::any_of(options.sequence->steps.begin(), options.sequence->steps.end(),
                                                              [&](const core::SequenceStep& step) {
                                                                  return (step.kind == core::StepKind::Send || step.kind == core::StepKind::Expect) &&
                                                                         step.session == session.name;
                                                              });
            if (session.openOnLoad || used) options.sessions.push_back(session);
        }
        if (options.sessions.empty()) throw UsageError{raw.workspace + ": no session to open"};
        return options;
    }
    spec.name = std::string(core::sessionKindKey(spec.kind));
    options.sessions.push_back(std::move(spec));
    return options;
}

} // namespace

std::string versionText() { return std::string(SOCKETEER_VERSION) + " (git " + SOCKETEER_GIT_REVISION + ")"; }

std::variant<CliOptions, CliExit> parseCommandLine(int argc, const char* const* argv) {
    RawOptions raw;
    CLI::App app{"socketeer-cli: TCP/UDP clients and servers for scripts and CI.\n"
                 "DATA is text with escapes (\\r \\n \\t \\0 \\\\ \\xHH), hex with --hex, or @PATH for a file's bytes\n"
                 "(--send streams the file as the connection drains, whatever its size).\n"
                 "Tokens in DATA (--send, --reply, --prefix, --welcome) are resolved at each send: checksums over\n"
                 "the bytes before them (or after"
                 " {begin}): {crc16/modbus} {crc16/xmodem} {crc16/kermit} {crc16/ibm-3740} {crc32/iso-hdlc}\n"
                 "{crc32/iscsi} {crc8/smbus} {xor8} {sum8} {lrc8}; fields: {len:FMT} (the bytes after it),\n"
                 "{counter:FMT} (one step per send), {unix}, {unix:FMT}, {rand:N}, {time}, {peer}, {n}; FMT is u8, u16be,\n"
                 "u16le, u32be, u32le, u64be or u64le; {{ is a literal brace.\n"
                 "Exit codes: 0 done, 1 network error, 2 bad usage or input, 3 --timeout reached before --count (or\n"
                 "before the sequence ended), 4 a sequence's expect failed.",
                 "socketeer-cli"};
    app.set_version_flag("--version", "socketeer-cli " + versionText());
    app.require_subcommand(1);
    // Only the chosen command's options are made: CLI11 builds each option with checks against all its siblings,
    // and making every command's (about 300) was most of a one-shot send's start-up. --help-all, or no command,
    // makes them all.
    std::string_view chosen;
    bool everything = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (word == "--help-all") everything = true;
        if (chosen.empty() && !word.empty() && word.front() != '-') chosen = word;
    }
    everything = everything || chosen.empty();
    const auto wanted = [&](std::string_view command) { return everything || command == chosen; };

    auto* tcpServer = app.add_subcommand("tcp-server", "Listen for TCP clients");
    if (wanted("tcp-server")) {
        tcpServer->add_option("--bind", raw.bind, "Address to listen on (default: all, IPv4 and IPv6)");
        tcpServer->add_option("--port", raw.port, "Port (0 = any free port; the real one is printed)")->required();
        tcpServer->add_option("--max-clients", raw.maxClients, "Refuse clients beyond N");
        tcpServer->add_option("--allow", raw.allow, "Accept only peers in CIDR (repeatable), e.g. 127.0.0.0/8")->take_all();
        tcpServer->add_option("--backlog", raw.backlog, "Listen backlog");
        addReplyOptions(tcpServer, raw, true);
        addRuleOptions(tcpServer, raw);
        addDiscardOptions(tcpServer, raw);
        addTlsOptions(tcpServer, raw.tls, TlsRole::Server);
        addOutputOptions(tcpServer, raw);
    }

    auto* tcpClient = app.add_subcommand("tcp-client", "Connect to a TCP server; stdin or --send goes out");
    if (wanted("tcp-client")) {
        addSendOptions(tcpClient, raw);
        tcpClient->add_option("--connect-timeout", raw.connectTimeoutMs, "Milliseconds to wait for the connection");
        tcpClient->add_option("--local-address", raw.localAddress, "Connect from this local address");
        tcpClient->add_option("--local-port", raw.localPort, "Connect from this local port");
        tcpClient->add_flag("--reconnect", raw.reconnect, "Reconnect with backoff when the connection fails or drops");
        addRuleOptions(tcpClient, raw);
        addTlsOptions(tcpClient, raw.tls, TlsRole::Client);
        addOutputOptions(tcpClient, raw);
    }

    auto* udpServer = app.add_subcommand("udp-server", "Receive UDP datagrams (optionally from multicast groups)");
    if (wanted("udp-server")) {
        udpServer->add_option("--bind", raw.bind, "Address to bind (default: all, IPv4 and IPv6)");
        udpServer->add_option("--port", raw.port, "Port (0 = any free port; the real one is printed)")->required();
        udpServer->add_option("--group", raw.groups, "Join multicast group MADDR (repeatable)")->take_all();
        udpServer->add_option("--iface", raw.iface, "Interface for --group: IPv4 address, or IPv6 interface name/index");
        udpServer->add_option("--ttl", raw.ttl, "TTL / hop limit of multicast replies");
        udpServer->add_flag("--no-loop", raw.noLoop, "Do not loop our own multicast back to this host");
        addReplyOptions(udpServer, raw, false);
        addRuleOptions(udpServer, raw);
        addDiscardOptions(udpServer, raw);
        addOutputOptions(udpServer, raw);
    }

    auto* udpClient = app.add_subcommand("udp-client", "Send UDP datagrams; stdin lines or --send go out");
    if (wanted("udp-client")) {
        addSendOptions(udpClient, raw);
        udpClient->add_flag("--broadcast", raw.broadcast, "Allow sending to broadcast addresses");
        udpClient->add_option("--local-address", raw.localAddress, "Bind to this local address");
        udpClient->add_option("--local-port", raw.localPort, "Bind to this local port");
        udpClient->add_option("--iface", raw.iface, "Outgoing interface for multicast destinations");
        udpClient->add_option("--ttl", raw.ttl, "TTL / hop limit for multicast destinations");
        udpClient->add_flag("--no-loop", raw.noLoop, "Do not loop our own multicast back to this host");
        addRuleOptions(udpClient, raw);
        addOutputOptions(udpClient, raw);
    }

    auto* run = app.add_subcommand("run", "Open every session of a workspace file and print their events");
    if (wanted("run")) {
        run->add_option("WORKSPACE", raw.workspace, "Workspace file (JSON, as saved by the desktop app)")->required();
        run->add_option("--sequence", raw.sequence, "Play the workspace's sequence NAME once its sessions are open; "
                                                    "exit 0 when every step passed, 4 when an expect failed");
        run->add_option("--junit", raw.junit, "With --sequence: write a JUnit XML report to FILE (one test case per step)");
        addOutputOptions(run, raw);
    }

    auto* proxy = app.add_subcommand("proxy", "Relay clients to a target, showing both directions (c>s, s>c), "
                                              "framed, captured and impaired as asked");
    if (wanted("proxy")) {
        addProxyOptions(proxy, raw.proxy);
        addProxyRuleOptions(proxy, raw);
        addOutputOptions(proxy, raw, false);
    }

    auto* importPs = app.add_subcommand("import-packetsender", "Turn Packet Sender's exported packets (its JSON) into a "
                                                               "workspace: saved payloads and a client session per target");
    if (wanted("import-packetsender")) {
        importPs->add_option("FILE", raw.importFile, "Packet Sender's export (File > Export Packets, JSON)")->required();
        importPs->add_option("-o,--output", raw.importOutput, "The workspace file to write")->required();
        importPs->add_flag("--force", raw.force, "Replace an existing workspace file");
    }

    auto* bench = app.add_subcommand("bench", "Traffic generator: throughput, datagram rate and loss, round-trip times");
    bench->require_subcommand(1);
    auto* benchTcp = bench->add_subcommand("tcp", "N connections streaming as fast as the peer takes it (a --discard "
                                                  "server, or any sink)");
    auto* benchUdp = bench->add_subcommand("udp", "Numbered, timestamped datagrams at a rate; a udp-server --discard "
                                                  "reports loss, duplicates, reordering and jitter");
    auto* benchRtt = bench->add_subcommand("rtt", "Round trips against any echo server, one in flight; prints "
                                                  "p50, p90, p99 and max in microseconds");
    auto* benchMerge = bench->add_subcommand("merge", "Combine the --format jsonl summaries of bench runs of one kind "
                                                      "(from many hosts) into one: counts and rates add up, "
                                                      "round-trip percentiles come from the merged histograms");
    if (wanted("bench")) {
        const auto addTarget = [&](CLI::App* command) {
            command->add_option("HOST", raw.host, "Host name or address")->required();
            command->add_option("PORT", raw.remotePort, "Port")->required();
            command->add_option("--report-interval", raw.reportInterval, "Seconds between report lines (0 = summary only)");
            command->add_option("--format", raw.format, "text, or jsonl (one JSON object per report)")
                ->check(CLI::IsMember({"text", "jsonl"}));
            command->add_flag("-q,--quiet", raw.quiet, "Summary only: no header line on stderr");
        };
        addTarget(benchTcp);
        benchTcp->add_option("--connections", raw.connections, "Concurrent connections (default 1)");
        benchTcp->add_option("--size", raw.size, "Bytes per write (default 131072)");
        benchTcp->add_option("--duration", raw.durationSeconds, "Seconds (default 10; 0 = until Ctrl+C)");
        addTlsOptions(benchTcp, raw.tls, TlsRole::Client);
        addTarget(benchUdp);
        benchUdp->add_option("--rate", raw.rate, "Datagrams per second, or max (default 1000)");
        benchUdp->add_option("--size", raw.size, "Bytes per datagram, 24 to 65507 (default 1400)");
        benchUdp->add_option("--duration", raw.durationSeconds, "Seconds (default 10, none with --count; 0 = until Ctrl+C)");
        benchUdp->add_option("--count", raw.probes, "Send exactly N datagrams, then end (with --duration: whichever "
                                                    "comes first)");
        addTarget(benchRtt);
        benchRtt->add_option("--size", raw.size, "Bytes per probe, at least 24 (default 64)");
        benchRtt->add_option("--count", raw.probes, "Round trips (default 1000; 0 with --duration = until it ends)");
        benchRtt->add_option("--duration", raw.durationSeconds, "Stop after SEC seconds");
        benchRtt->add_flag("--udp", raw.udp, "Over UDP (a probe without a reply within --probe-timeout counts as lost)");
        benchRtt->add_option("--probe-timeout", raw.probeTimeoutMs, "Milliseconds to wait for each reply (default 1000)");
        addTlsOptions(benchRtt, raw.tls, TlsRole::Client);
        benchMerge->add_option("REPORT", raw.mergeFiles, "jsonl files written by bench ... --format jsonl (- = stdin)")
            ->required();
        benchMerge->add_option("--format", raw.format, "text, or jsonl (a summary line that merges again)")
            ->check(CLI::IsMember({"text", "jsonl"}));
    }

    try {
        app.parse(argc, argv);
        return buildOptions(app, tcpServer, tcpClient, udpServer, udpClient, run, bench, benchTcp, benchUdp, proxy, raw);
    } catch (const CLI::CallForHelp&) {
        return CliExit{ExitDone, app.help(), {}};
    } catch (const CLI::CallForAllHelp&) {
        return CliExit{ExitDone, app.help("", CLI::AppFormatMode::All), {}};
    } catch (const CLI::CallForVersion&) {
        return CliExit{ExitDone, "socketeer-cli " + versionText() + "\n", {}};
    } catch (const CLI::ParseError& e) {
        return CliExit{ExitUsage, {}, "socketeer-cli: " + std::string(e.what()) + " (see --help)\n"};
    } catch (const UsageError& e) {
        return CliExit{ExitUsage, {}, "socketeer-cli: " + e.message + "\n"};
    }
}

} // namespace socketeer::cli
