// Workspace files: round trip of every field, and refusal of broken or hostile files with a message naming the place.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "socketeer/core/workspace/workspace.hpp"

using namespace socketeer::core;

namespace {

Workspace sample() {
    Workspace ws;
    SessionSpec server;
    server.name = "Echo server";
    server.kind = SessionKind::TcpServer;
    server.tcpServer.bindAddress = "127.0.0.1";
    server.tcpServer.port = 5000;
    server.tcpServer.backlog = 64;
    server.tcpServer.maxClients = 10;
    server.tcpServer.allowList = {Cidr::parse("127.0.0.0/8").value(), Cidr::parse("::1").value()};
    server.tcpServer.autoReply.mode = ReplyMode::PrefixedEcho;
    server.tcpServer.autoReply.prefix = PayloadTemplate::parse("[{time}] ", PayloadSyntax::Text).value();
    server.tcpServer.autoReply.welcome = PayloadTemplate::literal(Bytes{'h', 'i', 0x00, 0xFF, '\r', '\n', '{'});
    server.tcpServer.autoReply.relay = true;
    server.tcpServer.limits.sendBudgetBytes = 1 << 20;
    server.tcpServer.framing = parseFrameSpec("delim:0d0a", 4096).value();
    TlsSettings& serverTls = server.tcpServer.tls;
    serverTls.enabled = true;
    serverTls.caFile = "clients-ca.pem";
    serverTls.alpn = {"h2", "http/1.1"};
    serverTls.certFile = "server.pem";
    serverTls.keyFile = "server.key";
    serverTls.keyLogFile = "keys.log";
    ws.sessions.push_back(server);

    SessionSpec client;
    client.name = "Device";
    client.kind = SessionKind::TcpClient;
    client.openOnLoad = false;
    client.tcpClient.host = "example.test";
    client.tcpClient.port = 23;
    client.tcpClient.connectTimeout = std::chrono::milliseconds(1500);
    client.tcpClient.autoReconnect = true;
    client.tcpClient.reconnectMaxAttempts = 7;
    client.tcpClient.framing = parseFrameSpec("len:2be@4").value();
    TlsSettings& clientTls = client.tcpClient.tls;
    clientTls.enabled = true;
    clientTls.insecure = true;
    clientTls.serverName = "device.test";
    clientTls.alpn = {"mqtt"};
    clientTls.certFile = "me.pem";
    clientTls.keyFile = "me.key";
    ws.sessions.push_back(client);

    SessionSpec udp;
    udp.name = "Group";
    udp.kind = SessionKind::Udp;
    udp.udp.port = 4000;
    udp.udp.multicast.groups = {"239.1.2.3"};
    udp.udp.multicast.interfaceName = "127.0.0.1";
    udp.udp.multicast.hops = 4;
    udp.udp.multicast.loopback = false;
    udp.udp.broadcast = true;
    ws.sessions.push_back(udp);

    ws.payloads.push_back({"ping", PayloadTemplate::literal(Bytes{0x01, 0x02, 0xFE}), true});
    ws.payloads.push_back({"modbus read", PayloadTemplate::parse("{counter:u16be} 00 00 {len:u16be} 01 03 00 00 00 0a",
                                                                 PayloadSyntax::Hex).value(), true});
    ws.frontEnd.selectedSession = 1;
    return ws;
}

std::string refusal(const std::string& text) {
    auto parsed = parseWorkspace(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.ok() ? "" : parsed.error().describe();
}

std::string withSession(const std::string& session) {
    return R"({"format":"socketeer-workspace","version":1,"sessions":[)" + session + "]}";
}

} // namespace

TEST(Workspace, RoundTripKeepsEveryField) {
    const Workspace original = sample();
    auto parsed = parseWorkspace(serializeWorkspace(original));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    const Workspace& ws = parsed.value();
    ASSERT_EQ(ws.sessions.size(), 3u);
    EXPECT_TRUE(ws.sessions == original.sessions) << "a field was lost or changed on the way";
    const auto& server = ws.sessions[0];
    EXPECT_EQ(server.name, "Echo server");
    EXPECT_EQ(server.kind, SessionKind::TcpServer);
    EXPECT_EQ(server.tcpServer.port, 5000);
    EXPECT_EQ(server.tcpServer.backlog, 64);
    EXPECT_EQ(server.tcpServer.maxClients, 10u);
    ASSERT_EQ(server.tcpServer.allowList.size(), 2u);
    EXPECT_EQ(server.tcpServer.allowList[1].toString(), "::1/128");
    EXPECT_EQ(server.tcpServer.autoReply.mode, ReplyMode::PrefixedEcho);
    EXPECT_EQ(server.tcpServer.autoReply.prefix.source(), "[{time}] ");
    EXPECT_EQ(server.tcpServer.autoReply.welcome.resolve({}).value(), (Bytes{'h', 'i', 0x00, 0xFF, '\r', '\n', '{'}))
        << "any bytes, a brace too, come back exactly";
    EXPECT_TRUE(server.tcpServer.autoReply.relay);
    EXPECT_EQ(server.tcpServer.limits.sendBudgetBytes, 1u << 20);
    EXPECT_EQ(frameSpecText(server.tcpServer.framing), "delim:0d0a");
    EXPECT_EQ(server.tcpServer.framing.maxFrame, 4096u);
    const auto& client = ws.sessions[1];
    EXPECT_FALSE(client.openOnLoad);
    EXPECT_EQ(client.tcpClient.host, "example.test");
    EXPECT_EQ(client.tcpClient.connectTimeout.count(), 1500);
    EXPECT_TRUE(client.tcpClient.autoReconnect);
    EXPECT_EQ(client.tcpClient.reconnectMaxAttempts, 7u);
    EXPECT_EQ(client.tcpClient.framing, parseFrameSpec("modbus-tcp").value());
    EXPECT_EQ(server.tcpServer.tls.caFile, "clients-ca.pem") << "a server's CA is its clients' (clientCa)";
    EXPECT_EQ(server.tcpServer.tls.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
    EXPECT_EQ(server.tcpServer.tls.keyLogFile, "keys.log");
    EXPECT_TRUE(client.tcpClient.tls.insecure);
    EXPECT_EQ(client.tcpClient.tls.serverName, "device.test");
    EXPECT_EQ(client.tcpClient.tls.keyFile, "me.key");
    const auto& udp = ws.sessions[2];
    EXPECT_EQ(udp.udp.multicast.groups, (std::vector<std::string>{"239.1.2.3"}));
    EXPECT_EQ(udp.udp.multicast.interfaceName, "127.0.0.1");
    EXPECT_EQ(udp.udp.multicast.hops, 4);
    EXPECT_FALSE(udp.udp.multicast.loopback);
    EXPECT_TRUE(udp.udp.broadcast);
    ASSERT_EQ(ws.payloads.size(), 2u);
    EXPECT_EQ(ws.payloads[0].payload.resolve({}).value(), (Bytes{0x01, 0x02, 0xFE}));
    // A template typed in hex is kept as text with its tokens, and resolves the same.
    EXPECT_EQ(ws.payloads[1].payload.source(), "{counter:u16be}\\0\\0{len:u16be}\\x01\\x03\\0\\0\\0\\n");
    EXPECT_EQ(ws.payloads[1].payload.resolve({}).value(), (Bytes{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0x0a}));
    EXPECT_TRUE(ws.payloads[0].showAsHex);
    EXPECT_EQ(ws.frontEnd.selectedSession, std::optional<std::size_t>(1));
    // Serialising again gives the same text: nothing drifts.
    EXPECT_EQ(serializeWorkspace(ws), serializeWorkspace(original));
}

TEST(Workspace, AbsurdValuesAreRefusedWithTheirPath) {
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","port":99999})")),
              "sessions[0].port: 99999 is out of range (0-65535)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","limits":{"sendBudgetBytes":-5}})")),
              "sessions[0].limits.sendBudgetBytes: -5 is negative (allowed 4096-1073741824)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"udp","limits":{"eventQueueBytes":99999999999999}})")),
              "sessions[0].limits.eventQueueBytes: 99999999999999 is out of range (4096-1073741824)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","host":"h","port":"80"})")),
              "sessions[0].port: expected a whole number (allowed 0-65535)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","port":80})")), "sessions[0].host: a TCP client needs a host");
    EXPECT_EQ(refusal(withSession(R"({"kind":"sctp"})")), "sessions[0].kind: 'sctp' is not one of tcp-client, tcp-server, udp, proxy");
    EXPECT_EQ(refusal(withSession(R"({"kind":"udp","prot":1})")),
              "sessions[0].prot: unknown key (a typo, or a file from a newer Socketeer?)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","allow":["10.1.2.3/8"]})")),
              "sessions[0].allow[0]: '10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","reply":{"mode":"echo","welcome":"bad \\q"}})")),
              "sessions[0].reply.welcome: unknown escape '\\q' (write \\\\ for a backslash) at column 5");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","framing":{"frame":"len:2"}})")),
              "sessions[0].framing.frame: len:2 needs a byte order: len:2be or len:2le at column 6");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","framing":{"frame":"fixed:100","maxFrame":64}})")),
              "sessions[0].framing.frame: fixed:N needs 1 to 64 bytes (the largest message), not 100 at column 7");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","framing":{"maxFrame":0}})")),
              "sessions[0].framing.maxFrame: 0 is out of range (1-67108864)");
}

