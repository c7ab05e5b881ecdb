// socketeer-cli proxy end to end: both directions tagged in its output, UDP impairments whose summary equals what a
// receiver counted, TLS toward ncat and openssl's server, and options refused with their reason.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

#include "cli_command.hpp"
#include "socketeer/core/tls/tls_settings.hpp"
#include "process.hpp"
#include "wait.hpp"

using socketeer::test::cli;
using socketeer::test::jsonLines;
using socketeer::test::lastEvent;
using socketeer::test::proxyTo;
using socketeer::test::Process;
using socketeer::test::runProcess;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using namespace std::chrono_literals;

TEST(CliProxy, BothDirectionsAreTaggedAndTheEndsArePassedOn) {
    Server echo(tcpServer({"--echo"}));
    ASSERT_NE(echo.port, 0) << echo.process.stderrText();
    const std::string capture =
        (std::filesystem::temp_directory_path() / ("socketeer-proxy-" + std::to_string(::getpid()) + ".rec")).string();
    std::filesystem::remove(capture);
    Server proxy(proxyTo(echo.port, {"--format", "jsonl", "--capture", capture, "--capture-format", "records"}));
    ASSERT_NE(proxy.port, 0) << proxy.process.stderrText();
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(proxy.port), "--send", "ping\\n", "--count", "1"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "ping\n");
    ASSERT_TRUE(socketeer::test::eventually([&] { return proxy.process.stdoutText().find("\"closed\"") != std::string::npos; }, 10s))
        << proxy.process.stdoutText();
    proxy.process.signal(SIGINT);
    EXPECT_EQ(proxy.process.wait(), 0) << proxy.process.stderrText();
    std::vector<std::string> directions;
    for (const auto& line : jsonLines(proxy.process.stdoutText()))
        if (line.value("event", "") == "data") directions.push_back(line.value("dir", "") + " " + line.value("text", ""));
    EXPECT_EQ(directions, (std::vector<std::string>{"c>s ping\\n", "s>c ping\\n"}));
    const auto summary = lastEvent(proxy.process.stdoutText(), "proxy-summary");
    ASSERT_TRUE(summary.is_object()) << proxy.process.stdoutText();
    EXPECT_EQ(summary["c>s"]["bytesOut"].get<std::uint64_t>(), 5u);
    EXPECT_EQ(summary["s>c"]["bytesOut"].get<std::uint64_t>(), 5u);
    // The capture keeps both directions: c>s as received (RX), s>c as sent on to the client (TX).
    std::ifstream in(capture);
    const std::string records((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(capture);
    EXPECT_TRUE(std::regex_search(records, std::regex(R"(RX 127\.0\.0\.1:\d+ conn=1 size=5\nping\n)"))) << records;
    EXPECT_TRUE(std::regex_search(records, std::regex(R"(TX 127\.0\.0\.1:\d+ conn=1 size=5\nping\n)"))) << records;
}

TEST(CliProxy, UdpImpairmentsWithASeedAreExactlyWhatTheReceiverCounted) {
    Process receiver(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--discard", "--format", "jsonl",
                          "--report-interval", "0.05"}));
    const auto receiverPort = receiver.waitForListeningPort();
    ASSERT_NE(receiverPort, 0) << receiver.stderrText();
    Server proxy(cli({"proxy", "--udp", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:" + std::to_string(receiverPort),
                      "--loss", "5", "--reorder", "5", "--duplicate", "5", "--seed", "1", "--format", "jsonl", "-q"}));
    ASSERT_NE(proxy.port, 0) << proxy.process.stderrText();
    const auto bench = runProcess(cli({"bench", "udp", "127.0.0.1", std::to_string(proxy.port), "--rate", "1500",
                                       "--size", "64", "--duration", "1", "--format", "jsonl", "-q"}));
    ASSERT_EQ(bench.code, 0) << bench.err;
    const auto sent = lastEvent(bench.out, "summary")["messages_sent"].get<std::uint64_t>();
    // Stopping the proxy delivers what it still held back, then it reports what it did.
    proxy.process.signal(SIGINT);
    ASSERT_EQ(proxy.process.wait(), 0) << proxy.process.stderrText();
    const auto injected = lastEvent(proxy.process.stdoutText(), "proxy-summary")["c>s"];
    ASSERT_TRUE(injected.is_object()) << proxy.process.stdoutText().substr(0, 2000);
    const auto forwarded = injected["unitsOut"].get<std::uint64_t>();
    const auto receivedSoFar = [&] {
        std::uint64_t total = 0;
        for (const auto& line : jsonLines(receiver.stdoutText()))
            if (line.value("event", "") == "interval") total += line.value("messages_received", std::uint64_t{0});
        return total;
    };
    EXPECT_TRUE(socketeer::test::eventually([&] { return receivedSoFar() >= forwarded; }, 10s))
        << receivedSoFar() << " of " << forwarded;
    receiver.signal(SIGINT);
    ASSERT_EQ(receiver.wait(), 0) << receiver.stderrText();
    const auto counted = lastEvent(receiver.stdoutText(), "summary")["sequence"];
    ASSERT_TRUE(counted.is_object()) << receiver.stdoutText();
    // Loopback loses datagrams only when a receive buffer overflows: a loaded machine can stall the proxy long enough
    // (net.core.rmem_max caps its buffer). Those few never reached the impairments; every other one is accounted for.
    const auto reachedProxy = injected["unitsIn"].get<std::uint64_t>();
    ASSERT_LE(reachedProxy, sent);
    const auto lostBeforeProxy = sent - reachedProxy;
    EXPECT_LE(lostBeforeProxy, sent / 20) << "the proxy lost more than 5 % before impairing anything";
    EXPECT_EQ(counted["duplicated"].get<std::uint64_t>(), injected["duplicated"].get<std::uint64_t>());
    EXPECT_EQ(counted["reordered"].get<std::uint64_t>(), injected["reordered"].get<std::uint64_t>());
    EXPECT_EQ(counted["lost"].get<std::uint64_t>() + (sent - counted["expected"].get<std::uint64_t>()),
              injected["dropped"].get<std::uint64_t>() + lostBeforeProxy);
    EXPECT_EQ(counted["received"].get<std::uint64_t>(), injected["unitsOut"].get<std::uint64_t>());
    EXPECT_GT(injected["dropped"].get<std::uint64_t>(), 0u);
}

