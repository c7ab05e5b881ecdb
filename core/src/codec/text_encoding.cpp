// Per-character UTF-8, GB18030 and Latin-1 conversion: strict UTF-8 by hand, GB18030 through iconv or the Win32 API.
#include "socketeer/core/codec/text_encoding.hpp"

#include <algorithm>
#include <cctype>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <cerrno>
#include <iconv.h>
#endif

namespace socketeer::core {

namespace {

constexpr char32_t MaxCodePoint = 0x10FFFF;
constexpr char32_t ReplacementChar = 0xFFFD;
constexpr std::size_t MaxGb18030Length = 4;

bool isSurrogate(char32_t codePoint) { return codePoint >= 0xD800 && codePoint <= 0xDFFF; }

bool isScalarValue(char32_t codePoint) { return codePoint <= MaxCodePoint && !isSurrogate(codePoint); }

bool isContinuation(std::uint8_t byte) { return (byte & 0xC0) == 0x80; }

// Writes the UTF-8 form of a scalar value into out (at least 4 chars); returns its length.
std::size_t writeUtf8(char32_t codePoint, char* out) {
    if (!isScalarValue(codePoint)) {
        codePoint = ReplacementChar;
    }
    if (codePoint < 0x80) {
        out[0] = static_cast<char>(codePoint);
        return 1;
    }
    if (codePoint < 0x800) {
        out[0] = static_cast<char>(0xC0 | (codePoint >> 6));
        out[1] = static_cast<char>(0x80 | (codePoint & 0x3F));
        return 2;
    }
    if (codePoint < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (codePoint >> 12));
        out[1] = static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (codePoint & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (codePoint >> 18));
    out[1] = static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (codePoint & 0x3F));
    return 4;
}

// Strict UTF-8 (RFC 3629 table): the allowed range of the second byte depends on the lead byte, which is what rules
// out overlongs (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values above U+10FFFF (F4 90.., F5..FF).
DecodedChar decodeUtf8(ByteView bytes) {
    const std::uint8_t lead = bytes[0];
    if (lead < 0x80) {
        return DecodedChar::character(lead, 1);
    }
    std::size_t length = 0;
    std::uint8_t secondMin = 0x80;
    std::uint8_t secondMax = 0xBF;
    char32_t codePoint = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0F;
        if (lead == 0xE0) {
            secondMin = 0xA0;
        } else if (lead == 0xED) {
            secondMax = 0x9F;
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07;
        if (lead == 0xF0) {
            secondMin = 0x90;
        } else if (lead == 0xF4) {
            secondMax = 0x8F;
        }
    } else {
        return DecodedChar::invalidByte();
    }
    if (bytes.size() < length || bytes[1] < secondMin || bytes[1] > secondMax) {
        return DecodedChar::invalidByte();
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (!isContinuation(bytes[i])) {
            return DecodedChar::invalidByte();
        }
        codePoint = (codePoint << 6) | (bytes[i] & 0x3F);
    }
    return DecodedChar::character(codePoint, length);
}

void appendUtf8Bytes(Bytes& out, char32_t codePoint) {
    char buffer[4] = {};
    const std::size_t length = writeUtf8(codePoint, buffer);
    out.insert(out.end(), buffer, buffer + length);
}

// A GB18030 character in bytes, at most 4 of them.
struct Gb18030Sequence {
    std::array<std::uint8_t, MaxGb18030Length> bytes{};
    std::size_t size = 0;
};

#ifdef _WIN32

constexpr UINT Gb18030CodePage = 54936;

bool platformHasGb18030() {
    static const bool available = IsValidCodePage(Gb18030CodePage) != 0;
    return available;
}

bool platformDecodeGb18030(ByteView sequence, char32_t& codePoint) {
    if (!platformHasGb18030()) return false; // and fast: a failing conversion is slow under wine
    wchar_t units[4];
    const int count = MultiByteToWideChar(Gb18030CodePage, MB_ERR_INVALID_CHARS,
                                          reinterpret_cast<LPCCH>(sequence.data()), static_cast<int>(sequence.size()),
                                          units, 4);
    if (count == 1 && !isSurrogate(units[0])) {
        codePoint = units[0];
        return true;
    }
    if (count == 2 && units[0] >= 0xD800 && units[0] <= 0xDBFF && units[1] >= 0xDC00 && units[1] <= 0xDFFF) {
        codePoint = 0x10000 + ((static_cast<char32_t>(units[0]) - 0xD800) << 10) + (units[1] - 0xDC00);
        return true;
    }
    return false;
}

bool platformEncodeGb18030(char32_t codePoint, Gb18030Sequence& out) {
    if (!platformHasGb18030()) return false;
    wchar_t units[2];
    int unitCount = 1;
    if (codePoint >= 0x10000) {
        units[0] = static_cast<wchar_t>(0xD800 + ((codePoint - 0x10000) >> 10));
        units[1] = static_cast<wchar_t>(0xDC00 + ((codePoint - 0x10000) & 0x3FF));
        unitCount = 2;
    } else {
        units[0] = static_cast<wchar_t>(codePoint);
    }
    char buffer[8];
    // Code page 54936 requires null default-char arguments; WC_ERR_INVALID_CHARS makes unmappable input fail.
    const int count = WideCharToMultiByte(Gb18030CodePage, WC_ERR_INVALID_CHARS, units, unitCount, buffer,
                                          static_cast<int>(sizeof buffer), nullptr, nullptr);
    if (count < 1 || count > static_cast<int>(MaxGb18030Length)) {
        return false;
    }
    std::copy(buffer, buffer + count, out.bytes.begin());
    out.size = static_cast<std::size_t>(count);
    return true;
}

#else

// Opening an iconv descriptor loads a gconv module, so each thread opens its pair once and reuses it.
class Gb18030Converter {
public:
    Gb18030Converter()
        : m_toUnicode(iconv_open("UTF-32LE", "GB18030")), m_fromUnicode(iconv_open("GB18030", "UTF-32LE")) {}
    ~Gb18030Converter() {
        if (m_toUnicode != InvalidHandle) {
            iconv_close(m_toUnicode);
        }
        if (m_fromUnicode != InvalidHandle) {
            iconv_close(m_fromUnicode);
        }
    }
    bool usable() const { return m_toUnicode != InvalidHandle && m_fromUnicode != InvalidHandle; }
    Gb18030Converter(const Gb18030Converter&) = delete;
    Gb18030Converter& operator=(const Gb18030Converter&) = delete;

