// StatusWriter: a bounded queue of lines and the one thread that writes them.
#include "status_writer.hpp"

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace socketeer::cli {

struct StatusWriter::Shared {
    std::FILE* stream = nullptr;
    std::size_t budget = 0;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::string> queued;
    std::size_t queuedBytes = 0;
    std::uint64_t notShown = 0; // lines dropped since the queue was last full
    bool writing = false;       // the thread holds a line it is writing
    bool stopping = false;

    /// Under the lock: "N status lines not shown", if lines were dropped and there is room for it again.
    bool queueFoldLine(std::size_t roomAfter = 0) {
        if (notShown == 0) return true;
        std::string fold = std::to_string(notShown) + " status lines not shown: stderr was not read in time\n";
        if (queuedBytes + fold.size() + roomAfter > budget) return false;
        notShown = 0;
        queuedBytes += fold.size();
        queued.push_back(std::move(fold));
        return true;
    }

    /// Under the lock. The fold line goes in first, as soon as there is room for both, so the order stays true.
    void queueLine(std::string line) {
        if (!queueFoldLine(line.size()) || queuedBytes + line.size() > budget) {
            ++notShown;
            return;
        }
        queuedBytes += line.size();
        queued.push_back(std::move(line));
    }
};

StatusWriter::StatusWriter(std::FILE* stream, std::size_t budgetBytes) : m_shared(std::make_shared<Shared>()) {
    m_shared->stream = stream;
    m_shared->budget = budgetBytes;
    m_thread = std::thread([shared = m_shared] {
        std::unique_lock lock(shared->mutex);
        for (;;) {
            shared->changed.wait(lock, [&] { return shared->stopping || !shared->queued.empty(); });
            if (shared->queued.empty()) return; // stopping, and everything is written
            std::string line = std::move(shared->queued.front());
            shared->queued.pop_front();
            shared->writing = true;
            lock.unlock();
            std::fwrite(line.data(), 1, line.size(), shared->stream); // may block while nobody reads
            std::fflush(shared->stream);
            lock.lock();
            shared->writing = false;
            shared->queuedBytes -= line.size();
            // The reader takes lines again: what was dropped is said now, even if no other line follows.
            if (shared->queued.empty()) shared->queueFoldLine();
            shared->changed.notify_all();
        }
    });
}

StatusWriter::~StatusWriter() {
    const bool flushed = flush(std::chrono::duration_cast<std::chrono::milliseconds>(FinalFlushLimit));
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->stopping = true;
        // Lines still queued once the reader proved absent are not waited for: the program's exit must not hang.
        if (!flushed) m_shared->queued.clear();
        m_shared->changed.notify_all();
    }
    if (flushed) m_thread.join();
    else m_thread.detach(); // blocked in a write nobody reads; the process's exit ends it
}

void StatusWriter::write(std::string lines) {
    std::lock_guard lock(m_shared->mutex);
    m_shared->queueLine(std::move(lines));
    m_shared->changed.notify_all();
}

bool StatusWriter::flush(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::unique_lock lock(m_shared->mutex);
    return m_shared->changed.wait_until(lock, deadline, [&] {
        return m_shared->queued.empty() && !m_shared->writing && m_shared->notShown == 0;
    });
}

} // namespace socketeer::cli
