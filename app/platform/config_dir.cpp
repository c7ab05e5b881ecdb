// The per-user config directory.
#include "config_dir.hpp"

#include <cstdlib>
#include <filesystem>

namespace socketeer::platform {

std::string configDirectory() {
    std::filesystem::path base;
#ifdef _WIN32
    if (const char* appData = std::getenv("APPDATA"); appData && *appData) base = std::filesystem::path(appData) / "Socketeer";
#else
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) base = std::filesystem::path(xdg) / "socketeer";
    else if (const char* home = std::getenv("HOME"); home && *home) base = std::filesystem::path(home) / ".config" / "socketeer";
#endif
    if (base.empty()) return {};
    std::error_code ec;
    std::filesystem::create_directories(base, ec);
    return ec ? std::string() : base.string();
}

} // namespace socketeer::platform