TEST(Workspace, TlsSettingsAreCheckedAndKeyMaterialIsNeverInline) {
    if (!tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    const auto serverText = serializeWorkspace(sample());
    EXPECT_NE(serverText.find(R"("clientCa": "clients-ca.pem")"), std::string::npos) << serverText;
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","tls":{"enabled":true,"key":"-----BEGIN PRIVATE KEY-----\nMII"}})")),
              "sessions[0].tls.key: expects the path of a PEM file, not its contents");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","tls":{"enabled":true,"key":"k.pem"}})")),
              "sessions[0].tls: a key needs its certificate (--cert FILE)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","host":"h","tls":{"enabled":true,"insecure":true,"ca":"ca.pem"}})")),
              "sessions[0].tls: --insecure and --ca contradict each other (verify against the CA, or not at all)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","tls":{"insecure":true}})")),
              "sessions[0].tls.insecure: unknown key (a typo, or a file from a newer Socketeer?)")
        << "a server verifies clients with clientCa; insecure is a client's";
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","host":"h","tls":{"alpn":["h2",""]}})")),
              "sessions[0].tls.alpn[1]: an empty protocol name");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","host":"h","tls":{"alpn":["h2,http/1.1"]}})")),
              "sessions[0].tls.alpn[0]: 'h2,http/1.1' holds more than one protocol");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","host":"h","tls":{"enabled":"yes"}})")),
              "sessions[0].tls.enabled: expected true or false");
}

