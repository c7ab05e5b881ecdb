// Tests for hex text: every accepted layout, every error with its exact position, formatting and round trips.
#include "socketeer/core/codec/hex_codec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string_view>

namespace socketeer::core {
namespace {

Bytes bytesOf(std::initializer_list<int> values) {
    Bytes bytes;
    for (int value : values) {
        bytes.push_back(static_cast<std::uint8_t>(value));
    }
    return bytes;
}

Bytes parsedOk(std::string_view text) {
    Parsed<Bytes> result = parseHex(text);
    EXPECT_TRUE(result.ok()) << "'" << text << "': " << (result.ok() ? "" : result.error().describe());
    return result.ok() ? std::move(result).value() : Bytes{};
}

ParseError parseFailure(std::string_view text) {
    const Parsed<Bytes> result = parseHex(text);
    EXPECT_FALSE(result.ok()) << "'" << text << "'";
    return result.ok() ? ParseError{0, 0, "parsed"} : result.error();
}

// ---- parseHex: accepted forms ----

TEST(ParseHex, SpaceSeparatedPairs) {
    EXPECT_EQ(parsedOk("48 65 6C"), bytesOf({0x48, 0x65, 0x6C}));
    EXPECT_EQ(parsedOk("00 ff FF 7f"), bytesOf({0x00, 0xFF, 0xFF, 0x7F}));
}

TEST(ParseHex, UnseparatedDigitsInEitherCase) {
    EXPECT_EQ(parsedOk("48656c"), bytesOf({0x48, 0x65, 0x6C}));
    EXPECT_EQ(parsedOk("aBcDeF"), bytesOf({0xAB, 0xCD, 0xEF}));
    EXPECT_EQ(parsedOk("0123456789abcdefABCDEF"),
              bytesOf({0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xAB, 0xCD, 0xEF}));
}

TEST(ParseHex, PrefixedTokens) {
    EXPECT_EQ(parsedOk("0x48,0x65"), bytesOf({0x48, 0x65}));
    EXPECT_EQ(parsedOk("0X48"), bytesOf({0x48}));
    EXPECT_EQ(parsedOk("0x4865"), bytesOf({0x48, 0x65}));
    EXPECT_EQ(parsedOk("0x00 0Xff, 41"), bytesOf({0x00, 0xFF, 0x41}));
}

TEST(ParseHex, AllSeparators) {
    EXPECT_EQ(parsedOk("48\t65\r\n6c,6C\n0x01"), bytesOf({0x48, 0x65, 0x6C, 0x6C, 0x01}));
    EXPECT_EQ(parsedOk("  ,48 ,, 65 ,\r\n"), bytesOf({0x48, 0x65}));
    EXPECT_EQ(parsedOk("0x48,\n0x65,"), bytesOf({0x48, 0x65}));
}

TEST(ParseHex, BlankInputIsNoBytes) {
    EXPECT_TRUE(parsedOk("").empty());
    EXPECT_TRUE(parsedOk(" ").empty());
    EXPECT_TRUE(parsedOk(" \t\r\n,,").empty());
}

// ---- parseHex: rejected forms ----

TEST(ParseHex, BadDigitNamesTheCharacterAndItsColumn) {
    EXPECT_EQ(parseFailure("0A 1G"), (ParseError{1, 5, "bad hex digit 'G'"}));
    EXPECT_EQ(parseFailure("G0"), (ParseError{1, 1, "bad hex digit 'G'"}));
    EXPECT_EQ(parseFailure("48-65"), (ParseError{1, 3, "bad hex digit '-'"}));
    EXPECT_EQ(parseFailure("48:65"), (ParseError{1, 3, "bad hex digit ':'"}));
    EXPECT_EQ(parseFailure("48;65"), (ParseError{1, 3, "bad hex digit ';'"}));
    EXPECT_EQ(parseFailure("x48"), (ParseError{1, 1, "bad hex digit 'x'"}));
    EXPECT_EQ(parseFailure("480x65"), (ParseError{1, 4, "bad hex digit 'x'"}));
    EXPECT_EQ(parseFailure("0xx48"), (ParseError{1, 3, "bad hex digit 'x'"}));
    EXPECT_EQ(parseFailure("0xG"), (ParseError{1, 3, "bad hex digit 'G'"}));
    EXPECT_EQ(parseFailure("00x48"), (ParseError{1, 3, "bad hex digit 'x'"}));
    EXPECT_EQ(parseFailure("0x0x"), (ParseError{1, 4, "bad hex digit 'x'"}));
    EXPECT_EQ(parseFailure("\\x48"), (ParseError{1, 1, "bad hex digit '\\'"}));
}

TEST(ParseHex, NonAsciiCharacterIsQuotedAsItselfAndCountsAsOneColumn) {
    EXPECT_EQ(parseFailure("48 中"), (ParseError{1, 4, "bad hex digit '中'"}));
    EXPECT_EQ(parseFailure("中文"), (ParseError{1, 1, "bad hex digit '中'"}));
    EXPECT_EQ(parseFailure("é1 ZZ"), (ParseError{1, 1, "bad hex digit 'é'"}));
    EXPECT_EQ(parseFailure("48 65 ９"), (ParseError{1, 7, "bad hex digit '９'"}));
}

TEST(ParseHex, ControlCharactersAreNamedNotQuoted) {
    EXPECT_EQ(parseFailure("48\x1B"), (ParseError{1, 3, "bad hex digit U+001B"}));
    EXPECT_EQ(parseFailure(std::string_view("48\0", 3)), (ParseError{1, 3, "bad hex digit U+0000"}));
    EXPECT_EQ(parseFailure("48\v65"), (ParseError{1, 3, "bad hex digit U+000B"}));
    EXPECT_EQ(parseFailure("48\u202E65"), (ParseError{1, 3, "bad hex digit U+202E"}));
}

TEST(ParseHex, InvalidUtf8IsNamedByItsByte) {
    EXPECT_EQ(parseFailure("48 \xFF"), (ParseError{1, 4, "invalid UTF-8 byte 0xFF"}));
    EXPECT_EQ(parseFailure("4\xC3"), (ParseError{1, 2, "invalid UTF-8 byte 0xC3"}));
}

TEST(ParseHex, OddDigitCountNamesTheTokenAtItsFirstCharacter) {
    EXPECT_EQ(parseFailure("486"), (ParseError{1, 1, "odd number of hex digits in '486'"}));
    EXPECT_EQ(parseFailure("4"), (ParseError{1, 1, "odd number of hex digits in '4'"}));
    EXPECT_EQ(parseFailure("0"), (ParseError{1, 1, "odd number of hex digits in '0'"}));
    EXPECT_EQ(parseFailure("48 0x486"), (ParseError{1, 4, "odd number of hex digits in '0x486'"}));
    EXPECT_EQ(parseFailure("0x0"), (ParseError{1, 1, "odd number of hex digits in '0x0'"}));
    EXPECT_EQ(parseFailure("48,6,65"), (ParseError{1, 4, "odd number of hex digits in '6'"}));
}

TEST(ParseHex, PrefixWithoutDigits) {
    EXPECT_EQ(parseFailure("0x"), (ParseError{1, 1, "'0x' without hex digits"}));
    EXPECT_EQ(parseFailure("48 0X"), (ParseError{1, 4, "'0X' without hex digits"}));
    EXPECT_EQ(parseFailure("0x,48"), (ParseError{1, 1, "'0x' without hex digits"}));
    EXPECT_EQ(parseFailure("48 0x 65"), (ParseError{1, 4, "'0x' without hex digits"}));
}

TEST(ParseHex, ErrorsReportTheirLine) {
    EXPECT_EQ(parseFailure("48\n4G"), (ParseError{2, 2, "bad hex digit 'G'"}));
    EXPECT_EQ(parseFailure("48\r\n\r\n0x"), (ParseError{3, 1, "'0x' without hex digits"}));
    EXPECT_EQ(parseFailure("48 65\n 中文 486"), (ParseError{2, 2, "bad hex digit '中'"}));
    EXPECT_EQ(parseFailure("48 65\n65 486"), (ParseError{2, 4, "odd number of hex digits in '486'"}));
    EXPECT_EQ(parseFailure("48 65\n65 486").describe(), "odd number of hex digits in '486' at line 2, column 4");
}

TEST(ParseHex, FirstErrorFromTheLeftWins) {
    EXPECT_EQ(parseFailure("486 4G"), (ParseError{1, 1, "odd number of hex digits in '486'"}));
    EXPECT_EQ(parseFailure("48G6 4"), (ParseError{1, 3, "bad hex digit 'G'"}));
    EXPECT_EQ(parseFailure("4G6"), (ParseError{1, 2, "bad hex digit 'G'"}));
}

// ---- formatHex ----

TEST(FormatHex, Separators) {
    const Bytes bytes = bytesOf({0x48, 0x65, 0x6C});
    EXPECT_EQ(formatHex(bytes), "48 65 6C");
    EXPECT_EQ(formatHex(bytes, '\0'), "48656C");
    EXPECT_EQ(formatHex(bytes, ','), "48,65,6C");
    EXPECT_EQ(formatHex(bytes, ':'), "48:65:6C");
    EXPECT_EQ(formatHex(bytesOf({0xAB}), ' '), "AB");
    EXPECT_EQ(formatHex({}), "");
    EXPECT_EQ(formatHex({}, '\0'), "");
}

TEST(FormatHex, LowerCase) {
    EXPECT_EQ(formatHex(bytesOf({0xAB, 0xCD, 0xEF, 0x09}), ' ', false), "ab cd ef 09");
    EXPECT_EQ(formatHex(bytesOf({0xAB, 0xCD, 0xEF, 0x09}), ' ', true), "AB CD EF 09");
}

TEST(FormatHex, EveryByteValue) {
    constexpr std::string_view Digits = "0123456789ABCDEF";
    for (int value = 0; value <= 0xFF; ++value) {
        const std::string text = formatHex(bytesOf({value}));
        ASSERT_EQ(text.size(), 2u);
        EXPECT_EQ(text[0], Digits[static_cast<std::size_t>(value >> 4)]);
        EXPECT_EQ(text[1], Digits[static_cast<std::size_t>(value & 0xF)]);
        EXPECT_EQ(parsedOk(text), bytesOf({value}));
    }
}

TEST(HexRoundTrip, RandomBuffersWithEachSeparator) {
    std::mt19937 random(12345);
    std::uniform_int_distribution<int> length(0, 300);
    std::uniform_int_distribution<int> byte(0, 0xFF);
    for (int i = 0; i < 2000; ++i) {
        Bytes bytes(static_cast<std::size_t>(length(random)));
        for (std::uint8_t& b : bytes) {
            b = static_cast<std::uint8_t>(byte(random));
        }
        for (char separator : {' ', '\0', ',', '\t', '\n'}) {
            for (bool upperCase : {true, false}) {
                const std::string text = formatHex(bytes, separator, upperCase);
                ASSERT_EQ(text.size(), bytes.empty() ? 0 : bytes.size() * 2 + (separator ? bytes.size() - 1 : 0));
                ASSERT_EQ(parsedOk(text), bytes) << text;
            }
        }
    }
}

} // namespace
} // namespace socketeer::core
