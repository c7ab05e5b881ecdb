// Multicast: IPv4 groups on loopback; IPv6 groups between two network namespaces the test creates (veth pair).
#include <gtest/gtest.h>

#include "netns.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;

namespace {

std::size_t rxMessages(const test::Events& events) {
    std::size_t n = 0;
    for (const auto& e : events)
        if (const auto* d = std::get_if<EventData>(&e.body); d && d->direction == Direction::Rx) ++n;
    return n;
}

bool hasNotice(const test::Events& events, const std::string& text) {
    for (const auto& e : events)
        if (const auto* n = std::get_if<EventNotice>(&e.body); n && n->text == text) return true;
    return false;
}

} // namespace

TEST(Multicast, IPv4GroupOnLoopbackReceivesAndLeaveStopsIt) {
    UdpSocketConfig receiverConfig;
    receiverConfig.multicast.groups = {"239.255.42.99"};
    receiverConfig.multicast.interfaceName = "127.0.0.1";
    UdpSocket receiver(receiverConfig);
    EventLog receiverLog(receiver);
    const auto port = test::openAndGetPort(receiver, receiverLog);
    ASSERT_NE(port, 0) << receiverLog.errors();
    EXPECT_EQ(receiverLog.first<EventOpened>()->local.address, "0.0.0.0");
    ASSERT_TRUE(receiverLog.waitFor([](const auto& e) {
        return hasNotice(e, "joined multicast group 239.255.42.99 on interface 127.0.0.1");
    })) << receiverLog.errors();

    UdpSocketConfig senderConfig;
    senderConfig.bindAddress = "127.0.0.1";
    senderConfig.multicast.interfaceName = "127.0.0.1";
    senderConfig.multicast.hops = 1;
    UdpSocket sender(senderConfig);
    EventLog senderLog(sender);
    ASSERT_NE(test::openAndGetPort(sender, senderLog), 0);
    sender.send(toBytes("to the group"), SendTarget::toHost("239.255.42.99", port));
    ASSERT_TRUE(receiverLog.waitFor([](const auto& e) { return rxMessages(e) == 1; })) << senderLog.errors();
    EXPECT_EQ(receiverLog.bytes(Direction::Rx), toBytes("to the group"));

    receiver.leaveGroup("239.255.42.99", "127.0.0.1");
    ASSERT_TRUE(receiverLog.waitFor([](const auto& e) {
        return hasNotice(e, "left multicast group 239.255.42.99 on interface 127.0.0.1");
    }));
    sender.send(toBytes("nobody listens"), SendTarget::toHost("239.255.42.99", port));
    ASSERT_TRUE(senderLog.waitFor([](const auto& e) {
        std::size_t tx = 0;
        for (const auto& x : e)
            if (const auto* d = std::get_if<EventData>(&x.body); d && d->direction == Direction::Tx) ++tx;
        return tx == 2;
    }));
    receiverLog.waitFor([](const auto& e) { return rxMessages(e) > 1; }, std::chrono::milliseconds(200));
    EXPECT_EQ(rxMessages(receiverLog.events()), 1u);
}

TEST(Multicast, BadGroupsAreRefusedWithAReason) {
    UdpSocketConfig config;
    config.bindAddress = "127.0.0.1";
    UdpSocket socket(config);
    EventLog log(socket);
    ASSERT_NE(test::openAndGetPort(socket, log), 0);
    socket.joinGroup("10.1.2.3");
    ASSERT_TRUE(log.waitForEvent<EventError>());
    EXPECT_EQ(log.first<EventError>()->message, "cannot join '10.1.2.3': not a multicast address");
    socket.joinGroup("ff12::1234");
    ASSERT_TRUE(log.waitFor([](const auto& e) { return EventLog::countOf<EventError>(e) == 2; }));
    EXPECT_NE(log.errors().find("cannot join ff12::1234 on an IPv4 socket (bind to an IPv6 address)"), std::string::npos)
        << log.errors();
}

TEST(Multicast, IPv6GroupAcrossTwoNamespaces) {
    if (const auto reason = test::namespaceUnavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    test::NamespacePair pair;
    if (!pair.ready()) GTEST_SKIP() << "could not create network namespaces and a veth pair here";
    ASSERT_TRUE(pair.waitForLinkLocal()) << "IPv6 link-local addresses never became usable";

    std::unique_ptr<UdpSocket> receiver, sender;
    ASSERT_TRUE(test::inNamespace(pair.nameB(), [&] {
        UdpSocketConfig config;
        config.bindAddress = "::";
        config.multicast.groups = {"ff12::1234"};
        config.multicast.interfaceName = pair.ifaceB();
        receiver = std::make_unique<UdpSocket>(config);
    }));
    EventLog receiverLog(*receiver);
    const auto port = test::openAndGetPort(*receiver, receiverLog);
    ASSERT_NE(port, 0) << receiverLog.errors();
    ASSERT_TRUE(receiverLog.waitFor([&](const auto& e) {
        return hasNotice(e, "joined multicast group ff12::1234 on interface " + pair.ifaceB());
    })) << receiverLog.errors();

    // A second member on the sender's own host: with loopback off it must not hear the sender.
    std::unique_ptr<UdpSocket> localMember;
    ASSERT_TRUE(test::inNamespace(pair.nameA(), [&] {
        UdpSocketConfig config;
        config.bindAddress = "::";
        config.port = port;
        config.reuseAddress = true;
        config.multicast.groups = {"ff12::1234"};
        config.multicast.interfaceName = pair.ifaceA();
        localMember = std::make_unique<UdpSocket>(config);
        config = {};
        config.bindAddress = "::";
        config.multicast.interfaceName = pair.ifaceA();
        config.multicast.hops = 1;
        config.multicast.loopback = false;
        sender = std::make_unique<UdpSocket>(config);
    }));
    EventLog localLog(*localMember);
    ASSERT_EQ(test::openAndGetPort(*localMember, localLog), port) << localLog.errors();
    ASSERT_TRUE(localLog.waitFor([&](const auto& e) {
        return hasNotice(e, "joined multicast group ff12::1234 on interface " + pair.ifaceA());
    })) << localLog.errors();
    EventLog senderLog(*sender);
    ASSERT_NE(test::openAndGetPort(*sender, senderLog), 0) << senderLog.errors();
    sender->send(toBytes("hello over IPv6 multicast"), SendTarget::toHost("ff12::1234", port));
    ASSERT_TRUE(receiverLog.waitFor([](const auto& e) { return rxMessages(e) == 1; })) << senderLog.errors();
    EXPECT_EQ(receiverLog.bytes(Direction::Rx), toBytes("hello over IPv6 multicast"));
    EXPECT_TRUE(receiverLog.first<EventData>()->peer.address.starts_with("fe80::")) << receiverLog.first<EventData>()->peer.address;
    localLog.waitFor([](const auto& e) { return rxMessages(e) > 0; }, std::chrono::milliseconds(300));
    EXPECT_EQ(rxMessages(localLog.events()), 0u) << "loopback off, yet the sender's own host received it";
    receiver.reset();
    localMember.reset();
    sender.reset();
}

