// PayloadTemplate: parsing DATA into literal runs and tokens, and resolving it per send in three passes (bytes and
// placeholders, then lengths, then checksums in order, so a checksum covers the lengths before it).
#include "socketeer/core/payload/payload_template.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <random>
#include <variant>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/time_format.hpp"

namespace socketeer::core {
namespace {

using Kind = PayloadTemplate::Part::Kind;
constexpr std::size_t MaxRandomBytes = 65536;

/// Line and column of byte offsets in increasing order, counted in characters as ParseError expects.
class PositionTracker {
public:
    explicit PositionTracker(std::string_view text) : m_text(text) {}
    TextPosition at(std::size_t offset) {
        for (; m_offset < offset && m_offset < m_text.size(); ++m_offset) {
            const auto c = static_cast<unsigned char>(m_text[m_offset]);
            if (c == '\n') {
                ++m_position.line;
                m_position.column = 1;
            } else if ((c & 0xC0) != 0x80) { // not a UTF-8 continuation byte
                ++m_position.column;
            }
        }
        return m_position;
    }

private:
    std::string_view m_text;
    std::size_t m_offset = 0;
    TextPosition m_position;
};

/// An error inside a run that starts at `start`, moved to its place in the whole text.
ParseError shifted(const ParseError& error, TextPosition start) {
    if (error.line > 1) return ParseError{start.line + error.line - 1, error.column, error.message};
    return ParseError{start.line, start.column + error.column - 1, error.message};
}

std::optional<FieldFormat> fieldFormat(std::string_view text) {
    if (text == "u8") return FieldFormat{1, true};
    for (const std::uint8_t width : {2, 4, 8}) {
        const std::string bits = "u" + std::to_string(width * 8);
        if (text == bits + "be") return FieldFormat{width, true};
        if (text == bits + "le") return FieldFormat{width, false};
    }
    return std::nullopt;
}

PayloadTemplate::Part bytesPart(Bytes bytes) {
    PayloadTemplate::Part part;
    part.bytes = std::move(bytes);
    return part;
}

constexpr std::string_view FieldFormats = "u8, u16be, u16le, u32be, u32le, u64be, u64le";

void putField(Bytes& out, std::size_t at, FieldFormat format, std::uint64_t value) {
    for (std::size_t i = 0; i < format.width; ++i) {
        const std::size_t shift = 8 * (format.bigEndian ? format.width - 1 - i : i);
        out[at + i] = static_cast<std::uint8_t>(value >> shift);
    }
}

void appendField(Bytes& out, FieldFormat format, std::uint64_t value) {
    out.resize(out.size() + format.width);
    putField(out, out.size() - format.width, format, value);
}

void defaultRandomBytes(std::span<std::uint8_t> bytes) {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(generator());
}

/// One token's text (between the braces) as a part; the error says what is wrong with it.
std::variant<PayloadTemplate::Part, std::string> parseToken(std::string_view token, TemplateTokens tokens) {
    PayloadTemplate::Part part;
    // {1}…{9} and {hex:1}…{hex:9}: a rule's captures.
    const bool hexCapture = token.size() == 5 && token.starts_with("hex:") && token[4] >= '1' && token[4] <= '9';
    if ((token.size() == 1 && token[0] >= '1' && token[0] <= '9') || hexCapture) {
        if (tokens == TemplateTokens::Send)
            return "{" + std::string(token) + "} is a rule's capture: only a rule's reply has captures";
        part.kind = Kind::Capture;
        part.count = static_cast<std::size_t>(token.back() - '0');
        part.asHexText = hexCapture;
        return part;
    }
    // {var:NAME} and {hex:NAME}: a sequence's variables.
    const bool variable = token.starts_with("var:") || (token.starts_with("hex:") && token.size() > 4);
    if (variable) {
        const std::string_view name = token.substr(4);
        if (tokens != TemplateTokens::SendCapturesAndVariables)
            return "{" + std::string(token) + "} is a sequence's variable: only a sequence's steps have variables";
        if (!isVariableName(name))
            return "{" + std::string(token) + "}: '" + std::string(name) +
                   "' is not a variable name (a letter or '_', then letters, digits, '_', '-', '.')";
        part.kind = Kind::Variable;
        part.name = std::string(name);
        part.asHexText = token.starts_with("hex:");
        return part;
    }
    if (token == "begin") part.kind = Kind::Begin;
    else if (token == "unix") part.kind = Kind::UnixText;
    else if (token == "time") part.kind = Kind::Time;
    else if (token == "peer") part.kind = Kind::Peer;
    else if (token == "n") part.kind = Kind::MessageNumber;
    else if (const auto checksum = checksumNamed(token)) {
        part.kind = Kind::Checksum;
        part.checksum = *checksum;
    } else {
        const std::size_t colon = token.find(':');
        const std::string_view head = token.substr(0, colon);
        const std::string_view argument = colon == std::string_view::npos ? std::string_view() : token.substr(colon + 1);
        if (head == "len" || head == "counter" || head == "unix") {
            const auto format = fieldFormat(argument);
            if (!format)
                return "{" + std::string(token) + "}: '" + std::string(argument) + "' is not a field format (" +
                       std::string(FieldFormats) + ")";
            part.kind = head == "len" ? Kind::Length : head == "counter" ? Kind::Counter : Kind::UnixBinary;
            part.field = *format;
        } else if (head == "rand") {
            std::size_t count = 0;
            const auto [end, ec] = std::from_chars(argument.data(), argument.data() + argument.size(), count);
            if (ec != std::errc{} || end != argument.data() + argument.size() || count == 0 || count > MaxRandomBytes)
                return "{" + std::string(token) + "}: needs a number of random bytes from 1 to " + std::to_string(MaxRandomBytes);
            part.kind = Kind::Random;
            part.count = count;
        } else if (head.starts_with("crc") || head == "xor8" || head == "sum8" || head == "lrc8") {
            return "unknown checksum {" + std::string(token) + "} (checksums: " + checksumNames() + ")";
        } else {
            return "unknown token {" + std::string(token) + "} (write {{ for a literal brace)";
        }
    }
    return part;
}

} // namespace

bool isVariableName(std::string_view name) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

Parsed<PayloadTemplate> PayloadTemplate::parse(std::string_view text, PayloadSyntax syntax, TextEncoding encoding,
                                               TemplateTokens tokens) {
    PayloadTemplate result;
    result.m_source = std::string(text);
    result.m_syntax = syntax;
    PositionTracker positions(text);
    std::size_t runStart = 0;
    // Literal runs are parsed as a whole (escapes and hex never hold a brace), then placed where they began.
    auto flushRun = [&](std::size_t end) -> std::optional<ParseError> {
        if (end == runStart) return std::nullopt;
        const std::string_view run = text.substr(runStart, end - runStart);
        auto bytes = syntax == PayloadSyntax::Hex ? parseHex(run) : parseEscaped(run, encoding);
        if (!bytes) return shifted(bytes.error(), positions.at(runStart));
        if (!bytes.value().empty()) {
            if (!result.m_parts.empty() && result.m_parts.back().kind == Kind::Bytes)
                result.m_parts.back().bytes.insert(result.m_parts.back().bytes.end(), bytes.value().begin(), bytes.value().end());
            else result.m_parts.push_back(bytesPart(std::move(bytes).value()));
        }
        return std::nullopt;
    };
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '{') {
            ++i;
            continue;
        }
        if (auto error = flushRun(i)) return *error;
        const TextPosition at = positions.at(i);
        if (i + 1 < text.size() && text[i + 1] == '{') { // "{{": a literal brace
            if (!result.m_parts.empty() && result.m_parts.back().kind == Kind::Bytes) result.m_parts.back().bytes.push_back('{');
            else result.m_parts.push_back(bytesPart(Bytes{'{'}));
            i += 2;
            runStart = i;
            continue;
        }
        const std::size_t close = text.find('}', i);
        if (close == std::string_view::npos) return makeParseError(at, "'{' without a closing '}' (write {{ for a literal brace)");
        auto token = parseToken(text.substr(i + 1, close - i - 1), tokens);
        if (auto* message = std::get_if<std::string>(&token)) return makeParseError(at, std::move(*message));
        Part part = std::get<Part>(std::move(token));
        part.line = at.line;
        part.column = at.column;
        result.m_parts.push_back(std::move(part));
        i = close + 1;
        runStart = i;
    }
    if (auto error = flushRun(text.size())) return *error;
    return result;
}

