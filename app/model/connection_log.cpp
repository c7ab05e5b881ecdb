// ConnectionLog: events in words.
#include "connection_log.hpp"

#include <cstdio>
#include <ctime>

namespace socketeer::app {

using namespace core;

std::string formatClockMs(std::int64_t timeUs) {
    const std::time_t seconds = static_cast<std::time_t>(timeUs / 1'000'000);
    std::tm local{};
#ifdef _WIN32
    localtime_s(&local, &seconds);
#else
    localtime_r(&seconds, &local);
#endif
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec,
                  static_cast<int>((timeUs / 1000) % 1000));
    return text;
}

void ConnectionLog::add(std::int64_t timeUs, LogLine::Level level, std::string text) {
    if (m_lines.size() >= m_capacity) {
        m_lines.pop_front();
        ++m_dropped;
    }
    m_lines.push_back({timeUs, level, std::move(text)});
}

void ConnectionLog::addEvent(const SessionEvent& event, bool listener) {
    using Level = LogLine::Level;
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, EventOpened>) {
                add(event.timeUs, Level::Info, (listener ? "listening on " : "bound to ") + e.local.toString());
            } else if constexpr (std::is_same_v<T, EventConnecting>) {
                add(event.timeUs, Level::Info, "connecting to " + e.remote.toString() +
                                                   (e.attempt > 1 ? " (attempt " + std::to_string(e.attempt) + ")" : ""));
            } else if constexpr (std::is_same_v<T, EventConnected>) {
                add(event.timeUs, Level::Info, "connected to " + e.remote.toString() + " from " + e.local.toString());
            } else if constexpr (std::is_same_v<T, EventAccepted>) {
                add(event.timeUs, Level::Info, "accepted " + e.remote.toString() + " (client #" + std::to_string(e.id) + ")");
            } else if constexpr (std::is_same_v<T, EventClosed>) {
                const bool bad = e.reason == CloseReason::Reset || e.reason == CloseReason::Error || e.reason == CloseReason::Timeout;
                add(event.timeUs, bad ? Level::Warning : Level::Info,
                    "closed (" + std::string(closeReasonName(e.reason)) + "): " + e.detail);
            } else if constexpr (std::is_same_v<T, EventError>) {
                add(event.timeUs, Level::Error, e.message);
            } else if constexpr (std::is_same_v<T, EventSendRejected>) {
                add(event.timeUs, Level::Warning, "send of " + std::to_string(e.bytes) + " bytes rejected: " + e.reason);
            } else if constexpr (std::is_same_v<T, EventRefused>) {
                add(event.timeUs, Level::Warning, e.reason);
            } else if constexpr (std::is_same_v<T, EventReconnecting>) {
                add(event.timeUs, Level::Info, "reconnecting in " + std::to_string(e.delay.count()) + " ms (attempt " +
                                                   std::to_string(e.attempt) + ")");
            } else if constexpr (std::is_same_v<T, EventNotice>) {
                add(event.timeUs, Level::Info, e.text);
            } else if constexpr (std::is_same_v<T, EventDisplayGap>) {
                add(event.timeUs, Level::Warning,
                    "display fell behind: " + std::to_string(e.rxMessages + e.txMessages) + " messages (" +
                        std::to_string(e.rxBytes + e.txBytes) + " bytes) counted but not shown");
            }
        },
        event.body);
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
