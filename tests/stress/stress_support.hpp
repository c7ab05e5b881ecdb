// Helpers shared by the stress tests: a thread-safe tally of every event a session emits, and blocking peers.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <asio.hpp>

#include "socketeer/core/event/session_event.hpp"
#include "socketeer/core/net/session.hpp"
#include "event_pump.hpp"
#include "send_pattern.hpp"

namespace socketeer::test {

/// Everything a session emits, tallied by a front end that keeps up (an EventPump). Make it once the session is open
/// (it takes over draining the queue) and destroy it before the session.
class EventTally {
    struct State {
        std::mutex mutex;
        std::size_t accepted = 0;
        std::map<core::CloseReason, std::size_t> closed;
        std::map<core::CloseReason, std::vector<std::string>> details;
        std::vector<std::string> rejected;
        std::vector<std::string> errors;
        std::vector<std::string> notices;
    };

    template <class F>
    auto locked(F f) const {
        std::lock_guard lock(m_state->mutex);
        return f(*m_state);
    }

public:
    explicit EventTally(core::Session& session)
        : m_state(std::make_shared<State>()), m_pump(session, [state = m_state](const core::SessionEvent& event) {
              record(*state, event);
          }) {}

    std::size_t accepted() const { return locked([](State& s) { return s.accepted; }); }
    std::size_t closed(core::CloseReason reason) const {
        return locked([&](State& s) { return s.closed.count(reason) ? s.closed.at(reason) : std::size_t{0}; });
    }
    std::size_t closedConnections() const {
        return locked([](State& s) {
            std::size_t n = 0;
            for (const auto& [reason, count] : s.closed) n += count;
            return n;
        });
    }
    /// "reset: 2 (connection reset by 127.0.0.1:5000), peer closed: 1 (...)" for failure messages.
    std::string closedSummary() const {
        return locked([](State& s) {
            std::string text;
            for (const auto& [reason, count] : s.closed)
                text += std::string(core::closeReasonName(reason)) + ": " + std::to_string(count) + " (" +
                        s.details[reason].front() + ") ";
            return text;
        });
    }
    std::size_t rejectedSends() const { return locked([](State& s) { return s.rejected.size(); }); }
    std::vector<std::string> rejectReasons() const { return locked([](State& s) { return s.rejected; }); }
    std::vector<std::string> errors() const { return locked([](State& s) { return s.errors; }); }
    std::vector<std::string> notices() const { return locked([](State& s) { return s.notices; }); }
    std::vector<std::string> closeDetails(core::CloseReason reason) const {
        return locked([&](State& s) { return s.details.count(reason) ? s.details.at(reason) : std::vector<std::string>{}; });
    }

private:
    static void record(State& state, const core::SessionEvent& event) {
        std::lock_guard lock(state.mutex);
        if (std::holds_alternative<core::EventAccepted>(event.body)) ++state.accepted;
        if (const auto* closed = std::get_if<core::EventClosed>(&event.body); closed && closed->id != 0) {
            ++state.closed[closed->reason];
            if (state.details[closed->reason].size() < 16) state.details[closed->reason].push_back(closed->detail);
        }
        if (const auto* rejected = std::get_if<core::EventSendRejected>(&event.body)) state.rejected.push_back(rejected->reason);
        if (const auto* error = std::get_if<core::EventError>(&event.body)) state.errors.push_back(error->message);
        if (const auto* notice = std::get_if<core::EventNotice>(&event.body)) state.notices.push_back(notice->text);
    }

    std::shared_ptr<State> m_state;
    EventPump m_pump;
};

/// A plain blocking TCP socket connected to 127.0.0.1:port: the hostile peer, written the obvious way.
inline asio::ip::tcp::socket connectRaw(asio::io_context& io, std::uint16_t port) {
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::address_v4::loopback(), port});
    return socket;
}

/// Closes with an RST instead of a FIN (SO_LINGER with a zero timeout).
inline void resetConnection(asio::ip::tcp::socket& socket) {
    std::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

} // namespace socketeer::test
