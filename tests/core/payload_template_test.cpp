// Payload templates: every catalogue checksum's check value, the Modbus examples byte for byte, lengths,
// the counter, literal braces, and errors that name the token and its column.
#include <gtest/gtest.h>

#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/payload/payload_template.hpp"

using namespace socketeer::core;

namespace {

PayloadTemplate parsed(std::string_view text, PayloadSyntax syntax = PayloadSyntax::Hex) {
    auto result = PayloadTemplate::parse(text, syntax);
    EXPECT_TRUE(result) << text << ": " << result.error().describe();
    return result ? result.value() : PayloadTemplate{};
}

std::string resolvedHex(const PayloadTemplate& payload, const SendContext& context = {}) {
    auto bytes = payload.resolve(context);
    EXPECT_TRUE(bytes) << bytes.error().describe();
    return bytes ? formatHex(bytes.value(), ' ', false) : "";
}

std::string refusal(std::string_view text, PayloadSyntax syntax = PayloadSyntax::Hex) {
    auto result = PayloadTemplate::parse(text, syntax);
    return result ? "accepted" : result.error().describe();
}

TEST(Checksum, EveryCatalogueEntryGivesItsCheckValue) {
    ASSERT_EQ(checksumCatalogue().size(), 10u);
    for (const auto& info : checksumCatalogue())
        EXPECT_EQ(computeChecksum(info.kind, toBytes("123456789")), info.check) << info.name;
    // And the token writes it in its protocol's byte order.
    EXPECT_EQ(resolvedHex(parsed("{crc16/modbus}")), "ff ff") << "over no bytes: the initial value";
    EXPECT_EQ(resolvedHex(parsed("31 32 33 34 35 36 37 38 39 {crc16/modbus}")), "31 32 33 34 35 36 37 38 39 37 4b");
    EXPECT_EQ(resolvedHex(parsed("31 32 33 34 35 36 37 38 39 {crc16/xmodem}")), "31 32 33 34 35 36 37 38 39 31 c3");
    EXPECT_EQ(resolvedHex(parsed("31 32 33 34 35 36 37 38 39 {crc32/iso-hdlc}")), "31 32 33 34 35 36 37 38 39 26 39 f4 cb");
}

TEST(PayloadTemplate, ModbusRtuRequestGetsItsCrc) {
    EXPECT_EQ(resolvedHex(parsed("01 03 00 00 00 0a {crc16/modbus}")), "01 03 00 00 00 0a c5 cd");
}

TEST(PayloadTemplate, ModbusTcpRequestGetsCounterAndLength) {
    const PayloadTemplate request = parsed("{counter:u16be} 00 00 {len:u16be} 01 03 00 00 00 02");
    EXPECT_TRUE(request.usesCounter());
    std::uint64_t counter = 0;
    SendContext context;
    context.nextCounter = [&] { return ++counter; };
    EXPECT_EQ(resolvedHex(request, context), "00 01 00 00 00 06 01 03 00 00 00 02");
    EXPECT_EQ(resolvedHex(request, context), "00 02 00 00 00 06 01 03 00 00 00 02");
    EXPECT_EQ(counter, 2u);
}

TEST(PayloadTemplate, ChecksumsCoverLengthsAndStartAtBegin) {
    // STX, then a length and data; the XOR covers from {begin} and includes the length byte.
    EXPECT_EQ(resolvedHex(parsed("02 {begin} {len:u8} 10 20 {xor8}")), "02 03 10 20 33");
    EXPECT_EQ(resolvedHex(parsed("10 20 {sum8} {lrc8}")), "10 20 30 a0") << "lrc8 covers sum8's byte too";
    EXPECT_EQ(resolvedHex(parsed("{len:u32le} aa")), "01 00 00 00 aa");
}

TEST(PayloadTemplate, TextTemplatesKeepEscapesBracesAndTextTokens) {
    SendContext context;
    context.peer = "127.0.0.1:502";
    context.messageNumber = 7;
    context.time = std::chrono::system_clock::from_time_t(1700000000);
    auto bytes = parsed("{{\"n\":{n}} from {peer} at {unix}\\r\\n", PayloadSyntax::Text).resolve(context);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(std::string(asChars(bytes.value())), "{\"n\":7} from 127.0.0.1:502 at 1700000000\r\n");
    EXPECT_EQ(resolvedHex(parsed("{unix:u32be}"), context), "65 53 f1 00");
    EXPECT_TRUE(parsed("plain \\x01", PayloadSyntax::Text).isLiteral());
}

TEST(PayloadTemplate, RandomBytesComeFromTheContext) {
    SendContext context;
    context.randomBytes = [](std::span<std::uint8_t> bytes) { std::fill(bytes.begin(), bytes.end(), 0x5A); };
    EXPECT_EQ(resolvedHex(parsed("00 {rand:3}"), context), "00 5a 5a 5a");
    auto twice = parsed("{rand:16}");
    EXPECT_NE(resolvedHex(twice), resolvedHex(twice)) << "the default source gives new bytes each send";
}

TEST(PayloadTemplate, ComputedFieldsAreMarkedForThePreview) {
    std::vector<PayloadTemplate::Span> spans;
    auto bytes = parsed("01 {len:u8} 02 {crc16/modbus}").resolve({}, &spans);
    ASSERT_TRUE(bytes);
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].offset, 1u);
    EXPECT_EQ(spans[0].size, 1u);
    EXPECT_EQ(spans[0].kind, PayloadTemplate::Part::Kind::Length);
    EXPECT_EQ(spans[1].offset, 3u);
    EXPECT_EQ(spans[1].size, 2u);
    EXPECT_EQ(spans[1].kind, PayloadTemplate::Part::Kind::Checksum);
}

