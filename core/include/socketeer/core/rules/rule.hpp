// Rule: "MATCHER => ACTION[; ACTION]" — when a received message matches, answer like a device would. Parsed once,
// with column-accurate errors; matched on the session's worker against every framed message. Regexes run on RE2
// (linear time, Latin-1: any byte matches): every peer is treated as hostile, and no pattern can stall a worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/parse_error.hpp"
#include "socketeer/core/payload/payload_template.hpp"

namespace re2 {
class RE2;
}

namespace socketeer::core {

enum class MatcherKind : std::uint8_t {
    Exact,      ///< exact:DATA — the whole message
    Prefix,     ///< prefix:DATA
    Contains,   ///< contains:DATA
    Suffix,     ///< suffix:DATA
    HexPattern, ///< hex:01 03 ?? ?? 00 0a — the whole message, ?? any byte
    Regex,      ///< regex:PATTERN — RE2 over the message's bytes, with numbered captures
};

struct Matcher {
    MatcherKind kind = MatcherKind::Contains;
    Bytes bytes;                           ///< the data (HexPattern: the bytes, any value where wildcard)
    std::vector<bool> wildcard;            ///< HexPattern: ?? at this position
    std::shared_ptr<const re2::RE2> regex; ///< Regex
    /// Captures a match yields: a regex's groups, none for the others.
    [[nodiscard]] std::size_t captureCount() const;
};

enum class ActionKind : std::uint8_t {
    Reply,    ///< reply:DATA — payload tokens plus {1}…{9}, {hex:1}…
    Delay,    ///< delay:MS — before the replies after it (a timer: the worker goes on meanwhile)
    Close,    ///< close the connection (after the replies before it)
    Ignore,   ///< neither reply nor fall through to the session's automatic reply
    SetState, ///< state:NAME — rules marked when:NAME apply from now on
    Continue, ///< the rules after this one are tried too
    Rewrite,  ///< rewrite:DATA — a proxy forwards DATA in the message's place (tokens and captures as in reply:)
    Drop,     ///< a proxy does not forward the message
};

/// Which of a proxy's directions a rule watches: written "c2s:" or "s2c:" before the rule ("c>s:", "s>c:" too).
/// Only a proxy has directions; other sessions take unscoped rules only.
enum class RuleFlow : std::uint8_t { Both, ToServer, ToClient };

/// Where rules run: what each may do there differs (only a proxy forwards, only a connection closes).
enum class RuleHost : std::uint8_t { TcpSession, UdpSession, TcpProxy, UdpProxy };

struct RuleAction {
    ActionKind kind = ActionKind::Reply;
    std::shared_ptr<const PayloadTemplate> reply; ///< Reply, Rewrite: the bytes to make
    std::chrono::milliseconds delay{0};           ///< Delay
    std::string state;                            ///< SetState
    std::size_t column = 0;                       ///< where the action begins in the rule's source (0-based)
};

struct Rule {
    std::string source;  ///< as written, for the CLI, the app and workspaces
    PayloadSyntax syntax = PayloadSyntax::Text; ///< how its DATA is written (text with escapes, or hex)
    RuleFlow flow = RuleFlow::Both; ///< a proxy's rule: the direction it watches
    std::string when;    ///< applies only in this state ("" = in any)
    bool enabled = true; ///< a disabled rule keeps its place (and number) but matches nothing
    Matcher matcher;
    std::vector<RuleAction> actions;
    [[nodiscard]] bool continues() const;
    /// The first action of this kind, or nullptr.
    [[nodiscard]] const RuleAction* find(ActionKind kind) const;
    /// Whether the rule watches messages of `flow` (a session's messages are Both: scoped rules never see them).
    [[nodiscard]] bool watches(RuleFlow messageFlow) const { return flow == RuleFlow::Both || flow == messageFlow; }
};

/// "" when `rule` can run in `host`, else why not, with the column: "rewrite at column 20: only a proxy forwards
/// messages", "close at column 14: a UDP socket has no connection to close", "c2s: at column 1: only a proxy has
/// directions".
std::string checkRuleHost(const Rule& rule, RuleHost host);

/// The longest delay a rule may ask for (ten minutes).
inline constexpr std::chrono::milliseconds MaxRuleDelay{600'000};

/// Parses "KIND:DATA" (a rule's matcher, a sequence's expect), DATA written as `syntax` says. Errors name the
/// problem and its column in `text`.
Parsed<Matcher> parseMatcher(std::string_view text, PayloadSyntax syntax, TextEncoding encoding = TextEncoding::Utf8);

/// Whether `matcher` matches `message`, in time linear in the message; a regex's groups go to `captures` (capture 1
/// first, views into message; a group that took no part is empty).
bool matchMessage(const Matcher& matcher, ByteView message, std::vector<ByteView>& captures);

/// Parses "[c2s:|s2c:][when:STATE ]MATCHER => ACTION[; ACTION]". DATA in matchers and replies is written as `syntax` says
/// (text with escapes, or hex with --hex). Errors name the problem and its column in `text`:
/// "unknown matcher 'prefx' at column 1 (matchers: exact, prefix, contains, suffix, hex, regex)".
Parsed<Rule> parseRule(std::string_view text, PayloadSyntax syntax, TextEncoding encoding = TextEncoding::Utf8);

} // namespace socketeer::core
