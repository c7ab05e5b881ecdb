// Network faults, in a network namespace the test creates (its own loopback): packet loss from nftables, a rate limit
// from tc tbf, and what netem would add (delay, duplication, reordering, cut-up segments) from a userspace impairment
// relay in the path. The kernel here has no netem; the relay also runs where netem never does (Windows).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <unistd.h>

#include "impairment_relay.hpp"
#include "netns.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "stress_support.hpp"

using namespace socketeer;
using namespace socketeer::core;
using namespace std::chrono_literals;
using test::EventLog;
using test::LoopbackNamespace;

namespace {

/// Packets dropped so far by the namespace's nftables rule (its counter), or -1.
long long droppedByNftables(const LoopbackNamespace& ns) {
    const std::string rules = ns.output("nft list table inet socketeer_faults 2>/dev/null");
    std::smatch match;
    static const std::regex counter("counter packets ([0-9]+)");
    return std::regex_search(rules, match, counter) ? std::stoll(match[1]) : -1;
}

/// Drops `percent` % of the packets matching `match` ("tcp", "udp dport 4000") at random, counting them.
bool addRandomLoss(const LoopbackNamespace& ns, const std::string& match, int percent) {
    return ns.exec("nft add table inet socketeer_faults && nft add chain inet socketeer_faults input "
                   "'{ type filter hook input priority 0 ; }' && nft add rule inet socketeer_faults input " +
                   match + " numgen random mod 100 '<' " + std::to_string(percent) + " counter drop");
}

std::string tempPath(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("socketeer-fault-" + std::to_string(::getpid()) + "-" + name)).string();
}

#define SKIP_WITHOUT_NAMESPACES()                                                                                    \
    if (const auto reason = test::namespaceUnavailableReason(); !reason.empty()) GTEST_SKIP() << reason;             \
    if (!test::shell("command -v nft >/dev/null 2>&1")) GTEST_SKIP() << "needs nftables' nft command"

} // namespace

TEST(NetworkFaults, TcpStreamArrivesIntactThroughLossRateLimitDelayAndCutUpSegments) {
    SKIP_WITHOUT_NAMESPACES();
    LoopbackNamespace ns("tcpf");
    ASSERT_TRUE(ns.ready());
    ASSERT_TRUE(addRandomLoss(ns, "meta l4proto tcp", 3)) << "nftables rule refused";
    ASSERT_TRUE(ns.exec("tc qdisc add dev lo root tbf rate 400mbit burst 256kb latency 50ms")) << "tbf refused";

    const std::string capture = tempPath("tcp.raw");
    std::filesystem::remove(capture);
    std::unique_ptr<TcpServer> server;
    std::unique_ptr<TcpClient> client;
    std::unique_ptr<test::TcpImpairmentRelay> relay;
    std::uint16_t serverPort = 0;
    ASSERT_TRUE(test::inNamespace(ns.name(), [&] {
        TcpServerConfig config;
        config.bindAddress = "127.0.0.1";
        server = std::make_unique<TcpServer>(config);
    }));
    EventLog serverLog(*server);
    serverPort = test::openAndGetPort(*server, serverLog);
    ASSERT_NE(serverPort, 0) << serverLog.errors();
    ASSERT_EQ(server->startCapture({capture, CaptureFormat::Raw, true, false, false}), "");
    ASSERT_TRUE(test::inNamespace(ns.name(), [&] {
        test::Impairment impairment;
        impairment.delay = 200us;
        impairment.maxChunk = 1400;
        relay = std::make_unique<test::TcpImpairmentRelay>("127.0.0.1", serverPort, impairment);
        TcpClientConfig config;
        config.host = "127.0.0.1";
        config.port = relay->port();
        client = std::make_unique<TcpClient>(config);
    }));
    EventLog clientLog(*client);
    client->open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>()) << clientLog.errors();

    constexpr std::uint64_t Total = 8u << 20;
    const std::string sent = test::sendPattern(*client, Total, 7, 120s);
    ASSERT_FALSE(sent.empty()) << "the sender stalled";
    ASSERT_TRUE(test::eventually([&] { return server->counters().traffic.snapshot().rxBytes == Total; }, 120s))
        << server->counters().traffic.snapshot().rxBytes << " of " << Total;
    server->stopCapture();
    server.reset(); // the capture is closed once the worker has joined
    EXPECT_EQ(test::sha256OfFile(capture), sent);
    const auto drops = droppedByNftables(ns);
    EXPECT_GT(drops, 0) << "no packet was dropped: the fault was not injected";
    EXPECT_GT(relay->pieces(), Total / 1400) << "the relay did not cut the stream up";
    std::cout << "[ figures  ] TCP 8 MiB through 3 % loss (" << drops << " packets dropped), 400 Mbit/s tbf, "
              << relay->pieces() << " delayed pieces: SHA-256 equal\n";
    client.reset();
    relay.reset();
    std::filesystem::remove(capture);
}

