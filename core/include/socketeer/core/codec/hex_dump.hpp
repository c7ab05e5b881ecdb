// Hex dump: xxd-style display lines (offset, hex bytes, ASCII column), formatted one visible row at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "socketeer/core/bytes.hpp"

namespace socketeer::core {

/// One dump line without a trailing newline, e.g.
/// "00000010  48 65 6c 6c 6f 0a 00 ff  01 02                    Hello....." — the offset in lowercase hex (8 digits,
/// more if needed), the bytes with an extra space after every 8th, padding so the ASCII column lines up on a short
/// line, and the ASCII column with '.' outside 0x20..0x7E. Uses at most bytesPerLine bytes (0 counts as 1); the only
/// allocation is the returned string.
[[nodiscard]] std::string formatHexDumpLine(ByteView lineBytes, std::uint64_t offset, std::size_t bytesPerLine = 16);

/// All lines of a dump joined with '\n' (no trailing newline; empty for no bytes). Line i starts at baseOffset +
/// i * bytesPerLine.
[[nodiscard]] std::string formatHexDump(ByteView bytes, std::uint64_t baseOffset = 0, std::size_t bytesPerLine = 16);

/// How many lines formatHexDump produces for byteCount bytes.
[[nodiscard]] std::size_t hexDumpLineCount(std::size_t byteCount, std::size_t bytesPerLine = 16);

} // namespace socketeer::core
