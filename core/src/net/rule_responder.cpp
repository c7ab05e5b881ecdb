// planRules: the matched rules' actions in order, delays adding up, replies resolved with the captures.
#include "rule_responder.hpp"

namespace socketeer::core {

RulePlan planRules(const RuleSet& rules, ByteView message, std::string& state, const SendContext& context,
                   const std::function<void(const std::string&)>& onError) {
    RulePlan plan;
    if (rules.empty()) return plan;
    const auto hits = rules.match(message, state);
    plan.matched = !hits.empty();
    std::chrono::milliseconds elapsed{0};
    for (const RuleHit& hit : hits) {
        for (const RuleAction& action : hit.rule->actions) {
            switch (action.kind) {
            case ActionKind::Reply: {
                SendContext withCaptures = context;
                withCaptures.captures = hit.captures;
                auto bytes = action.reply->resolve(withCaptures);
                if (!bytes) {
                    onError("rule " + std::to_string(hit.index + 1) + ": no reply: " + bytes.error().describe());
                    break;
                }
                plan.replies.push_back({elapsed, std::make_shared<const Bytes>(std::move(bytes).value()),
                                        static_cast<std::int32_t>(hit.index)});
                break;
            }
            case ActionKind::Delay: elapsed += action.delay; break;
            case ActionKind::Close:
                if (!plan.closeAfter) plan.closeAfter = elapsed;
                break;
            case ActionKind::SetState: state = action.state; break;
            case ActionKind::Ignore:
            case ActionKind::Continue: break;
            }
        }
    }
    return plan;
}

} // namespace socketeer::core
