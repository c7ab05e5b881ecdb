// TcpClient behaviours: connect timeout, reset vs orderly close, half-close, local bind, auto-reconnect, send budget.
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <mutex>

#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "loopback.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;
using asio::ip::tcp;

using test::clientTo;

namespace {

/// A port that was free a moment ago (a server bound it with port 0, then closed).
std::uint16_t freePort() {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();
}

} // namespace

TEST(TcpClient, ConnectTimeoutIsReportedAsTimeout) {
    // A listener that never accepts, with its accept queue full: further SYNs are dropped, so connect hangs. The
    // filler connects synchronously, so its handshake is done before the client's SYN is sent: the client cannot
    // take the one slot when the kernel is slow to process loopback packets (a busy neighbour test).
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor.listen(0);
    const auto port = acceptor.local_endpoint().port();
    tcp::socket filler(io);
    filler.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    auto config = clientTo(port);
    config.connectTimeout = std::chrono::milliseconds(300);
    TcpClient client(config);
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventError>());
    EXPECT_EQ(log.first<EventError>()->message,
              "connect to 127.0.0.1:" + std::to_string(port) + " timed out after 300 ms");
    EXPECT_EQ(log.count<EventConnected>(), 0u);
}

TEST(TcpClient, PeerResetIsToldApartFromOrderlyClose) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    TcpClient client(clientTo(acceptor.local_endpoint().port()));
    EventLog log(client);
    client.open();
    tcp::socket peer = acceptor.accept();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    peer.set_option(asio::socket_base::linger(true, 0)); // close → RST
    peer.close();
    ASSERT_TRUE(log.waitForEvent<EventClosed>());
    EXPECT_EQ(log.first<EventClosed>()->reason, CloseReason::Reset);
    EXPECT_EQ(log.first<EventClosed>()->detail,
              "connection reset by 127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()));
}

TEST(TcpClient, HalfClosedPeerStillGetsTheEchoBeforeTheClose) {
    TcpServerConfig config;
    config.bindAddress = "127.0.0.1";
    config.autoReply.mode = ReplyMode::Echo;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    asio::io_context io;
    tcp::socket peer(io);
    peer.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(peer, asio::buffer(std::string("half-close me")));
    peer.shutdown(tcp::socket::shutdown_send);
    std::string received;
    std::error_code ec;
    asio::read(peer, asio::dynamic_buffer(received), ec); // until the server's FIN
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(received, "half-close me");
    ASSERT_TRUE(serverLog.waitForEvent<EventClosed>());
    EXPECT_EQ(serverLog.first<EventClosed>()->reason, CloseReason::PeerClosed);
    EXPECT_EQ(serverLog.first<EventClosed>()->traffic, (TrafficSnapshot{13, 1, 13, 1}));
}

TEST(TcpClient, BindsTheRequestedLocalAddressAndPort) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto config = clientTo(acceptor.local_endpoint().port());
    config.localAddress = "127.0.0.1";
    config.localPort = freePort();
    TcpClient client(config);
    EventLog log(client);
    client.open();
    tcp::socket peer = acceptor.accept();
    ASSERT_TRUE(log.waitForEvent<EventConnected>()) << log.errors();
    EXPECT_EQ(log.first<EventConnected>()->local, (Endpoint{"127.0.0.1", config.localPort}));
    EXPECT_EQ(peer.remote_endpoint().port(), config.localPort);
}

TEST(TcpClient, AutoReconnectBacksOffThenConnectsWhenTheServerAppears) {
    const auto port = freePort();
    auto config = clientTo(port);
    config.autoReconnect = true;
    config.reconnectInitialDelay = std::chrono::milliseconds(20);
    config.reconnectMaxDelay = std::chrono::milliseconds(80);
    TcpClient client(config);
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitFor([](const auto& e) { return EventLog::countOf<EventReconnecting>(e) >= 4; }));
    std::vector<long> delays;
    for (const auto& e : log.events())
        if (const auto* r = std::get_if<EventReconnecting>(&e.body)) delays.push_back(static_cast<long>(r->delay.count()));
    ASSERT_GE(delays.size(), 4u);
    EXPECT_EQ(std::vector<long>(delays.begin(), delays.begin() + 4), (std::vector<long>{20, 40, 80, 80}));

    TcpServerConfig serverConfig;
    serverConfig.bindAddress = "127.0.0.1";
    serverConfig.port = port;
    TcpServer server(serverConfig);
    EventLog serverLog(server);
    ASSERT_EQ(test::openAndGetPort(server, serverLog), port) << serverLog.errors();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    EXPECT_EQ(client.state(), SessionState::Open);
    ASSERT_TRUE(serverLog.waitForEvent<EventAccepted>()); // still in the backlog, a close would reset it

    // Losing the connection starts the cycle again; a local close stops it for good.
    server.close();
    ASSERT_TRUE(log.waitForEvent<EventClosed>());
    EXPECT_EQ(log.first<EventClosed>()->reason, CloseReason::PeerClosed);
    const auto reconnectsBefore = log.count<EventReconnecting>();
    ASSERT_TRUE(log.waitFor([&](const auto& e) { return EventLog::countOf<EventReconnecting>(e) > reconnectsBefore; }));
    client.close();
    ASSERT_TRUE(test::eventually([&] { return client.state() == SessionState::Closed; }));
}

