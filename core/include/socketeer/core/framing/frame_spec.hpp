// FrameSpec: how a session's received byte stream is cut into messages, and its one text form ("len:2be@4") that the
// CLI's --frame, the app's settings and the workspace file share.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

enum class FrameMode : std::uint8_t {
    None,        ///< no framing: every read is reported as it came
    Delimiter,   ///< ends at (and includes) a delimiter
    Fixed,       ///< every N bytes
    LengthField, ///< a length field in a header says how long the message is
    Idle,        ///< a silence between bytes ends a message
    StxEtx,      ///< from 0x02 through 0x03
    Slip,        ///< RFC 1055, decoded
    Cobs,        ///< consistent overhead byte stuffing, 0x00-delimited, decoded
};

/// Message length = offset + width + value + adjust. Modbus/TCP's MBAP header is {width 2, big endian, offset 4}.
struct LengthFieldSpec {
    std::uint8_t width = 2;      ///< 1, 2 or 4 bytes
    bool bigEndian = true;
    std::uint32_t offset = 0;    ///< bytes before the field
    std::int64_t adjust = 0;     ///< added to the value (negative when the value counts the field or header too)

    bool operator==(const LengthFieldSpec&) const = default;
    [[nodiscard]] std::size_t headerSize() const { return offset + width; }
};

inline constexpr std::size_t DefaultMaxFrameBytes = 1u << 20;
inline constexpr std::size_t MaxFrameBytesLimit = 64u << 20;     // --max-frame above this is refused
inline constexpr std::chrono::milliseconds MaxIdleGap{60000};

struct FrameSpec {
    FrameMode mode = FrameMode::None;
    Bytes delimiter;                      ///< Delimiter: 1 to 16 bytes
    std::size_t fixedSize = 0;            ///< Fixed: 1 to maxFrame bytes
    LengthFieldSpec length;               ///< LengthField
    std::chrono::milliseconds idleGap{0}; ///< Idle: 1 ms to MaxIdleGap
    /// The longest message kept: a longer one is reported as Oversize with its first maxFrame bytes, and the framer
    /// resynchronises after it. Bounds the framer's memory per connection.
    std::size_t maxFrame = DefaultMaxFrameBytes;

    [[nodiscard]] bool enabled() const { return mode != FrameMode::None; }
    bool operator==(const FrameSpec&) const = default;
};

/// Parses the text form, with the error's column inside `text`:
///   none | line | delim:HEX | fixed:N | len:W{be|le}[@OFF][+ADJ|-ADJ] | idle:MS | modbus-tcp | stx-etx | slip | cobs
/// ("line" = delim:0a, "modbus-tcp" = len:2be@4). maxFrame is the largest message (--max-frame); fixed:N may not
/// exceed it, nor may a length header.
[[nodiscard]] Parsed<FrameSpec> parseFrameSpec(std::string_view text, std::size_t maxFrame = DefaultMaxFrameBytes);

/// The canonical text form, which parseFrameSpec reads back to an equal spec (without maxFrame): "delim:0d0a",
/// "len:2be@4", "none".
[[nodiscard]] std::string frameSpecText(const FrameSpec& spec);

/// The presets and spellings, for help texts and the app's preset list.
inline constexpr std::string_view FrameSpecSyntax =
    "none, line, delim:HEX, fixed:N, len:W{be|le}[@OFF][+ADJ|-ADJ], idle:MS, modbus-tcp, stx-etx, slip, cobs";

} // namespace socketeer::core
