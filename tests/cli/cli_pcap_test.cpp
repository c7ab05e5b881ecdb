// socketeer-cli --pcap: what tshark (Debian's, nobody here wrote it) reads from the files every session kind writes —
// the TCP stream byte for byte both ways, checksums that verify, no analysis warning, IPv6 UDP field by field,
// handshakes and closes, notices and rule replies as comments, a live stream on stdout, and a file cut short.
#include <gtest/gtest.h>

#include <csignal>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_command.hpp"
#include "socketeer/core/capture/pcapng_reader.hpp"
#include "socketeer/core/tls/tls_settings.hpp"
#include "process.hpp"
#include "random_bytes.hpp"
#include "wait.hpp"

namespace {

using socketeer::test::cli;
using socketeer::test::Process;
using socketeer::test::runProcess;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using namespace std::chrono_literals;

const std::string Tshark = "/usr/bin/tshark";

std::string tempPath(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("socketeer-pcap-" + std::to_string(::getpid()) + "-" + name)).string();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// tshark's stderr without its note about running as root.
std::string tsharkComplaints(const std::string& err) {
    std::istringstream lines(err);
    std::string line, rest;
    while (std::getline(lines, line))
        if (line.find("Running as user") == std::string::npos && !line.empty()) rest += line + "\n";
    return rest;
}

/// Runs tshark on a file with every checksum verified; fails the test on anything it says on stderr.
std::string tshark(const std::string& file, std::vector<std::string> args) {
    std::vector<std::string> command{Tshark, "-r", file, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                                     "-o", "udp.check_checksum:TRUE"};
    command.insert(command.end(), args.begin(), args.end());
    const auto run = runProcess(command, "", 30s);
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(tsharkComplaints(run.err), "") << "tshark warned about " << file;
    return run.out;
}

/// `tshark -z follow,tcp,raw,N`: the bytes each node sent (node 0's lines start at column 0, node 1's with a tab).
std::pair<std::string, std::string> followTcp(const std::string& file, int stream) {
    const std::string text = tshark(file, {"-q", "-z", "follow,tcp,raw," + std::to_string(stream)});
    std::pair<std::string, std::string> sent;
    std::istringstream lines(text);
    std::string line;
    bool inBody = false;
    while (std::getline(lines, line)) {
        if (line.rfind("Node 1:", 0) == 0) {
            inBody = true;
            continue;
        }
        if (!inBody || line.rfind("====", 0) == 0 || line.empty()) continue;
        const bool second = line[0] == '\t';
        std::string& into = second ? sent.second : sent.first;
        for (std::size_t i = second ? 1 : 0; i + 1 < line.size(); i += 2)
            into.push_back(static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16)));
    }
    return sent;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

class CliPcap : public ::testing::Test {
protected:
    void SetUp() override {
        if (!socketeer::test::haveProgram("tshark")) GTEST_SKIP() << "tshark is not installed";
    }
    void TearDown() override {
        for (const auto& path : m_files) std::filesystem::remove(path);
    }
    std::string file(const std::string& name) {
        m_files.push_back(tempPath(name));
        std::filesystem::remove(m_files.back());
        return m_files.back();
    }

private:
    std::vector<std::string> m_files;
};

TEST_F(CliPcap, TsharkFollowsTheTcpStreamByteForByteBothWaysWithoutAWarning) {
    const auto bytes = socketeer::test::randomBytes(300'000, 12345); // several 64 KiB segments each way
    const std::string payload(bytes.begin(), bytes.end());
    const std::string source = file("payload.bin");
    std::ofstream(source, std::ios::binary) << payload;
    const std::string serverPcap = file("server.pcapng"), clientPcap = file("client.pcapng");
    Server server(tcpServer({"--echo", "--pcap", serverPcap}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "@" + source,
                                        "--wait", "500", "--pcap", clientPcap, "-q"}), "", 30s);
    ASSERT_EQ(client.code, 0) << client.err;
    ASSERT_EQ(client.out.size(), payload.size());
    server.process.signal(SIGINT);
    ASSERT_EQ(server.process.wait(), 0) << server.process.stderrText();

    for (const auto& capture : {clientPcap, serverPcap}) {
        const auto [fromClient, fromServer] = followTcp(capture, 0);
        EXPECT_EQ(fromClient.size(), payload.size()) << capture;
        EXPECT_TRUE(fromClient == payload) << capture;
        EXPECT_TRUE(fromServer == payload) << capture;
        // No bad checksum and no TCP analysis note (window full, lost segment, retransmission...) anywhere.
        EXPECT_EQ(tshark(capture, {"-Y", "tcp.checksum.status == 0 || ip.checksum.status == 0 || tcp.analysis.flags"}), "")
            << capture;
    }
    // The server saw the client open and close: SYN from the client's port, SYN-ACK, ACK ... FIN both ways.
    const auto flags = splitLines(tshark(serverPcap, {"-Y", "tcp.len == 0", "-T", "fields", "-e", "tcp.dstport",
                                                      "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.flags.fin"}));
    const std::string port = std::to_string(server.port);
    ASSERT_EQ(flags.size(), 6u);
    EXPECT_EQ(flags[0], port + "\t1\t0\t0");
    EXPECT_EQ(flags[1].substr(flags[1].find('\t')), "\t1\t1\t0");
    EXPECT_EQ(flags[2], port + "\t0\t1\t0");
    EXPECT_EQ(flags[3], port + "\t0\t1\t1") << "the client closed first";
    EXPECT_EQ(flags[4].substr(flags[4].find('\t')), "\t0\t1\t1");
    EXPECT_EQ(flags[5], port + "\t0\t1\t0");
}

