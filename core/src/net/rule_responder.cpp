// planRules: the matched rules' actions in order, delays adding up, replies resolved with the captures.
#include "rule_responder.hpp"

namespace socketeer::core {

RulePlan planRules(const RuleSet& rules, ByteView message, std::string& state, const SendContext& context,
                   const std::function<void(const std::string&)>& onError, RuleFlow flow) {
    RulePlan plan;
    if (rules.empty()) return plan;
    const auto hits = rules.match(message, state, flow);
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
            case ActionKind::Rewrite: {
                SendContext withCaptures = context;
                withCaptures.captures = hit.captures;
                auto bytes = action.reply->resolve(withCaptures);
                if (!bytes) {
                    onError("rule " + std::to_string(hit.index + 1) + ": no rewrite (the message goes on as it was): " +
                            bytes.error().describe());
                    break;
                }
                plan.rewrite = std::make_shared<const Bytes>(std::move(bytes).value());
                plan.rewriteRule = static_cast<std::int32_t>(hit.index);
                break;
            }
            case ActionKind::Drop:
                if (plan.dropRule < 0) plan.dropRule = static_cast<std::int32_t>(hit.index);
                break;
            case ActionKind::Delay: elapsed += action.delay; break;
            case ActionKind::Close:
                if (!plan.closeAfter) {
                    plan.closeAfter = elapsed;
                    plan.closeRule = static_cast<std::int32_t>(hit.index);
                }
                break;
            case ActionKind::SetState: state = action.state; break;
            case ActionKind::Ignore:
            case ActionKind::Continue: break;
            }
        }
    }
    return plan;
}

std::vector<RuleStep> stepsOf(const RulePlan& plan) {
    std::vector<RuleStep> steps;
    for (const RulePlan::Reply& reply : plan.replies) { // in order of their delays: they only add up
        if (steps.empty() || steps.back().after != reply.after) steps.push_back({reply.after, {}, false, -1});
        steps.back().replies.push_back(reply);
    }
    if (plan.closeAfter) { // close is a rule's last action: it is due with the last replies, or after them
        if (steps.empty() || steps.back().after != *plan.closeAfter) steps.push_back({*plan.closeAfter, {}, false, -1});
        steps.back().close = true;
        steps.back().closeRule = plan.closeRule;
    }
    return steps;
}

bool DelayedRuleSteps::schedule(std::chrono::milliseconds delay, std::weak_ptr<void> owner, std::function<void()> step) {
    if (m_timers.size() >= MaxPending) return false;
    m_timers.emplace_back(m_executor, delay);
    const auto at = std::prev(m_timers.end());
    at->async_wait([this, at, owner = std::move(owner), step = std::move(step)](std::error_code ec) {
        // Cancelled (closed, or the owner went away): nothing here may be touched any more.
        if (ec) return;
        const auto alive = owner.lock();
        if (!alive) return;
        m_timers.erase(at);
        step();
    });
    return true;
}

} // namespace socketeer::core
