// Tests for the per-character text encoding primitives: names, strict UTF-8, Latin-1, GB18030 and position tracking.
#include "socketeer/core/codec/text_encoding.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <thread>
#include <vector>

#include "encoding_skips.hpp"

namespace socketeer::core {
namespace {

Bytes bytesOf(std::initializer_list<int> values) {
    Bytes bytes;
    for (int value : values) {
        bytes.push_back(static_cast<std::uint8_t>(value));
    }
    return bytes;
}

void expectDecodes(const Bytes& bytes, TextEncoding encoding, char32_t codePoint, std::size_t byteCount,
                   std::string_view utf8) {
    const DecodedChar decoded = decodeChar(bytes, encoding);
    ASSERT_TRUE(decoded.valid());
    EXPECT_EQ(decoded.codePoint(), codePoint);
    EXPECT_EQ(decoded.byteCount(), byteCount);
    EXPECT_EQ(decoded.utf8(), utf8);
}

void expectInvalid(const Bytes& bytes, TextEncoding encoding) {
    const DecodedChar decoded = decodeChar(bytes, encoding);
    EXPECT_FALSE(decoded.valid());
    EXPECT_EQ(decoded.byteCount(), 1u);
    EXPECT_EQ(decoded.codePoint(), 0u);
    EXPECT_EQ(decoded.utf8(), "");
}

Bytes encoded(char32_t codePoint, TextEncoding encoding) {
    Bytes out;
    EXPECT_TRUE(appendEncodedChar(out, codePoint, encoding)) << std::hex << static_cast<std::uint32_t>(codePoint);
    return out;
}

TEST(TextEncoding, Names) {
    EXPECT_EQ(encodingName(TextEncoding::Utf8), "UTF-8");
    EXPECT_EQ(encodingName(TextEncoding::Gb18030), "GB18030");
    EXPECT_EQ(encodingName(TextEncoding::Latin1), "Latin-1");
}

TEST(TextEncoding, ParsesNamesCaseInsensitively) {
    for (std::string_view name : {"utf-8", "UTF-8", "utf8", "Utf8", "UTF8"}) {
        EXPECT_EQ(parseEncodingName(name), TextEncoding::Utf8) << name;
    }
    for (std::string_view name : {"gb18030", "GB18030", "gbk", "GBK", "gb2312", "GB2312", "Gb2312"}) {
        EXPECT_EQ(parseEncodingName(name), TextEncoding::Gb18030) << name;
    }
    for (std::string_view name : {"latin-1", "Latin-1", "latin1", "LATIN1", "iso-8859-1", "ISO-8859-1"}) {
        EXPECT_EQ(parseEncodingName(name), TextEncoding::Latin1) << name;
    }
}

TEST(TextEncoding, RejectsUnknownNames) {
    for (std::string_view name : {"", "utf-16", "utf 8", "utf-8 ", " utf8", "latin-2", "gb", "iso8859-1", "ascii"}) {
        EXPECT_FALSE(parseEncodingName(name).has_value()) << "'" << name << "'";
    }
}

TEST(TextEncoding, NameRoundTrip) {
    for (TextEncoding encoding : {TextEncoding::Utf8, TextEncoding::Gb18030, TextEncoding::Latin1}) {
        EXPECT_EQ(parseEncodingName(encodingName(encoding)), encoding);
    }
}

TEST(TextEncoding, DecodingNothingConsumesNothing) {
    for (TextEncoding encoding : {TextEncoding::Utf8, TextEncoding::Gb18030, TextEncoding::Latin1}) {
        const DecodedChar decoded = decodeChar({}, encoding);
        EXPECT_FALSE(decoded.valid());
        EXPECT_EQ(decoded.byteCount(), 0u);
    }
}

TEST(Utf8Decoding, AcceptsEachLengthAtItsBoundaries) {
    expectDecodes(bytesOf({0x00}), TextEncoding::Utf8, 0x00, 1, std::string_view("\0", 1));
    expectDecodes(bytesOf({0x41, 0x42}), TextEncoding::Utf8, U'A', 1, "A");
    expectDecodes(bytesOf({0x7F}), TextEncoding::Utf8, 0x7F, 1, "\x7F");
    expectDecodes(bytesOf({0xC2, 0x80}), TextEncoding::Utf8, 0x80, 2, "\xC2\x80");
    expectDecodes(bytesOf({0xDF, 0xBF}), TextEncoding::Utf8, 0x7FF, 2, "\xDF\xBF");
    expectDecodes(bytesOf({0xE0, 0xA0, 0x80}), TextEncoding::Utf8, 0x800, 3, "\xE0\xA0\x80");
    expectDecodes(bytesOf({0xE4, 0xB8, 0xAD, 0x41}), TextEncoding::Utf8, U'中', 3, "中");
    expectDecodes(bytesOf({0xED, 0x9F, 0xBF}), TextEncoding::Utf8, 0xD7FF, 3, "\xED\x9F\xBF");
    expectDecodes(bytesOf({0xEE, 0x80, 0x80}), TextEncoding::Utf8, 0xE000, 3, "\xEE\x80\x80");
    expectDecodes(bytesOf({0xEF, 0xBF, 0xBF}), TextEncoding::Utf8, 0xFFFF, 3, "\xEF\xBF\xBF");
    expectDecodes(bytesOf({0xF0, 0x90, 0x80, 0x80}), TextEncoding::Utf8, 0x10000, 4, "\xF0\x90\x80\x80");
    expectDecodes(bytesOf({0xF4, 0x8F, 0xBF, 0xBF}), TextEncoding::Utf8, 0x10FFFF, 4, "\xF4\x8F\xBF\xBF");
}

TEST(Utf8Decoding, RejectsOverlongsSurrogatesAndOutOfRange) {
    expectInvalid(bytesOf({0xC0, 0x80}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xC1, 0xBF}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xE0, 0x80, 0x80}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xE0, 0x9F, 0xBF}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xF0, 0x80, 0x80, 0x80}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xF0, 0x8F, 0xBF, 0xBF}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xED, 0xA0, 0x80}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xED, 0xBF, 0xBF}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xF4, 0x90, 0x80, 0x80}), TextEncoding::Utf8);
    for (int lead = 0xF5; lead <= 0xFF; ++lead) {
        expectInvalid(bytesOf({lead, 0x80, 0x80, 0x80}), TextEncoding::Utf8);
    }
}

