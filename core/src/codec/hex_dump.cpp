// xxd-style hex dump lines, sized exactly up front because the UI formats visible rows every frame.
#include "socketeer/core/codec/hex_dump.hpp"

#include <algorithm>

namespace socketeer::core {

namespace {

constexpr char LowerHexDigits[] = "0123456789abcdef";
constexpr std::size_t MinOffsetDigits = 8;
constexpr std::size_t GroupSize = 8;
constexpr std::size_t ColumnGap = 2;

std::size_t offsetDigitCount(std::uint64_t offset) {
    std::size_t digits = 1;
    while (offset >= 16) {
        offset >>= 4;
        ++digits;
    }
    return std::max(digits, MinOffsetDigits);
}

// Width of the hex column for n bytes: "xx" per byte, one space between bytes, one more between groups of 8.
std::size_t hexColumnWidth(std::size_t byteCount) {
    if (byteCount == 0) {
        return 0;
    }
    return byteCount * 3 - 1 + (byteCount - 1) / GroupSize;
}

std::size_t lineLength(std::uint64_t offset, std::size_t byteCount, std::size_t bytesPerLine) {
    return offsetDigitCount(offset) + ColumnGap + hexColumnWidth(bytesPerLine) + ColumnGap + byteCount;
}

void appendLine(std::string& out, ByteView lineBytes, std::uint64_t offset, std::size_t bytesPerLine) {
    for (std::size_t i = offsetDigitCount(offset); i > 0; --i) {
        out += LowerHexDigits[(offset >> (4 * (i - 1))) & 0xF];
    }
    out.append(ColumnGap, ' ');
    const std::size_t hexStart = out.size();
    for (std::size_t i = 0; i < lineBytes.size(); ++i) {
        if (i > 0) {
            out += ' ';
            if (i % GroupSize == 0) {
                out += ' ';
            }
        }
        out += LowerHexDigits[lineBytes[i] >> 4];
        out += LowerHexDigits[lineBytes[i] & 0xF];
    }
    out.append(hexColumnWidth(bytesPerLine) - (out.size() - hexStart), ' ');
    out.append(ColumnGap, ' ');
    for (const std::uint8_t byte : lineBytes) {
        out += byte >= 0x20 && byte <= 0x7E ? static_cast<char>(byte) : '.';
    }
}

} // namespace

std::string formatHexDumpLine(ByteView lineBytes, std::uint64_t offset, std::size_t bytesPerLine) {
    bytesPerLine = std::max<std::size_t>(bytesPerLine, 1);
    lineBytes = lineBytes.first(std::min(lineBytes.size(), bytesPerLine));
    std::string out;
    out.reserve(lineLength(offset, lineBytes.size(), bytesPerLine));
    appendLine(out, lineBytes, offset, bytesPerLine);
    return out;
}

std::string formatHexDump(ByteView bytes, std::uint64_t baseOffset, std::size_t bytesPerLine) {
    bytesPerLine = std::max<std::size_t>(bytesPerLine, 1);
    const std::size_t lineCount = hexDumpLineCount(bytes.size(), bytesPerLine);
    std::size_t totalLength = lineCount > 0 ? lineCount - 1 : 0;
    for (std::size_t line = 0; line < lineCount; ++line) {
        const std::size_t start = line * bytesPerLine;
        totalLength += lineLength(baseOffset + start, std::min(bytesPerLine, bytes.size() - start), bytesPerLine);
    }
    std::string out;
    out.reserve(totalLength);
    for (std::size_t line = 0; line < lineCount; ++line) {
        const std::size_t start = line * bytesPerLine;
        if (line > 0) {
            out += '\n';
        }
        appendLine(out, bytes.subspan(start, std::min(bytesPerLine, bytes.size() - start)), baseOffset + start,
                   bytesPerLine);
    }
    return out;
}

std::size_t hexDumpLineCount(std::size_t byteCount, std::size_t bytesPerLine) {
    bytesPerLine = std::max<std::size_t>(bytesPerLine, 1);
    return byteCount / bytesPerLine + (byteCount % bytesPerLine != 0 ? 1 : 0);
}

} // namespace socketeer::core
