// What a session's match rules do with one received message, worked out on its worker: the replies to send (each
// after the delays before it), whether to close, and whether the session's automatic reply still answers.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/payload/payload_template.hpp"
#include "socketeer/core/rules/rule_set.hpp"

namespace socketeer::core {

struct RulePlan {
    struct Reply {
        std::chrono::milliseconds after{0}; ///< from now: the delays before it, added up
        SharedBytes bytes;
        std::int32_t rule = -1;
    };
    bool matched = false; ///< a rule matched: the automatic reply does not answer this message
    std::vector<Reply> replies;
    std::optional<std::chrono::milliseconds> closeAfter; ///< close once this much time passed and the replies are out
    std::int32_t closeRule = -1;                         ///< the rule that closes
    // A proxy's: what goes on in the message's place (the last rewrite: of the matched rules), or that nothing does.
    SharedBytes rewrite;
    std::int32_t rewriteRule = -1;
    std::int32_t dropRule = -1; ///< a matched rule said drop (the first that did)
};

/// The steps of a plan, in order, grouped by when they are due: each group is one step (its replies, then the
/// close when it is due then too), so a reply and a close due at the same moment never swap places.
struct RuleStep {
    std::chrono::milliseconds after{0};
    std::vector<RulePlan::Reply> replies;
    bool close = false;
    std::int32_t closeRule = -1;
};
std::vector<RuleStep> stepsOf(const RulePlan& plan);

/// The delayed steps of one connection or socket: a timer each, all cancelled at once when it closes (a stop never
/// waits for a delay:). At most MaxPending wait: a peer flooding a delayed rule is refused, not queued without end.
class DelayedRuleSteps {
public:
    static constexpr std::size_t MaxPending = 256;
    explicit DelayedRuleSteps(asio::any_io_executor executor) : m_executor(std::move(executor)) {}
    /// Runs `step` after `delay` while `owner` lives (the object that holds this one). False: too many wait already.
    bool schedule(std::chrono::milliseconds delay, std::weak_ptr<void> owner, std::function<void()> step);
    void cancelAll() { m_timers.clear(); }
    [[nodiscard]] std::size_t pending() const { return m_timers.size(); }

private:
    asio::any_io_executor m_executor;
    std::list<asio::steady_timer> m_timers; // a list: a timer's place stays valid until it is erased
};

/// Matches `message` (of `flow`, a proxy's direction) against `rules` in `state` (which state: actions change) and
/// resolves each reply and rewrite with the match's captures; one that cannot be made (a length that outgrew its
/// field) is reported through onError and not sent cut short (a rewrite that cannot be made leaves the message as
/// it was).
RulePlan planRules(const RuleSet& rules, ByteView message, std::string& state, const SendContext& context,
                   const std::function<void(const std::string&)>& onError, RuleFlow flow = RuleFlow::Both);

} // namespace socketeer::core
