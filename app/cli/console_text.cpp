#include "console_text.hpp"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <cerrno>
#include <unistd.h>
#endif

namespace socketeer::cli {

void useBinaryStandardStreams() {
#ifdef _WIN32
    ::_setmode(::_fileno(stdin), _O_BINARY);
    ::_setmode(::_fileno(stdout), _O_BINARY);
#endif
}

std::string consoleLines(std::string text) {
#ifdef _WIN32
    std::string converted;
    converted.reserve(text.size() + text.size() / 16);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) converted += '\r';
        converted += text[i];
    }
    return converted;
#else
    return text;
#endif
}

std::ptrdiff_t readSome(std::FILE* in, std::uint8_t* buffer, std::size_t size) {
#ifdef _WIN32
    return ::_read(::_fileno(in), buffer, static_cast<unsigned>(size));
#else
    for (;;) {
        const ssize_t n = ::read(::fileno(in), buffer, size);
        if (n < 0 && errno == EINTR) continue;
        return n;
    }
#endif
}

bool isTerminal(std::FILE* stream) {
#ifdef _WIN32
    return ::_isatty(::_fileno(stream)) != 0;
#else
    return ::isatty(::fileno(stream)) != 0;
#endif
}

} // namespace socketeer::cli
