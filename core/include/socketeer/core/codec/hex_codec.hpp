// Hex payload text: strict parsing of "48 65 6C" / "0x48,0x65" into bytes, and formatting bytes back to hex.
#pragma once

#include <string>
#include <string_view>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

/// Parses hex text. Tokens are separated by spaces, tabs, commas and line breaks; each is an optional 0x/0X prefix and
/// an even number of hex digits ("0x4865" is two bytes). Never pads or guesses: "bad hex digit 'G'",
/// "odd number of hex digits in '486'" and "'0x' without hex digits" are errors. Blank text gives no bytes.
[[nodiscard]] Parsed<Bytes> parseHex(std::string_view text);

/// "48 65 6C": two hex digits per byte, separated by `separator` ('\0' for none).
[[nodiscard]] std::string formatHex(ByteView bytes, char separator = ' ', bool upperCase = true);

/// 0-15 for a hex digit of either case, -1 for anything else.
int hexDigitValue(char32_t c);

} // namespace socketeer::core