TEST(Utf8Decoding, RejectsStrayContinuationsAndTruncation) {
    for (int byte = 0x80; byte <= 0xBF; ++byte) {
        expectInvalid(bytesOf({byte, 0x80}), TextEncoding::Utf8);
    }
    expectInvalid(bytesOf({0xC3}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xE4, 0xB8}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xF0, 0x9F, 0x98}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xC3, 0x41}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xE4, 0x41, 0xAD}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xE4, 0xB8, 0x41}), TextEncoding::Utf8);
    expectInvalid(bytesOf({0xF0, 0x9F, 0x98, 0xC0}), TextEncoding::Utf8);
}

// Counts every valid sequence of each length; the counts follow from the code point ranges alone, so any accepted
// overlong, surrogate or out-of-range sequence (or any rejected valid one) changes them.
TEST(Utf8Decoding, ExhaustiveCountsMatchTheCodePointRanges) {
    std::size_t valid2 = 0;
    std::size_t valid3 = 0;
    std::size_t valid4 = 0;
    Bytes bytes(4, 0x80);
    for (int b0 = 0xC0; b0 <= 0xFF; ++b0) {
        bytes[0] = static_cast<std::uint8_t>(b0);
        for (int b1 = 0; b1 <= 0xFF; ++b1) {
            bytes[1] = static_cast<std::uint8_t>(b1);
            for (int b2 = 0; b2 <= 0xFF; ++b2) {
                bytes[2] = static_cast<std::uint8_t>(b2);
                const DecodedChar decoded = decodeChar(bytes, TextEncoding::Utf8);
                if (!decoded.valid()) {
                    continue;
                }
                // Each valid decode must be the one canonical encoding of its code point.
                std::string utf8;
                appendUtf8(utf8, decoded.codePoint());
                ASSERT_EQ(toBytes(utf8), Bytes(bytes.begin(), bytes.begin() + decoded.byteCount()));
                if (decoded.byteCount() == 2 && b2 == 0x80) {
                    ++valid2;
                } else if (decoded.byteCount() == 3) {
                    ++valid3;
                } else if (decoded.byteCount() == 4) {
                    ++valid4;
                }
            }
        }
    }
    EXPECT_EQ(valid2, 0x800u - 0x80u);
    EXPECT_EQ(valid3, 0x10000u - 0x800u - 0x800u); // minus the surrogates
    EXPECT_EQ(valid4, (0x110000u - 0x10000u) / 64u); // the fourth byte is fixed at 0x80
}

