// RuleSet: a session's ordered rules — the first that matches a message wins, unless it says "continue" — with a
// hit counter per rule that any thread may read (the app shows them live).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "socketeer/core/rules/rule.hpp"

namespace socketeer::core {

/// A rule that matched one message: its place in the set and what its matcher captured (views into the message).
struct RuleHit {
    std::size_t index = 0;
    const Rule* rule = nullptr;
    std::vector<ByteView> captures; ///< capture 1 first; a group that took no part is empty
};

class RuleSet {
public:
    RuleSet() = default;
    explicit RuleSet(std::vector<Rule> rules);

    /// The rules that apply to `message` in `state`, in order: the first match, then the matches after it while
    /// the last matched rule continues. Each is counted. Linear in the message for every matcher, regexes included.
    /// `flow`: the proxy direction the message travels (rules scoped to the other one are passed over).
    [[nodiscard]] std::vector<RuleHit> match(ByteView message, std::string_view state, RuleFlow flow = RuleFlow::Both) const;

    [[nodiscard]] const std::vector<Rule>& rules() const { return m_rules; }
    [[nodiscard]] bool empty() const { return m_rules.empty(); }
    /// How many messages rule `index` matched so far (any thread).
    [[nodiscard]] std::uint64_t hits(std::size_t index) const;
    /// The same rules (as written, in the same syntax): a session with equal rules need not be remade.
    bool operator==(const RuleSet& other) const;

private:
    std::vector<Rule> m_rules;
    std::shared_ptr<std::atomic<std::uint64_t>[]> m_hits; // shared by copies: a session's copy counts for the app's
};

} // namespace socketeer::core
