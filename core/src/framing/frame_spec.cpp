// FrameSpec's text form: parsing with column-accurate errors, and the canonical spelling.
#include "socketeer/core/framing/frame_spec.hpp"

#include <charconv>
#include <optional>

#include "socketeer/core/codec/hex_codec.hpp"

namespace socketeer::core {
namespace {

constexpr std::size_t MaxDelimiterBytes = 16;

ParseError errorAt(std::size_t offset, std::string message) { return ParseError{1, offset + 1, std::move(message)}; }

/// Reads the decimal digits at text[at...]; advances `at` past them. nullopt when there are none or they overflow.
std::optional<std::uint64_t> readNumber(std::string_view text, std::size_t& at) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), value);
    if (ec != std::errc{}) return std::nullopt;
    at = static_cast<std::size_t>(end - text.data());
    return value;
}

Parsed<FrameSpec> parseLengthField(std::string_view text, std::size_t at, FrameSpec spec) {
    LengthFieldSpec& length = spec.length;
    const std::size_t widthAt = at;
    const auto width = readNumber(text, at);
    if (!width) return errorAt(widthAt, "len: needs the length field's width in bytes (1, 2 or 4)");
    if (*width != 1 && *width != 2 && *width != 4)
        return errorAt(widthAt, "a length field is 1, 2 or 4 bytes wide, not " + std::to_string(*width));
    length.width = static_cast<std::uint8_t>(*width);
    const std::string_view rest = text.substr(at);
    if (rest.starts_with("be") || rest.starts_with("le")) {
        length.bigEndian = rest.starts_with("be");
        at += 2;
    } else if (length.width > 1) {
        return errorAt(at, "len:" + std::to_string(*width) + " needs a byte order: len:" + std::to_string(*width) +
                               "be or len:" + std::to_string(*width) + "le");
    }
    if (at < text.size() && text[at] == '@') {
        const std::size_t offsetAt = ++at;
        const auto offset = readNumber(text, at);
        if (!offset) return errorAt(offsetAt, "'@' needs the length field's offset in bytes");
        if (*offset + length.width > spec.maxFrame)
            return errorAt(offsetAt, "a length field at offset " + std::to_string(*offset) +
                                         " lies beyond the largest message (" + std::to_string(spec.maxFrame) +
                                         " bytes)");
        length.offset = static_cast<std::uint32_t>(*offset);
    }
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const bool negative = text[at] == '-';
        const std::size_t adjustAt = ++at;
        const auto adjust = readNumber(text, at);
        if (!adjust) return errorAt(adjustAt, std::string("'") + (negative ? '-' : '+') + "' needs a number of bytes");
        if (*adjust > 0xFFFFFFFFull) return errorAt(adjustAt, "a length adjustment is at most 4294967295 bytes");
        length.adjust = negative ? -static_cast<std::int64_t>(*adjust) : static_cast<std::int64_t>(*adjust);
    }
    if (length.headerSize() > spec.maxFrame)
        return errorAt(widthAt, "a length header of " + std::to_string(length.headerSize()) +
                                    " bytes is longer than the largest message (" + std::to_string(spec.maxFrame) + " bytes)");
    if (at != text.size())
        return errorAt(at, "unexpected '" + std::string(text.substr(at, 1)) + "' in a length framing (len:W{be|le}[@OFF][+ADJ|-ADJ])");
    return spec;
}

