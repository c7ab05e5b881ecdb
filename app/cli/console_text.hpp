// How the CLI's standard streams carry bytes and lines on each system.
#pragma once

#include <string>

namespace socketeer::cli {

/// Windows: stdin and stdout in binary mode, so data passes through byte for byte (text mode would turn "\n" into
/// "\r\n" in received bytes, and drop "\r" and stop at Ctrl-Z in what is read). Elsewhere: nothing to do.
void useBinaryStandardStreams();

/// Text the CLI writes to stdout as lines of its own (events, hex dumps, JSON lines, reports, help): "\r\n" line ends
/// on Windows, where consoles and editors expect them; unchanged elsewhere. stderr stays in text mode, which converts.
std::string consoleLines(std::string text);

} // namespace socketeer::cli