TEST(PayloadTemplate, ErrorsNameTheTokenAndItsColumn) {
    EXPECT_EQ(refusal("01 02 03 04 {crc99}"), "unknown checksum {crc99} (checksums: " + checksumNames() + ") at column 13");
    EXPECT_EQ(refusal("hello {name}", PayloadSyntax::Text), "unknown token {name} (write {{ for a literal brace) at column 7");
    EXPECT_EQ(refusal("id {1}", PayloadSyntax::Text), "{1} is a rule's capture: only a rule's reply has captures at column 4");
    EXPECT_EQ(refusal("{hex:2}", PayloadSyntax::Hex), "{hex:2} is a rule's capture: only a rule's reply has captures at column 1");
    EXPECT_EQ(refusal("01 {len:u24}"), "{len:u24}: 'u24' is not a field format (u8, u16be, u16le, u32be, u32le, u64be, u64le) at column 4");
    EXPECT_EQ(refusal("{rand:0}"), "{rand:0}: needs a number of random bytes from 1 to 65536 at column 1");
    EXPECT_EQ(refusal("01 {crc16/modbus"), "'{' without a closing '}' (write {{ for a literal brace) at column 4");
    EXPECT_EQ(refusal("{crc16/modbus} 0G"), "bad hex digit 'G' at column 17") << "a literal's error lands where it is";
    EXPECT_EQ(refusal("line one\\n\nx {sum8} \\q", PayloadSyntax::Text),
              "unknown escape '\\q' (write \\\\ for a backslash) at line 2, column 10");
    EXPECT_EQ(refusal("é {nope}", PayloadSyntax::Text), "unknown token {nope} (write {{ for a literal brace) at column 3")
        << "columns count characters, not bytes";
}

TEST(PayloadTemplate, ALengthThatDoesNotFitItsFieldFailsTheSend) {
    const PayloadTemplate big = parsed("{len:u8} {rand:300}");
    auto bytes = big.resolve({});
    ASSERT_FALSE(bytes);
    EXPECT_EQ(bytes.error().describe(), "{len}: 300 bytes do not fit in 1 byte at column 1");
}

} // namespace
