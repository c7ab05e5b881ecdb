// The proxy on loopback: 1 GiB each way through it intact, c>s and s>c reported on the client's connection, TLS on
// either side, and impairments whose counts equal what the far end received.
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <future>
#include <thread>

#include "event_pump.hpp"
#include "loopback.hpp"
#include "pattern.hpp"
#include "raw_peer.hpp"
#include "sha256.hpp"
#include "socketeer/core/net/proxy.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;
using socketeer::test::RawPeer;
using namespace std::chrono_literals;
using asio::ip::tcp;

namespace {

/// Writes `total` bytes of PatternStream(seed) then a FIN, while reading until the peer's FIN: the SHA-256s of what
/// went out and of what came in.
/// Hands `total` bytes of PatternStream(seed) to `each`, 256 KiB at a time (stopping when it returns false), and
/// returns the SHA-256 of what it handed over.
template <class Each>
std::string forEachPatternChunk(std::uint64_t total, std::uint64_t seed, Each each) {
    test::PatternStream pattern(seed);
    test::Sha256 sha;
    Bytes chunk(256u << 10);
    for (std::uint64_t left = total; left > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), left));
        pattern.fill(std::span(chunk.data(), n));
        sha.update(ByteView(chunk.data(), n));
        if (!each(ByteView(chunk.data(), n))) break;
        left -= n;
    }
    return sha.hexDigest();
}

struct Duplex {
    std::string sent, received;
    std::uint64_t receivedBytes = 0;
};
Duplex duplex(tcp::socket& socket, std::uint64_t total, std::uint64_t seed) {
    Duplex result;
    std::thread writer([&] {
        result.sent = forEachPatternChunk(total, seed, [&](ByteView chunk) {
            std::error_code ec;
            asio::write(socket, asio::buffer(chunk.data(), chunk.size()), ec);
            return !ec;
        });
        std::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
    });
    test::Sha256 sha;
    Bytes buffer(256u << 10);
    for (;;) {
        std::error_code ec;
        const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
        if (ec) break;
        sha.update(ByteView(buffer.data(), n));
        result.receivedBytes += n;
    }
    writer.join();
    result.received = sha.hexDigest();
    return result;
}

/// The digest of `total` bytes of PatternStream(seed).
std::string patternDigest(std::uint64_t total, std::uint64_t seed) {
    return forEachPatternChunk(total, seed, [](ByteView) { return true; });
}

/// A target that accepts one connection and runs `serve` on it in a thread of its own.
struct OneShotTarget {
    asio::io_context io;
    tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
    std::future<Duplex> done;
    std::uint16_t port() const { return acceptor.local_endpoint().port(); }
    void duplexWith(std::uint64_t total, std::uint64_t seed) {
        done = std::async(std::launch::async, [this, total, seed] {
            tcp::socket socket(io);
            acceptor.accept(socket);
            return duplex(socket, total, seed);
        });
    }
};

} // namespace

TEST(Proxy, OneGibibyteEachWayArrivesIntactAndEveryByteIsCounted) {
    constexpr std::uint64_t Size = 1ull << 30;
    OneShotTarget target;
    target.duplexWith(Size, 2);
    Proxy proxy(test::proxyToLoopback(target.port()));
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0) << log.errors();
    std::atomic<std::uint64_t> dataEvents{0};
    test::EventPump pump(proxy, [&](const SessionEvent& event) {
        if (std::holds_alternative<EventData>(event.body)) dataEvents.fetch_add(1, std::memory_order_relaxed);
    });
    asio::io_context io;
    tcp::socket client(io);
    client.connect({asio::ip::address_v4::loopback(), port});
    const Duplex atClient = duplex(client, Size, 1);
    ASSERT_EQ(target.done.wait_for(120s), std::future_status::ready);
    const Duplex atTarget = target.done.get();
    EXPECT_EQ(atTarget.receivedBytes, Size);
    EXPECT_EQ(atClient.receivedBytes, Size);
    EXPECT_EQ(atTarget.received, atClient.sent) << "c>s changed on the way";
    EXPECT_EQ(atClient.received, atTarget.sent) << "s>c changed on the way";
    EXPECT_EQ(atClient.sent, patternDigest(Size, 1));
    const auto traffic = proxy.counters().traffic.snapshot();
    EXPECT_EQ(traffic.rxBytes, Size) << "c>s is what the proxy received from the client";
    EXPECT_EQ(traffic.txBytes, Size) << "s>c is what it received from the target";
    const ProxyTallies tallies = proxy.tallies();
    EXPECT_EQ(tallies.toServer.bytesOut, Size);
    EXPECT_EQ(tallies.toClient.bytesOut, Size);
    EXPECT_EQ(tallies.toServer.dropped + tallies.toClient.dropped, 0u);
}

