// SessionOutput: the worker side of a session's reporting.
#include "net/session_output.hpp"

#include <optional>
#include <utility>

namespace socketeer::core {

void SessionOutput::record(SessionEvent&& event) {
    assertOwnerThread();
    std::vector<SessionEvent> captureFailures;
    for (std::size_t i = 0; i < m_captures.size();)
        if (!m_captures[i]->write(event)) captureFailures.push_back(*dropFailedCapture(i));
        else ++i;
    const auto push = [this](SessionEvent&& next) {
        if (m_quietScopes > 0) queue.pushQuietly(std::move(next));
        else queue.push(std::move(next));
    };
    push(std::move(event));
    for (SessionEvent& failure : captureFailures) push(std::move(failure));
}

std::optional<SessionEvent> SessionOutput::dropFailedCapture(std::size_t index) {
    SessionEvent failure{nowUs(), EventError{0, std::make_error_code(std::errc::io_error),
                                             m_captures[index]->errorText() + "; capture stopped"}};
    m_captures.erase(m_captures.begin() + static_cast<std::ptrdiff_t>(index));
    return failure;
}

void SessionOutput::emit(SessionEventBody body) { record({nowUs(), std::move(body)}); }

void SessionOutput::emitData(Direction direction, ConnectionId id, const Endpoint& peer, SharedBytes bytes,
                             std::int32_t rule, FrameStatus frame) {
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
    const CheckStatus check = direction == Direction::Rx ? checkReceived(bytes) : CheckStatus::Unchecked;
    record({time, EventData{direction, id, peer, std::move(bytes), frame, check, rule}});
}

CheckStatus SessionOutput::checkReceived(const SharedBytes& bytes) {
    if (!receiveCheck) return CheckStatus::Unchecked;
    const bool good = bytes && endsWithValidChecksum(*receiveCheck, *bytes);
    (good ? counters.checksGood : counters.checksBad).fetch_add(1, std::memory_order_relaxed);
    return good ? CheckStatus::Good : CheckStatus::Bad;
}

void SessionOutput::countReceived(ConnectionId id, std::uint64_t bytes, std::uint64_t messages) {
    const std::int64_t time = nowUs();
    counters.traffic.addRx(bytes, messages);
    counters.noteReceive(time);
    peers.recordRx(id, bytes, time, messages);
}

void SessionOutput::receiveFramed(ConnectionId id, const Endpoint& peer, ByteView wire, std::uint64_t messages,
                                  const FrameTally& problems) {
    const std::int64_t time = nowUs();
    counters.traffic.addRx(wire.size(), messages);
    if (problems.partial) counters.framesPartial.fetch_add(problems.partial, std::memory_order_relaxed);
    if (problems.oversize) counters.framesOversize.fetch_add(problems.oversize, std::memory_order_relaxed);
    if (problems.malformed) counters.framesMalformed.fetch_add(problems.malformed, std::memory_order_relaxed);
    if (!wire.empty()) counters.noteReceive(time);
    peers.recordRx(id, wire.size(), time, messages);
    if (wire.empty()) return;
    eachCapture([&](CaptureSink& sink) { return sink.writeData(time, Direction::Rx, id, peer, wire); });
}

void SessionOutput::emitMessage(ConnectionId id, const Endpoint& peer, SharedBytes bytes, FrameStatus status) {
    const CheckStatus check = checkReceived(bytes);
    record({nowUs(), EventData{Direction::Rx, id, peer, std::move(bytes), status, check}});
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

void SessionOutput::captureWire(Direction direction, ConnectionId id, const Endpoint& peer, ByteView ciphertext) {
    if (m_captures.empty() || ciphertext.empty()) return;
    const std::int64_t time = nowUs();
    eachCapture([&](CaptureSink& sink) { return sink.writeWire(time, direction, id, peer, ciphertext); });
}

void SessionOutput::captureSecret(std::string_view keyLogLine) {
    if (m_captures.empty()) return;
    eachCapture([&](CaptureSink& sink) { return sink.writeSecret(keyLogLine); });
}

void SessionOutput::addCapture(std::unique_ptr<CaptureSink> sink, CaptureScene scene) {
    if (!sink->begin(std::move(scene))) {
        emit(EventError{0, std::make_error_code(std::errc::io_error), sink->errorText() + "; capture stopped"});
        return;
    }
    m_captures.push_back(std::move(sink));
}

void SessionOutput::closeCapture() {
    auto closing = std::move(m_captures);
    m_captures.clear();
    for (auto& sink : closing) {
        std::string error = sink->close();
        const std::string path = sink->spec().path == "-" ? "standard output" : "'" + sink->spec().path + "'";
        const std::uint64_t bytes = sink->payloadBytesWritten();
        if (!error.empty()) emit(EventError{0, std::make_error_code(std::errc::io_error), error});
        // The file is complete only now (and on Windows, only now can it be moved or deleted): say so.
        else emit(EventNotice{"capture saved: " + path + ", " + std::to_string(bytes) + " bytes of payload"});
    }
}

} // namespace socketeer::core