TEST(Workspace, ProxySessionsRoundTripAndBadImpairmentsAreNamed) {
    Workspace ws;
    SessionSpec proxy;
    proxy.kind = SessionKind::Proxy;
    proxy.name = "bad link";
    proxy.proxy.listenAddress = "127.0.0.1";
    proxy.proxy.listenPort = 5020;
    proxy.proxy.targetHost = "plc.test";
    proxy.proxy.targetPort = 502;
    proxy.proxy.framingToServer = parseFrameSpec("modbus-tcp").value();
    proxy.proxy.toServer.lossPercent = 2.5;
    proxy.proxy.toServer.delay = std::chrono::milliseconds(20);
    proxy.proxy.toClient.splitBytes = 16;
    proxy.proxy.toClient.rateBytesPerSecond = 9600;
    proxy.proxy.seed = 42;
    std::vector<Rule> rules;
    rules.push_back(parseRule("c2s:hex:?? ?? 00 00 00 06 ?? 06 => drop", PayloadSyntax::Text).value());
    rules.push_back(parseRule("s2c:prefix:x => rewrite:y{crc16/modbus}", PayloadSyntax::Text).value());
    rules.back().enabled = false;
    proxy.proxy.rules = RuleSet(std::move(rules));
    ws.sessions.push_back(proxy);
    auto parsed = parseWorkspace(serializeWorkspace(ws));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_TRUE(parsed.value().sessions == ws.sessions) << serializeWorkspace(ws);
    EXPECT_EQ(refusal(withSession(R"({"kind":"proxy","targetHost":"h","targetPort":1,"toServer":{"lossPercent":5}})")),
              "sessions[0]: c>s: --loss needs messages to act on: add --frame (a TCP stream as read has none), or use --udp");
    EXPECT_EQ(refusal(withSession(R"({"kind":"proxy","targetHost":"h","targetPort":1,"udp":true,"toClient":{"reorderPercent":101}})")),
              "sessions[0].toClient.reorderPercent: 101 is not a percentage (0 to 100)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"proxy"})")), "sessions[0]: --to needs HOST:PORT (the target the clients are relayed to)");
    EXPECT_EQ(refusal(withSession(R"({"kind":"proxy","targetHost":"h","targetPort":1,"udp":true,"rules":["exact:a => drop","exact:b => close"]})")),
              "sessions[0].rules[1]: close at column 12: a UDP proxy's clients have no connection to close");
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-server","reply":{"rules":["c2s:exact:a => reply:b"]}})")),
              "sessions[0].reply.rules[0]: c2s: at column 1: only a proxy has directions");
}

