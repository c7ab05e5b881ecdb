// SendComposer on its own: what the user types (text or hex, a line ending, an encoding, tokens) becomes exactly the
// bytes that go out, errors name the column, and sent payloads are remembered as the header promises.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "encoding_skips.hpp"
#include "send_composer.hpp"
#include "socketeer/core/codec/hex_codec.hpp"

using namespace socketeer;
using namespace socketeer::core;
using app::LineEnding;
using app::SendComposer;

namespace {

/// The preview's bytes as "01 0A FF" (readable on failure), or its error text prefixed with "error: ".
std::string previewOf(SendComposer& composer) {
    const auto& preview = composer.preview();
    if (!preview.bytes) return "error: " + preview.error;
    return formatHex(*preview.bytes);
}

SendComposer composer(std::string text, bool hex = false, LineEnding ending = LineEnding::None,
                      TextEncoding encoding = TextEncoding::Utf8) {
    SendComposer c;
    c.text = std::move(text);
    c.hex = hex;
    c.ending = ending;
    c.encoding = encoding;
    return c;
}

} // namespace

// ---- text and hex entry ----

TEST(SendComposer, TextEntryIsItsBytesWithEscapes) {
    auto c = composer("Hi\\r\\n\\x00\\t\\\\");
    EXPECT_EQ(previewOf(c), "48 69 0D 0A 00 09 5C");
    const auto& preview = c.preview();
    EXPECT_TRUE(preview.error.empty());
    EXPECT_TRUE(preview.computed.empty());
    ASSERT_TRUE(preview.payload);
    EXPECT_TRUE(preview.payload->isLiteral());
}

TEST(SendComposer, HexEntryIsParsedAsHex) {
    auto spaced = composer("48 65 6c 6C 6f", true);
    EXPECT_EQ(previewOf(spaced), "48 65 6C 6C 6F");
    auto prefixed = composer("0x01,0x02\t0304", true);
    EXPECT_EQ(previewOf(prefixed), "01 02 03 04");
}

TEST(SendComposer, TheSameTextMeansDifferentBytesInTextAndHexMode) {
    auto c = composer("41 42");
    EXPECT_EQ(previewOf(c), "34 31 20 34 32");
    c.hex = true; // a change of mode alone recomputes the preview
    EXPECT_EQ(previewOf(c), "41 42");
}

TEST(SendComposer, EmptyEntryIsNoBytesNotAnError) {
    auto c = composer("");
    ASSERT_TRUE(c.preview().bytes);
    EXPECT_TRUE(c.preview().bytes->empty());
    EXPECT_TRUE(c.preview().error.empty());
}

TEST(SendComposer, BadHexDigitNamesItsColumn) {
    auto c = composer("01 0G 03", true);
    const auto& preview = c.preview();
    EXPECT_FALSE(preview.bytes);
    EXPECT_FALSE(preview.payload);
    EXPECT_EQ(preview.error, "bad hex digit 'G' at column 5");
}

TEST(SendComposer, OddHexDigitsNameTheToken) {
    auto c = composer("01 023", true);
    EXPECT_EQ(previewOf(c), "error: odd number of hex digits in '023' at column 4");
}

TEST(SendComposer, BadHexAfterATokenNamesItsColumnInTheWholeLine) {
    auto c = composer("01 {crc16/modbus} ZZ", true);
    EXPECT_EQ(previewOf(c), "error: bad hex digit 'Z' at column 19");
}

TEST(SendComposer, HexIsNeverPaddedOrGuessed) {
    auto c = composer("abc", true);
    EXPECT_EQ(previewOf(c), "error: odd number of hex digits in 'abc' at column 1");
    c.text = "0x";
    EXPECT_EQ(previewOf(c), "error: '0x' without hex digits at column 1");
}

// ---- line endings ----

TEST(SendComposer, LineEndingNames) {
    EXPECT_EQ(app::lineEndingName(LineEnding::None), "none");
    EXPECT_EQ(app::lineEndingName(LineEnding::Cr), "CR");
    EXPECT_EQ(app::lineEndingName(LineEnding::Lf), "LF");
    EXPECT_EQ(app::lineEndingName(LineEnding::CrLf), "CR LF");
}

TEST(SendComposer, LineEndingNoneAddsNothing) {
    auto c = composer("ping", false, LineEnding::None);
    EXPECT_EQ(previewOf(c), "70 69 6E 67");
}

TEST(SendComposer, LineEndingCrAppendsCarriageReturn) {
    auto c = composer("ping", false, LineEnding::Cr);
    EXPECT_EQ(previewOf(c), "70 69 6E 67 0D");
}