TEST(Utf8Decoding, EveryScalarValueRoundTrips) {
    for (char32_t codePoint = 0; codePoint <= 0x10FFFF; ++codePoint) {
        if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
            continue;
        }
        std::string utf8;
        appendUtf8(utf8, codePoint);
        const DecodedChar decoded = decodeChar(toBytes(utf8), TextEncoding::Utf8);
        ASSERT_TRUE(decoded.valid()) << std::hex << static_cast<std::uint32_t>(codePoint);
        ASSERT_EQ(decoded.codePoint(), codePoint);
        ASSERT_EQ(decoded.byteCount(), utf8.size());
        ASSERT_EQ(decoded.utf8(), utf8);
    }
}

TEST(Utf8Encoding, AppendUtf8ReplacesNonScalarValues) {
    std::string out;
    appendUtf8(out, 0xD800);
    appendUtf8(out, 0x110000);
    EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Latin1, EveryByteIsItsCodePoint) {
    for (int byte = 0; byte <= 0xFF; ++byte) {
        const DecodedChar decoded = decodeChar(bytesOf({byte, 0x41}), TextEncoding::Latin1);
        ASSERT_TRUE(decoded.valid());
        EXPECT_EQ(decoded.codePoint(), static_cast<char32_t>(byte));
        EXPECT_EQ(decoded.byteCount(), 1u);
        EXPECT_EQ(encoded(decoded.codePoint(), TextEncoding::Latin1), bytesOf({byte}));
    }
    expectDecodes(bytesOf({0xE9}), TextEncoding::Latin1, U'é', 1, "é");
}

TEST(Latin1, CannotEncodeAboveU00FF) {
    Bytes out{0x41};
    EXPECT_FALSE(appendEncodedChar(out, 0x100, TextEncoding::Latin1));
    EXPECT_FALSE(appendEncodedChar(out, U'中', TextEncoding::Latin1));
    EXPECT_FALSE(appendEncodedChar(out, U'€', TextEncoding::Latin1));
    EXPECT_EQ(out, bytesOf({0x41}));
}

TEST(Gb18030, DecodesTwoAndFourByteSamples) {
    SKIP_WITHOUT_GB18030();
    expectDecodes(bytesOf({0xD6, 0xD0, 0xCE, 0xC4}), TextEncoding::Gb18030, U'中', 2, "中");
    expectDecodes(bytesOf({0xCE, 0xC4}), TextEncoding::Gb18030, U'文', 2, "文");
    expectDecodes(bytesOf({0xA2, 0xE3}), TextEncoding::Gb18030, U'€', 2, "€");
    expectDecodes(bytesOf({0xA1, 0xA4}), TextEncoding::Gb18030, 0xB7, 2, "\xC2\xB7");
    expectDecodes(bytesOf({0x81, 0x30, 0x81, 0x30}), TextEncoding::Gb18030, 0x80, 4, "\xC2\x80");
    expectDecodes(bytesOf({0x84, 0x31, 0xA4, 0x39}), TextEncoding::Gb18030, 0xFFFF, 4, "\xEF\xBF\xBF");
    expectDecodes(bytesOf({0x90, 0x30, 0x81, 0x30}), TextEncoding::Gb18030, 0x10000, 4, "\xF0\x90\x80\x80");
    expectDecodes(bytesOf({0xE3, 0x32, 0x9A, 0x35}), TextEncoding::Gb18030, 0x10FFFF, 4, "\xF4\x8F\xBF\xBF");
    expectDecodes(bytesOf({0x41, 0xD6}), TextEncoding::Gb18030, U'A', 1, "A");
    expectDecodes(bytesOf({0x5C}), TextEncoding::Gb18030, U'\\', 1, "\\");
}

TEST(Gb18030, RejectsMalformedAndTruncatedSequences) {
    SKIP_WITHOUT_GB18030();
    expectInvalid(bytesOf({0x80}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0xFF, 0x40}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0xD6}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0x20}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0x7F}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0xFF}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0x30}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0x30, 0x81}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0x30, 0x20, 0x30}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0x81, 0x30, 0x81, 0x41}), TextEncoding::Gb18030);
    // Four-byte codes between the BMP range and the supplementary range, and past U+10FFFF, map to nothing.
    expectInvalid(bytesOf({0x84, 0x31, 0xA5, 0x30}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0xE3, 0x32, 0x9A, 0x36}), TextEncoding::Gb18030);
    expectInvalid(bytesOf({0xFE, 0x39, 0xFE, 0x39}), TextEncoding::Gb18030);
}

