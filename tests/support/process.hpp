// Process: runs a program with pipes on stdin, stdout and stderr, for end-to-end tests of the real binaries.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace socketeer::test {

class Process {
public:
    /// Starts args[0] (a path) with the arguments; stdin, stdout and stderr are pipes.
    explicit Process(std::vector<std::string> args);
    /// A parent that stops reading: stderr is read only up to the end of the line holding `stderrAfter` (e.g. the
    /// listening line), stdout not at all, until resumeStderr() / resumeStdout().
    struct Hold {
        std::string stderrAfter;
        bool stdoutFromStart = false;
    };
    Process(std::vector<std::string> args, Hold hold);
    void resumeStderr();
    void resumeStdout();
    ~Process(); // kills the process if it still runs
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    void writeStdin(const std::string& text);
    void closeStdin();
    void signal(int number);

    /// Waits until stderr (or stdout) contains needle; false at the deadline.
    bool waitForStderr(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    bool waitForStdout(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// The exit code once the process ends, or nullopt at the deadline (the process is then killed).
    std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));

    std::string stdoutText();
    std::string stderrText();

    /// "listening on 127.0.0.1:40123" on stderr → 40123 (0 if it never appears).
    std::uint16_t waitForListeningPort(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    /// Reads until end of file (then closes fd), or until target contains stopAfter (then leaves fd open).
    void readInto(int fd, std::string& target, const std::string& stopAfter = {});
    bool waitFor(const std::string& needle, std::string& text, std::chrono::milliseconds timeout);

    int m_pid = -1;
    int m_stdin = -1;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::string m_stdout;
    std::string m_stderr;
    std::thread m_stdoutReader;
    std::thread m_stderrReader;
    int m_stderrFd = -1;
    int m_heldStdoutFd = -1; // not read until resumeStdout()
    bool m_stderrHeld = false; // its reader stopped at the needle (guarded by m_mutex)
    std::optional<int> m_exitCode;
};

/// Runs a program to completion with the given stdin; returns exit code, stdout and stderr.
struct ProcessResult {
    std::optional<int> code;
    std::string out;
    std::string err;
};
/// How many times `needle` occurs in `text` (a process's output).
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

ProcessResult runProcess(std::vector<std::string> args, const std::string& input = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// True when `name` is an executable on PATH (for optional peers such as socat and nc).
bool haveProgram(const std::string& name);

} // namespace socketeer::test
