// Hostile peers against real sessions on loopback: connection storms, resets mid-transfer, half-close, peers that never
// read. Each test checks that the session keeps serving its other clients and that its counters stay exact.
#include <gtest/gtest.h>

#include <numeric>
#include <thread>

#include "loopback.hpp"
#include "resources.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "stress_support.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using namespace std::chrono_literals;
using test::EventLog;
using test::EventTally;

using test::clientTo;
using test::loopbackServer;

TEST(HostilePeers, StormOfTenThousandConnectionsWhileAnotherClientIsServed) {
    TcpServer server(loopbackServer(ReplyMode::Echo));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    EventTally tally(server); // drains the server's queue from here on
    ASSERT_NE(port, 0);

    // The client that must keep being served: it sends 5 bytes every 5 ms and gets each echoed back.
    TcpClient steady(clientTo(port));
    EventLog steadyLog(steady);
    steady.open();
    ASSERT_TRUE(steadyLog.waitForEvent<EventConnected>());
    steady.startRepeat({toBytes("alive"), SendTarget::toDefault(), 5ms, 0, nullptr});

    // 10,000 connections in waves of 100: a third send 5 bytes and close, a third reset at once, a third just close.
    constexpr std::size_t Storm = 10'000, Wave = 100;
    std::size_t senders = 0, resets = 0;
    std::uint64_t steadyRxDuringStorm = 0;
    const auto steadyRxBefore = steady.counters().traffic.snapshot().rxBytes;
    const auto stormStart = std::chrono::steady_clock::now();
    asio::io_context io;
    for (std::size_t first = 0; first < Storm; first += Wave) {
        std::vector<asio::ip::tcp::socket> wave;
        for (std::size_t i = first; i < first + Wave; ++i) wave.push_back(test::connectRaw(io, port));
        for (std::size_t i = 0; i < wave.size(); ++i) {
            switch ((first + i) % 3) {
            case 0:
                asio::write(wave[i], asio::buffer("storm", 5));
                ++senders;
                wave[i].close();
                break;
            case 1:
                test::resetConnection(wave[i]);
                ++resets;
                break;
            default: wave[i].close();
            }
        }
    }
    steadyRxDuringStorm = steady.counters().traffic.snapshot().rxBytes - steadyRxBefore;
    const auto stormTime = std::chrono::steady_clock::now() - stormStart;

    // A fence: the listen queue is first in, first out, so once this last client is accepted, every storm connection
    // before it was either accepted or dropped by the kernel (one reset before accept() is never seen: ECONNABORTED).
    auto last = test::connectRaw(io, port);
    const auto lastPort = last.local_endpoint().port();
    ASSERT_TRUE(test::eventually([&] {
        for (const auto& p : server.peers())
            if (p.peer.port == lastPort) return true;
        return false;
    }, 60s)) << "the server stopped accepting";
    // The peer table is filled a moment before the accepted event reaches the tally: wait for the event too.
    ASSERT_TRUE(test::eventually([&] { return tally.accepted() == server.counters().connectionsOpened.load(); }));
    const std::size_t accepted = tally.accepted() - 2; // without the steady client and the fence
    EXPECT_GE(accepted, Storm - resets) << "connections that were not reset must all be accepted";
    ASSERT_TRUE(test::eventually([&] { return tally.closedConnections() == accepted; }, 60s))
        << tally.closedConnections() << " of " << accepted << " accepted storm connections closed";
    EXPECT_EQ(server.counters().connectionsOpened.load(), accepted + 2);
    EXPECT_EQ(server.counters().activeConnections.load(), 2u);
    EXPECT_EQ(server.peers().size(), 2u);
    EXPECT_GT(tally.closed(CloseReason::Reset), 0u) << "resets must be reported as resets";
    EXPECT_GT(steadyRxDuringStorm, 0u) << "the steady client got no echo while the storm ran";
    EXPECT_TRUE(tally.errors().empty()) << tally.errors().front();

    // Exact counting: the server received every byte the storm and the steady client sent, and echoed them all.
    steady.stopRepeat();
    ASSERT_TRUE(steadyLog.waitFor([](const auto& e) {
        for (const auto& x : e)
            if (const auto* n = std::get_if<EventNotice>(&x.body); n && n->text.starts_with("repeat stopped")) return true;
        return false;
    }));
    ASSERT_TRUE(test::eventually([&] {
        const auto s = steady.counters().traffic.snapshot();
        return s.rxBytes == s.txBytes;
    })) << "echoes missing for the steady client";
    const auto steadyTx = steady.counters().traffic.snapshot().txBytes;
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes == steadyTx + 5 * senders; }))
        << server.counters().traffic.snapshot().rxBytes << " vs " << steadyTx + 5 * senders;
    std::cout << "[ figures  ] storm of " << Storm << " connections in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(stormTime).count() << " ms (" << resets
              << " reset by the peer, " << Storm - accepted << " of them before accept); the steady client had "
              << steadyRxDuringStorm << " bytes echoed during it\n";
}

