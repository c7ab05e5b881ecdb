// StopSignal: the one place that deals with process signals.
#include "stop_signal.hpp"

#include <mutex>
#include <thread>

#ifdef _WIN32
#include <windows.h>
#else
#include <csignal>
#include <pthread.h>
#include <signal.h>
#endif

namespace socketeer::cli {
namespace {

std::mutex s_mutex;
std::function<void()> s_callback;

void fire() {
    std::lock_guard lock(s_mutex);
    if (s_callback) s_callback();
}

#ifdef _WIN32
BOOL WINAPI consoleHandler(DWORD type) {
    if (type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT || type == CTRL_CLOSE_EVENT) {
        fire();
        return TRUE;
    }
    return FALSE;
}
#endif

} // namespace

void StopSignal::install() {
#ifdef _WIN32
    SetConsoleCtrlHandler(consoleHandler, TRUE);
#else
    // A closed stdout pipe must be an error we handle, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
        for (;;) {
            int received = 0;
            if (sigwait(&set, &received) == 0) fire();
        }
    }).detach();
#endif
}

void StopSignal::onStop(std::function<void()> callback) {
    std::lock_guard lock(s_mutex);
    s_callback = std::move(callback);
}

} // namespace socketeer::cli
