// TcpClient: resolve, connect with a deadline, optional local bind, auto-reconnect with exponential backoff.
//
//   open() ─► resolve ─► connect (deadline) ─► connected ─► connection lost ─┐
//                │            │ failed/timed out                             │
//                └──error─────┴──────────────► reconnect wait (backoff) ◄────┘  (when auto-reconnect is on)
//   close() at any point cancels whatever is pending; a local close never reconnects.
#include "socketeer/core/net/tcp_client.hpp"

#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>

#include "net/asio_endpoint.hpp"
#include "net/net_error.hpp"
#include "net/session_impl.hpp"
#include "net/tcp_connection.hpp"
#include "net/worker.hpp"

namespace socketeer::core {
namespace {

using asio::ip::tcp;

class TcpClientImpl final : public SessionImpl, public TcpConnectionOwner {
public:
    TcpClientImpl(asio::io_context& io, std::shared_ptr<SessionOutput> output, TcpClientConfig config)
        : SessionImpl(io, std::move(output), config.limits), m_config(std::move(config)), m_socket(io), m_connectTimer(io), m_reconnectTimer(io) {
        m_autoReply = m_config.autoReply;
        m_target = HostPort{m_config.host, m_config.port}.toString();
    }

    void open() override {
        if (m_connection || m_busy || m_out->state.load() == SessionState::Reconnecting) {
            m_out->emit(EventNotice{"already connected or connecting to " + m_target});
            return;
        }
        m_userClosed = false;
        m_failures = 0;
        if (m_config.tls.enabled) {
            auto made = makeTlsEndpoint(m_config.tls, false); // files are read again at each open
            if (auto* error = std::get_if<std::string>(&made)) {
                m_out->setState(SessionState::Closed);
                m_out->emitError(0, std::make_error_code(std::errc::invalid_argument), "TLS: " + *error);
                m_out->emit(EventClosed{0, Endpoint{}, CloseReason::Error, "could not connect to " + m_target, TrafficSnapshot{}});
                return;
            }
            m_tls = std::get<std::shared_ptr<TlsEndpoint>>(std::move(made));
            if (m_config.tls.insecure)
                m_out->emit(EventNotice{"TLS: certificate verification is OFF (insecure): any server is accepted, and "
                                        "anyone on the way can read and change this traffic"});
        }
        startAttempt();
    }

    void close() override {
        m_userClosed = true;
        ++m_generation; // callbacks of the attempt in progress see a stale generation and do nothing
        m_connectTimer.cancel();
        m_reconnectTimer.cancel();
        std::error_code ignored;
        const bool wasBusy = m_busy || m_out->state.load() == SessionState::Reconnecting;
        m_socket.close(ignored);
        m_busy = false;
        m_out->setState(SessionState::Closed);
        if (m_connection) {
            m_connection->close(CloseReason::Local); // emits Closed; onConnectionClosed resets m_connection
        } else if (wasBusy) {
            m_out->emit(EventClosed{0, Endpoint{}, CloseReason::Local, "connecting to " + m_target + " cancelled", TrafficSnapshot{}});
        }
    }

    void send(const SendTarget& target, SharedBytes payload) override {
        if (target.kind != SendTarget::Kind::Default && target.kind != SendTarget::Kind::Connection &&
            target.kind != SendTarget::Kind::AllConnections)
            return rejectSend(0, payload->size(), "a TCP client sends to the server it is connected to");
        if (!m_connection) return rejectSend(0, payload->size(), "not connected to " + m_target);
        if (target.kind == SendTarget::Kind::Connection && target.connection != m_connection->id())
            return rejectSend(target.connection, payload->size(),
                              "connection #" + std::to_string(target.connection) + " is gone (now #" +
                                  std::to_string(m_connection->id()) + ")");
        m_connection->send(std::move(payload));
    }

    void streamTo(const std::shared_ptr<StreamRecord>& record, std::unique_ptr<ByteSource> source,
                  const SendTarget& target) override {
        const std::size_t size = static_cast<std::size_t>(source->size().value_or(0));
        if (target.kind != SendTarget::Kind::Default && target.kind != SendTarget::Kind::Connection &&
            target.kind != SendTarget::Kind::AllConnections)
            return rejectSend(0, size, "a TCP client sends to the server it is connected to");
        if (!m_connection) return rejectSend(0, size, "not connected to " + m_target);
        if (target.kind == SendTarget::Kind::Connection && target.connection != m_connection->id())
            return rejectSend(target.connection, size,
                              "connection #" + std::to_string(target.connection) + " is gone (now #" +
                                  std::to_string(m_connection->id()) + ")");
        m_connection->attachStream(std::make_unique<StreamLeg>(record, std::move(source), m_connection->streamChunkBytes()));
    }

    void halfClose() override {
        if (m_connection) m_connection->halfClose();
    }

    void onConnectionData(TcpConnection& connection, const SharedBytes& bytes) override {
        connection.replyAutomatically(m_autoReply, bytes);
        if (connection.isCongested()) connection.pauseReading();
    }

