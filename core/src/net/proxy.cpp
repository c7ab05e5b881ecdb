// Proxy: the listener, the target's addresses, one ProxyLink per client, and impairments changed while it runs.
#include "socketeer/core/net/proxy.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/ip/v6_only.hpp>

#include <map>

#include "net/asio_endpoint.hpp"
#include "net/net_error.hpp"
#include "net/proxy_link.hpp"
#include "net/udp_proxy.hpp"
#include "net/session_impl.hpp"
#include "net/worker.hpp"

namespace socketeer::core {

std::string_view proxyDirectionTag(ProxyDirection direction) {
    return direction == ProxyDirection::ToServer ? "c>s" : "s>c";
}

std::uint64_t impairmentSeed(std::uint64_t seed, ConnectionId id, ProxyDirection direction) {
    std::uint64_t x = seed ^ (id * 0x9E3779B97F4A7C15ull) ^ (direction == ProxyDirection::ToServer ? 0x5A5A : 0xA5A5);
    x ^= x >> 31; // splitmix-style finish: nearby inputs give unrelated streams
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

TrafficUnits proxyUnits(const ProxyConfig& c, ProxyDirection direction) {
    const FrameSpec& framing = direction == ProxyDirection::ToServer ? c.framingToServer : c.framingToClient;
    return c.udp ? TrafficUnits::Datagrams : framing.enabled() ? TrafficUnits::Messages : TrafficUnits::Stream;
}

std::string checkProxyConfig(const ProxyConfig& c) {
    if (c.targetHost.empty() || c.targetPort == 0) return "--to needs HOST:PORT (the target the clients are relayed to)";
    if (auto problem = checkImpairment(c.toServer, proxyUnits(c, ProxyDirection::ToServer)); !problem.empty()) return "c>s: " + problem;
    if (auto problem = checkImpairment(c.toClient, proxyUnits(c, ProxyDirection::ToClient)); !problem.empty()) return "s>c: " + problem;
    if (c.udp && (c.tlsListen.enabled || c.tlsTo.enabled)) return "--tls-listen and --tls-to are for TCP (UDP has no TLS)";
    if (c.udp && (c.framingToServer.enabled() || c.framingToClient.enabled()))
        return "--frame is for TCP: a UDP proxy's messages are its datagrams";
    if (auto problem = checkTlsSettings(c.tlsListen, true); !problem.empty()) return "--tls-listen: " + problem;
    if (auto problem = checkTlsSettings(c.tlsTo, false); !problem.empty()) return "--tls-to: " + problem;
    for (std::size_t i = 0; i < c.rules.rules().size(); ++i)
        if (auto problem = checkRuleHost(c.rules.rules()[i], c.udp ? RuleHost::UdpProxy : RuleHost::TcpProxy); !problem.empty())
            return "rule " + std::to_string(i + 1) + ": " + problem;
    return {};
}

class ProxyImpl final : public SessionImpl {
public:
    ProxyImpl(asio::io_context& io, std::shared_ptr<SessionOutput> output, ProxyConfig config,
              std::shared_ptr<Proxy::TallyBoard> board)
        : SessionImpl(io, std::move(output), config.limits), m_config(std::move(config)), m_board(std::move(board)),
          m_acceptor(io) {}

    void open() override {
        if (m_acceptor.is_open() || m_udp || m_resolving) {
            m_out->emit(EventNotice{"already relaying " + m_listenText + " to " + target()});
            return;
        }
        if (auto problem = checkProxyConfig(m_config); !problem.empty())
            return failOpen(std::make_error_code(std::errc::invalid_argument), problem);
        m_out->setState(SessionState::Opening);
        if (!makeTls()) return;
        // The target is looked up once per open: every client goes to the same addresses.
        m_resolving = true;
        lookupHost(m_lookups, m_config.targetHost,
                   [self = shared(), this, epoch = m_epoch](std::error_code ec, std::vector<asio::ip::address> addresses) {
                       if (epoch != m_epoch) return;
                       m_resolving = false;
                       if (ec || addresses.empty())
                           return failOpen(ec ? ec : std::make_error_code(std::errc::host_unreachable),
                                           "cannot resolve the target '" + m_config.targetHost + "': " +
                                               (ec ? describeError(ec) : std::string("no address")));
                       m_targets.clear();
                       for (const auto& address : addresses) m_targets.emplace_back(address, m_config.targetPort);
                       if (m_config.udp) return openUdp(addresses);
                       listen();
                   });
    }

    void close() override {
        ++m_epoch;
        m_resolving = false;
        const bool wasListening = m_acceptor.is_open() || m_udp;
        m_out->setState(SessionState::Closed);
        std::error_code ignored;
        m_acceptor.close(ignored);
        if (m_udp) m_udp->close();
        m_udp.reset();
        auto links = m_links; // closing erases from the registry
        for (auto& [id, link] : links) link->close(CloseReason::Local);
        m_links.clear();
        if (wasListening)
            m_out->emit(EventClosed{0, m_local, CloseReason::Local, "stopped relaying " + m_listenText + " to " + target(), {}});
    }

    /// What the user sends goes to the clients, as if the target had sent it (through the s>c impairments).
    void send(const SendTarget& to, SharedBytes payload) override {
        if (m_udp) {
            const bool one = to.kind == SendTarget::Kind::Connection;
            if (to.kind == SendTarget::Kind::HostPort || to.kind == SendTarget::Kind::LastSender)
                return rejectSend(0, payload->size(), "a proxy sends to its clients: choose one client or all");
            if (!m_udp->sendToClients(one ? to.connection : 0, payload))
                rejectSend(to.connection, payload->size(), one ? "client #" + std::to_string(to.connection) + " is not known"
                                                               : "no clients have sent anything yet");
            return;
        }
        switch (to.kind) {
        case SendTarget::Kind::Default:
        case SendTarget::Kind::AllConnections:
            if (m_links.empty()) return rejectSend(0, payload->size(), "no clients are connected");
            for (auto& [id, link] : m_links) link->sendToClient(payload);
            return;
        case SendTarget::Kind::Connection: {
            auto it = m_links.find(to.connection);
            if (it == m_links.end() || !it->second->sendToClient(payload))
                return rejectSend(to.connection, payload->size(), "client #" + std::to_string(to.connection) + " is not connected");
            return;
        }
        case SendTarget::Kind::HostPort:
        case SendTarget::Kind::LastSender:
            return rejectSend(0, payload->size(), "a proxy sends to its clients: choose one client or all");
        }
    }

    void onEventQueueRoom() override {
        auto links = m_links; // a resumed read may close a link, which leaves the registry
        for (auto& [id, link] : links) link->resumeAfterQueueRoom();
        if (m_udp) m_udp->resumeAfterQueueRoom();
    }

    CaptureScene captureScene() const override {
        // The client's side of the relay: what the clients sent (c>s) arrives, what goes back (s>c) leaves.
        CaptureScene scene;
        scene.datagrams = m_config.udp;
        scene.description = m_config.udp ? "UDP proxy, its clients' side" : "TCP proxy, its clients' side";
        if (m_acceptor.is_open() || m_udp) scene.local = m_local;
        for (const auto& [id, link] : m_links) scene.connections.push_back({id, link->local(), link->client(), false});
        return scene;
    }

    void kick(ConnectionId id) override {
        if (m_udp)
            return m_out->emitError(id, std::make_error_code(std::errc::operation_not_supported),
                                    "a UDP proxy's clients come and go with their datagrams: there is no connection to kick");
        auto it = m_links.find(id);
        if (it == m_links.end())
            return m_out->emitError(id, std::make_error_code(std::errc::not_connected),
                                    "cannot kick client #" + std::to_string(id) + ": it is not connected");
        it->second->close(CloseReason::Kicked, "kicked");
    }

    void setHold(ProxyDirection direction, bool hold) {
        m_hold[direction == ProxyDirection::ToServer ? 0 : 1] = hold;
        for (auto& [id, link] : m_links) link->setHold(direction, hold);
        if (m_udp) m_udp->setHold(direction, hold);
        m_out->emit(EventNotice{"proxy " + std::string(proxyDirectionTag(direction)) +
                                (hold ? ": holding every message until it is released, edited or dropped"
                                      : ": released, flowing again")});
    }

    void releaseOrDrop(ConnectionId id, ProxyDirection direction, bool release, const std::optional<Bytes>& replacement) {
        bool done = false;
        if (auto it = m_links.find(id); it != m_links.end())
            done = release ? it->second->releaseHeld(direction, replacement) : it->second->dropHeld(direction);
        else if (m_udp)
            done = m_udp->releaseOrDrop(id, direction, release, replacement);
        if (!done)
            m_out->emitError(id, std::make_error_code(std::errc::no_message_available),
                             "client #" + std::to_string(id) + " has no " + std::string(proxyDirectionTag(direction)) +
                                 " message held");
    }

    void setImpairment(ProxyDirection direction, const ImpairmentSettings& settings) {
        if (auto problem = checkImpairment(settings, proxyUnits(m_config, direction)); !problem.empty())
            return m_out->emitError(0, std::make_error_code(std::errc::invalid_argument),
                                    "proxy " + std::string(proxyDirectionTag(direction)) + " impairments unchanged: " + problem);
        (direction == ProxyDirection::ToServer ? m_config.toServer : m_config.toClient) = settings;
        for (auto& [id, link] : m_links) link->setImpairment(direction, settings);
        if (m_udp) m_udp->setImpairment(direction, settings);
        m_out->emit(EventNotice{"proxy " + std::string(proxyDirectionTag(direction)) + " impairments now: " +
                                describeImpairment(settings)});
    }

protected:
    void streamTo(const std::shared_ptr<StreamRecord>& record, std::unique_ptr<ByteSource>, const SendTarget&) override {
        record->setFailure("a proxy relays its clients' streams; streaming a file into it is not supported");
    }

private:
    std::shared_ptr<ProxyImpl> shared() { return std::static_pointer_cast<ProxyImpl>(shared_from_this()); }
    std::string target() const { return HostPort{m_config.targetHost, m_config.targetPort}.toString(); }

    bool makeTls() {
        m_listenTls.reset();
        m_toTls.reset();
        if (m_config.tlsListen.enabled) {
            auto made = makeTlsEndpoint(m_config.tlsListen, true);
            if (auto* error = std::get_if<std::string>(&made))
                return failOpen(std::make_error_code(std::errc::invalid_argument), "--tls-listen: " + *error), false;
            m_listenTls = std::get<std::shared_ptr<TlsEndpoint>>(std::move(made));
        }
        if (m_config.tlsTo.enabled) {
            auto made = makeTlsEndpoint(m_config.tlsTo, false);
            if (auto* error = std::get_if<std::string>(&made))
                return failOpen(std::make_error_code(std::errc::invalid_argument), "--tls-to: " + *error), false;
            m_toTls = std::get<std::shared_ptr<TlsEndpoint>>(std::move(made));
        }
        return true;
    }

    void openUdp(const std::vector<asio::ip::address>& addresses) {
        m_udp = std::make_shared<UdpProxyRelay>(m_io, m_out, m_config, m_board);
        if (auto problem = m_udp->open(addresses); !problem.empty()) {
            m_udp.reset();
            return failOpen(std::make_error_code(std::errc::address_not_available), problem);
        }
        opened(m_udp->local());
    }

    /// Listening (TCP) or bound (UDP): said once, with what the proxy does.
    void opened(const Endpoint& local) {
        m_local = local;
        m_listenText = m_local.toString() + (m_config.udp ? " (UDP)" : "");
        m_out->setState(SessionState::Open);
        m_out->emit(EventOpened{m_local});
        m_out->emit(EventNotice{"relaying " + m_listenText + (m_listenTls ? " (TLS)" : "") + " to " + target() +
                                (m_toTls ? " (TLS)" : "") + "; c>s impairments: " + describeImpairment(m_config.toServer) +
                                "; s>c: " + describeImpairment(m_config.toClient) +
                                (m_config.toServer.any() || m_config.toClient.any() ? "; seed " + std::to_string(m_config.seed) : "") +
                                (m_config.rules.empty() ? "" : "; " + std::to_string(m_config.rules.rules().size()) +
                                                                   (m_config.rules.rules().size() == 1 ? " rule" : " rules"))});
    }

    void listen() {
        asio::ip::tcp::endpoint endpoint;
        const bool dualStack = m_config.listenAddress.empty() || m_config.listenAddress == "::";
        std::error_code ec;
        if (m_config.listenAddress.empty()) {
            endpoint = {asio::ip::tcp::v6(), m_config.listenPort};
        } else {
            auto address = asio::ip::make_address(m_config.listenAddress, ec);
            if (ec) return failOpen(ec, "listen address '" + m_config.listenAddress + "' is not an IP address");
            endpoint = {address, m_config.listenPort};
        }
        m_acceptor.open(endpoint.protocol(), ec);
        if (ec && m_config.listenAddress.empty()) {
            endpoint = {asio::ip::tcp::v4(), m_config.listenPort};
            ec.clear();
            m_acceptor.open(endpoint.protocol(), ec);
        }
        const std::string where = Endpoint{endpoint.address().to_string(), m_config.listenPort}.toString();
        if (ec) return failOpen(ec, "cannot open a socket for " + where + ": " + describeError(ec));
        if (dualStack && endpoint.protocol() == asio::ip::tcp::v6()) m_acceptor.set_option(asio::ip::v6_only(false), ec);
#ifndef _WIN32
        m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
#endif
        m_acceptor.bind(endpoint, ec);
        if (!ec) m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return failOpen(ec, "cannot listen on " + where + ": " + describeError(ec, m_config.listenPort));
        opened(toEndpoint(m_acceptor.local_endpoint(ec)));
        if (m_listenTls && m_listenTls->generatedCertificate() && m_listenTls->ownCertificate())
            m_out->emit(EventNotice{"TLS: generated a self-signed certificate for the clients, SHA-256 fingerprint " +
                                    m_listenTls->ownCertificate()->sha256Fingerprint});
        if (m_toTls && m_config.tlsTo.insecure)
            m_out->emit(EventNotice{"TLS to the target: certificate verification is OFF (insecure)"});
        accept();
    }

    void accept() {
        m_acceptor.async_accept([self = shared(), this, epoch = m_epoch](std::error_code ec, asio::ip::tcp::socket socket) {
            if (epoch != m_epoch || ec == asio::error::operation_aborted || !m_acceptor.is_open()) return;
            if (ec) {
                if (ec != asio::error::connection_aborted)
                    m_out->emitError(0, ec, "accept on " + m_listenText + " failed: " + describeError(ec));
                if (isResourceExhaustion(ec)) return retryAcceptLater(epoch);
                return accept();
            }
            admit(std::move(socket));
            accept();
        });
    }

    void retryAcceptLater(std::uint64_t epoch) {
        auto timer = std::make_shared<asio::steady_timer>(m_io, std::chrono::milliseconds(100));
        timer->async_wait([self = shared(), this, timer, epoch](std::error_code ec) {
            if (!ec && epoch == m_epoch && m_acceptor.is_open()) accept();
        });
    }

    void admit(asio::ip::tcp::socket socket) {
        std::error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        if (ec) return;
        ProxyLinkSetup setup;
        setup.client = toEndpoint(remote);
        setup.local = toEndpoint(socket.local_endpoint(ec));
        if (m_config.maxClients != 0 && m_links.size() >= m_config.maxClients) {
            socket.close(ec);
            m_out->counters.connectionsRefused.fetch_add(1, std::memory_order_relaxed);
            m_out->emit(EventRefused{setup.client, "refused " + setup.client.toString() + ": the limit of " +
                                                       std::to_string(m_config.maxClients) + " clients is reached"});
            return;
        }
        if (m_listenTls) {
            auto made = m_listenTls->channel({});
            if (auto* error = std::get_if<std::string>(&made)) {
                socket.close(ec);
                m_out->emitError(0, std::make_error_code(std::errc::protocol_error),
                                 "TLS for " + setup.client.toString() + ": " + *error);
                return;
            }
            setup.clientTls = std::get<std::unique_ptr<TlsChannel>>(std::move(made));
        }
        setup.id = ++m_nextId;
        setup.targets = m_targets;
        setup.targetHost = m_config.targetHost;
        setup.targetText = target();
        setup.targetTls = m_toTls;
        setup.framingToServer = m_config.framingToServer;
        setup.framingToClient = m_config.framingToClient;
        setup.toServer = m_config.toServer;
        setup.toClient = m_config.toClient;
        setup.seed = m_config.seed;
        setup.rules = m_config.rules;
        setup.connectTimeout = m_config.connectTimeout;
        setup.budget = m_limits.sendBudgetBytes;
        std::weak_ptr<ProxyImpl> weak = shared();
        auto link = std::make_shared<ProxyLink>(m_io, std::move(socket), std::move(setup), m_out, m_readBuffer, m_board,
                                                [weak](ConnectionId id) {
                                                    if (auto self = weak.lock()) self->m_links.erase(id);
                                                });
        m_links.emplace(link->id(), link);
        if (m_hold[0]) link->setHold(ProxyDirection::ToServer, true);
        if (m_hold[1]) link->setHold(ProxyDirection::ToClient, true);
        link->start();
    }

    void failOpen(const std::error_code& ec, std::string message) {
        std::error_code ignored;
        m_acceptor.close(ignored);
        if (m_udp) m_udp->close();
        m_udp.reset();
        m_out->setState(SessionState::Closed);
        m_out->emitError(0, ec, std::move(message));
    }

    ProxyConfig m_config;
    std::shared_ptr<Proxy::TallyBoard> m_board;
    asio::ip::tcp::acceptor m_acceptor;
    std::shared_ptr<TlsEndpoint> m_listenTls, m_toTls;
    std::vector<asio::ip::tcp::endpoint> m_targets;
    std::map<ConnectionId, std::shared_ptr<ProxyLink>> m_links;
    std::shared_ptr<UdpProxyRelay> m_udp; // a UDP proxy's sockets, while open
    Endpoint m_local;
    std::string m_listenText;
    ConnectionId m_nextId = 0;
    std::uint64_t m_epoch = 0;
    bool m_resolving = false;
    bool m_hold[2] = {false, false}; // c>s, s>c: held for every client, new ones too
};

Proxy::Proxy(ProxyConfig config)
    : Session(SessionKind::Proxy, config.limits), m_config(config), m_board(std::make_shared<TallyBoard>()) {
    m_proxy = std::make_shared<ProxyImpl>(worker().context(), output(), std::move(config), m_board);
    attach(m_proxy);
}

void Proxy::setImpairment(ProxyDirection direction, const ImpairmentSettings& settings) {
    worker().post([impl = m_proxy, direction, settings] { impl->setImpairment(direction, settings); });
}

void Proxy::setHold(ProxyDirection direction, bool hold) {
    worker().post([impl = m_proxy, direction, hold] { impl->setHold(direction, hold); });
}

void Proxy::releaseHeld(ConnectionId id, ProxyDirection direction, std::optional<Bytes> replacement) {
    worker().post([impl = m_proxy, id, direction, replacement = std::move(replacement)] {
        impl->releaseOrDrop(id, direction, true, replacement);
    });
}

void Proxy::dropHeld(ConnectionId id, ProxyDirection direction) {
    worker().post([impl = m_proxy, id, direction] { impl->releaseOrDrop(id, direction, false, std::nullopt); });
}

std::vector<HeldMessages> Proxy::held() const {
    std::lock_guard lock(m_board->mutex);
    return m_board->held;
}

ProxyTallies Proxy::tallies() const {
    std::lock_guard lock(m_board->mutex);
    return m_board->totals;
}

} // namespace socketeer::core
