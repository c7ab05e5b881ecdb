// The per-user config directory.
#include "config_dir.hpp"

#include <cstdlib>
#include <filesystem>

namespace socketeer::platform {

std::string configDirectory() {
    std::filesystem::path base;
#ifdef _WIN32
    // Wide: %APPDATA% may hold characters outside the ANSI code page.
    if (const wchar_t* appData = ::_wgetenv(L"APPDATA"); appData && *appData) base = std::filesystem::path(appData) / "Socketeer";
#else
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) base = std::filesystem::path(xdg) / "socketeer";
    else if (const char* home = std::getenv("HOME"); home && *home) base = std::filesystem::path(home) / ".config" / "socketeer";
#endif
    if (base.empty()) return {};
    std::error_code ec;
    std::filesystem::create_directories(base, ec);
    if (ec) return {};
    const std::u8string utf8 = base.u8string(); // UTF-8 on every system, as the rest of the app expects
    return std::string(utf8.begin(), utf8.end());
}

} // namespace socketeer::platform
