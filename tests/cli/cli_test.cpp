// socketeer-cli end to end: the real binary as a process, against itself and (where installed) socat and nc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

#include "cli_command.hpp"
#include "hashing_receiver.hpp"
#include "process.hpp"

using socketeer::test::cli;
using socketeer::test::jsonLines;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using socketeer::test::Cli;
using socketeer::test::Process;
using socketeer::test::runProcess;
using namespace std::chrono_literals;

namespace {


std::string tempFile(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("socketeer-cli-" + std::to_string(::getpid()) + "-" + name)).string();
}

} // namespace

TEST(Cli, VersionAndHelp) {
    auto version = runProcess(cli({"--version"}));
    EXPECT_EQ(version.code, 0);
    EXPECT_TRUE(std::regex_match(version.out, std::regex(R"(socketeer-cli \d+\.\d+\.\d+ \(git ([0-9a-f]+|unknown)\)\n)"))) << version.out;
    auto help = runProcess(cli({"--help"}));
    EXPECT_EQ(help.code, 0);
    for (const char* command : {"tcp-server", "tcp-client", "udp-server", "udp-client", "run"})
        EXPECT_NE(help.out.find(command), std::string::npos) << command;
    auto serverHelp = runProcess(cli({"tcp-server", "--help"}));
    EXPECT_EQ(serverHelp.code, 0);
    EXPECT_NE(serverHelp.out.find("--max-clients"), std::string::npos) << serverHelp.out;
}

TEST(Cli, EchoServerAndClientSend) {
    Server server(tcpServer({"--echo"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "hello\\n"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "hello\n");
    EXPECT_NE(client.err.find("connected to 127.0.0.1:" + std::to_string(server.port)), std::string::npos) << client.err;
    ASSERT_TRUE(server.process.waitForStdout("hello\n"));
    server.process.signal(SIGINT);
    EXPECT_EQ(server.process.wait(), 0);
    EXPECT_NE(server.process.stderrText().find("accepted 127.0.0.1:"), std::string::npos);
}

TEST(Cli, InteractiveStdinGoesOutAndRepliesComeBack) {
    Server server(tcpServer({"--echo"}));
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port)}), "line one\nline two\n");
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "line one\nline two\n");
    EXPECT_NE(client.err.find("closed (peer closed): closed by peer"), std::string::npos) << client.err;
}

TEST(Cli, FixedReplyWithPlaceholders) {
    Server server(tcpServer({"--reply", "ack {n} to {peer}\\n"}));
    Process client(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--count", "2", "--timeout", "10"}));
    ASSERT_TRUE(client.waitForStderr("connected to"));
    client.writeStdin("a");
    ASSERT_TRUE(client.waitForStdout("ack 1"));
    client.writeStdin("b");
    EXPECT_EQ(client.wait(), 0) << client.stderrText();
    const std::string err = client.stderrText(); // the match points into it
    std::smatch match;
    ASSERT_TRUE(std::regex_search(err, match, std::regex(R"(from (127\.0\.0\.1:\d+))"))) << err;
    const std::string peer = match[1].str();
    EXPECT_EQ(client.stdoutText(), "ack 1 to " + peer + "\nack 2 to " + peer + "\n");
}

TEST(Cli, PrefixedEchoIsATimestampServer) {
    Server server(tcpServer({"--prefix", "[{time}] "}));
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "hello"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_TRUE(std::regex_match(client.out, std::regex(R"(\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}\] hello)"))) << client.out;
}

TEST(Cli, WelcomeAndCloseAfterReplyIsADatetimeServer) {
    Server server(tcpServer({"--welcome", "{time}\\n", "--close-after-reply"}));
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port)}), "");
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_TRUE(std::regex_match(client.out, std::regex(R"(\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}\n)"))) << client.out;
}

TEST(Cli, RelayIsAChatRoom) {
    Server server(tcpServer({"--relay"}));
    Process alice(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--count", "1", "--timeout", "10"}));
    ASSERT_TRUE(alice.waitForStderr("connected to"));
    ASSERT_TRUE(server.process.waitForStderr("accepted"));
    auto bob = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "hi all\\n", "--wait", "300"}));
    EXPECT_EQ(bob.code, 0) << bob.err;
    EXPECT_EQ(bob.out, "");
    EXPECT_EQ(alice.wait(), 0) << alice.stderrText();
    EXPECT_EQ(alice.stdoutText(), "hi all\n");
}

