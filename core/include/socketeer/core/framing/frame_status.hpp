// FrameStatus: how a received message came to end — what the receive pane marks, jsonl's "frame" says and counters count.
#pragma once

#include <cstdint>
#include <string_view>

namespace socketeer::core {

enum class FrameStatus : std::uint8_t {
    Unframed,  ///< the session does not frame: one read (TCP) or one datagram (UDP)
    Complete,  ///< a whole message, as the framing defines it
    Partial,   ///< the connection closed mid-message, or (stx-etx) bytes outside any STX…ETX frame
    Oversize,  ///< longer than the largest message allowed: its first max-frame bytes; the rest was dropped
    Malformed, ///< a length field shorter than its own header, a SLIP escape or COBS code that breaks the encoding
};

/// "raw", "ok", "partial", "oversize", "malformed" (jsonl's "frame" values).
std::string_view frameStatusName(FrameStatus status);

} // namespace socketeer::core
