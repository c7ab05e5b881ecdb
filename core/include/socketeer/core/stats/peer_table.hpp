// PeerTable: per-peer counters (a server's clients, a UDP socket's senders) that the UI can list at any time.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "socketeer/core/connection.hpp"
#include "socketeer/core/net/endpoint.hpp"
#include "socketeer/core/stats/counters.hpp"

namespace socketeer::core {

struct PeerStats {
    ConnectionId id = 0;        ///< TCP connection id; for UDP a stable per-peer number
    Endpoint peer;
    std::int64_t sinceUs = 0;   ///< connected since (TCP) / first seen (UDP)
    std::int64_t lastActivityUs = 0;
    TrafficSnapshot traffic;
    bool operator==(const PeerStats&) const = default;
};

/// Keyed by id. The I/O thread updates it; snapshot() copies it for the UI. A short lock per update is far below
/// the cost of the syscall that produced the data. Holds at most `capacity` peers: the least recently active
/// is dropped when a new one arrives (a UDP flood from spoofed sources must not grow memory).
class PeerTable {
public:
    explicit PeerTable(std::size_t capacity = 100'000) : m_capacity(capacity) {}

    void add(ConnectionId id, const Endpoint& peer, std::int64_t timeUs);
    /// Drops the peer and returns its final counters.
    TrafficSnapshot remove(ConnectionId id);
    void clear();
    /// `messages` > 1: a batch of datagrams from one peer, `bytes` in all.
    void recordRx(ConnectionId id, std::uint64_t bytes, std::int64_t timeUs, std::uint64_t messages = 1);
    void recordTx(ConnectionId id, std::uint64_t bytes, std::int64_t timeUs);

    [[nodiscard]] std::vector<PeerStats> snapshot() const;
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] bool contains(ConnectionId id) const;

private:
    void evictLeastRecentLocked();

    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::map<ConnectionId, PeerStats> m_peers;
};

} // namespace socketeer::core