TEST(Cli, JsonLinesCarryEveryField) {
    Server server(tcpServer({"--echo", "--format", "jsonl"}));
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--format", "jsonl", "--hex",
                                  "--send", "00 41 ff 0a"}));
    ASSERT_EQ(client.code, 0) << client.err;
    const auto lines = jsonLines(client.out);
    std::vector<std::string> events;
    for (const auto& line : lines) events.push_back(line.at("event"));
    EXPECT_EQ(events, (std::vector<std::string>{"connecting", "connected", "sent", "data", "closed"})) << client.out;
    const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
    for (const auto& line : lines) {
        EXPECT_TRUE(std::regex_match(line.at("time").get<std::string>(), iso)) << line;
        EXPECT_EQ(line.at("peer"), "127.0.0.1:" + std::to_string(server.port)) << line;
    }
    const auto& data = lines[3];
    EXPECT_EQ(data.at("size"), 4);
    EXPECT_EQ(data.at("hex"), "0041ff0a");
    EXPECT_EQ(data.at("text"), "\\0A\\xFF\\n");
    EXPECT_EQ(lines[4].at("reason"), "peer closed");
    EXPECT_EQ(lines[4].at("rxBytes"), 4);

    server.process.signal(SIGTERM);
    ASSERT_EQ(server.process.wait(), 0);
    const auto serverLines = jsonLines(server.process.stdoutText());
    ASSERT_GE(serverLines.size(), 4u);
    EXPECT_EQ(serverLines[0].at("event"), "listening");
    EXPECT_EQ(serverLines[0].at("peer"), "127.0.0.1:" + std::to_string(server.port));
    EXPECT_EQ(serverLines[1].at("event"), "accepted");
    EXPECT_TRUE(std::regex_match(serverLines[1].at("peer").get<std::string>(), std::regex(R"(127\.0\.0\.1:\d+)")));
    EXPECT_EQ(serverLines[2].at("event"), "data");
    EXPECT_EQ(serverLines[3].at("event"), "sent");
}

TEST(Cli, HexFormatIsAnXxdDumpUnderAHeader) {
    Server server(tcpServer({"--echo"}));
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--format", "hex", "--send",
                                  "Hello, hex world\\x01"}));
    ASSERT_EQ(client.code, 0) << client.err;
    const std::regex expected(
        R"(\d{4}-\d\d-\d\dT[\d:.]+Z RX 127\.0\.0\.1:\d+ 17 bytes\n)"
        R"(00000000  48 65 6c 6c 6f 2c 20 68  65 78 20 77 6f 72 6c 64  Hello, hex world\n)"
        R"(00000010  01 {47} \.\n)");
    EXPECT_TRUE(std::regex_match(client.out, expected)) << client.out;
}

TEST(Cli, NetworkErrorsExitOneWithAMessage) {
    std::uint16_t closedPort = 0;
    {
        Server probe(tcpServer({}));
        closedPort = probe.port;
    }
    auto refused = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(closedPort), "--send", "x"}));
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("error: connect to 127.0.0.1:" + std::to_string(closedPort) + " failed: Connection refused"),
              std::string::npos)
        << refused.err;

    auto unknown = runProcess(cli({"tcp-client", "no-such-host.invalid", "80", "--send", "x"}));
    EXPECT_EQ(unknown.code, 1);
    EXPECT_NE(unknown.err.find("cannot resolve host 'no-such-host.invalid'"), std::string::npos) << unknown.err;

    Server holder(tcpServer({}));
    auto inUse = runProcess(cli({"tcp-server", "--bind", "127.0.0.1", "--port", std::to_string(holder.port)}));
    EXPECT_EQ(inUse.code, 1);
    EXPECT_NE(inUse.err.find("cannot listen on 127.0.0.1:" + std::to_string(holder.port) + ": Address already in use"),
              std::string::npos)
        << inUse.err;

    auto udpPortZero = runProcess(cli({"udp-client", "127.0.0.1", "0", "--send", "x"}));
    EXPECT_EQ(udpPortZero.code, 1);
    EXPECT_NE(udpPortZero.err.find("error: sending 1 bytes to 127.0.0.1:0 failed: "), std::string::npos) << udpPortZero.err;

    auto udpUnknown = runProcess(cli({"udp-client", "no-such-host.invalid", "9", "--send", "x"}));
    EXPECT_EQ(udpUnknown.code, 1);
    EXPECT_NE(udpUnknown.err.find("cannot resolve host 'no-such-host.invalid'"), std::string::npos) << udpUnknown.err;
}

