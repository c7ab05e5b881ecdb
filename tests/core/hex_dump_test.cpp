// Tests for the xxd-style hex dump: exact lines for short, full and multi-line dumps, offsets and widths.
#include "socketeer/core/codec/hex_dump.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace socketeer::core {
namespace {

// 33 bytes mixing printable ASCII, controls, DEL and high bytes.
Bytes sample(std::size_t count) {
    constexpr std::string_view Text("Hello, world!\n\0\x01\x1B[31m~\x7F\x80\xFF abcXYZ{|}\t\r", 37);
    return toBytes(Text.substr(0, count));
}

constexpr std::string_view Line0 = "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  Hello, world!...";
constexpr std::string_view Line1 = "00000010  1b 5b 33 31 6d 7e 7f 80  ff 20 61 62 63 58 59 5a  .[31m~... abcXYZ";

TEST(HexDump, NoBytesGivesNoLines) {
    EXPECT_EQ(formatHexDump({}), "");
    EXPECT_EQ(hexDumpLineCount(0), 0u);
}

TEST(HexDump, OneByte) {
    EXPECT_EQ(formatHexDump(sample(1)), "00000000  48                                                H");
    EXPECT_EQ(hexDumpLineCount(1), 1u);
}

TEST(HexDump, FifteenBytesPadToTheAsciiColumn) {
    EXPECT_EQ(formatHexDump(sample(15)),
              "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00     Hello, world!..");
    EXPECT_EQ(hexDumpLineCount(15), 1u);
}

TEST(HexDump, SixteenBytesFillOneLine) {
    EXPECT_EQ(formatHexDump(sample(16)), Line0);
    EXPECT_EQ(hexDumpLineCount(16), 1u);
}

TEST(HexDump, SeventeenBytes) {
    EXPECT_EQ(formatHexDump(sample(17)),
              std::string(Line0) + "\n00000010  1b                                                .");
    EXPECT_EQ(hexDumpLineCount(17), 2u);
}

TEST(HexDump, ThirtyThreeBytes) {
    EXPECT_EQ(formatHexDump(sample(33)),
              std::string(Line0) + "\n" + std::string(Line1) + "\n00000020  7b                                                {");
    EXPECT_EQ(hexDumpLineCount(32), 2u);
    EXPECT_EQ(hexDumpLineCount(33), 3u);
}

TEST(HexDump, LineFunctionMatchesTheDumpLines) {
    const Bytes bytes = sample(33);
    const ByteView view(bytes);
    EXPECT_EQ(formatHexDumpLine(view.subspan(0, 16), 0), Line0);
    EXPECT_EQ(formatHexDumpLine(view.subspan(16, 16), 16), Line1);
    EXPECT_EQ(formatHexDumpLine(view.subspan(32), 32), "00000020  7b                                                {");
}

TEST(HexDump, LineHasNoTrailingNewline) {
    const std::string line = formatHexDumpLine(sample(3), 0);
    ASSERT_FALSE(line.empty());
    EXPECT_NE(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(HexDump, LineUsesAtMostBytesPerLine) {
    EXPECT_EQ(formatHexDumpLine(sample(33), 0), Line0);
    EXPECT_EQ(formatHexDumpLine(sample(5), 0, 4), "00000000  48 65 6c 6c  Hell");
}

TEST(HexDump, BaseOffsetIsAddedPerLine) {
    EXPECT_EQ(formatHexDump(sample(17), 0x100),
              "00000100  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  Hello, world!...\n"
              "00000110  1b                                                .");
}

TEST(HexDump, OffsetUsesMoreDigitsWhenNeeded) {
    EXPECT_EQ(formatHexDumpLine(sample(2), 0x123456789ull), "123456789  48 65                                             He");
    EXPECT_EQ(formatHexDumpLine(sample(1), 0xFFFFFFFFFFFFFFF0ull),
              "fffffffffffffff0  48                                                H");
    EXPECT_EQ(formatHexDump(sample(17), 0xFFFFFFF0ull),
              "fffffff0  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  Hello, world!...\n"
              "100000000  1b                                                .");
}

TEST(HexDump, OffsetIsLowercaseHex) {
    EXPECT_EQ(formatHexDumpLine(sample(1), 0xABCDEF), "00abcdef  48                                                H");
}

TEST(HexDump, EightBytesPerLineHasNoGroupGap) {
    EXPECT_EQ(formatHexDump(sample(10), 0, 8), "00000000  48 65 6c 6c 6f 2c 20 77  Hello, w\n"
                                               "00000008  6f 72                    or");
    EXPECT_EQ(hexDumpLineCount(10, 8), 2u);
}

TEST(HexDump, WideLinesGapEveryEightBytes) {
    EXPECT_EQ(formatHexDump(sample(33), 0, 32),
              "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  1b 5b 33 31 6d 7e 7f 80  "
              "ff 20 61 62 63 58 59 5a  Hello, world!....[31m~... abcXYZ\n"
              "00000020  7b                                                                                                  {");
}

TEST(HexDump, ZeroBytesPerLineCountsAsOne) {
    EXPECT_EQ(hexDumpLineCount(3, 0), 3u);
    EXPECT_EQ(formatHexDump(sample(2), 0, 0), "00000000  48  H\n00000001  65  e");
}

TEST(HexDump, AsciiColumnShowsOnlyPrintableAscii) {
    Bytes all(256);
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = static_cast<std::uint8_t>(i);
    }
    const std::string dump = formatHexDump(all);
    EXPECT_EQ(hexDumpLineCount(all.size()), 16u);
    std::size_t lineStart = 0;
    for (std::size_t line = 0; line < 16; ++line) {
        const std::size_t lineEnd = std::min(dump.find('\n', lineStart), dump.size());
        const std::string_view text(dump.data() + lineStart, lineEnd - lineStart);
        ASSERT_EQ(text.size(), 8u + 2 + 48 + 2 + 16) << "line " << line;
        for (std::size_t i = 0; i < 16; ++i) {
            const auto byte = static_cast<unsigned char>(line * 16 + i);
            const char expected = byte >= 0x20 && byte <= 0x7E ? static_cast<char>(byte) : '.';
            EXPECT_EQ(text[60 + i], expected) << "byte " << int(byte);
        }
        lineStart = lineEnd + 1;
    }
    EXPECT_NE(dump.find("00000070  70 71 72 73 74 75 76 77  78 79 7a 7b 7c 7d 7e 7f  pqrstuvwxyz{|}~."),
              std::string::npos);
    EXPECT_NE(dump.find("000000f0  f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff  ................"),
              std::string::npos);
}

TEST(HexDump, ShortLinesKeepTheAsciiColumnAligned) {
    const Bytes bytes = sample(16);
    for (std::size_t count = 1; count <= 16; ++count) {
        const std::string line = formatHexDumpLine(ByteView(bytes).first(count), 0);
        EXPECT_EQ(line.size(), 60 + count) << count;
        EXPECT_EQ(line.substr(58, 2), "  ") << count;
    }
}

TEST(HexDump, LineReservesItsExactSize) {
    // Growing by doubling would leave a capacity far above the size; one exact reservation stays within the
    // allocator's rounding.
    for (std::size_t count : {1u, 8u, 16u}) {
        const std::string line = formatHexDumpLine(ByteView(sample(count)), 0);
        EXPECT_LT(line.capacity(), line.size() + 16) << count;
    }
    const std::string dump = formatHexDump(sample(33));
    EXPECT_LT(dump.capacity(), dump.size() + 16);
}

} // namespace
} // namespace socketeer::core