TEST(SendComposer, LineEndingLfAppendsLineFeed) {
    auto c = composer("ping", false, LineEnding::Lf);
    EXPECT_EQ(previewOf(c), "70 69 6E 67 0A");
}

TEST(SendComposer, LineEndingCrLfAppendsBoth) {
    auto c = composer("ping", false, LineEnding::CrLf);
    EXPECT_EQ(previewOf(c), "70 69 6E 67 0D 0A");
}

TEST(SendComposer, LineEndingAppliesToHexEntryAndChangingItRecomputes) {
    auto c = composer("01 02", true, LineEnding::CrLf);
    EXPECT_EQ(previewOf(c), "01 02 0D 0A");
    ASSERT_TRUE(c.preview().payload);
    EXPECT_EQ(c.preview().payload->source(), "01 02 0D 0A"); // what was typed, with the ending, still hex
    c.ending = LineEnding::Lf;
    EXPECT_EQ(previewOf(c), "01 02 0A");
    c.ending = LineEnding::None;
    EXPECT_EQ(previewOf(c), "01 02");
}

TEST(SendComposer, LineEndingComesAfterAChecksumAndIsNotCoveredByIt) {
    auto c = composer("01 03 00 00 00 0a {crc16/modbus}", true, LineEnding::CrLf);
    EXPECT_EQ(previewOf(c), "01 03 00 00 00 0A C5 CD 0D 0A");
}

// ---- encodings ----

TEST(SendComposer, Utf8EncodesTextAsUtf8) {
    auto c = composer("é中", false, LineEnding::None, TextEncoding::Utf8);
    EXPECT_EQ(previewOf(c), "C3 A9 E4 B8 AD");
}

TEST(SendComposer, Latin1EncodesOneBytePerCharacter) {
    auto c = composer("é\\xFF", false, LineEnding::None, TextEncoding::Latin1);
    EXPECT_EQ(previewOf(c), "E9 FF");
}

TEST(SendComposer, Latin1RefusesWhatItCannotEncodeWithTheColumn) {
    auto c = composer("ab中", false, LineEnding::None, TextEncoding::Latin1);
    EXPECT_EQ(previewOf(c), "error: '中' cannot be encoded in Latin-1 at column 3");
}

TEST(SendComposer, Gb18030EncodesChineseInTwoBytes) {
    SKIP_WITHOUT_GB18030();
    auto c = composer("中文", false, LineEnding::None, TextEncoding::Gb18030);
    EXPECT_EQ(previewOf(c), "D6 D0 CE C4");
}

TEST(SendComposer, ChangingTheEncodingAloneRecomputes) {
    auto c = composer("é");
    EXPECT_EQ(previewOf(c), "C3 A9");
    c.encoding = TextEncoding::Latin1;
    EXPECT_EQ(previewOf(c), "E9");
}

TEST(SendComposer, HexEntryIgnoresTheEncoding) {
    auto c = composer("C3 A9", true, LineEnding::None, TextEncoding::Latin1);
    EXPECT_EQ(previewOf(c), "C3 A9");
}

// ---- templates and the preview's spans ----

TEST(SendComposer, ModbusCrcTokenResolvesInHex) {
    auto c = composer("01 03 00 00 00 0a {crc16/modbus}", true);
    EXPECT_EQ(previewOf(c), "01 03 00 00 00 0A C5 CD");
    const auto& preview = c.preview();
    ASSERT_EQ(preview.computed.size(), 1u);
    EXPECT_EQ(preview.computed[0].offset, 6u);
    EXPECT_EQ(preview.computed[0].size, 2u);
    EXPECT_EQ(preview.computed[0].kind, PayloadTemplate::Part::Kind::Checksum);
    ASSERT_TRUE(preview.payload);
    EXPECT_FALSE(preview.payload->isLiteral());
}

TEST(SendComposer, PreviewMarksEveryComputedField) {
    // The preview's counter is 1: each real send takes the session's next value instead.
    auto c = composer("AB{counter:u16be}{len:u8}xyz");
    EXPECT_EQ(previewOf(c), "41 42 00 01 03 78 79 7A");
    const auto& spans = c.preview().computed;
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].offset, 2u);
    EXPECT_EQ(spans[0].size, 2u);
    EXPECT_EQ(spans[0].kind, PayloadTemplate::Part::Kind::Counter);
    EXPECT_EQ(spans[1].offset, 4u);
    EXPECT_EQ(spans[1].size, 1u);
    EXPECT_EQ(spans[1].kind, PayloadTemplate::Part::Kind::Length);
}

TEST(SendComposer, UnknownTokenNamesItsColumn) {
    auto c = composer("ab {nope}");
    EXPECT_EQ(previewOf(c), "error: unknown token {nope} (write {{ for a literal brace) at column 4");
    EXPECT_TRUE(c.preview().computed.empty());
}

