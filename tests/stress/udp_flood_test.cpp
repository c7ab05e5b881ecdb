// UDP floods at the fastest rate a sender can manage: zero-length and largest-size datagrams. Every datagram that left
// the sender is either counted by the session or counted as dropped by the kernel (/proc/net/udp): none vanish.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "socketeer/core/net/udp_socket.hpp"
#include "stress_support.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using namespace std::chrono_literals;
using test::EventLog;

namespace {

/// The kernel's drop count for the IPv4 UDP socket bound to 127.0.0.1:port (receive buffer overflows), or -1.
long long kernelDrops(std::uint16_t port) {
    std::ifstream table("/proc/net/udp");
    std::string line;
    char wanted[16];
    std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, field;
        fields >> slot >> local;
        if (local != wanted) continue;
        std::string last;
        while (fields >> field) last = field;
        return std::stoll(last);
    }
    return -1;
}

struct FloodResult {
    std::uint64_t sent = 0;
    std::uint64_t counted = 0;
    std::uint64_t dropped = 0;
};

/// Floods a bound session with `count` datagrams of `size` bytes from a plain socket, then accounts for each one.
FloodResult flood(std::size_t count, std::size_t size, std::size_t receiveBuffer = UdpSocketConfig{}.receiveBufferBytes) {
    UdpSocketConfig config;
    config.bindAddress = "127.0.0.1";
    config.receiveBufferBytes = receiveBuffer;
    UdpSocket receiver(config);
    EventLog log(receiver);
    const auto port = test::openAndGetPort(receiver, log);
    EXPECT_NE(port, 0);
    EXPECT_GE(kernelDrops(port), 0) << "socket not found in /proc/net/udp";

    asio::io_context io;
    asio::ip::udp::socket sender(io, {asio::ip::address_v4::loopback(), 0});
    const asio::ip::udp::endpoint target(asio::ip::address_v4::loopback(), port);
    std::vector<std::uint8_t> payload(size, 0xee);
    FloodResult result;
    // Bursts of 500, back to back: far more than the socket buffer holds, yet below the loopback device's backlog
    // (1,000 packets), so every drop happens at the socket, where it is counted.
    constexpr std::size_t Burst = 500;
    const auto accountedFor = [&] {
        return receiver.counters().traffic.snapshot().rxMessages + static_cast<std::uint64_t>(kernelDrops(port)) ==
               result.sent;
    };
    bool settled = true;
    for (std::size_t i = 0; i < count && settled; ++i) {
        result.sent += sender.send_to(asio::buffer(payload), target) == size ? 1 : 0;
        // Drain the display queue as a front end would, until every datagram is either counted or dropped.
        if ((i + 1) % Burst == 0 || i + 1 == count) settled = log.waitFor([&](const auto&) { return accountedFor(); }, 60s);
    }
    result.counted = receiver.counters().traffic.snapshot().rxMessages;
    result.dropped = static_cast<std::uint64_t>(kernelDrops(port));
    EXPECT_TRUE(settled) << "sent " << result.sent << ", counted " << result.counted << ", kernel dropped " << result.dropped;
    EXPECT_EQ(receiver.counters().traffic.snapshot().rxBytes, result.counted * size);
    // The counters run ahead of the display queue; the queue must catch up exactly (folded into gaps or not).
    const auto messagesShown = [&] {
        std::uint64_t n = 0;
        for (const auto& event : log.events()) {
            if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Rx) ++n;
            if (const auto* gap = std::get_if<EventDisplayGap>(&event.body)) n += gap->rxMessages;
        }
        return n;
    };
    EXPECT_TRUE(log.waitFor([&](const auto&) { return messagesShown() >= result.counted; }));
    EXPECT_EQ(messagesShown(), result.counted) << "the display queue lost track of datagrams";
    EXPECT_EQ(log.bytesCount(Direction::Rx), result.counted * size) << "the display queue lost track of bytes";

    // Still serving: one more datagram is counted (and shown) after the flood.
    sender.send_to(asio::buffer("after", 5), target);
    EXPECT_TRUE(log.waitFor([&](const auto&) { return receiver.counters().traffic.snapshot().rxMessages == result.counted + 1; }));
    return result;
}

} // namespace

TEST(UdpFlood, TwoHundredThousandZeroLengthDatagramsAreEachCountedOrReportedDropped) {
    // A small receive buffer (a device's default, not ours) so that the bursts overflow it and drops are accounted.
    const auto result = flood(200'000, 0, 32 * 1024);
    EXPECT_EQ(result.sent, 200'000u);
    EXPECT_GT(result.counted, 0u);
    EXPECT_GT(result.dropped, 0u) << "the flood never overflowed the buffer: the accounting was not tested";
    std::cout << "[ figures  ] zero-length flood: sent " << result.sent << ", counted " << result.counted
              << ", dropped by the kernel " << result.dropped << "\n";
}

TEST(UdpFlood, TwoThousandLargestDatagramsArriveWholeOrAreReportedDropped) {
    const auto result = flood(2'000, MaxUdpPayloadV4);
    EXPECT_EQ(result.sent, 2'000u);
    EXPECT_GT(result.counted, 0u);
    std::cout << "[ figures  ] 65,507-byte flood: sent " << result.sent << ", counted " << result.counted
              << ", dropped by the kernel " << result.dropped << "\n";
}
