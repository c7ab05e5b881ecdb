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

class SystemFileDialogs final : public app::FileDialogService {
public:
    explicit SystemFileDialogs(FileDialogOptions options) : m_options(std::move(options)) {}

    ~SystemFileDialogs() override {
        m_cancel = true;
#ifdef _WIN32
        // A modal Windows dialog cannot be closed from another thread: it goes with the process.
        if (m_thread.joinable()) m_thread.detach();
#else
        if (m_thread.joinable()) m_thread.join(); // the portal and the child process both notice m_cancel
#endif
    }

    bool start(app::FileDialogRequest request) override {
        std::lock_guard lock(m_mutex);
        if (m_running) return false;
        if (m_thread.joinable()) m_thread.join(); // the last dialog's thread, already done
        m_running = true;
        m_answer.reset();
        m_thread = std::thread([this, request = std::move(request)] { run(request); });
        return true;
    }

    std::optional<app::FileDialogAnswer> poll() override {
        std::lock_guard lock(m_mutex);
        if (!m_answer) return std::nullopt;
        auto answer = std::move(m_answer);
        m_answer.reset();
        return answer;
    }

    [[nodiscard]] std::string backendName() const override {
        std::lock_guard lock(m_mutex);
        return m_backend;
    }

    [[nodiscard]] bool available() const override { return !m_noneFound; }

private:
    void run(const app::FileDialogRequest& request) {
        std::string used;
        app::FileDialogAnswer answer;
#ifdef _WIN32
        BackendAnswer result = runWindowsDialog(request);
        used = "Windows";
        answer = result.answer;
        if (result.unavailable) m_noneFound = true;
#else
        // From the way that worked last (or the first), on down the list.
        const std::vector<std::string> ways{"desktop portal", "zenity", "kdialog"};
        bool answered = false;
        for (std::size_t i = m_firstWay; i < ways.size() && !answered && !m_cancel; ++i) {
            const BackendAnswer result =
                i == 0 ? runPortalDialog(request, m_options.busAddress, "socketeer" + std::to_string(++m_requests), m_cancel)
                       : runCommandDialog(ways[i], request, m_options.searchPath, m_cancel);
            if (result.unavailable) continue;
            m_firstWay = i;
            used = ways[i];
            answer = result.answer;
            answered = true;
        }
        if (!answered && !m_cancel) {
            m_noneFound = true;
            answer.error = "no file dialog on this desktop (no XDG desktop portal, zenity or kdialog): type the path";
        }
#endif
        {
            std::lock_guard lock(m_mutex);
            if (!used.empty()) m_backend = used;
            m_answer = std::move(answer);
            m_running = false;
        }
        if (m_options.wake && !m_cancel) m_options.wake();
    }

    const FileDialogOptions m_options;
    mutable std::mutex m_mutex;
    std::thread m_thread;
    bool m_running = false;                      // guarded by m_mutex
    std::optional<app::FileDialogAnswer> m_answer; // guarded by m_mutex
    std::string m_backend;                       // guarded by m_mutex
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_noneFound{false};
    std::size_t m_firstWay = 0;                  // the dialog thread's (one at a time)
    unsigned m_requests = 0;                     // the dialog thread's
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
