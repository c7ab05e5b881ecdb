// UDP stream: numbered, timestamped datagrams on a connected socket, paced against the clock (so a late wake-up
// is caught up, not lost) or sent flat out. Datagrams the OS refuses are counted and named, never retried.
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>

#include <random>
#include <set>

#include "generator_run.hpp"
#include "net_error.hpp"
#include "socketeer/core/bench/probe_header.hpp"

namespace socketeer::core {
namespace {

using asio::ip::udp;

constexpr std::uint64_t MaxBurst = 256;       // datagrams per handler before other handlers (stop, timers) get a turn
constexpr int SendBufferBytes = 4 << 20;      // the OS caps it at wmem_max

class UdpStreamEngine final : public GeneratorEngine {
public:
    using GeneratorEngine::GeneratorEngine;

protected:
    void begin(const std::vector<asio::ip::address>& addresses) override {
        const udp::endpoint destination(addresses.front(), m_spec.port);
        std::error_code ec;
        m_socket.open(destination.protocol(), ec);
        if (!ec) m_socket.set_option(asio::socket_base::send_buffer_size(SendBufferBytes), ec);
        // Connected: the kernel skips the route lookup per datagram and reports "port unreachable" back to us.
        if (!ec) m_socket.connect(destination, ec);
        if (!ec) m_socket.non_blocking(true, ec);
        if (ec) return fail("cannot send to " + target() + ": " + describeError(ec));
        m_payload = generatorFiller(m_spec.payloadBytes);
        m_stream = std::random_device{}();
        m_live->connectionsOpen.store(1, std::memory_order_relaxed);
        trafficStarted();
        m_start = std::chrono::steady_clock::now();
        pump();
    }

    void closeAll() override {
        m_pacer.cancel();
        std::error_code ignored;
        m_socket.close(ignored);
        m_live->connectionsOpen.store(0, std::memory_order_relaxed);
    }

private:
    std::shared_ptr<UdpStreamEngine> shared() { return std::static_pointer_cast<UdpStreamEngine>(shared_from_this()); }

    /// How many datagrams should have been attempted by now (the first goes at once).
    std::uint64_t due() const {
        if (m_spec.ratePerSecond == 0) return m_attempts + MaxBurst;
        const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - m_start);
        const long double exact = static_cast<long double>(elapsed.count()) * m_spec.ratePerSecond / 1e9L;
        return static_cast<std::uint64_t>(exact) + 1;
    }

    void pump() {
        if (ended()) return;
        const std::uint64_t target = due();
        std::uint64_t burst = std::min(target - std::min(target, m_attempts), MaxBurst);
        for (; burst != 0; --burst) {
            if (!sendOne()) {
                m_socket.async_wait(udp::socket::wait_write, [self = shared(), this](std::error_code ec) {
                    if (!ec) pump();
                });
                return;
            }
        }
        if (m_spec.ratePerSecond == 0 || m_attempts < due()) {
            asio::post(m_io, [self = shared(), this] { pump(); });
            return;
        }
        // Sleep until the next datagram is due.
        const auto next = m_start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                        static_cast<long double>(m_attempts) * 1e9L / m_spec.ratePerSecond));
        m_pacer.expires_at(next);
        m_pacer.async_wait([self = shared(), this](std::error_code ec) {
            if (!ec) pump();
        });
    }

    /// False when the socket's buffer is full (try again once writable).
    bool sendOne() {
        writeProbeHeader({m_stream, m_sequence, probeClockNs()}, m_payload.data());
        std::error_code ec;
        const std::size_t sent = m_socket.send(asio::buffer(m_payload), 0, ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return false;
        ++m_attempts;
        if (ec) {
            m_live->sendErrors.fetch_add(1, std::memory_order_relaxed);
            // Each kind of refusal once: a flood of "no buffer space" lines says nothing the count does not.
            if (m_reported.insert(ec.value()).second)
                m_live->addProblem("sending to " + target() + " failed: " + describeError(ec) +
                                   (ec == asio::error::connection_refused ? " (nothing listens there: port unreachable)"
                                                                          : ""));
            return true;
        }
        ++m_sequence; // only datagrams that left: a receiver's "lost" is then the network's loss alone
        m_live->addSent(0, sent);
        return true;
    }

    udp::socket m_socket{m_io};
    asio::steady_timer m_pacer{m_io};
    Bytes m_payload;
    std::uint32_t m_stream = 0;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_attempts = 0;
    std::chrono::steady_clock::time_point m_start;
    std::set<int> m_reported;
};

} // namespace

std::shared_ptr<GeneratorEngine> makeUdpStreamEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live) {
    return std::make_shared<UdpStreamEngine>(io, std::move(spec), std::move(live));
}

} // namespace socketeer::core
