// Traffic counters: exact, lock-free, written by the I/O thread and read by any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace socketeer::core {

/// A consistent-enough copy of a set of counters (each field is exact; fields are read one after another).
struct TrafficSnapshot {
    std::uint64_t rxBytes = 0;
    std::uint64_t rxMessages = 0;
    std::uint64_t txBytes = 0;
    std::uint64_t txMessages = 0;
    bool operator==(const TrafficSnapshot&) const = default;
};

/// Counts what crossed the wire. Never reset: a front end that offers "reset" keeps a baseline and subtracts it,
/// so the counters stay exact for everyone else (capture, CLI, tests).
class TrafficCounters {
public:
    void addRx(std::uint64_t bytes, std::uint64_t messages = 1) {
        m_rxBytes.fetch_add(bytes, std::memory_order_relaxed);
        m_rxMessages.fetch_add(messages, std::memory_order_relaxed);
    }
    void addTx(std::uint64_t bytes) {
        m_txBytes.fetch_add(bytes, std::memory_order_relaxed);
        m_txMessages.fetch_add(1, std::memory_order_relaxed);
    }
    [[nodiscard]] TrafficSnapshot snapshot() const {
        return {m_rxBytes.load(std::memory_order_relaxed), m_rxMessages.load(std::memory_order_relaxed),
                m_txBytes.load(std::memory_order_relaxed), m_txMessages.load(std::memory_order_relaxed)};
    }

private:
    std::atomic<std::uint64_t> m_rxBytes{0};
    std::atomic<std::uint64_t> m_rxMessages{0};
    std::atomic<std::uint64_t> m_txBytes{0};
    std::atomic<std::uint64_t> m_txMessages{0};
};

/// Per-session counters: traffic plus connection bookkeeping.
struct SessionCounters {
    TrafficCounters traffic;
    std::atomic<std::uint64_t> connectionsOpened{0};   ///< accepted (server) or established (client)
    std::atomic<std::uint64_t> connectionsRefused{0};  ///< refused by max-clients or the allow-list
    std::atomic<std::uint64_t> sendsRejected{0};       ///< sends refused by the budget or for lack of a peer
    std::atomic<std::uint64_t> sendsFailed{0};         ///< datagrams the OS refused to send (an error event each)
    std::atomic<std::uint64_t> activeConnections{0};
    /// Framed sessions: received messages that did not end as the framing defines (rxMessages counts them too).
    std::atomic<std::uint64_t> framesPartial{0};
    std::atomic<std::uint64_t> framesOversize{0};
    std::atomic<std::uint64_t> framesMalformed{0};
    /// Sessions that check a checksum (--check): received messages that ended in it, and those that did not.
    std::atomic<std::uint64_t> checksGood{0};
    std::atomic<std::uint64_t> checksBad{0};
    /// Repeats (Session::startRepeat) that began sending, and those that ended (their count sent, stopped, or a
    /// template that stopped resolving): a repeat is running while they differ.
    std::atomic<std::uint64_t> repeatsStarted{0};
    std::atomic<std::uint64_t> repeatsEnded{0};
    /// When data first and last arrived (nowUs(); 0 = never): a receive rate over the time traffic actually flowed.
    std::atomic<std::int64_t> firstReceiveUs{0};
    std::atomic<std::int64_t> lastReceiveUs{0};

    void noteReceive(std::int64_t timeUs) {
        if (firstReceiveUs.load(std::memory_order_relaxed) == 0) firstReceiveUs.store(timeUs, std::memory_order_relaxed);
        lastReceiveUs.store(timeUs, std::memory_order_relaxed);
    }
};

} // namespace socketeer::core
