// Match rules: each matcher and action, the rule syntax and its errors with their columns, first-match-wins and
// continue, states, captures into replies (the Modbus/TCP slave of the issue), and patterns chosen to hurt.
#include <gtest/gtest.h>

#include <chrono>

#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/rules/rule_set.hpp"

namespace {

using namespace socketeer::core;

Rule rule(std::string_view text, PayloadSyntax syntax = PayloadSyntax::Text) {
    auto parsed = parseRule(text, syntax);
    EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().describe());
    return parsed ? std::move(parsed).value() : Rule{};
}

std::string errorOf(std::string_view text, PayloadSyntax syntax = PayloadSyntax::Text) {
    auto parsed = parseRule(text, syntax);
    return parsed ? "(parsed)" : parsed.error().describe();
}

Bytes hex(std::string_view text) { return parseHex(text).value(); }
Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

/// The indexes of the rules that apply to message (in state).
std::vector<std::size_t> applied(const RuleSet& set, const Bytes& message, std::string_view state = {}) {
    std::vector<std::size_t> out;
    for (const auto& hit : set.match(message, state)) out.push_back(hit.index);
    return out;
}

TEST(RuleMatchers, ExactPrefixContainsSuffixCompareTheBytes) {
    const RuleSet set({rule("exact:PING\\r\\n => reply:PONG"), rule("prefix:GET  => reply:x"),
                       rule("suffix:\\r\\n\\r\\n => reply:y"), rule("contains:error => reply:z")});
    EXPECT_EQ(applied(set, bytes("PING\r\n")), std::vector<std::size_t>{0});
    EXPECT_EQ(applied(set, bytes("PING\r\nX")), std::vector<std::size_t>{}) << "exact is the whole message";
    EXPECT_EQ(applied(set, bytes("GET / HTTP/1.0\r\n\r\n")), std::vector<std::size_t>{1}) << "the first match wins";
    EXPECT_EQ(applied(set, bytes("POST /\r\n\r\n")), std::vector<std::size_t>{2});
    EXPECT_EQ(applied(set, bytes("an error here")), std::vector<std::size_t>{3});
    EXPECT_EQ(applied(set, bytes("GE")), std::vector<std::size_t>{}) << "a prefix longer than the message";
}

TEST(RuleMatchers, DataIsWrittenAsForSendTextOrHex) {
    const RuleSet set({rule("prefix:01 03 => reply:4f 4b", PayloadSyntax::Hex)});
    EXPECT_EQ(applied(set, hex("01 03 00 00")), std::vector<std::size_t>{0});
    EXPECT_EQ(applied(set, bytes("01 03")), std::vector<std::size_t>{});
}

TEST(RuleMatchers, HexPatternIsTheWholeMessageWithWildcards) {
    const RuleSet set({rule("hex:01 03 ?? ?? 00 0a => close")});
    EXPECT_EQ(applied(set, hex("01 03 12 34 00 0a")), std::vector<std::size_t>{0});
    EXPECT_EQ(applied(set, hex("01 03 ff ff 00 0a")), std::vector<std::size_t>{0});
    EXPECT_EQ(applied(set, hex("01 04 12 34 00 0a")), std::vector<std::size_t>{});
    EXPECT_EQ(applied(set, hex("01 03 12 34 00 0a 00")), std::vector<std::size_t>{}) << "one byte too many";
    EXPECT_EQ(applied(set, hex("01 03 12 34 00")), std::vector<std::size_t>{});
}

#ifdef SOCKETEER_HAVE_RE2
TEST(RuleMatchers, RegexRunsOverBytesInLatin1WithCaptures) {
    const RuleSet set({rule(R"(regex:(?s)^\xff(.)(x)?\x00$ => reply:{1})")});
    const Bytes message = hex("ff 0a 00");
    const auto hits = set.match(message, {}); // the captures are views into the message
    ASSERT_EQ(hits.size(), 1u) << "\\xff is the byte 0xff, and (?s) lets . match a line feed";
    ASSERT_EQ(hits[0].captures.size(), 2u);
    EXPECT_EQ(Bytes(hits[0].captures[0].begin(), hits[0].captures[0].end()), hex("0a"));
    EXPECT_TRUE(hits[0].captures[1].empty()) << "a group that took no part is empty";
    EXPECT_TRUE(set.match(hex("fe 0a 00"), {}).empty());
}

