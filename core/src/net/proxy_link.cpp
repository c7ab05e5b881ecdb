// ProxyLink: reads, units, impairment timers, ordered writes, FINs passed on, and one Closed event.
#include "net/proxy_link.hpp"

#include <asio/connect.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <limits>

#include "net/asio_endpoint.hpp"
#include "net/net_error.hpp"

namespace socketeer::core {

namespace {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

/// Most pieces one gathered write carries (unsplit traffic): enough to fill a socket buffer in one system call.
constexpr std::size_t MaxGather = 64;

TrafficUnits unitsOf(const FrameSpec& framing) { return framing.enabled() ? TrafficUnits::Messages : TrafficUnits::Stream; }

bool isReset(const std::error_code& ec) {
    return ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

} // namespace

ProxyLink::ProxyLink(asio::io_context& io, tcp::socket client, ProxyLinkSetup setup, std::shared_ptr<SessionOutput> output,
                     std::shared_ptr<ReadBuffer> readBuffer, std::shared_ptr<Proxy::TallyBoard> board,
                     std::function<void(ConnectionId)> onClosed)
    : m_io(io), m_setup(std::move(setup)), m_out(std::move(output)), m_readBuffer(std::move(readBuffer)),
      m_board(std::move(board)), m_onClosed(std::move(onClosed)), m_client(io, "client"), m_target(io, "target"),
      m_toServer(io, m_setup.toServer, impairmentSeed(m_setup.seed, m_setup.id, ProxyDirection::ToServer),
                 unitsOf(m_setup.framingToServer)),
      m_toClient(io, m_setup.toClient, impairmentSeed(m_setup.seed, m_setup.id, ProxyDirection::ToClient),
                 unitsOf(m_setup.framingToClient)),
      m_connectTimer(io), m_rules(m_setup.rules, m_setup.id, m_setup.client, m_out, m_board) {
    m_client.socket = std::move(client);
    m_client.connected = true;
    m_client.tls = std::move(m_setup.clientTls);
    if (m_setup.framingToServer.enabled()) m_client.framer.emplace(m_setup.framingToServer);
    if (m_setup.framingToClient.enabled()) m_target.framer.emplace(m_setup.framingToClient);
}

void ProxyLink::start() {
    const std::int64_t now = nowUs();
    m_out->peers.add(m_setup.id, m_setup.client, now);
    m_out->counters.activeConnections.fetch_add(1, std::memory_order_relaxed);
    m_out->counters.connectionsOpened.fetch_add(1, std::memory_order_relaxed);
    m_out->emit(EventAccepted{m_setup.id, m_setup.local, m_setup.client});
    std::error_code ignored;
    m_client.socket.set_option(tcp::no_delay(true), ignored); // pieces leave as the impairments release them
    connectTarget();
}

void ProxyLink::connectTarget() {
    m_connectTimer.expires_after(m_setup.connectTimeout);
    m_connectTimer.async_wait([self = shared_from_this(), this](std::error_code ec) {
        if (ec || m_closed || m_target.connected) return;
        std::error_code ignored;
        m_target.socket.close(ignored); // the connect completes with operation_aborted
    });
    asio::async_connect(m_target.socket, m_setup.targets,
                        [self = shared_from_this(), this](std::error_code ec, const tcp::endpoint& endpoint) {
                            if (m_closed) return;
                            m_connectTimer.cancel();
                            if (ec == asio::error::operation_aborted)
                                return close(CloseReason::Timeout, "the target " + m_setup.targetText + " did not answer within " +
                                                                       std::to_string(m_setup.connectTimeout.count()) + " ms");
                            if (ec) {
                                m_out->emitError(m_setup.id, ec, "cannot connect to the target " + m_setup.targetText + ": " +
                                                                     describeError(ec));
                                return close(CloseReason::Error, "no connection to the target");
                            }
                            onTargetConnected(endpoint);
                        });
}

void ProxyLink::onTargetConnected(const tcp::endpoint& endpoint) {
    m_target.connected = true;
    m_targetEndpoint = toEndpoint(endpoint);
    std::error_code ec;
    m_target.socket.set_option(tcp::no_delay(true), ec);
    m_target.socket.non_blocking(true, ec);
    m_client.socket.non_blocking(true, ec);
    m_out->emit(EventNotice{"#" + std::to_string(m_setup.id) + " " + m_setup.client.toString() + " is relayed to " +
                            m_setup.targetText + " (" + m_targetEndpoint.toString() + ") from " +
                            toEndpoint(m_target.socket.local_endpoint(ec)).toString()});
    if (m_setup.targetTls) {
        auto made = m_setup.targetTls->channel(m_setup.targetHost);
        if (auto* error = std::get_if<std::string>(&made)) {
            m_out->emitError(m_setup.id, std::make_error_code(std::errc::protocol_error), "TLS to the target: " + *error);
            return close(CloseReason::Error, "no TLS to the target");
        }
        m_target.tls = std::get<std::unique_ptr<TlsChannel>>(std::move(made));
        if (!advanceHandshake(m_target)) return; // our ClientHello
    }
    read(m_client);
    read(m_target);
    writeNext(m_target); // what was sent to the target before it was connected (nothing, unless injected)
}

void ProxyLink::read(Side& side) {
    if (side.eof) return; // a rule closed the link: nothing more is read
    side.socket.async_wait(tcp::socket::wait_read, [self = shared_from_this(), this, &side](std::error_code ec) {
        if (m_closed) return;
        if (ec) return fail(side, ec, "receiving");
        onReadable(side);
    });
}

void ProxyLink::onReadable(Side& side) {
    if (side.eof) return;
    if (m_out->queue.overBudget()) {
        // A lossless front end is behind: the bytes stay with the kernel (the sender slows down) until it drains.
        side.waitingForQueueRoom = true;
        return;
    }
    SessionOutput::QuietScope quiet(*m_out); // the front end is woken once, after what this read caused
    std::error_code ec;
    const std::size_t n = side.socket.read_some(asio::buffer(*m_readBuffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return read(side);
    if (ec == asio::error::eof) return endOfInput(side);
    if (ec) return fail(side, ec, "receiving");
    const ByteView wire(m_readBuffer->data(), n);
    if (!side.tls) {
        receive(side, wire);
    } else {
        side.tls->pushCiphertext(wire);
        if (!side.tlsReady && !advanceHandshake(side)) return;
        if (m_plaintext.empty()) m_plaintext.resize(ReadBufferSize);
        for (bool more = side.tlsReady; more && !m_closed;) {
            std::size_t size = 0;
            std::string error;
            switch (side.tls->readPlaintext(m_plaintext, size, error)) {
            case TlsChannel::Read::Data: receive(side, ByteView(m_plaintext.data(), size)); break;
            case TlsChannel::Read::NeedMore: more = false; break;
            case TlsChannel::Read::PeerClosed: return endOfInput(side);
            case TlsChannel::Read::Failed:
                m_out->emitError(m_setup.id, std::make_error_code(std::errc::protocol_error),
                                 "TLS from the " + std::string(side.name) + ": " + error);
                return close(CloseReason::Error, "TLS failed");
            }
        }
        if (side.tls->pendingCiphertext() != 0) writeNext(side); // a key update's answer, tickets
    }
    if (m_closed) return;
    const ProxyDirection from = directionFrom(side);
    pump(from);
    if (m_closed) return;
    // A slow reader on the other side (or a long delay) must not make the proxy hold everything: stop reading.
    if (backlog(from) > m_setup.budget) side.readPaused = true;
    else read(side);
}

void ProxyLink::receive(Side& side, ByteView plaintext) {
    if (!side.framer) return unit(side, plaintext, FrameStatus::Unframed);
    auto sink = [this, &side](ByteView message, FrameStatus status) { unit(side, message, status); };
    side.framer->push(plaintext, sink);
    if (side.framer->spec().mode == FrameMode::Idle && side.framer->midMessage()) {
        side.lastByteAt = Clock::now();
        armIdleTimer(side);
    }
}

void ProxyLink::unit(Side& side, ByteView bytes, FrameStatus status) {
    if (m_closed) return;
    auto shared = std::make_shared<const Bytes>(bytes.begin(), bytes.end());
    const ProxyDirection d = directionFrom(side);
    // Reported as it arrived, on the client's connection: c>s as received, s>c as sent (toward the client).
    m_out->emitData(d == ProxyDirection::ToServer ? core::Direction::Rx : core::Direction::Tx, m_setup.id,
                    m_setup.client, shared, -1, status);
    if (!m_endedByRule.empty()) return; // what was read with the message a rule closed on goes no further
    if (m_rules.empty()) return forward(d, std::move(shared));
    InFlightOutcome outcome = m_rules.decide(d, std::move(shared));
    // The message goes on first: a close the rules ask for now then waits behind it.
    if (outcome.forward) forward(d, std::move(outcome.forward));
    for (const RuleStep& step : outcome.back) {
        if (m_closed) return;
        if (step.after.count() == 0) {
            runRuleStep(d, step);
            continue;
        }
        if (!m_ruleSteps) m_ruleSteps.emplace(m_io.get_executor());
        if (!m_ruleSteps->schedule(step.after, weak_from_this(), [this, d, step] { runRuleStep(d, step); }))
            m_rules.sayDelayRefused();
    }
}

void ProxyLink::forward(ProxyDirection d, SharedBytes bytes) {
    Direction& dir = direction(d);
    if (dir.hold) {
        dir.heldBytes += bytes->size();
        dir.held.push_back(std::move(bytes));
        return publishHeld();
    }
    dir.impairer.push(Clock::now(), std::move(bytes));
}

void ProxyLink::armIdleTimer(Side& side) {
    if (side.idleTimer.expiry() > Clock::now()) return; // armed already: it looks at lastByteAt when it fires
    const auto gap = side.framer->spec().idleGap;
    side.idleTimer.expires_at(side.lastByteAt + gap);
    side.idleTimer.async_wait([self = shared_from_this(), this, &side, gap](std::error_code ec) {
        if (ec || m_closed || !side.framer || !side.framer->midMessage()) return;
        if (Clock::now() - side.lastByteAt < gap) return armIdleTimer(side); // more came meanwhile
        auto sink = [this, &side](ByteView message, FrameStatus status) { unit(side, message, status); };
        side.framer->endOfSilence(sink);
        pump(directionFrom(side));
    });
}

bool ProxyLink::advanceHandshake(Side& side) {
    std::string error;
    const auto state = side.tls->handshake(error);
    if (state == TlsChannel::Handshake::Failed) {
        m_out->emitError(m_setup.id, std::make_error_code(std::errc::protocol_error),
                         "TLS handshake with the " + std::string(side.name) + " " + peerOf(side).toString() + ": " + error);
        // The alert goes out best effort: the peer learns why.
        Bytes alert;
        side.tls->takeCiphertext(alert, std::numeric_limits<std::size_t>::max());
        std::error_code ignored;
        if (!alert.empty()) side.socket.write_some(asio::buffer(alert), ignored);
        close(CloseReason::Error, "TLS handshake with the " + std::string(side.name) + " failed");
        return false;
    }
    if (state == TlsChannel::Handshake::Done && !side.tlsReady) {
        side.tlsReady = true;
        m_out->emit(EventTlsEstablished{m_setup.id, peerOf(side), side.tls->describe()});
    }
    writeNext(side); // handshake records, then what waited for it
    return true;
}

void ProxyLink::endOfInput(Side& side) {
    if (side.eof) return;
    side.eof = true;
    if (side.framer) {
        side.idleTimer.cancel();
        auto sink = [this, &side](ByteView message, FrameStatus status) { unit(side, message, status); };
        side.framer->finish(sink);
    }
    Side& to = other(side);
    to.finWanted = true; // after everything that came before it, as a link delivers it
    pump(directionFrom(side));
    writeNext(to);
    closeIfDone();
}

void ProxyLink::pump(ProxyDirection d) {
    Direction& dir = direction(d);
    Side& to = destination(d);
    const auto now = Clock::now();
    while (auto piece = dir.impairer.pop(now)) {
        to.writeBytes += (*piece)->size();
        to.writes.push_back(std::move(*piece));
    }
    const auto next = dir.impairer.nextDue();
    if (next && dir.armedFor != next) {
        dir.armedFor = next;
        dir.timer.expires_at(*next);
        dir.timer.async_wait([self = shared_from_this(), this, d](std::error_code ec) {
            if (ec || m_closed) return;
            direction(d).armedFor.reset();
            pump(d);
        });
    }
    writeNext(to);
    publishTallies();
}

void ProxyLink::writeNext(Side& side) {
    if (m_closed || side.writing || !side.connected || side.finSent) return;
    const bool sealing = side.tls && side.tlsReady && !side.tlsClosed;
    // Split pieces go one write each, so each leaves as its own segment; otherwise as many as fit one write.
    const ProxyDirection into = &side == &m_target ? ProxyDirection::ToServer : ProxyDirection::ToClient;
    const std::size_t most = direction(into).impairer.settings().splitBytes ? 1 : MaxGather;
    const std::size_t count = (!side.tls || sealing) ? std::min(side.writes.size(), most) : 0;
    const bool finNow = side.finWanted && side.writes.empty() && direction(into).impairer.nextDue() == std::nullopt &&
                        direction(into).held.empty(); // held messages go before the FIN, once released
    std::vector<asio::const_buffer> buffers;
    if (side.tls) {
        side.cipherOut.clear();
        for (std::size_t i = 0; i < count; ++i) {
            std::string error;
            if (!side.tls->writePlaintext(*side.writes[i], error)) {
                m_out->emitError(m_setup.id, std::make_error_code(std::errc::protocol_error),
                                 "TLS to the " + std::string(side.name) + ": " + error);
                return close(CloseReason::Error, "TLS failed");
            }
        }
        if (finNow && sealing) {
            side.tls->closeNotify(); // then the FIN, once it is written
            side.tlsClosed = true;
        }
        side.tls->takeCiphertext(side.cipherOut, std::numeric_limits<std::size_t>::max());
        if (!side.cipherOut.empty()) buffers.push_back(asio::buffer(side.cipherOut));
    } else {
        for (std::size_t i = 0; i < count; ++i) buffers.push_back(asio::buffer(*side.writes[i]));
    }
    if (buffers.empty()) {
        if (finNow && (!side.tls || side.tlsClosed || !side.tlsReady)) {
            std::error_code ignored;
            side.socket.shutdown(tcp::socket::shutdown_send, ignored);
            side.finSent = true;
            closeIfDone();
        }
        return;
    }
    side.inFlight = count;
    side.writing = true;
    asio::async_write(side.socket, buffers, [self = shared_from_this(), this, &side](std::error_code ec, std::size_t) {
        afterWrite(side, ec);
    });
}

void ProxyLink::afterWrite(Side& side, const std::error_code& ec) {
    side.writing = false;
    if (m_closed) return;
    if (ec) return fail(side, ec, "sending");
    for (std::size_t i = 0; i < side.inFlight; ++i) {
        side.writeBytes -= side.writes.front()->size();
        side.writes.pop_front();
    }
    side.inFlight = 0;
    resumeSourceIfDrained(&side == &m_target ? ProxyDirection::ToServer : ProxyDirection::ToClient);
    writeNext(side);
}

void ProxyLink::resumeSourceIfDrained(ProxyDirection d) {
    Side& from = source(d);
    if (!from.readPaused || from.eof || backlog(d) > m_setup.budget / 4) return;
    from.readPaused = false;
    read(from);
}

void ProxyLink::closeIfDone() {
    if (m_client.eof && m_target.eof && m_client.finSent && m_target.finSent) {
        if (!m_endedByRule.empty()) return close(CloseReason::Local, m_endedByRule);
        close(CloseReason::PeerClosed, "both directions ended");
    }
}

void ProxyLink::inject(ProxyDirection d, const SharedBytes& bytes, std::int32_t rule) {
    m_out->emitData(d == ProxyDirection::ToServer ? core::Direction::Rx : core::Direction::Tx, m_setup.id, m_setup.client,
                    bytes, rule);
    direction(d).impairer.push(Clock::now(), bytes);
    pump(d);
}

void ProxyLink::runRuleStep(ProxyDirection d, const RuleStep& step) {
    if (m_closed) return;
    const ProxyDirection back = backwardsOf(d);
    for (const RulePlan::Reply& reply : step.replies)
        if (!destination(back).finWanted) inject(back, reply.bytes, reply.rule);
    if (step.close) endByRule(step.closeRule);
}

void ProxyLink::endByRule(std::int32_t rule) {
    if (m_closed || !m_endedByRule.empty()) return;
    m_endedByRule = "rule " + std::to_string(rule + 1) + " closed the link";
    m_out->emit(EventNotice{"#" + std::to_string(m_setup.id) + ": " + m_endedByRule + " (what is queued goes out first)"});
    for (Side* side : {&m_client, &m_target}) {
        side->eof = true;
        side->finWanted = true;
        side->idleTimer.cancel();
    }
    writeNext(m_client);
    writeNext(m_target);
    closeIfDone();
}

void ProxyLink::fail(Side& side, const std::error_code& ec, const std::string& doing) {
    if (m_closed || ec == asio::error::operation_aborted) return;
    if (isReset(ec))
        return close(CloseReason::Reset, "the " + std::string(side.name) + " " + peerOf(side).toString() + " reset the connection");
    m_out->emitError(m_setup.id, ec, doing + " (the " + side.name + " " + peerOf(side).toString() + ") failed: " + describeError(ec));
    close(CloseReason::Error, doing + " failed");
}

void ProxyLink::close(CloseReason reason, std::string detail) {
    if (m_closed) return;
    m_closed = true;
    m_connectTimer.cancel();
    m_toServer.timer.cancel();
    m_toClient.timer.cancel();
    if (m_ruleSteps) m_ruleSteps->cancelAll(); // delayed replies go with the link
    for (Side* side : {&m_client, &m_target}) {
        side->idleTimer.cancel();
        std::error_code ignored;
        side->socket.close(ignored);
    }
    publishTallies();
    publishHeld(); // what it held goes with it
    TrafficSnapshot traffic = m_out->peers.remove(m_setup.id);
    m_out->counters.activeConnections.fetch_sub(1, std::memory_order_relaxed);
    m_out->emit(EventClosed{m_setup.id, m_setup.client, reason, std::move(detail), traffic});
    if (m_onClosed) m_onClosed(m_setup.id);
}

void ProxyLink::setImpairment(ProxyDirection d, const ImpairmentSettings& settings) {
    direction(d).impairer.setSettings(settings);
}

void ProxyLink::resumeAfterQueueRoom() {
    for (Side* side : {&m_client, &m_target})
        if (side->waitingForQueueRoom && !m_closed) {
            side->waitingForQueueRoom = false;
            onReadable(*side);
        }
}

void ProxyLink::setHold(ProxyDirection d, bool hold) {
    Direction& dir = direction(d);
    dir.hold = hold;
    if (hold || m_closed) return;
    // Let go: everything held goes on, in order, then the direction flows again.
    const auto now = Clock::now();
    while (!dir.held.empty()) {
        dir.impairer.push(now, std::move(dir.held.front()));
        dir.held.pop_front();
    }
    dir.heldBytes = 0;
    publishHeld();
    pump(d);
}

bool ProxyLink::releaseHeld(ProxyDirection d, const std::optional<Bytes>& replacement) {
    Direction& dir = direction(d);
    if (m_closed || dir.held.empty()) return false;
    SharedBytes next = std::move(dir.held.front());
    dir.held.pop_front();
    dir.heldBytes -= next->size();
    std::string said = "#" + std::to_string(m_setup.id) + " " + std::string(proxyDirectionTag(d)) + ": released the held message";
    if (replacement && *replacement != *next) {
        said += " edited (" + std::to_string(next->size()) + " bytes became " + std::to_string(replacement->size()) + ")";
        next = std::make_shared<const Bytes>(*replacement);
    }
    m_out->emit(EventNotice{said + (dir.held.empty() ? "" : "; " + std::to_string(dir.held.size()) + " still held")});
    dir.impairer.push(Clock::now(), std::move(next));
    publishHeld();
    pump(d);
    return true;
}

bool ProxyLink::dropHeld(ProxyDirection d) {
    Direction& dir = direction(d);
    if (m_closed || dir.held.empty()) return false;
    dir.heldBytes -= dir.held.front()->size();
    m_out->emit(EventNotice{"#" + std::to_string(m_setup.id) + " " + std::string(proxyDirectionTag(d)) +
                            ": dropped the held message (" + std::to_string(dir.held.front()->size()) + " bytes)"});
    dir.held.pop_front();
    publishHeld();
    resumeSourceIfDrained(d);
    return true;
}

void ProxyLink::publishHeld() {
    std::lock_guard lock(m_board->mutex);
    auto& all = m_board->held;
    all.erase(std::remove_if(all.begin(), all.end(), [&](const HeldMessages& h) { return h.id == m_setup.id; }), all.end());
    if (m_closed) return;
    for (auto d : {ProxyDirection::ToServer, ProxyDirection::ToClient}) {
        const Direction& dir = direction(d);
        if (!dir.held.empty()) all.push_back({m_setup.id, d, dir.held.size(), dir.held.front()});
    }
}

bool ProxyLink::sendToClient(const SharedBytes& bytes) {
    if (m_closed || m_client.finWanted) return false;
    inject(ProxyDirection::ToClient, bytes, -1);
    return true;
}

void ProxyLink::publishTallies() {
    std::lock_guard lock(m_board->mutex);
    m_board->totals.toServer.addGrowth(m_toServer.impairer.tally(), m_toServer.published);
    m_board->totals.toClient.addGrowth(m_toClient.impairer.tally(), m_toClient.published);
    m_toServer.published = m_toServer.impairer.tally();
    m_toClient.published = m_toClient.impairer.tally();
}

} // namespace socketeer::core
