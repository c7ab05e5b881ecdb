// TcpServer: the acceptor, the client registry (send to one / all, kick), limits, allow-list and auto-replies.
#include "socketeer/core/net/tcp_server.hpp"

#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>
#include <map>

#include "net/asio_endpoint.hpp"
#include "net/net_error.hpp"
#include "net/session_impl.hpp"
#include "net/tcp_connection.hpp"
#include "net/worker.hpp"

namespace socketeer::core {
namespace {

constexpr auto AcceptRetryDelay = std::chrono::milliseconds(100);

class TcpServerImpl final : public SessionImpl, public TcpConnectionOwner {
public:
    TcpServerImpl(asio::io_context& io, std::shared_ptr<SessionOutput> output, TcpServerConfig config)
        : SessionImpl(io, std::move(output), config.limits), m_config(std::move(config)), m_acceptor(io),
          m_retryTimer(io) {
        m_autoReply = m_config.autoReply;
    }

    void open() override {
        if (m_acceptor.is_open()) {
            m_out->emit(EventNotice{"already listening on " + m_localText});
            return;
        }
        m_out->setState(SessionState::Opening);
        // A generated certificate stays for the session's life (its fingerprint, once trusted, stays true); files
        // are read again at each open.
        if (m_config.tls.enabled && (!m_tls || !m_tls->generatedCertificate())) {
            auto made = makeTlsEndpoint(m_config.tls, true);
            if (auto* error = std::get_if<std::string>(&made))
                return failOpen(std::make_error_code(std::errc::invalid_argument), "TLS: " + *error);
            m_tls = std::get<std::shared_ptr<TlsEndpoint>>(std::move(made));
        }
        asio::ip::tcp::endpoint endpoint;
        const bool dualStack = m_config.bindAddress.empty() || m_config.bindAddress == "::";
        if (m_config.bindAddress.empty()) {
            endpoint = {asio::ip::tcp::v6(), m_config.port};
        } else {
            std::error_code ec;
            auto address = asio::ip::make_address(m_config.bindAddress, ec);
            if (ec) return failOpen(ec, "bind address '" + m_config.bindAddress + "' is not an IP address");
            endpoint = {address, m_config.port};
        }
        std::error_code ec;
        m_acceptor.open(endpoint.protocol(), ec);
        if (ec && m_config.bindAddress.empty()) { // no IPv6 on this machine: all IPv4 interfaces then
            endpoint = {asio::ip::tcp::v4(), m_config.port};
            ec.clear();
            m_acceptor.open(endpoint.protocol(), ec);
        }
        const std::string where = Endpoint{endpoint.address().to_string(), m_config.port}.toString();
        if (ec) return failOpen(ec, "cannot open a socket for " + where + ": " + describeError(ec));
        if (dualStack && endpoint.protocol() == asio::ip::tcp::v6())
            m_acceptor.set_option(asio::ip::v6_only(false), ec); // best effort: some systems are IPv6-only
#ifndef _WIN32
        if (m_config.reuseAddress) m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
#endif
        m_acceptor.bind(endpoint, ec);
        if (ec) return failOpen(ec, "cannot listen on " + where + ": " + describeError(ec, m_config.port));
        const int backlog = m_config.backlog > 0 ? m_config.backlog : asio::socket_base::max_listen_connections;
        m_acceptor.listen(backlog, ec);
        if (ec) return failOpen(ec, "cannot listen on " + where + ": " + describeError(ec, m_config.port));
        auto local = m_acceptor.local_endpoint(ec);
        m_local = Endpoint{local.address().to_string(), local.port()};
        m_localText = m_local.toString();
        m_out->setState(SessionState::Open);
        m_out->emit(EventOpened{m_local});
        if (m_tls) announceCertificate();
        accept();
    }

    void close() override {
        ++m_epoch; // accept and retry handlers of this listening period are stale from now on
        const bool wasListening = m_acceptor.is_open();
        m_out->setState(SessionState::Closed);
        std::error_code ignored;
        m_acceptor.close(ignored);
        m_retryTimer.cancel();
        auto connections = m_connections; // closing erases from the registry
        for (auto& [id, connection] : connections) connection->close(CloseReason::Local);
        m_connections.clear();
        m_paused.clear();
        if (wasListening) m_out->emit(EventClosed{0, m_local, CloseReason::Local, "stopped listening on " + m_localText, {}});
    }

    void send(const SendTarget& target, SharedBytes payload) override {
        switch (target.kind) {
        case SendTarget::Kind::Default:
        case SendTarget::Kind::AllConnections:
            if (m_connections.empty()) return rejectSend(0, payload->size(), "no clients are connected");
            for (auto& [id, connection] : m_connections)
                if (connection->acceptsSends()) connection->send(payload);
            return;
        case SendTarget::Kind::Connection: {
            auto it = m_connections.find(target.connection);
            if (it == m_connections.end())
                return rejectSend(target.connection, payload->size(),
                                  "client #" + std::to_string(target.connection) + " is not connected");
            it->second->send(std::move(payload));
            return;
        }
        case SendTarget::Kind::HostPort:
        case SendTarget::Kind::LastSender:
            return rejectSend(0, payload->size(), "a TCP server sends to its clients: choose one client or all");
        }
    }

