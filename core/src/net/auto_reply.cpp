// Auto-reply: what a rule answers to one received message.
#include "socketeer/core/net/auto_reply.hpp"

namespace socketeer::core {

Parsed<Bytes> buildReply(const AutoReply& rule, ByteView received, const SendContext& context) {
    switch (rule.mode) {
    case ReplyMode::None: return Bytes{};
    case ReplyMode::Echo: return Bytes(received.begin(), received.end());
    case ReplyMode::Fixed: return rule.reply.resolve(context);
    case ReplyMode::PrefixedEcho: {
        auto out = rule.prefix.resolve(context);
        if (out) out.value().insert(out.value().end(), received.begin(), received.end());
        return out;
    }
    }
    return Bytes{};
}

} // namespace socketeer::core