    bool decode(ByteView sequence, char32_t& codePoint) {
        if (sequence.empty() || sequence.size() > MaxGb18030Length) {
            return false;
        }
        char input[MaxGb18030Length] = {};
        std::copy(sequence.begin(), sequence.end(), input);
        // Room for two code points, so input that would yield more than one is noticed rather than truncated.
        char output[8];
        std::size_t produced = 0;
        if (!convert(m_toUnicode, input, sequence.size(), output, sizeof output, produced) || produced != 4) {
            return false;
        }
        codePoint = 0;
        for (int i = 3; i >= 0; --i) {
            codePoint = (codePoint << 8) | static_cast<std::uint8_t>(output[i]);
        }
        return true;
    }

    bool encode(char32_t codePoint, Gb18030Sequence& out) {
        char input[4];
        for (int i = 0; i < 4; ++i) {
            input[i] = static_cast<char>((codePoint >> (8 * i)) & 0xFF);
        }
        char output[8];
        std::size_t produced = 0;
        if (!convert(m_fromUnicode, input, sizeof input, output, sizeof output, produced) || produced == 0 ||
            produced > MaxGb18030Length) {
            return false;
        }
        std::copy(output, output + produced, out.bytes.begin());
        out.size = produced;
        return true;
    }

private:
    static inline const iconv_t InvalidHandle = reinterpret_cast<iconv_t>(-1);

    // Converts all of input; fails on invalid, incomplete or irreversibly converted input.
    static bool convert(iconv_t handle, char* input, std::size_t inputSize, char* output, std::size_t outputSize,
                        std::size_t& produced) {
        if (handle == InvalidHandle) {
            return false;
        }
        iconv(handle, nullptr, nullptr, nullptr, nullptr);
        char* in = input;
        char* out = output;
        std::size_t inLeft = inputSize;
        std::size_t outLeft = outputSize;
        const std::size_t result = iconv(handle, &in, &inLeft, &out, &outLeft);
        // A positive result counts irreversible substitutions, which would not be the user's character.
        if (result != 0 || inLeft != 0) {
            return false;
        }
        produced = outputSize - outLeft;
        return true;
    }

