// Escaped text: the "Text" payload format, with \r \n \t \0 \\ \xHH escapes, in a chosen text encoding.
#pragma once

#include <string>
#include <string_view>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

/// Converts escaped UTF-8 text to bytes: literal characters are encoded in `encoding`, `\xHH` is that raw byte, and
/// `\r \n \t \0 \\` are CR, LF, TAB, NUL and a backslash. Errors name the escape or character and its column.
[[nodiscard]] Parsed<Bytes> parseEscaped(std::string_view utf8Text, TextEncoding encoding = TextEncoding::Utf8);

/// The inverse, for display and editing: printable characters as UTF-8, everything else escaped, so the result never
/// holds a control character and parseEscaped(formatEscaped(b, e), e) == b for any bytes b.
[[nodiscard]] std::string formatEscaped(ByteView bytes, TextEncoding encoding = TextEncoding::Utf8);

} // namespace socketeer::core
