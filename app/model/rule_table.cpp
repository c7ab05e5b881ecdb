// RuleTable: rows to rules and back, and a dry run of a message through them (on a fresh rule set, so the live
// session's hit counters never count a test).
#include "rule_table.hpp"

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"

namespace socketeer::app {

using namespace core;

namespace {

PayloadSyntax syntaxOf(bool hex) { return hex ? PayloadSyntax::Hex : PayloadSyntax::Text; }

std::string shown(ByteView bytes, bool hex) {
    constexpr std::size_t Shown = 256;
    const ByteView head = bytes.first(std::min(bytes.size(), Shown));
    std::string text = hex ? formatHex(head) : "\"" + formatEscaped(head) + "\"";
    if (bytes.size() > Shown) text += "...";
    return text + " (" + std::to_string(bytes.size()) + (bytes.size() == 1 ? " byte)" : " bytes)");
}

} // namespace

RuleTable::RuleTable(RuleSet& target, RuleHost host) : m_target(target), m_host(host) { reload(); }

void RuleTable::setHost(RuleHost host) {
    if (host == m_host) return;
    m_host = host;
    for (RuleRow& row : m_rows) parseRow(row);
    apply();
}

void RuleTable::reload() {
    m_rows.clear();
    m_rowOf.clear();
    for (const Rule& rule : m_target.rules()) {
        m_rowOf.push_back(m_rows.size());
        m_rows.push_back({rule.source, rule.syntax == PayloadSyntax::Hex, rule.enabled, checkRuleHost(rule, m_host)});
    }
}

void RuleTable::parseRow(RuleRow& row) const {
    row.error.clear();
    if (row.text.find_first_not_of(" \t") == std::string::npos) return; // empty: waits to be typed
    auto rule = parseRule(row.text, syntaxOf(row.hex));
    if (!rule) row.error = rule.error().describe();
    else row.error = checkRuleHost(rule.value(), m_host);
}

std::vector<Rule> RuleTable::rules(std::vector<std::size_t>* rowOf) const {
    std::vector<Rule> rules;
    if (rowOf) rowOf->clear();
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const RuleRow& row = m_rows[i];
        if (!row.error.empty() || row.text.find_first_not_of(" \t") == std::string::npos) continue;
        auto rule = parseRule(row.text, syntaxOf(row.hex));
        if (!rule) continue;
        rule.value().enabled = row.enabled;
        rules.push_back(std::move(rule).value());
        if (rowOf) rowOf->push_back(i);
    }
    return rules;
}

void RuleTable::apply() {
    RuleSet next(rules(&m_rowOf));
    if (!(next == m_target)) m_target = std::move(next); // equal rules keep their counters
}

std::size_t RuleTable::add(std::string text, bool hex) {
    m_rows.push_back({std::move(text), hex, true, {}});
    parseRow(m_rows.back());
    apply();
    return m_rows.size() - 1;
}

void RuleTable::setText(std::size_t row, std::string text) {
    if (row >= m_rows.size()) return;
    m_rows[row].text = std::move(text);
    parseRow(m_rows[row]);
    apply();
}

void RuleTable::setHex(std::size_t row, bool hex) {
    if (row >= m_rows.size()) return;
    m_rows[row].hex = hex;
    parseRow(m_rows[row]);
    apply();
}

void RuleTable::setEnabled(std::size_t row, bool enabled) {
    if (row >= m_rows.size()) return;
    m_rows[row].enabled = enabled;
    apply();
}

void RuleTable::remove(std::size_t row) {
    if (row >= m_rows.size()) return;
    m_rows.erase(m_rows.begin() + static_cast<std::ptrdiff_t>(row));
    apply();
}

void RuleTable::move(std::size_t row, int direction) {
    if (row >= m_rows.size()) return;
    const std::ptrdiff_t to = static_cast<std::ptrdiff_t>(row) + direction;
    if (to < 0 || to >= static_cast<std::ptrdiff_t>(m_rows.size())) return;
    std::swap(m_rows[row], m_rows[static_cast<std::size_t>(to)]);
    apply();
}

std::optional<std::vector<std::optional<std::uint64_t>>> RuleTable::liveHits(const RuleSet* live) const {
    // Drawn every frame: compare the rules as written (the target holds the rows' rules since the last edit),
    // never parse or compile them here.
    if (!live || !(m_target == *live)) return std::nullopt;
    std::vector<std::optional<std::uint64_t>> hits(m_rows.size());
    for (std::size_t i = 0; i < m_rowOf.size(); ++i) hits[m_rowOf[i]] = live->hits(i);
    return hits;
}

RuleTestResult RuleTable::test(const std::string& message, bool hex, RuleFlow flow) const {
    RuleTestResult result;
    auto bytes = hex ? parseHex(message) : parseEscaped(message);
    if (!bytes) {
        result.error = "message: " + bytes.error().describe();
        return result;
    }
    std::vector<std::size_t> rowOf;
    const RuleSet set(rules(&rowOf)); // its own counters: a test is no hit
    const auto hits = set.match(bytes.value(), {}, flow);
    const bool proxy = m_host == RuleHost::TcpProxy || m_host == RuleHost::UdpProxy;
    if (hits.empty()) {
        result.lines.push_back("no rule matches " + shown(bytes.value(), hex) +
                               (proxy ? ": it is forwarded as it is" : ": the auto-reply setting answers, if any"));
        return result;
    }
    for (const RuleHit& hit : hits) {
        const Rule& rule = *hit.rule;
        const bool ruleHex = rule.syntax == PayloadSyntax::Hex;
        std::string line = "rule " + std::to_string(rowOf[hit.index] + 1) + " matches";
        for (std::size_t c = 0; c < hit.captures.size(); ++c)
            line += (c == 0 ? ", captures " : ", ") + std::to_string(c + 1) + " = " + shown(hit.captures[c], ruleHex);
        result.lines.push_back(line);
        SendContext context;
        context.captures = hit.captures;
        context.messageNumber = 1;
        for (const RuleAction& action : rule.actions) {
            switch (action.kind) {
            case ActionKind::Reply: {
                auto reply = action.reply->resolve(context);
                result.lines.push_back(reply ? (proxy ? "  reply to the sender " : "  reply ") + shown(reply.value(), ruleHex)
                                             : "  reply fails: " + reply.error().describe());
                break;
            }
            case ActionKind::Rewrite: {
                auto rewrite = action.reply->resolve(context);
                result.lines.push_back(rewrite ? "  forward " + shown(rewrite.value(), ruleHex) + " in its place"
                                               : "  rewrite fails (forwarded as it is): " + rewrite.error().describe());
                break;
            }
            case ActionKind::Drop: result.lines.push_back("  drop it (not forwarded)"); break;
            case ActionKind::Delay: result.lines.push_back("  wait " + std::to_string(action.delay.count()) + " ms"); break;
            case ActionKind::Close: result.lines.push_back(proxy ? "  close the client's link" : "  close the connection"); break;
            case ActionKind::Ignore: result.lines.push_back("  ignore it (no auto-reply either)"); break;
            case ActionKind::SetState: result.lines.push_back("  go to state " + action.state); break;
            case ActionKind::Continue: result.lines.push_back("  continue with the rules after it"); break;
            }
        }
    }
    return result;
}

} // namespace socketeer::app
