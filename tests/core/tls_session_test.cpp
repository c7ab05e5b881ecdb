// TLS sessions on loopback: a TCP server and client with TLS carry 1 MiB both ways intact, half-close with
// close_notify then FIN, report what the handshake settled on, refuse a bad certificate and try again on the next
// open, and a server fed garbage or a handshake cut short says why and keeps serving.
#include <gtest/gtest.h>

#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "loopback.hpp"
#include "raw_peer.hpp"
#include "random_bytes.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::EventLog;
using socketeer::test::RawPeer;
using test::clientTo;
using test::loopbackServer;
using test::randomBytes;
using namespace std::chrono_literals;

namespace {

TcpServerConfig tlsServer(ReplyMode mode) {
    TcpServerConfig config = loopbackServer(mode);
    config.tls.enabled = true;
    return config;
}

TcpClientConfig tlsClient(std::uint16_t port, bool insecure = true) {
    TcpClientConfig config = clientTo(port);
    config.tls.enabled = true;
    config.tls.insecure = insecure;
    return config;
}


std::string closedDetail(const EventLog& log) {
    const auto* closed = log.first<EventClosed>();
    return closed ? closed->detail : "(not closed)";
}

} // namespace

TEST(TlsSession, OneMebibyteEachWayIsIntactAndTheHandshakeIsReported) {
    TcpServer server(tlsServer(ReplyMode::Echo));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    ASSERT_NE(port, 0) << serverLog.errors();
    TcpClient client(tlsClient(port));
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventTlsEstablished>()) << clientLog.errors();
    const TlsSessionInfo& tls = clientLog.first<EventTlsEstablished>()->tls;
    EXPECT_EQ(tls.protocol, "TLSv1.3");
    ASSERT_TRUE(tls.peerCertificate);
    EXPECT_TRUE(tls.peerCertificate->selfSigned);
    EXPECT_EQ(tls.peerCertificate->sha256Fingerprint.size(), 95u);

    // Sent in pieces of uneven sizes, as the send budget takes them.
    const Bytes data = randomBytes(1u << 20, 7);
    std::size_t offset = 0;
    for (std::size_t piece = 1000; offset < data.size(); piece = piece * 3 % 70001 + 1) {
        const std::size_t size = std::min(piece, data.size() - offset);
        client.send(Bytes(data.begin() + static_cast<std::ptrdiff_t>(offset),
                                                  data.begin() + static_cast<std::ptrdiff_t>(offset + size)));
        offset += size; // 1 MiB is within the default send budget: nothing is refused
    }
    ASSERT_TRUE(clientLog.waitFor([&](const auto&) { return clientLog.bytesCount(Direction::Rx) >= data.size(); }, 30s))
        << clientLog.bytesCount(Direction::Rx) << clientLog.errors();
    EXPECT_TRUE(clientLog.bytes(Direction::Rx) == data) << "the echo differs";
    EXPECT_TRUE(clientLog.bytes(Direction::Tx) == data) << "sent events carry the plaintext";
    ASSERT_TRUE(serverLog.waitFor([&](const auto&) { return serverLog.bytesCount(Direction::Rx) >= data.size(); }));
    EXPECT_TRUE(serverLog.bytes(Direction::Rx) == data);
    EXPECT_EQ(client.counters().traffic.snapshot().rxBytes, data.size()) << "counters count plaintext";
    EXPECT_EQ(clientLog.errors(), "");
}

