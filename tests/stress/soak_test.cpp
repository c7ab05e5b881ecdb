// Soak: mixed load for SOCKETEER_SOAK_SECONDS (20 s in the suite; the published run is 600 s). Resident memory stays
// within 10 % of its level after warm-up, descriptors and threads do not leak, and every session answers at the end.
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>

#include "resources.hpp"
#include "socketeer/core/history/session_history.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "stress_support.hpp"

using namespace socketeer;
using namespace socketeer::core;
using namespace std::chrono_literals;

namespace {

std::chrono::seconds soakDuration() {
    const char* text = std::getenv("SOCKETEER_SOAK_SECONDS");
    const long seconds = text ? std::strtol(text, nullptr, 10) : 0;
    return std::chrono::seconds(seconds > 0 ? seconds : 20);
}

/// A session and the front end's view of it: its history (a small budget, so it fills during warm-up).
struct Watched {
    std::unique_ptr<Session> session;
    SessionHistory history{1u << 20};
    std::uint64_t gapMessages = 0;
    void drain() {
        std::vector<SessionEvent> batch;
        session->events().drain(batch);
        for (const auto& event : batch) {
            history.append(event);
            if (const auto* gap = std::get_if<EventDisplayGap>(&event.body)) gapMessages += gap->rxMessages;
        }
    }
};

} // namespace