TEST(Cli, BadInputExitsTwoWithTheProblemNamed) {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {cli({"tcp-client", "127.0.0.1", "9", "--hex", "--send", "0A 1G"}), "--send '0A 1G': bad hex digit 'G' at column 5"},
        {cli({"tcp-client", "127.0.0.1", "9", "--hex", "--send", "486"}), "odd number of hex digits in '486' at column 1"},
        {cli({"tcp-client", "127.0.0.1", "99999"}), "PORT: port '99999' is out of range (0-65535)"},
        {cli({"tcp-server", "--port", "http"}), "--port: port 'http' is not a number"},
        {cli({"tcp-client", "127.0.0.1"}), "PORT is required"},
        {cli({"tcp-server"}), "--port is required"},
        {cli({"udp-client", "127.0.0.1", "9", "--send", "bad \\q"}), "unknown escape '\\q'"},
        {cli({"tcp-server", "--port", "0", "--allow", "10.1.2.3/8"}), "did you mean 10.0.0.0/8?"},
        {cli({"tcp-server", "--port", "0", "--echo", "--reply", "x"}), "--echo, --reply and --prefix exclude each other"},
        {cli({"tcp-client", "127.0.0.1", "9", "--send", "@/no/such/file"}), "--send '@/no/such/file': cannot read the file"},
        {cli({"frobnicate"}), "socketeer-cli: "},
        {cli({"run", "/no/such/workspace.json"}), "cannot read workspace '/no/such/workspace.json'"},
        {cli({"run", "/dev/zero"}), "workspace '/dev/zero' is not a regular file"},
        {cli({"tcp-client", "127.0.0.1", "9", "--send", "@/dev/zero"}), "--send '@/dev/zero': not a regular file"},
    };
    for (const auto& c : cases) {
        auto result = runProcess(c.args);
        EXPECT_EQ(result.code, 2) << c.message << "\n" << result.err;
        EXPECT_NE(result.err.find(c.message), std::string::npos) << "expected: " << c.message << "\ngot: " << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    }
}