Parsed<FrameSpec> parseBody(std::string_view text, FrameSpec spec) {
    if (text == "none") return spec;
    if (text == "line") {
        spec.mode = FrameMode::Delimiter;
        spec.delimiter = {0x0A};
        return spec;
    }
    if (text == "modbus-tcp") {
        spec.mode = FrameMode::LengthField;
        spec.length = LengthFieldSpec{2, true, 4, 0};
        if (spec.length.headerSize() > spec.maxFrame) return errorAt(0, "modbus-tcp's header is longer than the largest message");
        return spec;
    }
    if (text == "stx-etx") { spec.mode = FrameMode::StxEtx; return spec; }
    if (text == "slip") { spec.mode = FrameMode::Slip; return spec; }
    if (text == "cobs") { spec.mode = FrameMode::Cobs; return spec; }

    const std::size_t colon = text.find(':');
    const std::string_view mode = text.substr(0, colon);
    const std::size_t at = colon == std::string_view::npos ? text.size() : colon + 1;
    const std::string_view argument = text.substr(at);
    if (mode == "delim") {
        if (argument.empty()) return errorAt(at, "delim: needs the delimiter in hex, e.g. delim:0d0a");
        auto bytes = parseHex(argument);
        if (!bytes) return ParseError{1, at + bytes.error().column, "delimiter: " + bytes.error().message};
        if (bytes.value().empty()) return errorAt(at, "delim: needs the delimiter in hex, e.g. delim:0d0a");
        if (bytes.value().size() > MaxDelimiterBytes)
            return errorAt(at, "a delimiter is at most " + std::to_string(MaxDelimiterBytes) + " bytes");
        spec.mode = FrameMode::Delimiter;
        spec.delimiter = std::move(bytes.value());
        return spec;
    }
    if (mode == "fixed" || mode == "idle") {
        std::size_t end = at;
        const auto value = readNumber(text, end);
        if (!value || end != text.size())
            return errorAt(value ? end : at, std::string(mode) + (mode == "fixed" ? ": needs a message size in bytes, e.g. fixed:16"
                                                                                   : ": needs a silence in milliseconds, e.g. idle:50"));
        if (mode == "fixed") {
            if (*value == 0 || *value > spec.maxFrame)
                return errorAt(at, "fixed:N needs 1 to " + std::to_string(spec.maxFrame) +
                                       " bytes (the largest message), not " + std::to_string(*value));
            spec.mode = FrameMode::Fixed;
            spec.fixedSize = static_cast<std::size_t>(*value);
        } else {
            if (*value == 0 || *value > static_cast<std::uint64_t>(MaxIdleGap.count()))
                return errorAt(at, "idle:MS needs 1 to " + std::to_string(MaxIdleGap.count()) + " ms, not " + std::to_string(*value));
            spec.mode = FrameMode::Idle;
            spec.idleGap = std::chrono::milliseconds(*value);
        }
        return spec;
    }
    if (mode == "len") {
        spec.mode = FrameMode::LengthField;
        return parseLengthField(text, at, std::move(spec));
    }
    return errorAt(0, "unknown framing '" + std::string(mode) + "' (expected " + std::string(FrameSpecSyntax) + ")");
}

} // namespace

Parsed<FrameSpec> parseFrameSpec(std::string_view text, std::size_t maxFrame) {
    if (maxFrame == 0 || maxFrame > MaxFrameBytesLimit)
        return ParseError{1, 0, "the largest message must be 1 to " + std::to_string(MaxFrameBytesLimit) + " bytes, not " +
                                    std::to_string(maxFrame)};
    if (text.empty()) return errorAt(0, "empty framing (expected " + std::string(FrameSpecSyntax) + ")");
    FrameSpec spec;
    spec.maxFrame = maxFrame;
    return parseBody(text, std::move(spec));
}

std::string frameSpecText(const FrameSpec& spec) {
    switch (spec.mode) {
        case FrameMode::None: return "none";
        case FrameMode::Delimiter: return "delim:" + formatHex(spec.delimiter, '\0', false);
        case FrameMode::Fixed: return "fixed:" + std::to_string(spec.fixedSize);
        case FrameMode::LengthField: {
            const LengthFieldSpec& length = spec.length;
            std::string text = "len:" + std::to_string(length.width) + (length.bigEndian ? "be" : "le");
            if (length.offset != 0) text += "@" + std::to_string(length.offset);
            if (length.adjust > 0) text += "+" + std::to_string(length.adjust);
            if (length.adjust < 0) text += std::to_string(length.adjust);
            return text;
        }
        case FrameMode::Idle: return "idle:" + std::to_string(spec.idleGap.count());
        case FrameMode::StxEtx: return "stx-etx";
        case FrameMode::Slip: return "slip";
        case FrameMode::Cobs: return "cobs";
    }
    return "none";
}


} // namespace socketeer::core