TEST(Gb18030, EncodesSamples) {
    SKIP_WITHOUT_GB18030();
    EXPECT_EQ(encoded(U'中', TextEncoding::Gb18030), bytesOf({0xD6, 0xD0}));
    EXPECT_EQ(encoded(U'文', TextEncoding::Gb18030), bytesOf({0xCE, 0xC4}));
    EXPECT_EQ(encoded(U'€', TextEncoding::Gb18030), bytesOf({0xA2, 0xE3}));
    EXPECT_EQ(encoded(0x80, TextEncoding::Gb18030), bytesOf({0x81, 0x30, 0x81, 0x30}));
    EXPECT_EQ(encoded(0x10000, TextEncoding::Gb18030), bytesOf({0x90, 0x30, 0x81, 0x30}));
    EXPECT_EQ(encoded(U'A', TextEncoding::Gb18030), bytesOf({0x41}));
    EXPECT_EQ(encoded(0, TextEncoding::Gb18030), bytesOf({0x00}));
}

// Every two-byte code the decoder accepts re-encodes to itself, and nearly all of the 126 x 190 codes are accepted.
TEST(Gb18030, EveryAcceptedTwoByteCodeRoundTrips) {
    SKIP_WITHOUT_GB18030();
    std::size_t accepted = 0;
    for (int lead = 0x81; lead <= 0xFE; ++lead) {
        for (int trail = 0; trail <= 0xFF; ++trail) {
            const Bytes bytes = bytesOf({lead, trail});
            const DecodedChar decoded = decodeChar(bytes, TextEncoding::Gb18030);
            if (!decoded.valid()) {
                continue;
            }
            ASSERT_EQ(decoded.byteCount(), 2u);
            ASSERT_EQ(encoded(decoded.codePoint(), TextEncoding::Gb18030), bytes);
            ++accepted;
        }
    }
    EXPECT_GT(accepted, 23000u);
    EXPECT_LE(accepted, 126u * 190u);
}

// Four-byte codes in the BMP range (lead 81..84) and the first supplementary planes (lead 90..96), where glibc 2.36
// has one-way mappings such as 95 32 90 31 -> U+20087 -> FE 51.
TEST(Gb18030, EveryAcceptedFourByteCodeRoundTrips) {
    SKIP_WITHOUT_GB18030();
    std::size_t accepted = 0;
    for (int lead : {0x81, 0x82, 0x83, 0x84, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96}) {
        for (int second = 0x30; second <= 0x39; ++second) {
            for (int third = 0x81; third <= 0xFE; ++third) {
                for (int fourth = 0x30; fourth <= 0x39; ++fourth) {
                    const Bytes bytes = bytesOf({lead, second, third, fourth});
                    const DecodedChar decoded = decodeChar(bytes, TextEncoding::Gb18030);
                    if (!decoded.valid()) {
                        continue;
                    }
                    ASSERT_EQ(decoded.byteCount(), 4u);
                    ASSERT_EQ(encoded(decoded.codePoint(), TextEncoding::Gb18030), bytes);
                    ++accepted;
                }
            }
        }
    }
    // 39420 BMP codes (U+0080..U+FFFF minus the two-byte ones) plus seven leads of supplementary codes.
    EXPECT_GT(accepted, 39000u + 7u * 12000u);
}

TEST(Gb18030, OneWayMappingIsInvalid) {
    SKIP_WITHOUT_GB18030();
    const Bytes oneWay = bytesOf({0x95, 0x32, 0x90, 0x31});
    Bytes reencoded;
    // Only meaningful where the platform maps U+20087 to FE 51 (glibc 2.36 does); elsewhere it must round-trip.
    if (appendEncodedChar(reencoded, 0x20087, TextEncoding::Gb18030) && reencoded == bytesOf({0xFE, 0x51})) {
        expectInvalid(oneWay, TextEncoding::Gb18030);
        expectDecodes(bytesOf({0xFE, 0x51}), TextEncoding::Gb18030, 0x20087, 2, "\xF0\xA0\x82\x87");
    } else {
        const DecodedChar decoded = decodeChar(oneWay, TextEncoding::Gb18030);
        ASSERT_TRUE(decoded.valid());
        EXPECT_EQ(encoded(decoded.codePoint(), TextEncoding::Gb18030), oneWay);
    }
}

