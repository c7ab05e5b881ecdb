// Round trips: one probe in flight, timed from just before the write to the last byte of its echo. TCP replies
// must echo the probe byte for byte; a UDP reply must carry the probe's header (any echo server does both). Plain
// TCP and UDP block in recv() on the generator's own worker; TLS runs on the reactor, and its time includes sealing
// the probe and opening its echo, as an application's would.
#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

#include "traffic/generator_run.hpp"
#include "net/blocking_io.hpp"
#include "net/net_error.hpp"
#include "socketeer/core/stats/probe_header.hpp"

namespace socketeer::core {
namespace {

using asio::ip::tcp;
using asio::ip::udp;

std::string hexByte(std::uint8_t value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02x", value);
    return text;
}

class RoundTripEngine final : public GeneratorEngine {
public:
    using GeneratorEngine::GeneratorEngine;

protected:
    void begin(const std::vector<asio::ip::address>& addresses) override {
        m_probe = generatorFiller(m_spec.payloadBytes);
        m_reply.resize(std::max<std::size_t>(m_spec.payloadBytes, 65536));
        m_stream = std::random_device{}();
        if (udpMode()) {
            const udp::endpoint destination(addresses.front(), m_spec.port);
            std::error_code ec;
            m_udp.open(destination.protocol(), ec);
            if (!ec) m_udp.connect(destination, ec);
            if (ec) return fail("cannot send to " + target() + ": " + describeError(ec));
            m_live->connectionsOpen.store(1, std::memory_order_relaxed);
            trafficStarted();
            return runBlocking(m_udp.native_handle(), [this](std::error_code& e) { m_udp.non_blocking(false, e); });
        }
        std::vector<tcp::endpoint> endpoints;
        for (const auto& address : addresses) endpoints.emplace_back(address, m_spec.port);
        armTimer(m_spec.connectTimeout, [this] {
            m_connectTimedOut = true;
            std::error_code ignored;
            m_tcp.close(ignored);
        });
        asio::async_connect(m_tcp, endpoints, [self = shared(), this](std::error_code ec, const tcp::endpoint&) {
            if (ended()) return;
            if (ec == asio::error::operation_aborted)
                return fail("no answer from " + target() + " within " + std::to_string(m_spec.connectTimeout.count()) + " ms");
            if (ec) return fail("cannot connect to " + target() + ": " + describeError(ec));
            std::error_code ignored;
            m_tcp.set_option(tcp::no_delay(true), ignored); // a probe must leave now, not wait for Nagle
            m_tcp.non_blocking(true, ignored);
            if (!tlsEnabled()) return tcpReady();
            m_tls = connectionTls(0);
            if (!m_tls) return fail("TLS to " + target() + " could not start");
            // The connect deadline covers the handshake too.
            runTlsHandshake(m_tcp, *m_tls, self, [this](const std::string& problem) {
                if (ended()) return;
                if (m_connectTimedOut)
                    return fail("no TLS handshake from " + target() + " within " +
                                std::to_string(m_spec.connectTimeout.count()) + " ms");
                if (!problem.empty()) return fail("TLS handshake with " + target() + ": " + problem);
                tlsEstablished(*m_tls);
                tcpReady();
            });
        });
    }

    void tcpReady() {
        cancelTimer();
        m_live->connectionsOpen.store(1, std::memory_order_relaxed);
        trafficStarted();
        if (!m_tls) return runBlocking(m_tcp.native_handle(), [this](std::error_code& e) { m_tcp.non_blocking(false, e); });
        startWatchdog();
        sendProbe();
    }

    // --- Plain TCP and UDP: a blocking loop ---------------------------------------------------------------------
    // One probe in flight and nothing else for this worker to wait for: it blocks in recv() as sockperf does — a send
    // and a receive per round trip, where the reactor's wait, re-arm and read cost two system calls more. A receive
    // gives up after a slice, so a stop, the duration and the probe's deadline are looked at at least that often.
    // TLS stays on the reactor (its records need the channel's own reads).

