// The traffic generator against real sessions on loopback: exact byte and datagram accounting on both ends,
// round trips against echo servers, discard mode, and the problems a user must be told about.
#include <gtest/gtest.h>

#include <algorithm>

#include "loopback.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "platform.hpp"
#include "wait.hpp"

namespace socketeer::test {
namespace {

using namespace core;

GeneratorSpec specFor(GeneratorMode mode, std::uint16_t port, std::string host = "127.0.0.1") {
    GeneratorSpec spec;
    spec.mode = mode;
    spec.host = std::move(host);
    spec.port = port;
    return spec;
}

std::string problemsOf(const GeneratorSnapshot& s) {
    std::string text;
    for (const auto& p : s.problems) text += p + "\n";
    return text;
}

TcpServerConfig discardServer() {
    auto config = loopbackServer();
    config.discard = true;
    return config;
}

core::UdpSocketConfig discardUdpReceiver() {
    core::UdpSocketConfig config;
    config.bindAddress = "127.0.0.1";
    config.discard = true;
    return config;
}

TEST(TrafficGenerator, TcpStreamsOnSeveralConnectionsArriveExactly) {
    TcpServer server(discardServer());
    EventLog serverLog(server);
    const auto port = openAndGetPort(server, serverLog);
    ASSERT_NE(port, 0);

    auto spec = specFor(GeneratorMode::TcpStream, port);
    spec.connections = 4;
    spec.payloadBytes = 16 * 1024;
    spec.duration = 300ms;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(generator.waitUntilDone(10s));
    const auto result = generator.snapshot();
    EXPECT_EQ(result.phase, GeneratorPhase::Finished) << problemsOf(result);
    EXPECT_GT(result.bytesSent, 1u << 20);
    ASSERT_EQ(result.bytesPerConnection.size(), 4u);
    std::uint64_t sum = 0;
    for (auto bytes : result.bytesPerConnection) {
        EXPECT_GT(bytes, 0u);
        sum += bytes;
    }
    EXPECT_EQ(sum, result.bytesSent);
    // It ran for its duration: not shorter, and not far longer (a loaded machine may wake it late).
    EXPECT_GE(result.elapsedSeconds, 0.29);
    EXPECT_LT(result.elapsedSeconds, 3.0);

    // Every byte the kernel took arrives; discard mode counts it without a single data event.
    ASSERT_TRUE(eventually([&] { return server.counters().traffic.snapshot().rxBytes == result.bytesSent; }, 10s))
        << server.counters().traffic.snapshot().rxBytes << " of " << result.bytesSent;
    serverLog.drain();
    EXPECT_EQ(serverLog.count<EventData>(), 0u);
    EXPECT_EQ(serverLog.count<EventAccepted>(), 4u);
}

TEST(TrafficGenerator, UdpStreamAtARateIsCountedLossFreeByTheReceiver) {
    UdpSocket receiver(discardUdpReceiver());
    EventLog log(receiver);
    const auto port = openAndGetPort(receiver, log);
    ASSERT_NE(port, 0);

    auto spec = specFor(GeneratorMode::UdpStream, port);
    spec.payloadBytes = 200;
    spec.ratePerSecond = 4000;
    spec.duration = 500ms;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(generator.waitUntilDone(10s));
    const auto result = generator.snapshot();
    ASSERT_EQ(result.phase, GeneratorPhase::Finished) << problemsOf(result);
    // Paced: about rate × duration (the first goes at once), never a burst of the whole run. Unpaced, 500 ms would
    // send tens of thousands; a stop that comes late (wine's coarse timers: 2,157 seen) is not a burst.
    EXPECT_GE(result.messagesSent, 1500u);
    EXPECT_LE(result.messagesSent, 3000u);
    EXPECT_EQ(result.bytesSent, result.messagesSent * 200);

    ASSERT_TRUE(eventually([&] {
        const auto stats = receiver.sequenceStats();
        return stats && stats->received == result.messagesSent;
    }, 5s));
    const auto stats = *receiver.sequenceStats();
    EXPECT_EQ(stats.expected, result.messagesSent);
    EXPECT_EQ(stats.lost, 0u);
    EXPECT_EQ(stats.duplicated, 0u);
    EXPECT_EQ(stats.reordered, 0u);
    EXPECT_EQ(receiver.counters().traffic.snapshot().rxBytes, result.bytesSent);
    log.drain();
    EXPECT_EQ(log.count<EventData>(), 0u);
}

TEST(TrafficGenerator, UdpStreamFlatOutAccountsForEveryDatagram) {
    UdpSocket receiver(discardUdpReceiver());
    EventLog log(receiver);
    const auto port = openAndGetPort(receiver, log);
    ASSERT_NE(port, 0);
    auto spec = specFor(GeneratorMode::UdpStream, port);
    spec.payloadBytes = 64;
    spec.ratePerSecond = 0;
    spec.duration = 200ms;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(generator.waitUntilDone(10s));
    const auto result = generator.snapshot();
    ASSERT_EQ(result.phase, GeneratorPhase::Finished) << problemsOf(result);
    // Flat out: well above the 200 a 1000/s pace would send in 200 ms, even under Wine on a loaded machine.
    EXPECT_GT(result.messagesSent, 400u);
    // The kernel may drop what the receiver's buffer cannot hold; what arrives is ours, in order, once each, and
    // the tracker's sequence numbers agree with the receiver's counters.
    std::uint64_t lastSeen = ~0ull;
    int unchangedPolls = 0; // settled: no new datagram for 50 polls of at least 1 ms each
    ASSERT_TRUE(eventually([&] {
        const auto seen = receiver.counters().traffic.snapshot().rxMessages;
        unchangedPolls = seen == lastSeen ? unchangedPolls + 1 : 0;
        lastSeen = seen;
        return unchangedPolls >= 50 && seen != 0;
    }, 5s));
    const auto stats = *receiver.sequenceStats();
    EXPECT_EQ(stats.received, receiver.counters().traffic.snapshot().rxMessages);
    EXPECT_EQ(stats.received, stats.unique);
    EXPECT_EQ(stats.duplicated, 0u);
    EXPECT_EQ(stats.reordered, 0u);
    EXPECT_LE(stats.expected, result.messagesSent);
    EXPECT_EQ(stats.lost, stats.expected - stats.received);
}

TEST(TrafficGenerator, TcpRoundTripsAgainstAnEchoServer) {
    TcpServer echo(loopbackServer(ReplyMode::Echo));
    EventLog log(echo);
    const auto port = openAndGetPort(echo, log);
    ASSERT_NE(port, 0);
    auto spec = specFor(GeneratorMode::TcpRtt, port);
    spec.payloadBytes = 100;
    spec.probeCount = 200;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(generator.waitUntilDone(20s));
    const auto result = generator.snapshot();
    ASSERT_EQ(result.phase, GeneratorPhase::Finished) << problemsOf(result);
    EXPECT_EQ(result.rtt.count, 200u);
    EXPECT_EQ(result.messagesSent, 200u);
    EXPECT_EQ(result.bytesReceived, 200u * 100);
    EXPECT_GT(result.rtt.minUs, 0.0);
    EXPECT_LE(result.rtt.minUs, result.rtt.p50Us);
    EXPECT_LE(result.rtt.p50Us, result.rtt.p99Us);
    EXPECT_LE(result.rtt.p99Us, result.rtt.maxUs);
}

TEST(TrafficGenerator, UdpRoundTripsOverIpv6) {
    UdpSocketConfig config;
    config.bindAddress = "::1";
    config.autoReply.mode = ReplyMode::Echo;
    UdpSocket echo(config);
    EventLog log(echo);
    const auto port = openAndGetPort(echo, log);
    ASSERT_NE(port, 0);
    auto spec = specFor(GeneratorMode::UdpRtt, port, "::1");
    spec.payloadBytes = 64;
    spec.probeCount = 100;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(generator.waitUntilDone(20s));
    const auto result = generator.snapshot();
    ASSERT_EQ(result.phase, GeneratorPhase::Finished) << problemsOf(result);
    EXPECT_EQ(result.rtt.count + result.probesLost, 100u);
    EXPECT_EQ(result.probesLost, 0u);
}

TEST(TrafficGenerator, ARepliesThatAreNotAnEchoAreNamed) {
    auto config = loopbackServer(ReplyMode::Fixed);
    config.autoReply.reply = PayloadTemplate::literal(Bytes(64, 'x'));
    TcpServer server(config);
    EventLog log(server);
    const auto port = openAndGetPort(server, log);
    auto spec = specFor(GeneratorMode::TcpRtt, port);
    spec.payloadBytes = 64;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(generator.waitUntilDone(10s));
    const auto result = generator.snapshot();
    EXPECT_EQ(result.phase, GeneratorPhase::Failed);
    ASSERT_FALSE(result.problems.empty());
    EXPECT_EQ(result.problems.front(), "the reply from 127.0.0.1:" + std::to_string(port) +
                                           " is not an echo: byte 0 of probe 0 is 0x78, 0x53 was sent");
}

TEST(TrafficGenerator, RefusedConnectionsAndUnreachablePortsAreReported) {
    std::uint16_t closedPort = 0;
    {
        TcpServer server(loopbackServer());
        EventLog log(server);
        closedPort = openAndGetPort(server, log);
    }
    auto spec = specFor(GeneratorMode::TcpStream, closedPort);
    spec.connections = 2;
    TrafficGenerator tcp(spec);
    tcp.start();
    ASSERT_TRUE(tcp.waitUntilDone(10s));
    auto result = tcp.snapshot();
    EXPECT_EQ(result.phase, GeneratorPhase::Failed);
    ASSERT_EQ(result.problems.size(), 3u) << problemsOf(result);
    EXPECT_NE(result.problems[0].find("connection 1 to 127.0.0.1:" + std::to_string(closedPort)), std::string::npos);
    EXPECT_NE(result.problems[0].find("refused"), std::string::npos) << result.problems[0];
    EXPECT_EQ(result.problems[2], "no connection to 127.0.0.1:" + std::to_string(closedPort) + " could be opened");

    auto udpSpec = specFor(GeneratorMode::UdpRtt, closedPort);
    udpSpec.payloadBytes = 32;
    udpSpec.probeCount = 3;
    udpSpec.probeTimeout = 100ms;
    TrafficGenerator udp(udpSpec);
    udp.start();
    ASSERT_TRUE(udp.waitUntilDone(10s));
    result = udp.snapshot();
    EXPECT_EQ(result.phase, GeneratorPhase::Finished);
    EXPECT_EQ(result.probesLost, 3u);
    EXPECT_EQ(result.rtt.count, 0u);
    // Wine's select() never reports a pending ICMP "port unreachable" as readability (Windows and Linux do).
    if (!test::runningUnderWine()) {
        EXPECT_NE(problemsOf(result).find("port unreachable"), std::string::npos) << problemsOf(result);
    }
}

TEST(TrafficGenerator, StopEndsARunWithoutADuration) {
    TcpServer server(discardServer());
    EventLog log(server);
    const auto port = openAndGetPort(server, log);
    auto spec = specFor(GeneratorMode::TcpStream, port);
    spec.duration = 0ms;
    TrafficGenerator generator(spec);
    generator.start();
    ASSERT_TRUE(eventually([&] { return generator.snapshot().bytesSent > 0; }, 5s));
    EXPECT_FALSE(generator.done());
    generator.stop();
    ASSERT_TRUE(generator.waitUntilDone(5s));
    EXPECT_EQ(generator.snapshot().phase, GeneratorPhase::Finished);
}

TEST(TrafficGenerator, StopEndsRoundTripsBlockedOnASilentPeer) {
    // Round trips block in recv() on the generator's worker: a stop must still end them promptly, both while the
    // replies flow and while a probe waits for a reply that does not come.
    TcpServer echo(loopbackServer(ReplyMode::Echo));
    EventLog log(echo);
    const auto port = openAndGetPort(echo, log);
    auto spec = specFor(GeneratorMode::TcpRtt, port);
    spec.probeCount = 0;
    spec.duration = 0ms;
    TrafficGenerator flowing(spec);
    flowing.start();
    ASSERT_TRUE(eventually([&] { return flowing.snapshot().rtt.count > 100; }, 5s));
    flowing.stop();
    ASSERT_TRUE(flowing.waitUntilDone(1s));
    EXPECT_EQ(flowing.snapshot().phase, GeneratorPhase::Finished);

    UdpSocket silent(discardUdpReceiver()); // takes the probe, never answers
    EventLog silentLog(silent);
    const auto silentPort = openAndGetPort(silent, silentLog);
    auto udp = specFor(GeneratorMode::UdpRtt, silentPort);
    udp.probeCount = 0;
    udp.duration = 0ms;
    udp.probeTimeout = 60'000ms;
    udp.payloadBytes = 64;
    TrafficGenerator waiting(udp);
    waiting.start();
    ASSERT_TRUE(eventually([&] { return waiting.snapshot().messagesSent == 1; }, 5s)) << problemsOf(waiting.snapshot());
    const auto stopAt = std::chrono::steady_clock::now();
    waiting.stop();
    ASSERT_TRUE(waiting.waitUntilDone(2s));
    EXPECT_LT(std::chrono::steady_clock::now() - stopAt, 1500ms);
    const auto result = waiting.snapshot();
    EXPECT_EQ(result.phase, GeneratorPhase::Finished);
    EXPECT_EQ(result.rtt.count, 0u);
    EXPECT_EQ(result.probesLost, 0u) << "a probe still within its timeout is not lost";
}

} // namespace
} // namespace socketeer::test

