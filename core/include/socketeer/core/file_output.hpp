// Writing a file the user named (saved text, logs): never replaces an existing file without the user's consent.
#pragma once

#include <string>
#include <string_view>

namespace socketeer::core {

/// Writes content to path. Without overwrite, an existing file is left alone (checked atomically at creation).
/// Returns an empty string on success, else a message naming the path and the problem.
[[nodiscard]] std::string writeNewFile(const std::string& path, std::string_view content, bool overwrite);

} // namespace socketeer::core
