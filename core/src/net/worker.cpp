// Worker: the per-session I/O thread.
#include "net/worker.hpp"

#include <cassert>
#include <exception>

#ifdef __linux__
#include <pthread.h>
#endif

namespace socketeer::core {

Worker::Worker(std::string threadName) : m_name(std::move(threadName)) {
    m_guard.emplace(asio::make_work_guard(m_io));
    m_thread = std::thread([this] { run(); });
}

Worker::~Worker() { stop(); }

void Worker::run() {
#ifdef __linux__
    pthread_setname_np(pthread_self(), m_name.substr(0, 15).c_str());
#endif
    for (;;) {
        try {
            m_io.run();
            m_ranDry.set_value();
            return;
        } catch (const std::exception& e) {
            // asio lets a handler's exception leave run(); report it and keep serving the session's other handlers.
            if (m_onFailure) m_onFailure(e.what());
        } catch (...) {
            if (m_onFailure) m_onFailure("unknown exception");
        }
    }
}

void Worker::stop() {
    if (!m_thread.joinable()) return;
    assert(!isWorkerThread() && "Worker::stop() called from its own thread");
    m_guard.reset();
    if (m_ranDryFuture.wait_for(DrainLimit) == std::future_status::timeout) m_io.stop();
    m_thread.join();
}

} // namespace socketeer::core
