// RuleTable: a session's match rules as the app edits them — rows in order, each enabled or not, in text or hex,
// with the reason a row does not parse (kept as typed, left out of the session's rules until it does). Every edit
// writes the rows that parse to the session's settings; `test` shows what the rules would do with a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "socketeer/core/rules/rule_set.hpp"

namespace socketeer::app {

struct RuleRow {
    std::string text;
    bool hex = false;
    bool enabled = true;
    std::string error; ///< why text is not a rule, with its column ("" = it is one)
};

/// What the rules would do with one message, in lines a person reads.
struct RuleTestResult {
    std::string error;              ///< the message itself does not parse (bad hex at column 7)
    std::vector<std::string> lines; ///< "rule 2 matches, captures 1 = 00 01", "reply 01 03 04 ... (9 bytes)", ...
};

class RuleTable {
public:
    /// target: the session's rules (its settings), rewritten after every edit. host: what rules may do there
    /// (UDP refuses close; only a proxy rewrites, drops, or scopes a rule to a direction).
    RuleTable(core::RuleSet& target, core::RuleHost host);
    /// The session changed what it is (a proxy switched to UDP): every row is checked again.
    void setHost(core::RuleHost host);
    [[nodiscard]] core::RuleHost host() const { return m_host; }

    [[nodiscard]] const std::vector<RuleRow>& rows() const { return m_rows; }
    /// Appends a row (empty rows wait to be typed); returns its index.
    std::size_t add(std::string text = {}, bool hex = false);
    void setText(std::size_t row, std::string text);
    void setHex(std::size_t row, bool hex);
    void setEnabled(std::size_t row, bool enabled);
    void remove(std::size_t row);
    /// Moves a row one place up (-1) or down (+1); first match wins, so order matters.
    void move(std::size_t row, int direction);
    /// Rereads the session's rules (after a workspace load).
    void reload();

    /// The rows that are rules (empty or bad ones left out), in order, and which row each came from.
    [[nodiscard]] std::vector<core::Rule> rules(std::vector<std::size_t>* rowOf = nullptr) const;
    /// Hits of each row in `live` (the rules the running session was opened with), when they are these rules;
    /// nullopt for all when the table was changed since (the session runs its old rules until it is reopened).
    [[nodiscard]] std::optional<std::vector<std::optional<std::uint64_t>>> liveHits(const core::RuleSet* live) const;
    /// What the rules do with `message` (text with escapes, or hex), in the initial state; a proxy's message
    /// travels in `flow`.
    [[nodiscard]] RuleTestResult test(const std::string& message, bool hex, core::RuleFlow flow = core::RuleFlow::Both) const;

private:
    void parseRow(RuleRow& row) const;
    void apply();

    core::RuleSet& m_target;
    core::RuleHost m_host;
    std::vector<RuleRow> m_rows;
    std::vector<std::size_t> m_rowOf; ///< the row of each of the target's rules
};

} // namespace socketeer::app
