// The traffic generator in the desktop app: started from a session's panel, its live figures drawn there, and a UDP
// session showing the loss figures of the numbered stream it receives.
#include <gtest/gtest.h>

#include <regex>

#include "ui_harness.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

namespace {

app::SessionModel& openSession(UiHarness& h, SessionSpec spec) {
    app::SessionModel& session = h.model.addSession(std::move(spec));
    session.open();
    EXPECT_TRUE(h.frameUntil([&] { return session.localEndpoint().has_value(); }));
    return session;
}

SessionSpec tcpServerSpec(bool discard, ReplyMode reply = ReplyMode::None) {
    SessionSpec spec;
    spec.kind = SessionKind::TcpServer;
    spec.name = "sink";
    spec.tcpServer.bindAddress = "127.0.0.1";
    spec.tcpServer.discard = discard;
    spec.tcpServer.autoReply.mode = reply;
    return spec;
}

app::SessionModel& clientFor(UiHarness& h, std::uint16_t port) {
    SessionSpec spec;
    spec.kind = SessionKind::TcpClient;
    spec.name = "load";
    spec.tcpClient.host = "127.0.0.1";
    spec.tcpClient.port = port;
    app::SessionModel& client = h.model.addSession(spec);
    h.model.selected = client.uiId();
    return client;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

} // namespace

TEST(GeneratorUi, StreamStartedFromThePanelShowsItsRateAndTheServerCountsEveryByte) {
    UiHarness h;
    app::SessionModel& sink = openSession(h, tcpServerSpec(true));
    app::SessionModel& client = clientFor(h, sink.localEndpoint()->port);
    ASSERT_TRUE(h.click("generator"));
    client.generator().settings.duration = std::chrono::seconds(1);
    client.generator().settings.payloadBytes = 16384;
    ASSERT_TRUE(h.click("generator/start"));
    EXPECT_EQ(client.generator().startError, "");
    ASSERT_TRUE(h.frameUntil([&] { return client.generator().hasRun() && !client.generator().running(); }, std::chrono::seconds(10)));
    ASSERT_TRUE(h.frameUntil([&] { return client.generator().figures().phase == GeneratorPhase::Finished; }));
    const auto sent = client.generator().figures().bytesSent;
    EXPECT_GT(sent, 1u << 20);
    const std::string text = h.frameText();
    EXPECT_TRUE(contains(text, "finished")) << text;
    EXPECT_TRUE(std::regex_search(text, std::regex(R"(sending [0-9.]+ [GMk]bit/s, [0-9]+ writes/s)"))) << text;
    EXPECT_TRUE(h.frameUntil([&] { return sink.session()->counters().traffic.snapshot().rxBytes == sent; }));
    EXPECT_EQ(sink.history().totalRecords(), 0u) << "discard mode stores nothing";
}

TEST(GeneratorUi, RoundTripsShowPercentilesAndAFailureIsExplained) {
    UiHarness h;
    app::SessionModel& echo = openSession(h, tcpServerSpec(false, ReplyMode::Echo));
    app::SessionModel& client = clientFor(h, echo.localEndpoint()->port);
    ASSERT_TRUE(h.click("generator"));
    client.generator().settings.mode = GeneratorMode::TcpRtt;
    client.generator().settings.payloadBytes = 64;
    client.generator().settings.probeCount = 100;
    ASSERT_TRUE(h.click("generator/start"));
    ASSERT_TRUE(h.frameUntil([&] { return client.generator().figures().phase == GeneratorPhase::Finished; }, std::chrono::seconds(10)));
    EXPECT_EQ(client.generator().figures().rtt.count, 100u);
    const std::string text = h.frameText();
    EXPECT_TRUE(std::regex_search(text, std::regex(R"(RTT of 100: min [0-9.]+, p50 [0-9.]+, p90 [0-9.]+, p99 [0-9.]+, max [0-9.]+ us)")))
        << text;

    // No host: the button explains instead of starting.
    client.spec().tcpClient.host.clear();
    ASSERT_TRUE(h.click("generator/start"));
    EXPECT_EQ(client.generator().startError, "set a remote host and port in the settings first");
    EXPECT_TRUE(contains(h.frameText(), "set a remote host and port in the settings first"));
}

TEST(GeneratorUi, ATlsClientsGeneratorSpeaksTlsToItsServer) {
    if (!tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    UiHarness h;
    SessionSpec echoSpec = tcpServerSpec(false, ReplyMode::Echo);
    echoSpec.tcpServer.tls.enabled = true; // a generated certificate
    app::SessionModel& echo = openSession(h, echoSpec);
    app::SessionModel& client = clientFor(h, echo.localEndpoint()->port);
    client.spec().tcpClient.tls.enabled = true;
    client.spec().tcpClient.tls.insecure = true;
    ASSERT_TRUE(h.click("generator"));
    EXPECT_TRUE(contains(h.frameText(), "over TLS, verification OFF"));
    client.generator().settings.mode = GeneratorMode::TcpRtt;
    client.generator().settings.payloadBytes = 64;
    client.generator().settings.probeCount = 50;
    ASSERT_TRUE(h.click("generator/start"));
    ASSERT_TRUE(h.frameUntil([&] { return client.generator().figures().phase == GeneratorPhase::Finished; }, std::chrono::seconds(10)))
        << (client.generator().figures().problems.empty() ? "" : client.generator().figures().problems[0]);
    EXPECT_EQ(client.generator().figures().rtt.count, 50u) << "a plain probe would get no echo from a TLS server";
    EXPECT_TRUE(contains(h.frameText(), "TLS: TLSv1.3, "));
}

TEST(GeneratorUi, AUdpSessionShowsLossOfTheNumberedStreamItReceives) {
    UiHarness h;
    SessionSpec receiverSpec;
    receiverSpec.kind = SessionKind::Udp;
    receiverSpec.name = "receiver";
    receiverSpec.udp.bindAddress = "127.0.0.1";
    app::SessionModel& receiver = openSession(h, receiverSpec);

    SessionSpec senderSpec;
    senderSpec.kind = SessionKind::Udp;
    senderSpec.name = "sender";
    senderSpec.udp.bindAddress = "127.0.0.1";
    senderSpec.udp.remoteHost = "127.0.0.1";
    senderSpec.udp.remotePort = receiver.localEndpoint()->port;
    app::SessionModel& sender = h.model.addSession(senderSpec);
    h.model.selected = sender.uiId();
    ASSERT_TRUE(h.click("generator"));
    sender.generator().settings.ratePerSecond = 2000;
    sender.generator().settings.payloadBytes = 100;
    sender.generator().settings.duration = std::chrono::seconds(1);
    ASSERT_TRUE(h.click("generator/start"));
    ASSERT_TRUE(h.frameUntil([&] { return sender.generator().figures().phase == GeneratorPhase::Finished; }, std::chrono::seconds(10)));
    const auto datagrams = sender.generator().figures().messagesSent;
    EXPECT_GE(datagrams, 1800u);

    h.model.selected = receiver.uiId();
    ASSERT_TRUE(h.frameUntil([&] { return receiver.sequenceStats() && receiver.sequenceStats()->received == datagrams; }));
    const std::string text = h.frameText();
    const std::string n = std::to_string(datagrams);
    EXPECT_TRUE(contains(text, "numbered stream: " + n + " of " + n + " received, lost 0 (0.000 %), duplicated 0, reordered 0"))
        << text;
    EXPECT_EQ(receiver.history().totalRecords(), datagrams) << "without discard every datagram is also shown";
}
