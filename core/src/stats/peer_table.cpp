// PeerTable: bounded per-peer counters.
#include "socketeer/core/stats/peer_table.hpp"

#include <algorithm>

namespace socketeer::core {

void PeerTable::add(ConnectionId id, const Endpoint& peer, std::int64_t timeUs) {
    std::lock_guard lock(m_mutex);
    if (m_peers.size() >= m_capacity && !m_peers.contains(id)) evictLeastRecentLocked();
    PeerStats stats;
    stats.id = id;
    stats.peer = peer;
    stats.sinceUs = timeUs;
    stats.lastActivityUs = timeUs;
    m_peers[id] = std::move(stats);
}

TrafficSnapshot PeerTable::remove(ConnectionId id) {
    std::lock_guard lock(m_mutex);
    auto it = m_peers.find(id);
    if (it == m_peers.end()) return {};
    TrafficSnapshot last = it->second.traffic;
    m_peers.erase(it);
    return last;
}

void PeerTable::clear() {
    std::lock_guard lock(m_mutex);
    m_peers.clear();
}

void PeerTable::recordRx(ConnectionId id, std::uint64_t bytes, std::int64_t timeUs, std::uint64_t messages) {
    std::lock_guard lock(m_mutex);
    auto it = m_peers.find(id);
    if (it == m_peers.end()) return;
    it->second.traffic.rxBytes += bytes;
    it->second.traffic.rxMessages += messages;
    it->second.lastActivityUs = timeUs;
}

void PeerTable::recordTx(ConnectionId id, std::uint64_t bytes, std::int64_t timeUs) {
    std::lock_guard lock(m_mutex);
    auto it = m_peers.find(id);
    if (it == m_peers.end()) return;
    it->second.traffic.txBytes += bytes;
    it->second.traffic.txMessages += 1;
    it->second.lastActivityUs = timeUs;
}

std::vector<PeerStats> PeerTable::snapshot() const {
    std::lock_guard lock(m_mutex);
    std::vector<PeerStats> out;
    out.reserve(m_peers.size());
    for (const auto& [id, stats] : m_peers) out.push_back(stats);
    return out;
}

std::size_t PeerTable::size() const {
    std::lock_guard lock(m_mutex);
    return m_peers.size();
}

bool PeerTable::contains(ConnectionId id) const {
    std::lock_guard lock(m_mutex);
    return m_peers.contains(id);
}

void PeerTable::evictLeastRecentLocked() {
    auto oldest = std::min_element(m_peers.begin(), m_peers.end(), [](const auto& a, const auto& b) {
        return a.second.lastActivityUs < b.second.lastActivityUs;
    });
    if (oldest != m_peers.end()) m_peers.erase(oldest);
}

} // namespace socketeer::core
