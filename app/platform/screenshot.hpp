// Screenshot: the back buffer as a PNG (for the smoke test and the README picture).
#pragma once

#include <string>

namespace socketeer::platform {

/// Reads the current back buffer (call after rendering, before swapping) and writes it; returns "" or the error.
std::string writeScreenshot(const std::string& path, int width, int height);

} // namespace socketeer::platform