TEST_F(CliPcap, Ipv6UdpDatagramsAreCheckedFieldByField) {
    const std::string capture = file("udp6.pcapng");
    Process server(cli({"udp-server", "--bind", "::1", "--port", "0", "--echo", "--count", "2", "--pcap", capture}));
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    const auto text = runProcess(cli({"udp-client", "::1", std::to_string(port), "--send", "one", "--wait", "300", "-q"}));
    ASSERT_EQ(text.code, 0) << text.err;
    const auto hex = runProcess(cli({"udp-client", "::1", std::to_string(port), "--send", "0203", "--hex", "--wait", "300", "-q"}));
    ASSERT_EQ(hex.code, 0) << hex.err;
    ASSERT_EQ(server.wait(), 0) << server.stderrText();
    const auto rows = splitLines(tshark(capture, {"-Y", "udp", "-T", "fields", "-e", "ipv6.src", "-e", "ipv6.dst", "-e",
                                                  "udp.dstport", "-e", "data.data", "-e", "udp.checksum.status"}));
    ASSERT_EQ(rows.size(), 4u) << "two received, two echoed";
    const std::string p = std::to_string(port);
    EXPECT_EQ(rows[0], "::1\t::1\t" + p + "\t6f6e65\t1") << "received \"one\", checksum good (1)";
    EXPECT_EQ(rows[1].rfind("::1\t::1\t", 0), 0u) << rows[1];
    EXPECT_NE(rows[1].find("\t6f6e65\t1"), std::string::npos) << "echoed to the client's port: " << rows[1];
    EXPECT_EQ(rows[2], "::1\t::1\t" + p + "\t0203\t1");
}

TEST_F(CliPcap, NoticesAndRuleRepliesBecomeCommentsAndTheProxyWritesItsClientsSide) {
    const std::string device = file("device.pcapng"), relay = file("proxy.pcapng");
    Server server(tcpServer({"--rule", "exact:ping => reply:pong", "--pcap", device}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    Server proxy(socketeer::test::proxyTo(server.port, {"--pcap", relay}));
    ASSERT_NE(proxy.port, 0) << proxy.process.stderrText();
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(proxy.port), "--send", "ping", "--count", "1", "-q"}));
    ASSERT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "pong");
    proxy.process.signal(SIGINT);
    server.process.signal(SIGINT);
    ASSERT_EQ(proxy.process.wait(), 0) << proxy.process.stderrText();
    ASSERT_EQ(server.process.wait(), 0) << server.process.stderrText();

    const auto replies = splitLines(tshark(device, {"-Y", "tcp.len > 0 && frame.comment", "-T", "fields", "-e", "frame.comment", "-e", "data.data"}));
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0], "the reply of match rule 1\t706f6e67");
    const auto notices = tshark(device, {"-Y", "syslog", "-T", "fields", "-e", "syslog.msg"});
    EXPECT_EQ(notices.rfind("listening on 127.0.0.1:" + std::to_string(server.port) + "\n", 0), 0u) << notices;
    EXPECT_NE(notices.find("stopped listening"), std::string::npos) << notices;

    const auto [fromClient, fromProxy] = followTcp(relay, 0);
    EXPECT_EQ(fromClient, "ping");
    EXPECT_EQ(fromProxy, "pong");
}

TEST_F(CliPcap, OverTlsTheRecordsAreCapturedWithTheirKeysAndTsharkDecryptsThemInOnePass) {
    if (!socketeer::core::tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    const std::string capture = file("tls.pcapng");
    Server server(tcpServer({"--tls", "--echo", "--pcap", capture}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const std::string request = "GET /status HTTP/1.1\r\nHost: device\r\n\r\n";
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--tls", "--insecure",
                                        "--send", request, "--wait", "300", "-q"}));
    ASSERT_EQ(client.code, 0) << client.err;
    server.process.signal(SIGINT);
    ASSERT_EQ(server.process.wait(), 0) << server.process.stderrText();
    // The packets hold TLS records, not the plaintext; the keys travel in the file (no key log file given).
    const auto records = splitLines(tshark(capture, {"-Y", "tls.handshake.type == 1 || tls.handshake.type == 2", "-T",
                                                     "fields", "-e", "tls.handshake.type"}));
    // The client's hello, then the server's flight: its hello and, encrypted under TLS 1.3, encrypted extensions (8),
    // certificate (11), certificate verify (15) and finished (20) — readable only because the keys came first.
    EXPECT_EQ(records, (std::vector<std::string>{"1", "2,8,11,15,20"}));
    const std::string followed = tshark(capture, {"-q", "-z", "follow,tls,ascii,0"});
    EXPECT_EQ(socketeer::test::occurrences(followed, "GET /status HTTP/1.1"), 2u) << "the request and its echo, decrypted:\n" << followed;
    const std::string http = tshark(capture, {"-Y", "http.request.uri", "-T", "fields", "-e", "http.request.uri"});
    EXPECT_EQ(http, "/status\n/status\n") << "dissected as HTTP inside TLS";
}

