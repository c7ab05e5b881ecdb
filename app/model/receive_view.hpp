// ReceiveView: the rows the receive pane shows — an index over a SessionHistory, filtered, in text, hex or both.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "socketeer/core/history/session_history.hpp"

namespace socketeer::app {

enum class ViewMode : std::uint8_t { Text, Hex, Both };

enum class DirectionFilter : std::uint8_t { All, Received, Sent };

struct ReceiveFilter {
    std::string text;          ///< bytes that must appear (the UTF-8 of what the user typed), "" = any
    core::Bytes hexPattern;    ///< bytes that must appear, empty = any
    std::string peer;          ///< substring of "ip:port", "" = any
    DirectionFilter direction = DirectionFilter::All;
    bool operator==(const ReceiveFilter&) const = default;
};

/// One displayed row: a slice of one record. Every row has the same height, so the pane can clip to what is visible.
struct ReceiveRow {
    enum class Kind : std::uint8_t { Header, Text, Hex };
    std::uint64_t sequence = 0; ///< the record (HistoryRecord::sequence)
    std::uint32_t offset = 0;   ///< first byte of the slice within the record
    std::uint32_t length = 0;
    Kind kind = Kind::Text;
    bool firstOfRecord = false;
};

class ReceiveView {
public:
    static constexpr std::uint32_t TextRowBytes = 256; ///< long lines wrap into rows of at most this many bytes
    static constexpr std::uint32_t HexRowBytes = 16;

    /// Indexes records that are new since the last call, and forgets rows of evicted records. Rebuilds everything
    /// after a mode or filter change. While paused, new records are counted but not indexed.
    void sync(const core::SessionHistory& history);

    void setMode(ViewMode mode);
    void setShowSent(bool show);
    void setFilter(ReceiveFilter filter);
    void setPaused(bool paused);

    [[nodiscard]] ViewMode mode() const { return m_mode; }
    [[nodiscard]] bool showSent() const { return m_showSent; }
    [[nodiscard]] const ReceiveFilter& filter() const { return m_filter; }
    [[nodiscard]] bool paused() const { return m_paused; }

    [[nodiscard]] std::size_t rowCount() const { return m_rows.size(); }
    [[nodiscard]] const ReceiveRow& row(std::size_t index) const { return m_rows[index]; }
    [[nodiscard]] std::uint64_t matchedRecords() const { return m_matchedRecords; }
    /// While paused: what arrived since the pause (records and bytes), shown to the user.
    [[nodiscard]] std::uint64_t arrivedWhilePausedRecords() const { return m_pendingRecords; }
    [[nodiscard]] std::uint64_t arrivedWhilePausedBytes() const { return m_pendingBytes; }

    [[nodiscard]] bool matches(const core::HistoryRecord& record) const;

private:
    void indexRecord(const core::HistoryRecord& record);

    ViewMode m_mode = ViewMode::Text;
    bool m_showSent = true;
    bool m_paused = false;
    ReceiveFilter m_filter;
    bool m_dirty = true;
    std::deque<ReceiveRow> m_rows;
    std::uint64_t m_nextSequence = 0; // first record not yet looked at
    std::uint64_t m_matchedRecords = 0;
    std::uint64_t m_pendingRecords = 0;
    std::uint64_t m_pendingBytes = 0;
    std::uint64_t m_pausedAt = 0;    // while paused: the records before this one are the ones shown
    std::uint64_t m_pendingNext = 0; // while paused: the first record not yet counted as arrived
};

} // namespace socketeer::app