TEST(RuleReplies, TheModbusSlaveOfTheIssueAnswersAReadOfTwoRegisters) {
    // socketeer-cli tcp-server --frame modbus-tcp --hex --rule '...' (issue 16's example).
    const Rule slave = rule(R"(regex:(?s)^(..)\x00\x00\x00\x06(.)\x03..\x00\x02$ => reply:{1} 00 00 {len:u16be} {2} 03 04 00 2a 00 2b)",
                            PayloadSyntax::Hex);
    const RuleSet set({slave});
    const Bytes request = hex("12 34 00 00 00 06 11 03 00 00 00 02"); // transaction 0x1234, unit 0x11
    const auto hits = set.match(request, {});
    ASSERT_EQ(hits.size(), 1u);
    SendContext context;
    context.captures = hits[0].captures;
    const auto reply = slave.actions.at(0).reply->resolve(context);
    ASSERT_TRUE(reply) << reply.error().describe();
    EXPECT_EQ(formatHex(reply.value()), "12 34 00 00 00 07 11 03 04 00 2A 00 2B");
    EXPECT_TRUE(set.match(hex("12 34 00 00 00 06 11 03 00 00 00 03"), {}).empty()) << "three registers: not this rule";
}

TEST(RuleReplies, HexCaptureTokensWriteTheBytesAsHexText) {
    const Rule echo = rule(R"(regex:^id=(.+)$ => reply:got {hex:1}\n)");
    const RuleSet set({echo});
    const Bytes message = bytes("id=\x01\xAB");
    const auto hits = set.match(message, {});
    ASSERT_EQ(hits.size(), 1u);
    SendContext context;
    context.captures = hits[0].captures;
    EXPECT_EQ(echo.actions[0].reply->resolve(context).value(), bytes("got 01 AB\n"));
}

TEST(RuleLimits, APathologicalPatternRunsInLinearTimeOverAMebibyte) {
    // (a|aa)*b and (a*)*$ take exponential time in a backtracking engine on a run of a's; RE2 takes linear time.
    std::vector<Rule> rules;
    for (int i = 0; i < 98; ++i) rules.push_back(rule("regex:(a|aa)*b" + std::to_string(i) + " => close"));
    rules.push_back(rule("regex:(a*)*$x => close"));
    rules.push_back(rule("contains:z => reply:found"));
    const RuleSet set(std::move(rules));
    const Bytes message(1u << 20, 'a');
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(set.match(message, {}).empty());
    // A generous bound, not a speed figure: a backtracking engine would not end in this test's lifetime.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(RuleLimits, PatternsRE2CannotRunSafelyAreRefusedWithItsReason) {
    EXPECT_EQ(errorOf(R"(regex:(a)\1 => close)"), "regex: invalid escape sequence: \\1 at column 7");
    EXPECT_EQ(errorOf("regex:((a{1000}){1000}){1000} => close"), "regex: invalid repetition size: {1000} at column 7");
    EXPECT_EQ(errorOf("regex:(unclosed => close"), "regex: missing ): (unclosed at column 7");
}

TEST(RuleErrors, ACaptureTheMatcherDoesNotHaveIsNamedWhereItIs) {
    EXPECT_EQ(errorOf("regex:^(a)$ => reply:x {2}"), "reply: {2} is not captured (the matcher has 1 captures) at column 24");
}
#endif

