// socketeer-cli bench and --discard, end to end (a second or two each): the generator and the receivers' reports
// agree byte for byte and datagram for datagram, round trips print their percentiles, bad input is named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include "cli_command.hpp"
#include "process.hpp"
#include "wait.hpp"

using socketeer::test::cli;
using socketeer::test::Process;
using socketeer::test::runProcess;
using namespace std::chrono_literals;

namespace {


/// The last JSON line of `text` whose "event" is "summary".
nlohmann::json summaryOf(const std::string& text) {
    nlohmann::json found;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) {
            auto line = nlohmann::json::parse(text.substr(start, end - start), nullptr, false);
            if (line.is_object() && line.value("event", "") == "summary") found = line;
        }
        start = end + 1;
    }
    return found;
}

/// Stops a discard server with SIGINT and returns its summary.
nlohmann::json stopAndSummarise(Process& server) {
    server.signal(SIGINT);
    EXPECT_EQ(server.wait(), 0) << server.stderrText();
    return summaryOf(server.stdoutText());
}

TEST(CliBench, TcpStreamsAndTheDiscardServerAgreeOnEveryByte) {
    Process server(cli({"tcp-server", "--bind", "127.0.0.1", "--port", "0", "--discard", "--format", "jsonl",
                        "--report-interval", "0.2"}));
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    auto bench = runProcess(cli({"bench", "tcp", "127.0.0.1", std::to_string(port), "--connections", "2", "--size",
                                 "4096", "--duration", "0.6", "--format", "jsonl", "--report-interval", "0.2"}));
    ASSERT_EQ(bench.code, 0) << bench.err;
    const auto sent = summaryOf(bench.out);
    ASSERT_TRUE(sent.is_object()) << bench.out;
    EXPECT_TRUE(sent["ok"].get<bool>());
    const auto bytesSent = sent["bytes_sent"].get<std::uint64_t>();
    EXPECT_GT(bytesSent, 1u << 20);
    ASSERT_EQ(sent["connections"].size(), 2u);
    EXPECT_EQ(sent["connections"][0]["bytes_sent"].get<std::uint64_t>() +
                  sent["connections"][1]["bytes_sent"].get<std::uint64_t>(),
              bytesSent);
    EXPECT_GT(sent["bits_per_second"].get<double>(), 0.0);
    EXPECT_NE(bench.out.find("\"event\":\"interval\""), std::string::npos) << bench.out;
    EXPECT_NE(bench.err.find("bench tcp to 127.0.0.1:" + std::to_string(port) + ": 2 connections, writes of 4096 B"),
              std::string::npos) << bench.err;

    ASSERT_TRUE(server.waitForStdout("\"event\":\"interval\"")) << server.stdoutText();
    // The sender is done once its bytes are with its kernel; the server has them all once it has read both FINs.
    ASSERT_TRUE(socketeer::test::eventually(
        [&] { return socketeer::test::occurrences(server.stdoutText(), "\"event\":\"closed\"") == 2; }, 10s))
        << server.stdoutText();
    const auto received = stopAndSummarise(server);
    ASSERT_TRUE(received.is_object()) << server.stdoutText();
    EXPECT_EQ(received["bytes_received"].get<std::uint64_t>(), bytesSent);
    EXPECT_NEAR(received["seconds"].get<double>(), 0.6, 0.4);
    EXPECT_EQ(server.stdoutText().find("socketeer-traffic"), std::string::npos) << "discard mode printed data";
}