TEST(Soak, MixedLoadKeepsMemoryFlatLeaksNothingAndEverySessionAnswers) {
    const auto duration = soakDuration();
    const auto descriptorsBefore = test::openDescriptors();
    const auto threadsBefore = test::threadCount();
    {
        std::deque<Watched> sessions; // a deque: Watched does not move, and references must stay valid
        const auto add = [&](std::unique_ptr<Session> session) -> Session& {
            sessions.emplace_back().session = std::move(session);
            return *sessions.back().session;
        };

        // A TCP echo server, a relay server, a UDP echo socket.
        TcpServerConfig echoConfig;
        echoConfig.bindAddress = "127.0.0.1";
        echoConfig.autoReply.mode = ReplyMode::Echo;
        auto& echoServer = add(std::make_unique<TcpServer>(echoConfig));
        TcpServerConfig relayConfig = echoConfig;
        relayConfig.autoReply = {};
        relayConfig.autoReply.relay = true;
        auto& relayServer = add(std::make_unique<TcpServer>(relayConfig));
        UdpSocketConfig udpConfig;
        udpConfig.bindAddress = "127.0.0.1";
        udpConfig.autoReply.mode = ReplyMode::Echo;
        auto& udpServer = add(std::make_unique<UdpSocket>(udpConfig));
        for (auto* server : {&echoServer, &relayServer, &udpServer}) server->open();
        ASSERT_TRUE(test::eventually([&] { return echoServer.state() == SessionState::Open && relayServer.state() == SessionState::Open && udpServer.state() == SessionState::Open; }));
        const auto portOf = [](Session& s) {
            for (;;) {
                std::vector<SessionEvent> batch;
                s.events().waitUntilNotEmpty(std::chrono::steady_clock::now() + 5s);
                s.events().drain(batch);
                for (const auto& e : batch)
                    if (const auto* opened = std::get_if<EventOpened>(&e.body)) return opened->local.port;
                if (batch.empty()) return std::uint16_t{0};
            }
        };
        const auto echoPort = portOf(echoServer), relayPort = portOf(relayServer), udpPort = portOf(udpServer);
        ASSERT_TRUE(echoPort && relayPort && udpPort);

        // 6 TCP clients sending 1 KiB every 2 ms to the echo server, 3 chatting through the relay (every 10 ms),
        // 4 UDP clients sending 200 bytes every millisecond.
        std::vector<TcpClient*> echoClients, relayClients;
        std::vector<UdpSocket*> udpClients;
        TcpClientConfig toEcho;
        toEcho.host = "127.0.0.1";
        toEcho.port = echoPort;
        TcpClientConfig toRelay = toEcho;
        toRelay.port = relayPort;
        for (int i = 0; i < 6; ++i) echoClients.push_back(static_cast<TcpClient*>(&add(std::make_unique<TcpClient>(toEcho))));
        for (int i = 0; i < 3; ++i) relayClients.push_back(static_cast<TcpClient*>(&add(std::make_unique<TcpClient>(toRelay))));
        UdpSocketConfig udpClientConfig;
        udpClientConfig.bindAddress = "127.0.0.1";
        udpClientConfig.remoteHost = "127.0.0.1";
        udpClientConfig.remotePort = udpPort;
        for (int i = 0; i < 4; ++i) udpClients.push_back(static_cast<UdpSocket*>(&add(std::make_unique<UdpSocket>(udpClientConfig))));
        const auto startLoad = [&](Session& client, std::size_t size, std::chrono::milliseconds interval) {
            client.startRepeat({Bytes(size, 0x61), SendTarget::toDefault(), interval, 0});
        };
        for (auto* c : echoClients) c->open();
        for (auto* c : relayClients) c->open();
        for (auto* c : udpClients) c->open();
        ASSERT_TRUE(test::eventually([&] {
            for (auto& w : sessions)
                if (w.session->state() != SessionState::Open) return false;
            return true;
        }));
        for (auto* c : echoClients) startLoad(*c, 1024, 2ms);
        for (auto* c : relayClients) startLoad(*c, 300, 10ms);
        for (auto* c : udpClients) startLoad(*c, 200, 1ms);

        // Run: the front end drains every 20 ms; once a second one echo client is closed and reopened (churn).
        const auto start = std::chrono::steady_clock::now();
        const auto warmUp = std::max<std::chrono::seconds>(5s, duration / 5);
        std::size_t residentAtWarmUp = 0, residentPeak = 0, descriptorsAtWarmUp = 0, threadsAtWarmUp = 0;
        std::size_t churned = 0;
        auto nextChurn = start + 1s;
        while (std::chrono::steady_clock::now() - start < duration) {
            for (auto& w : sessions) w.drain();
            const auto now = std::chrono::steady_clock::now();
            if (now >= nextChurn) {
                nextChurn += 1s;
                auto* client = echoClients[churned++ % echoClients.size()];
                client->close();
                client->open();
                startLoad(*client, 1024, 2ms);
            }
            if (now - start >= warmUp) {
                const auto resident = test::residentBytes();
                if (residentAtWarmUp == 0) {
                    residentAtWarmUp = resident;
                    descriptorsAtWarmUp = test::openDescriptors();
                    threadsAtWarmUp = test::threadCount();
                }
                residentPeak = std::max(residentPeak, resident);
            }
            std::this_thread::sleep_for(20ms); // the front end's frame interval: pacing, not waiting for a condition
        }

        // Every session answers: each echo client gets a probe echoed, the relay passes one on, UDP echoes.
        for (auto* c : echoClients) c->stopRepeat();
        for (auto* c : relayClients) c->stopRepeat();
        for (auto* c : udpClients) c->stopRepeat();
        const auto answers = [&](Session& client, Session& from) {
            const auto before = client.counters().traffic.snapshot().rxBytes;
            from.send(toBytes("probe"));
            return test::eventually([&] {
                for (auto& w : sessions) w.drain();
                return client.counters().traffic.snapshot().rxBytes >= before + 5;
            }, 10s);
        };
        for (auto* c : echoClients) EXPECT_TRUE(answers(*c, *c)) << "an echo client stopped being answered";
        for (auto* c : udpClients) EXPECT_TRUE(answers(*c, *c)) << "a UDP client stopped being answered";
        EXPECT_TRUE(answers(*relayClients[0], *relayClients[1])) << "the relay stopped passing messages on";

        const auto descriptorsAtEnd = test::openDescriptors();
        const auto threadsAtEnd = test::threadCount();
        std::uint64_t totalBytes = 0;
        for (auto& w : sessions) totalBytes += w.session->counters().traffic.snapshot().rxBytes;
        std::cout << "[ figures  ] soak " << duration.count() << " s: " << sessions.size() << " sessions, "
                  << churned << " reconnects, " << totalBytes / (1 << 20) << " MiB received in all; RSS after warm-up "
                  << residentAtWarmUp / 1024 << " KiB, peak " << residentPeak / 1024 << " KiB; descriptors "
                  << descriptorsAtWarmUp << " -> " << descriptorsAtEnd << ", threads " << threadsAtWarmUp << " -> "
                  << threadsAtEnd << "\n";
        EXPECT_EQ(descriptorsAtEnd, descriptorsAtWarmUp) << "descriptors leaked under load";
        EXPECT_EQ(threadsAtEnd, threadsAtWarmUp) << "threads leaked under load";
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
        // Sanitizers keep freed memory (quarantine) and shadow state, so resident size only means something without.
        EXPECT_LE(residentPeak, residentAtWarmUp + residentAtWarmUp / 10) << "resident memory grew more than 10 %";
#endif
        for (auto& w : sessions) EXPECT_LE(w.history.memoryUsed(), w.history.budget());
    }
    // Every session destroyed: the process is back to what it held before.
    EXPECT_TRUE(test::eventually([&] { return test::threadCount() == threadsBefore; })) << test::threadCount();
    EXPECT_EQ(test::openDescriptors(), descriptorsBefore);
}