TEST(Proxy, BothDirectionsAreReportedOnTheClientsConnectionAndTheEndsArePassedOn) {
    TcpServer echo(test::loopbackServer(ReplyMode::Echo));
    EventLog echoLog(echo);
    const auto echoPort = test::openAndGetPort(echo, echoLog);
    ASSERT_NE(echoPort, 0);
    Proxy proxy(test::proxyToLoopback(echoPort));
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0) << log.errors();
    RawPeer peer(port);
    peer.write("ping\n");
    EXPECT_EQ(peer.read(5), "ping\n");
    ASSERT_TRUE(log.waitFor([&](const auto&) { return log.bytes(Direction::Tx).size() == 5; }));
    const auto* accepted = log.first<EventAccepted>();
    ASSERT_NE(accepted, nullptr);
    EXPECT_EQ(log.bytes(Direction::Rx, accepted->id), toBytes("ping\n")) << "c>s: received from the client";
    EXPECT_EQ(log.bytes(Direction::Tx, accepted->id), toBytes("ping\n")) << "s>c: received from the target";
    // The client's FIN reaches the echo server, whose close comes back: the link ends cleanly.
    peer.socket.shutdown(tcp::socket::shutdown_send);
    EXPECT_TRUE(peer.closedByPeer());
    ASSERT_TRUE(log.waitForEvent<EventClosed>());
    EXPECT_EQ(log.first<EventClosed>()->reason, CloseReason::PeerClosed) << log.first<EventClosed>()->detail;
    EXPECT_EQ(log.first<EventClosed>()->traffic.rxBytes, 5u);
}

TEST(Proxy, AnUnreachableTargetClosesTheClientWithTheReason) {
    asio::io_context io;
    tcp::acceptor closedPort(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const auto deadPort = closedPort.local_endpoint().port();
    closedPort.close(); // nothing listens there now
    Proxy proxy(test::proxyToLoopback(deadPort));
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0);
    RawPeer peer(port);
    EXPECT_TRUE(peer.closedByPeer());
    ASSERT_TRUE(log.waitForEvent<EventClosed>());
    EXPECT_NE(log.errors().find("cannot connect to the target 127.0.0.1:" + std::to_string(deadPort)), std::string::npos)
        << log.errors();
}

TEST(Proxy, DelayAppliesEachWayAndFramedLossMatchesWhatTheTargetReceived) {
    TcpServer sink(test::loopbackServer(ReplyMode::Echo));
    EventLog sinkLog(sink);
    const auto sinkPort = test::openAndGetPort(sink, sinkLog);
    ASSERT_NE(sinkPort, 0);
    ProxyConfig config = test::proxyToLoopback(sinkPort);
    config.framingToServer = parseFrameSpec("line").value();
    config.framingToClient = parseFrameSpec("line").value();
    config.toServer.lossPercent = 30;
    config.toServer.delay = 40ms;
    config.toClient.delay = 40ms;
    config.seed = 7;
    Proxy proxy(config);
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0) << log.errors();
    RawPeer peer(port);
    const auto start = std::chrono::steady_clock::now();
    std::string lines;
    for (int i = 0; i < 200; ++i) lines += "line " + std::to_string(i) + "\n";
    peer.write(lines);
    ASSERT_TRUE(log.waitFor([&](const auto&) {
        const auto t = proxy.tallies();
        return t.toServer.unitsIn == 200 && t.toServer.unitsOut + t.toServer.dropped == 200 &&
               t.toClient.unitsOut == t.toServer.unitsOut;
    }, 10s));
    const ProxyTallies t = proxy.tallies();
    EXPECT_GT(t.toServer.dropped, 30u);
    EXPECT_LT(t.toServer.dropped, 90u);
    // What the echo server got is exactly the lines the proxy forwarded, and the client got them back.
    ASSERT_TRUE(sinkLog.waitFor([&](const auto&) { return sinkLog.bytesCount(Direction::Rx) == t.toServer.bytesOut; }));
    const std::string echoed = peer.read(static_cast<std::size_t>(t.toServer.bytesOut));
    EXPECT_EQ(echoed.size(), t.toServer.bytesOut);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 80ms) << "40 ms each way";
    EXPECT_EQ(t.toServer.delayed, t.toServer.unitsOut);
}

