// ConnectionLog: a session's timestamped, bounded log of connection events, errors, rejections and evictions.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "socketeer/core/event/session_event.hpp"

namespace socketeer::app {

struct LogLine {
    enum class Level : std::uint8_t { Info, Warning, Error };
    std::int64_t timeUs = 0;
    Level level = Level::Info;
    std::string text;
};

class ConnectionLog {
public:
    /// capacity: lines kept (at least one).
    explicit ConnectionLog(std::size_t capacity = 20000) : m_capacity(capacity ? capacity : 1) {}

    void add(std::int64_t timeUs, LogLine::Level level, std::string text);
    /// Logs a non-data event in words; data events are ignored (they belong to the receive pane).
    void addEvent(const core::SessionEvent& event);

    [[nodiscard]] const std::deque<LogLine>& lines() const { return m_lines; }
    [[nodiscard]] std::uint64_t droppedLines() const { return m_dropped; }
    void clear() { m_lines.clear(); }

    /// "2026-11-25 10:00:00.123  error  connect to ... refused" lines, for copy and save.
    [[nodiscard]] std::string toText() const;

private:
    std::size_t m_capacity;
    std::deque<LogLine> m_lines;
    std::uint64_t m_dropped = 0;
};

} // namespace socketeer::app
