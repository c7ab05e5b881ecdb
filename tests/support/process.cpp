// Process: fork/exec with three pipes, output collected by reader threads.
#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

namespace socketeer::test {

Process::Process(std::vector<std::string> args) : Process(std::move(args), Hold{}) {}

Process::Process(std::vector<std::string> args, Hold hold) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    m_pid = ::fork();
    if (m_pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    m_stdin = in[1];
    if (hold.stdoutFromStart) m_heldStdoutFd = out[0];
    else m_stdoutReader = std::thread([this, fd = out[0]] { readInto(fd, m_stdout); });
    m_stderrFd = err[0];
    m_stderrReader = std::thread([this, fd = err[0], stop = std::move(hold.stderrAfter)] { readInto(fd, m_stderr, stop); });
}

void Process::resumeStderr() {
    if (m_stderrReader.joinable()) m_stderrReader.join(); // it stopped at its needle, or at end of file
    {
        std::lock_guard lock(m_mutex);
        if (!m_stderrHeld) return;
        m_stderrHeld = false;
    }
    m_stderrReader = std::thread([this, fd = m_stderrFd] { readInto(fd, m_stderr); });
}

void Process::resumeStdout() {
    if (m_heldStdoutFd < 0) return;
    m_stdoutReader = std::thread([this, fd = m_heldStdoutFd] { readInto(fd, m_stdout); });
    m_heldStdoutFd = -1;
}

Process::~Process() {
    if (m_pid > 0 && !m_exitCode) {
        ::kill(m_pid, SIGKILL);
        wait(std::chrono::seconds(5));
    }
    closeStdin();
    resumeStderr(); // a held stream is read to its end, and closed
    resumeStdout();
    if (m_stdoutReader.joinable()) m_stdoutReader.join();
    if (m_stderrReader.joinable()) m_stderrReader.join();
}

void Process::readInto(int fd, std::string& target, const std::string& stopAfter) {
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, stopAfter.empty() ? sizeof buffer : 1); // byte by byte: stop exactly there
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::lock_guard lock(m_mutex);
        target.append(buffer, static_cast<std::size_t>(n));
        m_changed.notify_all();
        if (stopAfter.empty()) continue;
        // Stop at the end of the line that holds the needle.
        if (const auto at = target.find(stopAfter); at != std::string::npos && target.find('\n', at) != std::string::npos) {
            m_stderrHeld = true;
            return;
        }
    }
    ::close(fd);
}

void Process::writeStdin(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(m_stdin, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

void Process::closeStdin() {
    if (m_stdin >= 0) ::close(m_stdin);
    m_stdin = -1;
}

void Process::signal(int number) {
    if (m_pid > 0 && !m_exitCode) ::kill(m_pid, number);
}

bool Process::waitFor(const std::string& needle, std::string& text, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return text.find(needle) != std::string::npos; });
}

bool Process::waitForStderr(const std::string& needle, std::chrono::milliseconds timeout) {
    return waitFor(needle, m_stderr, timeout);
}

bool Process::waitForStdout(const std::string& needle, std::chrono::milliseconds timeout) {
    return waitFor(needle, m_stdout, timeout);
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    if (m_exitCode || m_pid <= 0) return m_exitCode;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid) {
            m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &status, 0);
            m_exitCode = 128 + SIGKILL;
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2)); // polling a child's exit, bounded by the deadline
    }
    // Let the readers catch the last output.
    if (m_stdoutReader.joinable()) m_stdoutReader.join();
    if (m_stderrReader.joinable()) m_stderrReader.join();
    return m_exitCode;
}

std::string Process::stdoutText() {
    std::lock_guard lock(m_mutex);
    return m_stdout;
}

std::string Process::stderrText() {
    std::lock_guard lock(m_mutex);
    return m_stderr;
}

std::uint16_t Process::waitForListeningPort(std::chrono::milliseconds timeout) {
    // The status line on stderr, or the jsonl event on stdout (keys are sorted: event, local, peer).
    // The digits must be followed by something: a held stderr arrives byte by byte, and "127.0.0.1:4" is not the
    // port of "127.0.0.1:45678".
    static const std::regex pattern(R"(listening on (?:\[[^\]]*\]|[^ :]+):(\d+)\D)");
    static const std::regex json(R"re("event":"listening","local":"[^"]*:(\d+)")re");
    std::unique_lock lock(m_mutex);
    std::smatch match;
    const bool found = m_changed.wait_for(lock, timeout, [&] {
        return std::regex_search(m_stderr, match, pattern) || std::regex_search(m_stdout, match, json);
    });
    return found ? static_cast<std::uint16_t>(std::stoi(match[1].str())) : 0;
}

ProcessResult runProcess(std::vector<std::string> args, const std::string& input, std::chrono::milliseconds timeout) {
    Process process(std::move(args));
    process.writeStdin(input);
    process.closeStdin();
    ProcessResult result;
    result.code = process.wait(timeout);
    result.out = process.stdoutText();
    result.err = process.stderrText();
    return result;
}

bool haveProgram(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

} // namespace socketeer::test
