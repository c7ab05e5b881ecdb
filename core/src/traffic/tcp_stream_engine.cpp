// TCP stream: N connections, each keeping one write of the payload in flight until the run ends. Anything the
// peer sends back (an echo server) is read and counted, so the peer never stalls on a full send buffer.
#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>

#include "traffic/generator_run.hpp"
#include "net/net_error.hpp"

namespace socketeer::core {
namespace {

using asio::ip::tcp;

constexpr std::size_t ReadChunk = 64u << 10;

class TcpStreamEngine final : public GeneratorEngine {
public:
    using GeneratorEngine::GeneratorEngine;

protected:
    void begin(const std::vector<asio::ip::address>& addresses) override {
        m_payload = generatorFiller(m_spec.payloadBytes);
        m_readBuffer.resize(ReadChunk); // the contents are never looked at, so every connection may share it
        for (const auto& address : addresses) m_endpoints.emplace_back(address, m_spec.port);
        m_connectTimer.expires_after(m_spec.connectTimeout);
        m_connectTimer.async_wait([self = shared(), this](std::error_code ec) {
            if (ec || m_connecting == 0) return;
            for (auto& connection : m_connections)
                if (!connection.connected) {
                    std::error_code ignored;
                    connection.socket.close(ignored); // completes its connect with operation_aborted
                }
        });
        m_connections.reserve(m_spec.connections);
        for (unsigned i = 0; i < m_spec.connections; ++i) m_connections.emplace_back(m_io);
        m_connecting = m_spec.connections;
        for (unsigned i = 0; i < m_spec.connections; ++i) connect(i);
    }

    void closeAll() override {
        m_connectTimer.cancel();
        for (auto& connection : m_connections) {
            std::error_code ignored;
            if (connection.connected) connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
            connection.socket.close(ignored);
        }
        m_live->connectionsOpen.store(0, std::memory_order_relaxed);
    }

private:
    struct Connection {
        explicit Connection(asio::io_context& io) : socket(io) {}
        tcp::socket socket;
        bool connected = false;
    };

    std::shared_ptr<TcpStreamEngine> shared() {
        return std::static_pointer_cast<TcpStreamEngine>(shared_from_this());
    }

    void connect(unsigned index) {
        asio::async_connect(m_connections[index].socket, m_endpoints,
                            [self = shared(), this, index](std::error_code ec, const tcp::endpoint&) {
                                --m_connecting;
                                if (ended()) return;
                                if (ec) {
                                    m_live->addProblem("connection " + std::to_string(index + 1) + " to " + target() +
                                                       ": " + (ec == asio::error::operation_aborted
                                                                   ? "no answer within " +
                                                                         std::to_string(m_spec.connectTimeout.count()) + " ms"
                                                                   : describeError(ec)));
                                } else {
                                    m_connections[index].connected = true;
                                    ++m_connected;
                                    m_live->connectionsOpen.fetch_add(1, std::memory_order_relaxed);
                                }
                                if (m_connecting == 0) allConnectsDone();
                            });
    }

    void allConnectsDone() {
        m_connectTimer.cancel();
        if (m_connected == 0) return fail("no connection to " + target() + " could be opened");
        trafficStarted(); // the clock starts when every connection that could open is open
        for (unsigned i = 0; i < m_connections.size(); ++i)
            if (m_connections[i].connected) {
                write(i);
                read(i);
            }
    }

    void write(unsigned index) {
        // write_some, counted as it completes: what the kernel took is exactly what the peer will receive.
        m_connections[index].socket.async_write_some(
            asio::buffer(m_payload), [self = shared(), this, index](std::error_code ec, std::size_t written) {
                if (written != 0) m_live->addSent(index, written);
                if (ended()) return;
                if (ec) return lost(index, ec, "sending");
                write(index);
            });
    }

    void read(unsigned index) {
        m_connections[index].socket.async_read_some(
            asio::buffer(m_readBuffer), [self = shared(), this, index](std::error_code ec, std::size_t n) {
                if (ended()) return;
                if (ec == asio::error::eof) return; // the peer stopped sending; our writes go on
                if (ec) return lost(index, ec, "receiving");
                m_live->bytesReceived.fetch_add(n, std::memory_order_relaxed);
                read(index);
            });
    }

    void lost(unsigned index, const std::error_code& ec, const char* doing) {
        Connection& connection = m_connections[index];
        if (!connection.connected) return; // the other direction already reported it
        connection.connected = false;
        std::error_code ignored;
        connection.socket.close(ignored);
        m_live->connectionsOpen.fetch_sub(1, std::memory_order_relaxed);
        m_live->addProblem("connection " + std::to_string(index + 1) + " to " + target() + ": " + doing +
                           " failed: " + describeError(ec));
        if (--m_connected == 0) fail("every connection to " + target() + " was lost");
    }

    Bytes m_payload;
    std::vector<std::uint8_t> m_readBuffer;
    std::vector<tcp::endpoint> m_endpoints;
    std::vector<Connection> m_connections;
    asio::steady_timer m_connectTimer{m_io};
    unsigned m_connecting = 0;
    unsigned m_connected = 0;
};

} // namespace

std::shared_ptr<GeneratorEngine> makeTcpStreamEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live) {
    return std::make_shared<TcpStreamEngine>(io, std::move(spec), std::move(live));
}

} // namespace socketeer::core