TEST(CliBench, UdpDatagramsAreCountedByTheReceiverWithTheirSequenceNumbers) {
    Process server(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--discard", "--format", "jsonl",
                        "--report-interval", "0"}));
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    auto bench = runProcess(cli({"bench", "udp", "127.0.0.1", std::to_string(port), "--rate", "2000", "--size", "100",
                                 "--duration", "0.5", "--format", "jsonl"}));
    ASSERT_EQ(bench.code, 0) << bench.err;
    const auto sent = summaryOf(bench.out);
    const auto datagrams = sent["messages_sent"].get<std::uint64_t>();
    EXPECT_GE(datagrams, 800u);
    EXPECT_LE(datagrams, 1100u);
    EXPECT_EQ(sent["bytes_sent"].get<std::uint64_t>(), datagrams * 100);

    const auto received = stopAndSummarise(server);
    ASSERT_TRUE(received.contains("sequence")) << server.stdoutText();
    const auto& sequence = received["sequence"];
    EXPECT_EQ(sequence["received"].get<std::uint64_t>(), datagrams);
    EXPECT_EQ(sequence["expected"].get<std::uint64_t>(), datagrams);
    EXPECT_EQ(sequence["lost"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(sequence["duplicated"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(sequence["reordered"].get<std::uint64_t>(), 0u);
    EXPECT_GE(sequence["jitter_us"].get<double>(), 0.0);
    EXPECT_NEAR(sequence["datagrams_per_second"].get<double>(), 2000.0, 400.0);
}

TEST(CliBench, UdpCountSendsExactlyThatManyDatagramsAndEnds) {
    Process server(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--discard", "--format", "jsonl",
                        "--report-interval", "0"}));
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    // 1,237 at 5,000/s: about a quarter of a second, with no --duration to end it.
    auto bench = runProcess(cli({"bench", "udp", "127.0.0.1", std::to_string(port), "--rate", "5000", "--size", "64",
                                 "--count", "1237", "--format", "jsonl"}));
    ASSERT_EQ(bench.code, 0) << bench.err;
    EXPECT_NE(bench.err.find("1237 datagrams of 64 B at 5000/s"), std::string::npos) << bench.err;
    const auto sent = summaryOf(bench.out);
    EXPECT_EQ(sent["messages_sent"].get<std::uint64_t>(), 1237u);
    EXPECT_EQ(sent["bytes_sent"].get<std::uint64_t>(), 1237u * 64);
    EXPECT_NEAR(sent["seconds"].get<double>(), 1236.0 / 5000, 0.1);
    const auto received = stopAndSummarise(server);
    ASSERT_TRUE(received.contains("sequence")) << server.stdoutText();
    EXPECT_EQ(received["sequence"]["received"].get<std::uint64_t>(), 1237u);
    EXPECT_EQ(received["sequence"]["lost"].get<std::uint64_t>(), 0u);

    auto zero = runProcess(cli({"bench", "udp", "127.0.0.1", "9", "--count", "0"}));
    EXPECT_EQ(zero.code, 2);
    EXPECT_EQ(zero.err, "socketeer-cli: --count 0: bench udp needs at least 1 datagram (or no --count)\n");
}

TEST(CliBench, ReportsFromSeveralProcessesMergeIntoOneExactSummary) {
    Process echo(cli({"tcp-server", "--bind", "127.0.0.1", "--port", "0", "--echo", "--format", "hex"}));
    const auto port = echo.waitForListeningPort();
    ASSERT_NE(port, 0) << echo.stderrText();
    // Three generators side by side, each writing its own report, as three hosts would.
    const std::vector<std::uint64_t> counts{150, 200, 250};
    std::vector<std::unique_ptr<Process>> generators;
    for (auto count : counts)
        generators.push_back(std::make_unique<Process>(cli({"bench", "rtt", "127.0.0.1", std::to_string(port),
                                                            "--count", std::to_string(count), "--format", "jsonl"})));
    const auto dir = std::filesystem::temp_directory_path() / ("sk-merge-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::vector<std::string> files;
    std::uint64_t bytes = 0, minNs = UINT64_MAX, maxNs = 0;
    for (std::size_t i = 0; i < generators.size(); ++i) {
        ASSERT_EQ(generators[i]->wait(), 0) << generators[i]->stderrText();
        const auto text = generators[i]->stdoutText();
        const auto summary = summaryOf(text);
        ASSERT_EQ(summary["rtt"]["histogram"]["count"].get<std::uint64_t>(), counts[i]) << text;
        bytes += summary["bytes_sent"].get<std::uint64_t>();
        minNs = std::min(minNs, summary["rtt"]["histogram"]["min"].get<std::uint64_t>());
        maxNs = std::max(maxNs, summary["rtt"]["histogram"]["max"].get<std::uint64_t>());
        files.push_back((dir / ("gen" + std::to_string(i) + ".jsonl")).string());
        std::ofstream(files.back()) << text;
    }
    auto merged = runProcess(cli({"bench", "merge", files[0], files[1], files[2], "--format", "jsonl"}));
    ASSERT_EQ(merged.code, 0) << merged.err;
    const auto total = summaryOf(merged.out);
    EXPECT_EQ(total["mode"], "rtt");
    EXPECT_TRUE(total["ok"].get<bool>());
    EXPECT_EQ(total["rtt"]["count"].get<std::uint64_t>(), 600u);
    EXPECT_EQ(total["messages_sent"].get<std::uint64_t>(), 600u);
    EXPECT_EQ(total["bytes_sent"].get<std::uint64_t>(), bytes);
    EXPECT_EQ(total["bytes_sent"].get<std::uint64_t>(), 600u * 64);
    EXPECT_EQ(total["rtt"]["histogram"]["min"].get<std::uint64_t>(), minNs);
    EXPECT_EQ(total["rtt"]["histogram"]["max"].get<std::uint64_t>(), maxNs);
    EXPECT_EQ(total["merged"]["reports"].size(), 3u);

    // A merged report merges again: the first two merged, then with the third, is the three merged at once.
    const auto firstTwo = (dir / "first-two.jsonl").string();
    auto two = runProcess(cli({"bench", "merge", files[0], files[1], "--format", "jsonl"}));
    ASSERT_EQ(two.code, 0) << two.err;
    std::ofstream(firstTwo) << two.out;
    auto again = runProcess(cli({"bench", "merge", firstTwo, files[2], "--format", "jsonl"}));
    ASSERT_EQ(again.code, 0) << again.err;
    const auto retotal = summaryOf(again.out);
    EXPECT_EQ(retotal["rtt"], total["rtt"]);
    EXPECT_EQ(retotal["merged"]["reports"], total["merged"]["reports"]);

    auto text = runProcess(cli({"bench", "merge", files[0], files[1], files[2]}));
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_EQ(text.out.rfind("merged 3 reports of bench rtt: 600 round trips: min ", 0), 0u) << text.out;

    // Reports of different kinds, a receiver's summary and a broken histogram are refused by name.
    Process sink(cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--discard", "--format", "jsonl",
                      "--report-interval", "0"}));
    const auto sinkPort = sink.waitForListeningPort();
    ASSERT_NE(sinkPort, 0);
    auto udp = runProcess(cli({"bench", "udp", "127.0.0.1", std::to_string(sinkPort), "--count", "10", "--rate",
                               "1000", "--format", "jsonl"}));
    ASSERT_EQ(udp.code, 0) << udp.err;
    const auto udpFile = (dir / "udp.jsonl").string();
    std::ofstream(udpFile) << udp.out;
    auto mixed = runProcess(cli({"bench", "merge", files[0], udpFile}));
    EXPECT_EQ(mixed.code, 2);
    EXPECT_EQ(mixed.err, "socketeer-cli: bench merge: " + udpFile + ": mode udp, but " + files[0] +
                             "'s is rtt: merge reports of one kind\n");
    const auto receiverFile = (dir / "receiver.jsonl").string();
    std::ofstream(receiverFile) << stopAndSummarise(sink).dump() << "\n";
    auto receiver = runProcess(cli({"bench", "merge", receiverFile}));
    EXPECT_EQ(receiver.code, 2);
    EXPECT_NE(receiver.err.find(receiverFile + " line 1: a receiver's summary"), std::string::npos) << receiver.err;
    auto broken = summaryOf(generators[0]->stdoutText());
    broken["rtt"]["histogram"]["count"] = 1;
    const auto brokenFile = (dir / "broken.jsonl").string();
    std::ofstream(brokenFile) << broken.dump() << "\n";
    auto bad = runProcess(cli({"bench", "merge", brokenFile}));
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(bad.err, "socketeer-cli: bench merge: " + brokenFile + ": rtt.histogram: the buckets hold 150 samples, "
                                                                     "count says 1\n");
    std::filesystem::remove_all(dir);
}

