// Framer: every mode yields the same messages however the stream is split into reads; oversize, partial and
// malformed messages are reported, and memory stays bounded.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "socketeer/core/framing/framer.hpp"

namespace socketeer::core {
namespace {

struct Message {
    Bytes bytes;
    FrameStatus status = FrameStatus::Complete;
    bool operator==(const Message&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Message& m) {
    out << frameStatusName(m.status) << " [";
    for (std::size_t i = 0; i < m.bytes.size(); ++i) out << (i ? " " : "") << std::hex << int(m.bytes[i]) << std::dec;
    return out << "]";
}

Message ok(std::string_view text) { return {toBytes(text), FrameStatus::Complete}; }
Message ok(Bytes bytes) { return {std::move(bytes), FrameStatus::Complete}; }
Message with(FrameStatus status, Bytes bytes) { return {std::move(bytes), status}; }
Message with(FrameStatus status, std::string_view text) { return {toBytes(text), status}; }

FrameSpec spec(std::string_view text, std::size_t maxFrame = DefaultMaxFrameBytes) {
    auto parsed = parseFrameSpec(text, maxFrame);
    EXPECT_TRUE(parsed) << text << ": " << parsed.error().describe();
    return parsed.value();
}

/// Feeds `stream` in pieces of the given sizes (the last piece takes the rest); with `close`, finishes the stream.
std::vector<Message> frame(const FrameSpec& frameSpec, ByteView stream, const std::vector<std::size_t>& pieces, bool close = true) {
    Framer framer(frameSpec);
    std::vector<Message> out;
    auto sink = [&](ByteView bytes, FrameStatus status) { out.push_back({Bytes(bytes.begin(), bytes.end()), status}); };
    std::size_t at = 0;
    for (const std::size_t piece : pieces) {
        const std::size_t n = std::min(piece, stream.size() - at);
        framer.push(stream.subspan(at, n), sink);
        at += n;
    }
    framer.push(stream.subspan(at), sink);
    if (close) framer.finish(sink);
    return out;
}

std::vector<Message> frameWhole(const FrameSpec& frameSpec, ByteView stream) { return frame(frameSpec, stream, {}); }

/// Every split: one byte at a time, and 200 random splits (seeded, so a failure repeats).
void expectSameWhateverTheSplit(const FrameSpec& frameSpec, const Bytes& stream, const std::vector<Message>& expected) {
    ASSERT_EQ(frameWhole(frameSpec, stream), expected) << frameSpecText(frameSpec) << " glued in one read";
    ASSERT_EQ(frame(frameSpec, stream, std::vector<std::size_t>(stream.size(), 1)), expected)
        << frameSpecText(frameSpec) << " one byte at a time";
    std::mt19937 random(1234);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::size_t> pieces;
        for (std::size_t total = 0; total < stream.size();) {
            const std::size_t piece = std::uniform_int_distribution<std::size_t>(0, 40)(random);
            pieces.push_back(piece);
            total += piece;
        }
        ASSERT_EQ(frame(frameSpec, stream, pieces), expected) << frameSpecText(frameSpec) << " split, round " << round;
    }
}

Bytes randomBytes(std::mt19937& random, std::size_t size) {
    Bytes bytes(size);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    return bytes;
}

Bytes concat(const std::vector<Message>& messages) {
    Bytes all;
    for (const auto& m : messages) all.insert(all.end(), m.bytes.begin(), m.bytes.end());
    return all;
}

Bytes slipEncode(const Bytes& payload) {
    Bytes out;
    for (const std::uint8_t b : payload) {
        if (b == 0xC0) out.insert(out.end(), {0xDB, 0xDC});
        else if (b == 0xDB) out.insert(out.end(), {0xDB, 0xDD});
        else out.push_back(b);
    }
    out.push_back(0xC0);
    return out;
}

Bytes cobsEncode(const Bytes& payload) {
    Bytes out;
    std::size_t codeAt = 0;
    out.push_back(0);
    std::uint8_t code = 1;
    for (const std::uint8_t b : payload) {
        if (b == 0) {
            out[codeAt] = code;
            codeAt = out.size();
            out.push_back(0);
            code = 1;
            continue;
        }
        out.push_back(b);
        if (++code == 0xFF) {
            out[codeAt] = code;
            codeAt = out.size();
            out.push_back(0);
            code = 1;
        }
    }
    out[codeAt] = code;
    out.push_back(0x00);
    return out;
}

TEST(Framer, DelimiterKeepsItInTheMessageWhateverTheSplit) {
    const Bytes stream = toBytes("GET /\r\nHost: x\r\n\r\nbody\r\r\n");
    expectSameWhateverTheSplit(spec("delim:0d0a"), stream, {ok("GET /\r\n"), ok("Host: x\r\n"), ok("\r\n"), ok("body\r\r\n")});
    expectSameWhateverTheSplit(spec("line"), toBytes("a\nbb\n\nccc"),
                               {ok("a\n"), ok("bb\n"), ok("\n"), with(FrameStatus::Partial, "ccc")});
}

TEST(Framer, RandomMessagesInEveryModeComeBackAsSent) {
    std::mt19937 random(42);
    std::vector<Message> lines, fixed, lengths, stx, slip, cobs;
    Bytes lineStream, fixedStream, lengthStream, stxStream, slipStream, cobsStream;
    for (int i = 0; i < 60; ++i) {
        const std::size_t size = std::uniform_int_distribution<std::size_t>(0, 300)(random);
        Bytes payload = randomBytes(random, size);
        // delim:abcd — the payload may not hold the delimiter itself.
        Bytes line = payload;
        for (std::size_t j = 0; j + 1 < line.size(); ++j) if (line[j] == 0xAB && line[j + 1] == 0xCD) line[j + 1] = 0;
        if (!line.empty() && line.back() == 0xAB) line.back() = 0;
        line.insert(line.end(), {0xAB, 0xCD});
        lines.push_back(ok(line));
        // len:2le@1-1: a type byte, then a little-endian length that counts itself minus one... and the body.
        Bytes framed = {0x07, 0, 0};
        const std::size_t value = payload.size() + 1;
        framed[1] = static_cast<std::uint8_t>(value & 0xFF);
        framed[2] = static_cast<std::uint8_t>(value >> 8);
        framed.insert(framed.end(), payload.begin(), payload.end());
        lengths.push_back(ok(framed));
        // stx-etx: the body without the marks.
        Bytes body = payload;
        for (auto& b : body) if (b == 0x02 || b == 0x03) b = 0x20;
        body.insert(body.begin(), 0x02);
        body.push_back(0x03);
        stx.push_back(ok(body));
        if (!payload.empty()) slip.push_back(ok(payload)); // SLIP has no empty messages
        cobs.push_back(ok(payload));
        const auto append = [](Bytes& to, const Bytes& what) { to.insert(to.end(), what.begin(), what.end()); };
        append(lineStream, line);
        append(lengthStream, framed);
        append(stxStream, body);
        append(slipStream, slipEncode(payload));
        append(cobsStream, cobsEncode(payload));
    }
    expectSameWhateverTheSplit(spec("delim:abcd"), lineStream, lines);
    expectSameWhateverTheSplit(spec("len:2le@1-1"), lengthStream, lengths);
    expectSameWhateverTheSplit(spec("stx-etx"), stxStream, stx);
    expectSameWhateverTheSplit(spec("slip"), slipStream, slip);
    expectSameWhateverTheSplit(spec("cobs"), cobsStream, cobs);
    fixedStream = concat(lines);
    for (std::size_t at = 0; at + 7 <= fixedStream.size(); at += 7)
        fixed.push_back(ok(Bytes(fixedStream.begin() + static_cast<std::ptrdiff_t>(at), fixedStream.begin() + static_cast<std::ptrdiff_t>(at + 7))));
    if (const std::size_t rest = fixedStream.size() % 7)
        fixed.push_back(with(FrameStatus::Partial, Bytes(fixedStream.end() - static_cast<std::ptrdiff_t>(rest), fixedStream.end())));
    expectSameWhateverTheSplit(spec("fixed:7"), fixedStream, fixed);
}

TEST(Framer, ModbusTcpFramesMbapRepliesSplitAndGlued) {
    // Two read-holding-registers replies: MBAP (transaction, protocol 0, length 7 / 5), unit 1, function 3.
    const Bytes first = {0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x01, 0x03, 0x04, 0x00, 0x0A, 0x00, 0x0B};
    const Bytes second = {0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x01, 0x03, 0x02, 0x12, 0x34};
    Bytes stream = first;
    stream.insert(stream.end(), second.begin(), second.end());
    expectSameWhateverTheSplit(spec("modbus-tcp"), stream, {ok(first), ok(second)});
    EXPECT_EQ(spec("modbus-tcp"), spec("len:2be@4"));
}

TEST(Framer, LengthFieldWidthsAndByteOrders) {
    expectSameWhateverTheSplit(spec("len:1"), {3, 'a', 'b', 'c', 0, 1, 'x'}, {ok(Bytes{3, 'a', 'b', 'c'}), ok(Bytes{0}), ok(Bytes{1, 'x'})});
    expectSameWhateverTheSplit(spec("len:4be"), {0, 0, 0, 2, 'h', 'i'}, {ok(Bytes{0, 0, 0, 2, 'h', 'i'})});
    expectSameWhateverTheSplit(spec("len:4le+1"), {1, 0, 0, 0, 'h', 'i'}, {ok(Bytes{1, 0, 0, 0, 'h', 'i'})});
    // A length that counts the whole message, its header included.
    expectSameWhateverTheSplit(spec("len:2be-2"), {0, 4, 'o', 'k', 0, 2}, {ok(Bytes{0, 4, 'o', 'k'}), ok(Bytes{0, 2})});
}

TEST(Framer, ALengthShorterThanItsHeaderIsMalformedAndFramingGoesOn) {
    // len:2be-4: a value below 4 would end the message inside its own header.
    expectSameWhateverTheSplit(spec("len:2be-4"), {0, 1, 0, 5, 'x', 0, 4, 0, 4},
                               {with(FrameStatus::Malformed, Bytes{0, 1}), ok(Bytes{0, 5, 'x'}), ok(Bytes{0, 4}), ok(Bytes{0, 4})});
}

TEST(Framer, OversizeMessagesAreCutReportedAndFramingResynchronises) {
    // A line longer than 8 bytes: its first 8 are reported oversize, the rest is dropped up to the delimiter.
    expectSameWhateverTheSplit(spec("line", 8), toBytes("short\n0123456789abcdef\nnext\n"),
                               {ok("short\n"), with(FrameStatus::Oversize, "01234567"), ok("next\n")});
    // The delimiter straddles the cut: "0123456\r" fills the 8, the "\n" ends the dropped message.
    expectSameWhateverTheSplit(spec("delim:0d0a", 8), toBytes("0123456\r\nok\r\n"),
                               {with(FrameStatus::Oversize, "0123456\r"), ok("ok\r\n")});
    expectSameWhateverTheSplit(spec("delim:414243", 4), toBytes("xyzAABCq"),
                               {with(FrameStatus::Oversize, "xyzA"), with(FrameStatus::Partial, "q")});
    // A length field that announces 1000 bytes: 16 reported, 984 skipped, the next message framed.
    Bytes stream = {0x03, 0xE8};
    stream.resize(2 + 1000, 'z');
    stream.insert(stream.end(), {0x00, 0x01, '!'});
    Bytes first = {0x03, 0xE8};
    first.resize(16, 'z');
    expectSameWhateverTheSplit(spec("len:2be", 16), stream, {with(FrameStatus::Oversize, first), ok(Bytes{0, 1, '!'})});
    // SLIP and COBS: the decoded message is what is bounded.
    Bytes slip = slipEncode(Bytes(20, 0xC0));
    const Bytes small = slipEncode({1, 2});
    slip.insert(slip.end(), small.begin(), small.end());
    expectSameWhateverTheSplit(spec("slip", 10), slip, {with(FrameStatus::Oversize, Bytes(10, 0xC0)), ok(Bytes{1, 2})});
    Bytes cobs = cobsEncode(Bytes(600, 7));
    const Bytes tiny = cobsEncode({0});
    cobs.insert(cobs.end(), tiny.begin(), tiny.end());
    expectSameWhateverTheSplit(spec("cobs", 300), cobs, {with(FrameStatus::Oversize, Bytes(300, 7)), ok(Bytes{0})});
}

TEST(Framer, TheFramersMemoryStaysWithinMaxFrame) {
    // 10 MiB without a delimiter: one oversize report; nothing accumulates.
    Framer framer(spec("line", 4096));
    std::vector<Message> out;
    auto sink = [&](ByteView bytes, FrameStatus status) { out.push_back({Bytes(bytes.begin(), bytes.end()), status}); };
    const Bytes chunk(65536, 'a');
    for (int i = 0; i < 160; ++i) framer.push(chunk, sink);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], with(FrameStatus::Oversize, Bytes(4096, 'a')));
    framer.push(toBytes("\nnext\n"), sink);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1], ok("next\n")) << "the line after the oversize one is framed again";
}

