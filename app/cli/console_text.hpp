// How the CLI's standard streams carry bytes and lines on each system: the CLI's only system-specific stdio code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace socketeer::cli {

/// Windows: stdin and stdout in binary mode, so data passes through byte for byte (text mode would turn "\n" into
/// "\r\n" in received bytes, and drop "\r" and stop at Ctrl-Z in what is read). Elsewhere: nothing to do.
void useBinaryStandardStreams();

/// Text the CLI writes to stdout as lines of its own (events, hex dumps, JSON lines, reports, help): "\r\n" line ends
/// on Windows, where consoles and editors expect them; unchanged elsewhere. stderr stays in text mode, which converts.
std::string consoleLines(std::string text);

/// One read of whatever is available on the stream's descriptor (at least one byte; 0 at end of file, -1 on error),
/// bypassing stdio's buffering: an interactive user's line must go out now, not once the buffer is full.
/// True when the stream is an interactive terminal (not a pipe or a file).
bool isTerminal(std::FILE* stream);

std::ptrdiff_t readSome(std::FILE* in, std::uint8_t* buffer, std::size_t size);

} // namespace socketeer::cli