    void streamTo(const std::shared_ptr<StreamRecord>& record, std::unique_ptr<ByteSource> source,
                  const SendTarget& target) override {
        const std::size_t size = static_cast<std::size_t>(source->size().value_or(0));
        std::vector<std::shared_ptr<TcpConnection>> destinations;
        switch (target.kind) {
        case SendTarget::Kind::Default:
        case SendTarget::Kind::AllConnections:
            for (auto& [id, connection] : m_connections)
                if (connection->acceptsSends()) destinations.push_back(connection);
            if (destinations.empty()) return rejectSend(0, size, "no clients are connected");
            break;
        case SendTarget::Kind::Connection: {
            auto it = m_connections.find(target.connection);
            if (it == m_connections.end())
                return rejectSend(target.connection, size, "client #" + std::to_string(target.connection) + " is not connected");
            destinations.push_back(it->second);
            break;
        }
        case SendTarget::Kind::HostPort:
        case SendTarget::Kind::LastSender:
            return rejectSend(0, size, "a TCP server sends to its clients: choose one client or all");
        }
        // Each client reads the source from its own start (a file is opened once per client).
        std::vector<std::unique_ptr<ByteSource>> sources;
        for (std::size_t i = 1; i < destinations.size(); ++i) {
            std::string error;
            auto copy = source->reopen(error);
            if (!copy) return record->setFailure(error);
            sources.push_back(std::move(copy));
        }
        sources.insert(sources.begin(), std::move(source));
        for (std::size_t i = 0; i < destinations.size(); ++i) {
            auto& connection = *destinations[i];
            connection.attachStream(std::make_unique<StreamLeg>(record, std::move(sources[i]), connection.streamChunkBytes()));
        }
    }

    void kick(ConnectionId id) override {
        auto it = m_connections.find(id);
        if (it == m_connections.end()) {
            m_out->emitError(id, std::make_error_code(std::errc::not_connected),
                             "cannot kick client #" + std::to_string(id) + ": it is not connected");
            return;
        }
        it->second->close(CloseReason::Kicked, "kicked " + it->second->peer().toString());
    }

    void onConnectionData(TcpConnection& source, const SharedBytes& bytes) override {
        source.replyAutomatically(m_autoReply, bytes);
        bool congested = source.isCongested();
        if (m_autoReply.relay) {
            for (auto& [id, connection] : m_connections) {
                if (id == source.id() || !connection->acceptsSends()) continue;
                connection->send(bytes);
                congested = congested || connection->isCongested();
            }
        }
        // Echo and relay must not outrun a slow reader: stop reading the source until its destinations drain.
        if (congested) {
            source.pauseReading();
            m_paused.push_back(source.id());
        }
    }

    void onConnectionClosed(TcpConnection& connection, CloseReason) override {
        m_connections.erase(connection.id());
        resumePaused();
    }

    void onConnectionDrained(TcpConnection&) override { resumePaused(); }

    void onStreamCancelled() override {
        auto connections = m_connections;
        for (auto& [id, connection] : connections) connection->dropCancelledStreams();
    }

    void onEventQueueRoom() override {
        auto connections = m_connections; // a resumed read may close a connection, which leaves the registry
        for (auto& [id, connection] : connections) connection->resumeAfterQueueRoom();
    }

    CaptureScene captureScene() const override {
        CaptureScene scene;
        scene.description = "TCP server";
        if (m_acceptor.is_open()) scene.local = m_local;
        for (const auto& [id, connection] : m_connections)
            // A TLS connection already open keeps its plaintext: its keys were logged before the capture began.
            scene.connections.push_back({id, connection->local(), connection->peer(), false, false});
        return scene;
    }

private:
    void announceCertificate() {
        const auto& own = m_tls->ownCertificate();
        if (!own) return;
        std::string text = m_tls->generatedCertificate() ? "TLS: generated a self-signed certificate for this session, "
                                                         : "TLS: presenting ";
        text += own->subject + ", valid to " + own->notAfter + ", SHA-256 fingerprint " + own->sha256Fingerprint;
        m_out->emit(EventNotice{std::move(text)});
        if (!m_config.tls.caFile.empty())
            m_out->emit(EventNotice{"TLS: clients must present a certificate issued by a CA in '" + m_config.tls.caFile + "'"});
    }

    void failOpen(const std::error_code& ec, std::string message) {
        std::error_code ignored;
        m_acceptor.close(ignored);
        m_out->setState(SessionState::Closed);
        m_out->emitError(0, ec, std::move(message));
    }