    template <class MakeBlocking>
    void runBlocking(blocking::Handle socket, MakeBlocking makeBlocking) {
        const auto slice = std::clamp<std::chrono::milliseconds>(m_spec.probeTimeout / 4, std::chrono::milliseconds(1),
                                                                 std::chrono::milliseconds(50));
        std::error_code ec;
        makeBlocking(ec);
        if (!ec) ec = blocking::setReceiveSlice(socket, slice);
        if (ec) return fail("cannot wait for replies from " + target() + ": " + describeError(ec));
        const auto endAt = m_spec.duration.count() ? std::chrono::steady_clock::now() + m_spec.duration
                                                   : std::chrono::steady_clock::time_point::max();
        while (!ended()) {
            if (m_live->stopRequested.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() >= endAt ||
                (m_spec.probeCount != 0 && m_sequence == m_spec.probeCount))
                return end(GeneratorPhase::Finished);
            const ProbeSent sent = sendProbeBlocking(socket);
            if (sent == ProbeSent::RunEnded) return;
            if (sent == ProbeSent::Refused) continue; // counted lost already: no reply to wait for
            if (!awaitReplyBlocking(socket, endAt)) return;
        }
    }

    enum class ProbeSent : std::uint8_t { Sent, Refused, RunEnded };

    /// The probe, whole; Refused when the OS refused a UDP probe (counted lost).
    ProbeSent sendProbeBlocking(blocking::Handle socket) {
        m_sentNs = probeClockNs();
        writeProbeHeader({m_stream, m_sequence, m_sentNs}, m_probe.data());
        m_received = 0;
        std::size_t written = 0;
        while (written < m_probe.size()) {
            std::error_code ec;
            const auto n = blocking::send(socket, m_probe.data() + written, m_probe.size() - written, ec);
            if (n >= 0) {
                written += static_cast<std::size_t>(n);
                if (udpMode()) break; // a datagram leaves whole or not at all
                continue;
            }
            if (ec == asio::error::interrupted) continue;
            if (!udpMode()) {
                fail("sending to " + target() + " failed: " + describeError(ec));
                return ProbeSent::RunEnded;
            }
            // A datagram the OS refused: counted and named once per kind; the probe is lost.
            m_live->sendErrors.fetch_add(1, std::memory_order_relaxed);
            m_live->addProblem("probe " + std::to_string(m_sequence) + " to " + target() + ": " + describeError(ec));
            m_live->probesLost.fetch_add(1, std::memory_order_relaxed);
            ++m_sequence;
            return ProbeSent::Refused;
        }
        m_live->addSent(0, written);
        return ProbeSent::Sent;
    }

    /// Waits for the probe's reply (or its deadline). False when the run has ended.
    bool awaitReplyBlocking(blocking::Handle socket, std::chrono::steady_clock::time_point endAt) {
        const auto deadline = std::chrono::steady_clock::now() + m_spec.probeTimeout;
        const std::uint64_t sequence = m_sequence;
        while (m_sequence == sequence) {
            std::error_code ec;
            const std::size_t room = udpMode() ? m_reply.size() : m_probe.size() - m_received;
            const auto n = blocking::receive(socket, m_reply.data() + (udpMode() ? 0 : m_received), room, ec);
            if (n > 0) {
                const auto size = static_cast<std::size_t>(n);
                if (!udpMode()) {
                    if (!acceptEcho(size)) return false;
                    if (m_received == m_probe.size()) completeRoundTrip();
                    continue;
                }
                m_live->bytesReceived.fetch_add(size, std::memory_order_relaxed);
                // A late reply to a probe already counted as lost, or a datagram not ours, is ignored.
                const auto header = readProbeHeader(ByteView(m_reply.data(), size));
                if (header && header->stream == m_stream && header->sequence == m_sequence) completeRoundTrip();
                continue;
            }
            if (n == 0 && !udpMode()) {
                fail(target() + " closed the connection mid-echo");
                return false;
            }
            if (ec && ec != std::errc::timed_out && ec != asio::error::interrupted) {
                if (udpMode() && (ec == asio::error::connection_refused || ec == asio::error::connection_reset)) {
                    // ICMP port unreachable for a probe: no reply will come; the deadline counts it.
                    if (m_reported++ == 0)
                        m_live->addProblem(target() + " reported port unreachable (nothing listens there)");
                } else {
                    fail("receiving from " + target() + " failed: " + describeError(ec));
                    return false;
                }
            }
            const auto now = std::chrono::steady_clock::now();
            if (m_live->stopRequested.load(std::memory_order_relaxed) || now >= endAt) {
                end(GeneratorPhase::Finished);
                return false;
            }
            if (now < deadline) continue;
            if (!udpMode()) {
                fail("no echo of probe " + std::to_string(m_sequence) + " from " + target() + " within " +
                     std::to_string(m_spec.probeTimeout.count()) + " ms (is it an echo server?)");
                return false;
            }
            m_live->probesLost.fetch_add(1, std::memory_order_relaxed);
            ++m_sequence;
        }
        return true;
    }

