// socketeer-cli --frame end to end: messages, not reads, in every output and count; bad specs named with their
// column; and a real Modbus/TCP server nobody here wrote (Debian's pymodbus), read through a relay that cuts its
// replies into pieces.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <csignal>
#include <fstream>
#include <sstream>

#include "socketeer/core/workspace/workspace.hpp"

#include "cli_command.hpp"
#include "impairment_relay.hpp"
#include "process.hpp"

using socketeer::test::cli;
using socketeer::test::jsonLines;
using socketeer::test::Process;
using socketeer::test::runProcess;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using namespace std::chrono_literals;

namespace {

std::vector<nlohmann::json> dataEvents(const std::string& out) {
    std::vector<nlohmann::json> data;
    for (auto& line : jsonLines(out))
        if (line.at("event") == "data") data.push_back(line);
    return data;
}

void writeTo(std::uint16_t port, const std::vector<std::string>& pieces, std::chrono::milliseconds gap = 50ms) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::address_v4::loopback(), port});
    for (const auto& piece : pieces) {
        asio::write(socket, asio::buffer(piece));
        std::this_thread::sleep_for(gap); // lets each piece arrive as its own read
    }
}

TEST(CliFraming, ServerCountsAndPrintsLinesWhateverTheWrites) {
    Server server(tcpServer({"--frame", "line", "--format", "jsonl", "--count", "3", "--timeout", "20"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    writeTo(server.port, {"alpha\nbe", "ta\ngamma\ndelta\n"});
    ASSERT_EQ(server.process.wait(), 0) << server.process.stderrText();
    const auto data = dataEvents(server.process.stdoutText());
    ASSERT_EQ(data.size(), 3u) << server.process.stdoutText() << "\n--count 3 prints exactly three messages";
    EXPECT_EQ(data[0].at("text"), "alpha\\n");
    EXPECT_EQ(data[1].at("text"), "beta\\n");
    EXPECT_EQ(data[2].at("text"), "gamma\\n");
    for (const auto& d : data) EXPECT_EQ(d.at("frame"), "ok");
}

TEST(CliFraming, HexOutputHasOneDumpPerMessageAndMarksThePartialOne) {
    Server server(tcpServer({"--frame", "len:1", "--format", "hex"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    writeTo(server.port, {std::string("\x02" "ab\x01", 4), std::string("c\x05" "de", 4)});
    ASSERT_TRUE(server.process.waitForStderr("closed (")) << server.process.stderrText();
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait(), 0);
    const std::string out = server.process.stdoutText();
    EXPECT_NE(out.find(" 3 bytes\n"), std::string::npos) << out;
    EXPECT_NE(out.find(" 2 bytes\n"), std::string::npos) << out;
    EXPECT_NE(out.find(" 3 bytes, partial message\n"), std::string::npos) << out;
}

TEST(CliFraming, TextOutputKeepsTheBytesAndSaysOnStderrWhatAMessageLacked) {
    Server server(tcpServer({"--frame", "line"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    writeTo(server.port, {"ab\nc"});
    ASSERT_TRUE(server.process.waitForStderr("closed (")) << server.process.stderrText();
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait(), 0);
    EXPECT_EQ(server.process.stdoutText(), "ab\nc") << "text output is the bytes as they came";
    EXPECT_NE(server.process.stderrText().find(": a message of 1 B, partial message\n"), std::string::npos)
        << server.process.stderrText();
}

TEST(CliFraming, BadSpecsAreUsageErrorsThatNameTheColumn) {
    auto bad = runProcess(cli({"tcp-server", "--port", "0", "--frame", "len:3be"}));
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--frame 'len:3be': a length field is 1, 2 or 4 bytes wide, not 3 at column 5"), std::string::npos) << bad.err;
    auto udp = runProcess(cli({"udp-server", "--port", "0", "--frame", "line"}));
    EXPECT_EQ(udp.code, 2);
    EXPECT_NE(udp.err.find("UDP datagrams are messages already"), std::string::npos) << udp.err;
    auto alone = runProcess(cli({"tcp-server", "--port", "0", "--max-frame", "100"}));
    EXPECT_EQ(alone.code, 2);
    EXPECT_NE(alone.err.find("--max-frame needs --frame"), std::string::npos) << alone.err;
    auto run = runProcess(cli({"run", "/nonexistent.json", "--frame", "line"}));
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("belong to each session in the workspace file"), std::string::npos) << run.err;
    auto tooSmall = runProcess(cli({"tcp-client", "127.0.0.1", "1", "--frame", "fixed:64", "--max-frame", "16"}));
    EXPECT_EQ(tooSmall.code, 2);
    EXPECT_NE(tooSmall.err.find("fixed:N needs 1 to 16 bytes"), std::string::npos) << tooSmall.err;
}

/// pymodbus's server as a process; its port from its first stderr line. It ends when its stdin closes.
struct ModbusServer {
    Process process{{"/usr/bin/python3", std::string(SOCKETEER_TESTS_DIR) + "/interop/modbus_server.py"}};
    std::uint16_t port = process.waitForListeningPort(20s);
};

TEST(CliFraming, ReadsRegistersFromPymodbusOneMessagePerReplyThroughSplitAndGluedWrites) {
    ModbusServer device;
    ASSERT_NE(device.port, 0) << "pymodbus did not start (python3-pymodbus, python3-serial-asyncio): "
                              << device.process.stderrText();
    // The replies come back through a relay that forwards them in pieces of 1 to 3 bytes. (Only the replies:
    // pymodbus 3.0's server drops a connection whose request arrives in pieces.)
    socketeer::test::Impairment cutUp;
    cutUp.maxChunk = 3;
    cutUp.towardsTarget = false;
    socketeer::test::TcpImpairmentRelay relay("127.0.0.1", device.port, cutUp);
    // Three read-holding-registers requests in one write (glued): transaction 1 reads 2 registers at 0, 2 reads 1
    // at 5, 3 reads 3 at 10.
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(relay.port()), "--hex", "--frame", "modbus-tcp",
                                  "--send", "0001 0000 0006 01 03 0000 0002  0002 0000 0006 01 03 0005 0001  "
                                            "0003 0000 0006 01 03 000a 0003",
                                  "--count", "3", "--format", "jsonl", "--timeout", "20"}),
                             {}, 30s);
    ASSERT_EQ(client.code, 0) << client.err;
    const auto data = dataEvents(client.out);
    ASSERT_EQ(data.size(), 3u) << client.out;
    EXPECT_EQ(data[0].at("hex"), "000100000007010304000a000b");
    EXPECT_EQ(data[1].at("hex"), "000200000005010302000f");
    EXPECT_EQ(data[2].at("hex"), "000300000009010306001400150016");
    for (const auto& d : data) EXPECT_EQ(d.at("frame"), "ok");
    EXPECT_GT(relay.pieces(), 6u) << "the relay did not cut the replies up";
    // The README's example: the MBAP header's transaction and length come from tokens.
    auto example = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(device.port), "--hex", "--send",
                                   "{counter:u16be} 00 00 {len:u16be} 01 03 00 00 00 02", "--frame", "modbus-tcp",
                                   "--count", "1", "--format", "jsonl", "--timeout", "20"}),
                              {}, 30s);
    ASSERT_EQ(example.code, 0) << example.err;
    const auto reply = dataEvents(example.out);
    ASSERT_EQ(reply.size(), 1u) << example.out;
    EXPECT_EQ(reply[0].at("hex"), "000100000007010304000a000b") << "transaction 1, two registers";
    device.process.closeStdin();
    EXPECT_EQ(device.process.wait(), 0) << device.process.stderrText();
}

