// TCP stream: N connections, each keeping one write of the payload in flight until the run ends. Anything the
// peer sends back (an echo server) is read and counted, so the peer never stalls on a full send buffer. With TLS
// each write is the payload sealed anew (the cost being measured), counted in plaintext.
#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include "traffic/generator_run.hpp"
#include "net/net_error.hpp"

namespace socketeer::core {
namespace {

using asio::ip::tcp;

constexpr std::size_t ReadChunk = 64u << 10;
constexpr int MaxDirectWrites = 64; // writes in one go before the other connections and the timers get a turn

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
            m_connectTimedOut = true;
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
        std::unique_ptr<GeneratorTls> tls; // null: plain TCP
    };

    std::shared_ptr<TcpStreamEngine> shared() {
        return std::static_pointer_cast<TcpStreamEngine>(shared_from_this());
    }

    void connect(unsigned index) {
        asio::async_connect(m_connections[index].socket, m_endpoints,
                            [self = shared(), this, index](std::error_code ec, const tcp::endpoint&) {
                                if (ended()) return;
                                if (ec)
                                    return connectDone(index, ec == asio::error::operation_aborted ? noAnswer("")
                                                                                                   : describeError(ec));
                                if (!tlsEnabled()) return connectDone(index, "");
                                Connection& connection = m_connections[index];
                                connection.tls = connectionTls(index);
                                if (!connection.tls) return connectDone(index, "TLS could not start");
                                runTlsHandshake(connection.socket, *connection.tls, self, [this, index](std::string problem) {
                                    if (ended()) return;
                                    if (!problem.empty() && m_connectTimedOut) problem = noAnswer("TLS handshake ");
                                    else if (!problem.empty()) problem = "TLS handshake: " + problem;
                                    else tlsEstablished(*m_connections[index].tls);
                                    connectDone(index, problem);
                                });
                            });
    }

    std::string noAnswer(const char* what) const {
        return std::string("no ") + what + "answer within " + std::to_string(m_spec.connectTimeout.count()) + " ms";
    }

    /// A connection's connect (and handshake) ended: open when `problem` is empty.
    void connectDone(unsigned index, const std::string& problem) {
        --m_connecting;
        if (!problem.empty()) {
            m_live->addProblem("connection " + std::to_string(index + 1) + " to " + target() + ": " + problem);
            std::error_code ignored;
            m_connections[index].socket.close(ignored);
        } else {
            m_connections[index].connected = true;
            std::error_code ignored;
            m_connections[index].socket.non_blocking(true, ignored); // plain writes go straight from write()
            ++m_connected;
            m_live->connectionsOpen.fetch_add(1, std::memory_order_relaxed);
        }
        if (m_connecting == 0) allConnectsDone();
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
        Connection& connection = m_connections[index];
        if (connection.tls) return writeSealed(index);
        // Written from here while the socket takes them, a system call per write as iperf3's loop does: each write
        // through the reactor costs a scheduler pass and an epoll_wait more, a third of a 64-byte write's price.
        // Each is counted as it returns: what the kernel took is exactly what the peer will receive.
        for (int i = 0; i < MaxDirectWrites; ++i) {
            std::error_code ec;
            const std::size_t written = connection.socket.write_some(asio::buffer(m_payload), ec);
            if (written != 0) m_live->addSent(index, written);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                connection.socket.async_wait(tcp::socket::wait_write, [self = shared(), this, index](std::error_code wec) {
                    if (ended()) return;
                    if (wec) return lost(index, wec, "sending");
                    write(index);
                });
                return;
            }
            if (ec) return lost(index, ec, "sending");
        }
        asio::post(m_io, [self = shared(), this, index] {
            if (!ended() && m_connections[index].connected) write(index);
        });
    }

    void writeSealed(unsigned index) {
        GeneratorTls& tls = *m_connections[index].tls;
        std::string error;
        if (!tls.seal(m_payload, error)) return lost(index, "sending failed: TLS: " + error);
        asio::async_write(m_connections[index].socket, asio::buffer(tls.cipherOut),
                          [self = shared(), this, index](std::error_code ec, std::size_t written) {
                              // Only records that left whole: those the peer can decrypt.
                              const std::size_t plaintext = m_connections[index].tls->plaintextWithin(written);
                              if (plaintext != 0) m_live->addSent(index, plaintext);
                              if (ended()) return;
                              if (ec) return lost(index, ec, "sending");
                              writeSealed(index);
                          });
    }

    void read(unsigned index) {
        Connection& connection = m_connections[index];
        const auto into = connection.tls ? asio::buffer(connection.tls->cipherIn) : asio::buffer(m_readBuffer);
        connection.socket.async_read_some(into, [self = shared(), this, index](std::error_code ec, std::size_t n) {
            if (ended()) return;
            if (ec == asio::error::eof) return; // the peer stopped sending; our writes go on
            if (ec) return lost(index, ec, "receiving");
            if (GeneratorTls* tls = m_connections[index].tls.get()) {
                tls->received(n);
                if (!drainPlaintext(index, *tls)) return;
            } else {
                m_live->bytesReceived.fetch_add(n, std::memory_order_relaxed);
            }
            read(index);
        });
    }

    /// Counts what the peer's records hold; false when the connection ended (its close_notify, or a bad record).
    bool drainPlaintext(unsigned index, GeneratorTls& tls) {
        for (;;) {
            std::size_t size = 0;
            std::string error;
            switch (tls.channel->readPlaintext(std::span(m_readBuffer), size, error)) {
            case TlsChannel::Read::Data: m_live->bytesReceived.fetch_add(size, std::memory_order_relaxed); break;
            case TlsChannel::Read::NeedMore: return true;
            case TlsChannel::Read::PeerClosed: return false; // it stopped sending; our writes go on
            case TlsChannel::Read::Failed: lost(index, "receiving failed: TLS: " + error); return false;
            }
        }
    }

    void lost(unsigned index, const std::error_code& ec, const char* doing) {
        lost(index, std::string(doing) + " failed: " + describeError(ec));
    }

    void lost(unsigned index, const std::string& problem) {
        Connection& connection = m_connections[index];
        if (!connection.connected) return; // the other direction already reported it
        connection.connected = false;
        std::error_code ignored;
        connection.socket.close(ignored);
        m_live->connectionsOpen.fetch_sub(1, std::memory_order_relaxed);
        m_live->addProblem("connection " + std::to_string(index + 1) + " to " + target() + ": " + problem);
        if (--m_connected == 0) fail("every connection to " + target() + " was lost");
    }

    Bytes m_payload;
    std::vector<std::uint8_t> m_readBuffer;
    std::vector<tcp::endpoint> m_endpoints;
    std::vector<Connection> m_connections;
    asio::steady_timer m_connectTimer{m_io};
    unsigned m_connecting = 0;
    unsigned m_connected = 0;
    bool m_connectTimedOut = false;
};

} // namespace

std::shared_ptr<GeneratorEngine> makeTcpStreamEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live) {
    return std::make_shared<TcpStreamEngine>(io, std::move(spec), std::move(live));
}

} // namespace socketeer::core
