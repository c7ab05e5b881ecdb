// Fonts: a readable monospace base font scaled to the monitor, with CJK glyphs merged in when a CJK font is installed.
#pragma once

#include <imgui.h>

#include <string>

namespace socketeer::platform {

/// Loads the fonts into io.Fonts; returns what was loaded, for the About box and logs.
std::string loadFonts(ImGuiIO& io, float scale);

} // namespace socketeer::platform