TEST(CliBench, AServerRaisesItsOpenFileLimitToHoldMoreClientsThanTheSoftLimit) {
    // A soft limit of 64 and a hard one of 4096: 300 clients fit only if the server raised its soft limit at start-up.
    Process server({"/usr/bin/prlimit", "--nofile=64:4096", socketeer::test::Cli, "tcp-server", "--bind", "127.0.0.1",
                    "--port", "0", "--discard", "--format", "jsonl", "--report-interval", "0"});
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    asio::io_context io;
    std::vector<asio::ip::tcp::socket> clients;
    for (int i = 0; i < 300; ++i) {
        clients.emplace_back(io);
        std::error_code ec;
        clients.back().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
        ASSERT_FALSE(ec) << "client " << i << ": " << ec.message();
    }
    ASSERT_TRUE(socketeer::test::eventually(
        [&] { return socketeer::test::occurrences(server.stdoutText(), "\"event\":\"accepted\"") == 300; }, 10s))
        << socketeer::test::occurrences(server.stdoutText(), "\"event\":\"accepted\"") << " accepted; "
        << server.stderrText();
    EXPECT_EQ(server.stdoutText().find("\"event\":\"error\""), std::string::npos) << server.stdoutText();
    clients.clear();
    server.signal(SIGINT);
    EXPECT_EQ(server.wait(), 0);
}

