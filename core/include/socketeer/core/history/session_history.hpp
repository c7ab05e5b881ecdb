// SessionHistory: the bounded record of what a session sent and received, for display; oldest records go first.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "socketeer/core/event/session_event.hpp"

namespace socketeer::core {

/// One record as the history holds it. `bytes` points into the history: valid until the next append or clear.
struct HistoryRecord {
    std::uint64_t sequence = 0; ///< 0-based position since the history began; stays the same after eviction
    std::int64_t timeUs = 0;
    Direction direction = Direction::Rx;
    ConnectionId connection = 0;
    Endpoint peer;
    ByteView bytes;
    FrameStatus frame = FrameStatus::Unframed; ///< a framed session's message: how it ended
    CheckStatus check = CheckStatus::Unchecked; ///< whether it ended in the checksum the session checks for
};

/// Owned by one thread (the front end's). Memory is bounded by a byte budget that counts payloads and record headers
/// (each header holds its peer's address in binary, so a flood of distinct peers costs no more than one of the same
/// peer); past it whole chunks of the oldest records are evicted and counted, so a front end can say how much is gone
/// while the session's counters stay exact.
class SessionHistory {
public:
    static constexpr std::size_t DefaultBudget = 64u << 20;

    explicit SessionHistory(std::size_t byteBudget = DefaultBudget);
    SessionHistory(const SessionHistory&) = delete;
    SessionHistory& operator=(const SessionHistory&) = delete;

    void append(std::int64_t timeUs, Direction direction, ConnectionId connection, const Endpoint& peer, ByteView bytes,
                FrameStatus frame = FrameStatus::Unframed, CheckStatus check = CheckStatus::Unchecked);
    /// Appends a data event; other events are ignored. Returns true if it was a data event.
    bool append(const SessionEvent& event);

    [[nodiscard]] std::size_t size() const { return m_records.size(); }
    [[nodiscard]] bool empty() const { return m_records.empty(); }
    /// index 0 is the oldest record still held. withPeer = false skips formatting the peer's address (for scans
    /// over many records that do not look at it).
    [[nodiscard]] HistoryRecord at(std::size_t index, bool withPeer = true) const;
    [[nodiscard]] std::uint64_t firstSequence() const { return m_evictedRecords + m_clearedRecords; }
    [[nodiscard]] std::uint64_t totalRecords() const { return firstSequence() + m_records.size(); }

    [[nodiscard]] std::uint64_t evictedRecords() const { return m_evictedRecords; }
    [[nodiscard]] std::uint64_t evictedBytes() const { return m_evictedBytes; }
    [[nodiscard]] std::size_t memoryUsed() const { return m_memoryUsed; }
    [[nodiscard]] std::size_t budget() const { return m_budget; }

    /// A new budget applies at once (evicting if needed).
    void setBudget(std::size_t byteBudget);
    /// Drops every record (counted neither as evicted nor kept); the sequence numbering goes on.
    void clear();

private:
    struct Chunk {
        std::unique_ptr<std::uint8_t[]> data;
        std::size_t capacity = 0;
        std::size_t used = 0;
        std::size_t records = 0;
        std::uint64_t payloadBytes = 0;
    };
    struct Header {
        std::int64_t timeUs;
        ConnectionId connection;
        const std::uint8_t* data;
        std::uint32_t size;
        std::uint32_t scopeId;          // IPv6 scope (link-local peers)
        std::array<std::uint8_t, 16> address; // IPv4 in the first 4 bytes
        std::uint16_t port;
        bool isV6;
        Direction direction;
        FrameStatus frame;
        CheckStatus check;
    };

    Chunk& chunkFor(std::size_t size);
    void evictToBudget(bool keepNewestChunk);
    [[nodiscard]] std::size_t chunkSize() const;

    std::size_t m_budget;
    std::deque<Chunk> m_chunks;
    std::deque<Header> m_records;
    std::size_t m_memoryUsed = 0;
    std::uint64_t m_evictedRecords = 0;
    std::uint64_t m_evictedBytes = 0;
    std::uint64_t m_clearedRecords = 0;
};

} // namespace socketeer::core
