// Writing a file the user named (saved text, logs): never replaces an existing file without the user's consent.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace socketeer::core {

/// Opens path (UTF-8) for binary writing. Without overwrite it fails with errno EEXIST when the file exists, checked
/// atomically at creation (glibc's "x" mode; on Windows _O_EXCL, since msvcrt's fopen ignores "x").
std::FILE* openForWriting(const std::string& path, bool overwrite);

/// Writes content to path. Without overwrite, an existing file is left alone (checked atomically at creation).
/// Returns an empty string on success, else a message naming the path and the problem.
[[nodiscard]] std::string writeNewFile(const std::string& path, std::string_view content, bool overwrite);

} // namespace socketeer::core