    iconv_t m_toUnicode;
    iconv_t m_fromUnicode;
};

Gb18030Converter& gb18030Converter() {
    thread_local Gb18030Converter s_converter;
    return s_converter;
}

bool platformHasGb18030() { return gb18030Converter().usable(); }

bool platformDecodeGb18030(ByteView sequence, char32_t& codePoint) {
    return gb18030Converter().decode(sequence, codePoint);
}

bool platformEncodeGb18030(char32_t codePoint, Gb18030Sequence& out) {
    return gb18030Converter().encode(codePoint, out);
}

#endif

bool encodeGb18030(char32_t codePoint, Gb18030Sequence& out) {
    if (!isScalarValue(codePoint)) {
        return false;
    }
    if (codePoint < 0x80) {
        out.bytes[0] = static_cast<std::uint8_t>(codePoint);
        out.size = 1;
        return true;
    }
    return platformEncodeGb18030(codePoint, out);
}

// GB18030 structure: ASCII; a lead byte 81..FE then either a trail byte 40..7E/80..FE (two bytes) or 30..39 followed
// by 81..FE and 30..39 (four bytes). The structure picks the length so exactly one character goes to the converter.
DecodedChar decodeGb18030(ByteView bytes) {
    const std::uint8_t lead = bytes[0];
    if (lead < 0x80) {
        return DecodedChar::character(lead, 1);
    }
    if (lead < 0x81 || lead > 0xFE || bytes.size() < 2) {
        return DecodedChar::invalidByte();
    }
    std::size_t length = 0;
    const std::uint8_t second = bytes[1];
    if ((second >= 0x40 && second <= 0x7E) || (second >= 0x80 && second <= 0xFE)) {
        length = 2;
    } else if (second >= 0x30 && second <= 0x39 && bytes.size() >= 4 && bytes[2] >= 0x81 && bytes[2] <= 0xFE &&
               bytes[3] >= 0x30 && bytes[3] <= 0x39) {
        length = 4;
    } else {
        return DecodedChar::invalidByte();
    }
    const ByteView sequence = bytes.first(length);
    char32_t codePoint = 0;
    if (!platformDecodeGb18030(sequence, codePoint) || !isScalarValue(codePoint)) {
        return DecodedChar::invalidByte();
    }
    // glibc maps a few sequences one way only; accepting them would break parse(format(bytes)) == bytes.
    Gb18030Sequence reencoded;
    if (!encodeGb18030(codePoint, reencoded) || reencoded.size != length ||
        !std::equal(sequence.begin(), sequence.end(), reencoded.bytes.begin())) {
        return DecodedChar::invalidByte();
    }
    return DecodedChar::character(codePoint, length);
}

char asciiLower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return asciiLower(x) == asciiLower(y); });
}

constexpr char UpperHexDigits[] = "0123456789ABCDEF";

} // namespace

std::string_view encodingName(TextEncoding encoding) {
    switch (encoding) {
    case TextEncoding::Utf8:
        return "UTF-8";
    case TextEncoding::Gb18030:
        return "GB18030";
    case TextEncoding::Latin1:
        return "Latin-1";
    }
    return "UTF-8";
}

std::optional<TextEncoding> parseEncodingName(std::string_view name) {
    struct Alias {
        std::string_view name;
        TextEncoding encoding;
    };
    static constexpr Alias Aliases[] = {
        {"utf-8", TextEncoding::Utf8},        {"utf8", TextEncoding::Utf8},
        {"gb18030", TextEncoding::Gb18030},   {"gbk", TextEncoding::Gb18030},
        {"gb2312", TextEncoding::Gb18030},    {"latin-1", TextEncoding::Latin1},
        {"latin1", TextEncoding::Latin1},     {"iso-8859-1", TextEncoding::Latin1},
    };
    for (const Alias& alias : Aliases) {
        if (equalsIgnoringCase(name, alias.name)) {
            return alias.encoding;
        }
    }
    return std::nullopt;
}

DecodedChar DecodedChar::invalidByte() { return DecodedChar{}; }

DecodedChar DecodedChar::character(char32_t codePoint, std::size_t byteCount) {
    DecodedChar decoded;
    decoded.m_valid = true;
    decoded.m_codePoint = codePoint;
    decoded.m_byteCount = static_cast<std::uint8_t>(byteCount);
    decoded.m_utf8Size = static_cast<std::uint8_t>(writeUtf8(codePoint, decoded.m_utf8.data()));
    return decoded;
}