    void onConnectionDrained(TcpConnection& connection) override {
        if (!connection.isCongested()) connection.resumeReading();
    }

    void onStreamCancelled() override {
        if (auto connection = m_connection) connection->dropCancelledStreams();
    }

    void onEventQueueRoom() override {
        if (auto connection = m_connection) connection->resumeAfterQueueRoom();
    }

    CaptureScene captureScene() const override {
        CaptureScene scene;
        scene.description = "TCP client";
        scene.localOpens = true;
        if (m_connection) {
            scene.local = m_connection->local();
            // A TLS connection already open keeps its plaintext: its keys were logged before the capture began.
            scene.connections.push_back({m_connection->id(), m_connection->local(), m_connection->peer(), true, false});
        }
        return scene;
    }

    void onConnectionClosing(TcpConnection&, CloseReason reason) override {
        m_out->setState(willReconnect(reason) ? SessionState::Reconnecting : SessionState::Closed);
    }

    void onConnectionClosed(TcpConnection&, CloseReason reason) override {
        m_connection.reset();
        if (willReconnect(reason)) scheduleReconnect();
    }

private:
    /// A lost connection counts as the first failure of a new series of retries.
    bool willReconnect(CloseReason reason) const {
        if (m_userClosed || !m_config.autoReconnect || reason == CloseReason::Local || reason == CloseReason::Kicked)
            return false;
        return m_config.reconnectMaxAttempts == 0 || m_failures < m_config.reconnectMaxAttempts;
    }

    void startAttempt() {
        m_busy = true;
        m_out->setState(SessionState::Opening);
        const std::uint64_t generation = ++m_generation;
        std::error_code ec;
        auto address = asio::ip::make_address(m_config.host, ec);
        if (!ec) {
            m_endpoints = {tcp::endpoint(address, m_config.port)};
            connectTo(0, generation);
            return;
        }
        lookupHost(m_lookups, m_config.host,
                   // weak: the lookup thread may outlive the session, and must not be what destroys it
                   [weak = std::weak_ptr<TcpClientImpl>(shared()), this, generation](std::error_code lec,
                                                                                     std::vector<asio::ip::address> addresses) {
                       const auto self = weak.lock();
                       if (!self || generation != m_generation) return;
                       if (lec)
                           return attemptFailed(CloseReason::Error, lec,
                                                "cannot resolve host '" + m_config.host + "': " + describeError(lec));
                       m_endpoints.clear();
                       for (const auto& address : addresses) m_endpoints.emplace_back(address, m_config.port);
                       connectTo(0, generation);
                   });
    }

    void connectTo(std::size_t index, std::uint64_t generation) {
        const tcp::endpoint endpoint = m_endpoints[index];
        const Endpoint remote = toEndpoint(endpoint);
        std::error_code ec;
        m_socket.close(ec);
        m_socket.open(endpoint.protocol(), ec);
        if (ec) return endpointFailed(index, generation, CloseReason::Error, ec,
                                      "cannot open a socket for " + remote.toString() + ": " + describeError(ec));
        if (!m_config.localAddress.empty() || m_config.localPort != 0) {
            tcp::endpoint local(endpoint.protocol(), m_config.localPort);
            if (!m_config.localAddress.empty()) {
                auto localAddress = asio::ip::make_address(m_config.localAddress, ec);
                if (ec) // a setting the user must fix: retrying cannot help
                    return attemptFailed(CloseReason::Error, ec,
                                         "local address '" + m_config.localAddress + "' is not an IP address", true);
                local = tcp::endpoint(localAddress, m_config.localPort);
            }
            m_socket.set_option(asio::socket_base::reuse_address(true), ec);
            m_socket.bind(local, ec);
            if (ec) return endpointFailed(index, generation, CloseReason::Error, ec,
                                          "cannot bind local address " + toEndpoint(local).toString() + ": " +
                                              describeError(ec, m_config.localPort));
        }
        m_out->emit(EventConnecting{remote, m_failures + 1});
        // A token per connect: a timer that fires for one endpoint must not close the next endpoint's socket.
        const std::uint64_t token = ++m_connectToken;
        m_connectTimer.expires_after(m_config.connectTimeout);
        m_connectTimer.async_wait([self = shared(), this, token](std::error_code tec) {
            if (tec || token != m_connectToken) return;
            m_timedOut = true;
            std::error_code ignored;
            m_socket.close(ignored);
        });
        m_timedOut = false;
        m_socket.async_connect(endpoint, [self = shared(), this, index, generation, token, remote](std::error_code cec) {
            if (generation != m_generation || token != m_connectToken) return;
            ++m_connectToken; // retire this connect's timer
            m_connectTimer.cancel();
            if (m_timedOut)
                return endpointFailed(index, generation, CloseReason::Timeout, asio::error::timed_out,
                                      "connect to " + remote.toString() + " timed out after " +
                                          std::to_string(m_config.connectTimeout.count()) + " ms");
            if (cec)
                return endpointFailed(index, generation, CloseReason::Error, cec,
                                      "connect to " + remote.toString() + " failed: " + describeError(cec));
            established();
        });
    }

