// Streaming sends: a file of any size in a few chunks of memory, progress and one end event, every destination of a
// server's send to all, failures named, cancelling, and UDP's one-datagram rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <unistd.h>

#include "event_pump.hpp"
#include "loopback.hpp"
#include "sha256.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using namespace std::chrono_literals;
using test::clientTo;
using test::EventLog;
using test::loopbackServer;

namespace {

/// A file of `size` patterned bytes in the temporary directory, removed with the object.
struct TempFile {
    std::string path;
    Bytes content;
    explicit TempFile(std::size_t size, const std::string& name = "stream")
        : path((std::filesystem::temp_directory_path() / ("socketeer-" + name + "-" + std::to_string(::getpid()))).string()),
          content(size) {
        // A 64 KiB block of a pattern, repeated with its index mixed in: cheap to make, and no two blocks are equal.
        for (std::size_t i = 0; i < size; ++i)
            content[i] = static_cast<std::uint8_t>(((i & 0xFFFF) * 2654435761u) >> 11) ^ static_cast<std::uint8_t>(i >> 16);
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(content.data()),
                                                     static_cast<std::streamsize>(content.size()));
    }
    ~TempFile() { std::filesystem::remove(path); }
    std::unique_ptr<ByteSource> source() const { return std::move(std::get<0>(openFileSource(path))); }
};

const EventStreamEnded* endOf(const EventLog& log, StreamId id) {
    for (const auto& event : log.events())
        if (const auto* ended = std::get_if<EventStreamEnded>(&event.body); ended && ended->stream == id) return ended;
    return nullptr;
}

bool ended(EventLog& log, StreamId id, std::chrono::milliseconds timeout = 30s) {
    return log.waitFor([&](const test::Events&) { return endOf(log, id) != nullptr; }, timeout);
}

/// A server with a lossless queue and a front end of its own that keeps every received byte, in order.
struct Receiver {
    static TcpServerConfig lossless() {
        TcpServerConfig config = loopbackServer();
        config.limits.eventQueue.overflow = QueueOverflow::PauseSources;
        return config;
    }
    TcpServer server{lossless()};
    EventLog log{server};
    std::uint16_t port = test::openAndGetPort(server, log);
    std::mutex mutex;
    Bytes received;
    test::EventPump pump{server, [this](const SessionEvent& event) {
        if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Rx) {
            std::lock_guard lock(mutex);
            received.insert(received.end(), data->bytes->begin(), data->bytes->end());
        }
    }};
    bool waitForBytes(std::size_t size) {
        return test::eventually([&] {
            std::lock_guard lock(mutex);
            return received.size() >= size;
        }, 30s);
    }
    Bytes bytes() {
        std::lock_guard lock(mutex);
        return received;
    }
};

} // namespace

