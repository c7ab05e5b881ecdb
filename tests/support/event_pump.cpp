// EventPump: bounded waits on the queue, so the stop flag is seen within 20 ms.
#include "event_pump.hpp"

#include <chrono>
#include <vector>

namespace socketeer::test {

EventPump::EventPump(core::Session& session, Handler handle)
    : m_session(session), m_handle(std::move(handle)), m_thread([this] { run(); }) {}

EventPump::~EventPump() {
    m_stop = true;
    m_thread.join();
}

void EventPump::run() {
    std::vector<core::SessionEvent> batch;
    for (;;) {
        const bool last = m_stop.load();
        m_session.events().waitUntilNotEmpty(std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
        batch.clear();
        m_session.events().drain(batch);
        for (const auto& event : batch) m_handle(event);
        if (last) return;
    }
}

} // namespace socketeer::test
