// Tests for escaped text: every escape and error form, display safety, and parse(format(b)) == b in each encoding.
#include "socketeer/core/codec/escape_codec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string_view>

#include "encoding_skips.hpp"

namespace socketeer::core {
namespace {

constexpr TextEncoding AllEncodings[] = {TextEncoding::Utf8, TextEncoding::Gb18030, TextEncoding::Latin1};

Bytes bytesOf(std::initializer_list<int> values) {
    Bytes bytes;
    for (int value : values) {
        bytes.push_back(static_cast<std::uint8_t>(value));
    }
    return bytes;
}

Bytes parsedOk(std::string_view text, TextEncoding encoding = TextEncoding::Utf8) {
    Parsed<Bytes> result = parseEscaped(text, encoding);
    EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().describe());
    return result.ok() ? std::move(result).value() : Bytes{};
}

ParseError parseFailure(std::string_view text, TextEncoding encoding = TextEncoding::Utf8) {
    const Parsed<Bytes> result = parseEscaped(text, encoding);
    EXPECT_FALSE(result.ok()) << text;
    return result.ok() ? ParseError{0, 0, "parsed"} : result.error();
}

// The display-safety promise: valid UTF-8 made only of printable characters (so no C0, DEL or C1 controls, and no
// bidi controls), hence nothing a terminal or the UI would interpret.
void expectDisplaySafe(const std::string& text) {
    Utf8Reader reader(text);
    while (!reader.atEnd()) {
        const DecodedChar decoded = reader.next();
        ASSERT_TRUE(decoded.valid()) << text;
        ASSERT_TRUE(isPrintableChar(decoded.codePoint())) << text;
    }
}

void expectRoundTrip(const Bytes& bytes, TextEncoding encoding) {
    const std::string text = formatEscaped(bytes, encoding);
    expectDisplaySafe(text);
    const Parsed<Bytes> parsed = parseEscaped(text, encoding);
    ASSERT_TRUE(parsed.ok()) << encodingName(encoding) << " '" << text << "': " << parsed.error().describe();
    ASSERT_EQ(parsed.value(), bytes) << encodingName(encoding) << " '" << text << "'";
}

// ---- parseEscaped: accepted forms ----

TEST(ParseEscaped, PlainTextIsItsUtf8Bytes) {
    EXPECT_EQ(parsedOk("Hello"), toBytes("Hello"));
    EXPECT_EQ(parsedOk("héllo 中"), toBytes("héllo 中"));
    EXPECT_TRUE(parsedOk("").empty());
}

TEST(ParseEscaped, EachSimpleEscape) {
    EXPECT_EQ(parsedOk("\\r"), bytesOf({0x0D}));
    EXPECT_EQ(parsedOk("\\n"), bytesOf({0x0A}));
    EXPECT_EQ(parsedOk("\\t"), bytesOf({0x09}));
    EXPECT_EQ(parsedOk("\\0"), bytesOf({0x00}));
    EXPECT_EQ(parsedOk("\\\\"), bytesOf({0x5C}));
    EXPECT_EQ(parsedOk("a\\r\\nb"), bytesOf({0x61, 0x0D, 0x0A, 0x62}));
    // \0 takes no further digits.
    EXPECT_EQ(parsedOk("\\012"), bytesOf({0x00, 0x31, 0x32}));
    EXPECT_EQ(parsedOk("\\\\x41"), bytesOf({0x5C, 0x78, 0x34, 0x31}));
}

TEST(ParseEscaped, HexEscapesTakeExactlyTwoDigitsOfEitherCase) {
    EXPECT_EQ(parsedOk("\\x41"), bytesOf({0x41}));
    EXPECT_EQ(parsedOk("\\xab\\xAB\\xaB"), bytesOf({0xAB, 0xAB, 0xAB}));
    EXPECT_EQ(parsedOk("\\x00\\xff\\xFF"), bytesOf({0x00, 0xFF, 0xFF}));
    EXPECT_EQ(parsedOk("\\x4142"), bytesOf({0x41, 0x34, 0x32}));
    EXPECT_EQ(parsedOk("\\x1B[31m"), bytesOf({0x1B, 0x5B, 0x33, 0x31, 0x6D}));
}

TEST(ParseEscaped, RealLineBreaksAreLiteralBytes) {
    EXPECT_EQ(parsedOk("a\nb\r\nc\td"), bytesOf({0x61, 0x0A, 0x62, 0x0D, 0x0A, 0x63, 0x09, 0x64}));
}

TEST(ParseEscaped, Gb18030LiteralsAreEncodedButHexEscapesAreRaw) {
    SKIP_WITHOUT_GB18030();
    EXPECT_EQ(parsedOk("中文", TextEncoding::Gb18030), bytesOf({0xD6, 0xD0, 0xCE, 0xC4}));
    EXPECT_EQ(parsedOk("€\\xD6\\xD0", TextEncoding::Gb18030), bytesOf({0xA2, 0xE3, 0xD6, 0xD0}));
    EXPECT_EQ(parsedOk("\u0080", TextEncoding::Gb18030), bytesOf({0x81, 0x30, 0x81, 0x30}));
}

TEST(ParseEscaped, LiteralsAreEncodedButHexEscapesAreRaw) {
    EXPECT_EQ(parsedOk("é", TextEncoding::Latin1), bytesOf({0xE9}));
    EXPECT_EQ(parsedOk("é", TextEncoding::Utf8), bytesOf({0xC3, 0xA9}));
    EXPECT_EQ(parsedOk("\\xE9\\xC3", TextEncoding::Latin1), bytesOf({0xE9, 0xC3}));
    EXPECT_EQ(parsedOk("\\xE4\\xB8", TextEncoding::Utf8), bytesOf({0xE4, 0xB8}));
}

// ---- parseEscaped: rejected forms ----

TEST(ParseEscaped, UnknownEscapeNamesItAndItsColumn) {
    EXPECT_EQ(parseFailure("ab\\p"), (ParseError{1, 3, "unknown escape '\\p' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\q"), (ParseError{1, 1, "unknown escape '\\q' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\X41"), (ParseError{1, 1, "unknown escape '\\X' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\R"), (ParseError{1, 1, "unknown escape '\\R' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\1"), (ParseError{1, 1, "unknown escape '\\1' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\ "), (ParseError{1, 1, "unknown escape '\\ ' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\中"), (ParseError{1, 1, "unknown escape '\\中' (write \\\\ for a backslash)"}));
}

TEST(ParseEscaped, ColumnsCountCodePointsAndLinesCountLineBreaks) {
    EXPECT_EQ(parseFailure("中文\\p"), (ParseError{1, 3, "unknown escape '\\p' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("line1\nab\\q"), (ParseError{2, 3, "unknown escape '\\q' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("a\\n\n\n\\z"), (ParseError{3, 1, "unknown escape '\\z' (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\x41\\x4"), (ParseError{1, 5, "\\x needs two hex digits"}));
}

TEST(ParseEscaped, ControlCharacterAfterBackslashIsNamedNotQuoted) {
    EXPECT_EQ(parseFailure("\\\t"),
              (ParseError{1, 1, "unknown escape: '\\' followed by U+0009 (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("a\\\n"),
              (ParseError{1, 2, "unknown escape: '\\' followed by U+000A (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("\\\x1B"),
              (ParseError{1, 1, "unknown escape: '\\' followed by U+001B (write \\\\ for a backslash)"}));
}

TEST(ParseEscaped, HexEscapeNeedsTwoHexDigits) {
    for (std::string_view text : {"\\x", "\\x4", "\\xG0", "\\x0G", "\\x 1", "\\x4 ", "\\x-1", "\\x中1"}) {
        EXPECT_EQ(parseFailure(text), (ParseError{1, 1, "\\x needs two hex digits"})) << text;
    }
    EXPECT_EQ(parseFailure("ab\\x\xFF"), (ParseError{1, 3, "\\x needs two hex digits"}));
}

TEST(ParseEscaped, LoneTrailingBackslash) {
    EXPECT_EQ(parseFailure("\\"), (ParseError{1, 1, "lone '\\' at end of text (write \\\\ for a backslash)"}));
    EXPECT_EQ(parseFailure("ab\\\\\\"), (ParseError{1, 5, "lone '\\' at end of text (write \\\\ for a backslash)"}));
}

TEST(ParseEscaped, InvalidUtf8InputIsAnError) {
    EXPECT_EQ(parseFailure("a\xC3"), (ParseError{1, 2, "invalid UTF-8 byte 0xC3"}));
    EXPECT_EQ(parseFailure("\xC0\x80"), (ParseError{1, 1, "invalid UTF-8 byte 0xC0"}));
    EXPECT_EQ(parseFailure("\xED\xA0\x80"), (ParseError{1, 1, "invalid UTF-8 byte 0xED"}));
    EXPECT_EQ(parseFailure("中\n\xFF"), (ParseError{2, 1, "invalid UTF-8 byte 0xFF"}));
    EXPECT_EQ(parseFailure("\\\xFF"), (ParseError{1, 2, "invalid UTF-8 byte 0xFF"}));
    EXPECT_EQ(parseFailure("\xE9", TextEncoding::Latin1), (ParseError{1, 1, "invalid UTF-8 byte 0xE9"}));
}

TEST(ParseEscaped, UnencodableCharacterIsNamed) {
    EXPECT_EQ(parseFailure("a中", TextEncoding::Latin1), (ParseError{1, 2, "'中' cannot be encoded in Latin-1"}));
    EXPECT_EQ(parseFailure("\\x41\n€", TextEncoding::Latin1), (ParseError{2, 1, "'€' cannot be encoded in Latin-1"}));
    EXPECT_EQ(parseFailure("\u2066", TextEncoding::Latin1), (ParseError{1, 1, "U+2066 cannot be encoded in Latin-1"}));
    EXPECT_EQ(parsedOk("ÿ", TextEncoding::Latin1), bytesOf({0xFF}));
}

// ---- formatEscaped ----

TEST(FormatEscaped, PrintableTextAppearsAsItself) {
    EXPECT_EQ(formatEscaped(toBytes("Hello, world!")), "Hello, world!");
    EXPECT_EQ(formatEscaped(toBytes("héllo 中文 \xF0\x9F\x98\x80")), "héllo 中文 \xF0\x9F\x98\x80");
    EXPECT_EQ(formatEscaped({}), "");
}

TEST(FormatEscaped, SimpleEscapes) {
    EXPECT_EQ(formatEscaped(bytesOf({0x00, 0x0D, 0x0A, 0x09, 0x5C})), "\\0\\r\\n\\t\\\\");
    EXPECT_EQ(formatEscaped(toBytes("a\\x41")), "a\\\\x41");
}

TEST(FormatEscaped, OtherControlsAreHexEscaped) {
    EXPECT_EQ(formatEscaped(toBytes("\x1B[31m")), "\\x1B[31m");
    EXPECT_EQ(formatEscaped(bytesOf({0x01, 0x07, 0x08, 0x0B, 0x0C, 0x1F, 0x7F})), "\\x01\\x07\\x08\\x0B\\x0C\\x1F\\x7F");
    EXPECT_EQ(formatEscaped(bytesOf({0xC2, 0x85, 0xC2, 0x9B, 0xC2, 0x9F, 0xC2, 0xA0})), "\\xC2\\x85\\xC2\\x9B\\xC2\\x9F\u00A0");
}

TEST(FormatEscaped, InvalidUtf8IsHexEscapedPerByte) {
    EXPECT_EQ(formatEscaped(bytesOf({0xC0, 0x80})), "\\xC0\\x80");
    EXPECT_EQ(formatEscaped(bytesOf({0xED, 0xA0, 0x80})), "\\xED\\xA0\\x80");
    EXPECT_EQ(formatEscaped(bytesOf({0xF5, 0x80, 0x80, 0x80})), "\\xF5\\x80\\x80\\x80");
    EXPECT_EQ(formatEscaped(bytesOf({0xF4, 0x90, 0x80, 0x80})), "\\xF4\\x90\\x80\\x80");
    EXPECT_EQ(formatEscaped(bytesOf({0xE4, 0xB8})), "\\xE4\\xB8");
    EXPECT_EQ(formatEscaped(bytesOf({0xE4, 0xB8, 0x41})), "\\xE4\\xB8A");
    EXPECT_EQ(formatEscaped(bytesOf({0xE4, 0xB8, 0xAD, 0xFF})), "中\\xFF");
}

TEST(FormatEscaped, MisleadingCharactersAreHexEscaped) {
    EXPECT_EQ(formatEscaped(toBytes("a\u202Eb")), "a\\xE2\\x80\\xAEb");
    EXPECT_EQ(formatEscaped(toBytes("\u200E\u200F")), "\\xE2\\x80\\x8E\\xE2\\x80\\x8F");
    EXPECT_EQ(formatEscaped(toBytes("\u202A\u202B\u202C\u202D")),
              "\\xE2\\x80\\xAA\\xE2\\x80\\xAB\\xE2\\x80\\xAC\\xE2\\x80\\xAD");
    EXPECT_EQ(formatEscaped(toBytes("\u2066\u2067\u2068\u2069")),
              "\\xE2\\x81\\xA6\\xE2\\x81\\xA7\\xE2\\x81\\xA8\\xE2\\x81\\xA9");
    EXPECT_EQ(formatEscaped(toBytes("\uFEFFx")), "\\xEF\\xBB\\xBFx");
    EXPECT_EQ(formatEscaped(toBytes("\u061C")), "\\xD8\\x9C");
}

TEST(FormatEscaped, Latin1) {
    EXPECT_EQ(formatEscaped(bytesOf({0x63, 0x61, 0x66, 0xE9}), TextEncoding::Latin1), "café");
    EXPECT_EQ(formatEscaped(bytesOf({0x80, 0x85, 0x9F, 0xA0, 0xFF}), TextEncoding::Latin1), "\\x80\\x85\\x9F\u00A0ÿ");
    EXPECT_EQ(formatEscaped(bytesOf({0x00, 0x5C, 0x1B}), TextEncoding::Latin1), "\\0\\\\\\x1B");
}

TEST(FormatEscaped, Gb18030) {
    SKIP_WITHOUT_GB18030();
    EXPECT_EQ(formatEscaped(bytesOf({0xD6, 0xD0, 0xCE, 0xC4}), TextEncoding::Gb18030), "中文");
    EXPECT_EQ(formatEscaped(bytesOf({0xA2, 0xE3}), TextEncoding::Gb18030), "€");
    EXPECT_EQ(formatEscaped(bytesOf({0x90, 0x30, 0x81, 0x30}), TextEncoding::Gb18030), "\xF0\x90\x80\x80");
    // U+0080 is a C1 control, so its four bytes are escaped even though they decode.
    EXPECT_EQ(formatEscaped(bytesOf({0x81, 0x30, 0x81, 0x30}), TextEncoding::Gb18030), "\\x81\\x30\\x81\\x30");
    EXPECT_EQ(formatEscaped(bytesOf({0x80, 0xFF, 0xD6}), TextEncoding::Gb18030), "\\x80\\xFF\\xD6");
    EXPECT_EQ(formatEscaped(bytesOf({0x81, 0x30, 0x41}), TextEncoding::Gb18030), "\\x810A");
    EXPECT_EQ(formatEscaped(bytesOf({0x5C, 0x0A}), TextEncoding::Gb18030), "\\\\\\n");
    // The same bytes as UTF-8 are not text at all.
    EXPECT_EQ(formatEscaped(bytesOf({0xD6, 0xD0}), TextEncoding::Utf8), "\\xD6\\xD0");
}

// A trail byte of 0x5C is part of the character, not a backslash.
TEST(FormatEscaped, Gb18030TrailByteBackslash) {
    SKIP_WITHOUT_GB18030();
    const Bytes bytes = bytesOf({0x81, 0x5C});
    const std::string text = formatEscaped(bytes, TextEncoding::Gb18030);
    EXPECT_EQ(text, "\xE4\xB9\x97");
    EXPECT_EQ(parsedOk(text, TextEncoding::Gb18030), bytes);
    EXPECT_EQ(formatEscaped(bytes, TextEncoding::Utf8), "\\x81\\\\");
}

// ---- round trips ----

TEST(EscapeRoundTrip, Gb18030OneWayMappings) {
    SKIP_WITHOUT_GB18030();
    // glibc decodes these to characters that encode differently; printing the character would change the bytes.
    for (const Bytes& bytes : {bytesOf({0x95, 0x32, 0x90, 0x31}), bytesOf({0x95, 0x32, 0x90, 0x33}),
                               bytesOf({0x95, 0x32, 0x97, 0x30}), bytesOf({0x95, 0x36, 0xB9, 0x37}),
                               bytesOf({0x96, 0x30, 0xBA, 0x35}), bytesOf({0x96, 0x35, 0xB6, 0x30})}) {
        expectRoundTrip(bytes, TextEncoding::Gb18030);
    }
}

TEST(EscapeRoundTrip, EveryOneAndTwoByteBuffer) {
    for (TextEncoding encoding : AllEncodings) {
        for (int first = 0; first <= 0xFF; ++first) {
            expectRoundTrip(bytesOf({first}), encoding);
            for (int second = 0; second <= 0xFF; ++second) {
                expectRoundTrip(bytesOf({first, second}), encoding);
            }
        }
    }
}

TEST(EscapeRoundTrip, RandomBuffers) {
    std::mt19937 random(20240601);
    std::uniform_int_distribution<int> length(0, 300);
    std::uniform_int_distribution<int> byte(0, 0xFF);
    for (TextEncoding encoding : AllEncodings) {
        for (int i = 0; i < 2000; ++i) {
            Bytes bytes(static_cast<std::size_t>(length(random)));
            for (std::uint8_t& b : bytes) {
                b = static_cast<std::uint8_t>(byte(random));
            }
            expectRoundTrip(bytes, encoding);
        }
    }
}

// High bytes, well-formed characters of every encoding, backslashes, 'x' and hex digits packed together, so that
// escapes and characters sit right next to each other.
Bytes biasedBuffer(std::mt19937& random) {
    std::uniform_int_distribution<int> length(0, 120);
    std::uniform_int_distribution<int> kind(0, 9);
    std::uniform_int_distribution<int> high(0x80, 0xFF);
    std::uniform_int_distribution<int> anyByte(0, 0xFF);
    std::uniform_int_distribution<std::uint32_t> bmp(0x80, 0xFFFF);
    std::uniform_int_distribution<std::uint32_t> anyCodePoint(0, 0x10FFFF);
    constexpr std::string_view Tricky = "\\x0123456789abcdefABCDEF\r\n\t\x1B\x7F";
    std::uniform_int_distribution<std::size_t> trickyIndex(0, Tricky.size() - 1);
    Bytes bytes;
    const int pieces = length(random);
    for (int i = 0; i < pieces; ++i) {
        switch (kind(random)) {
        case 0:
        case 1:
            bytes.push_back(static_cast<std::uint8_t>(high(random)));
            break;
        case 2:
            bytes.push_back(static_cast<std::uint8_t>(anyByte(random)));
            break;
        case 3:
            bytes.push_back(static_cast<std::uint8_t>(Tricky[trickyIndex(random)]));
            break;
        case 4:
        case 5: {
            std::string utf8;
            appendUtf8(utf8, kind(random) < 5 ? bmp(random) : anyCodePoint(random));
            bytes.insert(bytes.end(), utf8.begin(), utf8.end());
            break;
        }
        case 6:
        case 7:
            appendEncodedChar(bytes, bmp(random), TextEncoding::Gb18030);
            break;
        case 8:
            appendEncodedChar(bytes, anyCodePoint(random), TextEncoding::Gb18030);
            break;
        default:
            // A GB18030 lead byte before a backslash or a four-byte-looking digit.
            bytes.push_back(static_cast<std::uint8_t>(high(random)));
            bytes.push_back(kind(random) < 5 ? 0x5C : 0x30);
            break;
        }
    }
    return bytes;
}

TEST(EscapeRoundTrip, BiasedBuffers) {
    std::mt19937 random(7);
    for (TextEncoding encoding : AllEncodings) {
        for (int i = 0; i < 2000; ++i) {
            expectRoundTrip(biasedBuffer(random), encoding);
        }
    }
}

TEST(EscapeRoundTrip, BiasedBuffersContainManyCharacters) {
    SKIP_WITHOUT_GB18030();
    // Guards the test above: if the generator produced no decodable text, it would only exercise \xHH.
    std::mt19937 random(7);
    std::size_t printedNonAscii = 0;
    for (int i = 0; i < 50; ++i) {
        const std::string text = formatEscaped(biasedBuffer(random), TextEncoding::Gb18030);
        for (const char c : text) {
            printedNonAscii += static_cast<unsigned char>(c) >= 0x80 ? 1 : 0;
        }
    }
    EXPECT_GT(printedNonAscii, 1000u);
}

TEST(EscapeRoundTrip, EveryCodePointAsUtf8) {
    for (char32_t codePoint = 0; codePoint <= 0x10FFFF; codePoint += codePoint < 0x3000 ? 1 : 251) {
        if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
            continue;
        }
        std::string utf8;
        appendUtf8(utf8, codePoint);
        expectRoundTrip(toBytes(utf8), TextEncoding::Utf8);
        Bytes gb;
        if (appendEncodedChar(gb, codePoint, TextEncoding::Gb18030)) {
            expectRoundTrip(gb, TextEncoding::Gb18030);
        }
    }
}

} // namespace
} // namespace socketeer::core
