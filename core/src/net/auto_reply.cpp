// Auto-reply templates.
#include "socketeer/core/net/auto_reply.hpp"

#include <string_view>

namespace socketeer::core {

Bytes expandTemplate(ByteView pattern, const TemplateContext& context) {
    Bytes out;
    out.reserve(pattern.size() + 32);
    const std::string_view text = asChars(pattern);
    auto append = [&out](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '{') {
            const std::string_view rest = text.substr(i);
            if (rest.starts_with("{time}")) {
                append(formatClassicTime(context.time));
                i += 6;
                continue;
            }
            if (rest.starts_with("{peer}")) {
                append(context.peer);
                i += 6;
                continue;
            }
            if (rest.starts_with("{n}")) {
                append(std::to_string(context.messageNumber));
                i += 3;
                continue;
            }
        }
        out.push_back(pattern[i]);
        ++i;
    }
    return out;
}

Bytes buildReply(const AutoReply& rule, ByteView received, const TemplateContext& context) {
    switch (rule.mode) {
    case ReplyMode::None: return {};
    case ReplyMode::Echo: return Bytes(received.begin(), received.end());
    case ReplyMode::Fixed: return expandTemplate(rule.reply, context);
    case ReplyMode::PrefixedEcho: {
        Bytes out = expandTemplate(rule.prefix, context);
        out.insert(out.end(), received.begin(), received.end());
        return out;
    }
    }
    return {};
}

} // namespace socketeer::core
