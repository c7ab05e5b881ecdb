// TextEncoding: the character sets payload text can use, and the per-character conversions the codecs build on.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

/// The encoding literal text is converted to (when sending) and decoded from (when displaying).
enum class TextEncoding : std::uint8_t { Utf8, Gb18030, Latin1 };

/// "UTF-8", "GB18030" or "Latin-1".
[[nodiscard]] std::string_view encodingName(TextEncoding encoding);

/// Case-insensitive: utf-8/utf8; gb18030/gbk/gb2312 (all GB18030, their superset); latin-1/latin1/iso-8859-1.
[[nodiscard]] std::optional<TextEncoding> parseEncodingName(std::string_view name);

/// One step of decoding bytes: a character and how many bytes it took, or "the byte here starts no valid character".
class DecodedChar {
public:
    /// The byte at this position is not the start of a valid character; byteCount() is 1.
    [[nodiscard]] static DecodedChar invalidByte();
    /// A valid character (a Unicode scalar value) that took byteCount bytes.
    [[nodiscard]] static DecodedChar character(char32_t codePoint, std::size_t byteCount);

    [[nodiscard]] bool valid() const { return m_valid; }
    /// Bytes consumed: the character's length, or 1 for an invalid byte (0 only when decoding empty input).
    [[nodiscard]] std::size_t byteCount() const { return m_byteCount; }
    /// The code point; 0 when !valid().
    [[nodiscard]] char32_t codePoint() const { return m_codePoint; }
    /// The character as UTF-8 text (empty when !valid()); the view lives as long as this object.
    [[nodiscard]] std::string_view utf8() const { return {m_utf8.data(), m_utf8Size}; }

private:
    friend DecodedChar decodeChar(ByteView bytes, TextEncoding encoding);

    char32_t m_codePoint = 0;
    std::array<char, 4> m_utf8{};
    std::uint8_t m_utf8Size = 0;
    std::uint8_t m_byteCount = 1;
    bool m_valid = false;
};

/// Decodes the character at the start of bytes. Strict: UTF-8 rejects overlongs, surrogates, values above U+10FFFF and
/// truncated sequences; GB18030 accepts a sequence only if it re-encodes to exactly the same bytes.
[[nodiscard]] DecodedChar decodeChar(ByteView bytes, TextEncoding encoding);

/// Appends the encoding of one character; returns false (appending nothing) if the encoding cannot represent it.
bool appendEncodedChar(Bytes& out, char32_t codePoint, TextEncoding encoding);

/// False where the system has no converter for the encoding: GB18030 needs glibc's iconv module or Windows code page
/// 54936 (which wine 8 lacks). Without it, GB18030 bytes are shown as \xHH escapes and text cannot be encoded.
[[nodiscard]] bool textEncodingAvailable(TextEncoding encoding);

/// Converts UTF-8 text to the encoding. Errors: "'中' cannot be encoded in Latin-1", "invalid UTF-8 byte 0xFF".
[[nodiscard]] Parsed<Bytes> encodeText(std::string_view utf8Text, TextEncoding encoding);

/// Appends the UTF-8 form of a Unicode scalar value (anything else appends U+FFFD).
void appendUtf8(std::string& out, char32_t codePoint);

/// False for characters that must not reach a display raw: C0 and C1 controls, DEL, bidi controls and U+FEFF.
[[nodiscard]] bool isPrintableChar(char32_t codePoint);

/// How error messages name a character: "'G'" or "'中'" when printable, otherwise "U+001B".
[[nodiscard]] std::string quoteChar(char32_t codePoint);

/// A 1-based line and column, counted in characters (code points) as ParseError expects.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};

/// Walks UTF-8 text one character at a time, tracking the position of the next character for error messages.
class Utf8Reader {
public:
    explicit Utf8Reader(std::string_view text) : m_text(text) {}

    [[nodiscard]] bool atEnd() const { return m_offset >= m_text.size(); }
    /// Line and column of the next character.
    [[nodiscard]] TextPosition position() const { return m_position; }
    /// Byte offset of the next character in the text.
    [[nodiscard]] std::size_t offset() const { return m_offset; }
    /// Decodes the next character without moving past it; must not be called atEnd().
    [[nodiscard]] DecodedChar peek() const;
    /// Decodes the next character (or one invalid byte) and moves past it; must not be called atEnd().
    DecodedChar next();
    /// The error for the byte at the current offset being invalid UTF-8: "invalid UTF-8 byte 0xFF".
    [[nodiscard]] ParseError invalidByteError() const;

private:
    std::string_view m_text;
    std::size_t m_offset = 0;
    TextPosition m_position;
};

/// A ParseError at a position.
[[nodiscard]] inline ParseError makeParseError(TextPosition position, std::string message) {
    return ParseError{position.line, position.column, std::move(message)};
}

} // namespace socketeer::core
