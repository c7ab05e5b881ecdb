// Nothing lost: 1 GiB through a relaying server, captured on the way, while the receiving front end's history evicts.
// Every copy (the receiver's stream, the capture file) has the sender's SHA-256 and every counter is exact.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "socketeer/core/history/session_history.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "stress_support.hpp"

using namespace socketeer;
using namespace socketeer::core;
using namespace std::chrono_literals;
using test::EventLog;

TEST(NothingLost, OneGibibyteThroughARelayingServerAndItsCaptureKeepTheSenderSha256) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    // The sanitizers look for races and misuse, which a quarter of the volume exercises as well, in a quarter of the
    // time (a GiB took 96 s of a CI run under TSan, 31 s under ASan). The other builds move the whole GiB.
    constexpr std::uint64_t Total = 256ull << 20;
#else
    constexpr std::uint64_t Total = 1ull << 30;
#endif
    const std::string capture =
        (std::filesystem::temp_directory_path() / ("socketeer-1gib-" + std::to_string(::getpid()) + ".raw")).string();
    std::filesystem::remove(capture);
    // A GiB must not stay behind in /tmp when an assertion ends the test early.
    struct RemoveAtExit {
        std::string path;
        ~RemoveAtExit() { std::filesystem::remove(path); }
    } removeCapture{capture};
    // What the receiver's front end fills is declared before the sessions, so it outlives them on every path.
    std::mutex mutex;
    test::Sha256 receivedSha;
    std::uint64_t observed = 0;

    TcpServerConfig serverConfig;
    serverConfig.bindAddress = "127.0.0.1";
    serverConfig.autoReply.relay = true; // the chat room: each client's bytes go to every other client
    TcpServer server(serverConfig);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    ASSERT_NE(port, 0);
    ASSERT_EQ(server.startCapture({capture, CaptureFormat::Raw, true, false, false}), "");

    TcpClientConfig clientConfig;
    clientConfig.host = "127.0.0.1";
    clientConfig.port = port;
    // The receiver's queue is lossless, as the CLI's are: past its budget the receiver stops reading (and the relay,
    // then the sender, slow down) instead of folding. Its front end below hashes every byte it is handed.
    TcpClientConfig receiverConfig = clientConfig;
    receiverConfig.limits.eventQueue.overflow = QueueOverflow::PauseSources;
    TcpClient receiver(receiverConfig);
    EventLog receiverLog(receiver);
    receiver.open();
    ASSERT_TRUE(receiverLog.waitForEvent<EventConnected>());
    TcpClient sender(clientConfig);
    EventLog senderLog(sender);
    sender.open();
    ASSERT_TRUE(senderLog.waitForEvent<EventConnected>());
    ASSERT_TRUE(test::eventually([&] { return server.peers().size() == 2; }));

    // The receiver's front end: a history with the default 64 MiB budget, fed from the display queue by a thread
    // of its own, as the app's UI thread does. Only that thread touches the history until it is joined.
    SessionHistory history;
    std::uint64_t gapBytes = 0;
    const auto drainIntoHistory = [&] {
        std::vector<SessionEvent> batch;
        receiver.events().drain(batch);
        for (const auto& event : batch) {
            if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Rx) {
                std::lock_guard lock(mutex);
                receivedSha.update(*data->bytes);
                observed += data->bytes->size();
            }
            history.append(event);
            if (const auto* gap = std::get_if<EventDisplayGap>(&event.body)) gapBytes += gap->rxBytes;
        }
    };
    std::atomic<bool> stop{false};
    std::thread frontEnd([&] {
        while (!stop) {
            receiver.events().waitUntilNotEmpty(std::chrono::steady_clock::now() + 20ms);
            drainIntoHistory();
        }
    });

    const std::string sent = test::sendPattern(sender, Total, 1, 600s);
    const bool allObserved = test::eventually([&] {
        std::lock_guard lock(mutex);
        return observed == Total;
    }, 300s);
    stop = true;
    frontEnd.join();
    ASSERT_FALSE(sent.empty()) << "the sender stalled";
    ASSERT_TRUE(allObserved) << "received " << observed << " of " << Total;
    const auto accountedFor = [&] {
        std::uint64_t held = 0;
        for (std::size_t i = 0; i < history.size(); ++i) held += history.at(i, false).bytes.size();
        return held + history.evictedBytes() + gapBytes;
    };
    EXPECT_TRUE(test::eventually([&] {
        drainIntoHistory();
        return accountedFor() >= Total;
    }));

    {
        std::lock_guard lock(mutex);
        EXPECT_EQ(receivedSha.hexDigest(), sent) << "the relayed stream differs from what was sent";
    }
    EXPECT_EQ(sender.counters().traffic.snapshot().txBytes, Total);
    EXPECT_EQ(server.counters().traffic.snapshot().rxBytes, Total);
    EXPECT_EQ(server.counters().traffic.snapshot().txBytes, Total);
    EXPECT_EQ(receiver.counters().traffic.snapshot().rxBytes, Total);
    EXPECT_EQ(sender.counters().sendsRejected.load() + server.counters().sendsRejected.load(), 0u);

    // The history kept the newest records within its budget; with what it evicted it accounts for every byte, and
    // the lossless queue folded nothing.
    EXPECT_GT(history.evictedBytes(), 0u);
    EXPECT_EQ(gapBytes, 0u);
    EXPECT_LE(history.memoryUsed(), history.budget());
    EXPECT_EQ(accountedFor(), Total);

    server.stopCapture();
    sender.close();
    receiver.close();
    ASSERT_TRUE(test::eventually([&] { return std::filesystem::file_size(capture) == Total; }, 30s));
    EXPECT_EQ(test::sha256OfFile(capture), sent) << "the capture differs from what was sent";
    std::cout << "[ figures  ] " << Total / (1 << 20) << " MiB relayed and captured: SHA-256 equal; history evicted "
              << history.evictedBytes() / (1 << 20) << " MiB, display queue folded " << gapBytes / (1 << 20)
              << " MiB into gaps, counters exact\n";
}