TEST(TlsSession, AHalfCloseSendsCloseNotifyAndTheAnswerStillComes) {
    TcpServer server(tlsServer(ReplyMode::Echo));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(tlsClient(port));
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>()) << clientLog.errors();
    // Sent and half-closed (most likely) before the handshake ends: both wait for it, in order.
    client.send(toBytes("last words"));
    client.halfClose();
    ASSERT_TRUE(clientLog.waitForEvent<EventClosed>()) << clientLog.errors();
    EXPECT_EQ(clientLog.bytes(Direction::Rx), toBytes("last words"));
    EXPECT_EQ(clientLog.first<EventClosed>()->reason, CloseReason::PeerClosed) << closedDetail(clientLog);
    ASSERT_TRUE(serverLog.waitForEvent<EventClosed>());
    EXPECT_EQ(serverLog.first<EventClosed>()->reason, CloseReason::PeerClosed) << closedDetail(serverLog);
    // Both ends said close_notify: neither saw a bare TCP end.
    for (const EventLog* log : {&clientLog, &serverLog}) {
        for (const auto& event : log->events()) {
            if (const auto* notice = std::get_if<EventNotice>(&event.body)) {
                EXPECT_EQ(notice->text.find("without a TLS close_notify"), std::string::npos) << notice->text;
            }
        }
    }
}

TEST(TlsSession, ARefusedCertificateSaysWhyAndTheNextOpenTriesAgain) {
    TcpServer server(tlsServer(ReplyMode::Echo));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    TcpClient client(tlsClient(port, false)); // verified against the system's store: a generated certificate fails
    EventLog clientLog(client);
    for (std::size_t attempt = 1; attempt <= 2; ++attempt) {
        client.open();
        ASSERT_TRUE(clientLog.waitFor([&](const auto& events) { return EventLog::countOf<EventClosed>(events) == attempt; }))
            << clientLog.errors();
        EXPECT_EQ(client.state(), SessionState::Closed);
    }
    EXPECT_EQ(clientLog.count<EventConnecting>(), 2u);
    EXPECT_EQ(clientLog.count<EventTlsEstablished>(), 0u);
    EXPECT_NE(clientLog.errors().find("TLS handshake with 127.0.0.1:" + std::to_string(port) + " failed: self-signed certificate"),
              std::string::npos) << clientLog.errors();
    // The server heard why, from the client's alert.
    ASSERT_TRUE(serverLog.waitFor([](const auto& events) { return EventLog::countOf<EventClosed>(events) >= 2; }));
    EXPECT_NE(serverLog.errors().find("alert"), std::string::npos) << serverLog.errors();
}

TEST(TlsSession, GarbageAndCutShortHandshakesAreNamedAndTheServerKeepsServing) {
    TcpServer server(tlsServer(ReplyMode::Echo));
    EventLog serverLog(server);
    const auto port = test::openAndGetPort(server, serverLog);
    {   // Not TLS at all: an HTTP request (OpenSSL recognises one and says so).
        RawPeer garbage(port);
        garbage.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(garbage.closedByPeer());
    }
    ASSERT_TRUE(serverLog.waitFor([](const auto& events) { return EventLog::countOf<EventClosed>(events) == 1; }));
    EXPECT_NE(serverLog.errors().find("TLS handshake with 127.0.0.1:"), std::string::npos) << serverLog.errors();
    EXPECT_NE(serverLog.errors().find("http request"), std::string::npos) << serverLog.errors();
    {   // The start of a ClientHello record, then the peer goes.
        RawPeer truncated(port);
        truncated.write(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
        truncated.socket.shutdown(asio::ip::tcp::socket::shutdown_send);
        EXPECT_TRUE(truncated.closedByPeer());
    }
    ASSERT_TRUE(serverLog.waitFor([](const auto& events) { return EventLog::countOf<EventClosed>(events) == 2; }));
    EXPECT_NE(serverLog.errors().find("the peer closed the connection during it"), std::string::npos) << serverLog.errors();
    EXPECT_EQ(server.counters().activeConnections.load(), 0u);

    // And a real client is served as before.
    TcpClient client(tlsClient(port));
    EventLog clientLog(client);
    client.open();
    ASSERT_TRUE(clientLog.waitForEvent<EventConnected>()) << clientLog.errors();
    client.send(toBytes("still here?"));
    ASSERT_TRUE(clientLog.waitFor([&](const auto&) { return clientLog.bytesCount(Direction::Rx) >= 11; })) << clientLog.errors();
    EXPECT_EQ(clientLog.bytes(Direction::Rx), toBytes("still here?"));
}