TEST(CliProxy, TlsTowardNcatsClientAndTowardOpensslsServer) {
    if (!socketeer::core::tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    // ncat --ssl → proxy (TLS, generated certificate) → plain echo server; ncat's end of input ends it all.
    Server echo(tcpServer({"--echo"}));
    Server terminating(proxyTo(echo.port, {"--tls-listen"}));
    ASSERT_NE(terminating.port, 0) << terminating.process.stderrText();
    const auto viaTls = runProcess({"/bin/sh", "-c", "printf 'over tls\\n' | /usr/bin/ncat --ssl 127.0.0.1 " +
                                                         std::to_string(terminating.port)}, "", 20s);
    EXPECT_EQ(viaTls.out, "over tls\n") << viaTls.err << terminating.process.stderrText();
    EXPECT_NE(terminating.process.stderrText().find("generated a self-signed certificate"), std::string::npos);

    // plain client → proxy → openssl s_server -rev (TLS, answering each line reversed), verification off toward it.
    const auto dir = std::filesystem::temp_directory_path() / ("socketeer-proxy-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    const auto made = runProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                  "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost"});
    ASSERT_EQ(made.code, 0) << made.err;
    Process server({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", "-cert", cert, "-key", key});
    std::uint16_t serverPort = 0;
    const std::regex accept(R"(ACCEPT 127\.0\.0\.1:(\d+)\D)");
    ASSERT_TRUE(socketeer::test::eventually([&] {
        std::smatch match;
        const std::string text = server.stdoutText();
        if (std::regex_search(text, match, accept)) serverPort = static_cast<std::uint16_t>(std::stoi(match[1].str()));
        return serverPort != 0;
    }, 10s)) << server.stdoutText();
    Server originating(proxyTo(serverPort, {"--tls-to", "--to-insecure"}));
    ASSERT_NE(originating.port, 0) << originating.process.stderrText();
    const auto reversed = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(originating.port), "--send", "abc\n",
                                          "--count", "1", "--timeout", "10"}));
    EXPECT_EQ(reversed.out, "cba\n") << reversed.err << originating.process.stderrText();
    EXPECT_NE(originating.process.stderrText().find("certificate verification is OFF"), std::string::npos);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

TEST(CliProxy, BadOptionsAreRefusedWithTheirReason) {
    const auto expectUsage = [](std::vector<std::string> args, const std::string& message) {
        const auto run = runProcess(std::move(args));
        EXPECT_EQ(run.code, 2) << run.err;
        EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
    };
    expectUsage(proxyTo(9, {"--loss", "5"}),
                "c>s: --loss needs messages to act on: add --frame (a TCP stream as read has none), or use --udp");
    expectUsage(proxyTo(9, {"--delay", "c2s:abc"}), "--delay 'c2s:abc': not a number of milliseconds");
    expectUsage(proxyTo(9, {"--listen-cert", "x.pem"}), "--listen-cert needs --tls-listen");
    expectUsage(proxyTo(9, {"--udp", "--tls-to"}), "--tls-listen and --tls-to are for TCP (UDP has no TLS)");
    expectUsage(proxyTo(9, {"--udp", "--split", "10"}), "c>s: --split is for TCP: a datagram cannot be cut without changing it");
    expectUsage(cli({"proxy", "--listen", "0", "--to", "nowhere"}), "--to 'nowhere': ");
    expectUsage(proxyTo(9, {"--reorder", "s2c:101", "--frame", "line"}), "s>c: --reorder 101: a percentage, 0 to 100");
}