TEST(SendComposer, ALengthThatDoesNotFitIsAPreviewErrorWithoutSpans) {
    auto c = composer("{len:u8}" + std::string(300, 'x'));
    EXPECT_EQ(previewOf(c), "error: {len}: 300 bytes do not fit in 1 byte at column 1");
    EXPECT_TRUE(c.preview().computed.empty());
    EXPECT_FALSE(c.preview().payload);
}

TEST(SendComposer, ResolveForSendUsesTheSessionsCounter) {
    auto c = composer("{counter:u8}", false, LineEnding::Lf);
    SendContext context;
    int calls = 0;
    context.nextCounter = [&] { return 41u + ++calls; };
    auto first = c.resolveForSend(context);
    auto second = c.resolveForSend(context);
    ASSERT_TRUE(first) << first.error().describe();
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ(first.value(), (Bytes{42, '\n'}));
    EXPECT_EQ(second.value(), (Bytes{43, '\n'}));
    EXPECT_EQ(calls, 2);
}

TEST(SendComposer, ResolveForSendOfALiteralIsThePreviewsBytes) {
    auto c = composer("hello", false, LineEnding::CrLf);
    auto bytes = c.resolveForSend({});
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes.value(), toBytes("hello\r\n"));
}

TEST(SendComposer, ResolveForSendOfABadEntryIsThePreviewsError) {
    auto c = composer("01 0G", true);
    auto bytes = c.resolveForSend({});
    ASSERT_FALSE(bytes);
    EXPECT_EQ(bytes.error().describe(), "bad hex digit 'G' at column 5");
}

// ---- history of sent payloads: most recent first, at most 50, no immediate repeats ----

TEST(SendComposer, HistoryIsMostRecentFirst) {
    SendComposer c;
    EXPECT_TRUE(c.history().empty());
    c.remember(toBytes("one"));
    c.remember(toBytes("two"));
    c.remember(toBytes("three"));
    EXPECT_EQ(c.history(), (std::deque<Bytes>{toBytes("three"), toBytes("two"), toBytes("one")}));
}

TEST(SendComposer, HistorySkipsOnlyImmediateRepeats) {
    SendComposer c;
    c.remember(toBytes("a"));
    c.remember(toBytes("a"));
    EXPECT_EQ(c.history().size(), 1u);
    c.remember(toBytes("b"));
    c.remember(toBytes("a"));
    EXPECT_EQ(c.history(), (std::deque<Bytes>{toBytes("a"), toBytes("b"), toBytes("a")}));
}

TEST(SendComposer, HistoryKeepsTheFiftyNewest) {
    SendComposer c;
    for (int i = 0; i < 60; ++i) c.remember(toBytes("payload " + std::to_string(i)));
    ASSERT_EQ(c.history().size(), 50u);
    EXPECT_EQ(c.history().front(), toBytes("payload 59"));
    EXPECT_EQ(c.history().back(), toBytes("payload 10"));
}

// ---- load: a payload back into the editor ----

TEST(SendComposer, LoadInHexModeRoundTripsAndDropsTheLineEnding) {
    auto c = composer("", true, LineEnding::CrLf);
    const Bytes payload{0x01, 0x0A, 0xFF, 0x7B};
    c.load(payload);
    EXPECT_EQ(c.text, "01 0A FF 7B");
    EXPECT_EQ(c.ending, LineEnding::None); // the payload already holds whatever ending it had
    ASSERT_TRUE(c.preview().bytes);
    EXPECT_EQ(*c.preview().bytes, payload);
}

TEST(SendComposer, LoadInTextModeRoundTripsControlAndInvalidBytes) {
    auto c = composer("", false, LineEnding::Lf);
    const Bytes payload{'o', 'k', '\r', '\n', 0x00, 0xFF, 0xC3, 0xA9};
    c.load(payload);
    EXPECT_EQ(c.ending, LineEnding::None);
    EXPECT_EQ(c.text, "ok\\r\\n\\0\\xFFé");
    ASSERT_TRUE(c.preview().bytes) << c.preview().error;
    EXPECT_EQ(*c.preview().bytes, payload);
}

// The editor's text is a template in which '{' starts a token: a sent "{\"id\":1}" loaded from the history must
// be sent again as it was, not refused as an unknown token.
TEST(SendComposer, LoadInTextModeRoundTripsABrace) {
    auto c = composer("");
    const Bytes payload = toBytes("{\"id\":1}");
    c.load(payload);
    ASSERT_TRUE(c.preview().bytes) << c.preview().error;
    EXPECT_EQ(*c.preview().bytes, payload);
}