// Encoding then decoding gives back each character, with the whole sequence consumed. A character the platform
// cannot map must at least fail cleanly.
TEST(Gb18030, ScalarValuesRoundTrip) {
    SKIP_WITHOUT_GB18030();
    std::size_t unencodable = 0;
    for (char32_t codePoint = 0; codePoint <= 0x10FFFF; codePoint += codePoint < 0x30000 ? 1 : 97) {
        if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
            continue;
        }
        Bytes out;
        if (!appendEncodedChar(out, codePoint, TextEncoding::Gb18030)) {
            EXPECT_TRUE(out.empty());
            ++unencodable;
            continue;
        }
        ASSERT_TRUE(out.size() == 1 || out.size() == 2 || out.size() == 4);
        const DecodedChar decoded = decodeChar(out, TextEncoding::Gb18030);
        // The decoder rejects glibc's one-way mappings, so a few encodings may not decode back.
        if (decoded.valid()) {
            ASSERT_EQ(decoded.codePoint(), codePoint);
            ASSERT_EQ(decoded.byteCount(), out.size());
        } else {
            ++unencodable;
        }
    }
    EXPECT_LT(unencodable, 100u);
}

TEST(TextEncoding, NoEncodingAcceptsNonScalarValues) {
    for (TextEncoding encoding : {TextEncoding::Utf8, TextEncoding::Gb18030, TextEncoding::Latin1}) {
        for (char32_t codePoint : {char32_t{0xD800}, char32_t{0xDFFF}, char32_t{0x110000}, char32_t{0xFFFFFFFF}}) {
            Bytes out;
            EXPECT_FALSE(appendEncodedChar(out, codePoint, encoding));
            EXPECT_TRUE(out.empty());
        }
    }
}

TEST(EncodeText, ConvertsToEachEncoding) {
    EXPECT_EQ(encodeText("héllo 中", TextEncoding::Utf8).value(), toBytes("héllo 中"));
    EXPECT_EQ(encodeText("héllo", TextEncoding::Latin1).value(), bytesOf({0x68, 0xE9, 0x6C, 0x6C, 0x6F}));
    EXPECT_TRUE(encodeText("", TextEncoding::Latin1).value().empty());
}

TEST(Gb18030, EncodeTextConvertsText) {
    SKIP_WITHOUT_GB18030();
    EXPECT_EQ(encodeText("中文", TextEncoding::Gb18030).value(), bytesOf({0xD6, 0xD0, 0xCE, 0xC4}));
    EXPECT_EQ(encodeText("a€\n", TextEncoding::Gb18030).value(), bytesOf({0x61, 0xA2, 0xE3, 0x0A}));
}

TEST(TextEncoding, AnEncodingTheSystemLacksIsNamed) {
    if (textEncodingAvailable(TextEncoding::Gb18030)) GTEST_SKIP() << "this system has GB18030";
    const Parsed<Bytes> result = encodeText("中文", TextEncoding::Gb18030);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().describe(), "GB18030 is not available on this system");
    EXPECT_FALSE(decodeChar(bytesOf({0xD6, 0xD0}), TextEncoding::Gb18030).valid());
    EXPECT_TRUE(textEncodingAvailable(TextEncoding::Utf8));
    EXPECT_TRUE(textEncodingAvailable(TextEncoding::Latin1));
}

TEST(EncodeText, NamesTheFirstUnencodableCharacter) {
    const Parsed<Bytes> result = encodeText("a中文", TextEncoding::Latin1);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), (ParseError{1, 2, "'中' cannot be encoded in Latin-1"}));

    const Parsed<Bytes> multiLine = encodeText("é\nab€", TextEncoding::Latin1);
    ASSERT_FALSE(multiLine.ok());
    EXPECT_EQ(multiLine.error(), (ParseError{2, 3, "'€' cannot be encoded in Latin-1"}));
    EXPECT_EQ(multiLine.error().describe(), "'€' cannot be encoded in Latin-1 at line 2, column 3");

    const Parsed<Bytes> control = encodeText("\u202E", TextEncoding::Latin1);
    ASSERT_FALSE(control.ok());
    EXPECT_EQ(control.error(), (ParseError{1, 1, "U+202E cannot be encoded in Latin-1"}));
}

TEST(EncodeText, RejectsInvalidUtf8Input) {
    const Parsed<Bytes> result = encodeText("ab\xFF", TextEncoding::Utf8);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), (ParseError{1, 3, "invalid UTF-8 byte 0xFF"}));

    const Parsed<Bytes> overlong = encodeText("中\xC0\x80", TextEncoding::Utf8);
    ASSERT_FALSE(overlong.ok());
    EXPECT_EQ(overlong.error(), (ParseError{1, 2, "invalid UTF-8 byte 0xC0"}));
}

