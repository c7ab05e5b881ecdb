// StatusWriter: socketeer-cli's stderr, written by a thread of its own. A reader that stops reading (a full pipe)
// then holds up nothing but this thread: never the control loop, never the network. Past a budget, lines fold into
// one "N status lines not shown" line, written once the reader takes lines again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

namespace socketeer::cli {

class StatusWriter {
public:
    explicit StatusWriter(std::FILE* stream, std::size_t budgetBytes = DefaultBudget);
    /// Writes what is queued, waiting at most FinalFlushLimit for a reader that does not read; then leaves the thread
    /// to the process's exit if it is still blocked.
    ~StatusWriter();
    StatusWriter(const StatusWriter&) = delete;
    StatusWriter& operator=(const StatusWriter&) = delete;

    /// Queues text: whole lines, or a progress line that rewrites itself ("\r…", on a terminal only); both count
    /// against the budget. Never blocks on the stream.
    void write(std::string lines);
    /// Waits until everything queued has been written, at most `limit`; true if it was.
    bool flush(std::chrono::milliseconds limit);

    static constexpr std::size_t DefaultBudget = 64u << 10; // on top of what the pipe itself holds
    static constexpr auto FinalFlushLimit = std::chrono::seconds(2);

private:
    struct Shared; // shared with the writing thread, which may outlive this object while blocked in a write
    std::shared_ptr<Shared> m_shared;
    std::thread m_thread;
};

} // namespace socketeer::cli