TEST(Workspace, HostileShapesAreRefused) {
    EXPECT_EQ(refusal(std::string(100, '[') + std::string(100, ']')), "nesting deeper than 32 levels at column 33");
    const std::string huge(300 * 1024, 'a');
    EXPECT_EQ(refusal(withSession(R"({"kind":"tcp-client","port":1,"host":")" + huge + "\"}")),
              "sessions[0].host: string of 307200 bytes is longer than the 262144 allowed");
    std::string many = R"({"format":"socketeer-workspace","version":1,"sessions":[)";
    for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"kind":"udp"})";
    EXPECT_EQ(refusal(many + "]}"), "sessions: 1001 sessions is more than the 1000 allowed");
    WorkspaceLimits tiny;
    tiny.maxFileBytes = 10;
    EXPECT_EQ(parseWorkspace(withSession(""), tiny).error().describe(), "workspace of 58 bytes is larger than the 10 allowed");
}

TEST(Workspace, SyntaxErrorsHaveLineAndColumn) {
    EXPECT_EQ(refusal("{\n  \"format\": \"socketeer-workspace\",\n  \"version\": 1,,\n}"),
              "invalid JSON: syntax error while parsing object key - unexpected ','; expected string literal at line 3, column 16");
    EXPECT_EQ(refusal(R"({"format":"other","version":1})"),
              "format: expected \"socketeer-workspace\" (is this a Socketeer workspace?)");
    EXPECT_EQ(refusal(R"({"format":"socketeer-workspace","version":2})"),
              "version: 2 is newer than this Socketeer understands (1)");
    EXPECT_EQ(refusal(R"([1,2])"), "a workspace is a JSON object");
}

TEST(SessionSpec, SameSessionComparesWhatTheSessionIsBuiltFrom) {
    const Workspace ws = sample();
    SessionSpec renamed = ws.sessions[0];
    renamed.name = "another name";
    renamed.openOnLoad = !renamed.openOnLoad;
    EXPECT_TRUE(renamed.sameSession(ws.sessions[0]));
    EXPECT_FALSE(renamed == ws.sessions[0]);
    SessionSpec otherPort = ws.sessions[0];
    otherPort.tcpServer.port = 5001;
    EXPECT_FALSE(otherPort.sameSession(ws.sessions[0]));
    SessionSpec otherCidr = ws.sessions[0];
    otherCidr.tcpServer.allowList.push_back(Cidr::parse("10.0.0.0/8").value());
    EXPECT_FALSE(otherCidr.sameSession(ws.sessions[0]));
    SessionSpec otherTcpClient = ws.sessions[0]; // a field of a kind the spec is not: not part of the session
    otherTcpClient.tcpClient.port = 1;
    EXPECT_TRUE(otherTcpClient.sameSession(ws.sessions[0]));
}

TEST(Workspace, MakeSessionBuildsTheRightKind) {
    const Workspace ws = sample();
    for (const auto& spec : ws.sessions) {
        auto session = makeSession(spec);
        ASSERT_NE(session, nullptr);
        EXPECT_EQ(session->kind(), spec.kind);
        EXPECT_EQ(session->state(), SessionState::Closed);
    }
}

TEST(Workspace, NumbersTooLargeForADoubleAreRefusedNotThrown) {
    // Found by the workspace_loader fuzzer: nlohmann reports this as out_of_range, which used to escape.
    EXPECT_EQ(refusal(R"({"format":"socketeer-workspace","version":1e999})"),
              "invalid JSON: number overflow parsing '1e999'");
}

namespace {

/// A fresh directory for one test's files, removed with everything in it.
struct ScratchDirectory {
    std::filesystem::path path;
    explicit ScratchDirectory(const std::string& name)
        : path(std::filesystem::temp_directory_path() / ("socketeer-ws-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path); }
    std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path), {}));
    }
};

} // namespace

