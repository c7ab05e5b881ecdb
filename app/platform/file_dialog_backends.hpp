// The ways this system can show a file dialog, each run on the dialog's own thread. Internal to
// system_file_dialogs.cpp and its tests.
#pragma once

#include <atomic>
#include <string>

#include "file_dialog.hpp"

namespace socketeer::platform {

struct BackendAnswer {
    bool unavailable = false;  ///< this way is not there (no portal on the bus, no such program): try the next
    app::FileDialogAnswer answer;
};

#ifndef _WIN32
/// The XDG desktop portal's org.freedesktop.portal.FileChooser (OpenFile / SaveFile, then the Request's Response).
/// `token` names the request (unique within the process).
BackendAnswer runPortalDialog(const app::FileDialogRequest& request, const std::string& busAddress,
                              const std::string& token, const std::atomic<bool>& cancel);
/// `zenity --file-selection` or `kdialog --getopenfilename`, found in searchPath ("" = $PATH).
BackendAnswer runCommandDialog(const std::string& program, const app::FileDialogRequest& request,
                               const std::string& searchPath, const std::atomic<bool>& cancel);
#else
/// IFileOpenDialog / IFileSaveDialog, modal on this thread's own apartment.
BackendAnswer runWindowsDialog(const app::FileDialogRequest& request);
#endif

} // namespace socketeer::platform
