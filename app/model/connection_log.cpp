// ConnectionLog: events in words.
#include "connection_log.hpp"

#include "socketeer/core/event/event_text.hpp"


namespace socketeer::app {

using namespace core;

void ConnectionLog::add(std::int64_t timeUs, LogLine::Level level, std::string text) {
    if (m_lines.size() >= m_capacity) {
        m_lines.pop_front();
        ++m_dropped;
    }
    m_lines.push_back({timeUs, level, std::move(text)});
}

void ConnectionLog::addEvent(const SessionEvent& event) {
    if (std::holds_alternative<EventData>(event.body)) return;
    const EventSeverity severity = eventSeverity(event);
    const LogLine::Level level = severity == EventSeverity::Error     ? LogLine::Level::Error
                                 : severity == EventSeverity::Warning ? LogLine::Level::Warning
                                                                      : LogLine::Level::Info;
    add(event.timeUs, level, describeEvent(event));
}

std::string ConnectionLog::toText() const {
    std::string out;
    for (const auto& line : m_lines) {
        out += formatIsoTimeUs(line.timeUs);
        out += line.level == LogLine::Level::Error ? "  error  " : line.level == LogLine::Level::Warning ? "  warn   " : "  info   ";
        out += line.text;
        out += '\n';
    }
    return out;
}

} // namespace socketeer::app
