// Proxy: a session between clients and one target. Each accepted client gets its own connection to the target
// (UDP: each client address its own upstream socket); both directions are reported on the client's connection id —
// received from the client (c>s) as Rx, received from the target (s>c) as Tx — framed per direction, counted,
// captured, and impaired per direction as the user asks, changeable while it runs.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>
#include <string>

#include "socketeer/core/framing/frame_spec.hpp"
#include "socketeer/core/net/session.hpp"
#include "socketeer/core/proxy/impairment.hpp"
#include "socketeer/core/rules/rule_set.hpp"
#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::core {

/// c>s: from the clients to the target; s>c: back.
enum class ProxyDirection : std::uint8_t { ToServer, ToClient };
std::string_view proxyDirectionTag(ProxyDirection direction); ///< "c>s", "s>c"

struct ProxyConfig {
    std::string listenAddress;     ///< "" = all interfaces (dual-stack)
    std::uint16_t listenPort = 0;  ///< 0 = any free port; the Opened event reports the real one
    std::string targetHost;
    std::uint16_t targetPort = 0;
    bool udp = false;
    TlsSettings tlsListen;         ///< TLS toward the clients (a server's settings)
    TlsSettings tlsTo;             ///< TLS toward the target (a client's settings)
    FrameSpec framingToServer;     ///< how c>s is cut into messages (what loss, duplication and reordering act on)
    FrameSpec framingToClient;     ///< how s>c is
    ImpairmentSettings toServer;
    ImpairmentSettings toClient;
    /// Matched on each message of either direction (a rule scoped c2s: or s2c: on that one only), before Hold and
    /// the impairments: reply: answers the sender, rewrite: forwards other bytes, drop forwards nothing, close
    /// ends the client's link. The rule state (state:, when:) is per client, shared by its two directions.
    RuleSet rules;
    std::uint64_t seed = 1;        ///< the impairments' decisions; client n's directions draw from seed, n and the direction
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds udpIdleTimeout{60000}; ///< UDP: an upstream socket idle this long is closed
    std::size_t maxClients = 0;    ///< 0 = no limit
    SessionLimits limits;

    bool operator==(const ProxyConfig&) const = default;
};

/// The seed of one direction of client `id`: each draws its own numbers, so client n's run replays whatever the
/// other clients do.
std::uint64_t impairmentSeed(std::uint64_t seed, ConnectionId id, ProxyDirection direction);

/// What one direction's impairments act on: datagrams (UDP), framed messages, or reads of a stream.
TrafficUnits proxyUnits(const ProxyConfig& config, ProxyDirection direction);

/// "" when the config can open, else what is wrong ("--to needs HOST:PORT", "--split is for TCP...").
std::string checkProxyConfig(const ProxyConfig& config);

/// "Hold": one direction of one client paused, its messages waiting for the user to release, edit or drop them.
struct HeldMessages {
    ConnectionId id = 0;
    ProxyDirection direction = ProxyDirection::ToServer;
    std::size_t waiting = 0; ///< messages held
    SharedBytes next;        ///< the first of them (what a release sends, unless edited)
};

/// What the rules did to one direction's messages.
struct RuleTally {
    std::uint64_t matched = 0;   ///< messages a rule matched
    std::uint64_t rewritten = 0; ///< forwarded as a rewrite: made them
    std::uint64_t dropped = 0;   ///< not forwarded
    std::uint64_t replies = 0;   ///< replies sent back toward the message's sender
    bool operator==(const RuleTally&) const = default;
};

/// What the impairments and rules of each direction did, over every client so far (closed ones included).
struct ProxyTallies {
    ImpairmentTally toServer;
    ImpairmentTally toClient;
    RuleTally rulesToServer;
    RuleTally rulesToClient;
};

class ProxyImpl;

class Proxy final : public Session {
public:
    explicit Proxy(ProxyConfig config);
    [[nodiscard]] const ProxyConfig& config() const { return m_config; }

    /// Changes one direction's impairments for every client, now and later (units already waiting keep theirs).
    /// Settings that checkImpairment refuses for the direction's units are refused with an error event.
    void setImpairment(ProxyDirection direction, const ImpairmentSettings& settings);
    /// Any thread: the impairments' exact counts so far.
    [[nodiscard]] ProxyTallies tallies() const;

    /// Holds (or lets go of) one direction of every client, now and later: what arrives waits, in order, for
    /// releaseHeld or dropHeld. Letting go releases everything held, in order.
    void setHold(ProxyDirection direction, bool hold);
    /// Forwards the first message held for client `id` in `direction`, or `replacement` in its place.
    void releaseHeld(ConnectionId id, ProxyDirection direction, std::optional<Bytes> replacement = std::nullopt);
    /// Drops the first message held for client `id` in `direction`.
    void dropHeld(ConnectionId id, ProxyDirection direction);
    /// Any thread: what waits, per client and direction (only where something does).
    [[nodiscard]] std::vector<HeldMessages> held() const;

    /// Written by the worker (what each client's impairers did since it last said), read by anyone.
    struct TallyBoard {
        mutable std::mutex mutex;
        ProxyTallies totals;
        std::vector<HeldMessages> held; ///< as the worker last published it
    };

private:
    const ProxyConfig m_config;
    std::shared_ptr<TallyBoard> m_board;
    std::shared_ptr<ProxyImpl> m_proxy; // the worker side, for the calls only a proxy has
};

} // namespace socketeer::core
