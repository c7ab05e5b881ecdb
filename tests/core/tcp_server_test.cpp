// TcpServer registry and automation: many clients, send to all, relay, kick, limits, allow-list, replies, shutdown.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "loopback.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;

namespace {

struct ConnectedClient {
    std::unique_ptr<TcpClient> session;
    std::unique_ptr<EventLog> log;
};

std::vector<ConnectedClient> connectClients(std::uint16_t port, std::size_t count, std::string host = "127.0.0.1") {
    std::vector<ConnectedClient> clients;
    for (std::size_t i = 0; i < count; ++i) {
        TcpClientConfig config;
        config.host = host;
        config.port = port;
        auto session = std::make_unique<TcpClient>(config);
        auto log = std::make_unique<EventLog>(*session);
        session->open();
        clients.push_back({std::move(session), std::move(log)});
    }
    for (auto& client : clients) EXPECT_TRUE(client.log->waitForEvent<EventConnected>()) << client.log->errors();
    return clients;
}

auto rxAtLeast(std::size_t n) {
    return [n](const test::Events& events) {
        std::size_t total = 0;
        for (const auto& e : events)
            if (const auto* d = std::get_if<EventData>(&e.body); d && d->direction == Direction::Rx) total += d->bytes->size();
        return total >= n;
    };
}

std::uint16_t startServer(TcpServer& server, EventLog& log) {
    const auto port = test::openAndGetPort(server, log);
    EXPECT_NE(port, 0) << log.errors();
    return port;
}

} // namespace

TEST(TcpServer, FiftyClientsReceiveSendToAllAndTheRegistryCountsEach) {
    TcpServer server(test::loopbackServer());
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 50);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 50; }));
    EXPECT_EQ(server.peers().size(), 50u);
    EXPECT_EQ(server.counters().activeConnections.load(), 50u);

    server.send(toBytes("to everyone"), SendTarget::toAllConnections());
    for (auto& client : clients) {
        ASSERT_TRUE(client.log->waitFor(rxAtLeast(11)));
        EXPECT_EQ(client.log->bytes(Direction::Rx), toBytes("to everyone"));
    }
    // Per-peer figures are updated after the session's counters: wait for the last of them.
    ASSERT_TRUE(test::eventually([&] {
        const auto peers = server.peers();
        return peers.size() == 50 && std::all_of(peers.begin(), peers.end(), [](const auto& p) { return p.traffic.txBytes == 11; });
    }));
    EXPECT_EQ(server.counters().traffic.snapshot().txMessages, 50u);
    EXPECT_EQ(server.counters().traffic.snapshot().txBytes, 50u * 11);
}

TEST(TcpServer, RelayForwardsEachClientsMessageToEveryOtherClient) {
    auto config = test::loopbackServer();
    config.autoReply.relay = true;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 50);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 50; }));

    clients[7].session->send(toBytes("chat line"));
    for (std::size_t i = 0; i < clients.size(); ++i) {
        if (i == 7) continue;
        ASSERT_TRUE(clients[i].log->waitFor(rxAtLeast(9))) << "client " << i;
        EXPECT_EQ(clients[i].log->bytes(Direction::Rx), toBytes("chat line"));
    }
    // The sender does not get its own line back.
    clients[7].log->waitFor(rxAtLeast(1), std::chrono::milliseconds(200));
    EXPECT_TRUE(clients[7].log->bytes(Direction::Rx).empty());
}

TEST(TcpServer, SendToOneClientReachesOnlyThatClient) {
    TcpServer server(test::loopbackServer());
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 3);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 3; }));
    // Find the registry id of clients[1] by its local endpoint.
    const Endpoint wanted = clients[1].log->first<EventConnected>()->local;
    ConnectionId id = 0;
    for (const auto& peer : server.peers())
        if (peer.peer == wanted) id = peer.id;
    ASSERT_NE(id, 0u);
    server.send(toBytes("just you"), SendTarget::toConnection(id));
    ASSERT_TRUE(clients[1].log->waitFor(rxAtLeast(8)));
    EXPECT_EQ(clients[1].log->bytes(Direction::Rx), toBytes("just you"));
    clients[0].log->waitFor(rxAtLeast(1), std::chrono::milliseconds(100));
    clients[2].log->drain();
    EXPECT_TRUE(clients[0].log->bytes(Direction::Rx).empty());
    EXPECT_TRUE(clients[2].log->bytes(Direction::Rx).empty());

    server.send(toBytes("x"), SendTarget::toConnection(9999));
    ASSERT_TRUE(serverLog.waitForEvent<EventSendRejected>());
    EXPECT_EQ(serverLog.first<EventSendRejected>()->reason, "client #9999 is not connected");
}