DecodedChar decodeChar(ByteView bytes, TextEncoding encoding) {
    if (bytes.empty()) {
        DecodedChar nothing;
        nothing.m_byteCount = 0;
        return nothing;
    }
    switch (encoding) {
    case TextEncoding::Utf8:
        return decodeUtf8(bytes);
    case TextEncoding::Gb18030:
        return decodeGb18030(bytes);
    case TextEncoding::Latin1:
        return DecodedChar::character(bytes[0], 1);
    }
    return DecodedChar::invalidByte();
}

bool appendEncodedChar(Bytes& out, char32_t codePoint, TextEncoding encoding) {
    if (!isScalarValue(codePoint)) {
        return false;
    }
    switch (encoding) {
    case TextEncoding::Utf8:
        appendUtf8Bytes(out, codePoint);
        return true;
    case TextEncoding::Gb18030: {
        Gb18030Sequence sequence;
        if (!encodeGb18030(codePoint, sequence)) {
            return false;
        }
        out.insert(out.end(), sequence.bytes.begin(), sequence.bytes.begin() + static_cast<std::ptrdiff_t>(sequence.size));
        return true;
    }
    case TextEncoding::Latin1:
        if (codePoint > 0xFF) {
            return false;
        }
        out.push_back(static_cast<std::uint8_t>(codePoint));
        return true;
    }
    return false;
}

bool textEncodingAvailable(TextEncoding encoding) {
    return encoding != TextEncoding::Gb18030 || platformHasGb18030();
}

Parsed<Bytes> encodeText(std::string_view utf8Text, TextEncoding encoding) {
    if (!textEncodingAvailable(encoding))
        return makeParseError(TextPosition{1, 0}, std::string(encodingName(encoding)) + " is not available on this system");
    Bytes out;
    out.reserve(utf8Text.size());
    Utf8Reader reader(utf8Text);
    while (!reader.atEnd()) {
        const TextPosition position = reader.position();
        if (!reader.peek().valid()) {
            return reader.invalidByteError();
        }
        const DecodedChar decoded = reader.next();
        if (!appendEncodedChar(out, decoded.codePoint(), encoding)) {
            return makeParseError(position, quoteChar(decoded.codePoint()) + " cannot be encoded in " +
                                                std::string(encodingName(encoding)));
        }
    }
    return out;
}

void appendUtf8(std::string& out, char32_t codePoint) {
    char buffer[4];
    out.append(buffer, writeUtf8(codePoint, buffer));
}

bool isPrintableChar(char32_t codePoint) {
    if (!isScalarValue(codePoint) || codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)) {
        return false;
    }
    // Bidi controls (U+061C ALM, LRM, RLM, LRE..RLO, LRI..PDI) can reorder the text around them on screen
    // ("Trojan Source"); a BOM is invisible.
    const bool bidiControl = codePoint == 0x061C || codePoint == 0x200E || codePoint == 0x200F ||
                             (codePoint >= 0x202A && codePoint <= 0x202E) ||
                             (codePoint >= 0x2066 && codePoint <= 0x2069);
    return !bidiControl && codePoint != 0xFEFF;
}

std::string quoteChar(char32_t codePoint) {
    std::string quoted;
    if (isPrintableChar(codePoint)) {
        quoted += '\'';
        appendUtf8(quoted, codePoint);
        quoted += '\'';
        return quoted;
    }
    quoted = "U+";
    const int digits = codePoint > 0xFFFF ? (codePoint > 0xFFFFF ? 6 : 5) : 4;
    for (int i = digits - 1; i >= 0; --i) {
        quoted += UpperHexDigits[(codePoint >> (4 * i)) & 0xF];
    }
    return quoted;
}

DecodedChar Utf8Reader::peek() const {
    const ByteView rest(reinterpret_cast<const std::uint8_t*>(m_text.data()) + m_offset, m_text.size() - m_offset);
    return decodeChar(rest, TextEncoding::Utf8);
}

DecodedChar Utf8Reader::next() {
    const DecodedChar decoded = peek();
    m_offset += decoded.byteCount();
    if (decoded.valid() && decoded.codePoint() == U'\n') {
        ++m_position.line;
        m_position.column = 1;
    } else {
        ++m_position.column;
    }
    return decoded;
}

ParseError Utf8Reader::invalidByteError() const {
    const auto byte = static_cast<std::uint8_t>(m_text[m_offset]);
    std::string message = "invalid UTF-8 byte 0x";
    message += UpperHexDigits[byte >> 4];
    message += UpperHexDigits[byte & 0xF];
    return makeParseError(m_position, std::move(message));
}

} // namespace socketeer::core
