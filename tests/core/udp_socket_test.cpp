// UDP sessions on loopback: exchange, peer table, reply to a chosen peer, 65,507-byte datagrams, IPv6, auto-reply.
#include <gtest/gtest.h>

#include "loopback.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "random_bytes.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;
using socketeer::test::randomBytes;

namespace {

UdpSocketConfig boundTo(std::string address) {
    UdpSocketConfig config;
    config.bindAddress = std::move(address);
    return config;
}

std::size_t rxMessages(const test::Events& events) {
    std::size_t n = 0;
    for (const auto& e : events)
        if (const auto* d = std::get_if<EventData>(&e.body); d && d->direction == Direction::Rx) ++n;
    return n;
}


} // namespace

TEST(UdpSocket, DatagramsTravelBothWaysAndPeersAreCounted) {
    UdpSocket server(boundTo("127.0.0.1"));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    ASSERT_NE(port, 0) << serverLog.errors();

    UdpSocketConfig clientConfig = boundTo("127.0.0.1");
    clientConfig.remoteHost = "127.0.0.1";
    clientConfig.remotePort = port;
    UdpSocket client(clientConfig);
    EventLog clientLog(client);
    const auto clientPort = test::openAndGetPort(client, clientLog);
    ASSERT_NE(clientPort, 0);

    client.send(toBytes("one"));
    client.send(toBytes("two!"));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return rxMessages(e) == 2; }));
    EXPECT_EQ(serverLog.bytes(Direction::Rx), toBytes("onetwo!"));
    const auto* first = serverLog.first<EventData>();
    EXPECT_EQ(first->peer, (Endpoint{"127.0.0.1", clientPort}));

    server.send(toBytes("reply"), SendTarget::toLastSender());
    ASSERT_TRUE(clientLog.waitFor([](const auto& e) { return rxMessages(e) == 1; }));
    EXPECT_EQ(clientLog.bytes(Direction::Rx), toBytes("reply"));

    auto peers = server.peers();
    ASSERT_EQ(peers.size(), 1u);
    EXPECT_EQ(peers[0].peer, (Endpoint{"127.0.0.1", clientPort}));
    EXPECT_EQ(peers[0].traffic.rxBytes, 7u);
    EXPECT_EQ(peers[0].traffic.rxMessages, 2u);
    ASSERT_TRUE(test::eventually([&] { return server.peers()[0].traffic.txMessages == 1; }));
    EXPECT_EQ(server.counters().traffic.snapshot(), (TrafficSnapshot{7, 2, 5, 1}));
}

TEST(UdpSocket, ReplyToAChosenPeerOutOfSeveral) {
    UdpSocket server(boundTo("127.0.0.1"));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    std::vector<std::unique_ptr<UdpSocket>> clients;
    std::vector<std::unique_ptr<EventLog>> logs;
    for (int i = 0; i < 3; ++i) {
        auto config = boundTo("127.0.0.1");
        config.remoteHost = "127.0.0.1";
        config.remotePort = port;
        clients.push_back(std::make_unique<UdpSocket>(config));
        logs.push_back(std::make_unique<EventLog>(*clients.back()));
        ASSERT_NE(test::openAndGetPort(*clients.back(), *logs.back()), 0);
        clients.back()->send(toBytes("hello " + std::to_string(i)));
        ASSERT_TRUE(serverLog.waitFor([i](const auto& e) { return rxMessages(e) == static_cast<std::size_t>(i + 1); }));
    }
    ASSERT_EQ(server.peers().size(), 3u);
    // Reply to the peer that said "hello 1".
    ConnectionId chosen = 0;
    for (const auto& e : serverLog.events())
        if (const auto* d = std::get_if<EventData>(&e.body); d && *d->bytes == toBytes("hello 1")) chosen = d->id;
    ASSERT_NE(chosen, 0u);
    server.send(toBytes("only you"), SendTarget::toConnection(chosen));
    ASSERT_TRUE(logs[1]->waitFor([](const auto& e) { return rxMessages(e) == 1; }));
    EXPECT_EQ(logs[1]->bytes(Direction::Rx), toBytes("only you"));
    logs[0]->waitFor([](const auto& e) { return rxMessages(e) > 0; }, std::chrono::milliseconds(100));
    logs[2]->drain();
    EXPECT_EQ(rxMessages(logs[0]->events()), 0u);
    EXPECT_EQ(rxMessages(logs[2]->events()), 0u);
}