    /// One address failed: try the next one the name resolved to, or give up on this attempt.
    void endpointFailed(std::size_t index, std::uint64_t generation, CloseReason reason, std::error_code ec,
                        std::string message) {
        if (index + 1 < m_endpoints.size()) {
            m_out->emitError(0, ec, std::move(message));
            return connectTo(index + 1, generation);
        }
        attemptFailed(reason, ec, std::move(message));
    }

    /// The attempt failed for good: state first, then the error, then a retry or the final close.
    void attemptFailed(CloseReason reason, std::error_code ec, std::string message, bool permanent = false) {
        m_busy = false;
        std::error_code ignored;
        m_socket.close(ignored);
        ++m_failures;
        const bool retry = !permanent && !m_userClosed && m_config.autoReconnect &&
                           (m_config.reconnectMaxAttempts == 0 || m_failures <= m_config.reconnectMaxAttempts);
        m_out->setState(retry ? SessionState::Reconnecting : SessionState::Closed);
        m_out->emitError(0, ec, message);
        if (retry) return scheduleRetry();
        std::string detail = "could not connect to " + m_target;
        if (m_config.autoReconnect && !permanent) detail += " (gave up after " + std::to_string(m_failures) + " attempts)";
        m_out->emit(EventClosed{0, Endpoint{}, reason, std::move(detail), TrafficSnapshot{}});
    }

    void scheduleReconnect() {
        ++m_failures;
        scheduleRetry();
    }

    void scheduleRetry() {
        // Exponential backoff over consecutive failures: initial, 2x, 4x ... capped at the maximum.
        auto delay = m_config.reconnectInitialDelay;
        for (unsigned i = 1; i < m_failures && delay < m_config.reconnectMaxDelay; ++i) delay *= 2;
        delay = std::min(delay, m_config.reconnectMaxDelay);
        m_out->setState(SessionState::Reconnecting);
        m_out->emit(EventReconnecting{delay, m_failures});
        const std::uint64_t generation = m_generation;
        m_reconnectTimer.expires_after(delay);
        m_reconnectTimer.async_wait([self = shared(), this, generation](std::error_code ec) {
            if (ec || generation != m_generation || m_userClosed) return;
            startAttempt();
        });
    }

    void established() {
        m_busy = false;
        std::error_code ec;
        const Endpoint local = toEndpoint(m_socket.local_endpoint(ec));
        const Endpoint remote = toEndpoint(m_socket.remote_endpoint(ec));
        std::unique_ptr<TlsChannel> tls;
        if (m_tls) {
            auto made = m_tls->channel(m_config.host);
            if (auto* error = std::get_if<std::string>(&made))
                return attemptFailed(CloseReason::Error, std::make_error_code(std::errc::invalid_argument), "TLS: " + *error, true);
            tls = std::get<std::unique_ptr<TlsChannel>>(std::move(made));
        }
        const ConnectionId id = ++m_nextConnectionId;
        m_connection = std::make_shared<TcpConnection>(std::move(m_socket), id, local, remote, m_out, m_readBuffer,
                                                       m_limits.sendBudgetBytes, m_config.framing,
                                                       std::weak_ptr<TcpConnectionOwner>(shared()), std::move(tls));
        m_socket = tcp::socket(m_io);
        m_failures = 0; // a success resets the backoff
        m_out->setState(SessionState::Open);
        m_connection->start();
        m_out->emit(EventConnected{id, local, remote, m_tls != nullptr});
    }

    std::shared_ptr<TcpClientImpl> shared() { return std::static_pointer_cast<TcpClientImpl>(shared_from_this()); }

    const TcpClientConfig m_config;
    std::shared_ptr<TlsEndpoint> m_tls; // null: plain TCP
    std::string m_target;
    tcp::socket m_socket; // the socket being connected
    asio::steady_timer m_connectTimer;
    asio::steady_timer m_reconnectTimer;
    std::vector<tcp::endpoint> m_endpoints;
    std::shared_ptr<TcpConnection> m_connection;
    std::uint64_t m_generation = 0;   // bumped by each attempt and by close(): stale callbacks do nothing
    std::uint64_t m_connectToken = 0; // bumped by each connect and its completion: stale timers do nothing
    unsigned m_failures = 0;          // consecutive failures since the last success
    ConnectionId m_nextConnectionId = 0;
    bool m_busy = false; // resolving or connecting
    bool m_timedOut = false;
    bool m_userClosed = false;
};

} // namespace

TcpClient::TcpClient(TcpClientConfig config) : Session(SessionKind::TcpClient, config.limits), m_config(config) {
    output()->receiveCheck = m_config.check;
    attach(std::make_shared<TcpClientImpl>(worker().context(), output(), std::move(config)));
}

} // namespace socketeer::core
