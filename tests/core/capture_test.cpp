// Capture and repeat: a 100 MiB stream captured byte for byte, record-format captures, repeat counts, overwrite consent.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "send_pattern.hpp"
#include "sha256.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;

namespace {

std::string tempPath(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("socketeer-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(Capture, HundredMebibyteStreamIsCapturedByteForByte) {
    const std::string path = tempPath("stream.raw");
    std::filesystem::remove(path);
    TcpServerConfig serverConfig;
    serverConfig.bindAddress = "127.0.0.1";
    serverConfig.limits.eventQueue.byteBudget = 1u << 20; // the display budget is tiny: capture must not care
    TcpServer server(serverConfig);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    ASSERT_EQ(server.startCapture({path, CaptureFormat::Raw, true, false, false}), "");

    TcpClientConfig clientConfig;
    clientConfig.host = "127.0.0.1";
    clientConfig.port = port;
    TcpClient client(clientConfig);
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>());

    constexpr std::size_t Total = 100u << 20;
    const std::string sent = test::sendPattern(client, Total, 42, std::chrono::seconds(60));
    ASSERT_FALSE(sent.empty()) << "the sender stalled";
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes == Total; },
                                 std::chrono::seconds(60)));
    EXPECT_EQ(client.counters().sendsRejected.load(), 0u);
    server.stopCapture();
    ASSERT_TRUE(test::eventually([&] { return std::filesystem::file_size(path) == Total; }, std::chrono::seconds(10)));
    serverLog.drain();
    EXPECT_GT(serverLog.count<EventDisplayGap>(), 0u) << "the display queue should have overflowed";
    EXPECT_EQ(test::sha256OfFile(path), sent);
    std::filesystem::remove(path);
}

TEST(Capture, RecordsFormatHasTimestampPeerAndDirection) {
    const std::string path = tempPath("records.cap");
    std::filesystem::remove(path);
    UdpSocketConfig config;
    config.bindAddress = "127.0.0.1";
    config.autoReply.mode = ReplyMode::Echo;
    {
        UdpSocket server(config);
        EventLog serverLog(server);
        const auto port = test::openAndGetPort(server, serverLog);
        ASSERT_EQ(server.startCapture({path, CaptureFormat::Records, true, true, false}), "");
        UdpSocketConfig clientConfig;
        clientConfig.bindAddress = "127.0.0.1";
        UdpSocket client(clientConfig);
        EventLog clientLog(client);
        const auto clientPort = test::openAndGetPort(client, clientLog);
        client.send(toBytes("ping\n"), SendTarget::toHost("127.0.0.1", port));
        ASSERT_TRUE(clientLog.waitFor([](const auto& e) {
            for (const auto& x : e)
                if (const auto* d = std::get_if<EventData>(&x.body); d && d->direction == Direction::Rx) return true;
            return false;
        }));
        // Destroying the session at once: the echo's own completion (its TX record) may still be queued, and the
        // worker runs dry before it stops, so the capture holds it.
        (void)clientPort;
    }
    const std::string text = readFile(path);
    EXPECT_NE(text.find(" RX 127.0.0.1:"), std::string::npos) << text;
    EXPECT_NE(text.find(" TX 127.0.0.1:"), std::string::npos) << text;
    EXPECT_NE(text.find(" size=5\nping\n\n"), std::string::npos) << text;
    EXPECT_EQ(text.rfind("# 20", 0), 0u) << text; // starts with an ISO timestamp
    std::filesystem::remove(path);
}