TEST(PrintableChars, ControlsBidiAndBomAreNotPrintable) {
    for (char32_t c = 0; c < 0x20; ++c) {
        EXPECT_FALSE(isPrintableChar(c)) << static_cast<std::uint32_t>(c);
    }
    for (char32_t c = 0x7F; c <= 0x9F; ++c) {
        EXPECT_FALSE(isPrintableChar(c)) << static_cast<std::uint32_t>(c);
    }
    for (char32_t c : {0x061Cu, 0x200Eu, 0x200Fu, 0x202Au, 0x202Bu, 0x202Cu, 0x202Du, 0x202Eu, 0x2066u, 0x2067u,
                       0x2068u, 0x2069u, 0xFEFFu, 0xD800u, 0x110000u}) {
        EXPECT_FALSE(isPrintableChar(c)) << std::hex << static_cast<std::uint32_t>(c);
    }
    for (char32_t c : {0x20u, 0x41u, 0x7Eu, 0xA0u, 0xE9u, 0xFFu, 0x4E2Du, 0x200Du, 0x2029u, 0x2065u, 0x206Au, 0x202Fu,
                       0xFEFEu, 0xFFFDu, 0x1F600u, 0x10FFFFu}) {
        EXPECT_TRUE(isPrintableChar(c)) << std::hex << static_cast<std::uint32_t>(c);
    }
}

TEST(QuoteChar, QuotesPrintableAndNamesTheRest) {
    EXPECT_EQ(quoteChar(U'G'), "'G'");
    EXPECT_EQ(quoteChar(U'中'), "'中'");
    EXPECT_EQ(quoteChar(0x1F600), "'\xF0\x9F\x98\x80'");
    EXPECT_EQ(quoteChar(0x1B), "U+001B");
    EXPECT_EQ(quoteChar(0x00), "U+0000");
    EXPECT_EQ(quoteChar(0x85), "U+0085");
    EXPECT_EQ(quoteChar(0x202E), "U+202E");
    EXPECT_EQ(quoteChar(0xFEFF), "U+FEFF");
}

TEST(Utf8Reader, TracksLinesAndColumnsInCodePoints) {
    Utf8Reader reader("a中\n\xFF" "b");
    EXPECT_EQ(reader.position().line, 1u);
    EXPECT_EQ(reader.position().column, 1u);
    EXPECT_EQ(reader.next().codePoint(), U'a');
    EXPECT_EQ(reader.position().column, 2u);
    EXPECT_EQ(reader.peek().codePoint(), U'中');
    EXPECT_EQ(reader.position().column, 2u);
    EXPECT_EQ(reader.offset(), 1u);
    EXPECT_EQ(reader.next().codePoint(), U'中');
    EXPECT_EQ(reader.position().column, 3u);
    EXPECT_EQ(reader.offset(), 4u);
    EXPECT_EQ(reader.next().codePoint(), U'\n');
    EXPECT_EQ(reader.position().line, 2u);
    EXPECT_EQ(reader.position().column, 1u);
    EXPECT_EQ(reader.invalidByteError(), (ParseError{2, 1, "invalid UTF-8 byte 0xFF"}));
    EXPECT_FALSE(reader.next().valid());
    EXPECT_EQ(reader.position().column, 2u);
    EXPECT_EQ(reader.next().codePoint(), U'b');
    EXPECT_TRUE(reader.atEnd());
    EXPECT_EQ(reader.offset(), 7u);
}

TEST(Gb18030, WorksFromSeveralThreadsAtOnce) {
    SKIP_WITHOUT_GB18030();
    const Bytes bytes = bytesOf({0xD6, 0xD0, 0xCE, 0xC4, 0x81, 0x30, 0x81, 0x30});
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (std::size_t t = 0; t < failures.size(); ++t) {
        threads.emplace_back([&bytes, &failures, t] {
            for (int i = 0; i < 2000; ++i) {
                const ByteView view(bytes);
                const DecodedChar first = decodeChar(view, TextEncoding::Gb18030);
                const DecodedChar last = decodeChar(view.subspan(4), TextEncoding::Gb18030);
                Bytes out;
                if (first.codePoint() != U'中' || last.codePoint() != 0x80 ||
                    !appendEncodedChar(out, U'文', TextEncoding::Gb18030) || out != Bytes{0xCE, 0xC4}) {
                    ++failures[t];
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures, std::vector<int>(4, 0));
}

} // namespace
} // namespace socketeer::core
