// SessionOutput: the worker side of a session's reporting.
#include "net/session_output.hpp"

#include <optional>
#include <utility>

namespace socketeer::core {

void SessionOutput::record(SessionEvent&& event) {
    assertOwnerThread();
    std::optional<SessionEvent> captureFailure;
    if (m_capture && !m_capture->write(event)) {
        captureFailure = SessionEvent{nowUs(), EventError{0, std::make_error_code(std::errc::io_error),
                                                          m_capture->errorText() + "; capture stopped"}};
        m_capture.reset();
    }
    if (m_observer) m_observer(event);
    queue.push(std::move(event));
    if (captureFailure) {
        if (m_observer) m_observer(*captureFailure);
        queue.push(std::move(*captureFailure));
    }
}

void SessionOutput::emit(SessionEventBody body) { record({nowUs(), std::move(body)}); }

void SessionOutput::emitData(Direction direction, ConnectionId id, const Endpoint& peer, SharedBytes bytes) {
    if (direction == Direction::Tx && m_holdingSent > 0) {
        m_heldSent.push_back({id, peer, std::move(bytes)});
        return;
    }
    const std::int64_t time = nowUs();
    const std::uint64_t size = bytes ? bytes->size() : 0;
    if (direction == Direction::Rx) {
        counters.traffic.addRx(size);
        counters.noteReceive(time);
        peers.recordRx(id, size, time);
    } else {
        counters.traffic.addTx(size);
        peers.recordTx(id, size, time);
    }
    record({time, EventData{direction, id, peer, std::move(bytes)}});
}

void SessionOutput::releaseSentEvents() {
    if (--m_holdingSent == 0) flushHeldSentEvents();
}

void SessionOutput::flushHeldSentEvents() {
    std::vector<HeldSent> held;
    held.swap(m_heldSent);
    const int holding = std::exchange(m_holdingSent, 0);
    for (auto& sent : held) emitData(Direction::Tx, sent.id, sent.peer, std::move(sent.bytes));
    m_holdingSent = holding;
}

void SessionOutput::countReceived(ConnectionId id, std::uint64_t bytes, std::uint64_t messages) {
    const std::int64_t time = nowUs();
    counters.traffic.addRx(bytes, messages);
    counters.noteReceive(time);
    peers.recordRx(id, bytes, time, messages);
}

void SessionOutput::trackSequence(ByteView payload) {
    const auto header = readProbeHeader(payload);
    if (!header) return;
    const std::int64_t arrival = probeClockNs();
    std::lock_guard lock(m_sequenceMutex);
    m_sequence.record(*header, arrival);
}

std::optional<SequenceStats> SessionOutput::sequenceStats() const {
    std::lock_guard lock(m_sequenceMutex);
    if (!m_sequence.active()) return std::nullopt;
    return m_sequence.stats();
}

void SessionOutput::emitError(ConnectionId id, std::error_code code, std::string message) {
    emit(EventError{id, code, std::move(message)});
}

void SessionOutput::setCapture(std::unique_ptr<CaptureSink> sink) {
    closeCapture();
    m_capture = std::move(sink);
}

void SessionOutput::closeCapture() {
    if (!m_capture) return;
    std::string error = m_capture->close();
    const std::string path = m_capture->spec().path;
    const std::uint64_t bytes = m_capture->payloadBytesWritten();
    m_capture.reset();
    if (!error.empty()) emit(EventError{0, std::make_error_code(std::errc::io_error), error});
    // The file is complete only now (and on Windows, only now can it be moved or deleted): say so.
    else emit(EventNotice{"capture saved: '" + path + "', " + std::to_string(bytes) + " bytes of payload"});
}

} // namespace socketeer::core