TEST(Capture, ExistingFileIsNotOverwrittenWithoutConsent) {
    const std::string path = tempPath("exists.cap");
    { std::ofstream(path) << "keep me"; }
    UdpSocket socket(UdpSocketConfig{});
    EventLog log(socket);
    EXPECT_EQ(socket.startCapture({path, CaptureFormat::Raw, true, true, false}),
              "capture file '" + path + "' already exists (choose another name or allow overwriting)");
    EXPECT_EQ(readFile(path), "keep me");
    EXPECT_EQ(socket.startCapture({path, CaptureFormat::Raw, true, true, true}), "");
    socket.stopCapture();
    // Closing happens on the worker; the notice says when the file is complete (Windows cannot delete it before).
    ASSERT_TRUE(log.waitFor([&](const auto& events) {
        for (const auto& e : events)
            if (const auto* n = std::get_if<EventNotice>(&e.body); n && n->text == "capture saved: '" + path + "', 0 bytes of payload")
                return true;
        return false;
    }));
    EXPECT_NE(socket.startCapture({"/nonexistent-dir/x.cap", CaptureFormat::Raw, true, true, false}).find(
                  "cannot open capture file '/nonexistent-dir/x.cap': No such file or directory"),
              std::string::npos);
    std::filesystem::remove(path);
}

TEST(Repeat, SendsExactlyTheCountAtTheInterval) {
    UdpSocketConfig serverConfig;
    serverConfig.bindAddress = "127.0.0.1";
    UdpSocket server(serverConfig);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    UdpSocketConfig clientConfig;
    clientConfig.bindAddress = "127.0.0.1";
    UdpSocket client(clientConfig);
    EventLog clientLog(client);
    ASSERT_NE(test::openAndGetPort(client, clientLog), 0);

    const auto start = std::chrono::steady_clock::now();
    client.startRepeat({toBytes("tick"), SendTarget::toHost("127.0.0.1", port), std::chrono::milliseconds(2), 50, nullptr});
    ASSERT_TRUE(clientLog.waitFor([](const auto& e) {
        for (const auto& x : e)
            if (const auto* n = std::get_if<EventNotice>(&x.body); n && n->text == "repeat finished after 50 sends")
                return true;
        return false;
    }));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(client.repeating()) << "a counted repeat that sent its count has ended";
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxMessages == 50; }));
    EXPECT_EQ(server.counters().traffic.snapshot().rxBytes, 200u);
    // 49 intervals of 2 ms: not faster than asked (the schedule is absolute, never bursts ahead).
    EXPECT_GE(elapsed, std::chrono::milliseconds(98));
    // A send is counted when its write completes, which may be after the server has it.
    EXPECT_TRUE(test::eventually([&] { return client.counters().traffic.snapshot().txMessages >= 50; }));
    EXPECT_EQ(client.counters().traffic.snapshot().txMessages, 50u);
}

TEST(Repeat, StopEndsAnEndlessRepeat) {
    UdpSocketConfig config;
    config.bindAddress = "127.0.0.1";
    UdpSocket server(config);
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    UdpSocket client(config);
    EventLog clientLog(client);
    ASSERT_NE(test::openAndGetPort(client, clientLog), 0);
    client.startRepeat({toBytes("x"), SendTarget::toHost("127.0.0.1", port), std::chrono::milliseconds(1), 0, nullptr});
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxMessages >= 10; }));
    EXPECT_TRUE(client.repeating());
    client.stopRepeat();
    ASSERT_TRUE(clientLog.waitFor([](const auto& e) {
        for (const auto& x : e)
            if (const auto* n = std::get_if<EventNotice>(&x.body); n && n->text.starts_with("repeat stopped after ")) return true;
        return false;
    }));
    EXPECT_FALSE(client.repeating());
    // A datagram sent just before the stop may complete after it: let it settle, then nothing more goes out.
    clientLog.waitFor([](const auto&) { return false; }, std::chrono::milliseconds(100));
    const auto sent = client.counters().traffic.snapshot().txMessages;
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxMessages == sent; }));
    clientLog.waitFor([](const auto&) { return false; }, std::chrono::milliseconds(50));
    EXPECT_EQ(client.counters().traffic.snapshot().txMessages, sent);
    EXPECT_EQ(server.counters().traffic.snapshot().rxMessages, sent);
}