TEST(CliPayload, ModbusRtuRequestLeavesWithItsCrcAndTheReceiverChecksIt) {
    Server server(socketeer::test::cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--check", "crc16/modbus",
                                        "--format", "jsonl", "--count", "2", "--timeout", "20"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const std::string port = std::to_string(server.port);
    auto good = runProcess(cli({"udp-client", "127.0.0.1", port, "--hex", "--send", "01 03 00 00 00 0a {crc16/modbus}"}));
    ASSERT_EQ(good.code, 0) << good.err;
    ASSERT_TRUE(server.process.waitForStdout("\"event\":\"data\""));
    auto bad = runProcess(cli({"udp-client", "127.0.0.1", port, "--hex", "--send", "01 03 00 00 00 0a c5 ce"}));
    ASSERT_EQ(bad.code, 0) << bad.err;
    ASSERT_EQ(server.process.wait(), 0) << server.process.stderrText();
    const auto data = dataEvents(server.process.stdoutText());
    ASSERT_EQ(data.size(), 2u) << server.process.stdoutText();
    EXPECT_EQ(data[0].at("hex"), "01030000000ac5cd");
    EXPECT_EQ(data[0].at("check"), "ok");
    EXPECT_EQ(data[1].at("check"), "bad");
}

TEST(CliPayload, TheCounterStepsOnceForEachSendOfARepeat) {
    Server server(tcpServer({"--format", "hex"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--hex", "--send",
                                  "aa {counter:u8}", "--repeat", "3", "--interval", "20", "--wait", "0"}));
    ASSERT_EQ(client.code, 0) << client.err;
    ASSERT_TRUE(server.process.waitForStderr("closed (")) << server.process.stderrText();
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait(), 0);
    std::string dumped;
    const std::string out = server.process.stdoutText();
    for (std::size_t at = out.find("aa 0"); at != std::string::npos; at = out.find("aa 0", at + 1)) dumped += out.substr(at, 5) + ";";
    EXPECT_EQ(dumped, "aa 01;aa 02;aa 03;") << out;
}

