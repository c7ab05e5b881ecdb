// EventQueue: the one bounded channel from a session's I/O thread to its front end.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "socketeer/core/event/session_event.hpp"

namespace socketeer::core {

/// Bounds for one queue. Past them events are folded into one EventDisplayGap (counted, not queued) until the
/// consumer drains; the gap is then the batch's last event.
struct EventQueueLimits {
    std::size_t byteBudget = 32u << 20; ///< payload bytes plus a fixed per-event overhead
    std::size_t maxEvents = 200'000;

    bool operator==(const EventQueueLimits&) const = default;
};

/// Multi-producer (I/O thread), single-consumer (UI or CLI thread). push() never blocks on the consumer.
/// drain() swaps the whole batch out under the lock and hands it over, so nothing runs while the lock is held.
class EventQueue {
public:
    explicit EventQueue(EventQueueLimits limits = {});

    /// Called after a push that found the consumer awake-flag clear: at most one wake per drain. Must be thread-safe
    /// and cheap (the app posts an empty GLFW event). Set it before the session opens.
    void setWakeCallback(std::function<void()> wake);

    void push(SessionEvent event);

    /// Appends every queued event (and a pending EventDisplayGap, last) to out. Returns how many were appended.
    std::size_t drain(std::vector<SessionEvent>& out);

    /// Blocks until an event is queued or the deadline passes; true if something is queued.
    bool waitUntilNotEmpty(std::chrono::steady_clock::time_point deadline);

    /// Bytes currently held (for tests and diagnostics).
    [[nodiscard]] std::size_t queuedBytes() const;

    static constexpr std::size_t PerEventOverhead = 128;

private:
    void foldIntoGap(const SessionEvent& event);

    const EventQueueLimits m_limits;
    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::vector<SessionEvent> m_events;
    std::size_t m_bytes = 0;
    EventDisplayGap m_gap;
    std::int64_t m_gapTimeUs = 0;
    std::atomic<bool> m_wakePending{false};
    std::function<void()> m_wake;
};

} // namespace socketeer::core
