// matchMessage and RuleSet::match: each matcher in time linear in the message (memcmp, a Boyer-Moore-Horspool search, RE2).
#include "socketeer/core/rules/rule_set.hpp"

#ifdef SOCKETEER_HAVE_RE2
#include <re2/re2.h>
#endif

#include <algorithm>
#include <functional>

namespace socketeer::core {

bool matchMessage(const Matcher& matcher, ByteView message, std::vector<ByteView>& captures) {
    const ByteView data = matcher.bytes;
    switch (matcher.kind) {
    case MatcherKind::Exact: return std::equal(message.begin(), message.end(), data.begin(), data.end());
    case MatcherKind::Prefix: return message.size() >= data.size() && std::equal(data.begin(), data.end(), message.begin());
    case MatcherKind::Suffix: return message.size() >= data.size() && std::equal(data.begin(), data.end(), message.end() - static_cast<std::ptrdiff_t>(data.size()));
    case MatcherKind::Contains:
        return std::search(message.begin(), message.end(), std::boyer_moore_horspool_searcher(data.begin(), data.end())) !=
               message.end();
    case MatcherKind::HexPattern:
        if (message.size() != data.size()) return false;
        for (std::size_t i = 0; i < data.size(); ++i)
            if (!matcher.wildcard[i] && message[i] != data[i]) return false;
        return true;
    case MatcherKind::Regex: {
#ifndef SOCKETEER_HAVE_RE2
        (void)captures;
        return false; // never parsed without RE2
#else
        const re2::RE2& regex = *matcher.regex;
        const int groups = regex.NumberOfCapturingGroups();
        std::vector<re2::StringPiece> pieces(static_cast<std::size_t>(groups) + 1);
        const re2::StringPiece text(reinterpret_cast<const char*>(message.data()), message.size());
        if (!regex.Match(text, 0, text.size(), re2::RE2::UNANCHORED, pieces.data(), groups + 1)) return false;
        captures.clear();
        for (int i = 1; i <= groups; ++i) {
            const re2::StringPiece& piece = pieces[static_cast<std::size_t>(i)];
            captures.push_back(piece.data() ? ByteView(reinterpret_cast<const std::uint8_t*>(piece.data()), piece.size())
                                            : ByteView());
        }
        return true;
#endif
    }
    }
    return false;
}

RuleSet::RuleSet(std::vector<Rule> rules)
    : m_rules(std::move(rules)), m_hits(new std::atomic<std::uint64_t>[m_rules.size()]()) {}

std::vector<RuleHit> RuleSet::match(ByteView message, std::string_view state, RuleFlow flow) const {
    std::vector<RuleHit> hits;
    std::vector<ByteView> captures;
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        const Rule& rule = m_rules[i];
        if (!rule.enabled || !rule.watches(flow) || (!rule.when.empty() && rule.when != state)) continue;
        captures.clear();
        if (!matchMessage(rule.matcher, message, captures)) continue;
        m_hits[i].fetch_add(1, std::memory_order_relaxed);
        hits.push_back({i, &rule, captures});
        if (!rule.continues()) break;
    }
    return hits;
}

bool RuleSet::operator==(const RuleSet& other) const {
    return std::equal(m_rules.begin(), m_rules.end(), other.m_rules.begin(), other.m_rules.end(),
                      [](const Rule& a, const Rule& b) {
                          return a.source == b.source && a.syntax == b.syntax && a.enabled == b.enabled;
                      });
}

std::uint64_t RuleSet::hits(std::size_t index) const {
    return index < m_rules.size() ? m_hits[index].load(std::memory_order_relaxed) : 0;
}

} // namespace socketeer::core
