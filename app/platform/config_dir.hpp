// Where the app keeps its settings, layout and last workspace: the user's config directory, never the working one.
#pragma once

#include <string>

namespace socketeer::platform {

/// $XDG_CONFIG_HOME/socketeer or ~/.config/socketeer on Linux; %APPDATA%\Socketeer on Windows. Created if missing;
/// "" if there is no home to put it in.
std::string configDirectory();

} // namespace socketeer::platform
