// FileDialogService: the desktop's own file dialog, asked for without blocking. The UI starts one and polls for the
// answer each frame; the system's implementation (app/platform) runs it elsewhere (a D-Bus call, a child process,
// a COM dialog on its own thread) and wakes the frame loop when the user is done.
#pragma once

#include <optional>
#include <string>

namespace socketeer::app {

enum class FileDialogKind { Open, Save };

struct FileDialogRequest {
    FileDialogKind kind = FileDialogKind::Open;
    std::string title;
    std::string suggested; ///< a path: its folder is shown first, and (to save) its name proposed
};

struct FileDialogAnswer {
    std::string path;  ///< the chosen file; "" when the user cancelled
    std::string error; ///< why no dialog could be shown (the user types the path instead)
};

class FileDialogService {
public:
    virtual ~FileDialogService() = default;
    /// Starts a dialog; false while one is still open (one at a time, as a modal dialog would be).
    virtual bool start(FileDialogRequest request) = 0;
    /// The answer once the dialog has closed, exactly once; nullopt before.
    virtual std::optional<FileDialogAnswer> poll() = 0;
    /// "desktop portal", "zenity", "Windows"… or "" when none was found yet.
    [[nodiscard]] virtual std::string backendName() const = 0;
    /// False once the system has shown it has no dialog at all: the UI offers the typed path only.
    [[nodiscard]] virtual bool available() const = 0;
};

} // namespace socketeer::app