TEST(CliPayload, NIsTheNumberOfTheSendInTheRun) {
    Server server(tcpServer({}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "n={n};", "--repeat", "3",
                                  "--wait", "0"}));
    ASSERT_EQ(client.code, 0) << client.err;
    ASSERT_TRUE(server.process.waitForStdout("n=1;n=2;n=3;")) << server.process.stdoutText();
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait(), 0);
}

TEST(CliPayload, BadTokensAreUsageErrorsNamingTheColumn) {
    auto unknown = runProcess(cli({"udp-client", "127.0.0.1", "9", "--hex", "--send", "01 02 03 04 {crc99}"}));
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("--send '01 02 03 04 {crc99}': unknown checksum {crc99}"), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find("at column 13"), std::string::npos) << unknown.err;
    auto check = runProcess(cli({"udp-server", "--port", "0", "--check", "crc17"}));
    EXPECT_EQ(check.code, 2);
    EXPECT_NE(check.err.find("--check 'crc17': not a checksum (crc16/modbus, "), std::string::npos) << check.err;
}

TEST(WorkspaceDoc, TheDocumentedExampleLoadsAndItsModbusReadIsARealRequest) {
    std::ifstream in(std::string(SOCKETEER_TESTS_DIR) + "/../docs/WORKSPACE.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const std::size_t start = doc.find("```json\n");
    ASSERT_NE(start, std::string::npos) << "docs/WORKSPACE.md has no JSON example";
    const std::size_t end = doc.find("```", start + 8);
    auto workspace = socketeer::core::parseWorkspace(doc.substr(start + 8, end - start - 8));
    ASSERT_TRUE(workspace) << workspace.error().describe();
    ASSERT_EQ(workspace.value().payloads.size(), 1u);
    std::uint64_t counter = 0;
    socketeer::core::SendContext context;
    context.nextCounter = [&] { return ++counter; };
    const auto& read = workspace.value().payloads[0].payload;
    EXPECT_EQ(read.resolve(context).value(), (socketeer::core::Bytes{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0x0A}));
    EXPECT_EQ(read.resolve(context).value(), (socketeer::core::Bytes{0, 2, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0x0A}));
    // Its rules: one in text, one in hex.
    const auto& rules = workspace.value().sessions.at(0).tcpServer.autoReply.rules;
    ASSERT_EQ(rules.rules().size(), 2u);
    const socketeer::core::Bytes request{1, 3, 0, 0, 0, 2};
    const auto hits = rules.match(request, {});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].index, 1u);
    EXPECT_EQ(hits[0].rule->actions.at(0).reply->resolve({}).value(),
              (socketeer::core::Bytes{1, 3, 4, 0, 0x2a, 0, 0x2b, 0x9b, 0xe4})) << "a Modbus RTU reply with its CRC (low byte first)";
}

} // namespace

