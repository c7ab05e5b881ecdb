// TcpConnection: reads through the worker's shared buffer, one gathered write in flight, graceful and abrupt close;
// TLS as a channel between the socket and all of that.
#include "net/tcp_connection.hpp"

#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include "net/net_error.hpp"
#include "net/rule_responder.hpp"
#include "socketeer/core/units_format.hpp"

namespace socketeer::core {
namespace {

constexpr int MaxReadsPerWakeup = 4;             // then yield to the worker's other connections
constexpr std::size_t MaxBuffersPerWrite = 64;   // one writev gathers up to this many queued payloads
constexpr std::size_t MaxBytesPerWrite = 1u << 20;
constexpr int MaxDirectWrites = 16;              // gathered writes in one go before yielding to other connections
constexpr auto LingerTimeout = std::chrono::seconds(2);
constexpr auto FlushDeadline = std::chrono::seconds(10);
constexpr int MaxChunksPerPump = 16;             // stream chunks read in one go before yielding

} // namespace

TcpConnection::TcpConnection(asio::ip::tcp::socket socket, ConnectionId id, Endpoint local, Endpoint peer,
                             std::shared_ptr<SessionOutput> output, std::shared_ptr<ReadBuffer> readBuffer,
                             std::size_t sendBudget, const FrameSpec& framing, std::weak_ptr<TcpConnectionOwner> owner,
                             std::unique_ptr<TlsChannel> tls)
    : m_socket(std::move(socket)), m_tls(std::move(tls)), m_id(id), m_local(std::move(local)), m_peer(std::move(peer)),
      m_peerText(m_peer.toString()), m_out(std::move(output)), m_readBuffer(std::move(readBuffer)), m_sendBudget(sendBudget),
      m_owner(std::move(owner)) {
    if (framing.enabled()) m_framer = std::make_unique<Framer>(framing);
    // Called inside the channel's calls, which this connection makes on its worker.
    if (m_tls) m_tls->onKeyLogLine([this](std::string_view line) { m_out->captureSecret(line); });
}

void TcpConnection::start() {
    std::error_code ignored;
    m_socket.non_blocking(true, ignored);
    m_socket.set_option(asio::ip::tcp::no_delay(true), ignored); // a test tool sends what the user typed, now
    m_out->peers.add(m_id, m_peer, nowUs());
    m_out->counters.activeConnections.fetch_add(1, std::memory_order_relaxed);
    m_out->counters.connectionsOpened.fetch_add(1, std::memory_order_relaxed);
    // A client's hello goes from the worker's loop, not from here: a write that fails at once closes the connection,
    // and its owner must have finished setting it up by then. A server's handshake waits for the hello.
    if (m_tls) asio::post(m_socket.get_executor(), [self = shared_from_this()] {
        if (!self->m_closed && !self->m_tlsReady) self->advanceHandshake();
    });
    waitForData();
}

void TcpConnection::waitForData() {
    if (m_closed || m_waitingForData || m_readPaused || m_waitingForQueueRoom || m_peerFinished) return;
    m_waitingForData = true;
    m_socket.async_wait(asio::ip::tcp::socket::wait_read, [self = shared_from_this()](std::error_code ec) {
        self->m_waitingForData = false;
        if (self->m_closed) return;
        if (ec) {
            if (ec != asio::error::operation_aborted) self->onReadFailure(ec);
            return;
        }
        self->readAvailable();
    });
}

void TcpConnection::readAvailable() {
    m_out->assertOwnerThread();
    const auto self = shared_from_this(); // an answer may close this connection, and its owner drop it
    SessionOutput::QuietScope quiet(*m_out);
    ReadBuffer& buffer = *m_readBuffer;
    for (int i = 0; i < MaxReadsPerWakeup && !m_closed && !m_readPaused; ++i) {
        if (m_out->queue.overBudget()) {
            // A lossless front end is behind: leave the bytes with the kernel (the peer slows down) until it drains.
            m_waitingForQueueRoom = true;
            return;
        }
        std::error_code ec;
        const std::size_t n = m_socket.read_some(asio::buffer(buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) break;
        if (ec) {
            onReadFailure(ec);
            return;
        }
        const bool filled = n == buffer.size();
        if (m_tls) {
            if (!receiveTls({buffer.data(), n})) return;
        } else {
            deliver({buffer.data(), n});
        }
        if (!filled) break; // the socket is very likely empty: let the reactor say when it is not
    }
    waitForData();
}

void TcpConnection::deliver(ByteView received) {
    if (m_framer) {
        receiveFramed(received); // counts each message
        return;
    }
    ++m_messagesReceived;
    if (m_out->discardReceived) {
        m_out->countReceived(m_id, received.size());
        return;
    }
    auto bytes = std::make_shared<const Bytes>(received.begin(), received.end());
    // Reported first (queued, not yet woken: QuietScope), then answered at once: the queue shows cause before
    // effect, and the answer does not wait for the front end.
    m_out->emitData(Direction::Rx, m_id, m_peer, bytes);
    if (auto owner = m_owner.lock()) owner->onConnectionData(*this, bytes);
}

void TcpConnection::releaseHeldCiphertext() {
    if (!m_heldCiphertext) return;
    const auto held = std::move(m_heldCiphertext);
    m_out->captureWire(Direction::Rx, m_id, m_peer, *held);
}

bool TcpConnection::receiveTls(ByteView ciphertext) {
    // Copied: the plaintext is read into the same shared buffer.
    if (m_out->capturingWire()) m_heldCiphertext = std::make_unique<Bytes>(ciphertext.begin(), ciphertext.end());
    struct Release {
        TcpConnection& connection;
        ~Release() { connection.releaseHeldCiphertext(); }
    } release{*this};
    m_tls->pushCiphertext(ciphertext);
    if (!m_tlsReady) {
        advanceHandshake();
        if (!m_tlsReady) return !m_closed;
    }
    // The plaintext goes through the shared buffer as well: the channel has its own copy of the ciphertext. All of
    // it is delivered, paused or not, so that nothing waits inside the channel for a socket that stays quiet.
    ReadBuffer& buffer = *m_readBuffer;
    std::string error;
    while (!m_closed) {
        std::size_t size = 0;
        switch (m_tls->readPlaintext(buffer, size, error)) {
        case TlsChannel::Read::Data: deliver({buffer.data(), size}); break;
        case TlsChannel::Read::NeedMore:
            writeQueued(); // what reading made (a key update's answer, session tickets)
            return true;
        case TlsChannel::Read::PeerClosed:
            m_peerCloseNotified = true;
            onReadFailure(asio::error::eof); // the peer's close_notify: its orderly end of the stream
            return false;
        case TlsChannel::Read::Failed:
            writeQueued(); // the alert OpenSSL made: the peer learns why
            failTls("TLS with " + m_peerText + " failed", error);
            return false;
        }
    }
    return false;
}

void TcpConnection::advanceHandshake() {
    std::string error;
    switch (m_tls->handshake(error)) {
    case TlsChannel::Handshake::Pending: writeQueued(); return;
    case TlsChannel::Handshake::Failed:
        writeQueued(); // the alert: the peer learns why too
        failTls("TLS handshake with " + m_peerText + " failed", error);
        return;
    case TlsChannel::Handshake::Done:
        m_tlsReady = true;
        m_out->emit(EventTlsEstablished{m_id, m_peer, m_tls->describe()});
        writeQueued(); // the handshake's last flight, and whatever was sent while it ran
        closeIfFlushed(); // a close or half-close asked for meanwhile
        return;
    }
}

void TcpConnection::failTls(const std::string& what, const std::string& error) {
    m_out->emitError(m_id, std::make_error_code(std::errc::protocol_error), what + ": " + error);
    finish(CloseReason::Error, {}, what + ": " + error);
}

void TcpConnection::receiveFramed(ByteView wire) {
    auto gather = [this](ByteView message, FrameStatus status) { gatherMessage(message, status); };
    m_framer->push(wire, gather);
    reportFramed(wire, true);
    if (m_framer->spec().mode == FrameMode::Idle && m_framer->midMessage()) {
        m_lastByteAt = std::chrono::steady_clock::now();
        armIdleTimer();
    }
}

void TcpConnection::gatherMessage(ByteView message, FrameStatus status) {
    ++m_framedCount;
    m_framedProblems.note(status);
    // Discard mode counts messages (a framed receive rate) and keeps none.
    if (!m_out->discardReceived) m_framed.push_back({std::make_shared<const Bytes>(message.begin(), message.end()), status});
}

void TcpConnection::reportFramed(ByteView wire, bool answer) {
    // Counted (and captured) before the messages are queued, as unframed reads are.
    m_out->receiveFramed(m_id, m_peer, wire, m_framedCount, m_framedProblems);
    m_framedCount = 0;
    m_framedProblems = {};
    const auto owner = answer ? m_owner.lock() : nullptr;
    for (auto& message : m_framed) {
        ++m_messagesReceived;
        m_out->emitMessage(m_id, m_peer, message.bytes, message.status);
        // An answer may close the connection: the later messages were received all the same, and are reported.
        if (owner && !m_closed) owner->onConnectionData(*this, message.bytes);
    }
    m_framed.clear();
}

void TcpConnection::finishFraming() {
    if (!m_framer) return;
    if (m_idleTimer) m_idleTimer->cancel();
    auto gather = [this](ByteView message, FrameStatus status) { gatherMessage(message, status); };
    m_framer->finish(gather);
    if (m_framedCount > 0) reportFramed({}, false); // nobody to answer: the stream ended
}

void TcpConnection::armIdleTimer() {
    if (m_idleTimer && m_idleTimer->expiry() > std::chrono::steady_clock::now()) return; // armed already
    if (!m_idleTimer) m_idleTimer = std::make_unique<asio::steady_timer>(m_socket.get_executor());
    // One wait per gap, not one per read: when it fires, it waits again for whatever is left of the gap.
    m_idleTimer->expires_at(m_lastByteAt + m_framer->spec().idleGap);
    m_idleTimer->async_wait([self = shared_from_this()](std::error_code ec) {
        if (ec || self->m_closed || !self->m_framer->midMessage()) return;
        if (std::chrono::steady_clock::now() < self->m_lastByteAt + self->m_framer->spec().idleGap) {
            self->armIdleTimer();
            return;
        }
        SessionOutput::QuietScope quiet(*self->m_out);
        auto gather = [&self = *self](ByteView message, FrameStatus status) { self.gatherMessage(message, status); };
        self->m_framer->endOfSilence(gather);
        self->reportFramed({}, true);
    });
}

void TcpConnection::resumeAfterQueueRoom() {
    if (!m_waitingForQueueRoom) return;
    m_waitingForQueueRoom = false;
    waitForData();
}

void TcpConnection::onReadFailure(const std::error_code& ec) {
    finishFraming(); // the stream ended, however it ended: what is left of a message is reported
    if (m_tls && !m_tlsReady && (ec == asio::error::eof || closeReasonFor(ec) == CloseReason::Reset)) {
        failTls("TLS handshake with " + m_peerText + " failed", "the peer closed the connection during it");
        return;
    }
    if (ec == asio::error::eof) {
        m_peerFinished = true;
        if (m_tls && !m_peerCloseNotified)
            m_out->emit(EventNotice{m_peerText + " ended the TCP connection without a TLS close_notify: what it "
                                                        "sent may have been cut short"});
        if (m_sendShutdown) {
            finishAfterFin(m_closeWhenFlushed.value_or(CloseReason::PeerClosed));
            return;
        }
        if (!m_closeWhenFlushed) m_closeWhenFlushed = CloseReason::PeerClosed;
        // Answer what the peer sent before its FIN (a half-closed peer still reads), then close.
        if (flushed()) finishGracefully();
        else if (!m_lingerTimer) armFlushDeadline();
        return;
    }
    const CloseReason reason = closeReasonFor(ec);
    if (reason == CloseReason::Error)
        m_out->emitError(m_id, ec, "receiving from " + m_peerText + " failed: " + describeError(ec));
    finish(reason, ec, {});
}

bool TcpConnection::send(SharedBytes payload, std::int32_t rule) {
    m_out->assertOwnerThread();
    const std::size_t size = payload ? payload->size() : 0;
    if (m_closed || m_closeWhenFlushed || m_sendShutdown || m_halfCloseWhenFlushed) {
        m_out->counters.sendsRejected.fetch_add(1, std::memory_order_relaxed);
        m_out->emit(EventSendRejected{m_id, size, "connection to " + m_peerText + " is closing"});
        return false;
    }
    if (m_queuedBytes + size > m_sendBudget) {
        m_out->counters.sendsRejected.fetch_add(1, std::memory_order_relaxed);
        std::string reason = size > m_sendBudget
                                 ? "payload of " + formatByteCount(size) + " is larger than the send budget of " +
                                       formatByteCount(m_sendBudget)
                                 : "send budget of " + formatByteCount(m_sendBudget) + " is full (" +
                                       std::to_string(m_queuedBytes) + " bytes queued): " + m_peerText +
                                       " is not reading fast enough";
        m_out->emit(EventSendRejected{m_id, size, std::move(reason)});
        return false;
    }
    if (size == 0) return true;
    enqueue(std::move(payload), nullptr, rule);
    return true;
}

void TcpConnection::enqueue(SharedBytes payload, StreamLeg* leg, std::int32_t rule) {
    m_queuedBytes += payload->size();
    m_queue.push_back({std::move(payload), leg, rule});
    writeQueued();
}

void TcpConnection::attachStream(std::unique_ptr<StreamLeg> leg) {
    m_out->assertOwnerThread();
    if (!acceptsSends()) {
        leg->end("the connection to " + m_peerText + " is closing");
        return;
    }
    m_streams.push_back(std::move(leg));
    pumpStreams();
}

void TcpConnection::pumpStreams() {
    if (m_pumping) return; // a direct write inside the loop below finished a write: the loop goes on by itself
    m_pumping = true;
    const auto self = shared_from_this();
    int pulled = 0;
    while (!m_streams.empty() && !m_closed) {
        StreamLeg& leg = *m_streams.front();
        if (leg.finished()) {
            auto done = std::move(m_streams.front());
            m_streams.erase(m_streams.begin());
            done->end();
            continue;
        }
        if (m_queuedBytes >= streamWindow()) break; // pulled again as the queue drains (afterWrite)
        if (pulled++ == MaxChunksPerPump) {
            // The socket takes everything at once (loopback): yield to the worker's other connections and timers.
            if (!m_pumpPosted) {
                m_pumpPosted = true;
                asio::post(m_socket.get_executor(), [self] {
                    self->m_pumpPosted = false;
                    self->pumpStreams();
                });
            }
            break;
        }
        SharedBytes chunk = leg.nextChunk();
        if (chunk) enqueue(std::move(chunk), &leg);
        else if (!leg.finished()) break; // the source ended; its last chunks are still being written
    }
    m_pumping = false;
    closeIfFlushed(); // the last leg may have ended here rather than after a write (a close or FIN was waiting)
}

void TcpConnection::dropCancelledStreams() {
    // Legs waiting behind the one being sent end at once when cancelled; the front one ends after its queued chunks.
    for (std::size_t i = 1; i < m_streams.size();) {
        if (m_streams[i]->record().cancelled() && !m_streams[i]->started()) {
            auto leg = std::move(m_streams[i]);
            m_streams.erase(m_streams.begin() + static_cast<std::ptrdiff_t>(i));
            leg->end();
        } else {
            ++i;
        }
    }
    pumpStreams();
}

void TcpConnection::writeQueued() {
    // A finished write may close the connection, and the owner then drops its reference.
    const auto self = shared_from_this();
    // Write at once what the socket takes: an echo leaves with no pass through the scheduler between the request and
    // the reply. Only what the socket does not take waits for an asynchronous write. A long queue yields after a few
    // gathered writes.
    for (int round = 0; round < MaxDirectWrites && !m_closed && !m_writing && writable(); ++round) {
        std::vector<asio::const_buffer> buffers;
        std::size_t total = 0;
        if (m_tls) {
            if (!sealQueued()) return;
            buffers.emplace_back(asio::buffer(*m_cipherOut));
            total = m_cipherOut->size();
        } else {
            for (const auto& queued : m_queue) {
                const Bytes& payload = *queued.bytes;
                if (buffers.size() == MaxBuffersPerWrite || (total != 0 && total + payload.size() > MaxBytesPerWrite)) break;
                buffers.emplace_back(asio::buffer(payload));
                total += payload.size();
            }
            m_inFlightCount = buffers.size();
        }
        m_writing = true;
        std::error_code ec;
        std::size_t written = m_socket.write_some(buffers, ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            ec.clear();
            written = 0;
        }
        if (ec || written == total) {
            if (!afterWrite(ec)) return;
            continue;
        }
        writeRestAsynchronously(std::move(buffers), written);
        return;
    }
    if (!m_closed && !m_writing && writable()) asio::post(m_socket.get_executor(), [self] { self->writeQueued(); });
}

bool TcpConnection::writable() const {
    if (!m_tls) return !m_queue.empty();
    return m_tls->pendingCiphertext() != 0 || (m_tlsReady && !m_tlsCloseNotified && !m_queue.empty());
}

bool TcpConnection::sealQueued() {
    if (!m_cipherOut || m_cipherOut.use_count() > 1) m_cipherOut = std::make_shared<Bytes>();
    m_cipherOut->clear();
    m_inFlightCount = 0;
    if (m_tlsReady && !m_tlsCloseNotified) {
        std::size_t total = 0;
        std::string error;
        for (const auto& queued : m_queue) {
            const Bytes& payload = *queued.bytes;
            if (m_inFlightCount == MaxBuffersPerWrite || (total != 0 && total + payload.size() > MaxBytesPerWrite)) break;
            if (!m_tls->writePlaintext(payload, error)) {
                failTls("TLS to " + m_peerText + " failed", error);
                return false;
            }
            total += payload.size();
            ++m_inFlightCount;
        }
    }
    m_tls->takeCiphertext(*m_cipherOut, SIZE_MAX);
    if (m_out->capturingWire() && !m_cipherOut->empty()) {
        releaseHeldCiphertext(); // what was read comes before what answers it
        m_out->captureWire(Direction::Tx, m_id, m_peer, *m_cipherOut);
    }
    return true;
}

void TcpConnection::writeRestAsynchronously(std::vector<asio::const_buffer> buffers, std::size_t written) {
    // Skip what the direct write took.
    std::size_t skip = written;
    auto first = buffers.begin();
    while (skip != 0 && skip >= first->size()) skip -= (first++)->size();
    std::vector<asio::const_buffer> rest(first, buffers.end());
    if (skip != 0) rest.front() += skip;
    // The handler keeps the payloads alive: a close clears m_queue, but the OS may still read these buffers (IOCP).
    std::vector<SharedBytes> inFlight;
    for (std::size_t i = 0; i < m_inFlightCount; ++i) inFlight.push_back(m_queue[i].bytes);
    SharedBytes ciphertext = m_tls ? m_cipherOut : nullptr; // what `rest` points into, with TLS
    asio::async_write(m_socket, rest, [self = shared_from_this(), inFlight = std::move(inFlight),
                                       ciphertext = std::move(ciphertext)](std::error_code ec, std::size_t) {
        if (self->m_closed) {
            self->m_inFlightCount = 0;
            self->m_writing = false;
            // Written before the close took effect: it went out, so it is counted and recorded like any other.
            if (!ec)
                for (const auto& payload : inFlight) self->m_out->emitData(Direction::Tx, self->m_id, self->m_peer, payload);
            return;
        }
        if (self->afterWrite(ec)) self->writeQueued();
    });
}

bool TcpConnection::afterWrite(const std::error_code& ec) {
    const std::size_t count = m_inFlightCount;
    m_inFlightCount = 0;
    m_writing = false;
    if (ec) {
        const CloseReason reason = closeReasonFor(ec);
        if (reason == CloseReason::Error)
            m_out->emitError(m_id, ec, "sending to " + m_peerText + " failed: " + describeError(ec));
        finish(reason, ec, {});
        return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
        QueuedWrite written = std::move(m_queue.front());
        m_queue.pop_front();
        const std::size_t size = written.bytes->size();
        m_queuedBytes -= size;
        m_out->emitData(Direction::Tx, m_id, m_peer, std::move(written.bytes), written.rule);
        if (written.leg) written.leg->chunkWritten(size);
    }
    // A close waiting for the data measures the peer's silence, not the whole transfer: data went out, so it restarts.
    if (count != 0 && m_closeWhenFlushed && !m_sendShutdown && m_lingerTimer) armFlushDeadline();
    if (!m_streams.empty()) pumpStreams();
    if (m_queuedBytes < m_sendBudget / 4) {
        if (auto owner = m_owner.lock()) owner->onConnectionDrained(*this);
    }
    if (m_closed) return false;
    if (writable()) return true;
    finIfWritten();
    closeIfFlushed();
    return false;
}

void TcpConnection::closeIfFlushed() {
    // A stream's next chunks may still come (pulled now or posted): not flushed until its last leg ended.
    if (m_closed || m_writing || !flushed()) return;
    if (m_closeWhenFlushed) finishGracefully();
    else if (m_halfCloseWhenFlushed) shutdownSend();
}

void TcpConnection::closeAfterWrites(CloseReason reason) {
    if (m_closed || m_closeWhenFlushed) return;
    m_closeWhenFlushed = reason;
    if (flushed()) finishGracefully();
    else armFlushDeadline();
}

void TcpConnection::armFlushDeadline() {
    // A peer that never reads must not keep a closing connection alive forever.
    m_lingerTimer = std::make_unique<asio::steady_timer>(m_socket.get_executor());
    m_lingerTimer->expires_after(FlushDeadline);
    m_lingerTimer->async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec) self->finish(self->m_closeWhenFlushed.value_or(CloseReason::Local), {}, "closed: the peer did not read the last data in time");
    });
}