TEST(NetworkFaults, UdpLossDuplicatesAndReorderingAreCountedExactlyBySequenceNumbers) {
    SKIP_WITHOUT_NAMESPACES();
    LoopbackNamespace ns("udpf");
    ASSERT_TRUE(ns.ready());

    // receiver <- impairment relay (loss, duplicates, reordering, delay) <- nftables loss <- sender
    // (What the receiver's front end fills is declared first, so it outlives the sessions on every path out of the
    // test; the pump is declared last, so it stops first.)
    std::mutex mutex;
    std::vector<std::uint64_t> arrived; // sequence numbers in arrival order, from the lossless queue
    std::unique_ptr<UdpSocket> receiver, sender;
    std::unique_ptr<test::UdpImpairmentRelay> relay;
    std::unique_ptr<test::EventPump> receiverFrontEnd;
    ASSERT_TRUE(test::inNamespace(ns.name(), [&] {
        UdpSocketConfig config;
        config.bindAddress = "127.0.0.1";
        config.limits.eventQueue.overflow = QueueOverflow::PauseSources; // the session itself drops nothing
        receiver = std::make_unique<UdpSocket>(config);
    }));
    EventLog receiverLog(*receiver);
    const auto receiverPort = test::openAndGetPort(*receiver, receiverLog);
    ASSERT_NE(receiverPort, 0);
    receiverFrontEnd = std::make_unique<test::EventPump>(*receiver, [&](const SessionEvent& event) {
        const auto* data = std::get_if<EventData>(&event.body);
        if (!data || data->direction != Direction::Rx || data->bytes->size() < 8) return;
        std::uint64_t sequence = 0;
        for (std::size_t i = 0; i < 8; ++i) sequence = sequence << 8 | (*data->bytes)[i];
        std::lock_guard lock(mutex);
        arrived.push_back(sequence);
    });
    ASSERT_TRUE(test::inNamespace(ns.name(), [&] {
        test::Impairment impairment;
        impairment.lossPercent = 3;
        impairment.duplicatePercent = 3;
        impairment.reorderPercent = 3;
        impairment.delay = 300us;
        impairment.seed = 2026;
        relay = std::make_unique<test::UdpImpairmentRelay>("127.0.0.1", receiverPort, impairment);
        UdpSocketConfig config;
        config.bindAddress = "127.0.0.1";
        config.remoteHost = "127.0.0.1";
        config.remotePort = relay->port();
        sender = std::make_unique<UdpSocket>(config);
    }));
    ASSERT_TRUE(addRandomLoss(ns, "udp dport " + std::to_string(relay->port()), 3));
    EventLog senderLog(*sender);
    ASSERT_NE(test::openAndGetPort(*sender, senderLog), 0);

    // 5,000 datagrams of 64 bytes, each starting with its sequence number, in paced batches (no buffer overflows:
    // every loss must be one the test injected).
    constexpr std::uint64_t Count = 5000, Batch = 250;
    for (std::uint64_t sequence = 0; sequence < Count; ++sequence) {
        Bytes datagram(64, 0x2a);
        for (int i = 0; i < 8; ++i) datagram[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sequence >> (56 - 8 * i));
        sender->send(std::move(datagram));
        if ((sequence + 1) % Batch == 0) {
            // Each batch is through the relay and taken in by the receiver before the next: every loss is injected.
            ASSERT_TRUE(test::eventually([&] {
                if (relay->received() + static_cast<std::uint64_t>(droppedByNftables(ns)) != sequence + 1) return false;
                std::lock_guard lock(mutex);
                return arrived.size() == relay->forwardedCount();
            }, 20s)) << "relay has " << relay->received() << ", nftables dropped " << droppedByNftables(ns);
        }
    }
    const auto record = relay->finish();
    const auto kernelDropped = static_cast<std::uint64_t>(droppedByNftables(ns));
    ASSERT_TRUE(test::eventually([&] {
        std::lock_guard lock(mutex);
        return arrived.size() == record.forwarded.size();
    }, 20s));

    std::lock_guard lock(mutex);
    // What the receiver saw is exactly what the relay sent on, in the same order.
    EXPECT_TRUE(arrived == record.forwarded) << "the session lost, added or reordered datagrams itself";
    EXPECT_EQ(receiver->counters().traffic.snapshot().rxMessages, arrived.size());
    // And the faults, counted from the sequence numbers alone, are exactly those injected.
    std::set<std::uint64_t> unique;
    std::uint64_t duplicates = 0, reordered = 0, highest = 0;
    bool any = false;
    for (const auto sequence : arrived) {
        if (!unique.insert(sequence).second) ++duplicates;
        else if (any && sequence < highest) ++reordered;
        if (!any || sequence > highest) highest = sequence;
        any = true;
    }
    const std::uint64_t lost = Count - unique.size();
    EXPECT_EQ(lost, record.dropped + kernelDropped);
    EXPECT_EQ(duplicates, record.duplicated);
    EXPECT_EQ(reordered, record.reordered);
    EXPECT_GT(kernelDropped, 0u);
    EXPECT_GT(record.dropped, 0u);
    EXPECT_GT(record.duplicated, 0u);
    EXPECT_GT(record.reordered, 0u);
    std::cout << "[ figures  ] UDP " << Count << " datagrams: lost " << lost << " (" << kernelDropped << " by nftables, "
              << record.dropped << " by the relay), duplicated " << duplicates << ", reordered " << reordered
              << ": all counted exactly\n";
}