TEST(UdpSocket, LargestIPv4DatagramArrivesIntactAndLargerIsRejected) {
    UdpSocket server(boundTo("127.0.0.1"));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    UdpSocket client(boundTo("127.0.0.1"));
    EventLog clientLog(client);
    ASSERT_NE(test::openAndGetPort(client, clientLog), 0);

    const Bytes payload = randomBytes(MaxUdpPayloadV4, 7);
    client.send(payload, SendTarget::toHost("127.0.0.1", port));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return rxMessages(e) == 1; })) << clientLog.errors();
    EXPECT_EQ(serverLog.first<EventData>()->bytes->size(), MaxUdpPayloadV4);
    EXPECT_EQ(serverLog.bytes(Direction::Rx), payload);

    client.send(Bytes(MaxUdpPayloadV4 + 1, 0x55), SendTarget::toHost("127.0.0.1", port));
    ASSERT_TRUE(clientLog.waitForEvent<EventSendRejected>());
    EXPECT_EQ(clientLog.first<EventSendRejected>()->reason,
              "datagram of 65508 bytes is larger than the UDP maximum of 65507 bytes");
}

TEST(UdpSocket, ZeroLengthDatagramIsAMessage) {
    UdpSocket server(boundTo("127.0.0.1"));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    UdpSocket client(boundTo("127.0.0.1"));
    EventLog clientLog(client);
    ASSERT_NE(test::openAndGetPort(client, clientLog), 0);
    client.send({}, SendTarget::toHost("127.0.0.1", port));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return rxMessages(e) == 1; }));
    EXPECT_EQ(server.counters().traffic.snapshot().rxMessages, 1u);
    EXPECT_EQ(server.counters().traffic.snapshot().rxBytes, 0u);
}

TEST(UdpSocket, DualStackSocketTalksToIPv4AndIPv6Peers) {
    UdpSocket server(UdpSocketConfig{}); // any address: [::] accepting IPv4 too
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    ASSERT_NE(port, 0) << serverLog.errors();
    UdpSocket v4(boundTo("127.0.0.1"));
    EventLog v4Log(v4);
    ASSERT_NE(test::openAndGetPort(v4, v4Log), 0);
    UdpSocket v6(boundTo("::1"));
    EventLog v6Log(v6);
    ASSERT_NE(test::openAndGetPort(v6, v6Log), 0) << v6Log.errors();
    v4.send(toBytes("v4"), SendTarget::toHost("127.0.0.1", port));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return rxMessages(e) == 1; }));
    v6.send(toBytes("v6"), SendTarget::toHost("::1", port));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return rxMessages(e) == 2; }));
    std::vector<std::string> senders;
    for (const auto& e : serverLog.events())
        if (const auto* d = std::get_if<EventData>(&e.body)) senders.push_back(d->peer.address);
    EXPECT_EQ(senders, (std::vector<std::string>{"127.0.0.1", "::1"}));
    // Replies go back through the same dual-stack socket to both families.
    server.send(toBytes("back"), SendTarget::toAllConnections());
    ASSERT_TRUE(v4Log.waitFor([](const auto& e) { return rxMessages(e) == 1; }));
    ASSERT_TRUE(v6Log.waitFor([](const auto& e) { return rxMessages(e) == 1; }));
}

TEST(UdpSocket, IPv4SocketRefusesAnIPv6Destination) {
    UdpSocket socket(boundTo("127.0.0.1"));
    EventLog log(socket);
    ASSERT_NE(test::openAndGetPort(socket, log), 0);
    socket.send(toBytes("x"), SendTarget::toHost("::1", 9));
    ASSERT_TRUE(log.waitForEvent<EventSendRejected>());
    EXPECT_NE(log.first<EventSendRejected>()->reason.find("cannot send to IPv6 address [::1]:9 from an IPv4 socket"),
              std::string::npos);
}

