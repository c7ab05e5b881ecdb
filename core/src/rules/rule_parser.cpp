// parseRule: the rule's text split into its state, matcher and actions, each checked with the column it starts at.
#ifdef SOCKETEER_HAVE_RE2
#include <re2/re2.h>
#endif

#include <algorithm>
#include <cctype>
#include <charconv>

#include "socketeer/core/rules/rule.hpp"

namespace socketeer::core {

namespace {

constexpr std::string_view Arrow = " => ";
constexpr std::string_view MatcherNames = "matchers: exact, prefix, contains, suffix, hex, regex";
constexpr std::string_view ActionNames = "actions: reply, delay, close, ignore, state, continue";
constexpr std::int64_t RegexMemoryBytes = 8 << 20; // a pattern that needs more is refused, not run

ParseError at(std::size_t offset, std::string message) { return ParseError{1, offset + 1, std::move(message)}; }

/// An error of a parser that read text[offset...], moved to its place in the rule.
ParseError shiftedBy(ParseError error, std::size_t offset) {
    if (error.line == 1 && error.column > 0) error.column += offset;
    return error;
}

bool isNameCharacter(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

/// A state's name: letters, digits, '_', '-', '.'.
std::optional<ParseError> checkStateName(std::string_view name, std::size_t offset, std::string_view what) {
    if (name.empty()) return at(offset, std::string(what) + " needs a state name");
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!isNameCharacter(name[i]))
            return at(offset + i, std::string(what) + ": '" + std::string(1, name[i]) + "' cannot be in a state name");
    return std::nullopt;
}

Parsed<Matcher> parseHexPattern(std::string_view text, std::size_t offset) {
    Matcher matcher;
    matcher.kind = MatcherKind::HexPattern;
    for (std::size_t i = 0; i < text.size();) {
        if (std::isspace(static_cast<unsigned char>(text[i]))) {
            ++i;
            continue;
        }
        if (text.compare(i, 2, "??") == 0) {
            matcher.bytes.push_back(0);
            matcher.wildcard.push_back(true);
            i += 2;
            continue;
        }
        const auto hexDigit = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
        if (i + 1 >= text.size() || !hexDigit(text[i]) || !hexDigit(text[i + 1]))
            return at(offset + i, "hex: expected a byte in hex or ?? here");
        std::uint8_t value = 0;
        std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
        matcher.bytes.push_back(value);
        matcher.wildcard.push_back(false);
        i += 2;
    }
    if (matcher.bytes.empty()) return at(offset, "hex: needs the message's bytes (?? for any byte)");
    return matcher;
}

Parsed<Matcher> parseRegex(std::string_view pattern, std::size_t offset) {
    if (pattern.empty()) return at(offset, "regex: needs a pattern");
#ifndef SOCKETEER_HAVE_RE2
    return at(offset, "regex: this build has no RE2 (the cross-compiled Windows build); use exact, prefix, contains, "
                      "suffix or hex, or a native build");
#else
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1); // bytes, not UTF-8: any byte can match
    options.set_log_errors(false);
    options.set_max_mem(RegexMemoryBytes);
    auto regex = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!regex->ok()) return at(offset, "regex: " + regex->error());
    Matcher matcher;
    matcher.kind = MatcherKind::Regex;
    matcher.regex = std::move(regex);
    return matcher;
#endif
}