TEST_F(CliPcap, PcapOnStdoutIsLiveAndIsAllThatStdoutCarries) {
    Server server(tcpServer({"--echo", "--pcap", "-"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "live bytes", "--count", "1", "-q"}));
    ASSERT_EQ(client.code, 0) << client.err;
    // Written while the session runs: the payload is on stdout before the server stops.
    ASSERT_TRUE(server.process.waitForStdout("live bytes", 10s)) << server.process.stderrText();
    const auto packetsSoFar = [&] {
        const std::string sofar = server.process.stdoutText();
        return socketeer::core::pcapng::readPcapng({reinterpret_cast<const std::uint8_t*>(sofar.data()), sofar.size()}).packets.size();
    };
    // The notice, the handshake, the bytes each way, the close: all out before the server stops.
    EXPECT_TRUE(socketeer::test::eventually([&] { return packetsSoFar() == 9; }, 10s)) << packetsSoFar();
    server.process.signal(SIGINT);
    ASSERT_EQ(server.process.wait(), 0) << server.process.stderrText();
    const std::string stream = server.process.stdoutText();
    const auto read = socketeer::core::pcapng::readPcapng({reinterpret_cast<const std::uint8_t*>(stream.data()), stream.size()});
    EXPECT_EQ(read.error, "") << "nothing but pcapng on stdout";
    EXPECT_EQ(read.application, "Socketeer");
    const auto viaPipe = runProcess({Tshark, "-r", "-", "-q", "-z", "follow,tcp,ascii,0"}, stream, 30s);
    EXPECT_EQ(viaPipe.code, 0) << viaPipe.err;
    EXPECT_EQ(socketeer::test::occurrences(viaPipe.out, "live bytes"), 2u) << viaPipe.out;
    EXPECT_NE(server.process.stderrText().find("capture saved: standard output"), std::string::npos);
}

TEST_F(CliPcap, AFileCutShortIsSaidToBeSoAndWhatCameBeforeStillReads) {
    const std::string capture = file("whole.pcapng"), cut = file("cut.pcapng");
    Server server(tcpServer({"--echo", "--pcap", capture}));
    ASSERT_NE(server.port, 0);
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(server.port), "--send", "abc", "--send", "defg",
                                        "--interval", "50", "--wait", "300", "-q"}));
    ASSERT_EQ(client.code, 0) << client.err;
    server.process.signal(SIGINT);
    ASSERT_EQ(server.process.wait(), 0);
    const std::string whole = readFile(capture);
    const auto all = splitLines(tshark(capture, {}));
    // Cut inside the last packet block (the "stopped listening" notice): tshark says so, and prints the rest.
    std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() - 10);
    const auto run = runProcess({Tshark, "-r", cut}, "", 30s);
    EXPECT_NE(run.err.find("cut short"), std::string::npos) << run.err;
    EXPECT_EQ(splitLines(run.out).size(), all.size() - 1);
    const auto read = socketeer::core::pcapng::readPcapng(
        {reinterpret_cast<const std::uint8_t*>(whole.data()), whole.size() - 10});
    EXPECT_NE(read.error.find("cut short"), std::string::npos) << read.error;
    EXPECT_EQ(read.packets.size(), all.size() - 1);
}

TEST(CliPcapOptions, ConflictsAreRefusedBeforeAnythingOpens) {
    const auto discard = runProcess(cli({"tcp-server", "--port", "0", "--discard", "--pcap", "x.pcapng"}));
    EXPECT_EQ(discard.code, 2);
    EXPECT_NE(discard.err.find("--discard stores nothing: it excludes --capture and --pcap"), std::string::npos) << discard.err;
    const auto same = runProcess(cli({"tcp-server", "--port", "0", "--capture", "same.bin", "--pcap", "same.bin"}));
    EXPECT_EQ(same.code, 2);
    EXPECT_NE(same.err.find("--capture and --pcap name the same file 'same.bin'"), std::string::npos) << same.err;
    EXPECT_FALSE(std::filesystem::exists("same.bin"));
}

} // namespace