TEST(TcpClient, SendBudgetRejectsWhenThePeerDoesNotRead) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto config = clientTo(acceptor.local_endpoint().port());
    config.limits.sendBudgetBytes = 4u << 20;
    TcpClient client(config);
    EventLog log(client);
    client.open();
    tcp::socket lazyPeer = acceptor.accept(); // never reads
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    for (int i = 0; i < 64; ++i) client.send(Bytes(1u << 20, 0x42)); // 64 MiB offered
    ASSERT_TRUE(log.waitForEvent<EventSendRejected>());
    const auto* rejected = log.first<EventSendRejected>();
    EXPECT_EQ(rejected->bytes, 1u << 20);
    EXPECT_NE(rejected->reason.find("send budget of 4 MiB is full"), std::string::npos) << rejected->reason;
    EXPECT_NE(rejected->reason.find("is not reading fast enough"), std::string::npos) << rejected->reason;
    ASSERT_TRUE(log.waitFor([](const auto& e) {
        return EventLog::countOf<EventSendRejected>(e) + EventLog::countOf<EventData>(e) >= 1;
    }));
    // Accepted + rejected account for every send; what was accepted is bounded by budget + kernel buffers.
    ASSERT_TRUE(test::eventually([&] { return client.counters().sendsRejected.load() > 40; }));
    EXPECT_LT(client.counters().traffic.snapshot().txBytes, 64u << 20);

    client.send(Bytes((4u << 20) + 1, 0));
    ASSERT_TRUE(log.waitFor([](const auto& e) {
        for (const auto& x : e)
            if (const auto* r = std::get_if<EventSendRejected>(&x.body); r && r->reason.find("larger than") != std::string::npos)
                return true;
        return false;
    }));
}

TEST(TcpClient, HalfCloseSendsFinAndStillReceivesTheAnswer) {
    TcpServerConfig config;
    config.bindAddress = "127.0.0.1";
    config.autoReply.mode = ReplyMode::Echo;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(clientTo(port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    client.send(Bytes(300000, 'e'));
    client.halfClose();
    client.send(toBytes("too late"));
    ASSERT_TRUE(log.waitForEvent<EventClosed>());
    EXPECT_EQ(log.first<EventClosed>()->reason, CloseReason::PeerClosed);
    EXPECT_EQ(log.bytesCount(Direction::Rx), 300000u);
    ASSERT_NE(log.first<EventSendRejected>(), nullptr);
    EXPECT_EQ(log.first<EventSendRejected>()->bytes, 8u);
}

TEST(TcpClient, ALosslessQueuePausesReadingInsteadOfFoldingAndLosesNothing) {
    TcpServerConfig config;
    config.bindAddress = "127.0.0.1";
    config.limits.eventQueue.byteBudget = 8192; // over budget after the first read
    config.limits.eventQueue.overflow = QueueOverflow::PauseSources;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(clientTo(port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    for (int i = 0; i < 64; ++i) client.send(Bytes(65536, static_cast<std::uint8_t>(i)));
    // While nobody drains, the server reads no further than its budget (plus the read that crossed it): the rest
    // waits in the kernel and in the client's send queue.
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes > 0; }));
    const auto readWhileFull = server.counters().traffic.snapshot().rxBytes;
    const bool readOn = test::eventually([&] { return server.counters().traffic.snapshot().rxBytes > readWhileFull; },
                                         std::chrono::milliseconds(300));
    EXPECT_FALSE(readOn) << "the server went on reading while its lossless queue was full";
    EXPECT_LE(readWhileFull, 8192u + 65536u);
    // A consumer that drains gets every byte, in order, and no gap.
    ASSERT_TRUE(serverLog.waitFor([](const test::Events& events) {
        std::size_t rx = 0;
        for (const auto& event : events)
            if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Rx)
                rx += data->bytes->size();
        return rx == 64u * 65536;
    }, std::chrono::seconds(10))) << serverLog.bytesCount(Direction::Rx);
    EXPECT_EQ(serverLog.count<EventDisplayGap>(), 0u);
    const Bytes received = serverLog.bytes(Direction::Rx);
    for (std::size_t i = 0; i < 64; ++i) ASSERT_EQ(received[i * 65536], i) << "out of order at block " << i;
    EXPECT_EQ(server.counters().traffic.snapshot().rxBytes, 64u * 65536);
}