TEST(WorkspaceFile, SavesAtomicallyAndLoadsBack) {
    ScratchDirectory dir("save");
    const std::string path = (dir.path / "w.json").string();
    ASSERT_EQ(saveWorkspaceFile(path, sample(), false), "");
    auto loaded = loadWorkspaceFile(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_TRUE(loaded.value().sessions == sample().sessions);
    EXPECT_EQ(dir.entries(), 1u) << "a temporary file was left behind";
    EXPECT_NE(saveWorkspaceFile(path, sample(), false).find("already exists"), std::string::npos);
    EXPECT_EQ(saveWorkspaceFile(path, sample(), true), "");
    EXPECT_EQ(dir.entries(), 1u);
}

TEST(WorkspaceFile, AnEmptyPathIsRefusedAndWritesNothing) {
    ScratchDirectory dir("empty");
    const auto previous = std::filesystem::current_path();
    std::filesystem::current_path(dir.path);
    const std::string result = saveWorkspaceFile("", sample(), true);
    std::filesystem::current_path(previous);
    EXPECT_EQ(result, "no file name given for the workspace");
    EXPECT_EQ(dir.entries(), 0u) << "something (a '.tmp') was written for an empty path";
}

TEST(WorkspaceFile, AFailedReplaceRemovesItsTemporaryAndLeavesOtherFilesAlone) {
    ScratchDirectory dir("replace");
    // The target is a directory: the rename of the finished temporary over it fails.
    const std::string path = (dir.path / "w.json").string();
    std::filesystem::create_directory(path);
    std::filesystem::create_directory(path + "/inside"); // not empty, so nothing may replace it
    // Someone's own file with the temporary's first name is not touched either.
    std::ofstream(path + ".tmp") << "mine";
    const std::string result = saveWorkspaceFile(path, sample(), true);
    EXPECT_TRUE(result.starts_with("cannot replace workspace '" + path + "': ")) << result;
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp1")) << "the temporary was left behind";
    std::ifstream mine(path + ".tmp");
    std::string text;
    mine >> text;
    EXPECT_EQ(text, "mine");
    EXPECT_EQ(dir.entries(), 2u);
}

TEST(WorkspaceRules, RulesRoundTripAsWrittenAndABadOneIsNamedWithItsIndexAndColumn) {
    const std::string text = R"({"format":"socketeer-workspace","version":1,"sessions":[
        {"kind":"tcp-server","name":"slave","port":0,"reply":{"mode":"echo","rules":[
            "prefix:PING => reply:PONG\\n",
            {"rule":"hex:01 03 ?? ?? 00 02 => reply:01 03 04 00 2a 00 2b {crc16/modbus}","hex":true}]}}]})";
    auto loaded = parseWorkspace(text);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    const RuleSet& rules = loaded.value().sessions.at(0).tcpServer.autoReply.rules;
    ASSERT_EQ(rules.rules().size(), 2u);
    EXPECT_EQ(rules.rules()[0].source, "prefix:PING => reply:PONG\\n");
    EXPECT_EQ(rules.rules()[1].syntax, PayloadSyntax::Hex);
    auto again = parseWorkspace(serializeWorkspace(loaded.value()));
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again.value().sessions.at(0).tcpServer.autoReply.rules, rules) << "the same rules, in the same syntax";

    const std::string bad = R"({"format":"socketeer-workspace","version":1,"sessions":[
        {"kind":"tcp-client","name":"c","port":9,"reply":{"rules":["exact:a => close","exact:b => clsoe"]}}]})";
    auto refused = parseWorkspace(bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().describe(), "sessions[0].reply.rules[1]: unknown action 'clsoe' (actions: reply, delay, "
                                          "close, ignore, state, continue; in a proxy also rewrite, drop) at column 12");
    auto udp = parseWorkspace(R"({"format":"socketeer-workspace","version":1,"sessions":[
        {"kind":"udp","name":"u","port":0,"reply":{"rules":["exact:a => reply:b; close"]}}]})");
    ASSERT_FALSE(udp);
    EXPECT_EQ(udp.error().describe(), "sessions[0].reply.rules[0]: close at column 21: a UDP socket has no connection to close");
}

namespace socketeer::core {
namespace {

std::string withSequences(const std::string& sequences) {
    return R"({"format":"socketeer-workspace","version":1,"sessions":[
        {"kind":"tcp-client","name":"plc","host":"127.0.0.1","port":502},{"kind":"udp","name":"sensor 2","port":0}],
        "sequences":)" + sequences + "}";
}