Parsed<Matcher> parseMatcher(std::string_view text, std::size_t offset, PayloadSyntax syntax, TextEncoding encoding) {
    const std::size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    if (colon == std::string_view::npos)
        return at(offset, "a matcher is KIND:DATA, not '" + std::string(text) + "' (" + std::string(MatcherNames) + ")");
    const std::string_view data = text.substr(colon + 1);
    const std::size_t dataOffset = offset + colon + 1;
    if (name == "hex") return parseHexPattern(data, dataOffset);
    if (name == "regex") return parseRegex(data, dataOffset);
    Matcher matcher;
    if (name == "exact") matcher.kind = MatcherKind::Exact;
    else if (name == "prefix") matcher.kind = MatcherKind::Prefix;
    else if (name == "contains") matcher.kind = MatcherKind::Contains;
    else if (name == "suffix") matcher.kind = MatcherKind::Suffix;
    else return at(offset, "unknown matcher '" + std::string(name) + "' (" + std::string(MatcherNames) + ")");
    auto parsed = PayloadTemplate::parse(data, syntax, encoding);
    if (!parsed) return shiftedBy(parsed.error(), dataOffset);
    if (!parsed.value().isLiteral())
        return at(dataOffset, std::string(name) + ": a matcher's data is fixed bytes (tokens such as {crc16/modbus} belong in a reply; write {{ for a brace)");
    matcher.bytes = parsed.value().resolve({}).value();
    if (matcher.bytes.empty() && matcher.kind != MatcherKind::Exact)
        return at(dataOffset, std::string(name) + ": needs the bytes to look for");
    return matcher;
}

/// The text begins with an action: "reply:", "delay:", "state:", or a bare word action then its end or a blank.
bool startsAnAction(std::string_view text) {
    for (std::string_view name : {"reply:", "delay:", "state:"})
        if (text.starts_with(name)) return true;
    for (std::string_view name : {"close", "ignore", "continue"})
        if (text.starts_with(name) && (text.size() == name.size() || std::isspace(static_cast<unsigned char>(text[name.size()]))))
            return true;
    return false;
}

Parsed<RuleAction> parseAction(std::string_view text, std::size_t offset, const Matcher& matcher, PayloadSyntax syntax,
                               TextEncoding encoding) {
    RuleAction action;
    if (text == "close") action.kind = ActionKind::Close;
    else if (text == "ignore") action.kind = ActionKind::Ignore;
    else if (text == "continue") action.kind = ActionKind::Continue;
    else if (text.starts_with("reply:")) {
        action.kind = ActionKind::Reply;
        auto reply = PayloadTemplate::parse(text.substr(6), syntax, encoding, TemplateTokens::SendAndCaptures);
        if (!reply) return shiftedBy(reply.error(), offset + 6);
        if (reply.value().highestCapture() > matcher.captureCount()) {
            const std::string source(text.substr(6));
            const std::size_t token = source.find("{" + std::to_string(reply.value().highestCapture()) + "}");
            const std::size_t hexToken = source.find("{hex:" + std::to_string(reply.value().highestCapture()) + "}");
            return at(offset + 6 + std::min(token, hexToken),
                      "reply: {" + std::to_string(reply.value().highestCapture()) + "} is not captured (the matcher has " +
                          std::to_string(matcher.captureCount()) + " captures)");
        }
        action.reply = std::make_shared<const PayloadTemplate>(std::move(reply).value());
    } else if (text.starts_with("delay:")) {
        action.kind = ActionKind::Delay;
        const std::string_view number = text.substr(6);
        long long ms = -1;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), ms);
        if (ec != std::errc() || end != number.data() + number.size() || ms < 0 || ms > MaxRuleDelay.count())
            return at(offset + 6, "delay: needs milliseconds from 0 to " + std::to_string(MaxRuleDelay.count()));
        action.delay = std::chrono::milliseconds(ms);
    } else if (text.starts_with("state:")) {
        action.kind = ActionKind::SetState;
        action.state = std::string(text.substr(6));
        if (auto error = checkStateName(action.state, offset + 6, "state:")) return *error;
    } else {
        const std::string name(text.substr(0, text.find(':')));
        return at(offset, "unknown action '" + name + "' (" + std::string(ActionNames) + ")");
    }
    return action;
}

/// [first, last) without the blanks at either end.
std::pair<std::size_t, std::size_t> trimmed(std::string_view text, std::size_t first, std::size_t last) {
    while (first < last && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
    while (last > first && std::isspace(static_cast<unsigned char>(text[last - 1]))) --last;
    return {first, last};
}

} // namespace

