// TCP client and server sessions on loopback: connect, exchange, close reasons, errors, registry, limits, replies.
#include <gtest/gtest.h>

#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "loopback.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;

using test::clientTo;
using test::loopbackServer;

namespace {

bool hasRx(const test::Events& events, std::size_t bytes) {
    std::size_t total = 0;
    for (const auto& e : events)
        if (const auto* d = std::get_if<EventData>(&e.body); d && d->direction == Direction::Rx) total += d->bytes->size();
    return total >= bytes;
}

} // namespace

TEST(TcpSession, ServerReportsRealPortAndClientExchangesBytesBothWays) {
    TcpServer server(loopbackServer());
    EventLog serverLog(server);
    const std::uint16_t port = test::openAndGetPort(server, serverLog);
    ASSERT_NE(port, 0) << serverLog.errors();
    EXPECT_EQ(serverLog.first<EventOpened>()->local.address, "127.0.0.1");
    EXPECT_EQ(server.state(), SessionState::Open);

    TcpClient client(clientTo(port));
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>()) << clientLog.errors();
    const auto* connected = clientLog.first<EventConnected>();
    EXPECT_EQ(connected->remote, (Endpoint{"127.0.0.1", port}));
    EXPECT_NE(connected->local.port, 0);
    ASSERT_TRUE(serverLog.waitForEvent<EventAccepted>());
    EXPECT_EQ(serverLog.first<EventAccepted>()->remote, connected->local);

    client.send(toBytes("hello server"));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return hasRx(e, 12); }));
    EXPECT_EQ(serverLog.bytes(Direction::Rx), toBytes("hello server"));
    EXPECT_TRUE(clientLog.waitFor([](const auto& e) { return EventLog::countOf<EventData>(e) == 1; }));
    EXPECT_EQ(clientLog.bytes(Direction::Tx), toBytes("hello server"));

    server.send(toBytes("hello client"));
    ASSERT_TRUE(clientLog.waitFor([](const auto& e) { return hasRx(e, 12); }));
    EXPECT_EQ(clientLog.bytes(Direction::Rx), toBytes("hello client"));

    EXPECT_EQ(client.counters().traffic.snapshot(), (TrafficSnapshot{12, 1, 12, 1}));
    // The per-peer figures are updated last, after the session's counters, on the server's worker.
    ASSERT_TRUE(test::eventually([&] {
        const auto p = server.peers();
        return p.size() == 1 && p[0].traffic.txMessages == 1;
    }));
    EXPECT_EQ(server.counters().traffic.snapshot(), (TrafficSnapshot{12, 1, 12, 1}));
    auto peers = server.peers();
    ASSERT_EQ(peers.size(), 1u);
    EXPECT_EQ(peers[0].traffic, (TrafficSnapshot{12, 1, 12, 1}));
    EXPECT_EQ(peers[0].peer, connected->local);
}

TEST(TcpSession, ClientSeesOrderlyServerCloseAsPeerClosed) {
    TcpServer server(loopbackServer());
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(clientTo(port));
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>());
    ASSERT_TRUE(serverLog.waitForEvent<EventAccepted>());
    server.close();
    ASSERT_TRUE(clientLog.waitForEvent<EventClosed>());
    const auto* closed = clientLog.first<EventClosed>();
    EXPECT_EQ(closed->reason, CloseReason::PeerClosed);
    EXPECT_EQ(closed->detail, "closed by peer 127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(client.state(), SessionState::Closed);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventClosed>(e) == 2; }));
}

TEST(TcpSession, RefusedConnectionNamesTheEndpoint) {
    // Find a port nobody listens on: open a server, note its port, close it.
    std::uint16_t port = 0;
    {
        TcpServer probe(loopbackServer());
        EventLog log(probe);
        port = test::openAndGetPort(probe, log);
    }
    TcpClient client(clientTo(port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventError>());
    EXPECT_EQ(log.first<EventError>()->message,
              "connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused");
    EXPECT_TRUE(test::eventually([&] { return client.state() == SessionState::Closed; }));
}

TEST(TcpSession, UnknownHostIsReported) {
    TcpClient client(clientTo(9, "no-such-host.invalid"));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventError>(std::chrono::seconds(20)));
    EXPECT_EQ(log.first<EventError>()->message.rfind("cannot resolve host 'no-such-host.invalid': ", 0), 0u)
        << log.first<EventError>()->message;
}

TEST(TcpSession, PortInUseIsReported) {
    TcpServer first(loopbackServer());
    EventLog firstLog(first);
    const auto port = test::openAndGetPort(first, firstLog);
    auto config = loopbackServer();
    config.port = port;
    config.reuseAddress = false;
    TcpServer second(config);
    EventLog log(second);
    EXPECT_EQ(test::openAndGetPort(second, log), 0);
    ASSERT_NE(log.first<EventError>(), nullptr);
    EXPECT_EQ(log.first<EventError>()->message.rfind("cannot listen on 127.0.0.1:" + std::to_string(port) +
                                                         ": Address already in use",
                                                     0),
              0u)
        << log.first<EventError>()->message;
    EXPECT_EQ(second.state(), SessionState::Closed);
}

TEST(TcpSession, HostNamesAreResolved) {
    TcpServer server(TcpServerConfig{}); // dual-stack, so either address "localhost" gives will do
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(clientTo(port, "localhost"));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>()) << log.errors();
    const std::string address = log.first<EventConnected>()->remote.address;
    EXPECT_TRUE(address == "127.0.0.1" || address == "::1") << address;
}