void TcpConnection::halfClose() {
    if (m_closed || m_closeWhenFlushed || m_halfCloseWhenFlushed) return;
    m_halfCloseWhenFlushed = true;
    if (flushed()) shutdownSend();
}

void TcpConnection::shutdownSend() {
    if (m_sendShutdown) return;
    sendFin();
    m_sendShutdown = true;
    if (m_peerFinished) finishAfterFin(CloseReason::PeerClosed);
}

void TcpConnection::sendFin() {
    m_finPending = true;
    if (m_tls && !m_tlsCloseNotified) {
        m_tlsCloseNotified = true;
        if (m_tlsReady) m_tls->closeNotify(); // mid-handshake there is no session to end politely
        writeQueued();
    }
    finIfWritten();
}

void TcpConnection::finIfWritten() {
    if (!m_finPending || m_closed || m_writing || writable()) return;
    m_finPending = false;
    std::error_code ignored;
    m_socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (m_finishAfterFin) finish(*m_finishAfterFin, {}, {});
}

void TcpConnection::finishAfterFin(CloseReason reason) {
    if (!m_finPending) {
        finish(reason, {}, {});
        return;
    }
    m_finishAfterFin = reason;
    if (!m_lingerTimer) { // a peer that stopped reading must not hold our close_notify, and this connection, forever
        m_lingerTimer = std::make_unique<asio::steady_timer>(m_socket.get_executor());
        m_lingerTimer->expires_after(LingerTimeout);
        m_lingerTimer->async_wait([self = shared_from_this(), reason](std::error_code ec) {
            if (!ec) self->finish(reason, {}, {});
        });
    }
}