TEST(Framer, IdleFramingEndsAMessageAtTheSilence) {
    Framer framer(spec("idle:20"));
    std::vector<Message> out;
    auto sink = [&](ByteView bytes, FrameStatus status) { out.push_back({Bytes(bytes.begin(), bytes.end()), status}); };
    framer.push(toBytes("ab"), sink);
    framer.push(toBytes("c"), sink);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(framer.midMessage());
    framer.endOfSilence(sink);
    EXPECT_FALSE(framer.midMessage());
    framer.endOfSilence(sink); // nothing pending: nothing reported
    framer.push(toBytes("d"), sink);
    framer.finish(sink);
    EXPECT_EQ(out, (std::vector<Message>{ok("abc"), with(FrameStatus::Partial, "d")}));
}

TEST(Framer, StxEtxReportsBytesOutsideAFrameAndAFrameCutShort) {
    expectSameWhateverTheSplit(spec("stx-etx"), toBytes("noise\x02" "A\x03\x02" "B\x02" "C\x03tail"),
                               {with(FrameStatus::Partial, "noise"), ok("\x02" "A\x03"), with(FrameStatus::Partial, "\x02" "B"),
                                ok("\x02" "C\x03"), with(FrameStatus::Partial, "tail")});
}

TEST(Framer, BrokenSlipAndCobsEncodingsAreMalformed) {
    // SLIP: ESC followed by neither ESC_END nor ESC_ESC; END after END is no message.
    expectSameWhateverTheSplit(spec("slip"), {0xC0, 0xC0, 'a', 0xDB, 'x', 0xC0, 0xDB, 0xDC, 0xC0},
                               {with(FrameStatus::Malformed, "ax"), ok(Bytes{0xC0})});
    // COBS: a code of 5 with only two data bytes before the delimiter.
    expectSameWhateverTheSplit(spec("cobs"), {0x05, 'a', 'b', 0x00, 0x02, 'c', 0x00},
                               {with(FrameStatus::Malformed, "ab"), ok("c")});
}

