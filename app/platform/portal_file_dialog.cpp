// The XDG desktop portal's FileChooser over D-Bus: the dialog of the user's own desktop (GNOME, KDE, and every
// sandbox), asked without blocking anyone but this thread. The Response signal is subscribed to before the call,
// on the request path the portal will use, so a quick answer is not missed.
#include <poll.h>
#include <sys/stat.h>

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>

#include "file_dialog_backends.hpp"
#include "system_file_dialogs.hpp"

namespace socketeer::platform {

namespace {

constexpr const char* PortalService = "org.freedesktop.portal.Desktop";
constexpr const char* PortalPath = "/org/freedesktop/portal/desktop";
constexpr const char* FileChooser = "org.freedesktop.portal.FileChooser";
constexpr const char* RequestInterface = "org.freedesktop.portal.Request";

/// The path the portal gives a request made with handle_token `token` (the documented scheme; an older portal may
/// answer with another, which is then followed instead).
std::string requestPathFor(const std::string& uniqueName, const std::string& token) {
    std::string sender = uniqueName.substr(uniqueName.starts_with(':') ? 1 : 0);
    std::replace(sender.begin(), sender.end(), '.', '_');
    return std::string(PortalPath) + "/request/" + sender + "/" + token;
}

/// False when no session bus can be there: every unix:path= socket of the address is missing (no address at all
/// means $XDG_RUNTIME_DIR/bus). Checked before sd-bus is asked, which keeps a bus object it could not start.
bool sessionBusMayBeThere(const std::string& configured) {
    std::string address = configured;
    if (address.empty()) {
        if (const char* fromEnv = std::getenv("DBUS_SESSION_BUS_ADDRESS")) address = fromEnv;
        else if (const char* runtime = std::getenv("XDG_RUNTIME_DIR")) address = std::string("unix:path=") + runtime + "/bus";
        else return false;
    }
    std::size_t from = 0;
    while (from <= address.size()) {
        const std::size_t end = std::min(address.find(';', from), address.size());
        const std::string entry = address.substr(from, end - from);
        const std::size_t path = entry.find("path=");
        if (!entry.starts_with("unix:") || path == std::string::npos) return true; // abstract, tcp…: cannot tell
        const std::string socketPath = entry.substr(path + 5, entry.find(',', path) - path - 5);
        struct stat info {};
        if (::stat(socketPath.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) return true;
        from = end + 1;
    }
    return false;
}

std::map<std::string, sdbus::Variant> optionsFor(const app::FileDialogRequest& request, const std::string& token) {
    std::map<std::string, sdbus::Variant> options{{"handle_token", sdbus::Variant(token)}, {"modal", sdbus::Variant(true)}};
    if (request.suggested.empty()) return options;
    const std::filesystem::path suggested(request.suggested);
    std::string folder = suggested.has_parent_path() ? suggested.parent_path().string() : std::string();
    if (request.kind == app::FileDialogKind::Save && suggested.has_filename())
        options.emplace("current_name", sdbus::Variant(suggested.filename().string()));
    if (!folder.empty() && std::filesystem::path(folder).is_absolute()) {
        std::vector<std::uint8_t> bytes(folder.begin(), folder.end());
        bytes.push_back(0); // the portal takes a NUL-terminated byte string
        options.emplace("current_folder", sdbus::Variant(bytes));
    }
    return options;
}

} // namespace

BackendAnswer runPortalDialog(const app::FileDialogRequest& request, const std::string& busAddress,
                              const std::string& token, const std::atomic<bool>& cancel) {
    BackendAnswer out;
    if (!sessionBusMayBeThere(busAddress)) {
        out.unavailable = true;
        return out;
    }
    try {
        auto connection = busAddress.empty() ? sdbus::createSessionBusConnection()
                                             : sdbus::createSessionBusConnectionWithAddress(busAddress);
        std::optional<std::uint32_t> response;
        std::vector<std::string> uris;
        auto subscribe = [&](const std::string& path) {
            auto proxy = sdbus::createProxy(*connection, PortalService, path);
            proxy->uponSignal("Response").onInterface(RequestInterface).call(
                [&](std::uint32_t code, const std::map<std::string, sdbus::Variant>& results) {
                    response = code;
                    if (auto it = results.find("uris"); it != results.end())
                        uris = it->second.get<std::vector<std::string>>();
                });
            proxy->finishRegistration();
            return proxy;
        };
        auto request_ = subscribe(requestPathFor(connection->getUniqueName(), token));
        auto portal = sdbus::createProxy(*connection, PortalService, PortalPath);
        sdbus::ObjectPath handle;
        portal->callMethod(request.kind == app::FileDialogKind::Open ? "OpenFile" : "SaveFile")
            .onInterface(FileChooser)
            .withTimeout(std::chrono::seconds(5)) // the call only opens the dialog: a portal that takes longer is not there
            .withArguments(std::string(), request.title, optionsFor(request, token))
            .storeResultsTo(handle);
        if (handle != requestPathFor(connection->getUniqueName(), token)) request_ = subscribe(handle);

        // Wait for the answer; a cancel (the app closing) is seen within a fifth of a second.
        while (!response && !cancel) {
            const auto poll = connection->getEventLoopPollData();
            pollfd fd{poll.fd, poll.events, 0};
            ::poll(&fd, 1, 200);
            while (connection->processPendingRequest()) {}
        }
        if (!response) return out; // cancelled: nobody is waiting for the answer
        if (*response == 0 && !uris.empty()) {
            out.answer.path = pathFromFileUri(uris.front());
            if (out.answer.path.empty()) out.answer.error = "the desktop's dialog chose '" + uris.front() + "', not a local file";
        } else if (*response == 2) {
            out.answer.error = "the desktop's file dialog failed";
        }
    } catch (const sdbus::Error& error) {
        // No session bus, no portal on it, or one without a FileChooser: the next way is tried.
        out.unavailable = true;
        out.answer.error = "desktop portal: " + error.getName() + ": " + error.getMessage();
    }
    return out;
}

} // namespace socketeer::platform
