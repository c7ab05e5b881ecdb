// SessionHistory: chunked byte storage with whole-chunk eviction of the oldest records.
#include "socketeer/core/history/session_history.hpp"

#include <algorithm>
#include <cstring>

#include <asio/ip/address.hpp>

namespace socketeer::core {

SessionHistory::SessionHistory(std::size_t byteBudget) : m_budget(std::max<std::size_t>(byteBudget, 4096)) {}

std::size_t SessionHistory::chunkSize() const {
    // Small enough that eviction is fine-grained (1/16 of the budget), large enough to amortise allocation.
    return std::clamp<std::size_t>(m_budget / 16, 4096, 1u << 20);
}

SessionHistory::Chunk& SessionHistory::chunkFor(std::size_t size) {
    if (!m_chunks.empty()) {
        // A chunk also "holds" its records' headers: with tiny payloads the headers, not the bytes, fill the budget,
        // and eviction must still free memory a chunk at a time.
        Chunk& last = m_chunks.back();
        const std::size_t weight = last.used + last.records * sizeof(Header);
        if (last.capacity - last.used >= size && weight + size + sizeof(Header) <= last.capacity) return last;
    }
    Chunk chunk;
    chunk.capacity = std::max(size, chunkSize());
    chunk.data = std::make_unique<std::uint8_t[]>(chunk.capacity);
    m_memoryUsed += chunk.capacity;
    m_chunks.push_back(std::move(chunk));
    return m_chunks.back();
}

void SessionHistory::append(std::int64_t timeUs, Direction direction, ConnectionId connection, const Endpoint& peer,
                            ByteView bytes, FrameStatus frame, CheckStatus check) {
    Header header{timeUs, connection, nullptr, static_cast<std::uint32_t>(bytes.size()), 0, {}, peer.port, false, direction,
                  frame, check};
    std::error_code ec;
    const auto address = asio::ip::make_address(peer.address, ec);
    if (!ec && address.is_v6()) {
        header.isV6 = true;
        header.address = address.to_v6().to_bytes();
        header.scopeId = static_cast<std::uint32_t>(address.to_v6().scope_id());
    } else if (!ec) {
        const auto v4 = address.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), header.address.begin());
    }
    Chunk& chunk = chunkFor(bytes.size());
    std::uint8_t* destination = chunk.data.get() + chunk.used;
    if (!bytes.empty()) std::memcpy(destination, bytes.data(), bytes.size());
    chunk.used += bytes.size();
    chunk.records += 1;
    chunk.payloadBytes += bytes.size();
    header.data = destination;
    m_records.push_back(header);
    m_memoryUsed += sizeof(Header);
    evictToBudget(true);
}

bool SessionHistory::append(const SessionEvent& event) {
    const auto* data = std::get_if<EventData>(&event.body);
    if (!data) return false;
    static const Bytes empty;
    append(event.timeUs, data->direction, data->id, data->peer, data->bytes ? ByteView(*data->bytes) : ByteView(empty),
           data->frame, data->check);
    return true;
}

HistoryRecord SessionHistory::at(std::size_t index, bool withPeer) const {
    const Header& header = m_records[index];
    Endpoint peer;
    peer.port = header.port;
    if (withPeer && header.isV6) {
        peer.address = asio::ip::address_v6(header.address, header.scopeId).to_string();
    } else if (withPeer) {
        peer.address = asio::ip::address_v4({header.address[0], header.address[1], header.address[2], header.address[3]}).to_string();
    }
    return {firstSequence() + index, header.timeUs, header.direction, header.connection, std::move(peer),
            ByteView(header.data, header.size), header.frame, header.check};
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