TEST(HostilePeers, PeerResettingMidTransferIsReportedAndTheServerGoesOn) {
    TcpServer server(loopbackServer());
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    EventTally tally(server); // drains the server's queue from here on
    TcpClient bystander(clientTo(port));
    EventLog bystanderLog(bystander);
    bystander.open();
    ASSERT_TRUE(bystanderLog.waitForEvent<EventConnected>());

    asio::io_context io;
    // Upload: once the server is reading, the peer sends 2 MiB more and resets without waiting. (A connection reset
    // before the server accepted it is never seen by the server at all: the kernel drops it from the listen queue.)
    {
        auto peer = test::connectRaw(io, port);
        const std::vector<std::uint8_t> chunk(1 << 20, 0x5a);
        asio::write(peer, asio::buffer(chunk));
        ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes >= chunk.size(); }));
        asio::write(peer, asio::buffer(chunk));
        asio::write(peer, asio::buffer(chunk));
        test::resetConnection(peer);
    }
    ASSERT_TRUE(test::eventually([&] { return tally.closed(CloseReason::Reset) == 1; })) << tally.closedSummary();
    EXPECT_TRUE(tally.closeDetails(CloseReason::Reset).front().starts_with("connection reset by 127.0.0.1:"))
        << tally.closeDetails(CloseReason::Reset).front();
    EXPECT_LE(server.counters().traffic.snapshot().rxBytes, 3u << 20);

    // Download: the server streams 32 MiB to a peer that reads 1 MiB and resets.
    {
        auto peer = test::connectRaw(io, port);
        ASSERT_TRUE(test::eventually([&] { return server.peers().size() == 2; }));
        for (const auto& p : server.peers())
            if (p.peer.port == peer.local_endpoint().port())
                for (int i = 0; i < 32; ++i) server.send(Bytes(1 << 20, 0xa5), SendTarget::toConnection(p.id));
        std::vector<std::uint8_t> sink(1 << 20);
        asio::read(peer, asio::buffer(sink));
        test::resetConnection(peer);
    }
    ASSERT_TRUE(test::eventually([&] { return tally.closedConnections() == 2; })) << tally.closedSummary();
    EXPECT_EQ(tally.closed(CloseReason::Reset), 2u) << "a write into a reset connection is a reset, not a vague error: "
                                                    << tally.closedSummary();
    EXPECT_EQ(server.counters().activeConnections.load(), 1u);

    // The bystander is still served, both ways.
    const auto rxBefore = server.counters().traffic.snapshot().rxBytes;
    bystander.send(toBytes("still there?"));
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes == rxBefore + 12; }));
    server.send(toBytes("yes"), SendTarget::toAllConnections());
    ASSERT_TRUE(bystanderLog.waitFor([](const auto& e) {
        for (const auto& x : e)
            if (const auto* d = std::get_if<EventData>(&x.body); d && d->direction == Direction::Rx) return true;
        return false;
    }));
    EXPECT_EQ(bystanderLog.bytes(Direction::Rx), toBytes("yes"));
}

