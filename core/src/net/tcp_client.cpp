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

#include "asio_endpoint.hpp"
#include "net_error.hpp"
#include "session_impl.hpp"
#include "tcp_connection.hpp"
#include "worker.hpp"

namespace socketeer::core {
namespace {

using asio::ip::tcp;

class TcpClientImpl final : public SessionImpl, public TcpConnectionOwner {
public:
    TcpClientImpl(asio::io_context& io, std::shared_ptr<SessionOutput> output, TcpClientConfig config)
        : SessionImpl(io, std::move(output), config.limits), m_config(std::move(config)), m_resolver(io),
          m_socket(io), m_connectTimer(io), m_reconnectTimer(io) {
        m_autoReply = m_config.autoReply;
        m_target = HostPort{m_config.host, m_config.port}.toString();
    }

    void open() override {
        if (m_connection || m_busy) {
            m_out->emit(EventNotice{"already connected or connecting to " + m_target});
            return;
        }
        m_userClosed = false;
        m_attempt = 0;
        m_reconnectTimer.cancel();
        startAttempt();
    }

    void close() override {
        m_userClosed = true;
        ++m_generation; // callbacks of the attempt in progress see a stale generation and do nothing
        m_resolver.cancel();
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
            m_out->emit(EventClosed{0, {}, CloseReason::Local, "connecting to " + m_target + " cancelled", {}});
        }
    }

    void send(const SendTarget& target, SharedBytes payload) override {
        if (target.kind != SendTarget::Kind::Default && target.kind != SendTarget::Kind::Connection &&
            target.kind != SendTarget::Kind::AllConnections)
            return rejectSend(0, payload->size(), "a TCP client sends to the server it is connected to");
        if (!m_connection) return rejectSend(0, payload->size(), "not connected to " + m_target);
        m_connection->send(std::move(payload));
    }

    void halfClose() override {
        if (m_connection) m_connection->halfClose();
    }

    void onConnectionData(TcpConnection& connection, const SharedBytes& bytes) override {
        connection.replyAutomatically(m_autoReply, *bytes);
        if (connection.isCongested()) connection.pauseReading();
    }

    void onConnectionDrained(TcpConnection& connection) override { connection.resumeReading(); }

    void onConnectionClosing(TcpConnection&, CloseReason reason) override {
        m_out->setState(willReconnect(reason) ? SessionState::Reconnecting : SessionState::Closed);
    }

    void onConnectionClosed(TcpConnection&, CloseReason reason) override {
        m_connection.reset();
        if (willReconnect(reason)) scheduleReconnect();
    }

private:
    bool willReconnect(CloseReason reason) const {
        return !m_userClosed && m_config.autoReconnect && reason != CloseReason::Local && reason != CloseReason::Kicked;
    }

    void startAttempt() {
        m_busy = true;
        m_out->setState(SessionState::Opening);
        const std::uint64_t generation = ++m_generation;
        ++m_attempt;
        std::error_code ec;
        auto address = asio::ip::make_address(m_config.host, ec);
        if (!ec) {
            m_endpoints = {tcp::endpoint(address, m_config.port)};
            connectTo(0, generation);
            return;
        }
        m_resolver.async_resolve(m_config.host, std::to_string(m_config.port),
                                 [self = shared(), this, generation](std::error_code rec, tcp::resolver::results_type results) {
                                     if (generation != m_generation) return;
                                     if (rec) {
                                         m_out->emitError(0, rec, "cannot resolve host '" + m_config.host + "': " + describeError(rec));
                                         return attemptFailed();
                                     }
                                     m_endpoints.clear();
                                     for (const auto& entry : results) m_endpoints.push_back(entry.endpoint());
                                     connectTo(0, generation);
                                 });
    }

