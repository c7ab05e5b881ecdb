#include "socketeer/core/file_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#ifdef _WIN32
#include <fcntl.h>
#include <filesystem>
#include <io.h>
#include <sys/stat.h>
#endif

namespace socketeer::core {

std::FILE* openForWriting(const std::string& path, bool overwrite) {
#ifdef _WIN32
    // The path is UTF-8; the wide API takes any name, whatever the ANSI code page.
    const std::filesystem::path native(std::u8string(path.begin(), path.end()));
    const int flags = _O_WRONLY | _O_CREAT | _O_BINARY | (overwrite ? _O_TRUNC : _O_EXCL);
    const int fd = ::_wopen(native.c_str(), flags, _S_IREAD | _S_IWRITE);
    if (fd < 0) return nullptr;
    std::FILE* file = ::_fdopen(fd, "wb");
    if (!file) ::_close(fd);
    return file;
#else
    return std::fopen(path.c_str(), overwrite ? "wb" : "wbx");
#endif
}

std::string writeNewFile(const std::string& path, std::string_view content, bool overwrite) {
    if (path.empty()) return "no file name given";
    // A file created meanwhile is never replaced without consent: the check is part of the creation.
    std::FILE* file = openForWriting(path, overwrite);
    if (!file && errno == EEXIST) return "'" + path + "' already exists (choose another name or allow replacing it)";
    if (!file) return "cannot write '" + path + "': " + std::strerror(errno);
    const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
    const int writeErrno = errno;
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed) return "cannot write '" + path + "': " + std::strerror(written ? errno : writeErrno);
    return {};
}

} // namespace socketeer::core
