// ProxyLink: one client of a TCP proxy and its own connection to the target. What either side sends is read (and
// decrypted), cut into messages when that direction is framed, reported, passed through the direction's Impairer,
// and written (encrypted) to the other side when due. A FIN is passed on once what came before it has been written;
// the link ends when both directions have, or at the first reset or failure.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "net/proxy_rules.hpp"
#include "net/rule_responder.hpp"
#include "net/session_impl.hpp"
#include "net/session_output.hpp"
#include "socketeer/core/framing/framer.hpp"
#include "socketeer/core/net/proxy.hpp"
#include "tls/tls_channel.hpp"

namespace socketeer::core {

struct ProxyLinkSetup {
    ConnectionId id = 0;
    Endpoint client;
    Endpoint local;
    std::vector<asio::ip::tcp::endpoint> targets; ///< the target's addresses, tried in order
    std::string targetHost;                       ///< as configured (SNI and the name checked)
    std::string targetText;                       ///< "host:port", for messages
    std::unique_ptr<TlsChannel> clientTls;        ///< TLS toward the client (server role), or null
    std::shared_ptr<TlsEndpoint> targetTls;       ///< TLS toward the target (client role), or null
    FrameSpec framingToServer, framingToClient;
    ImpairmentSettings toServer, toClient;
    RuleSet rules;
    std::uint64_t seed = 1;
    std::chrono::milliseconds connectTimeout{5000};
    std::size_t budget = 16u << 20; ///< bytes waiting per direction before the sending side stops being read
};

class ProxyLink : public std::enable_shared_from_this<ProxyLink> {
public:
    ProxyLink(asio::io_context& io, asio::ip::tcp::socket client, ProxyLinkSetup setup,
              std::shared_ptr<SessionOutput> output, std::shared_ptr<ReadBuffer> readBuffer,
              std::shared_ptr<Proxy::TallyBoard> board, std::function<void(ConnectionId)> onClosed);

    /// Registers the client, connects to the target, then relays.
    void start();
    /// Closes both sides now (what waits is dropped). Emits the Closed event once.
    void close(CloseReason reason, std::string detail = {});
    void setImpairment(ProxyDirection direction, const ImpairmentSettings& settings);
    /// The lossless event queue has room again: the sides that stopped for it are read.
    void resumeAfterQueueRoom();
    /// Hold: what arrives in `direction` waits for the user (see Proxy::setHold).
    void setHold(ProxyDirection direction, bool hold);
    /// The first held message goes on (replaced, if asked), or is dropped. False when nothing is held.
    bool releaseHeld(ProxyDirection direction, const std::optional<Bytes>& replacement);
    bool dropHeld(ProxyDirection direction);
    /// Queues bytes for the client as if the target had sent them (after the impairments). False once closing.
    bool sendToClient(const SharedBytes& bytes);
    [[nodiscard]] ConnectionId id() const { return m_setup.id; }
    [[nodiscard]] const Endpoint& client() const { return m_setup.client; }
    [[nodiscard]] const Endpoint& local() const { return m_setup.local; }

private:
    struct Side {
        Side(asio::io_context& io, const char* role) : socket(io), idleTimer(io), name(role) {}
        asio::ip::tcp::socket socket;
        std::unique_ptr<TlsChannel> tls;
        bool tlsReady = false;
        bool tlsClosed = false;   // our close_notify is made
        std::optional<Framer> framer;
        asio::steady_timer idleTimer;
        std::chrono::steady_clock::time_point lastByteAt;
        std::deque<SharedBytes> writes; // pieces due for this side, in order
        std::size_t writeBytes = 0;
        std::size_t inFlight = 0;       // pieces the current write carries
        Bytes cipherOut;
        bool connected = false;
        bool writing = false;
        bool readPaused = false;
        bool waitingForQueueRoom = false; // a lossless front end is behind: not read until it drains
        bool eof = false;         // the peer's FIN or close_notify: nothing more comes from this side
        bool finWanted = false;   // the other side ended: our FIN follows what is queued
        bool finSent = false;
        const char* name;         // "client", "target"
    };
    struct Direction {
        Direction(asio::io_context& io, const ImpairmentSettings& settings, std::uint64_t seed, TrafficUnits units)
            : impairer(settings, seed, units), timer(io) {}
        Impairer impairer;
        asio::steady_timer timer;
        std::optional<std::chrono::steady_clock::time_point> armedFor;
        ImpairmentTally published; // what the board has already been told
        bool hold = false;
        std::deque<SharedBytes> held; // waiting for the user, in arrival order
        std::size_t heldBytes = 0;
    };