    void completeRoundTrip() {
        m_live->recordRtt(static_cast<std::uint64_t>(probeClockNs() - m_sentNs));
        ++m_sequence;
    }

    void closeAll() override {
        cancelTimer();
        m_watchdog.cancel();
        std::error_code ignored;
        m_tcp.close(ignored);
        m_udp.close(ignored);
        m_live->connectionsOpen.store(0, std::memory_order_relaxed);
    }

private:
    std::shared_ptr<RoundTripEngine> shared() { return std::static_pointer_cast<RoundTripEngine>(shared_from_this()); }
    bool udpMode() const { return m_spec.mode == GeneratorMode::UdpRtt; }

    /// One deadline at a time. The arm number makes a deadline that expired just as it was cancelled harmless.
    template <class OnExpiry>
    void armTimer(std::chrono::milliseconds after, OnExpiry onExpiry) {
        const std::uint64_t arm = ++m_timerArm;
        m_timer.expires_after(after);
        m_timer.async_wait([self = shared(), onExpiry, arm](std::error_code ec) {
            if (!ec && !self->ended() && self->m_timerArm == arm) onExpiry();
        });
    }
    void cancelTimer() {
        ++m_timerArm;
        m_timer.cancel();
    }

    void sendProbe() {
        if (ended()) return;
        if (m_spec.probeCount != 0 && m_sequence == m_spec.probeCount) return end(GeneratorPhase::Finished);
        m_sentNs = probeClockNs();
        writeProbeHeader({m_stream, m_sequence, m_sentNs}, m_probe.data());
        m_received = 0;
        m_outstanding = true;
        m_probeDeadline = std::chrono::steady_clock::now() + m_spec.probeTimeout;
        // Written at once (no completion to wait for, as with UDP); only what the socket does not take goes async.
        // With TLS the probe's records go instead, and the probe counts once they have all left.
        std::string sealError;
        if (m_tls && !m_tls->seal(m_probe, sealError)) return fail("sending to " + target() + " failed: TLS: " + sealError);
        const ByteView wire = m_tls ? ByteView(m_tls->cipherOut) : ByteView(m_probe);
        const auto counted = [this](std::size_t wireBytes) { return m_tls ? (wireBytes ? m_probe.size() : 0) : wireBytes; };
        std::error_code ec;
        std::size_t written = m_tcp.write_some(asio::buffer(wire.data(), wire.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            ec.clear();
            written = 0;
        }
        if (ec) return fail("sending to " + target() + " failed: " + describeError(ec));
        if (written == wire.size() || !m_tls) m_live->addSent(0, counted(written));
        if (written < wire.size())
            asio::async_write(m_tcp, asio::buffer(wire.data(), wire.size()) + written,
                              [self = shared(), this, counted](std::error_code wec, std::size_t n) {
                                  if (ended()) return;
                                  if (wec) return fail("sending to " + target() + " failed: " + describeError(wec));
                                  m_live->addSent(0, counted(n));
                              });
        receiveEcho(); // at once: the echo may arrive before the rest of the write's completion is handled
    }

    /// Probe deadlines are checked by a watchdog a few times per timeout, not by a timer per probe: re-arming a timer
    /// costs system calls on every round trip. A probe times out between probeTimeout and 1.25 × probeTimeout.
    void startWatchdog() {
        const auto tick = std::clamp<std::chrono::milliseconds>(m_spec.probeTimeout / 4, std::chrono::milliseconds(1),
                                                                std::chrono::milliseconds(250));
        m_watchdog.expires_after(tick);
        m_watchdog.async_wait([self = shared(), this](std::error_code ec) {
            if (ec || ended()) return;
            if (m_outstanding && std::chrono::steady_clock::now() >= m_probeDeadline) probeTimedOut();
            if (!ended()) startWatchdog();
        });
    }

    void probeTimedOut() {
        m_outstanding = false;
        fail("no echo of probe " + std::to_string(m_sequence) + " from " + target() + " within " +
             std::to_string(m_spec.probeTimeout.count()) + " ms (is it an echo server?)");
    }

    // The receive waits for readiness, then reads without blocking: no speculative read that finds nothing while
    // the reply is still on its way (one system call less per round trip).
    void receiveEcho() {
        m_tcp.async_wait(tcp::socket::wait_read, [self = shared(), this](std::error_code ec) {
            if (ended()) return;
            if (m_tls) return receiveSealedEcho(ec);
            std::size_t n = 0;
            if (!ec) n = m_tcp.read_some(asio::buffer(m_reply.data() + m_received, m_probe.size() - m_received), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) return receiveEcho();
            if (ec == asio::error::eof) return fail(target() + " closed the connection mid-echo");
            if (ec) return fail("receiving from " + target() + " failed: " + describeError(ec));
            if (!acceptEcho(n)) return;
            if (m_received < m_probe.size()) return receiveEcho();
            completeProbe();
        });
    }

    void receiveSealedEcho(std::error_code ec) {
        std::size_t n = 0;
        if (!ec) n = m_tcp.read_some(asio::buffer(m_tls->cipherIn), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return receiveEcho();
        if (ec == asio::error::eof) return fail(target() + " closed the connection mid-echo");
        if (ec) return fail("receiving from " + target() + " failed: " + describeError(ec));
        m_tls->received(n);
        while (m_received < m_probe.size()) {
            std::size_t size = 0;
            std::string error;
            const auto read = m_tls->channel->readPlaintext(
                std::span(m_reply.data() + m_received, m_probe.size() - m_received), size, error);
            if (read == TlsChannel::Read::NeedMore) return receiveEcho();
            if (read == TlsChannel::Read::PeerClosed) return fail(target() + " ended TLS (close_notify) mid-echo");
            if (read == TlsChannel::Read::Failed) return fail("receiving from " + target() + " failed: TLS: " + error);
            if (!acceptEcho(size)) return;
        }
        completeProbe();
    }

    /// `n` more bytes of the reply are in m_reply after m_received: they must be the probe's.
    bool acceptEcho(std::size_t n) {
        m_live->bytesReceived.fetch_add(n, std::memory_order_relaxed);
        const std::size_t from = m_received;
        m_received += n;
        for (std::size_t i = from; i < m_received; ++i)
            if (m_reply[i] != m_probe[i]) {
                fail("the reply from " + target() + " is not an echo: byte " + std::to_string(i) + " of probe " +
                     std::to_string(m_sequence) + " is " + hexByte(m_reply[i]) + ", " + hexByte(m_probe[i]) + " was sent");
                return false;
            }
        return true;
    }

    void completeProbe() {
        m_outstanding = false;
        m_live->recordRtt(static_cast<std::uint64_t>(probeClockNs() - m_sentNs));
        ++m_sequence;
        sendProbe();
    }

    tcp::socket m_tcp{m_io};
    udp::socket m_udp{m_io};
    asio::steady_timer m_timer{m_io};
    Bytes m_probe;
    std::vector<std::uint8_t> m_reply;
    std::size_t m_received = 0;
    std::uint32_t m_stream = 0;
    std::uint64_t m_sequence = 0;
    std::int64_t m_sentNs = 0;
    unsigned m_reported = 0;
    std::uint64_t m_timerArm = 0;
    asio::steady_timer m_watchdog{m_io};
    bool m_outstanding = false; // a probe is waiting for its reply
    bool m_connectTimedOut = false;
    std::unique_ptr<GeneratorTls> m_tls; // null: plain TCP
    std::chrono::steady_clock::time_point m_probeDeadline{};
};

} // namespace

std::shared_ptr<GeneratorEngine> makeRoundTripEngine(asio::io_context& io, GeneratorSpec spec,
                                                     std::shared_ptr<GeneratorLive> live) {
    return std::make_shared<RoundTripEngine>(io, std::move(spec), std::move(live));
}

} // namespace socketeer::core