    void accept() {
        m_acceptor.async_accept([self = shared(), this, epoch = m_epoch](std::error_code ec, asio::ip::tcp::socket socket) {
            if (epoch != m_epoch || ec == asio::error::operation_aborted || !m_acceptor.is_open()) return;
            if (ec) {
                if (isResourceExhaustion(ec)) {
                    if (!m_acceptStalled)
                        m_out->emitError(0, ec, "cannot accept on " + m_localText + ": " + describeError(ec) +
                                                    "; connected clients are still served, accepting resumes when "
                                                    "descriptors free up");
                    m_acceptStalled = true;
                    m_retryTimer.expires_after(AcceptRetryDelay);
                    m_retryTimer.async_wait([self, this, epoch](std::error_code timerEc) {
                        if (!timerEc && epoch == m_epoch && m_acceptor.is_open()) accept();
                    });
                    return;
                }
                // A peer that gave up before accept (ECONNABORTED) is routine; keep accepting.
                if (ec != asio::error::connection_aborted)
                    m_out->emitError(0, ec, "accept on " + m_localText + " failed: " + describeError(ec));
                accept();
                return;
            }
            if (m_acceptStalled) {
                m_acceptStalled = false;
                m_out->emit(EventNotice{"accepting again on " + m_localText});
            }
            admit(std::move(socket));
            accept();
        });
    }

    void admit(asio::ip::tcp::socket socket) {
        std::error_code ec;
        const auto remoteEndpoint = socket.remote_endpoint(ec);
        if (ec) return; // gone before we looked
        const Endpoint remote = toEndpoint(remoteEndpoint);
        const Endpoint local = toEndpoint(socket.local_endpoint(ec));
        std::string refusal;
        if (!m_config.allowList.empty() &&
            std::none_of(m_config.allowList.begin(), m_config.allowList.end(),
                         [&](const Cidr& block) { return block.contains(remote.address); }))
            refusal = "refused " + remote.toString() + ": not in the allow-list";
        else if (m_config.maxClients != 0 && m_connections.size() >= m_config.maxClients)
            refusal = "refused " + remote.toString() + ": the limit of " + std::to_string(m_config.maxClients) +
                      " clients is reached";
        if (!refusal.empty()) {
            socket.close(ec);
            m_out->counters.connectionsRefused.fetch_add(1, std::memory_order_relaxed);
            m_out->emit(EventRefused{remote, std::move(refusal)});
            return;
        }
        std::unique_ptr<TlsChannel> tls;
        if (m_tls) {
            auto made = m_tls->channel({});
            if (auto* error = std::get_if<std::string>(&made)) {
                socket.close(ec);
                m_out->emitError(0, std::make_error_code(std::errc::protocol_error), "TLS for " + remote.toString() + ": " + *error);
                return;
            }
            tls = std::get<std::unique_ptr<TlsChannel>>(std::move(made));
        }
        const ConnectionId id = ++m_nextConnectionId;
        auto connection = std::make_shared<TcpConnection>(std::move(socket), id, local, remote, m_out, m_readBuffer,
                                                          m_limits.sendBudgetBytes, m_config.framing, weakOwner(),
                                                          std::move(tls));
        m_connections.emplace(id, connection);
        connection->start(); // registers it in the peer table first: whoever sees the event sees the client listed
        m_out->emit(EventAccepted{id, local, remote, m_tls != nullptr});
        connection->sendWelcome(m_autoReply);
    }

    /// Resumes the sources whose destinations have room again; the others stay paused.
    void resumePaused() {
        if (m_paused.empty()) return;
        auto paused = std::move(m_paused);
        m_paused.clear();
        for (ConnectionId id : paused) {
            auto it = m_connections.find(id);
            if (it == m_connections.end()) continue;
            if (stillBlocked(*it->second)) m_paused.push_back(id);
            else it->second->resumeReading();
        }
    }

    bool stillBlocked(const TcpConnection& source) const {
        if (source.isCongested()) return true;
        if (!m_autoReply.relay) return false;
        return std::any_of(m_connections.begin(), m_connections.end(), [&](const auto& entry) {
            return entry.first != source.id() && entry.second->acceptsSends() && entry.second->isCongested();
        });
    }

    std::shared_ptr<TcpServerImpl> shared() { return std::static_pointer_cast<TcpServerImpl>(shared_from_this()); }
    std::weak_ptr<TcpConnectionOwner> weakOwner() { return std::weak_ptr<TcpConnectionOwner>(shared()); }

    const TcpServerConfig m_config;
    std::shared_ptr<TlsEndpoint> m_tls; // null: plain TCP
    asio::ip::tcp::acceptor m_acceptor;
    asio::steady_timer m_retryTimer;
    Endpoint m_local;
    std::string m_localText;
    std::map<ConnectionId, std::shared_ptr<TcpConnection>> m_connections;
    std::vector<ConnectionId> m_paused;
    ConnectionId m_nextConnectionId = 0;
    std::uint64_t m_epoch = 0;
    bool m_acceptStalled = false;
};

} // namespace

TcpServer::TcpServer(TcpServerConfig config) : Session(SessionKind::TcpServer, config.limits), m_config(config) {
    output()->discardReceived = m_config.discard;
    output()->receiveCheck = m_config.check;
    attach(std::make_shared<TcpServerImpl>(worker().context(), output(), std::move(config)));
}

} // namespace socketeer::core
