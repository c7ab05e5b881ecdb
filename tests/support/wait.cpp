// Test helpers: deadline-bounded waiting on session events.
#include "wait.hpp"

#include <thread>

namespace socketeer::test {

void EventLog::drain() {
    m_batch.clear();
    m_session.events().drain(m_batch);
    for (auto& event : m_batch) m_events.push_back(std::move(event));
}

bool EventLog::waitFor(const std::function<bool(const Events&)>& pred,
                       std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        drain();
        if (pred(m_events)) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        m_session.events().waitUntilNotEmpty(std::min(deadline, std::chrono::steady_clock::now() + 50ms));
    }
}

core::Bytes EventLog::bytes(core::Direction direction, core::ConnectionId id) const {
    core::Bytes out;
    for (const auto& event : m_events) {
        const auto* data = std::get_if<core::EventData>(&event.body);
        if (!data || data->direction != direction || (id != 0 && data->id != id) || !data->bytes) continue;
        out.insert(out.end(), data->bytes->begin(), data->bytes->end());
    }
    return out;
}

std::size_t EventLog::bytesCount(core::Direction direction) const {
    std::size_t total = 0;
    for (const auto& event : m_events) {
        const auto* data = std::get_if<core::EventData>(&event.body);
        if (data && data->direction == direction && data->bytes) total += data->bytes->size();
        if (const auto* gap = std::get_if<core::EventDisplayGap>(&event.body))
            total += direction == core::Direction::Rx ? gap->rxBytes : gap->txBytes;
    }
    return total;
}

std::string EventLog::errors() const {
    std::string out;
    for (const auto& event : m_events)
        if (const auto* error = std::get_if<core::EventError>(&event.body)) out += error->message + "\n";
    return out;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(1ms); // polling interval of a bounded wait, not synchronisation
    }
    return true;
}

std::uint16_t openAndGetPort(core::Session& session, EventLog& log) {
    session.open();
    if (!log.waitFor([](const auto& events) {
            return EventLog::countOf<core::EventOpened>(events) > 0 || EventLog::countOf<core::EventError>(events) > 0;
        }))
        return 0;
    const auto* opened = log.first<core::EventOpened>();
    return opened ? opened->local.port : 0;
}

} // namespace socketeer::test
