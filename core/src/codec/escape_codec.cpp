// parseEscaped / formatEscaped: escaped text to bytes and back, exact in both directions.
#include "socketeer/core/codec/escape_codec.hpp"

#include "socketeer/core/codec/hex_codec.hpp"

namespace socketeer::core {

namespace {

constexpr char UpperHexDigits[] = "0123456789ABCDEF";
constexpr std::string_view BackslashHint = " (write \\\\ for a backslash)";

int hexDigitValue(const DecodedChar& decoded) { return decoded.valid() ? core::hexDigitValue(decoded.codePoint()) : -1; }

// The byte a one-letter escape stands for, or -1 if the letter is not an escape.
int simpleEscapeValue(char32_t letter) {
    switch (letter) {
    case U'r':
        return '\r';
    case U'n':
        return '\n';
    case U't':
        return '\t';
    case U'0':
        return '\0';
    case U'\\':
        return '\\';
    default:
        return -1;
    }
}

// The letter of the escape that stands for this byte, or 0 if it has none besides \xHH.
char simpleEscapeLetter(char32_t codePoint) {
    switch (codePoint) {
    case U'\r':
        return 'r';
    case U'\n':
        return 'n';
    case U'\t':
        return 't';
    case U'\0':
        return '0';
    case U'\\':
        return '\\';
    default:
        return 0;
    }
}

void appendHexEscape(std::string& out, std::uint8_t byte) {
    out += "\\x";
    out += UpperHexDigits[byte >> 4];
    out += UpperHexDigits[byte & 0xF];
}

std::string unknownEscapeMessage(char32_t letter) {
    // A control character after the backslash must not be quoted raw into the message.
    if (isPrintableChar(letter)) {
        std::string message = "unknown escape '\\";
        appendUtf8(message, letter);
        message += '\'';
        message += BackslashHint;
        return message;
    }
    return "unknown escape: '\\' followed by " + quoteChar(letter) + std::string(BackslashHint);
}

} // namespace

Parsed<Bytes> parseEscaped(std::string_view utf8Text, TextEncoding encoding) {
    Bytes out;
    out.reserve(utf8Text.size());
    Utf8Reader reader(utf8Text);
    while (!reader.atEnd()) {
        const TextPosition position = reader.position();
        if (!reader.peek().valid()) {
            return reader.invalidByteError();
        }
        const DecodedChar decoded = reader.next();
        if (decoded.codePoint() != U'\\') {
            if (!appendEncodedChar(out, decoded.codePoint(), encoding)) {
                return makeParseError(position, quoteChar(decoded.codePoint()) + " cannot be encoded in " +
                                                    std::string(encodingName(encoding)));
            }
            continue;
        }
        if (reader.atEnd()) {
            return makeParseError(position, "lone '\\' at end of text" + std::string(BackslashHint));
        }
        if (!reader.peek().valid()) {
            return reader.invalidByteError();
        }
        const char32_t letter = reader.next().codePoint();
        if (const int value = simpleEscapeValue(letter); value >= 0) {
            out.push_back(static_cast<std::uint8_t>(value));
            continue;
        }
        if (letter != U'x') {
            return makeParseError(position, unknownEscapeMessage(letter));
        }
        const int high = reader.atEnd() ? -1 : hexDigitValue(reader.next());
        const int low = reader.atEnd() || high < 0 ? -1 : hexDigitValue(reader.next());
        if (high < 0 || low < 0) {
            return makeParseError(position, "\\x needs two hex digits");
        }
        out.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return out;
}

std::string formatEscaped(ByteView bytes, TextEncoding encoding) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        const ByteView rest = bytes.subspan(offset);
        const DecodedChar decoded = decodeChar(rest, encoding);
        if (!decoded.valid()) {
            appendHexEscape(out, rest[0]);
            ++offset;
            continue;
        }
        // decodeChar only accepts bytes that are exactly how appendEncodedChar writes the character (GB18030 is
        // checked by re-encoding), so parseEscaped turns the character, or its escape letter, back into these bytes.
        const std::size_t length = decoded.byteCount();
        const char32_t codePoint = decoded.codePoint();
        if (const char letter = simpleEscapeLetter(codePoint); letter != 0) {
            out += '\\';
            out += letter;
        } else if (isPrintableChar(codePoint)) {
            out += decoded.utf8();
        } else {
            for (std::size_t i = 0; i < length; ++i) {
                appendHexEscape(out, rest[i]);
            }
        }
        offset += length;
    }
    return out;
}

} // namespace socketeer::core
