// The worker side of a TrafficGenerator: live figures any thread may read, and the engine base every mode shares
// (name lookup, the duration timer, finishing exactly once).
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "net/host_lookup.hpp"
#include "traffic/generator_tls.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"
#include "socketeer/core/bytes.hpp"

namespace socketeer::core {

/// Written by the worker, read by anyone: counters are atomics, the rest sits behind one mutex.
class GeneratorLive {
public:
    explicit GeneratorLive(unsigned connections) : m_perConnection(connections) {}

    std::atomic<std::uint64_t> bytesSent{0}, messagesSent{0}, bytesReceived{0}, sendErrors{0}, probesLost{0};
    std::atomic<unsigned> connectionsOpen{0};
    /// Set by stop() on any thread, before the stop is posted: an engine that blocks its worker (round trips) looks
    /// at it between calls instead.
    std::atomic<bool> stopRequested{false};

    void addSent(unsigned connection, std::uint64_t bytes) {
        bytesSent.fetch_add(bytes, std::memory_order_relaxed);
        messagesSent.fetch_add(1, std::memory_order_relaxed);
        if (connection < m_perConnection.size()) m_perConnection[connection].fetch_add(bytes, std::memory_order_relaxed);
    }
    /// A batch of datagrams (one connection): `bytes` in all.
    void addSentBatch(std::uint64_t bytes, std::uint64_t messages) {
        bytesSent.fetch_add(bytes, std::memory_order_relaxed);
        messagesSent.fetch_add(messages, std::memory_order_relaxed);
        if (!m_perConnection.empty()) m_perConnection[0].fetch_add(bytes, std::memory_order_relaxed);
    }
    void recordRtt(std::uint64_t nanoseconds);
    /// Keeps the first MaxProblems; later ones are only counted.
    void addProblem(std::string text);
    void markStarted();
    /// The first connection's TLS, in words (later ones are alike).
    void setTls(std::string description);
    /// Sets the final phase (once); wakes waitUntilDone.
    void finish(GeneratorPhase phase);

    [[nodiscard]] GeneratorSnapshot snapshot() const;
    [[nodiscard]] LatencyHistogram rttHistogram() const;
    [[nodiscard]] bool done() const;
    bool waitUntilDone(std::chrono::milliseconds limit) const;

private:
    static constexpr std::size_t MaxProblems = 32;

    std::vector<std::atomic<std::uint64_t>> m_perConnection;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_doneChanged;
    GeneratorPhase m_phase = GeneratorPhase::Connecting;
    std::chrono::steady_clock::time_point m_startedAt{};
    std::chrono::steady_clock::time_point m_endedAt{};
    LatencyHistogram m_rtt;
    std::vector<std::string> m_problems;
    std::size_t m_problemsDropped = 0;
    std::string m_tls;
};

/// One mode's traffic. Lives on the worker; start() and stop() are posted there.
class GeneratorEngine : public std::enable_shared_from_this<GeneratorEngine> {
public:
    GeneratorEngine(asio::io_context& io, GeneratorSpec spec, std::shared_ptr<GeneratorLive> live);
    virtual ~GeneratorEngine() = default;

    /// Resolves the host, then calls begin() with its addresses.
    void start();
    /// Ends the run as Finished (the user stopped it, or the duration passed).
    void stop() { end(GeneratorPhase::Finished); }
    /// Before the worker stops: whatever was lookups still running must not call back.
    void closeLookups() { m_lookups->close(); }

protected:
    virtual void begin(const std::vector<asio::ip::address>& addresses) = 0;
    /// Closes sockets and cancels timers; called once, by end().
    virtual void closeAll() = 0;

    /// Marks traffic as started and arms the duration timer (when there is a duration).
    void trafficStarted();
    void fail(std::string problem);
    void end(GeneratorPhase phase);
    [[nodiscard]] bool ended() const { return m_ended; }
    [[nodiscard]] std::string target() const;
    /// With TLS: connection `index`'s channel and buffers (null when it cannot be made; the problem is recorded).
    std::unique_ptr<GeneratorTls> connectionTls(unsigned index);
    /// Says the handshake's outcome in the live figures.
    void tlsEstablished(const GeneratorTls& tls);
    [[nodiscard]] bool tlsEnabled() const { return m_tlsEndpoint != nullptr; }

    asio::io_context& m_io;
    const GeneratorSpec m_spec;
    std::shared_ptr<GeneratorLive> m_live;

private:
    std::shared_ptr<LookupGate> m_lookups;
    std::shared_ptr<TlsEndpoint> m_tlsEndpoint; // null: plain TCP
    asio::steady_timer m_durationTimer;
    bool m_ended = false;
};

std::shared_ptr<GeneratorEngine> makeTcpStreamEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live);
std::shared_ptr<GeneratorEngine> makeUdpStreamEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live);
std::shared_ptr<GeneratorEngine> makeRoundTripEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live);

/// A payload of `size` bytes of printable filler (a capture of it reads as text, and it compresses like real data
/// does not: nothing on loopback compresses).
Bytes generatorFiller(std::size_t size);

} // namespace socketeer::core