Parsed<Matcher> parseMatcher(std::string_view text, PayloadSyntax syntax, TextEncoding encoding) {
    return parseMatcher(text, 0, syntax, encoding);
}

std::size_t Matcher::captureCount() const {
#ifdef SOCKETEER_HAVE_RE2
    return kind == MatcherKind::Regex && regex ? static_cast<std::size_t>(regex->NumberOfCapturingGroups()) : 0;
#else
    return 0;
#endif
}

std::size_t Rule::closeColumn() const {
    const bool closes = std::any_of(actions.begin(), actions.end(), [](const RuleAction& a) { return a.kind == ActionKind::Close; });
    if (!closes) return std::string::npos;
    const std::size_t at = source.rfind("close");
    return at == std::string::npos ? 0 : at;
}

bool Rule::continues() const {
    return std::any_of(actions.begin(), actions.end(), [](const RuleAction& a) { return a.kind == ActionKind::Continue; });
}

Parsed<Rule> parseRule(std::string_view text, PayloadSyntax syntax, TextEncoding encoding) {
    Rule rule;
    rule.source = std::string(text);
    rule.syntax = syntax;
    auto [begin, end] = trimmed(text, 0, text.size());
    if (begin == end) return at(0, "a rule is MATCHER => ACTION, and this one is empty");

    // when:STATE, then the matcher.
    if (text.substr(begin).starts_with("when:")) {
        std::size_t nameEnd = begin + 5;
        while (nameEnd < end && !std::isspace(static_cast<unsigned char>(text[nameEnd]))) ++nameEnd;
        rule.when = std::string(text.substr(begin + 5, nameEnd - begin - 5));
        if (auto error = checkStateName(rule.when, begin + 5, "when:")) return *error;
        std::tie(begin, end) = trimmed(text, nameEnd, end);
    }
    // The matcher ends at the first " => " (a regex that holds " => " itself writes it "\s=>\s").
    const std::size_t arrow = text.find(Arrow, begin);
    if (arrow == std::string_view::npos || arrow >= end)
        return at(begin, "a rule is MATCHER => ACTION[; ACTION]: no ' => ' after the matcher");
    auto matcher = parseMatcher(text.substr(begin, arrow - begin), begin, syntax, encoding);
    if (!matcher) return matcher.error();
    rule.matcher = std::move(matcher).value();

    // Actions, split at each ';' that an action's name follows (a ';' inside a reply's text stays in it).
    std::size_t from = arrow + Arrow.size();
    if (from > end) return at(arrow + Arrow.size(), "an action is missing here (" + std::string(ActionNames) + ")");
    while (from <= end) {
        std::size_t split = from;
        for (;;) {
            split = text.find(';', split);
            if (split == std::string_view::npos || split >= end) {
                split = end;
                break;
            }
            const auto [next, nextEnd] = trimmed(text, split + 1, end);
            if (startsAnAction(text.substr(next, nextEnd - next))) break;
            ++split;
        }
        const auto [first, last] = trimmed(text, from, split);
        if (first == last) return at(first, "an action is missing here (" + std::string(ActionNames) + ")");
        if (!rule.actions.empty() && rule.actions.back().kind == ActionKind::Close)
            return at(first, "close ends the rule's actions: put what it should still do before it");
        auto action = parseAction(text.substr(first, last - first), first, rule.matcher, syntax, encoding);
        if (!action) return action.error();
        rule.actions.push_back(std::move(action).value());
        from = split + 1;
    }
    if (text[end - 1] == ';') return at(end - 1, "a ';' with no action after it (a reply that ends in ';' writes it \\x3b, or 3b in hex)");
    const auto has = [&rule](ActionKind kind) {
        return std::any_of(rule.actions.begin(), rule.actions.end(), [kind](const RuleAction& a) { return a.kind == kind; });
    };
    if (has(ActionKind::Ignore) && rule.actions.size() > 1)
        return at(arrow + Arrow.size(), "ignore stands alone: a rule that ignores a message does nothing else with it");
    return rule;
}

} // namespace socketeer::core
