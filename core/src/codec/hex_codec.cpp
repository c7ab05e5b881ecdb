// parseHex / formatHex: hex text to bytes and back.
#include "socketeer/core/codec/hex_codec.hpp"

#include "socketeer/core/codec/text_encoding.hpp"

namespace socketeer::core {

namespace {

bool isSeparator(const DecodedChar& decoded) {
    if (!decoded.valid()) {
        return false;
    }
    const char32_t c = decoded.codePoint();
    return c == U' ' || c == U'\t' || c == U',' || c == U'\r' || c == U'\n';
}


bool isPrefixX(const DecodedChar& decoded) {
    return decoded.valid() && (decoded.codePoint() == U'x' || decoded.codePoint() == U'X');
}

} // namespace

int hexDigitValue(char32_t c) {
    if (c >= U'0' && c <= U'9') {
        return static_cast<int>(c - U'0');
    }
    if (c >= U'a' && c <= U'f') {
        return static_cast<int>(c - U'a' + 10);
    }
    if (c >= U'A' && c <= U'F') {
        return static_cast<int>(c - U'A' + 10);
    }
    return -1;
}

Parsed<Bytes> parseHex(std::string_view text) {
    Bytes out;
    out.reserve(text.size() / 2);
    Utf8Reader reader(text);
    while (!reader.atEnd()) {
        if (isSeparator(reader.peek())) {
            reader.next();
            continue;
        }
        const TextPosition tokenPosition = reader.position();
        const std::size_t tokenStart = reader.offset();
        bool hasPrefix = false;
        if (reader.peek().codePoint() == U'0') {
            Utf8Reader afterZero = reader;
            afterZero.next();
            if (!afterZero.atEnd() && isPrefixX(afterZero.peek())) {
                reader = afterZero;
                reader.next();
                hasPrefix = true;
            }
        }
        std::size_t digitCount = 0;
        int highNibble = 0;
        while (!reader.atEnd() && !isSeparator(reader.peek())) {
            if (!reader.peek().valid()) {
                return reader.invalidByteError();
            }
            const TextPosition digitPosition = reader.position();
            const char32_t c = reader.next().codePoint();
            const int value = hexDigitValue(c);
            if (value < 0) {
                return makeParseError(digitPosition, "bad hex digit " + quoteChar(c));
            }
            if (digitCount % 2 == 0) {
                highNibble = value;
            } else {
                out.push_back(static_cast<std::uint8_t>(highNibble * 16 + value));
            }
            ++digitCount;
        }
        const std::string_view token = text.substr(tokenStart, reader.offset() - tokenStart);
        if (hasPrefix && digitCount == 0) {
            // Built with append, not "'" + string: GCC 12 warns falsely on that form (-Wrestrict, PR 105651).
            std::string message = "'";
            message.append(token).append("' without hex digits");
            return makeParseError(tokenPosition, std::move(message));
        }
        if (digitCount % 2 != 0) {
            return makeParseError(tokenPosition, "odd number of hex digits in '" + std::string(token) + "'");
        }
    }
    return out;
}

std::string formatHex(ByteView bytes, char separator, bool upperCase) {
    const char* digits = upperCase ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    if (bytes.empty()) {
        return out;
    }
    out.reserve(bytes.size() * 2 + (separator != '\0' ? bytes.size() - 1 : 0));
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0 && separator != '\0') {
            out += separator;
        }
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0xF];
    }
    return out;
}

} // namespace socketeer::core