TEST(Cli, TimeoutBeforeCountExitsThree) {
    auto result = runProcess(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--count", "1", "--timeout", "0.3"}));
    EXPECT_EQ(result.code, 3) << result.err;
    auto plain = runProcess(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--timeout", "0.2"}));
    EXPECT_EQ(plain.code, 0) << plain.err;
}

TEST(Cli, CountPrintsExactlyThatManyDataEvents) {
    Server server(std::vector<std::string>(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--count", "2",
                                                "--format", "jsonl", "--timeout", "10"})));
    auto client = runProcess(cli({"udp-client", "127.0.0.1", std::to_string(server.port), "--send", "1", "--send", "2",
                                  "--send", "3"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(server.process.wait(), 0);
    std::size_t data = 0;
    for (const auto& line : jsonLines(server.process.stdoutText())) data += line.at("event") == "data" ? 1 : 0;
    EXPECT_EQ(data, 2u);
}

TEST(Cli, UdpServerEchoesAndUdpClientSendsLinesFromStdin) {
    Server server(std::vector<std::string>(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--echo"})));
    ASSERT_NE(server.port, 0);
    auto client = runProcess(cli({"udp-client", "127.0.0.1", std::to_string(server.port), "--count", "2", "--timeout", "10"}),
                             "one\ntwo\n");
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "one\ntwo\n");
    EXPECT_NE(client.err.find("bound to 0.0.0.0:"), std::string::npos) << client.err;
}

TEST(Cli, RepeatWithIntervalSendsEveryCopy) {
    Server server(std::vector<std::string>(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--count", "10"})));
    auto client = runProcess(cli({"udp-client", "127.0.0.1", std::to_string(server.port), "--send", "x", "--repeat",
                                  "10", "--interval", "5"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(server.process.wait(), 0);
    EXPECT_EQ(server.process.stdoutText(), "xxxxxxxxxx");
}

TEST(Cli, MulticastGroupOnLoopback) {
    Server server(std::vector<std::string>(cli({"udp-server", "--port", "0", "--group", "239.255.77.7", "--iface",
                                                "127.0.0.1", "--count", "1", "--timeout", "10"})));
    ASSERT_TRUE(server.process.waitForStderr("joined multicast group 239.255.77.7 on interface 127.0.0.1"))
        << server.process.stderrText();
    auto client = runProcess(cli({"udp-client", "239.255.77.7", std::to_string(server.port), "--iface", "127.0.0.1",
                                  "--send", "group hello"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(server.process.wait(), 0) << server.process.stderrText();
    EXPECT_EQ(server.process.stdoutText(), "group hello");
}

TEST(Cli, IPv6EndToEnd) {
    Server server(tcpServer({"--echo"}, "::1"));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    EXPECT_NE(server.process.stderrText().find("listening on [::1]:"), std::string::npos);
    auto client = runProcess(cli({"tcp-client", "::1", std::to_string(server.port), "--send", "six", "--format", "jsonl"}));
    ASSERT_EQ(client.code, 0) << client.err;
    const auto lines = jsonLines(client.out);
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines[1].at("peer"), "[::1]:" + std::to_string(server.port));
    EXPECT_TRUE(std::regex_match(lines[1].at("local").get<std::string>(), std::regex(R"(\[::1\]:\d+)")));
}

TEST(Cli, SigtermFlushesTheCaptureAndExitsZero) {
    const std::string capture = tempFile("capture.raw");
    std::filesystem::remove(capture);
    Server server(tcpServer({"--capture", capture}));
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "captured bytes",
                                  "--wait", "100"}));
    EXPECT_EQ(client.code, 0) << client.err;
    ASSERT_TRUE(server.process.waitForStdout("captured bytes"));
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait(), 0);
    std::ifstream in(capture, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "captured bytes");
    // Without --force an existing capture file is kept.
    auto refused = runProcess(tcpServer({"--capture", capture}));
    EXPECT_EQ(refused.code, 2);
    EXPECT_NE(refused.err.find("already exists"), std::string::npos) << refused.err;
    std::filesystem::remove(capture);
}

TEST(Cli, RunOpensEveryWorkspaceSession) {
    const std::string path = tempFile("workspace.json");
    {
        std::ofstream out(path);
        out << R"({"format":"socketeer-workspace","version":1,"sessions":[
            {"kind":"tcp-server","name":"echo","bindAddress":"127.0.0.1","port":0,"reply":{"mode":"echo"}},
            {"kind":"udp","name":"sink","bindAddress":"127.0.0.1","port":0},
            {"kind":"tcp-client","name":"skipped","host":"127.0.0.1","port":9,"openOnLoad":false}]})";
    }
    Process run(cli({"run", path, "--format", "jsonl"}));
    ASSERT_TRUE(run.waitForStdout("\"session\":\"sink\""));
    ASSERT_TRUE(run.waitForStdout("\"session\":\"echo\""));
    std::map<std::string, std::uint16_t> ports;
    for (const auto& line : jsonLines(run.stdoutText())) {
        ASSERT_EQ(line.at("event"), "listening");
        const std::string peer = line.at("peer");
        ports[line.at("session")] = static_cast<std::uint16_t>(std::stoi(peer.substr(peer.rfind(':') + 1)));
    }
    ASSERT_EQ(ports.size(), 2u);
    auto tcp = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(ports["echo"]), "--send", "via workspace"}));
    EXPECT_EQ(tcp.out, "via workspace");
    auto udp = runProcess(cli({"udp-client", "127.0.0.1", std::to_string(ports["sink"]), "--send", "datagram"}));
    EXPECT_EQ(udp.code, 0);
    ASSERT_TRUE(run.waitForStdout("\"text\":\"datagram\""));
    run.signal(SIGINT);
    EXPECT_EQ(run.wait(), 0);
    EXPECT_EQ(run.stdoutText().find("skipped"), std::string::npos);
    std::filesystem::remove(path);

    std::ofstream(path) << R"({"format":"socketeer-workspace","version":1,"sessions":[{"kind":"tcp-server","port":99999}]})";
    auto bad = runProcess(cli({"run", path}));
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("sessions[0].port: 99999 is out of range (0-65535)"), std::string::npos) << bad.err;
    std::filesystem::remove(path);
}

