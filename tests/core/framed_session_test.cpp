// Framed TCP sessions: what the worker reports, answers, counts and captures is messages, however the peer's writes
// were split or glued; a capture keeps the bytes as they crossed the socket.
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "loopback.hpp"
#include "raw_peer.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;
using socketeer::test::RawPeer;
using namespace std::chrono_literals;

namespace {

struct Received {
    std::string text;
    FrameStatus frame;
    bool operator==(const Received&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Received& r) { return out << '"' << r.text << "\" " << frameStatusName(r.frame); }

std::vector<Received> receivedMessages(const test::Events& events) {
    std::vector<Received> out;
    for (const auto& e : events)
        if (const auto* d = std::get_if<EventData>(&e.body); d && d->direction == Direction::Rx)
            out.push_back({std::string(asChars(*d->bytes)), d->frame});
    return out;
}

auto messagesAtLeast(std::size_t n) {
    return [n](const test::Events& events) { return receivedMessages(events).size() >= n; };
}

FrameSpec frameSpec(std::string_view text) { return parseFrameSpec(text).value(); }

/// A server with `framing`, open on a loopback port.
struct FramedServer {
    explicit FramedServer(TcpServerConfig config) : server(std::move(config)), log(server), port(test::openAndGetPort(server, log)) {}
    TcpServer server;
    EventLog log;
    std::uint16_t port;
};

TcpServerConfig framedConfig(FrameSpec framing, ReplyMode mode = ReplyMode::None) {
    auto config = test::loopbackServer(mode);
    config.framing = std::move(framing);
    return config;
}

TEST(FramedSession, ServerReportsLinesNotReadsAndThePartialRestAtClose) {
    FramedServer framed(framedConfig(frameSpec("line")));
    auto& server = framed.server;
    auto& log = framed.log;
    const auto port = framed.port;
    ASSERT_NE(port, 0) << log.errors();
    {
        RawPeer peer(port);
        ASSERT_TRUE(log.waitForEvent<EventAccepted>());
        peer.write("first\nsec");
        ASSERT_TRUE(log.waitFor(messagesAtLeast(1)));
        peer.write("ond\nthird\nfou"); // completes one message, holds a whole one, starts another
        ASSERT_TRUE(log.waitFor(messagesAtLeast(3)));
        peer.write("rth");
    } // closes: "fourth" has no line feed
    ASSERT_TRUE(log.waitForEvent<EventClosed>()) << log.errors();
    EXPECT_EQ(receivedMessages(log.events()),
              (std::vector<Received>{{"first\n", FrameStatus::Complete}, {"second\n", FrameStatus::Complete},
                                     {"third\n", FrameStatus::Complete}, {"fourth", FrameStatus::Partial}}));
    const TrafficSnapshot traffic = server.counters().traffic.snapshot();
    EXPECT_EQ(traffic.rxMessages, 4u);
    EXPECT_EQ(traffic.rxBytes, 25u);
    EXPECT_EQ(server.counters().framesPartial.load(), 1u);
    EXPECT_EQ(server.counters().framesOversize.load(), 0u);
    // The partial message is reported before the close, and the close carries the exact totals.
    const auto* closed = log.first<EventClosed>();
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->traffic.rxMessages, 4u);
    std::size_t partialAt = 0, closedAt = 0;
    for (std::size_t i = 0; i < log.events().size(); ++i) {
        const auto& body = log.events()[i].body;
        if (const auto* d = std::get_if<EventData>(&body); d && d->frame == FrameStatus::Partial) partialAt = i;
        if (std::holds_alternative<EventClosed>(body)) closedAt = i;
    }
    EXPECT_LT(partialAt, closedAt) << "the partial message comes before the close that ended it";
}

TEST(FramedSession, ARepliesToEachMessageOfAGluedWrite) {
    auto config = framedConfig(frameSpec("delim:3b"), ReplyMode::Fixed); // ';'
    config.autoReply.reply = test::textTemplate("ack {n}\n");
    FramedServer framed(config);
    ASSERT_NE(framed.port, 0) << framed.log.errors();
    RawPeer peer(framed.port);
    peer.write("one;two;three;");
    EXPECT_EQ(peer.read(18), "ack 1\nack 2\nack 3\n") << "one answer per message, not one per read";
}

TEST(FramedSession, ClientFramesModbusRepliesAcrossSplitAndGluedWrites) {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    auto config = test::clientTo(acceptor.local_endpoint().port());
    config.framing = frameSpec("modbus-tcp");
    TcpClient client(config);
    EventLog log(client);
    client.open();
    asio::ip::tcp::socket device = acceptor.accept();
    ASSERT_TRUE(log.waitForEvent<EventConnected>()) << log.errors();
    const std::string first("\x00\x01\x00\x00\x00\x07\x01\x03\x04\x00\x0a\x00\x0b", 13);
    const std::string second("\x00\x02\x00\x00\x00\x05\x01\x03\x02\x12\x34", 11);
    asio::write(device, asio::buffer(first.substr(0, 5))); // split inside the MBAP header
    ASSERT_FALSE(log.waitFor(messagesAtLeast(1), 100ms)) << "half a header is no message";
    asio::write(device, asio::buffer(first.substr(5) + second)); // the rest, glued to the next reply
    ASSERT_TRUE(log.waitFor(messagesAtLeast(2)));
    EXPECT_EQ(receivedMessages(log.events()),
              (std::vector<Received>{{first, FrameStatus::Complete}, {second, FrameStatus::Complete}}));
    EXPECT_EQ(client.counters().traffic.snapshot().rxMessages, 2u);
}

TEST(FramedSession, OversizeMessagesAreReportedCountedAndFramingGoesOn) {
    FramedServer framed(framedConfig(parseFrameSpec("line", 8).value()));
    auto& server = framed.server;
    auto& log = framed.log;
    const auto port = framed.port;
    ASSERT_NE(port, 0) << log.errors();
    RawPeer peer(port);
    peer.write("ok\n" + std::string(5000, 'x') + "\nafter\n");
    ASSERT_TRUE(log.waitFor(messagesAtLeast(3)));
    EXPECT_EQ(receivedMessages(log.events()),
              (std::vector<Received>{{"ok\n", FrameStatus::Complete}, {"xxxxxxxx", FrameStatus::Oversize},
                                     {"after\n", FrameStatus::Complete}}));
    EXPECT_EQ(server.counters().framesOversize.load(), 1u);
    EXPECT_EQ(server.counters().traffic.snapshot().rxBytes, 3u + 5001u + 6u) << "bytes are counted as they arrived";
}

TEST(FramedSession, IdleFramingEndsAMessageWhenTheLineFallsSilent) {
    FramedServer framed(framedConfig(frameSpec("idle:40")));
    auto& log = framed.log;
    const auto port = framed.port;
    ASSERT_NE(port, 0) << log.errors();
    RawPeer peer(port);
    peer.write("burst one");
    ASSERT_TRUE(log.waitFor(messagesAtLeast(1)));
    peer.write("burst two");
    ASSERT_TRUE(log.waitFor(messagesAtLeast(2)));
    EXPECT_EQ(receivedMessages(log.events()),
              (std::vector<Received>{{"burst one", FrameStatus::Complete}, {"burst two", FrameStatus::Complete}}));
}

TEST(FramedSession, DiscardCountsMessagesAndStoresNothing) {
    auto config = framedConfig(frameSpec("len:2be"));
    config.discard = true;
    FramedServer framed(config);
    auto& server = framed.server;
    auto& log = framed.log;
    const auto port = framed.port;
    ASSERT_NE(port, 0) << log.errors();
    RawPeer peer(port);
    std::string messages;
    for (int i = 0; i < 1000; ++i) messages += std::string("\x00\x03" "abc", 5);
    peer.write(messages);
    ASSERT_TRUE(test::eventually([&] { return server.counters().traffic.snapshot().rxBytes == 5000; }));
    EXPECT_EQ(server.counters().traffic.snapshot().rxMessages, 1000u);
    log.drain();
    EXPECT_TRUE(receivedMessages(log.events()).empty());
}

TEST(FramedSession, ARawCaptureKeepsTheBytesAsTheyCrossedTheSocket) {
    const auto path = std::filesystem::temp_directory_path() / ("socketeer-framed-capture-" + std::to_string(::getpid()) + ".bin");
    std::filesystem::remove(path);
    FramedServer framed(framedConfig(frameSpec("slip"))); // decoded: the messages differ from the wire bytes
    auto& server = framed.server;
    auto& log = framed.log;
    const auto port = framed.port;
    ASSERT_NE(port, 0) << log.errors();
    ASSERT_EQ(server.startCapture({path.string(), CaptureFormat::Raw, true, false, true}), "");
    const std::string wire("\xc0" "a\xdb\xdc" "b\xc0" "c\xdb\xdd\xc0", 10);
    RawPeer peer(port);
    peer.write(wire);
    ASSERT_TRUE(log.waitFor(messagesAtLeast(2)));
    EXPECT_EQ(receivedMessages(log.events()),
              (std::vector<Received>{{"a\xc0" "b", FrameStatus::Complete}, {"c\xdb", FrameStatus::Complete}}));
    server.stop();
    std::string captured;
    {
        std::ifstream in(path, std::ios::binary); // closed before the remove: Windows refuses to delete an open file
        captured.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    EXPECT_EQ(captured, wire);
    std::filesystem::remove(path);
}

TEST(TemplatedRepeat, EachSendOfARepeatTakesTheNextCounterStep) {
    FramedServer framed(framedConfig(frameSpec("fixed:3")));
    ASSERT_NE(framed.port, 0) << framed.log.errors();
    TcpClient client(test::clientTo(framed.port));
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>()) << clientLog.errors();
    RepeatSpec spec;
    spec.payloadTemplate = std::make_shared<const PayloadTemplate>(
        PayloadTemplate::parse("{counter:u8} ab {xor8}", PayloadSyntax::Hex).value());
    spec.interval = 5ms;
    spec.count = 3;
    client.startRepeat(spec);
    ASSERT_TRUE(framed.log.waitFor(messagesAtLeast(3)));
    EXPECT_EQ(receivedMessages(framed.log.events()),
              (std::vector<Received>{{std::string("\x01\xab\xaa", 3), FrameStatus::Complete},
                                     {std::string("\x02\xab\xa9", 3), FrameStatus::Complete},
                                     {std::string("\x03\xab\xa8", 3), FrameStatus::Complete}}));
    EXPECT_EQ(client.nextPayloadCounter(), 4u) << "the session's counter moved once per send";
}

TEST(TemplatedReply, EachAnswerResolvesItsTokensForThatMessage) {
    // "{n}:" then the sum of those bytes: "1:" sums to 0x6b ('k'), "2:" to 0x6c ('l').
    auto config = framedConfig(frameSpec("line"), ReplyMode::Fixed);
    config.autoReply.reply = test::textTemplate("{n}:{sum8}");
    FramedServer framed(config);
    ASSERT_NE(framed.port, 0) << framed.log.errors();
    RawPeer peer(framed.port);
    peer.write("a\nb\n");
    EXPECT_EQ(peer.read(6), "1:k2:l");
}

} // namespace

