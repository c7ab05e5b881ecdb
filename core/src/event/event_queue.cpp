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

void EventQueue::push(SessionEvent event) {
    std::function<void()> wake;
    {
        std::lock_guard lock(m_mutex);
        const std::size_t size = eventBytes(event);
        // Once folding starts it goes on until the consumer drains, so the display shows one gap, not a patchwork.
        // One slot and one overhead stay in reserve for the gap event itself.
        const bool fits = m_gap.empty() && m_events.size() + 2 <= m_limits.maxEvents &&
                          m_bytes + size + PerEventOverhead <= m_limits.byteBudget;
        if (fits) {
            m_events.push_back(std::move(event));
            m_bytes += size;
        } else {
            foldIntoGap(event);
        }
        m_notEmpty.notify_one();
        if (m_wake && !m_wakePending.exchange(true)) wake = m_wake;
    }
    if (wake) wake();
}

std::size_t EventQueue::drain(std::vector<SessionEvent>& out) {
    m_wakePending.store(false);
    std::vector<SessionEvent> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_events);
        if (!m_gap.empty()) {
            batch.push_back({m_gapTimeUs, m_gap});
            m_gap = {};
        }
        m_bytes = 0;
    }
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
