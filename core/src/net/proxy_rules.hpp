// InFlightRules: a proxy's match rules on one client's messages, both directions, one rule state between them.
// Each message either goes on (as it was, or as a rewrite: made it) or is dropped; replies go back toward its
// sender, each when its delays say, and a close ends the link after them. What the rules did is counted on the
// proxy's board and said in a notice, so a rewrite or a drop is never silent.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/rule_responder.hpp"
#include "net/session_output.hpp"
#include "socketeer/core/net/proxy.hpp"

namespace socketeer::core {

struct InFlightOutcome {
    SharedBytes forward;        ///< what goes on toward the message's destination; null: dropped
    std::vector<RuleStep> back; ///< replies toward the message's sender (and the close), by when they are due
};

/// The opposite direction: where replies to a message of `direction` travel.
inline ProxyDirection backwardsOf(ProxyDirection direction) {
    return direction == ProxyDirection::ToServer ? ProxyDirection::ToClient : ProxyDirection::ToServer;
}

class InFlightRules {
public:
    InFlightRules(RuleSet rules, ConnectionId id, Endpoint client, std::shared_ptr<SessionOutput> output,
                  std::shared_ptr<Proxy::TallyBoard> board);

    [[nodiscard]] bool empty() const { return m_rules.empty(); }
    /// A message of `direction` arrived (reported already): what the rules make of it.
    InFlightOutcome decide(ProxyDirection direction, SharedBytes message);
    /// A delayed step could not be scheduled (too many wait already): said, and not sent.
    void sayDelayRefused() const;

private:
    RuleSet m_rules; // a copy shares the proxy's hit counters
    ConnectionId m_id;
    Endpoint m_client;
    std::shared_ptr<SessionOutput> m_out;
    std::shared_ptr<Proxy::TallyBoard> m_board;
    SendContext m_context; // the client's {peer} and the session's {counter}; the time and {n} are set per message
    std::string m_state;
    std::uint64_t m_messages[2] = {0, 0}; // per direction: {n} in a reply or rewrite
};

} // namespace socketeer::core
