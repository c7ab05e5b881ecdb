#include "socketeer/core/file_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace socketeer::core {

std::string writeNewFile(const std::string& path, std::string_view content, bool overwrite) {
    if (path.empty()) return "no file name given";
    // "x": fail if the file exists, atomically, so a file created meanwhile is never replaced without consent.
    std::FILE* file = std::fopen(path.c_str(), overwrite ? "wb" : "wbx");
    if (!file && errno == EEXIST) return "'" + path + "' already exists (choose another name or allow replacing it)";
    if (!file) return "cannot write '" + path + "': " + std::strerror(errno);
    const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
    const int writeErrno = errno;
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed) return "cannot write '" + path + "': " + std::strerror(written ? errno : writeErrno);
    return {};
}

} // namespace socketeer::core
