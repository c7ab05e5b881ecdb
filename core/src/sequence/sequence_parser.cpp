// parseSequence: each line split into its label, keyword and arguments, each checked with the column it starts at;
// then the blocks (repeat … }) and goto targets across lines.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "socketeer/core/sequence/sequence.hpp"

namespace socketeer::core {
namespace {

constexpr std::string_view StepNames = "steps: send, expect, delay, repeat, }, set, log, on-timeout:, # comment";

/// Errors of one line: "step N: MESSAGE" at a column of that line, counted in characters as ParseError does.
class LineErrors {
public:
    LineErrors(std::size_t stepNumber, std::string_view line) : m_step(stepNumber), m_line(line) {}
    [[nodiscard]] ParseError at(std::size_t offset, const std::string& message) const {
        return ParseError{1, column(offset), "step " + std::to_string(m_step) + ": " + message};
    }
    /// An error of a parser that read the line from `offset` on (its column counts from there), moved to its
    /// place in the line.
    [[nodiscard]] ParseError shifted(const ParseError& error, std::size_t offset) const {
        return ParseError{1, error.line > 1 || error.column == 0 ? 0 : column(offset) + error.column - 1,
                          "step " + std::to_string(m_step) + ": " + error.message};
    }
    /// The 1-based character column of byte `offset`.
    [[nodiscard]] std::size_t column(std::size_t offset) const {
        std::size_t characters = 1;
        for (std::size_t i = 0; i < offset && i < m_line.size(); ++i)
            if ((static_cast<unsigned char>(m_line[i]) & 0xC0) != 0x80) ++characters;
        return characters + (offset > m_line.size() ? offset - m_line.size() : 0);
    }

private:
    std::size_t m_step;
    std::string_view m_line;
};

bool isBlank(char c) { return c == ' ' || c == '\t'; }

std::size_t skipBlanks(std::string_view text, std::size_t at) {
    while (at < text.size() && isBlank(text[at])) ++at;
    return at;
}

std::size_t wordEnd(std::string_view text, std::size_t at) {
    while (at < text.size() && !isBlank(text[at])) ++at;
    return at;
}

std::size_t trimmedEnd(std::string_view text) {
    std::size_t end = text.size();
    while (end > 0 && (isBlank(text[end - 1]) || text[end - 1] == '\r')) --end;
    return end;
}

template <class Number>
std::optional<Number> number(std::string_view text) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

/// "250" or "250ms" (at `offset` in the line) as a time up to the limit.
Parsed<std::chrono::milliseconds> milliseconds(std::string_view text, std::size_t offset, const LineErrors& errors,
                                               std::string_view what, const SequenceLimits& limits) {
    std::string_view digits = text;
    if (digits.ends_with("ms")) digits.remove_suffix(2);
    const auto value = number<std::uint64_t>(digits);
    if (!value || *value > static_cast<std::uint64_t>(limits.maxDuration.count()))
        return errors.at(offset, std::string(what) + " needs milliseconds from 0 to " +
                                     std::to_string(limits.maxDuration.count()) + ", not '" + std::string(text) + "'");
    return std::chrono::milliseconds(static_cast<std::int64_t>(*value));
}

bool isName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

bool isKeyword(std::string_view word) {
    for (const std::string_view keyword : {"send", "expect", "delay", "repeat", "set", "log", "on-timeout"})
        if (word == keyword) return true;
    return false;
}

/// SESSION at `at`: a name without blanks, or "a name with blanks". Returns the name and where it ends.
std::optional<std::pair<std::string, std::size_t>> sessionName(std::string_view line, std::size_t at) {
    if (at < line.size() && line[at] == '"') {
        const std::size_t close = line.find('"', at + 1);
        if (close == std::string_view::npos || close == at + 1) return std::nullopt;
        return std::pair{std::string(line.substr(at + 1, close - at - 1)), close + 1};
    }
    const std::size_t end = wordEnd(line, at);
    if (end == at) return std::nullopt;
    return std::pair{std::string(line.substr(at, end - at)), end};
}

/// "fail", "continue" or "goto STEP" from `at` to the end of the line.
Parsed<TimeoutPolicy> timeoutPolicy(std::string_view line, std::size_t at, const LineErrors& errors) {
    at = skipBlanks(line, at);
    const std::size_t end = wordEnd(line, at);
    const std::string_view word = line.substr(at, end - at);
    TimeoutPolicy policy;
    if (word == "fail") policy.kind = TimeoutPolicy::Kind::Fail;
    else if (word == "continue") policy.kind = TimeoutPolicy::Kind::Continue;
    else if (word == "goto") {
        policy.kind = TimeoutPolicy::Kind::Goto;
        const std::size_t targetAt = skipBlanks(line, end);
        const std::size_t targetEnd = wordEnd(line, targetAt);
        policy.target = std::string(line.substr(targetAt, targetEnd - targetAt));
        if (policy.target.empty()) return errors.at(targetAt, "goto needs a step: a label or a step number");
        if (skipBlanks(line, targetEnd) != line.size())
            return errors.at(skipBlanks(line, targetEnd), "nothing may follow goto's step");
        return policy;
    } else {
        return errors.at(at, "on-timeout: is fail, continue or goto STEP, not '" + std::string(word) + "'");
    }
    if (skipBlanks(line, end) != line.size()) return errors.at(skipBlanks(line, end), "nothing may follow '" + std::string(word) + "'");
    return policy;
}

Parsed<std::shared_ptr<const PayloadTemplate>> stepData(std::string_view line, std::size_t at, PayloadSyntax syntax,
                                                        TextEncoding encoding, const LineErrors& errors) {
    auto parsed = PayloadTemplate::parse(line.substr(at), syntax, encoding, TemplateTokens::SendCapturesAndVariables);
    if (!parsed) return errors.shifted(parsed.error(), at);
    return std::make_shared<const PayloadTemplate>(std::move(parsed).value());
}

/// expect's arguments after SESSION: MATCHER within MS [on-timeout: POLICY]. The matcher's data may hold blanks and
/// even the word "within", so the clause is the last "within" that reads as one.
std::optional<ParseError> expectArguments(std::string_view line, std::size_t at, SequenceStep& step, TextEncoding encoding,
                                          const LineErrors& errors, const SequenceLimits& limits) {
    std::optional<ParseError> clauseError;
    // Every "within" with a blank on each side, from the right.
    std::vector<std::size_t> candidates;
    for (std::size_t p = line.find("within", at); p != std::string_view::npos; p = line.find("within", p + 1))
        if (p > at && isBlank(line[p - 1]) && p + 6 < line.size() && isBlank(line[p + 6])) candidates.push_back(p);
    for (auto candidate = candidates.rbegin(); candidate != candidates.rend(); ++candidate) {
        const std::size_t within = *candidate - 1; // the blank before it
        const std::size_t timeAt = skipBlanks(line, within + 7);
        const std::size_t timeEnd = wordEnd(line, timeAt);
        auto duration = milliseconds(line.substr(timeAt, timeEnd - timeAt), timeAt, errors, "within", limits);
        const std::size_t rest = skipBlanks(line, timeEnd);
        std::optional<TimeoutPolicy> policy;
        if (duration && rest < line.size()) {
            if (!line.substr(rest).starts_with("on-timeout:")) {
                if (!clauseError) clauseError = errors.at(rest, "after 'within MS' only 'on-timeout: ...' may follow");
                continue;
            }
            auto parsed = timeoutPolicy(line, rest + 11, errors);
            if (!parsed) return parsed.error();
            policy = parsed.value();
        }
        if (!duration) {
            if (!clauseError) clauseError = duration.error();
            continue;
        }
        std::size_t matcherEnd = within;
        while (matcherEnd > at && isBlank(line[matcherEnd - 1])) --matcherEnd;
        if (matcherEnd == at) return errors.at(at, "expect needs a matcher (exact:, prefix:, contains:, suffix:, hex:, regex:)");
        step.matcherText = std::string(line.substr(at, matcherEnd - at));
        auto matcher = parseMatcher(step.matcherText, step.syntax, encoding);
        if (!matcher) return errors.shifted(matcher.error(), at);
        step.matcher = std::move(matcher).value();
        step.duration = duration.value();
        if (step.duration.count() == 0) return errors.at(timeAt, "within needs at least 1 ms");
        if (policy) step.onTimeout = *policy;
        step.ownTimeoutClause = policy.has_value();
        return std::nullopt;
    }
    if (clauseError) return clauseError;
    return errors.at(trimmedEnd(line), "expect needs 'within MS' after its matcher");
}

/// One line into a step (blocks and goto targets are checked afterwards, across lines).
Parsed<SequenceStep> parseLine(const StepLine& input, TextEncoding encoding, const LineErrors& errors,
                               const SequenceLimits& limits) {
    SequenceStep step;
    step.source = input.text;
    step.syntax = input.syntax;
    const std::string_view whole = input.text;
    if (whole.find('\n') != std::string_view::npos)
        return errors.at(whole.find('\n'), "a step is one line (a line break in it)");
    const std::string_view line = whole.substr(0, trimmedEnd(whole));
    std::size_t at = skipBlanks(line, 0);
    if (at == line.size() || line[at] == '#') return step; // a comment
    std::size_t end = wordEnd(line, at);
    std::string_view word = line.substr(at, end - at);
    // "NAME: step" — a label, the target of goto; "on-timeout:" is a step, not a label.
    if (word.size() > 1 && word.back() == ':' && word != "on-timeout:") {
        const std::string_view label = word.substr(0, word.size() - 1);
        if (!isName(label) || number<std::uint64_t>(label))
            return errors.at(at, "'" + std::string(label) + "' is not a label (letters, digits, '_', '-', '.'; not only digits)");
        if (isKeyword(label)) return errors.at(at, "'" + std::string(label) + "' is a step's name, not a label");
        step.label = std::string(label);
        at = skipBlanks(line, end);
        end = wordEnd(line, at);
        word = line.substr(at, end - at);
        if (word.empty()) return errors.at(at, "a label needs a step after it");
    }
    const std::size_t argsAt = skipBlanks(line, end);
    const bool hasArgs = argsAt < line.size();
    if (word == "send" || word == "expect") {
        step.kind = word == "send" ? StepKind::Send : StepKind::Expect;
        auto session = sessionName(line, argsAt);
        if (!session) return errors.at(argsAt, std::string(word) + " needs a session: its name, or \"a name\" in quotes");
        step.session = session->first;
        const std::size_t dataAt = skipBlanks(line, session->second);
        if (session->second < line.size() && !isBlank(line[session->second]))
            return errors.at(session->second, "a blank must follow the session's name");
        if (step.kind == StepKind::Send) {
            if (dataAt == line.size()) return errors.at(dataAt, "send needs DATA after the session");
            auto data = stepData(line, dataAt, step.syntax, encoding, errors);
            if (!data) return data.error();
            step.data = std::move(data).value();
            step.dataColumn = errors.column(dataAt);
        } else if (auto error = expectArguments(line, dataAt, step, encoding, errors, limits)) {
            return *error;
        }
    } else if (word == "delay") {
        step.kind = StepKind::Delay;
        const std::size_t timeEnd = wordEnd(line, argsAt);
        auto duration = milliseconds(line.substr(argsAt, timeEnd - argsAt), argsAt, errors, "delay", limits);
        if (!duration) return duration.error();
        if (timeEnd != line.size()) return errors.at(skipBlanks(line, timeEnd), "nothing may follow delay's time");
        step.duration = duration.value();
    } else if (word == "repeat") {
        step.kind = StepKind::Repeat;
        std::size_t countEnd = argsAt;
        while (countEnd < line.size() && std::isdigit(static_cast<unsigned char>(line[countEnd]))) ++countEnd;
        const auto count = number<std::uint64_t>(line.substr(argsAt, countEnd - argsAt));
        if (!count || *count == 0 || *count > limits.maxRepeat)
            return errors.at(argsAt, "repeat needs a count from 1 to " + std::to_string(limits.maxRepeat));
        const std::size_t braceAt = skipBlanks(line, countEnd);
        if (braceAt == line.size() || line[braceAt] != '{' || braceAt + 1 != line.size())
            return errors.at(braceAt, "repeat N ends with '{' (its steps follow, one per line, until '}')");
        step.count = *count;
    } else if (word == "}") {
        step.kind = StepKind::EndRepeat;
        if (end != line.size()) return errors.at(end, "'}' stands alone on its line");
        if (!step.label.empty()) return errors.at(0, "'}' cannot have a label");
    } else if (word == "set") {
        step.kind = StepKind::Set;
        const std::size_t nameEnd = wordEnd(line, argsAt);
        step.variable = std::string(line.substr(argsAt, nameEnd - argsAt));
        if (!isVariableName(step.variable))
            return errors.at(argsAt, "set needs a variable name (a letter or '_', then letters, digits, '_', '-', '.')");
        const std::size_t dataAt = skipBlanks(line, nameEnd);
        auto data = stepData(line, dataAt, step.syntax, encoding, errors);
        if (!data) return data.error();
        step.data = std::move(data).value();
        step.dataColumn = errors.column(dataAt);
    } else if (word == "log") {
        step.kind = StepKind::Log;
        auto data = stepData(hasArgs ? line : std::string_view(), hasArgs ? argsAt : 0, PayloadSyntax::Text, encoding, errors);
        if (!data) return data.error();
        step.data = std::move(data).value();
        step.dataColumn = errors.column(hasArgs ? argsAt : line.size());
    } else if (word == "on-timeout:" || word.starts_with("on-timeout:")) {
        step.kind = StepKind::OnTimeout;
        auto policy = timeoutPolicy(line, at + 11, errors);
        if (!policy) return policy.error();
        step.onTimeout = policy.value();
    } else {
        return errors.at(at, "unknown step '" + std::string(word) + "' (" + std::string(StepNames) + ")");
    }
    return step;
}

bool encloses(const std::vector<SequenceStep>& steps, std::size_t block, std::size_t step) {
    for (std::size_t parent = steps[step].parent; parent != SequenceStep::NoParent; parent = steps[parent].parent)
        if (parent == block) return true;
    return false;
}

/// A goto's target: a label, or a step number; inside the blocks that hold the expect (a jump may leave a repeat,
/// never enter one from outside).
std::optional<ParseError> resolveGoto(std::vector<SequenceStep>& steps, std::size_t index, std::size_t policyStep) {
    TimeoutPolicy& policy = steps[index].onTimeout;
    const std::string_view source = steps[policyStep].source;
    const LineErrors errors(policyStep + 1, source);
    const std::size_t found = source.rfind(policy.target);
    const std::size_t column = found == std::string_view::npos ? 0 : found;
    std::optional<std::size_t> target;
    if (const auto number = core::number<std::size_t>(policy.target)) {
        if (*number == 0 || *number > steps.size())
            return errors.at(column, "goto " + policy.target + ": there are steps 1 to " + std::to_string(steps.size()));
        target = *number - 1;
    } else {
        for (std::size_t i = 0; i < steps.size() && !target; ++i)
            if (steps[i].label == policy.target) target = i;
        if (!target) return errors.at(column, "goto " + policy.target + ": no step has that label");
    }
    const std::size_t parent = steps[*target].parent;
    if (steps[*target].kind == StepKind::EndRepeat)
        return errors.at(column, "goto " + policy.target + ": a '}' is not a step to go to");
    if (parent != SequenceStep::NoParent && parent != steps[index].parent && !encloses(steps, parent, index))
        return errors.at(column, "goto " + policy.target + ": step " + std::to_string(*target + 1) +
                                     " is inside a repeat this step is not in (go to its 'repeat' line instead)");
    policy.targetStep = *target;
    return std::nullopt;
}

} // namespace

bool SequenceStep::reported() const {
    return kind != StepKind::Comment && kind != StepKind::OnTimeout && kind != StepKind::EndRepeat;
}

std::string_view stepKindName(StepKind kind) {
    switch (kind) {
    case StepKind::Send: return "send";
    case StepKind::Expect: return "expect";
    case StepKind::Delay: return "delay";
    case StepKind::Repeat: return "repeat";
    case StepKind::EndRepeat: return "}";
    case StepKind::Set: return "set";
    case StepKind::Log: return "log";
    case StepKind::OnTimeout: return "on-timeout";
    case StepKind::Comment: return "comment";
    }
    return "?";
}

std::vector<StepLine> Sequence::lines() const {
    std::vector<StepLine> lines;
    lines.reserve(steps.size());
    for (const SequenceStep& step : steps) lines.push_back({step.source, step.syntax});
    return lines;
}

std::string Sequence::describeStep(std::size_t index) const {
    if (index >= steps.size()) return "the end";
    std::string_view source = steps[index].source;
    const std::size_t first = source.find_first_not_of(" \t");
    source = first == std::string_view::npos ? std::string_view() : source.substr(first);
    std::size_t cut = std::min<std::size_t>(source.size(), 200);
    while (cut < source.size() && cut > 0 && (static_cast<unsigned char>(source[cut]) & 0xC0) == 0x80) --cut; // whole characters
    std::string shown(source.substr(0, cut));
    // A JSON string may hold control characters: a report line must not.
    std::replace_if(shown.begin(), shown.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
    std::string text = "step " + std::to_string(index + 1) + " (" + shown;
    if (cut < source.size()) text += "...";
    return text + ")";
}

Parsed<Sequence> parseSequence(std::string name, const std::vector<StepLine>& lines, TextEncoding encoding,
                               const SequenceLimits& limits) {
    if (lines.size() > limits.maxSteps)
        return ParseError{1, 0, std::to_string(lines.size()) + " steps is more than the " + std::to_string(limits.maxSteps) + " a sequence may have"};
    Sequence sequence;
    sequence.name = std::move(name);
    std::vector<std::size_t> openBlocks;                  // the repeats whose "}" is still to come
    std::vector<std::pair<TimeoutPolicy, std::size_t>> policies{{TimeoutPolicy{}, SequenceStep::NoParent}}; // per block: policy, its line
    std::vector<std::pair<std::size_t, std::size_t>> gotos; // expect, the step whose text names the target
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const LineErrors errors(i + 1, lines[i].text);
        auto parsed = parseLine(lines[i], encoding, errors, limits);
        if (!parsed) return parsed.error();
        SequenceStep step = std::move(parsed).value();
        step.parent = openBlocks.empty() ? SequenceStep::NoParent : openBlocks.back();
        if (!step.label.empty())
            for (std::size_t j = 0; j < i; ++j)
                if (sequence.steps[j].label == step.label)
                    return errors.at(step.source.find(step.label), "label '" + step.label + "' is already step " + std::to_string(j + 1) + "'s");
        switch (step.kind) {
        case StepKind::Repeat:
            if (openBlocks.size() >= limits.maxDepth)
                return errors.at(0, "more than " + std::to_string(limits.maxDepth) + " repeats inside each other");
            openBlocks.push_back(i);
            policies.push_back(policies.back());
            break;
        case StepKind::EndRepeat:
            if (openBlocks.empty()) return errors.at(step.source.find('}'), "'}' without a 'repeat N {' before it");
            step.blockEnd = openBlocks.back();
            step.parent = sequence.steps[openBlocks.back()].parent;
            sequence.steps[openBlocks.back()].blockEnd = i;
            openBlocks.pop_back();
            policies.pop_back();
            break;
        case StepKind::OnTimeout: policies.back() = {step.onTimeout, i}; break;
        case StepKind::Expect: {
            // Its own clause, else the on-timeout line before it in its block (else fail).
            const bool ownClause = step.ownTimeoutClause;
            if (!ownClause) step.onTimeout = policies.back().first;
            if (step.onTimeout.kind == TimeoutPolicy::Kind::Goto) gotos.emplace_back(i, ownClause ? i : policies.back().second);
            break;
        }
        default: break;
        }
        sequence.steps.push_back(std::move(step));
    }
    if (!openBlocks.empty())
        return LineErrors(openBlocks.back() + 1, lines[openBlocks.back()].text).at(0, "'repeat' without its closing '}'");
    for (const auto& [expect, policyStep] : gotos)
        if (auto error = resolveGoto(sequence.steps, expect, policyStep)) return *error;
    return sequence;
}

std::string checkSessions(const Sequence& sequence, const std::vector<std::string>& sessions) {
    for (std::size_t i = 0; i < sequence.steps.size(); ++i) {
        const SequenceStep& step = sequence.steps[i];
        if (step.kind != StepKind::Send && step.kind != StepKind::Expect) continue;
        const auto named = std::count(sessions.begin(), sessions.end(), step.session);
        if (named == 1) continue;
        if (named > 1) return "step " + std::to_string(i + 1) + ": " + std::to_string(named) + " sessions are named '" + step.session + "' (give them names of their own)";
        std::string list;
        for (const auto& name : sessions) list += (list.empty() ? "" : ", ") + name;
        return "step " + std::to_string(i + 1) + ": no session named '" + step.session + "' (sessions: " +
               (list.empty() ? "none" : list) + ")";
    }
    return {};
}

int sequenceHotkeyNumber(std::string_view key) {
    if (!key.starts_with("Ctrl+F")) return 0;
    const auto number = core::number<int>(key.substr(6));
    return number && *number >= 1 && *number <= 12 ? *number : 0;
}

} // namespace socketeer::core