void TcpConnection::finishGracefully() {
    if (m_sendShutdown && m_lingerTimer) return; // already under way (our FIN is out, the linger timer runs)
    const CloseReason reason = m_closeWhenFlushed.value_or(CloseReason::Local);
    if (m_peerFinished) {
        // TLS answers the peer's close_notify with its own before the socket closes; plain TCP just closes.
        if (m_tls && !m_tlsCloseNotified) {
            m_sendShutdown = true;
            sendFin();
            finishAfterFin(reason);
            return;
        }
        finish(reason, {}, {});
        return;
    }
    // Send our FIN, then keep reading until the peer's: closing with unread data would send a RST that can destroy
    // the reply we just wrote before the peer reads it.
    sendFin();
    m_sendShutdown = true;
    m_readPaused = false;
    m_lingerTimer = std::make_unique<asio::steady_timer>(m_socket.get_executor());
    m_lingerTimer->expires_after(LingerTimeout);
    m_lingerTimer->async_wait([self = shared_from_this(), reason](std::error_code ec) {
        if (!ec) self->finish(reason, {}, {});
    });
    waitForData();
}

void TcpConnection::replyAutomatically(const AutoReply& rule, const SharedBytes& received) {
    if (!acceptsSends()) return;
    if (answerByRules(rule.rules, *received)) return;
    if (rule.mode == ReplyMode::None) return;
    if (rule.mode == ReplyMode::Echo) {
        send(received); // the received bytes are immutable and shared: an echo is the same buffer, not a copy
    } else {
        auto reply = buildReply(rule, *received, replyContext(m_messagesReceived));
        if (!reply) {
            // Never sent cut short: the rule's template cannot hold this answer (a length that outgrew its field).
            m_out->emitError(m_id, std::make_error_code(std::errc::invalid_argument),
                             "no reply to " + m_peerText + ": " + reply.error().describe());
            return;
        }
        send(std::make_shared<const Bytes>(std::move(reply).value()));
    }
    if (rule.closeAfterReply) closeAfterWrites(CloseReason::Local);
}

