// socketeer-cli --rule end to end: a Modbus/TCP slave a real pymodbus client reads, text rules that answer, fall
// through to --echo, close, wait without blocking others, and follow a handshake's states; UDP too; jsonl names the
// rule of each reply; a bad rule is refused with its number and column.
#include <gtest/gtest.h>

#include <asio/ip/udp.hpp>

#include <csignal>

#include "cli_command.hpp"
#include "process.hpp"
#include "raw_peer.hpp"

using socketeer::test::cli;
using socketeer::test::jsonLines;
using socketeer::test::Process;
using socketeer::test::RawPeer;
using socketeer::test::runProcess;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using namespace std::chrono_literals;

namespace {

/// The issue's example, as its users would type it.
const std::string ModbusSlaveRule =
    R"(regex:(?s)^(..)\x00\x00\x00\x06(.)\x03..\x00\x02$ => reply:{1} 00 00 {len:u16be} {2} 03 04 00 2a 00 2b)";

TEST(CliRules, AModbusTcpSlaveAnswersARealPymodbusClient) {
    Server server(tcpServer({"--frame", "modbus-tcp", "--hex", "--format", "jsonl", "--rule", ModbusSlaveRule}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    for (int unit : {1, 17}) {
        const auto read = runProcess({"/usr/bin/python3", std::string(SOCKETEER_TESTS_DIR) + "/interop/modbus_client.py",
                                      std::to_string(server.port), "0", "2", std::to_string(unit)},
                                     "", 30s);
        ASSERT_EQ(read.code, 0) << read.out << read.err;
        EXPECT_EQ(read.out, "{\"registers\": [42, 43]}\n") << "unit " << unit;
    }
    // Three registers: no rule matches, and the client hears nothing (pymodbus times out and says so).
    const auto three = runProcess({"/usr/bin/python3", std::string(SOCKETEER_TESTS_DIR) + "/interop/modbus_client.py",
                                   std::to_string(server.port), "0", "3", "1"},
                                  "", 30s);
    EXPECT_NE(three.code, 0) << three.out;
    server.process.signal(SIGTERM);
    server.process.wait();
    int replies = 0;
    for (const auto& line : jsonLines(server.process.stdoutText()))
        if (line.at("event") == "sent") {
            ++replies;
            EXPECT_EQ(line.at("rule"), 1) << line.dump();
            EXPECT_EQ(line.at("hex").get<std::string>().substr(4), "00000007" + std::string(line.at("hex").get<std::string>().substr(12, 2)) + "0304002a002b");
        }
    EXPECT_EQ(replies, 2);
}

TEST(CliRules, TextRulesAnswerFallThroughToEchoAndClose) {
    Server server(tcpServer({"--frame", "line", "--echo", "--format", "jsonl", "--rule", "prefix:PING => reply:PONG\\n",
                             "--rule", "contains:bye => reply:ciao\\n; close"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    RawPeer peer(server.port);
    peer.write("PING 1\n");
    EXPECT_EQ(peer.read(5), "PONG\n");
    peer.write("hello\n");
    EXPECT_EQ(peer.read(6), "hello\n") << "no rule matched: the echo answers";
    peer.write("well, bye then\n");
    EXPECT_EQ(peer.read(5), "ciao\n");
    EXPECT_TRUE(peer.closedByPeer()) << "the rule closed the connection after its reply";
    server.process.signal(SIGTERM);
    server.process.wait();
    std::vector<int> rules;
    for (const auto& line : jsonLines(server.process.stdoutText()))
        if (line.at("event") == "sent") rules.push_back(line.contains("rule") ? line.at("rule").get<int>() : 0);
    EXPECT_EQ(rules, (std::vector<int>{1, 0, 2})) << "the echo's sent event names no rule";
}

TEST(CliRules, ADelayedReplyDoesNotHoldUpTheNextMessage) {
    Server server(tcpServer({"--frame", "line", "--rule", "prefix:slow => delay:400; reply:late\\n",
                             "--rule", "prefix:fast => reply:quick\\n"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    RawPeer peer(server.port);
    peer.write("slow\nfast\n");
    EXPECT_EQ(peer.read(6), "quick\n") << "the delayed reply must not block the worker";
    EXPECT_EQ(peer.read(5), "late\n");
}

TEST(CliRules, StatesGateRulesForAHandshake) {
    Server server(tcpServer({"--frame", "line", "--rule", "prefix:LOGIN => reply:OK\\n; state:in",
                             "--rule", "when:in prefix:GET => reply:DATA\\n", "--rule", "prefix:GET => reply:DENIED\\n"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    RawPeer first(server.port);
    first.write("GET\n");
    EXPECT_EQ(first.read(7), "DENIED\n");
    first.write("LOGIN\nGET\n");
    EXPECT_EQ(first.read(8), "OK\nDATA\n");
    RawPeer second(server.port); // each connection has its own state
    second.write("GET\n");
    EXPECT_EQ(second.read(7), "DENIED\n");
}

TEST(CliRules, AUdpServerAnswersByRule) {
    Server server(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--rule", "exact:ping => reply:pong"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const auto client = runProcess(cli({"udp-client", "127.0.0.1", std::to_string(server.port), "--send", "ping",
                                        "--wait", "1000", "--count", "1", "--timeout", "10"}),
                                   "", 20s);
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "pong");
}

TEST(CliRules, ABadRuleIsRefusedWithItsNumberAndColumn) {
    const auto bad = runProcess(cli({"tcp-server", "--port", "0", "--rule", "prefix:a => close", "--rule", "prefix:b => clsoe"}));
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--rule 2 'prefix:b => clsoe': unknown action 'clsoe' (actions: reply, delay, close, ignore, "
                           "state, continue; in a proxy also rewrite, drop) at column 13"),
              std::string::npos)
        << bad.err;
    const auto udp = runProcess(cli({"udp-server", "--port", "0", "--rule", "exact:a => reply:b; close"}));
    EXPECT_EQ(udp.code, 2);
    EXPECT_NE(udp.err.find("--rule 1 'exact:a => reply:b; close': close at column 21: a UDP socket has no connection to close"),
              std::string::npos)
        << udp.err;
    const auto discard = runProcess(cli({"tcp-server", "--port", "0", "--discard", "--rule", "prefix:a => close"}));
    EXPECT_EQ(discard.code, 2);
    EXPECT_NE(discard.err.find("--discard never answers"), std::string::npos) << discard.err;
}

} // namespace

namespace {

/// How long a server takes from SIGTERM to its exit, with a client connected that sent `sent` and read `answer`.
std::chrono::nanoseconds stopTime(const std::vector<std::string>& rules, const std::string& sent, const std::string& answer) {
    std::vector<std::string> args = tcpServer({"--frame", "line"});
    for (const auto& rule : rules) {
        args.push_back("--rule");
        args.push_back(rule);
    }
    Server server(args);
    EXPECT_NE(server.port, 0) << server.process.stderrText();
    RawPeer peer(server.port);
    peer.write(sent);
    EXPECT_EQ(peer.read(answer.size()), answer);
    const auto start = std::chrono::steady_clock::now();
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait(10s), 0);
    return std::chrono::steady_clock::now() - start;
}

TEST(CliRules, ADelayedAnswerStillPendingDoesNotHoldUpTheStop) {
    // The same server and client, without and with a ten-minute answer pending (read after "later", before "now"):
    // the worker's loop would wait for that timer (Worker::stop gives up after 500 ms) unless closing cancels it.
    // Compared with the plain stop, not with a fixed time: a sanitizer build exits slowly either way.
    const auto plain = stopTime({"prefix:now => reply:ok\\n"}, "now\n", "ok\n");
    const auto pending = stopTime({"prefix:later => delay:600000; reply:never\\n", "prefix:now => reply:ok\\n"},
                                  "later\nnow\n", "ok\n");
    EXPECT_LT(pending, plain + 300ms) << "a pending delay: held up the stop (plain stop: "
                                      << std::chrono::duration_cast<std::chrono::milliseconds>(plain).count() << " ms)";
}

TEST(CliRules, AReplyAndACloseDueTogetherLeaveInTheirOrder) {
    Server server(tcpServer({"--frame", "line", "--rule", "prefix:bye => delay:50; reply:one\\n; reply:two\\n; close"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    RawPeer peer(server.port);
    peer.write("bye\n");
    EXPECT_EQ(peer.read(8), "one\ntwo\n");
    EXPECT_TRUE(peer.closedByPeer());
}

} // namespace
