// Fuzz target: the match rule parser and matcher. The first byte chooses text or hex DATA; the rest is the rule.
// A refusal names its problem and a column inside the rule; an accepted rule matches messages (its own text among
// them, in its own direction) with captures that lie inside the message, its replies and rewrites resolve with
// those captures, and where it cannot run is said with a column inside it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/rules/rule_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    if (size == 0) return 0;
    const PayloadSyntax syntax = data[0] & 1 ? PayloadSyntax::Hex : PayloadSyntax::Text;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = parseRule(text, syntax);
    if (!parsed) {
        const ParseError& error = parsed.error();
        if (error.message.empty() || error.column == 0 || (error.line == 1 && error.column > text.size() + 1)) std::abort();
        return 0;
    }
    for (RuleHost host : {RuleHost::TcpSession, RuleHost::UdpSession, RuleHost::TcpProxy, RuleHost::UdpProxy}) {
        const std::string problem = checkRuleHost(parsed.value(), host);
        if (problem.empty()) continue;
        const std::size_t at = problem.find(" at column ");
        if (at == std::string::npos) std::abort();
        const unsigned long column = std::strtoul(problem.c_str() + at + 11, nullptr, 10);
        if (column == 0 || column > text.size()) std::abort();
    }
    const RuleSet set({parsed.value()});
    const Bytes messages[] = {Bytes(data + 1, data + size), Bytes{}, Bytes{0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03},
                              Bytes(300, 'a')};
    for (const Bytes& message : messages) {
        for (const RuleHit& hit : set.match(message, parsed.value().when, parsed.value().flow)) {
            SendContext context;
            for (const ByteView capture : hit.captures) {
                if (!capture.empty() && (capture.data() < message.data() || capture.data() + capture.size() > message.data() + message.size()))
                    std::abort();
                context.captures.push_back(capture);
            }
            for (const RuleAction& action : hit.rule->actions) {
                const bool makesBytes = action.kind == ActionKind::Reply || action.kind == ActionKind::Rewrite;
                if (makesBytes && !action.reply) std::abort();
                if (makesBytes) {
                    auto reply = action.reply->resolve(context);
                    if (!reply && reply.error().message.empty()) std::abort();
                }
            }
        }
    }
    return 0;
}
