// zenity and kdialog: the file dialogs of desktops without a portal, run as a child process whose standard output
// is the chosen path. The child's stdout is read here, so the frame loop never waits on it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "file_dialog_backends.hpp"

extern char** environ;

namespace socketeer::platform {

namespace {

/// The first executable `program` in the directories of `searchPath` (":"-separated), or "".
std::string findProgram(const std::string& program, const std::string& searchPath) {
    const char* fromEnv = std::getenv("PATH");
    std::istringstream dirs(searchPath.empty() ? (fromEnv ? fromEnv : "") : searchPath);
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;
        const std::string candidate = dir + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

std::vector<std::string> argumentsFor(const std::string& program, const app::FileDialogRequest& request) {
    const bool save = request.kind == app::FileDialogKind::Save;
    if (program == "zenity") {
        std::vector<std::string> args{"zenity", "--file-selection", "--title=" + request.title};
        if (save) {
            args.push_back("--save");
            args.push_back("--confirm-overwrite");
        }
        if (!request.suggested.empty()) args.push_back("--filename=" + request.suggested);
        return args;
    }
    const std::string start = request.suggested.empty() ? std::filesystem::current_path().string() : request.suggested;
    return {"kdialog", "--title", request.title, save ? "--getsavefilename" : "--getopenfilename", start};
}

} // namespace

BackendAnswer runCommandDialog(const std::string& program, const app::FileDialogRequest& request,
                               const std::string& searchPath, const std::atomic<bool>& cancel) {
    BackendAnswer out;
    const std::string executable = findProgram(program, searchPath);
    if (executable.empty()) {
        out.unavailable = true;
        return out;
    }
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
        out.answer.error = program + ": cannot make a pipe";
        return out;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0); // GTK's chatter
    const auto args = argumentsFor(program, request);
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t child = 0;
    const int spawned = posix_spawn(&child, executable.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipeFds[1]);
    if (spawned != 0) {
        ::close(pipeFds[0]);
        out.unavailable = true;
        return out;
    }
    std::string output;
    char buffer[4096];
    for (;;) {
        pollfd fd{pipeFds[0], POLLIN, 0};
        if (cancel) {
            ::kill(child, SIGTERM); // the app is closing: the dialog goes with it
            break;
        }
        if (::poll(&fd, 1, 200) <= 0) continue;
        const ssize_t n = ::read(pipeFds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipeFds[0]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (cancel) return out;
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 0) out.answer.path = output;
    else if (code != 1) out.answer.error = program + " failed (exit status " + std::to_string(code) + ")"; // 1: cancelled
    return out;
}

} // namespace socketeer::platform