TEST(Proxy, ImpairmentsChangeWhileItRuns) {
    TcpServer echo(test::loopbackServer(ReplyMode::Echo));
    EventLog echoLog(echo);
    const auto echoPort = test::openAndGetPort(echo, echoLog);
    ProxyConfig config = test::proxyToLoopback(echoPort);
    Proxy proxy(config);
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0);
    RawPeer peer(port);
    peer.write("a");
    EXPECT_EQ(peer.read(1), "a");
    ImpairmentSettings slow;
    slow.delay = 150ms;
    proxy.setImpairment(ProxyDirection::ToClient, slow);
    ASSERT_TRUE(log.waitFor([](const auto& events) {
        for (const auto& e : events)
            if (const auto* n = std::get_if<EventNotice>(&e.body); n && n->text.find("s>c impairments now: delay 150 ms") != std::string::npos)
                return true;
        return false;
    }));
    const auto start = std::chrono::steady_clock::now();
    peer.write("b");
    EXPECT_EQ(peer.read(1, 5s), "b");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    EXPECT_EQ(proxy.tallies().toClient.delayed, 1u);
}

TEST(Proxy, TlsToThePlainTargetAndPlainToATlsTarget) {
    if (!tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    // TLS clients, plain target.
    TcpServer plainEcho(test::loopbackServer(ReplyMode::Echo));
    EventLog plainLog(plainEcho);
    const auto plainPort = test::openAndGetPort(plainEcho, plainLog);
    ProxyConfig tlsIn = test::proxyToLoopback(plainPort);
    tlsIn.tlsListen.enabled = true;
    Proxy terminating(tlsIn);
    EventLog terminatingLog(terminating);
    const auto terminatingPort = test::openAndGetPort(terminating, terminatingLog);
    ASSERT_NE(terminatingPort, 0) << terminatingLog.errors();
    TcpClientConfig tlsClient = test::clientTo(terminatingPort);
    tlsClient.tls.enabled = true;
    tlsClient.tls.insecure = true;
    TcpClient client(tlsClient);
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventTlsEstablished>()) << clientLog.errors() << terminatingLog.errors();
    client.send(toBytes("secret\n"));
    ASSERT_TRUE(clientLog.waitFor([&](const auto&) { return clientLog.bytes(Direction::Rx) == toBytes("secret\n"); }));
    EXPECT_TRUE(plainLog.waitFor([&](const auto&) { return plainLog.bytes(Direction::Rx) == toBytes("secret\n"); }))
        << "the target gets the plaintext";
    EXPECT_TRUE(terminatingLog.waitForEvent<EventTlsEstablished>());

    // Plain clients, TLS target.
    TcpServerConfig tlsEchoConfig = test::loopbackServer(ReplyMode::Echo);
    tlsEchoConfig.tls.enabled = true;
    TcpServer tlsEcho(tlsEchoConfig);
    EventLog tlsEchoLog(tlsEcho);
    const auto tlsEchoPort = test::openAndGetPort(tlsEcho, tlsEchoLog);
    ProxyConfig tlsOut = test::proxyToLoopback(tlsEchoPort);
    tlsOut.tlsTo.enabled = true;
    tlsOut.tlsTo.insecure = true;
    Proxy originating(tlsOut);
    EventLog originatingLog(originating);
    const auto originatingPort = test::openAndGetPort(originating, originatingLog);
    ASSERT_NE(originatingPort, 0) << originatingLog.errors();
    RawPeer peer(originatingPort);
    peer.write("hello\n");
    EXPECT_EQ(peer.read(6), "hello\n") << originatingLog.errors() << tlsEchoLog.errors();
    ASSERT_TRUE(originatingLog.waitForEvent<EventTlsEstablished>());
    EXPECT_EQ(originatingLog.first<EventTlsEstablished>()->tls.protocol, "TLSv1.3");
    EXPECT_TRUE(originatingLog.waitFor([&](const auto&) { return originatingLog.bytes(Direction::Tx) == toBytes("hello\n"); }))
        << "the proxy shows the target's plaintext answer";
    EXPECT_EQ(originatingLog.bytes(Direction::Rx), toBytes("hello\n")) << "and what the client sent";
}

