// What a session's match rules do with one received message, worked out on its worker: the replies to send (each
// after the delays before it), whether to close, and whether the session's automatic reply still answers.
#pragma once

#include <chrono>
#include <functional>
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
};

/// Matches `message` against `rules` in `state` (which state: actions change) and resolves each reply with the
/// match's captures; a reply that cannot be made (a length that outgrew its field) is reported through onError and
/// not sent cut short.
RulePlan planRules(const RuleSet& rules, ByteView message, std::string& state, const SendContext& context,
                   const std::function<void(const std::string&)>& onError);

} // namespace socketeer::core