bool TcpConnection::answerByRules(const RuleSet& rules, ByteView received) {
    if (rules.empty()) return false;
    const RulePlan plan = planRules(rules, received, m_ruleState, replyContext(m_messagesReceived), [this](const std::string& error) {
        m_out->emitError(m_id, std::make_error_code(std::errc::invalid_argument), error + " (to " + m_peerText + ")");
    });
    if (!plan.matched) return false;
    for (RuleStep& step : stepsOf(plan)) {
        if (step.after.count() == 0) {
            runRuleStep(step);
            continue;
        }
        if (!m_ruleSteps) m_ruleSteps = std::make_unique<DelayedRuleSteps>(m_socket.get_executor());
        const std::int32_t rule = step.replies.empty() ? -1 : step.replies.front().rule;
        if (!m_ruleSteps->schedule(step.after, weak_from_this(), [this, step] { runRuleStep(step); }))
            m_out->emitError(m_id, std::make_error_code(std::errc::resource_unavailable_try_again),
                             "rule " + std::to_string(rule + 1) + ": " + std::to_string(DelayedRuleSteps::MaxPending) +
                                 " delayed answers to " + m_peerText + " wait already: this one is dropped");
    }
    return true;
}

void TcpConnection::runRuleStep(const RuleStep& step) {
    if (!acceptsSends()) return;
    for (const RulePlan::Reply& reply : step.replies) send(reply.bytes, reply.rule);
    if (step.close) closeAfterWrites(CloseReason::Local);
}

