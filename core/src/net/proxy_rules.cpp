// InFlightRules: planRules for one direction of one client, its outcome counted and said.
#include "net/proxy_rules.hpp"

#include "socketeer/core/codec/escape_codec.hpp"

namespace socketeer::core {

namespace {

RuleFlow flowOf(ProxyDirection direction) {
    return direction == ProxyDirection::ToServer ? RuleFlow::ToServer : RuleFlow::ToClient;
}

/// The start of a message as a person reads it in a notice: "GET / HTTP/1.1\r\n..." (at most 48 bytes shown).
std::string preview(ByteView bytes) {
    constexpr std::size_t Shown = 48;
    std::string text = "\"" + formatEscaped(bytes.first(std::min(bytes.size(), Shown))) + "\"";
    return bytes.size() > Shown ? text + "..." : text;
}

std::string bytesText(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

} // namespace

InFlightRules::InFlightRules(RuleSet rules, ConnectionId id, Endpoint client, std::shared_ptr<SessionOutput> output,
                             std::shared_ptr<Proxy::TallyBoard> board)
    : m_rules(std::move(rules)), m_id(id), m_client(std::move(client)), m_out(std::move(output)), m_board(std::move(board)) {
    m_context.peer = m_client.toString();
    m_context.nextCounter = [out = m_out] { return out->nextPayloadCounter(); };
}

void InFlightRules::sayDelayRefused() const {
    m_out->emitError(m_id, std::make_error_code(std::errc::resource_unavailable_try_again),
                     "#" + std::to_string(m_id) + ": " + std::to_string(DelayedRuleSteps::MaxPending) +
                         " delayed rule replies wait already; this one is not sent");
}

InFlightOutcome InFlightRules::decide(ProxyDirection direction, SharedBytes message) {
    InFlightOutcome outcome;
    const int i = direction == ProxyDirection::ToServer ? 0 : 1;
    // Every message of the direction passes here: nothing is built for one that no rule matches.
    m_context.time = std::chrono::system_clock::now();
    m_context.messageNumber = ++m_messages[i];
    const auto tag = [&] { return "#" + std::to_string(m_id) + " " + std::string(proxyDirectionTag(direction)); };
    const RulePlan plan = planRules(
        m_rules, *message, m_state, m_context,
        [&](const std::string& error) { m_out->emitError(m_id, std::make_error_code(std::errc::invalid_argument), tag() + ": " + error); },
        flowOf(direction));
    if (!plan.matched) {
        outcome.forward = std::move(message);
        return outcome;
    }
    {
        std::lock_guard lock(m_board->mutex);
        RuleTally& tally = direction == ProxyDirection::ToServer ? m_board->totals.rulesToServer : m_board->totals.rulesToClient;
        ++tally.matched;
        tally.replies += plan.replies.size();
        if (plan.dropRule >= 0) ++tally.dropped;
        else if (plan.rewrite) ++tally.rewritten;
    }
    if (plan.dropRule >= 0) {
        m_out->emit(EventNotice{tag() + ": rule " + std::to_string(plan.dropRule + 1) + " dropped the message (" +
                                bytesText(message->size()) + ")"});
    } else if (plan.rewrite) {
        m_out->emit(EventNotice{tag() + ": rule " + std::to_string(plan.rewriteRule + 1) + " rewrote the message (" +
                                bytesText(message->size()) + " became " + std::to_string(plan.rewrite->size()) + "): " +
                                preview(*plan.rewrite)});
        outcome.forward = plan.rewrite;
    } else {
        outcome.forward = std::move(message);
    }
    outcome.back = stepsOf(plan);
    return outcome;
}

} // namespace socketeer::core
