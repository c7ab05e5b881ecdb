// EventQueue: bounded, swap-on-drain event channel.
#include "socketeer/core/event/event_queue.hpp"

namespace socketeer::core {
namespace {

std::size_t eventBytes(const SessionEvent& event) {
    if (const auto* data = std::get_if<EventData>(&event.body); data && data->bytes)
        return data->bytes->size() + EventQueue::PerEventOverhead;
    return EventQueue::PerEventOverhead;
}

} // namespace

EventQueue::EventQueue(EventQueueLimits limits) : m_limits(limits) {}

void EventQueue::setWakeCallback(std::function<void()> wake) {
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
}

void EventQueue::setRoomCallback(std::function<void()> room) {
    std::lock_guard lock(m_mutex);
    m_room = std::move(room);
}

void EventQueue::foldIntoGap(const SessionEvent& event) {
    if (m_gap.empty()) m_gapTimeUs = event.timeUs;
    if (const auto* data = std::get_if<EventData>(&event.body)) {
        const std::uint64_t size = data->bytes ? data->bytes->size() : 0;
        if (data->direction == Direction::Rx) {
            m_gap.rxBytes += size;
            m_gap.rxMessages += 1;
        } else {
            m_gap.txBytes += size;
            m_gap.txMessages += 1;
        }
    } else if (const auto* gap = std::get_if<EventDisplayGap>(&event.body)) {
        m_gap.rxBytes += gap->rxBytes;
        m_gap.rxMessages += gap->rxMessages;
        m_gap.txBytes += gap->txBytes;
        m_gap.txMessages += gap->txMessages;
        m_gap.otherEvents += gap->otherEvents;
    } else {
        m_gap.otherEvents += 1;
    }
}

bool EventQueue::enqueue(SessionEvent&& event) {
    const std::size_t size = eventBytes(event);
    const bool lossless = m_limits.overflow == QueueOverflow::PauseSources;
    const std::size_t byteLimit = lossless ? m_limits.byteBudget * HardCapFactor : m_limits.byteBudget;
    const std::size_t eventLimit = lossless ? m_limits.maxEvents * HardCapFactor : m_limits.maxEvents;
    // A lossless queue never folds what was received: its readers stop once it is over budget, so received data
    // exceeds the budget by at most the read that crossed it.
    const auto* data = std::get_if<EventData>(&event.body);
    const bool received = lossless && data && data->direction == Direction::Rx;
    // The end of a streaming send is never folded, under either policy: a front end waits for it (one per stream).
    const bool streamEnd = std::holds_alternative<EventStreamEnded>(event.body);
    // Once folding starts it goes on until the consumer drains, so the display shows one gap, not a patchwork.
    // One slot and one overhead stay in reserve for the gap event itself.
    const bool fits = received || streamEnd || (m_gap.empty() && m_events.size() + 2 <= eventLimit &&
                                   m_bytes + size + PerEventOverhead <= byteLimit);
    if (fits) {
        m_events.push_back(std::move(event));
        m_bytes += size;
        if (lossless && (m_bytes > m_limits.byteBudget || m_events.size() > m_limits.maxEvents))
            m_overBudget.store(true, std::memory_order_relaxed);
    } else {
        foldIntoGap(event);
    }
    m_notEmpty.notify_one();
    return m_wake && !m_wakePending.exchange(true);
}

void EventQueue::push(SessionEvent event) {
    std::function<void()> wake;
    {
        std::lock_guard lock(m_mutex);
        if (enqueue(std::move(event))) wake = m_wake;
    }
    if (wake) wake();
}

void EventQueue::pushQuietly(SessionEvent event) {
    std::lock_guard lock(m_mutex);
    if (enqueue(std::move(event))) m_wakeOwed.store(true, std::memory_order_relaxed);
}

void EventQueue::wakeConsumer() {
    if (!m_wakeOwed.exchange(false, std::memory_order_relaxed)) return;
    std::function<void()> wake;
    {
        std::lock_guard lock(m_mutex);
        wake = m_wake;
    }
    if (wake) wake();
}

std::size_t EventQueue::drain(std::vector<SessionEvent>& out) {
    m_wakePending.store(false);
    std::vector<SessionEvent> batch;
    std::function<void()> room;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_events);
        if (!m_gap.empty()) {
            batch.push_back({m_gapTimeUs, m_gap});
            m_gap = {};
        }
        m_bytes = 0;
        if (m_overBudget.exchange(false, std::memory_order_relaxed)) room = m_room;
    }
    if (room) room();
    const std::size_t count = batch.size();
    if (out.empty()) {
        out = std::move(batch);
    } else {
        out.insert(out.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    }
    return count;
}

bool EventQueue::waitUntilNotEmpty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(m_mutex);
    return m_notEmpty.wait_until(lock, deadline, [this] { return !m_events.empty() || !m_gap.empty(); });
}

std::size_t EventQueue::queuedBytes() const {
    std::lock_guard lock(m_mutex);
    return m_bytes;
}

} // namespace socketeer::core