SendContext TcpConnection::replyContext(std::uint64_t messageNumber) const {
    SendContext context;
    context.peer = m_peerText;
    context.messageNumber = messageNumber;
    context.nextCounter = [out = m_out] { return out->nextPayloadCounter(); };
    return context;
}

void TcpConnection::sendWelcome(const AutoReply& rule) {
    if (!rule.welcome.empty()) {
        auto welcome = rule.welcome.resolve(replyContext(0));
        if (welcome) send(std::make_shared<const Bytes>(std::move(welcome).value()));
        else m_out->emitError(m_id, std::make_error_code(std::errc::invalid_argument), "no welcome to " + m_peerText +
                                                                                            ": " + welcome.error().describe());
    }
    // A "datetime server": welcome, then hang up — unless a reply is still to come.
    if (rule.closeAfterReply && rule.mode == ReplyMode::None && !rule.relay) closeAfterWrites(CloseReason::Local);
}

void TcpConnection::close(CloseReason reason, std::string detail) { finish(reason, {}, std::move(detail)); }

void TcpConnection::pauseReading() { m_readPaused = true; }

void TcpConnection::resumeReading() {
    if (!m_readPaused) return;
    m_readPaused = false;
    waitForData();
}

void TcpConnection::finish(CloseReason reason, const std::error_code& ec, std::string detail) {
    if (m_closed) return;
    releaseHeldCiphertext(); // the bytes before the close
    auto self = shared_from_this(); // the owner's callback below may drop the last other reference
    m_closed = true;
    std::error_code ignored;
    m_socket.close(ignored);
    if (m_lingerTimer) m_lingerTimer->cancel();
    if (m_ruleSteps) m_ruleSteps->cancelAll(); // delayed rule answers go with the connection
    finishFraming();
    m_queue.clear();
    m_queuedBytes = 0;
    // Streaming sends to this connection end here, counted as far as they got.
    auto streams = std::move(m_streams);
    for (auto& leg : streams) leg->end("the connection to " + m_peerText + " closed");
    if (detail.empty()) {
        switch (reason) {
        case CloseReason::Local: detail = "closed locally"; break;
        case CloseReason::Kicked: detail = "kicked"; break;
        case CloseReason::PeerClosed: detail = "closed by peer " + m_peerText; break;
        case CloseReason::Reset: detail = "connection reset by " + m_peerText; break;
        case CloseReason::Timeout: detail = "timed out"; break;
        case CloseReason::Error: detail = "error: " + describeError(ec); break;
        }
    }
    TrafficSnapshot traffic = m_out->peers.remove(m_id);
    m_out->counters.activeConnections.fetch_sub(1, std::memory_order_relaxed);
    auto owner = m_owner.lock();
    if (owner) owner->onConnectionClosing(*this, reason);
    m_out->emit(EventClosed{m_id, m_peer, reason, std::move(detail), traffic});
    if (owner) owner->onConnectionClosed(*this, reason);
}

} // namespace socketeer::core
