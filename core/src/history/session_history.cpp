// SessionHistory: chunked byte storage with whole-chunk eviction of the oldest records.
#include "socketeer/core/history/session_history.hpp"

#include <algorithm>
#include <cstring>

namespace socketeer::core {

SessionHistory::SessionHistory(std::size_t byteBudget) : m_budget(std::max<std::size_t>(byteBudget, 4096)) {}

std::size_t SessionHistory::chunkSize() const {
    // Small enough that eviction is fine-grained (1/16 of the budget), large enough to amortise allocation.
    return std::clamp<std::size_t>(m_budget / 16, 4096, 1u << 20);
}

std::uint32_t SessionHistory::internPeer(const Endpoint& peer) {
    auto key = std::make_pair(peer.address, peer.port);
    auto it = m_peerIndex.find(key);
    if (it != m_peerIndex.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(m_peers.size());
    m_peers.push_back(peer);
    m_peerIndex.emplace(std::move(key), index);
    m_memoryUsed += sizeof(Endpoint) + peer.address.capacity() + 64;
    return index;
}

SessionHistory::Chunk& SessionHistory::chunkFor(std::size_t size) {
    if (!m_chunks.empty()) {
        Chunk& last = m_chunks.back();
        if (last.capacity - last.used >= size) return last;
    }
    Chunk chunk;
    chunk.capacity = std::max(size, chunkSize());
    chunk.data = std::make_unique<std::uint8_t[]>(chunk.capacity);
    m_memoryUsed += chunk.capacity;
    m_chunks.push_back(std::move(chunk));
    return m_chunks.back();
}

void SessionHistory::append(std::int64_t timeUs, Direction direction, ConnectionId connection, const Endpoint& peer,
                            ByteView bytes) {
    const std::uint32_t peerIndex = internPeer(peer);
    Chunk& chunk = chunkFor(bytes.size());
    std::uint8_t* destination = chunk.data.get() + chunk.used;
    if (!bytes.empty()) std::memcpy(destination, bytes.data(), bytes.size());
    chunk.used += bytes.size();
    chunk.records += 1;
    chunk.payloadBytes += bytes.size();
    m_records.push_back({timeUs, connection, destination, static_cast<std::uint32_t>(bytes.size()), peerIndex, direction});
    m_memoryUsed += sizeof(Header);
    evictToBudget(true);
}

bool SessionHistory::append(const SessionEvent& event) {
    const auto* data = std::get_if<EventData>(&event.body);
    if (!data) return false;
    static const Bytes empty;
    append(event.timeUs, data->direction, data->id, data->peer, data->bytes ? ByteView(*data->bytes) : ByteView(empty));
    return true;
}

HistoryRecord SessionHistory::at(std::size_t index) const {
    const Header& header = m_records[index];
    return {firstSequence() + index, header.timeUs, header.direction, header.connection,
            &m_peers[header.peer], ByteView(header.data, header.size)};
}

void SessionHistory::evictToBudget(bool keepNewestChunk) {
    // After an append, keep the newest chunk: it holds the record just appended.
    const std::size_t keep = keepNewestChunk ? 1 : 0;
    while (m_memoryUsed > m_budget && m_chunks.size() > keep) {
        Chunk& oldest = m_chunks.front();
        m_records.erase(m_records.begin(), m_records.begin() + static_cast<std::ptrdiff_t>(oldest.records));
        m_evictedRecords += oldest.records;
        m_evictedBytes += oldest.payloadBytes;
        m_memoryUsed -= oldest.capacity + oldest.records * sizeof(Header);
        m_chunks.pop_front();
    }
}

void SessionHistory::setBudget(std::size_t byteBudget) {
    m_budget = std::max<std::size_t>(byteBudget, 4096);
    evictToBudget(false);
}

void SessionHistory::clear() {
    m_clearedRecords += m_records.size();
    m_memoryUsed -= m_records.size() * sizeof(Header);
    for (const Chunk& chunk : m_chunks) m_memoryUsed -= chunk.capacity;
    m_records.clear();
    m_chunks.clear();
}

} // namespace socketeer::core
