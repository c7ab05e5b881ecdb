// UDP stream: numbered, timestamped datagrams on a connected socket, in batches per system call, paced against the clock (so a late wake-up
// is caught up, not lost) or sent flat out. Datagrams the OS refuses are counted and named, never retried.
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <set>

#include "traffic/generator_run.hpp"
#include "net/net_error.hpp"
#include "net/datagram_batch.hpp"
#include "socketeer/core/stats/probe_header.hpp"

namespace socketeer::core {
namespace {

using asio::ip::udp;

constexpr std::uint64_t MaxBurst = 256;       // datagrams per handler before other handlers (stop, timers) get a turn
constexpr int SendBufferBytes = 4 << 20;      // the OS caps it at wmem_max
constexpr std::size_t MaxBatch = 64;          // datagrams per system call (sendmmsg)
constexpr std::size_t BatchBytes = 256u << 10; // and at most about this many bytes per call

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
        // One filled copy per batch slot: each datagram of a batch carries its own header.
        m_slots = std::clamp<std::size_t>(BatchBytes / m_spec.payloadBytes, 1, MaxBatch);
        const Bytes filler = generatorFiller(m_spec.payloadBytes);
        m_payloads.reserve(m_slots * filler.size());
        for (std::size_t i = 0; i < m_slots; ++i) m_payloads.insert(m_payloads.end(), filler.begin(), filler.end());
        m_stream = std::random_device{}();
        m_segmenting = maxSegmentsPerSend(m_spec.payloadBytes) > 1;
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

    /// With a count: how many datagrams are still to leave (refusals do not count, so exactly N leave).
    std::uint64_t remaining() const {
        return m_spec.datagramCount ? m_spec.datagramCount - m_sequence : std::numeric_limits<std::uint64_t>::max();
    }

    void pump() {
        if (ended()) return;
        if (remaining() == 0) return end(GeneratorPhase::Finished);
        const std::uint64_t target = due();
        std::uint64_t burst = std::min({target - std::min(target, m_attempts), MaxBurst, remaining()});
        while (burst != 0) {
            const std::size_t attempted = sendBatch(static_cast<std::size_t>(std::min<std::uint64_t>(burst, m_slots)));
            if (attempted == 0) {
                m_socket.async_wait(udp::socket::wait_write, [self = shared(), this](std::error_code ec) {
                    if (!ec) pump();
                });
                return;
            }
            burst = std::min(burst - attempted, remaining());
        }
        if (remaining() == 0) return end(GeneratorPhase::Finished);
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

    /// Sends up to `count` datagrams in one call where the OS allows. Returns how many were attempted (sent, or one
    /// refused by the OS and counted as an error); 0 when the socket's buffer is full (try again once writable).
    std::size_t sendBatch(std::size_t count) {
        m_buffers.clear();
        for (std::size_t i = 0; i < count; ++i) {
            std::uint8_t* datagram = m_payloads.data() + i * m_spec.payloadBytes;
            writeProbeHeader({m_stream, m_sequence + i, probeClockNs()}, datagram);
            m_buffers.emplace_back(datagram, m_spec.payloadBytes);
        }
        std::error_code ec;
        std::size_t sent = 0;
        if (m_segmenting && count > 1) {
            sent = sendSegmented(m_socket, m_payloads.data(), m_spec.payloadBytes, count, ec);
            if (ec && ec != asio::error::would_block && ec != asio::error::try_again &&
                ec != asio::error::connection_refused) {
                m_segmenting = false; // this route or kernel cannot segment: one sendmmsg entry per datagram
                ec.clear();
            }
        }
        if (!m_segmenting || count == 1) sent = sendDatagramBatch(m_socket, m_buffers, ec);
        if (sent != 0) {
            m_sequence += sent; // only datagrams that left: a receiver's "lost" is then the network's loss alone
            m_attempts += sent;
            m_live->addSentBatch(sent * m_spec.payloadBytes, sent);
            return sent;
        }
        if (ec == asio::error::would_block || ec == asio::error::try_again) return 0;
        ++m_attempts;
        m_live->sendErrors.fetch_add(1, std::memory_order_relaxed);
        // Each kind of refusal once: a flood of "no buffer space" lines says nothing the count does not.
        if (m_reported.insert(ec.value()).second)
            m_live->addProblem("sending to " + target() + " failed: " + describeError(ec) +
                               (ec == asio::error::connection_refused ? " (nothing listens there: port unreachable)" : ""));
        return 1;
    }

    udp::socket m_socket{m_io};
    asio::steady_timer m_pacer{m_io};
    Bytes m_payloads;
    std::size_t m_slots = 1;
    std::vector<asio::const_buffer> m_buffers;
    std::uint32_t m_stream = 0;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_attempts = 0;
    std::chrono::steady_clock::time_point m_start;
    std::set<int> m_reported;
    bool m_segmenting = true; // UDP segmentation offload, until the kernel refuses it
};

} // namespace

std::shared_ptr<GeneratorEngine> makeUdpStreamEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live) {
    return std::make_shared<UdpStreamEngine>(io, std::move(spec), std::move(live));
}

} // namespace socketeer::core