    void connectTo(std::size_t index, std::uint64_t generation) {
        const tcp::endpoint endpoint = m_endpoints[index];
        const Endpoint remote = toEndpoint(endpoint);
        std::error_code ec;
        m_socket.close(ec);
        m_socket.open(endpoint.protocol(), ec);
        if (ec) {
            m_out->emitError(0, ec, "cannot open a socket for " + remote.toString() + ": " + describeError(ec));
            return nextEndpoint(index, generation);
        }
        if (!m_config.localAddress.empty() || m_config.localPort != 0) {
            tcp::endpoint local(endpoint.protocol(), m_config.localPort);
            if (!m_config.localAddress.empty()) {
                auto localAddress = asio::ip::make_address(m_config.localAddress, ec);
                if (ec) {
                    m_out->emitError(0, ec, "local address '" + m_config.localAddress + "' is not an IP address");
                    return attemptFailed();
                }
                local = tcp::endpoint(localAddress, m_config.localPort);
            }
            m_socket.set_option(asio::socket_base::reuse_address(true), ec);
            m_socket.bind(local, ec);
            if (ec) {
                m_out->emitError(0, ec, "cannot bind local address " + toEndpoint(local).toString() + ": " +
                                            describeError(ec, m_config.localPort));
                return nextEndpoint(index, generation);
            }
        }
        m_out->emit(EventConnecting{remote, m_attempt});
        m_timedOut = false;
        m_connectTimer.expires_after(m_config.connectTimeout);
        m_connectTimer.async_wait([self = shared(), this, generation](std::error_code tec) {
            if (tec || generation != m_generation) return;
            m_timedOut = true;
            std::error_code ignored;
            m_socket.close(ignored);
        });
        m_socket.async_connect(endpoint, [self = shared(), this, index, generation, remote](std::error_code cec) {
            if (generation != m_generation) return;
            m_connectTimer.cancel();
            if (m_timedOut) {
                m_out->emitError(0, asio::error::timed_out,
                                 "connect to " + remote.toString() + " timed out after " +
                                     std::to_string(m_config.connectTimeout.count()) + " ms");
                return nextEndpoint(index, generation);
            }
            if (cec) {
                m_out->emitError(0, cec, "connect to " + remote.toString() + " failed: " + describeError(cec));
                return nextEndpoint(index, generation);
            }
            established();
        });
    }

    void nextEndpoint(std::size_t index, std::uint64_t generation) {
        if (index + 1 < m_endpoints.size()) return connectTo(index + 1, generation);
        attemptFailed();
    }

    void attemptFailed() {
        m_busy = false;
        std::error_code ignored;
        m_socket.close(ignored);
        if (m_config.autoReconnect && !m_userClosed)
            scheduleReconnect();
        else
            m_out->setState(SessionState::Closed);
    }

    void established() {
        m_busy = false;
        std::error_code ec;
        const Endpoint local = toEndpoint(m_socket.local_endpoint(ec));
        const Endpoint remote = toEndpoint(m_socket.remote_endpoint(ec));
        const ConnectionId id = ++m_nextConnectionId;
        m_connection = std::make_shared<TcpConnection>(std::move(m_socket), id, local, remote, m_out, m_readBuffer,
                                                       m_limits.sendBudgetBytes,
                                                       std::weak_ptr<TcpConnectionOwner>(shared()));
        m_socket = tcp::socket(m_io);
        m_attempt = 0; // a success resets the backoff
        m_out->setState(SessionState::Open);
        m_connection->start();
        m_out->emit(EventConnected{id, local, remote});
    }

    void scheduleReconnect() {
        const unsigned attempt = m_attempt == 0 ? 1 : m_attempt;
        if (m_config.reconnectMaxAttempts != 0 && attempt >= m_config.reconnectMaxAttempts) {
            m_out->emit(EventNotice{"giving up on " + m_target + " after " + std::to_string(attempt) + " attempts"});
            m_out->setState(SessionState::Closed);
            return;
        }
        // Exponential backoff: initial, 2x, 4x ... capped at the maximum.
        auto delay = m_config.reconnectInitialDelay;
        for (unsigned i = 1; i < attempt && delay < m_config.reconnectMaxDelay; ++i) delay *= 2;
        delay = std::min(delay, m_config.reconnectMaxDelay);
        m_out->setState(SessionState::Reconnecting);
        m_out->emit(EventReconnecting{delay, attempt + 1});
        const std::uint64_t generation = m_generation;
        m_reconnectTimer.expires_after(delay);
        m_reconnectTimer.async_wait([self = shared(), this, generation](std::error_code ec) {
            if (ec || generation != m_generation || m_userClosed) return;
            startAttempt();
        });
    }

    std::shared_ptr<TcpClientImpl> shared() { return std::static_pointer_cast<TcpClientImpl>(shared_from_this()); }

    const TcpClientConfig m_config;
    std::string m_target;
    tcp::resolver m_resolver;
    tcp::socket m_socket; // the socket being connected
    asio::steady_timer m_connectTimer;
    asio::steady_timer m_reconnectTimer;
    std::vector<tcp::endpoint> m_endpoints;
    std::shared_ptr<TcpConnection> m_connection;
    std::uint64_t m_generation = 0;
    unsigned m_attempt = 0;
    ConnectionId m_nextConnectionId = 0;
    bool m_busy = false; // resolving or connecting
    bool m_timedOut = false;
    bool m_userClosed = false;
};

} // namespace

TcpClient::TcpClient(TcpClientConfig config) : Session(SessionKind::TcpClient, config.limits), m_config(config) {
    attach(std::make_shared<TcpClientImpl>(worker().context(), output(), std::move(config)));
}

} // namespace socketeer::core