TEST(Cli, WorksWithSocatAndNetcatAsPeers) {
    if (!socketeer::test::haveProgram("socat") && !socketeer::test::haveProgram("nc"))
        GTEST_SKIP() << "neither socat nor nc is installed";
    Server server(tcpServer({"--echo"}));
    if (socketeer::test::haveProgram("socat")) {
        auto socat = runProcess({"/bin/sh", "-c", "printf 'via socat' | socat - TCP:127.0.0.1:" + std::to_string(server.port)});
        EXPECT_EQ(socat.code, 0) << socat.err;
        EXPECT_EQ(socat.out, "via socat");
    }
    if (socketeer::test::haveProgram("nc")) {
        auto nc = runProcess({"/bin/sh", "-c", "printf 'via nc' | nc -N 127.0.0.1 " + std::to_string(server.port)});
        EXPECT_EQ(nc.code, 0) << nc.err;
        EXPECT_EQ(nc.out, "via nc");
    }
}

TEST(Cli, SendAtFileStreamsItWholeAndInOrderWithoutReadingItIntoMemory) {
    // 24 MiB: past the 16 MiB send budget, so it must go out as the connection drains. The server prints every byte.
    const std::string path = tempFile("stream.bin");
    std::string content(24u << 20, '\0');
    for (std::size_t i = 0; i < content.size(); ++i)
        content[i] = static_cast<char>(((i & 0xFFFF) * 2654435761u >> 11) ^ (i >> 16));
    std::ofstream(path, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
    Server server(tcpServer({}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "@" + path, "--send",
                                  "and the end\\n", "--wait", "200"}),
                             {}, 60s);
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.err.find("error"), std::string::npos) << client.err;
    ASSERT_TRUE(server.process.waitForStdout("and the end\n", 30s)) << server.process.stdoutText().size();
    EXPECT_TRUE(server.process.stdoutText() == content + "and the end\n")
        << server.process.stdoutText().size() << " bytes arrived of " << content.size() + 12;
    server.process.signal(SIGINT);
    EXPECT_EQ(server.process.wait(), 0);
    std::filesystem::remove(path);
}

TEST(Cli, SendAtFileThatVanishedIsAnErrorNamingIt) {
    const std::string path = tempFile("vanishing.bin");
    std::ofstream(path) << "x";
    Server server(tcpServer({}));
    // Checked when the command line is read: a missing file is bad usage before any socket opens.
    std::filesystem::remove(path);
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "@" + path}));
    EXPECT_EQ(client.code, 2);
    EXPECT_NE(client.err.find("--send '@" + path + "': cannot read the file"), std::string::npos) << client.err;
    server.process.signal(SIGINT);
    server.process.wait();
}

TEST(Cli, AGibibyteFileSentWithSendAtPathArrivesWithItsSha256) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    constexpr std::uint64_t Size = 64ull << 20; // less under the sanitizers, which look for races and misuse, not volume
#else
    constexpr std::uint64_t Size = 1ull << 30;
#endif
    const std::string path = tempFile("gib.bin");
    struct RemoveAtExit {
        std::string path;
        ~RemoveAtExit() { std::filesystem::remove(path); }
    } removeFile{path};
    const std::string sent = socketeer::test::writePatternFile(path, Size, 11);
    ASSERT_FALSE(sent.empty());
    socketeer::test::HashingReceiver receiver;
    ASSERT_NE(receiver.port(), 0);
    auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(receiver.port()), "--send", "@" + path,
                                  "--wait", "0"}),
                             {}, 120s);
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(receiver.digestAfter(Size, 60s), sent) << receiver.received() << " of " << Size << " bytes arrived";
}