TEST(Framer, NoFramingPassesEachReadThrough) {
    EXPECT_EQ(frame(spec("none", 2), toBytes("abcdef"), {2, 3}),
              (std::vector<Message>{with(FrameStatus::Unframed, "ab"), with(FrameStatus::Unframed, "cde"),
                                    with(FrameStatus::Unframed, "f")}))
        << "each read as it came, however long";
}

TEST(FrameSpec, EverySpellingParsesAndPrintsBack) {
    for (const std::string_view text : {"none", "delim:0a", "delim:0d0a", "fixed:16", "len:2be@4", "len:1be", "len:4le+3",
                                        "len:2be@6-2", "idle:50", "stx-etx", "slip", "cobs"}) {
        const FrameSpec parsed = spec(text);
        EXPECT_EQ(frameSpecText(parsed), text);
        EXPECT_EQ(spec(frameSpecText(parsed)), parsed);
    }
    EXPECT_EQ(frameSpecText(spec("line")), "delim:0a");
    EXPECT_EQ(frameSpecText(spec("modbus-tcp")), "len:2be@4");
    EXPECT_EQ(frameSpecText(spec("delim:0D0A")), "delim:0d0a");
}

TEST(FrameSpec, BadSpecsNameTheProblemAndItsColumn) {
    const auto error = [](std::string_view text, std::size_t maxFrame = DefaultMaxFrameBytes) {
        auto parsed = parseFrameSpec(text, maxFrame);
        return parsed ? std::string("accepted") : parsed.error().describe();
    };
    EXPECT_EQ(error("delim:0x0g"), "delimiter: bad hex digit 'g' at column 10");
    EXPECT_EQ(error("delim:"), "delim: needs the delimiter in hex, e.g. delim:0d0a at column 7");
    EXPECT_EQ(error("len:3be"), "a length field is 1, 2 or 4 bytes wide, not 3 at column 5");
    EXPECT_EQ(error("len:2"), "len:2 needs a byte order: len:2be or len:2le at column 6");
    EXPECT_EQ(error("len:2be@"), "'@' needs the length field's offset in bytes at column 9");
    EXPECT_EQ(error("len:2be@4x"), "unexpected 'x' in a length framing (len:W{be|le}[@OFF][+ADJ|-ADJ]) at column 10");
    EXPECT_EQ(error("len:2be@100", 64), "a length field at offset 100 lies beyond the largest message (64 bytes) at column 9");
    EXPECT_EQ(error("fixed:0"), "fixed:N needs 1 to 1048576 bytes (the largest message), not 0 at column 7");
    EXPECT_EQ(error("fixed:12a"), "fixed: needs a message size in bytes, e.g. fixed:16 at column 9");
    EXPECT_EQ(error("idle:0"), "idle:MS needs 1 to 60000 ms, not 0 at column 6");
    EXPECT_EQ(error("framed"), "unknown framing 'framed' (expected " + std::string(FrameSpecSyntax) + ") at column 1");
    EXPECT_EQ(error(""), "empty framing (expected " + std::string(FrameSpecSyntax) + ") at column 1");
    EXPECT_EQ(error("line", 0), "the largest message must be 1 to 67108864 bytes, not 0");
}

} // namespace
} // namespace socketeer::core