TEST(SendStream, AFileLargerThanTheSendBudgetArrivesWholeWithProgressAndOneEnd) {
    const TempFile file(48u << 20); // three times the default send budget
    Receiver receiver;
    ASSERT_NE(receiver.port, 0);
    TcpClient client(clientTo(receiver.port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    const StreamId id = client.sendStream(file.source());
    ASSERT_TRUE(ended(log, id)) << log.errors();
    const auto* end = endOf(log, id);
    EXPECT_EQ(end->outcome, StreamOutcome::Completed) << end->detail;
    EXPECT_EQ(end->sentBytes, file.content.size());
    EXPECT_EQ(end->totalBytes, std::optional<std::uint64_t>(file.content.size()));
    EXPECT_EQ(end->source, "file '" + file.path + "'");
    EXPECT_EQ(client.counters().sendsRejected.load(), 0u);
    // Progress never runs backwards and never passes the total.
    std::uint64_t last = 0;
    for (const auto& event : log.events())
        if (const auto* progress = std::get_if<EventStreamProgress>(&event.body)) {
            EXPECT_GE(progress->sentBytes, last);
            EXPECT_LE(progress->sentBytes, file.content.size());
            last = progress->sentBytes;
        }
    ASSERT_TRUE(receiver.waitForBytes(file.content.size()));
    EXPECT_EQ(test::sha256Hex(receiver.bytes()), test::sha256Hex(file.content));
    // Sent events carried the chunks, none larger than a chunk.
    for (const auto& event : log.events())
        if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Tx) {
            EXPECT_LE(data->bytes->size(), 256u << 10);
        }
}

TEST(SendStream, StreamsGoOutInOrderBehindEachOther) {
    Receiver receiver;
    TcpClient client(clientTo(receiver.port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    const TempFile first(3u << 20, "first");
    Bytes second(1u << 20, 0xAB);
    client.sendStream(first.source());
    const StreamId last = client.sendStream(memorySource(std::make_shared<const Bytes>(second)));
    ASSERT_TRUE(ended(log, last));
    EXPECT_EQ(endOf(log, last)->outcome, StreamOutcome::Completed);
    ASSERT_TRUE(receiver.waitForBytes(4u << 20));
    Bytes expected = first.content;
    expected.insert(expected.end(), second.begin(), second.end());
    EXPECT_TRUE(receiver.bytes() == expected) << "the second stream overtook the first";
}

TEST(SendStream, AServersSendToAllGivesEveryClientTheWholeFile) {
    const TempFile file(5u << 20);
    TcpServer server(loopbackServer());
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient a(clientTo(port)), b(clientTo(port));
    EventLog logA(a), logB(b);
    a.open();
    b.open();
    ASSERT_TRUE(logA.waitForEvent<EventConnected>());
    ASSERT_TRUE(logB.waitForEvent<EventConnected>());
    ASSERT_TRUE(test::eventually([&] { return server.peers().size() == 2; }));
    const StreamId id = server.sendStream(file.source(), SendTarget::toAllConnections());
    ASSERT_TRUE(ended(serverLog, id));
    const auto* end = endOf(serverLog, id);
    EXPECT_EQ(end->outcome, StreamOutcome::Completed) << end->detail;
    EXPECT_EQ(end->sentBytes, 2 * file.content.size());
    EXPECT_EQ(end->totalBytes, std::optional<std::uint64_t>(2 * file.content.size()));
    for (EventLog* log : {&logA, &logB}) {
        ASSERT_TRUE(log->waitFor([&](const test::Events&) { return log->bytesCount(Direction::Rx) == file.content.size(); }, 30s));
        EXPECT_TRUE(log->bytes(Direction::Rx) == file.content);
    }
}

TEST(SendStream, NobodyToSendToIsRejectedAndTheStreamFailsWithTheReason) {
    TcpServer server(loopbackServer());
    EventLog log(server);
    ASSERT_NE(test::openAndGetPort(server, log), 0);
    const StreamId id = server.sendStream(memorySource(std::make_shared<const Bytes>(Bytes(10, 1))));
    ASSERT_TRUE(ended(log, id, 5s));
    EXPECT_EQ(endOf(log, id)->outcome, StreamOutcome::Failed);
    EXPECT_EQ(endOf(log, id)->detail, "no clients are connected");
    ASSERT_NE(log.first<EventSendRejected>(), nullptr);
    EXPECT_EQ(log.first<EventSendRejected>()->reason, "no clients are connected");
}

TEST(SendStream, APeerThatGoesAwayEndsTheStreamAsFailedAfterWhatWasSent) {
    const TempFile file(64u << 20);
    TcpServer server(loopbackServer());
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(clientTo(port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    const StreamId id = client.sendStream(file.source());
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes > (1u << 20); }, 10s));
    ASSERT_TRUE(serverLog.waitForEvent<EventAccepted>());
    server.kick(serverLog.first<EventAccepted>()->id);
    ASSERT_TRUE(ended(log, id));
    const auto* end = endOf(log, id);
    EXPECT_EQ(end->outcome, StreamOutcome::Failed);
    EXPECT_LT(end->sentBytes, file.content.size());
    EXPECT_EQ(end->detail, "the connection to 127.0.0.1:" + std::to_string(port) + " closed") << end->detail;
}

TEST(SendStream, CancellingStopsAfterWhatIsQueued) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    const TempFile file(64u << 20); // the sanitized builds send slowly enough for the cancel to come mid-way
#else
    const TempFile file(256u << 20);
#endif
    Receiver receiver;
    TcpClient client(clientTo(receiver.port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    const StreamId id = client.sendStream(file.source());
    ASSERT_TRUE(test::eventually([&] { return client.counters().traffic.snapshot().txBytes > 0; }));
    client.cancelStream(id);
    ASSERT_TRUE(ended(log, id));
    const auto* end = endOf(log, id);
    EXPECT_EQ(end->outcome, StreamOutcome::Cancelled);
    EXPECT_LT(end->sentBytes, file.content.size());
    EXPECT_EQ(end->sentBytes, client.counters().traffic.snapshot().txBytes) << "counted as far as it went, exactly";
}

TEST(SendStream, OverUdpTheSourceIsOneDatagramAndTooLargeIsRefused) {
    UdpSocketConfig receiverConfig;
    receiverConfig.bindAddress = "127.0.0.1";
    UdpSocket receiver(receiverConfig);
    EventLog receiverLog(receiver);
    const auto port = test::openAndGetPort(receiver, receiverLog);
    UdpSocketConfig senderConfig;
    senderConfig.bindAddress = "127.0.0.1";
    senderConfig.remoteHost = "127.0.0.1";
    senderConfig.remotePort = port;
    UdpSocket sender(senderConfig);
    EventLog log(sender);
    ASSERT_NE(test::openAndGetPort(sender, log), 0);

    const TempFile fits(MaxUdpPayloadV4, "udp-fits");
    const StreamId good = sender.sendStream(fits.source());
    ASSERT_TRUE(ended(log, good, 5s));
    EXPECT_EQ(endOf(log, good)->outcome, StreamOutcome::Completed);
    EXPECT_EQ(endOf(log, good)->sentBytes, MaxUdpPayloadV4);
    ASSERT_TRUE(receiverLog.waitFor([](const test::Events& e) { return EventLog::countOf<EventData>(e) == 1; }));
    EXPECT_TRUE(receiverLog.bytes(Direction::Rx) == fits.content);

    const TempFile tooLarge(100'000, "udp-large");
    const StreamId bad = sender.sendStream(tooLarge.source());
    ASSERT_TRUE(ended(log, bad, 5s));
    EXPECT_EQ(endOf(log, bad)->outcome, StreamOutcome::Failed);
    EXPECT_EQ(endOf(log, bad)->detail, "datagram of 100000 bytes is larger than the UDP maximum of 65507 bytes")
        << "(an IPv4 socket)";
}

TEST(SendStream, AFileThatCannotBeReadIsRefusedAtOnce) {
    auto missing = openFileSource("/nonexistent/socketeer-no-such-file");
    ASSERT_TRUE(std::holds_alternative<std::string>(missing));
    // The reason is the system's own words ("No such file or directory" here; Windows words it differently).
    const std::string prefix = "cannot read '/nonexistent/socketeer-no-such-file': ";
    EXPECT_TRUE(std::get<std::string>(missing).starts_with(prefix)) << std::get<std::string>(missing);
    EXPECT_GT(std::get<std::string>(missing).size(), prefix.size());
    auto directory = openFileSource(std::filesystem::temp_directory_path().string());
    ASSERT_TRUE(std::holds_alternative<std::string>(directory));
    EXPECT_EQ(std::get<std::string>(directory), "'" + std::filesystem::temp_directory_path().string() + "' is not a regular file");
}

TEST(SendStream, AHalfCloseAskedWhileStreamingSendsItsFinAfterTheLastByte) {
    Receiver receiver;
    TcpClient client(clientTo(receiver.port));
    EventLog log(client);
    client.open();
    ASSERT_TRUE(log.waitForEvent<EventConnected>());
    const TempFile file(6u << 20, "half-close");
    const StreamId id = client.sendStream(file.source());
    client.halfClose(); // asked at once: it must wait for the stream, then send the FIN
    ASSERT_TRUE(ended(log, id));
    EXPECT_EQ(endOf(log, id)->outcome, StreamOutcome::Completed);
    ASSERT_TRUE(receiver.waitForBytes(file.content.size()));
    // The server sees the FIN (and closes too): the client's connection ends as closed by the peer.
    ASSERT_TRUE(log.waitFor([](const test::Events& events) { return EventLog::countOf<EventClosed>(events) > 0; }, 10s))
        << "the FIN never went out after the stream";
    EXPECT_TRUE(receiver.bytes() == file.content);
}
