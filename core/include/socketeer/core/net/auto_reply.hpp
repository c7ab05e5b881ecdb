// AutoReply: what a session answers by itself, on its I/O thread (echo, fixed reply, prefixed echo, welcome, relay).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/payload/payload_template.hpp"
#include "socketeer/core/rules/rule_set.hpp"
#include "socketeer/core/time_format.hpp"

namespace socketeer::core {

enum class ReplyMode : std::uint8_t {
    None,
    Echo,         ///< send every received message back to its sender
    Fixed,        ///< answer every message with `reply` (placeholders expanded)
    PrefixedEcho, ///< send `prefix` (placeholders expanded) followed by the received message
};

/// reply, prefix and welcome are payload templates (text with escapes and tokens), resolved for each answer:
/// {time}, {peer} "ip:port", {n} the number of this message from this peer (1-based; 0 in a welcome), the
/// checksum, length and counter tokens of PayloadTemplate.
struct AutoReply {
    ReplyMode mode = ReplyMode::None;
    PayloadTemplate reply;   ///< for Fixed
    PayloadTemplate prefix;  ///< for PrefixedEcho
    PayloadTemplate welcome; ///< TCP servers: sent to each accepted client (empty = none)
    bool relay = false;      ///< TCP servers: each client's message goes to every other connected client
    bool closeAfterReply = false; ///< close once the reply is written; with no reply mode, right after the welcome
    /// Match rules, tried first on every received message: the first that matches answers (the mode above answers
    /// only messages no rule matched).
    RuleSet rules;

    bool operator==(const AutoReply&) const = default;
    [[nodiscard]] bool active() const { return mode != ReplyMode::None || !welcome.empty() || relay || !rules.empty(); }
};

/// The reply to one received message under `rule` (empty when the mode sends nothing), or why it cannot be made
/// (a length that outgrew its field).
Parsed<Bytes> buildReply(const AutoReply& rule, ByteView received, const SendContext& context);

} // namespace socketeer::core
