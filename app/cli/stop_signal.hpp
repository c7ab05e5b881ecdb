// StopSignal: SIGINT / SIGTERM (Ctrl+C, console close on Windows) turned into a callback on an ordinary thread.
#pragma once

#include <functional>

namespace socketeer::cli {

/// install() must run before any other thread starts: on POSIX it blocks the signals process-wide and one thread
/// receives them with sigwait, so no code ever runs inside a signal handler.
class StopSignal {
public:
    static void install();
    /// The callback runs on the signal thread; replace with an empty function to clear it.
    static void onStop(std::function<void()> callback);
};

} // namespace socketeer::cli