TEST(RuleErrors, EachProblemIsNamedWithItsColumn) {
    EXPECT_EQ(errorOf(""), "a rule is MATCHER => ACTION, and this one is empty at column 1");
    EXPECT_EQ(errorOf("prefx:a => close"), "unknown matcher 'prefx' (matchers: exact, prefix, contains, suffix, hex, regex) at column 1");
    EXPECT_EQ(errorOf("prefix:a close"), "a rule is MATCHER => ACTION[; ACTION]: no ' => ' after the matcher at column 1");
    EXPECT_EQ(errorOf("prefix:a => clsoe"), "unknown action 'clsoe' (actions: reply, delay, close, ignore, state, continue; in a proxy also rewrite, drop) at column 13");
    EXPECT_EQ(errorOf("prefix:a => reply:x; delay:-1"), "delay: needs milliseconds from 0 to 600000 at column 28");
    const std::string checksum = errorOf("prefix:a => reply:{crc99}");
    EXPECT_TRUE(checksum.starts_with("unknown checksum {crc99} (checksums: ")) << checksum;
    EXPECT_TRUE(checksum.ends_with(") at column 19")) << "the template parser's error, moved to its place: " << checksum;
    EXPECT_EQ(errorOf("prefix:{crc16/modbus} => close"), "prefix: a matcher's data is fixed bytes (tokens such as {crc16/modbus} belong in a reply; write {{ for a brace) at column 8");
    EXPECT_EQ(errorOf("hex:01 0G => close"), "hex: expected a byte in hex or ?? here at column 8");
    EXPECT_EQ(errorOf("prefix:a => reply:x {1}"), "reply: {1} is not captured (the matcher has 0 captures) at column 21");
    EXPECT_EQ(errorOf("prefix:a => ignore; close"), "ignore stands alone: a rule that ignores a message does nothing else with it at column 13");
    EXPECT_EQ(errorOf("when:hand shake prefix:a => close"), "unknown matcher 'shake prefix' (matchers: exact, prefix, contains, suffix, hex, regex) at column 11");
    EXPECT_EQ(errorOf("prefix:a => state:bad!"), "state:: '!' cannot be in a state name at column 22");
    EXPECT_EQ(errorOf("contains: => close"), "contains: needs the bytes to look for at column 10");
}

TEST(RuleActions, ASemicolonInsideAReplyStaysInIt) {
    const Rule r = rule("prefix:a => reply:x;y; z; delay:5; reply:w; close");
    ASSERT_EQ(r.actions.size(), 4u);
    EXPECT_EQ(r.actions[0].reply->resolve({}).value(), bytes("x;y; z"));
    EXPECT_EQ(r.actions[1].kind, ActionKind::Delay);
    EXPECT_EQ(r.actions[1].delay, std::chrono::milliseconds(5));
    EXPECT_EQ(r.actions[2].reply->resolve({}).value(), bytes("w"));
    EXPECT_EQ(r.actions[3].kind, ActionKind::Close);
}

TEST(RuleSets, ContinueLetsTheNextRulesApplyAndStatesGateRules) {
    const RuleSet set({rule("prefix:HELLO => reply:hi; state:greeted"), rule("when:greeted prefix:DATA => reply:ok"),
                       rule("contains:A => continue; reply:seen-a"), rule("contains:T => reply:seen-t"),
                       rule("contains:T => reply:never")});
    EXPECT_EQ(applied(set, bytes("HELLO")), std::vector<std::size_t>{0});
    EXPECT_EQ(applied(set, bytes("DATA"), ""), (std::vector<std::size_t>{2, 3})) << "when:greeted does not apply yet";
    EXPECT_EQ(applied(set, bytes("DATA"), "greeted"), std::vector<std::size_t>{1});
    EXPECT_EQ(set.hits(0), 1u);
    EXPECT_EQ(set.hits(1), 1u);
    EXPECT_EQ(set.hits(2), 1u);
    EXPECT_EQ(set.hits(3), 1u);
    EXPECT_EQ(set.hits(4), 0u) << "the first match after a continue wins again";
    const RuleSet copy = set; // a session's copy counts for the app's
    (void)copy.match(bytes("HELLO"), {});
    EXPECT_EQ(set.hits(0), 2u);
}

TEST(RuleSets, IgnoreIsAMatchThatDoesNothing) {
    const Rule r = rule("contains:noise => ignore");
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(r.actions[0].kind, ActionKind::Ignore);
    const RuleSet set({r, rule("contains:o => reply:x")});
    EXPECT_EQ(applied(set, bytes("noise")), std::vector<std::size_t>{0});
}

} // namespace