TEST(HostilePeers, HalfClosingPeerGetsEveryEchoThenTheServerCloses) {
    TcpServer server(loopbackServer(ReplyMode::Echo));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    EventTally tally(server); // drains the server's queue from here on
    asio::io_context io;
    auto peer = test::connectRaw(io, port);
    std::vector<std::uint8_t> sent(3u << 20);
    for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<std::uint8_t>(i * 7);
    // Write and read at once (the echo would otherwise fill both directions' buffers and stall us), then FIN.
    std::vector<std::uint8_t> received;
    std::thread reader([&] {
        std::vector<std::uint8_t> buffer(65536);
        std::error_code ec;
        for (;;) {
            const auto n = peer.read_some(asio::buffer(buffer), ec);
            if (ec) break;
            received.insert(received.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
        }
    });
    asio::write(peer, asio::buffer(sent));
    peer.shutdown(asio::socket_base::shutdown_send);
    reader.join(); // ends at the server's FIN
    EXPECT_EQ(received.size(), sent.size());
    EXPECT_TRUE(received == sent);
    ASSERT_TRUE(test::eventually([&] { return tally.closed(CloseReason::PeerClosed) == 1; }));
    EXPECT_EQ(server.counters().traffic.snapshot().txBytes, sent.size());
}

TEST(HostilePeers, PeerThatNeverReadsHitsTheSendBudgetAndMemoryStaysFlat) {
    TcpServerConfig config = loopbackServer();
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    EventTally tally(server); // drains the server's queue from here on
    asio::io_context io;
    asio::ip::tcp::socket peer(io);
    peer.open(asio::ip::tcp::v4());
    peer.set_option(asio::socket_base::receive_buffer_size(64 * 1024));
    peer.connect({asio::ip::address_v4::loopback(), port});
    ASSERT_TRUE(test::eventually([&] { return server.peers().size() == 1; }));
    const auto id = server.peers().front().id;

    // 100 MB offered in 1 MB sends to a peer that reads nothing.
    const std::size_t residentBefore = test::residentBytes();
    constexpr std::size_t Offered = 100, SendSize = 1'000'000;
    for (std::size_t i = 0; i < Offered; ++i) server.send(Bytes(SendSize, static_cast<std::uint8_t>(i)), SendTarget::toConnection(id));
    // A fence: the worker handles calls in order, so once this kick is answered every send before it was decided.
    server.kick(999'999);
    ASSERT_TRUE(test::eventually([&] { return !tally.errors().empty(); }, 20s));
    EXPECT_EQ(tally.errors().front(), "cannot kick client #999999: it is not connected");
    {
        // The display queue holds the written payloads' Tx events until drained, as a front end does each frame.
        std::vector<SessionEvent> shown;
        server.events().drain(shown);
    }
    const std::size_t residentAfter = test::residentBytes();
    const auto rejected = server.counters().sendsRejected.load();
    EXPECT_GE(rejected, Offered - config.limits.sendBudgetBytes / SendSize - 8) << "the budget let too much queue up";
    ASSERT_FALSE(tally.rejectReasons().empty());
    EXPECT_NE(tally.rejectReasons().front().find("127.0.0.1:"), std::string::npos) << tally.rejectReasons().front();
    EXPECT_NE(tally.rejectReasons().front().find("budget"), std::string::npos) << tally.rejectReasons().front();
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    // ASan keeps freed blocks in quarantine and TSan shadows every allocation, so RSS says nothing there.
    // Budget 16 MiB + kernel buffers + slack.
    EXPECT_LT(residentAfter, residentBefore + (48u << 20)) << "resident memory grew from " << residentBefore << " to "
                                                            << residentAfter;
#endif
    std::cout << "[ figures  ] never-reading peer: " << rejected << " of " << Offered << " sends rejected, RSS "
              << residentBefore / 1024 << " -> " << residentAfter / 1024 << " KiB\n";

    // When the peer reads at last, every byte the server accepted arrives, in order, and nothing else.
    const std::uint64_t accepted = (Offered - rejected) * SendSize;
    std::vector<std::uint8_t> buffer(1 << 20);
    std::uint64_t got = 0;
    std::error_code ec;
    while (got < accepted && !ec) got += peer.read_some(asio::buffer(buffer), ec);
    EXPECT_EQ(got, accepted);
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().txBytes == accepted; }));
}
