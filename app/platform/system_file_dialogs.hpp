// The desktop's own file dialogs behind app::FileDialogService. Linux: the XDG desktop portal's FileChooser over
// D-Bus (sdbus-c++), else zenity, else kdialog, else none (the path is typed). Windows: IFileOpenDialog /
// IFileSaveDialog. Each dialog runs on a thread of its own; the frame loop only polls.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "file_dialog.hpp"

namespace socketeer::platform {

struct FileDialogOptions {
    /// D-Bus address of the session bus ("" = the user's, from DBUS_SESSION_BUS_ADDRESS). Tests give their own.
    std::string busAddress;
    /// Where zenity and kdialog are looked for ("" = $PATH).
    std::string searchPath;
    /// Called from the dialog's thread when the user is done: wakes the frame loop (glfwPostEmptyEvent).
    std::function<void()> wake;
};

std::unique_ptr<app::FileDialogService> makeSystemFileDialogs(FileDialogOptions options);

/// "file:///home/me/a%20b.json" → "/home/me/a b.json"; "" for what is not a local file URI.
std::string pathFromFileUri(const std::string& uri);

} // namespace socketeer::platform
