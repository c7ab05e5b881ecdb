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
constexpr std::string_view ActionNames = "actions: reply, delay, close, ignore, state, continue; in a proxy also rewrite, drop";
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

/// The text begins with an action: "reply:", "delay:", "state:", "rewrite:", or a bare word action then its end or
/// a blank.
bool startsAnAction(std::string_view text) {
    for (std::string_view name : {"reply:", "delay:", "state:", "rewrite:"})
        if (text.starts_with(name)) return true;
    for (std::string_view name : {"close", "ignore", "continue", "drop"})
        if (text.starts_with(name) && (text.size() == name.size() || std::isspace(static_cast<unsigned char>(text[name.size()]))))
            return true;
    return false;
}

/// DATA of reply: or rewrite: (the action's name is `name`, its DATA at text[offset...]): a template whose
/// captures the matcher must have.
Parsed<std::shared_ptr<const PayloadTemplate>> parseMadeBytes(std::string_view name, std::string_view data, std::size_t offset,
                                                              const Matcher& matcher, PayloadSyntax syntax, TextEncoding encoding) {
    auto made = PayloadTemplate::parse(data, syntax, encoding, TemplateTokens::SendAndCaptures);
    if (!made) return shiftedBy(made.error(), offset);
    const std::size_t highest = made.value().highestCapture();
    if (highest > matcher.captureCount()) {
        const std::string source(data);
        const std::size_t token = source.find("{" + std::to_string(highest) + "}");
        const std::size_t hexToken = source.find("{hex:" + std::to_string(highest) + "}");
        return at(offset + std::min(token, hexToken), std::string(name) + ": {" + std::to_string(highest) +
                                                          "} is not captured (the matcher has " +
                                                          std::to_string(matcher.captureCount()) + " captures)");
    }
    return std::make_shared<const PayloadTemplate>(std::move(made).value());
}

Parsed<RuleAction> parseAction(std::string_view text, std::size_t offset, const Matcher& matcher, PayloadSyntax syntax,
                               TextEncoding encoding) {
    RuleAction action;
    action.column = offset;
    if (text == "close") action.kind = ActionKind::Close;
    else if (text == "ignore") action.kind = ActionKind::Ignore;
    else if (text == "continue") action.kind = ActionKind::Continue;
    else if (text == "drop") action.kind = ActionKind::Drop;
    else if (text.starts_with("reply:") || text.starts_with("rewrite:")) {
        const bool reply = text.starts_with("reply:");
        action.kind = reply ? ActionKind::Reply : ActionKind::Rewrite;
        const std::size_t name = reply ? 5 : 7;
        auto made = parseMadeBytes(text.substr(0, name), text.substr(name + 1), offset + name + 1, matcher, syntax, encoding);
        if (!made) return made.error();
        action.reply = std::move(made).value();
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

const RuleAction* Rule::find(ActionKind kind) const {
    const auto it = std::find_if(actions.begin(), actions.end(), [kind](const RuleAction& a) { return a.kind == kind; });
    return it == actions.end() ? nullptr : &*it;
}

std::string checkRuleHost(const Rule& rule, RuleHost host) {
    const bool proxy = host == RuleHost::TcpProxy || host == RuleHost::UdpProxy;
    const auto column = [](std::size_t at) { return std::to_string(at + 1); };
    if (!proxy && rule.flow != RuleFlow::Both)
        return std::string(rule.flow == RuleFlow::ToServer ? "c2s:" : "s2c:") + " at column " + column(rule.source.find_first_not_of(" \t")) +
               ": only a proxy has directions";
    if (!proxy)
        for (ActionKind kind : {ActionKind::Rewrite, ActionKind::Drop})
            if (const RuleAction* action = rule.find(kind))
                return std::string(kind == ActionKind::Rewrite ? "rewrite" : "drop") + " at column " + column(action->column) +
                       ": only a proxy forwards messages (a session answers with reply:)";
    if (const RuleAction* close = rule.find(ActionKind::Close)) {
        if (host == RuleHost::UdpSession)
            return "close at column " + column(close->column) + ": a UDP socket has no connection to close";
        if (host == RuleHost::UdpProxy)
            return "close at column " + column(close->column) + ": a UDP proxy's clients have no connection to close";
    }
    return {};
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

    // c2s: or s2c: (a proxy's direction), when:STATE, then the matcher.
    for (std::string_view tag : {"c2s:", "c>s:", "s2c:", "s>c:"})
        if (text.substr(begin).starts_with(tag)) {
            rule.flow = tag[0] == 'c' ? RuleFlow::ToServer : RuleFlow::ToClient;
            std::tie(begin, end) = trimmed(text, begin + tag.size(), end);
            if (begin == end) return at(begin, std::string(tag) + " needs a rule after it");
            break;
        }
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
    const auto count = [&rule](ActionKind kind) {
        return std::count_if(rule.actions.begin(), rule.actions.end(), [kind](const RuleAction& a) { return a.kind == kind; });
    };
    if (count(ActionKind::Rewrite) > 1)
        return at(std::find_if(rule.actions.rbegin(), rule.actions.rend(), [](const RuleAction& a) { return a.kind == ActionKind::Rewrite; })->column,
                  "rewrite: a rule forwards one message in its place, and this is a second");
    if (has(ActionKind::Rewrite) && has(ActionKind::Drop))
        return at(rule.find(ActionKind::Drop)->column, "drop and rewrite: exclude each other (a dropped message is not forwarded at all)");
    return rule;
}

} // namespace socketeer::core
