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

/// What a queue does past its budget.
enum class QueueOverflow : std::uint8_t {
    /// Events are folded into one EventDisplayGap (counted, not queued) until the consumer drains; the gap is then
    /// the batch's last event. For a display, which may skip but must never slow the network (the app).
    Fold,
    /// Nothing received is dropped: the session stops reading from the network until the consumer drains, so a slow
    /// consumer slows the peers it reads from (as a pipe does) and loses nothing they sent (the CLI). Every other
    /// event (accepts, what was sent, timers) is still bounded: past HardCapFactor times the budget it folds.
    PauseSources,
};

/// Bounds for one queue, and what happens past them. Whatever the policy, an EventStreamEnded is always queued: a
/// front end waits for it, and there is one per streaming send.
struct EventQueueLimits {
    std::size_t byteBudget = 32u << 20; ///< payload bytes plus a fixed per-event overhead
    std::size_t maxEvents = 200'000;
    QueueOverflow overflow = QueueOverflow::Fold;

    bool operator==(const EventQueueLimits&) const = default;
};

/// Single producer (the session's worker thread), single consumer (the UI or CLI thread). push() never blocks on the
/// consumer. drain() swaps the whole batch out under the lock and hands it over, so nothing runs while it is held.
class EventQueue {
public:
    explicit EventQueue(EventQueueLimits limits = {});

    /// Called after a push that found the consumer awake-flag clear: at most one wake per drain. Must be thread-safe
    /// and cheap (the app posts an empty GLFW event; the CLI notifies a condition variable). Set it before opening.
    void setWakeCallback(std::function<void()> wake);
    /// PauseSources: called by drain(), on the consumer's thread, when a queue that was over its budget has been
    /// emptied, so the session resumes reading. Set by the session itself; it must only post to the worker.
    void setRoomCallback(std::function<void()> room);

    void push(SessionEvent event);
    /// Queues like push() but calls the wake callback only at wakeConsumer(): a worker that reports a read and then
    /// answers it wakes the front end once the answer has left, not in between. (waitUntilNotEmpty() returns at
    /// once either way.)
    void pushQuietly(SessionEvent event);
    /// Wakes the consumer if a quiet push is waiting for it.
    void wakeConsumer();

    /// PauseSources: true while more than the budget is queued; readers stop until the consumer drains. Lock-free.
    [[nodiscard]] bool overBudget() const { return m_overBudget.load(std::memory_order_relaxed); }

    /// Appends every queued event (and a pending EventDisplayGap, last) to out. Returns how many were appended.
    std::size_t drain(std::vector<SessionEvent>& out);

    /// Blocks until an event is queued or the deadline passes; true if something is queued.
    bool waitUntilNotEmpty(std::chrono::steady_clock::time_point deadline);

    /// Bytes currently held (for tests and diagnostics).
    [[nodiscard]] std::size_t queuedBytes() const;

    static constexpr std::size_t PerEventOverhead = 128;
    static constexpr std::size_t HardCapFactor = 4;

private:
    void foldIntoGap(const SessionEvent& event);
    /// Queues or folds under the lock; true when the consumer must be woken (it was not already).
    bool enqueue(SessionEvent&& event);

    const EventQueueLimits m_limits;
    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::vector<SessionEvent> m_events;
    std::size_t m_bytes = 0;
    EventDisplayGap m_gap;
    std::int64_t m_gapTimeUs = 0;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_wakeOwed{false}; // a quiet push has not woken the consumer yet
    std::atomic<bool> m_overBudget{false};
    std::function<void()> m_wake;
    std::function<void()> m_room;
};

} // namespace socketeer::core