    void connectTarget();
    void onTargetConnected(const asio::ip::tcp::endpoint& endpoint);
    void read(Side& side);
    void onReadable(Side& side);
    /// Plaintext from `side`: cut into units (framed or as read), reported, impaired.
    void receive(Side& side, ByteView plaintext);
    void unit(Side& side, ByteView bytes, FrameStatus status);
    /// A unit on its way in direction `d`: held for the user, or into the direction's impairer.
    void forward(ProxyDirection d, SharedBytes bytes);
    bool advanceHandshake(Side& side);
    void endOfInput(Side& side);
    void armIdleTimer(Side& side);
    void pump(ProxyDirection direction);
    void writeNext(Side& side);
    void afterWrite(Side& side, const std::error_code& ec);
    void resumeSourceIfDrained(ProxyDirection direction);
    void closeIfDone();
    void fail(Side& side, const std::error_code& ec, const std::string& doing);
    void publishTallies();
    /// Bytes the proxy itself puts in `direction` (a rule's reply, the user's send): reported, then impaired.
    void inject(ProxyDirection direction, const SharedBytes& bytes, std::int32_t rule);
    /// One step of the rules' answer to a message of `direction`: its replies go back, then the close if it says so.
    void runRuleStep(ProxyDirection direction, const RuleStep& step);
    /// A rule's close: nothing more is read, what is queued goes out, then both FINs.
    void endByRule(std::int32_t rule);
    /// The board's view of what this link holds (none once it is closed).
    void publishHeld();

    Side& other(Side& side) { return &side == &m_client ? m_target : m_client; }
    ProxyDirection directionFrom(const Side& side) const {
        return &side == &m_client ? ProxyDirection::ToServer : ProxyDirection::ToClient;
    }
    Direction& direction(ProxyDirection d) { return d == ProxyDirection::ToServer ? m_toServer : m_toClient; }
    Side& destination(ProxyDirection d) { return d == ProxyDirection::ToServer ? m_target : m_client; }
    Side& source(ProxyDirection d) { return d == ProxyDirection::ToServer ? m_client : m_target; }
    const Endpoint& peerOf(const Side& side) const { return &side == &m_client ? m_setup.client : m_targetEndpoint; }
    [[nodiscard]] std::size_t backlog(ProxyDirection d) {
        return direction(d).impairer.waitingBytes() + direction(d).heldBytes + destination(d).writeBytes;
    }

    asio::io_context& m_io;
    ProxyLinkSetup m_setup;
    std::shared_ptr<SessionOutput> m_out;
    std::shared_ptr<ReadBuffer> m_readBuffer;
    std::shared_ptr<Proxy::TallyBoard> m_board;
    std::function<void(ConnectionId)> m_onClosed;
    Side m_client;
    Side m_target;
    Direction m_toServer;
    Direction m_toClient;
    asio::steady_timer m_connectTimer;
    Endpoint m_targetEndpoint;
    std::vector<std::uint8_t> m_plaintext; // TLS: what a read decrypts to
    InFlightRules m_rules;
    std::optional<DelayedRuleSteps> m_ruleSteps; // made at the first delayed reply
    std::string m_endedByRule;                   // "rule 3 closed the link", once one did
    bool m_closed = false;
};

} // namespace socketeer::core
