// Soak: mixed load for SOCKETEER_SOAK_SECONDS (20 s in the suite; the published run is 600 s). Resident memory stays
// within 10 % of its level after warm-up, descriptors and threads do not leak, and every session answers at the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <string_view>

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

#if defined(__SANITIZE_THREAD__)
constexpr int Slowdown = 5; // TSan runs the same code 5-15 times slower: the same mix at a fifth of the rate
#else
constexpr int Slowdown = 1;
#endif

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
    // The baseline is taken after one session came and went, so threads a runtime starts once (a sanitizer's
    // background thread) are not counted as leaks.
    { UdpSocket warmUp(UdpSocketConfig{}); }
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
        // Opened here with a log of their own (the Opened event is all it keeps); the front end drains them after.
        const auto openOnLoopback = [](Session& server) {
            test::EventLog log(server);
            return test::openAndGetPort(server, log);
        };
        const auto echoPort = openOnLoopback(echoServer), relayPort = openOnLoopback(relayServer),
                   udpPort = openOnLoopback(udpServer);
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
            client.startRepeat({Bytes(size, 0x61), SendTarget::toDefault(), interval, 0, nullptr});
        };
        for (auto* c : echoClients) c->open();
        for (auto* c : relayClients) c->open();
        for (auto* c : udpClients) c->open();
        ASSERT_TRUE(test::eventually([&] {
            for (auto& w : sessions)
                if (w.session->state() != SessionState::Open) return false;
            return true;
        }));
        for (auto* c : echoClients) startLoad(*c, 1024, 2ms * Slowdown);
        for (auto* c : relayClients) startLoad(*c, 300, 10ms * Slowdown);
        for (auto* c : udpClients) startLoad(*c, 200, 1ms * Slowdown);

        // Run: the front end drains every 20 ms; once a second one echo client is closed and reopened (churn).
        // The baseline is taken after warm-up, between two reconnects (every client connected, none closing) and once
        // every history has filled its budget, so neither a reconnect in progress nor a filling history counts.
        const auto start = std::chrono::steady_clock::now();
        const auto warmUp = std::max<std::chrono::seconds>(5s, duration / 5);
        const auto settled = [&] {
            for (auto& w : sessions)
                if (w.session->state() != SessionState::Open) return false;
            return echoServer.peers().size() == echoClients.size() && relayServer.peers().size() == relayClients.size();
        };
        const auto historiesFull = [&] {
            for (auto& w : sessions)
                if (w.history.evictedRecords() == 0 && w.session->counters().traffic.snapshot().rxBytes > 0) return false;
            return true;
        };
        std::size_t residentAtWarmUp = 0, residentPeak = 0, descriptorsAtWarmUp = 0, threadsAtWarmUp = 0;
        std::size_t churned = 0;
        auto nextChurn = start + 1500ms;
        while (std::chrono::steady_clock::now() - start < duration) {
            for (auto& w : sessions) w.drain();
            const auto now = std::chrono::steady_clock::now();
            if (now >= nextChurn) {
                nextChurn += 1s;
                auto* client = echoClients[churned++ % echoClients.size()];
                client->close();
                client->open();
                startLoad(*client, 1024, 2ms * Slowdown);
            }
            if (now - start >= warmUp && (residentAtWarmUp > 0 || ((historiesFull() || now - start >= duration / 2) && settled()))) {
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
        // The probe itself must come back (not a late echo of the load): it is looked for in the newest records.
        const auto answers = [&](Session& client, Session& from) {
            const std::string probe = "soak-probe-" + std::to_string(client.id());
            from.send(toBytes(probe));
            const auto& history = std::find_if(sessions.begin(), sessions.end(), [&](auto& w) { return w.session.get() == &client; })->history;
            return test::eventually([&] {
                for (auto& w : sessions) w.drain();
                for (std::size_t i = history.size(), seen = 0; i > 0 && seen < 256; --i, ++seen) {
                    const auto record = history.at(i - 1, false);
                    const std::string_view text(reinterpret_cast<const char*>(record.bytes.data()), record.bytes.size());
                    if (record.direction == Direction::Rx && text.find(probe) != std::string_view::npos) return true;
                }
                return false;
            }, 10s);
        };
        for (auto* c : echoClients) EXPECT_TRUE(answers(*c, *c)) << "an echo client stopped being answered";
        for (auto* c : udpClients) EXPECT_TRUE(answers(*c, *c)) << "a UDP client stopped being answered";
        EXPECT_TRUE(answers(*relayClients[0], *relayClients[1])) << "the relay stopped passing messages on";

        // Compared once every client is connected again (the last reconnect may still be under way).
        EXPECT_TRUE(test::eventually([&] { return settled() && test::openDescriptors() == descriptorsAtWarmUp; }, 10s));
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
