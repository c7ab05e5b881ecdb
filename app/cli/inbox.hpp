// Inbox: what other threads tell socketeer-cli's control loop — the sessions' queues that have events, the stdin
// reader, the --control reader, the signal thread. Shared (a reader may outlive the run, blocked in a read); every
// change bumps `generation`.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "socketeer/core/bytes.hpp"

namespace socketeer::cli {

struct Inbox {
    std::mutex mutex;
    std::condition_variable changed;
    std::uint64_t generation = 0;
    bool stopRequested = false;
    std::deque<core::Bytes> stdinChunks; // read but not yet sent
    std::size_t stdinBuffered = 0;
    bool stdinEnded = false;
    std::deque<std::string> controlLines; // proxy --control: read but not yet applied
    std::string controlFailure;           // the control file could not be read: said once, then ""

    void notifyLocked() {
        ++generation;
        changed.notify_all();
    }
};

} // namespace socketeer::cli
