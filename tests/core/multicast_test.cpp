// Multicast: IPv4 groups on loopback; IPv6 groups between two network namespaces the test creates (veth pair).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <sched.h>
#include <thread>
#include <unistd.h>

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
    receiverConfig.multicast.interface = "127.0.0.1";
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
    senderConfig.multicast.interface = "127.0.0.1";
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

namespace {

/// Two network namespaces joined by a veth pair, made and removed by the test (needs root and iproute2).
class NamespacePair {
public:
    NamespacePair() {
        const std::string tag = std::to_string(::getpid());
        m_a = "sktA" + tag;
        m_b = "sktB" + tag;
        const std::string script =
            "ip netns add " + m_a + " && ip netns add " + m_b + " && ip link add vA" + tag + " netns " + m_a +
            " type veth peer name vB" + tag + " netns " + m_b + " && ip -n " + m_a + " link set lo up && ip -n " + m_b +
            " link set lo up && ip -n " + m_a + " link set vA" + tag + " up && ip -n " + m_b + " link set vB" + tag +
            " up";
        m_ready = std::system((script + " 2>/tmp/socketeer-netns-" + tag + ".log").c_str()) == 0;
        m_ifaceA = "vA" + tag;
        m_ifaceB = "vB" + tag;
    }
    ~NamespacePair() {
        std::system(("ip netns del " + m_a + " 2>/dev/null; ip netns del " + m_b + " 2>/dev/null").c_str());
    }
    bool ready() const { return m_ready; }
    const std::string& ifaceA() const { return m_ifaceA; }
    const std::string& ifaceB() const { return m_ifaceB; }
    const std::string& nameA() const { return m_a; }
    const std::string& nameB() const { return m_b; }

    /// Waits until both link-local addresses finished duplicate address detection (about 2 s).
    bool waitForLinkLocal() const {
        const std::string check = "ip -n " + m_a + " -6 addr show dev " + m_ifaceA + " scope link | grep -q inet6 && ! ip -n " +
                                  m_a + " -6 addr show dev " + m_ifaceA + " | grep -q tentative && ip -n " + m_b +
                                  " -6 addr show dev " + m_ifaceB + " scope link | grep -q inet6 && ! ip -n " + m_b +
                                  " -6 addr show dev " + m_ifaceB + " | grep -q tentative";
        return test::eventually([&] { return std::system(check.c_str()) == 0; }, std::chrono::seconds(10));
    }

private:
    std::string m_a, m_b, m_ifaceA, m_ifaceB;
    bool m_ready = false;
};

/// Runs fn on a thread that entered namespace `name`; threads it starts (a session's worker) inherit it.
template <class Fn>
void inNamespace(const std::string& name, Fn&& fn) {
    std::thread([&] {
        const int fd = ::open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0) << "cannot open namespace " << name;
        ASSERT_EQ(::setns(fd, CLONE_NEWNET), 0) << "setns " << name;
        ::close(fd);
        fn();
    }).join();
}

} // namespace

TEST(Multicast, IPv6GroupAcrossTwoNamespaces) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces (ip netns add)";
    if (std::system("command -v ip >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs iproute2's 'ip' command";
    NamespacePair pair;
    if (!pair.ready()) GTEST_SKIP() << "could not create network namespaces and a veth pair here";
    ASSERT_TRUE(pair.waitForLinkLocal()) << "IPv6 link-local addresses never became usable";

    std::unique_ptr<UdpSocket> receiver, sender;
    inNamespace(pair.nameB(), [&] {
        UdpSocketConfig config;
        config.bindAddress = "::";
        config.multicast.groups = {"ff12::1234"};
        config.multicast.interface = pair.ifaceB();
        receiver = std::make_unique<UdpSocket>(config);
    });
    EventLog receiverLog(*receiver);
    const auto port = test::openAndGetPort(*receiver, receiverLog);
    ASSERT_NE(port, 0) << receiverLog.errors();
    ASSERT_TRUE(receiverLog.waitFor([&](const auto& e) {
        return hasNotice(e, "joined multicast group ff12::1234 on interface " + pair.ifaceB());
    })) << receiverLog.errors();

    // A second member on the sender's own host: with loopback off it must not hear the sender.
    std::unique_ptr<UdpSocket> localMember;
    inNamespace(pair.nameA(), [&] {
        UdpSocketConfig config;
        config.bindAddress = "::";
        config.port = port;
        config.reuseAddress = true;
        config.multicast.groups = {"ff12::1234"};
        config.multicast.interface = pair.ifaceA();
        localMember = std::make_unique<UdpSocket>(config);
        config = {};
        config.bindAddress = "::";
        config.multicast.interface = pair.ifaceA();
        config.multicast.hops = 1;
        config.multicast.loopback = false;
        sender = std::make_unique<UdpSocket>(config);
    });
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

