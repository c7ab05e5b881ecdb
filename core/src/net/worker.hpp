// Worker: one asio io_context run by one named thread. Every session owns exactly one.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>

namespace socketeer::core {

class Worker {
public:
    /// Starts the thread at once. threadName is cut to 15 characters (the Linux limit).
    explicit Worker(std::string threadName);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    asio::io_context& context() { return m_io; }

    template <class Handler>
    void post(Handler&& handler) {
        asio::post(m_io, std::forward<Handler>(handler));
    }

    /// Called on the worker thread when a handler throws; the loop then goes on running.
    void setFailureHandler(std::function<void(const std::string&)> handler) { m_onFailure = std::move(handler); }

    /// Lets the loop run dry — what was posted before (a session's shutdown) and the completions that follows
    /// (a send that finished, its capture record) all run — then joins. A loop that is not dry within DrainLimit is
    /// stopped, its leftover handlers destroyed with the io_context. Idempotent.
    /// Must not be called from the worker thread itself.
    void stop();

    [[nodiscard]] bool isWorkerThread() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    void run();
    static constexpr auto DrainLimit = std::chrono::milliseconds(500);

    std::string m_name;
    asio::io_context m_io{1}; // concurrency hint: exactly one thread runs it
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_guard;
    std::function<void(const std::string&)> m_onFailure;
    std::promise<void> m_ranDry;
    std::future<void> m_ranDryFuture = m_ranDry.get_future();
    std::thread m_thread;
};

} // namespace socketeer::core
