// ReceiveView: row index with filtering and eviction.
#include "receive_view.hpp"

#include <algorithm>
#include <functional>

namespace socketeer::app {

using namespace core;

namespace {

bool containsBytes(ByteView haystack, ByteView needle) {
    if (needle.empty()) return true;
    return std::search(haystack.begin(), haystack.end(),
                       std::boyer_moore_horspool_searcher(needle.begin(), needle.end())) != haystack.end();
}

} // namespace

void ReceiveView::setMode(ViewMode mode) {
    if (mode != m_mode) m_dirty = true;
    m_mode = mode;
}

void ReceiveView::setShowSent(bool show) {
    if (show != m_showSent) m_dirty = true;
    m_showSent = show;
}

void ReceiveView::setFilter(ReceiveFilter filter) {
    if (!(filter == m_filter)) m_dirty = true;
    m_filter = std::move(filter);
}

void ReceiveView::setPaused(bool paused) {
    if (paused && !m_paused) m_pausedAt = m_pendingNext = m_nextSequence; // what is shown now stays shown
    m_paused = paused;
    if (!paused) {
        m_pendingRecords = 0;
        m_pendingBytes = 0;
    }
}

bool ReceiveView::matches(const HistoryRecord& record) const {
    if (record.direction == Direction::Tx && !m_showSent) return false;
    if (m_filter.direction == DirectionFilter::Received && record.direction != Direction::Rx) return false;
    if (m_filter.direction == DirectionFilter::Sent && record.direction != Direction::Tx) return false;
    if (!m_filter.peer.empty() && record.peer.toString().find(m_filter.peer) == std::string::npos) return false;
    if (!m_filter.text.empty() && !containsBytes(record.bytes, ByteView(reinterpret_cast<const std::uint8_t*>(m_filter.text.data()),
                                                                         m_filter.text.size())))
        return false;
    return containsBytes(record.bytes, m_filter.hexPattern);
}

void ReceiveView::indexRecord(const HistoryRecord& record) {
    if (!matches(record)) return;
    ++m_matchedRecords;
    const auto size = static_cast<std::uint32_t>(record.bytes.size());
    const std::uint64_t sequence = record.sequence;
    if (m_mode != ViewMode::Text) m_rows.push_back({sequence, 0, size, ReceiveRow::Kind::Header, true});
    if (m_mode != ViewMode::Hex) {
        // Text rows: split at line feeds (kept at the end of their row) and every TextRowBytes bytes.
        std::uint32_t start = 0;
        bool first = m_mode == ViewMode::Text;
        do {
            std::uint32_t end = start;
            while (end < size && end - start < TextRowBytes) {
                if (record.bytes[end++] == '\n') break;
            }
            m_rows.push_back({sequence, start, end - start, ReceiveRow::Kind::Text, first});
            first = false;
            start = end;
        } while (start < size);
    }
    if (m_mode != ViewMode::Text) {
        for (std::uint32_t offset = 0; offset < size; offset += HexRowBytes)
            m_rows.push_back({sequence, offset, std::min(HexRowBytes, size - offset), ReceiveRow::Kind::Hex, false});
    }
}

void ReceiveView::sync(const SessionHistory& history) {
    const std::uint64_t first = history.firstSequence();
    const std::uint64_t end = history.totalRecords();
    if (m_dirty) {
        m_rows.clear();
        m_matchedRecords = 0;
        m_nextSequence = first;
        m_dirty = false;
    }
    // Records the history evicted (or cleared) cannot be shown any more.
    while (!m_rows.empty() && m_rows.front().sequence < first) {
        const std::uint64_t gone = m_rows.front().sequence;
        --m_matchedRecords;
        while (!m_rows.empty() && m_rows.front().sequence == gone) m_rows.pop_front();
    }
    if (m_nextSequence < first) m_nextSequence = first;
    const bool needPeer = !m_filter.peer.empty();
    // Paused: the view keeps (or, after a filter change, rebuilds) the records it showed when paused, and counts
    // every later arrival once, evicted or not (an evicted one's size is no longer known).
    const std::uint64_t shownEnd = m_paused ? std::max(first, std::min(m_pausedAt, end)) : end;
    for (std::uint64_t s = m_nextSequence; s < shownEnd; ++s) indexRecord(history.at(static_cast<std::size_t>(s - first), needPeer));
    m_nextSequence = std::max(m_nextSequence, shownEnd);
    if (!m_paused) return;
    for (std::uint64_t s = std::max(m_pendingNext, first); s < end; ++s)
        m_pendingBytes += history.at(static_cast<std::size_t>(s - first), false).bytes.size();
    if (end > m_pendingNext) m_pendingRecords += end - m_pendingNext;
    m_pendingNext = std::max(m_pendingNext, end);
}

} // namespace socketeer::app
