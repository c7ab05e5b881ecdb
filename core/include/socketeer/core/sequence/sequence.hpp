// Sequence: a workspace's scripted exchange across its sessions — send, expect a reply within a time, delay, repeat,
// set variables, log — one step per line, parsed once with the step and column of every problem. A SequenceRunner
// plays it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/parse_error.hpp"
#include "socketeer/core/payload/payload_template.hpp"
#include "socketeer/core/rules/rule.hpp"

namespace socketeer::core {

enum class StepKind : std::uint8_t {
    Send,      ///< send SESSION DATA
    Expect,    ///< expect SESSION MATCHER within MS [on-timeout: fail | continue | goto STEP]
    Delay,     ///< delay MS
    Repeat,    ///< repeat N {   (its block ends at the matching "}")
    EndRepeat, ///< }
    Set,       ///< set NAME DATA
    Log,       ///< log TEXT
    OnTimeout, ///< on-timeout: fail | continue | goto STEP — for the expects after it in its block
    Comment,   ///< # text, or an empty line
};
[[nodiscard]] std::string_view stepKindName(StepKind kind); ///< "send", "expect", ... "}" for EndRepeat

/// What an expect does when nothing matched in time.
struct TimeoutPolicy {
    enum class Kind : std::uint8_t { Fail, Continue, Goto };
    Kind kind = Kind::Fail;
    std::string target;         ///< Goto: a label or a step number, as written
    std::size_t targetStep = 0; ///< Goto: the index of the step it names
    bool operator==(const TimeoutPolicy&) const = default;
};

struct SequenceStep {
    StepKind kind = StepKind::Comment;
    std::string source;    ///< the line as written
    PayloadSyntax syntax = PayloadSyntax::Text; ///< how its DATA and matcher data are written
    std::string label;     ///< "retry" in "retry: send plc ..." (goto's target)
    std::string session;   ///< Send, Expect: the session's name
    std::shared_ptr<const PayloadTemplate> data; ///< Send, Set; Log (text)
    std::size_t dataColumn = 1; ///< where DATA begins in the line (its template's columns count from there)
    std::string variable;  ///< Set
    Matcher matcher;       ///< Expect
    std::string matcherText; ///< Expect: the matcher as written ("prefix:OK")
    std::chrono::milliseconds duration{0}; ///< Expect: within; Delay
    TimeoutPolicy onTimeout; ///< Expect: from its clause, else from the on-timeout line before it; OnTimeout
    bool ownTimeoutClause = false; ///< Expect: onTimeout is its own "on-timeout:" clause
    std::uint64_t count = 0; ///< Repeat
    std::size_t blockEnd = 0;   ///< Repeat: the index of its "}"; EndRepeat: the index of its repeat
    std::size_t parent = NoParent; ///< the repeat whose block holds it (NoParent at the top level)

    static constexpr std::size_t NoParent = static_cast<std::size_t>(-1);
    /// A step of the report: everything but comments, on-timeout lines and closing braces.
    [[nodiscard]] bool reported() const;
};

/// One line of a sequence as written, with the syntax of its DATA (a workspace may mark single steps as hex).
struct StepLine {
    std::string text;
    PayloadSyntax syntax = PayloadSyntax::Text;
    bool operator==(const StepLine&) const = default;
};

struct Sequence {
    std::string name;
    std::vector<SequenceStep> steps; ///< one per line, "}" included: step N of messages is steps[N - 1]
    std::string hotkey;              ///< "Ctrl+F1" … "Ctrl+F12": the app runs it on that key ("" = none)

    [[nodiscard]] std::vector<StepLine> lines() const;
    /// "step 3 (expect plc prefix:OK within 500)"
    [[nodiscard]] std::string describeStep(std::size_t index) const;
};

struct SequenceLimits {
    std::size_t maxSteps = 10'000;
    std::size_t maxDepth = 32;                    ///< nested repeats
    std::uint64_t maxRepeat = 1'000'000'000;
    std::chrono::milliseconds maxDuration{86'400'000}; ///< a delay's or an expect's time (a day)
};

/// Parses every line; an error's `line` is the step's number (1-based) and its column the place in that line:
/// "step 4: unknown step 'sned' (steps: send, expect, ...) at column 1". Session names are not checked here
/// (checkSessions does).
Parsed<Sequence> parseSequence(std::string name, const std::vector<StepLine>& lines,
                               TextEncoding encoding = TextEncoding::Utf8, const SequenceLimits& limits = {});

/// "" when every session a step names is one of `sessions`, else "step 2: no session named 'plc' (sessions: a, b)".
[[nodiscard]] std::string checkSessions(const Sequence& sequence, const std::vector<std::string>& sessions);

/// Whether `key` is a hotkey a sequence may have: "Ctrl+F1" … "Ctrl+F12". Returns its number (1…12) or 0.
[[nodiscard]] int sequenceHotkeyNumber(std::string_view key);

} // namespace socketeer::core