TEST(UdpSocket, PrefixedEchoServerAnswersEachDatagram) {
    auto config = boundTo("127.0.0.1");
    config.autoReply.mode = ReplyMode::PrefixedEcho;
    config.autoReply.prefix = test::textTemplate("#{n} {peer}: ");
    UdpSocket server(config);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    UdpSocket client(boundTo("127.0.0.1"));
    EventLog clientLog(client);
    const auto clientPort = test::openAndGetPort(client, clientLog);
    client.send(toBytes("a"), SendTarget::toHost("127.0.0.1", port));
    ASSERT_TRUE(clientLog.waitFor([](const auto& e) { return rxMessages(e) == 1; }));
    client.send(toBytes("b"), SendTarget::toHost("127.0.0.1", port));
    ASSERT_TRUE(clientLog.waitFor([](const auto& e) { return rxMessages(e) == 2; }));
    const std::string peer = "127.0.0.1:" + std::to_string(clientPort);
    EXPECT_EQ(clientLog.bytes(Direction::Rx), toBytes("#1 " + peer + ": a#2 " + peer + ": b"));
    // The replies leave before the requests are reported, yet the server's log shows each request before its reply.
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) {
        std::size_t tx = 0;
        for (const auto& event : e)
            if (const auto* d = std::get_if<EventData>(&event.body); d && d->direction == Direction::Tx) ++tx;
        return tx == 2;
    }));
    std::string order;
    for (const auto& event : serverLog.events())
        if (const auto* d = std::get_if<EventData>(&event.body)) order += d->direction == Direction::Rx ? "R" : "T";
    EXPECT_EQ(order, "RTRT");
}

TEST(UdpSocket, SendWithoutAnyTargetIsRejectedClearly) {
    UdpSocket socket(boundTo("127.0.0.1"));
    EventLog log(socket);
    ASSERT_NE(test::openAndGetPort(socket, log), 0);
    socket.send(toBytes("x"));
    ASSERT_TRUE(log.waitForEvent<EventSendRejected>());
    EXPECT_EQ(log.first<EventSendRejected>()->reason, "no datagram received yet: there is no sender to reply to");
    EXPECT_EQ(socket.counters().sendsRejected.load(), 1u);
}

TEST(UdpSocket, BroadcastOptionOpensAnIPv4Socket) {
    UdpSocketConfig config;
    config.broadcast = true;
    UdpSocket socket(config);
    EventLog log(socket);
    ASSERT_NE(test::openAndGetPort(socket, log), 0) << log.errors();
    EXPECT_EQ(log.first<EventOpened>()->local.address, "0.0.0.0");
    EXPECT_TRUE(log.errors().empty()) << log.errors();
}

TEST(UdpSocket, HostNamesAreResolvedOnceAndUnknownOnesRejected) {
    UdpSocket server(boundTo("127.0.0.1"));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    UdpSocket client(boundTo("127.0.0.1"));
    EventLog clientLog(client);
    ASSERT_NE(test::openAndGetPort(client, clientLog), 0);
    for (int i = 0; i < 5; ++i) client.send(toBytes(std::to_string(i)), SendTarget::toHost("localhost", port));
    ASSERT_TRUE(serverLog.waitFor([](const auto& e) { return rxMessages(e) == 5; })) << clientLog.errors();
    EXPECT_EQ(serverLog.bytes(Direction::Rx), toBytes("01234")); // queued behind one lookup, in order

    client.send(toBytes("x"), SendTarget::toHost("no-such-host.invalid", 9));
    ASSERT_TRUE(clientLog.waitForEvent<EventSendRejected>(std::chrono::seconds(20)));
    EXPECT_EQ(clientLog.first<EventSendRejected>()->reason, "host 'no-such-host.invalid' not found");
    EXPECT_NE(clientLog.errors().find("cannot resolve host 'no-such-host.invalid': "), std::string::npos);
}