PayloadTemplate PayloadTemplate::literal(Bytes bytes) {
    PayloadTemplate result;
    // Escaped text reads back to the same bytes, and "{" is written "{{" so that it stays a brace.
    for (const char c : formatEscaped(bytes)) {
        result.m_source += c;
        if (c == '{') result.m_source += '{';
    }
    if (!bytes.empty()) result.m_parts.push_back(bytesPart(std::move(bytes)));
    return result;
}

void PayloadTemplate::appendLiteral(ByteView bytes) {
    if (bytes.empty()) return;
    for (const char c : m_syntax == PayloadSyntax::Hex ? " " + formatHex(bytes) : formatEscaped(bytes)) {
        m_source += c;
        if (c == '{') m_source += '{';
    }
    if (m_parts.empty() || m_parts.back().kind != Kind::Bytes) m_parts.push_back(bytesPart({}));
    m_parts.back().bytes.insert(m_parts.back().bytes.end(), bytes.begin(), bytes.end());
}

std::string PayloadTemplate::asText() const {
    const auto field = [](FieldFormat format) {
        return format.width == 1 ? std::string("u8") : "u" + std::to_string(format.width * 8) + (format.bigEndian ? "be" : "le");
    };
    std::string text;
    for (const Part& part : m_parts) {
        switch (part.kind) {
        case Kind::Bytes: text += literal(part.bytes).source(); break;
        case Kind::Begin: text += "{begin}"; break;
        case Kind::Checksum: text += "{" + std::string(checksumInfo(part.checksum).name) + "}"; break;
        case Kind::Length: text += "{len:" + field(part.field) + "}"; break;
        case Kind::Counter: text += "{counter:" + field(part.field) + "}"; break;
        case Kind::UnixText: text += "{unix}"; break;
        case Kind::UnixBinary: text += "{unix:" + field(part.field) + "}"; break;
        case Kind::Random: text += "{rand:" + std::to_string(part.count) + "}"; break;
        case Kind::Time: text += "{time}"; break;
        case Kind::Peer: text += "{peer}"; break;
        case Kind::MessageNumber: text += "{n}"; break;
        case Kind::Capture: text += (part.asHexText ? "{hex:" : "{") + std::to_string(part.count) + "}"; break;
        case Kind::Variable: text += (part.asHexText ? "{hex:" : "{var:") + part.name + "}"; break;
        }
    }
    return text;
}