namespace socketeer::test {
namespace {

TEST(DiscardMode, UdpCountsEveryDatagramOfEverySizeAndSenderExactly) {
    using namespace core;
    UdpSocket receiver(discardUdpReceiver());
    EventLog log(receiver);
    const auto port = openAndGetPort(receiver, log);
    ASSERT_NE(port, 0);

    // Two senders interleaved (batches hold runs of both), sizes around the kept head and up to the largest datagram.
    UdpSocketConfig senderConfig;
    senderConfig.bindAddress = "127.0.0.1";
    senderConfig.remoteHost = "127.0.0.1";
    senderConfig.remotePort = port;
    UdpSocket a(senderConfig), b(senderConfig);
    EventLog logA(a), logB(b);
    ASSERT_NE(openAndGetPort(a, logA), 0);
    ASSERT_NE(openAndGetPort(b, logB), 0);
    const std::size_t sizes[] = {0, 1, 23, 24, 25, 1400, 9000, MaxUdpPayloadV4};
    std::uint64_t bytesA = 0, bytesB = 0, count = 0;
    for (int round = 0; round < 20; ++round)
        for (std::size_t size : sizes) {
            a.send(Bytes(size, 'a'));
            b.send(Bytes(size / 2, 'b'));
            bytesA += size;
            bytesB += size / 2;
            count += 2;
        }
    ASSERT_TRUE(eventually([&] { return receiver.counters().traffic.snapshot().rxMessages == count; }, 10s))
        << receiver.counters().traffic.snapshot().rxMessages << " of " << count;
    EXPECT_EQ(receiver.counters().traffic.snapshot().rxBytes, bytesA + bytesB);
    const auto peers = receiver.peers();
    ASSERT_EQ(peers.size(), 2u);
    std::uint64_t peerBytes[2] = {peers[0].traffic.rxBytes, peers[1].traffic.rxBytes};
    std::sort(std::begin(peerBytes), std::end(peerBytes));
    EXPECT_EQ(peerBytes[0], bytesB);
    EXPECT_EQ(peerBytes[1], bytesA);
    EXPECT_EQ(peers[0].traffic.rxMessages, count / 2);
    EXPECT_EQ(peers[1].traffic.rxMessages, count / 2);
    log.drain();
    EXPECT_EQ(log.count<EventData>(), 0u);
    EXPECT_FALSE(receiver.sequenceStats()) << "plain datagrams are not a numbered stream";
}

} // namespace
} // namespace socketeer::test
