// Test helpers: wait for a condition on a session's events with a hard deadline (never a bare sleep).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "socketeer/core/net/session.hpp"

namespace socketeer::test {

using namespace std::chrono_literals;

/// A deque, so pointers returned by first() stay valid while more events arrive.
using Events = std::deque<core::SessionEvent>;

/// Collects every event a session emits, in order, draining its queue on demand.
class EventLog {
public:
    explicit EventLog(core::Session& session) : m_session(session) {}

    /// Drains until pred(all events so far) is true or the timeout passes. Returns pred's final value.
    bool waitFor(const std::function<bool(const Events&)>& pred,
                 std::chrono::milliseconds timeout = 5000ms);

    template <class T>
    bool waitForEvent(std::chrono::milliseconds timeout = 5000ms) {
        return waitFor([](const auto& events) { return countOf<T>(events) > 0; }, timeout);
    }

    template <class T>
    const T* first() const {
        for (const auto& event : m_events)
            if (const auto* body = std::get_if<T>(&event.body)) return body;
        return nullptr;
    }

    template <class T>
    static std::size_t countOf(const Events& events) {
        std::size_t n = 0;
        for (const auto& event : events) n += std::holds_alternative<T>(event.body) ? 1 : 0;
        return n;
    }
    template <class T>
    std::size_t count() const { return countOf<T>(m_events); }

    /// Concatenation of every data event's bytes in one direction (optionally for one connection).
    core::Bytes bytes(core::Direction direction, core::ConnectionId id = 0) const;
    std::size_t bytesCount(core::Direction direction) const;
    /// All error messages, one per line, for failure output.
    std::string errors() const;

    const Events& events() const { return m_events; }
    void drain();

private:
    core::Session& m_session;
    Events m_events;
    std::vector<core::SessionEvent> m_batch;
};

/// Polls pred every millisecond until it is true or the timeout passes (for state that is not an event).
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5000ms);

/// Opens the session and waits for its Opened event; returns the real port (0 on failure).
std::uint16_t openAndGetPort(core::Session& session, EventLog& log);

} // namespace socketeer::test