TEST(Proxy, UdpLossDuplicationAndReorderingAreExactlyWhatTheReceiverCounts) {
    UdpSocketConfig receiverConfig;
    receiverConfig.bindAddress = "127.0.0.1";
    receiverConfig.discard = true; // counts and tracks the numbered datagrams, stores nothing
    receiverConfig.receiveBufferBytes = 4u << 20;
    UdpSocket receiver(receiverConfig);
    EventLog receiverLog(receiver);
    const auto receiverPort = test::openAndGetPort(receiver, receiverLog);
    ASSERT_NE(receiverPort, 0);
    ProxyConfig config = test::proxyToLoopback(receiverPort);
    config.udp = true;
    config.toServer.lossPercent = 5;
    config.toServer.duplicatePercent = 5;
    config.toServer.reorderPercent = 5;
    config.seed = 1;
    Proxy proxy(config);
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0) << log.errors();
    test::EventPump pump(proxy, [](const SessionEvent&) {});

    GeneratorSpec spec;
    spec.mode = GeneratorMode::UdpStream;
    spec.host = "127.0.0.1";
    spec.port = port;
    spec.payloadBytes = 64;
    spec.ratePerSecond = 3000; // a sanitizer build's proxy keeps up too: nothing may be lost on the way to it
    spec.duration = 1000ms;
    TrafficGenerator sender(spec);
    sender.start();
    ASSERT_TRUE(sender.waitUntilDone(10s));
    const std::uint64_t sent = sender.snapshot().messagesSent;
    ASSERT_GT(sent, 2500u);
    // Everything the proxy let through has arrived once the held-back datagrams have gone too: every datagram that
    // came in has been decided (dropped, or forwarded once or twice) and the receiver has them all.
    ASSERT_TRUE(test::eventually([&] {
        const auto t = proxy.tallies().toServer;
        const auto stats = receiver.sequenceStats();
        return t.unitsIn == sent && t.unitsOut + t.dropped == t.unitsIn + t.duplicated && stats &&
               stats->received == t.unitsOut;
    }, 10s)) << "sent " << sent << ", the proxy got " << proxy.tallies().toServer.unitsIn << " and forwarded "
             << proxy.tallies().toServer.unitsOut;
    const ImpairmentTally t = proxy.tallies().toServer;
    const SequenceStats stats = *receiver.sequenceStats();
    EXPECT_EQ(stats.duplicated, t.duplicated);
    EXPECT_EQ(stats.reordered, t.reordered);
    // The receiver sees a gap below the highest number it got; a drop after it is lost to it as well.
    EXPECT_EQ(stats.lost + (sent - stats.expected), t.dropped);
    for (std::uint64_t n : {t.dropped, t.duplicated, t.reordered}) {
        EXPECT_GT(n, sent / 40) << "about 5 % each";
        EXPECT_LT(n, sent / 10);
    }
}

TEST(Proxy, HoldKeepsMessagesUntilTheyAreReleasedEditedOrDroppedAndTheFinWaitsForThem) {
    TcpServer echo(test::loopbackServer(ReplyMode::Echo));
    EventLog echoLog(echo);
    const auto echoPort = test::openAndGetPort(echo, echoLog);
    ProxyConfig config = test::proxyToLoopback(echoPort);
    config.framingToServer = parseFrameSpec("line").value();
    Proxy proxy(config);
    EventLog log(proxy);
    const auto port = test::openAndGetPort(proxy, log);
    ASSERT_NE(port, 0) << log.errors();
    proxy.setHold(ProxyDirection::ToServer, true);
    RawPeer peer(port);
    peer.write("one\ntwo\nthree\n");
    ASSERT_TRUE(test::eventually([&] {
        const auto held = proxy.held();
        return held.size() == 1 && held[0].waiting == 3;
    })) << "three lines held";
    const HeldMessages held = proxy.held().front();
    EXPECT_EQ(held.direction, ProxyDirection::ToServer);
    EXPECT_EQ(*held.next, toBytes("one\n"));
    EXPECT_EQ(peer.read(1, 200ms), "") << "nothing reaches the target while held";

    proxy.releaseHeld(held.id, ProxyDirection::ToServer, toBytes("ONE!\n")); // edited on its way
    EXPECT_EQ(peer.read(5), "ONE!\n");
    proxy.dropHeld(held.id, ProxyDirection::ToServer);
    ASSERT_TRUE(test::eventually([&] { return proxy.held().size() == 1 && proxy.held()[0].waiting == 1; }));
    EXPECT_EQ(*proxy.held()[0].next, toBytes("three\n")) << "two was dropped";
    // The client ends its side: the FIN waits behind the held message.
    peer.socket.shutdown(tcp::socket::shutdown_send);
    EXPECT_EQ(peer.read(1, 200ms), "");
    EXPECT_EQ(echoLog.count<EventClosed>(), 0u);
    proxy.setHold(ProxyDirection::ToServer, false); // lets go of everything
    EXPECT_EQ(peer.read(6), "three\n");
    EXPECT_TRUE(peer.closedByPeer()) << "then the FIN, and the echo server's close back";
    ASSERT_TRUE(log.waitFor([](const auto& events) {
        std::size_t notices = 0;
        for (const auto& e : events)
            if (const auto* n = std::get_if<EventNotice>(&e.body);
                n && (n->text.find("released the held message edited (4 bytes became 5)") != std::string::npos ||
                      n->text.find("dropped the held message (4 bytes)") != std::string::npos))
                ++notices;
        return notices == 2;
    })) << "the edit and the drop are said";
    EXPECT_TRUE(proxy.held().empty());
    proxy.releaseHeld(held.id, ProxyDirection::ToClient);
    EXPECT_TRUE(log.waitFor([&](const auto&) { return log.errors().find("has no s>c message held") != std::string::npos; }))
        << "releasing what is not held is named: " << log.errors();
}