namespace {

TEST(RuleErrors, AnEmptyActionListATrailingSemicolonAndActionsAfterCloseAreRefused) {
    EXPECT_EQ(errorOf("exact:a => "), "an action is missing here (actions: reply, delay, close, ignore, state, continue; in a proxy also rewrite, drop) at column 12")
        << "a rule with no action would swallow what it matches";
    EXPECT_EQ(errorOf("exact:a =>  x"), "unknown action 'x' (actions: reply, delay, close, ignore, state, continue; in a proxy also rewrite, drop) at column 13");
    EXPECT_EQ(errorOf("exact:a => reply:x;"), "a ';' with no action after it (a reply that ends in ';' writes it \\x3b, or 3b in hex) at column 19");
    EXPECT_EQ(errorOf("exact:a => close; reply:b"), "close ends the rule's actions: put what it should still do before it at column 19");
    const Rule closed = rule("exact:a => reply:x; closed");
    ASSERT_EQ(closed.actions.size(), 1u) << "'closed' is not the action close: it stays in the reply's text";
    EXPECT_EQ(closed.actions[0].reply->resolve({}).value(), bytes("x; closed"));
}

#ifdef SOCKETEER_HAVE_RE2
TEST(ProxyRuleSyntax, ARewriteMakesItsBytesFromTheCaptures) {
    const Rule toServer = rule("c2s:when:in regex:^SET (\\d+) => rewrite:SET {1}0\\n; continue");
    EXPECT_EQ(toServer.flow, RuleFlow::ToServer);
    EXPECT_EQ(toServer.when, "in");
    ASSERT_EQ(toServer.actions.size(), 2u);
    EXPECT_EQ(toServer.actions[0].kind, ActionKind::Rewrite);
    EXPECT_EQ(toServer.actions[0].column, 32u) << "0-based, where rewrite: begins";
    std::vector<ByteView> captures;
    const Bytes message = bytes("SET 12");
    ASSERT_TRUE(matchMessage(toServer.matcher, message, captures));
    SendContext context;
    context.captures = captures;
    EXPECT_EQ(toServer.actions[0].reply->resolve(context).value(), bytes("SET 120\n"));
}
#endif

TEST(ProxyRuleSyntax, ADirectionScopesARuleAndRewriteAndDropParse) {
    EXPECT_EQ(rule("s>c:exact:x => drop; reply:no").flow, RuleFlow::ToClient) << "c>s: and s>c: are spelled both ways";
    EXPECT_EQ(rule("s>c:exact:x => drop; reply:no").actions[0].kind, ActionKind::Drop);
    EXPECT_EQ(rule("exact:x => drop").flow, RuleFlow::Both);

    // A scoped rule sees its direction's messages only; a session's messages (Both) never meet it.
    const RuleSet set({rule("c2s:exact:a => drop"), rule("s2c:exact:a => drop"), rule("exact:a => reply:b")});
    const auto indexes = [&](RuleFlow flow) {
        std::vector<std::size_t> out;
        for (const auto& hit : set.match(bytes("a"), {}, flow)) out.push_back(hit.index);
        return out;
    };
    EXPECT_EQ(indexes(RuleFlow::ToServer), std::vector<std::size_t>{0});
    EXPECT_EQ(indexes(RuleFlow::ToClient), std::vector<std::size_t>{1});
    EXPECT_EQ(indexes(RuleFlow::Both), std::vector<std::size_t>{2});
}

TEST(ProxyRuleSyntax, ContradictionsAreRefusedWithTheirColumn) {
    EXPECT_EQ(errorOf("exact:a => rewrite:b; rewrite:c"), "rewrite: a rule forwards one message in its place, and this is a second at column 23");
    EXPECT_EQ(errorOf("exact:a => rewrite:b; drop"), "drop and rewrite: exclude each other (a dropped message is not forwarded at all) at column 23");
    EXPECT_EQ(errorOf("c2s:"), "c2s: needs a rule after it at column 5");
    EXPECT_EQ(errorOf("c2s:exact:a => rewrite:{2}"), "rewrite: {2} is not captured (the matcher has 0 captures) at column 24");
    EXPECT_EQ(errorOf("exact:a => drop me"), "unknown action 'drop me' (actions: reply, delay, close, ignore, state, continue; in a proxy also rewrite, drop) at column 12");
}

} // namespace
