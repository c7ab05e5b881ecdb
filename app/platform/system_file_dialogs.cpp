// One dialog at a time on a thread of its own; its answer handed to the frame loop under a lock. On Linux the ways
// are tried in order (portal, zenity, kdialog) and the first that exists is kept for the next dialogs.
#include "system_file_dialogs.hpp"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "file_dialog_backends.hpp"

namespace socketeer::platform {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// What the dialog's thread and the service share. The thread owns a reference: on Windows it may outlive the
/// service (a modal dialog cannot be closed from another thread, so it is left to end with the process).
struct DialogState {
    explicit DialogState(FileDialogOptions o) : options(std::move(o)) {}
    const FileDialogOptions options;
    std::mutex mutex;
    bool running = false;                        // guarded by mutex
    std::optional<app::FileDialogAnswer> answer; // guarded by mutex
    std::string backend;                         // guarded by mutex
    std::atomic<bool> cancel{false};
    std::atomic<bool> noneFound{false};
    std::size_t firstWay = 0;                    // the dialog thread's (one dialog at a time)
    unsigned requests = 0;                       // the dialog thread's
};

/// One dialog, on its own thread: the ways in order, from the one that worked last.
void runDialog(DialogState& state, const app::FileDialogRequest& request) {
    std::string used;
    app::FileDialogAnswer answer;
#ifdef _WIN32
    BackendAnswer result = runWindowsDialog(request);
    used = "Windows";
    answer = result.answer;
    if (result.unavailable) state.noneFound = true;
#else
    const std::vector<std::string> ways{"desktop portal", "zenity", "kdialog"};
    bool answered = false;
    for (std::size_t i = state.firstWay; i < ways.size() && !answered && !state.cancel; ++i) {
        const BackendAnswer result =
            i == 0 ? runPortalDialog(request, state.options.busAddress, "socketeer" + std::to_string(++state.requests), state.cancel)
                   : runCommandDialog(ways[i], request, state.options.searchPath, state.cancel);
        if (result.unavailable) continue;
        state.firstWay = i;
        used = ways[i];
        answer = result.answer;
        answered = true;
    }
    if (!answered && !state.cancel) {
        state.noneFound = true;
        answer.error = "no file dialog on this desktop (no XDG desktop portal, zenity or kdialog): type the path";
    }
#endif
    {
        std::lock_guard lock(state.mutex);
        if (!used.empty()) state.backend = used;
        state.answer = std::move(answer);
        state.running = false;
    }
    if (state.options.wake && !state.cancel) state.options.wake();
}

class SystemFileDialogs final : public app::FileDialogService {
public:
    explicit SystemFileDialogs(FileDialogOptions options) : m_state(std::make_shared<DialogState>(std::move(options))) {}

    ~SystemFileDialogs() override {
        m_state->cancel = true;
#ifdef _WIN32
        if (m_thread.joinable()) m_thread.detach(); // it holds its own reference to the state
#else
        if (m_thread.joinable()) m_thread.join(); // the portal and the child process both notice the cancel
#endif
    }

    bool start(app::FileDialogRequest request) override {
        std::lock_guard lock(m_state->mutex);
        if (m_state->running) return false;
        if (m_thread.joinable()) m_thread.join(); // the last dialog's thread, already done
        m_state->running = true;
        m_state->answer.reset();
        m_thread = std::thread([state = m_state, request = std::move(request)] { runDialog(*state, request); });
        return true;
    }

    std::optional<app::FileDialogAnswer> poll() override {
        std::lock_guard lock(m_state->mutex);
        if (!m_state->answer) return std::nullopt;
        auto answer = std::move(m_state->answer);
        m_state->answer.reset();
        return answer;
    }

    [[nodiscard]] std::string backendName() const override {
        std::lock_guard lock(m_state->mutex);
        return m_state->backend;
    }

    [[nodiscard]] bool available() const override { return !m_state->noneFound; }

private:
    std::shared_ptr<DialogState> m_state;
    std::thread m_thread;
};

} // namespace

std::unique_ptr<app::FileDialogService> makeSystemFileDialogs(FileDialogOptions options) {
    return std::make_unique<SystemFileDialogs>(std::move(options));
}

std::string pathFromFileUri(const std::string& uri) {
    constexpr std::string_view scheme = "file://";
    if (!uri.starts_with(scheme)) return {};
    std::string rest = uri.substr(scheme.size());
    if (rest.starts_with("localhost/")) rest.erase(0, 9);
    if (!rest.starts_with('/')) return {}; // file://otherhost/...: not this machine's
    std::string path;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() && hexValue(rest[i + 1]) >= 0 && hexValue(rest[i + 2]) >= 0) {
            path += static_cast<char>(hexValue(rest[i + 1]) * 16 + hexValue(rest[i + 2]));
            i += 2;
        } else {
            path += rest[i];
        }
    }
    return path;
}

} // namespace socketeer::platform
