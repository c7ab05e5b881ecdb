// AutoReply: what a session answers by itself, on its I/O thread (echo, fixed reply, prefixed echo, welcome, relay).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/time_format.hpp"

namespace socketeer::core {

enum class ReplyMode : std::uint8_t {
    None,
    Echo,         ///< send every received message back to its sender
    Fixed,        ///< answer every message with `reply` (placeholders expanded)
    PrefixedEcho, ///< send `prefix` (placeholders expanded) followed by the received message
};

/// Placeholders in reply, prefix and welcome: {time} "Mon Nov 23 10:00:00 2026" (local time), {peer} "ip:port",
/// {n} the number of this message from this peer (1-based; 0 in a welcome). Other braces are sent as they are.
struct AutoReply {
    ReplyMode mode = ReplyMode::None;
    Bytes reply;             ///< for Fixed
    Bytes prefix;            ///< for PrefixedEcho
    Bytes welcome;           ///< TCP servers: sent to each accepted client (empty = none)
    bool relay = false;      ///< TCP servers: each client's message goes to every other connected client
    bool closeAfterReply = false; ///< close once the reply is written; with no reply mode, right after the welcome

    bool operator==(const AutoReply&) const = default;
    [[nodiscard]] bool active() const { return mode != ReplyMode::None || !welcome.empty() || relay; }
};

struct TemplateContext {
    std::chrono::system_clock::time_point time;
    std::string peer;
    std::uint64_t messageNumber = 0;
};

/// Expands {time}, {peer} and {n} in a template; every other byte is copied unchanged.
Bytes expandTemplate(ByteView pattern, const TemplateContext& context);

/// The reply to one received message under `rule`, or empty when the mode sends nothing.
Bytes buildReply(const AutoReply& rule, ByteView received, const TemplateContext& context);

} // namespace socketeer::core