bool PayloadTemplate::isLiteral() const {
    return std::all_of(m_parts.begin(), m_parts.end(), [](const Part& p) { return p.kind == Kind::Bytes; });
}

std::size_t PayloadTemplate::highestCapture() const {
    std::size_t highest = 0;
    for (const Part& part : m_parts)
        if (part.kind == Kind::Capture) highest = std::max(highest, part.count);
    return highest;
}

bool PayloadTemplate::usesCounter() const {
    return std::any_of(m_parts.begin(), m_parts.end(), [](const Part& p) { return p.kind == Kind::Counter; });
}

Parsed<Bytes> PayloadTemplate::resolve(const SendContext& context, std::vector<Span>* computed) const {
    Bytes out;
    struct Placeholder {
        std::size_t offset;
        std::size_t from; // checksums: where the covered bytes begin
        const Part* part;
    };
    std::vector<Placeholder> lengths, checksums;
    std::size_t checksumFrom = 0;
    std::optional<std::uint64_t> counter; // one step per send, however many {counter} tokens it holds
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(context.time.time_since_epoch()).count();
    auto appendText = [&out](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
    for (const Part& part : m_parts) {
        const std::size_t start = out.size();
        switch (part.kind) {
        case Kind::Bytes: out.insert(out.end(), part.bytes.begin(), part.bytes.end()); break;
        case Kind::Begin: checksumFrom = out.size(); break;
        case Kind::Checksum:
            checksums.push_back({out.size(), checksumFrom, &part});
            out.resize(out.size() + checksumInfo(part.checksum).width);
            break;
        case Kind::Length:
            lengths.push_back({out.size(), 0, &part});
            out.resize(out.size() + part.field.width);
            break;
        case Kind::Counter:
            if (!counter) counter = context.nextCounter ? context.nextCounter() : 1;
            appendField(out, part.field, *counter);
            break;
        case Kind::UnixText: appendText(std::to_string(seconds)); break;
        case Kind::UnixBinary: appendField(out, part.field, static_cast<std::uint64_t>(seconds)); break;
        case Kind::Random: {
            out.resize(out.size() + part.count);
            const std::span<std::uint8_t> bytes(out.data() + start, part.count);
            if (context.randomBytes) context.randomBytes(bytes);
            else defaultRandomBytes(bytes);
            break;
        }
        case Kind::Time: appendText(formatClassicTime(context.time)); break;
        case Kind::Peer: appendText(context.peer); break;
        case Kind::MessageNumber: appendText(std::to_string(context.messageNumber)); break;
        case Kind::Capture: {
            if (part.count > context.captures.size())
                return ParseError{part.line, part.column,
                                  "{" + std::to_string(part.count) + "}: the match has " +
                                      std::to_string(context.captures.size()) + " captures"};
            const ByteView capture = context.captures[part.count - 1];
            if (part.asHexText) appendText(formatHex(capture));
            else out.insert(out.end(), capture.begin(), capture.end());
            break;
        }
        case Kind::Variable: {
            const Bytes* value = nullptr;
            if (context.variables)
                if (const auto found = context.variables->find(part.name); found != context.variables->end())
                    value = &found->second;
            if (!value)
                return ParseError{part.line, part.column,
                                  "{" + std::string(part.asHexText ? "hex:" : "var:") + part.name + "}: no variable '" +
                                      part.name + "' is set (set NAME DATA sets one)"};
            if (part.asHexText) appendText(formatHex(*value));
            else out.insert(out.end(), value->begin(), value->end());
            break;
        }
        }
        if (computed && part.kind != Kind::Bytes && out.size() > start) computed->push_back({start, out.size() - start, part.kind});
    }
    for (const auto& length : lengths) {
        const FieldFormat format = length.part->field;
        const std::uint64_t value = out.size() - length.offset - format.width;
        if (format.width < 8 && value >> (8 * format.width) != 0)
            return ParseError{length.part->line, length.part->column,
                              "{len}: " + std::to_string(value) + " bytes do not fit in " + std::to_string(format.width) +
                                  (format.width == 1 ? " byte" : " bytes")};
        putField(out, length.offset, format, value);
    }
    for (const auto& checksum : checksums) { // in order: a later checksum may cover an earlier one
        const ChecksumKind kind = checksum.part->checksum;
        Bytes value;
        appendChecksum(kind, computeChecksum(kind, ByteView(out).subspan(checksum.from, checksum.offset - checksum.from)), value);
        std::copy(value.begin(), value.end(), out.begin() + static_cast<std::ptrdiff_t>(checksum.offset));
    }
    return out;
}

} // namespace socketeer::core
