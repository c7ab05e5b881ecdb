// EventPump: a front end that keeps up — drains a session's queue on a thread of its own and hands every event to a
// handler there, for tests whose own thread is busy (a blocking hostile peer, a hashing loop).
#pragma once

#include <atomic>
#include <functional>
#include <thread>

#include "socketeer/core/net/session.hpp"

namespace socketeer::test {

class EventPump {
public:
    using Handler = std::function<void(const core::SessionEvent&)>;

    /// Starts draining at once: make it after anything else has stopped draining this session's queue.
    EventPump(core::Session& session, Handler handle);
    /// Drains one last time, then joins. Destroy it before the session.
    ~EventPump();
    EventPump(const EventPump&) = delete;
    EventPump& operator=(const EventPump&) = delete;

private:
    void run();

    core::Session& m_session;
    Handler m_handle;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace socketeer::test