TEST(TcpServer, KickDisconnectsOneClientAndOthersStay) {
    TcpServer server(test::loopbackServer());
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 2);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 2; }));
    const ConnectionId victim = serverLog.first<EventAccepted>()->id;
    const Endpoint victimEndpoint = serverLog.first<EventAccepted>()->remote;
    server.kick(victim);
    ASSERT_TRUE(serverLog.waitForEvent<EventClosed>());
    EXPECT_EQ(serverLog.first<EventClosed>()->reason, CloseReason::Kicked);
    EXPECT_EQ(serverLog.first<EventClosed>()->id, victim);
    EXPECT_EQ(server.peers().size(), 1u);
    // The kicked client sees the close; the other one still talks to the server.
    auto& kicked = clients[0].log->first<EventConnected>()->local == victimEndpoint ? clients[0] : clients[1];
    auto& other = &kicked == &clients[0] ? clients[1] : clients[0];
    ASSERT_TRUE(kicked.log->waitForEvent<EventClosed>());
    other.session->send(toBytes("still here"));
    ASSERT_TRUE(serverLog.waitFor(rxAtLeast(10)));
    EXPECT_EQ(serverLog.bytes(Direction::Rx), toBytes("still here"));
}

TEST(TcpServer, MaxClientsRefusesTheNextClientWithAnEvent) {
    auto config = test::loopbackServer();
    config.maxClients = 2;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 2);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 2; }));
    auto third = connectClients(port, 1); // the TCP handshake completes in the kernel, then the server closes it
    ASSERT_TRUE(serverLog.waitForEvent<EventRefused>());
    EXPECT_EQ(serverLog.first<EventRefused>()->reason,
              "refused " + third[0].log->first<EventConnected>()->local.toString() + ": the limit of 2 clients is reached");
    ASSERT_TRUE(third[0].log->waitForEvent<EventClosed>());
    EXPECT_EQ(server.counters().connectionsRefused.load(), 1u);
    EXPECT_EQ(server.peers().size(), 2u);
}

TEST(TcpServer, AllowListRefusesPeersOutsideIt) {
    auto config = test::loopbackServer();
    config.allowList.push_back(Cidr::parse("10.0.0.0/8").value());
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 1);
    ASSERT_TRUE(serverLog.waitForEvent<EventRefused>());
    EXPECT_NE(serverLog.first<EventRefused>()->reason.find("not in the allow-list"), std::string::npos);
    EXPECT_EQ(serverLog.count<EventAccepted>(), 0u);

    auto allowing = test::loopbackServer();
    allowing.allowList.push_back(Cidr::parse("127.0.0.0/8").value());
    TcpServer server2(allowing);
    EventLog log2(server2);
    const auto port2 = startServer(server2, log2);
    auto allowed = connectClients(port2, 1);
    ASSERT_TRUE(log2.waitForEvent<EventAccepted>());
    EXPECT_EQ(log2.count<EventRefused>(), 0u);
}

TEST(TcpServer, EchoPrefixedEchoAndFixedReply) {
    struct Case {
        ReplyMode mode;
        std::string reply;
        std::string prefix;
        std::string expectedStart;
        std::string expectedEnd;
    };
    for (const Case& c : {Case{ReplyMode::Echo, "", "", "ping", "ping"},
                          Case{ReplyMode::Fixed, "ack {n} from server", "", "ack 1 from server", "ack 1 from server"},
                          Case{ReplyMode::PrefixedEcho, "", "[{time}] ", "[", "] ping"}}) {
        auto config = test::loopbackServer();
        config.autoReply.mode = c.mode;
        config.autoReply.reply = test::textTemplate(c.reply);
        config.autoReply.prefix = test::textTemplate(c.prefix);
        TcpServer server(config);
        EventLog serverLog(server);
        const auto port = startServer(server, serverLog);
        auto clients = connectClients(port, 1);
        clients[0].session->send(toBytes("ping"));
        ASSERT_TRUE(clients[0].log->waitFor(rxAtLeast(c.expectedEnd.size())));
        const std::string got(asChars(clients[0].log->bytes(Direction::Rx)));
        EXPECT_TRUE(got.starts_with(c.expectedStart)) << got;
        EXPECT_TRUE(got.ends_with(c.expectedEnd)) << got;
        if (c.mode == ReplyMode::PrefixedEcho) {
            // "[Mon Nov 23 10:00:00 2026] ping": the asctime layout is 24 characters.
            EXPECT_EQ(got.size(), 1 + 24 + 2 + 4) << got;
        }
    }
}