TEST(WorkspaceRules, ADisabledRuleKeepsItsPlaceMatchesNothingAndRoundTrips) {
    auto loaded = parseWorkspace(R"({"format":"socketeer-workspace","version":1,"sessions":[
        {"kind":"tcp-server","name":"s","port":0,"reply":{"rules":[{"rule":"prefix:a => reply:1","enabled":false},
                                                                  "prefix:a => reply:2"]}}]})");
    ASSERT_TRUE(loaded) << loaded.error().describe();
    const RuleSet& rules = loaded.value().sessions.at(0).tcpServer.autoReply.rules;
    ASSERT_EQ(rules.rules().size(), 2u);
    EXPECT_FALSE(rules.rules()[0].enabled);
    const auto hits = rules.match(toBytes("abc"), {});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].index, 1u) << "the disabled rule keeps number 1 and the second one answers";
    const std::string saved = serializeWorkspace(loaded.value());
    EXPECT_NE(saved.find(R"("enabled": false)"), std::string::npos) << saved;
    auto again = parseWorkspace(saved);
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again.value().sessions.at(0).tcpServer.autoReply.rules, rules);
}

TEST(WorkspaceSequences, RoundTripAsWrittenWithTheSyntaxOfEachStep) {
    auto loaded = parseWorkspace(withSequences(R"([
        {"name":"poll","hotkey":"Ctrl+F2","steps":["send plc PING\\r\\n",
            {"step":"expect plc hex:01 03 ?? within 500","hex":true}, "repeat 2 {", "  send \"sensor 2\" x", "}"]},
        {"name":"all hex","hex":true,"steps":["send plc 01 02 {crc16/modbus}"]}])"));
    ASSERT_TRUE(loaded) << loaded.error().describe();
    const auto& sequences = loaded.value().sequences;
    ASSERT_EQ(sequences.size(), 2u);
    EXPECT_EQ(sequences[0].name, "poll");
    EXPECT_EQ(sequences[0].hotkey, "Ctrl+F2");
    ASSERT_EQ(sequences[0].steps.size(), 5u);
    EXPECT_EQ(sequences[0].steps[0].syntax, PayloadSyntax::Text);
    EXPECT_EQ(sequences[0].steps[1].syntax, PayloadSyntax::Hex);
    EXPECT_EQ(sequences[0].steps[3].session, "sensor 2");
    EXPECT_EQ(sequences[1].steps[0].syntax, PayloadSyntax::Hex);
    const std::string saved = serializeWorkspace(loaded.value());
    auto again = parseWorkspace(saved);
    ASSERT_TRUE(again) << again.error().describe();
    ASSERT_EQ(again.value().sequences.size(), 2u);
    EXPECT_EQ(again.value().sequences[0].lines(), sequences[0].lines());
    EXPECT_EQ(again.value().sequences[1].lines(), sequences[1].lines());
    EXPECT_EQ(again.value().sequences[0].hotkey, "Ctrl+F2");
    EXPECT_NE(saved.find(R"("hex": true,)"), std::string::npos) << "the all-hex sequence says so once";

    Workspace none = loaded.value();
    none.sequences.clear();
    EXPECT_EQ(serializeWorkspace(none).find("sequences"), std::string::npos)
        << "no sequences, no key: older Socketeers still read the file";
}

TEST(WorkspaceSequences, BadSequencesAreRefusedNamingTheSequenceTheStepAndTheColumn) {
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","steps":["send plc x","expect plc prefx:OK within 5"]}])")),
              "sequences[0] (a): step 2: unknown matcher 'prefx' (matchers: exact, prefix, contains, suffix, hex, regex) at column 12");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","steps":["send pcl x"]}])")),
              "sequences[0] (a): step 1: no session named 'pcl' (sessions: plc, sensor 2)");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","steps":[]},{"name":"a","steps":[]}])")),
              "sequences[1].name: another sequence is named 'a'");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","hotkey":"F5","steps":[]}])")),
              "sequences[0].hotkey: 'F5' is not Ctrl+F1 ... Ctrl+F12");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","hotkey":"Ctrl+F5","steps":[]},{"name":"b","hotkey":"Ctrl+F5","steps":[]}])")),
              "sequences[1].hotkey: Ctrl+F5 already runs sequence 'a'");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","steps":[5]}])")),
              "sequences[0].steps[0]: expected a step: \"TEXT\" or {\"step\": \"TEXT\", \"hex\": true}");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","steps":[{"hex":true}]}])")),
              "sequences[0].steps[0]: a step object needs \"step\": its text");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","steps":["log a\nb"]}])")),
              "sequences[0] (a): step 1: a step is one line (a line break in it) at column 6");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"","steps":[]}])")), "sequences[0].name: a sequence needs a name");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a"}])")), "sequences[0].steps: missing (a list of steps, one per line)");
    EXPECT_EQ(refusal(withSequences(R"([{"name":"a","step":[]}])")),
              "sequences[0].step: unknown key (a typo, or a file from a newer Socketeer?)");
}

} // namespace
} // namespace socketeer::core