TEST(CliBench, RoundTripsPrintPercentilesInMicroseconds) {
    Process tcpEcho(cli({"tcp-server", "--bind", "127.0.0.1", "--port", "0", "--echo", "--format", "hex"}));
    const auto tcpPort = tcpEcho.waitForListeningPort();
    ASSERT_NE(tcpPort, 0);
    auto tcp = runProcess(cli({"bench", "rtt", "127.0.0.1", std::to_string(tcpPort), "--count", "50"}));
    ASSERT_EQ(tcp.code, 0) << tcp.err;
    const std::regex line(R"(summary: 50 round trips in [0-9.]+ s: min [0-9.]+ us, p50 [0-9.]+ us, p90 [0-9.]+ us, )"
                          R"(p99 [0-9.]+ us, max [0-9.]+ us\n)");
    EXPECT_TRUE(std::regex_search(tcp.out, line)) << tcp.out;

    Process udpEcho(cli({"udp-server", "--bind", "::1", "--port", "0", "--echo", "--format", "hex"}));
    const auto udpPort = udpEcho.waitForListeningPort();
    ASSERT_NE(udpPort, 0);
    auto udp = runProcess(cli({"bench", "rtt", "::1", std::to_string(udpPort), "--udp", "--count", "50", "--size",
                               "200", "--format", "jsonl"}));
    ASSERT_EQ(udp.code, 0) << udp.err;
    const auto summary = summaryOf(udp.out);
    EXPECT_EQ(summary["rtt"]["count"].get<std::uint64_t>(), 50u);
    EXPECT_EQ(summary["probes_lost"].get<std::uint64_t>(), 0u);
    EXPECT_LE(summary["rtt"]["p50_us"].get<double>(), summary["rtt"]["p99_us"].get<double>());
    EXPECT_EQ(summary["bytes_received"].get<std::uint64_t>(), 50u * 200);
}

TEST(CliBench, BadInputAndUnreachablePeersAreNamed) {
    auto small = runProcess(cli({"bench", "udp", "127.0.0.1", "9", "--size", "10"}));
    EXPECT_EQ(small.code, 2);
    EXPECT_EQ(small.err, "socketeer-cli: --size 10: must be at least 24 bytes (the sequence number and timestamp "
                         "every message carries)\n");
    auto rate = runProcess(cli({"bench", "udp", "127.0.0.1", "9", "--rate", "fast"}));
    EXPECT_EQ(rate.code, 2);
    EXPECT_EQ(rate.err, "socketeer-cli: --rate 'fast': a number of datagrams per second (at least 1), or max\n");
    auto discardEcho = runProcess(cli({"tcp-server", "--port", "0", "--discard", "--echo"}));
    EXPECT_EQ(discardEcho.code, 2);
    EXPECT_NE(discardEcho.err.find("--discard never answers"), std::string::npos) << discardEcho.err;

    std::uint16_t closedPort = 0;
    {
        Process server(cli({"tcp-server", "--bind", "127.0.0.1", "--port", "0"}));
        closedPort = server.waitForListeningPort();
        server.signal(SIGINT);
        ASSERT_EQ(server.wait(), 0);
    }
    auto refused = runProcess(cli({"bench", "tcp", "127.0.0.1", std::to_string(closedPort), "--duration", "1"}));
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("connection 1 to 127.0.0.1:" + std::to_string(closedPort)), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("refused"), std::string::npos) << refused.err;
}

} // namespace