TEST(TcpServer, EchoLeavesAtOnceYetEachRequestIsReportedBeforeItsReply) {
    auto config = test::loopbackServer();
    config.autoReply.mode = ReplyMode::Echo;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 1);
    for (const char* request : {"one", "two", "three"}) {
        const std::size_t before = clients[0].log->bytes(Direction::Rx).size();
        clients[0].session->send(toBytes(request));
        ASSERT_TRUE(clients[0].log->waitFor(rxAtLeast(before + std::strlen(request))));
    }
    std::string order;
    ASSERT_TRUE(serverLog.waitFor([&](const auto& events) {
        order.clear();
        for (const auto& e : events)
            if (const auto* d = std::get_if<EventData>(&e.body)) order += d->direction == Direction::Rx ? "R" : "T";
        return order.size() == 6;
    })) << order;
    EXPECT_EQ(order, "RTRTRT");
    EXPECT_EQ(serverLog.bytes(Direction::Tx), toBytes("onetwothree"));
}

TEST(TcpServer, WelcomeThenCloseIsADatetimeServer) {
    auto config = test::loopbackServer();
    config.autoReply.welcome = test::textTemplate("{time}\n");
    config.autoReply.closeAfterReply = true;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 1);
    ASSERT_TRUE(clients[0].log->waitForEvent<EventClosed>());
    const std::string got(asChars(clients[0].log->bytes(Direction::Rx)));
    EXPECT_EQ(got.size(), 25u) << got;
    EXPECT_EQ(got.back(), '\n');
    EXPECT_EQ(clients[0].log->first<EventClosed>()->reason, CloseReason::PeerClosed);
    ASSERT_TRUE(serverLog.waitForEvent<EventClosed>());
    EXPECT_EQ(serverLog.first<EventClosed>()->reason, CloseReason::Local);
}

TEST(TcpServer, EchoWithCloseAfterReplyAnswersThenHangsUp) {
    auto config = test::loopbackServer();
    config.autoReply.mode = ReplyMode::Echo;
    config.autoReply.welcome = test::textTemplate("hi\n");
    config.autoReply.closeAfterReply = true;
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    auto clients = connectClients(port, 1);
    ASSERT_TRUE(clients[0].log->waitFor(rxAtLeast(3)));
    clients[0].session->send(toBytes("bye"));
    ASSERT_TRUE(clients[0].log->waitForEvent<EventClosed>());
    EXPECT_EQ(clients[0].log->bytes(Direction::Rx), toBytes("hi\nbye"));
}

TEST(TcpServer, StoppingWithHundredClientsTakesUnderASecond) {
    auto server = std::make_unique<TcpServer>(test::loopbackServer());
    EventLog serverLog(*server);
    const auto port = startServer(*server, serverLog);
    auto clients = connectClients(port, 100);
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 100; }));
    const auto start = std::chrono::steady_clock::now();
    server.reset(); // close every connection, stop the worker, join its thread
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(1));
    for (auto& client : clients) {
        ASSERT_TRUE(client.log->waitForEvent<EventClosed>());
        EXPECT_EQ(client.log->first<EventClosed>()->reason, CloseReason::PeerClosed);
    }
}

TEST(TcpServer, DualStackServerAcceptsIPv4AndIPv6Clients) {
    TcpServerConfig config; // all interfaces: [::] with IPv4 mapped in
    TcpServer server(config);
    EventLog serverLog(server);
    const auto port = startServer(server, serverLog);
    EXPECT_EQ(serverLog.first<EventOpened>()->local.address, "::");
    auto v4 = connectClients(port, 1, "127.0.0.1");
    auto v6 = connectClients(port, 1, "::1");
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return EventLog::countOf<EventAccepted>(e) == 2; }));
    std::vector<std::string> addresses;
    for (const auto& e : serverLog.events())
        if (const auto* a = std::get_if<EventAccepted>(&e.body)) addresses.push_back(a->remote.address);
    std::sort(addresses.begin(), addresses.end());
    EXPECT_EQ(addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
}
