// SendStream: progress at most every ProgressInterval, one end event per stream, chunks read as they are wanted.
#include "net/send_stream.hpp"

namespace socketeer::core {

StreamRecord::StreamRecord(StreamId id, std::string sourceName, std::shared_ptr<SessionOutput> output)
    : m_id(id), m_source(std::move(sourceName)), m_out(std::move(output)),
      m_nextProgress(std::chrono::steady_clock::now() + ProgressInterval) {}

void StreamRecord::endSetup() {
    if (--m_openLegs == 0) finish();
}

void StreamRecord::addLeg(std::optional<std::uint64_t> bytes) {
    ++m_openLegs;
    ++m_legs;
    if (m_total && bytes) *m_total += *bytes;
    else m_total.reset();
}

void StreamRecord::addSent(std::uint64_t bytes) {
    m_sent += bytes;
    const auto now = std::chrono::steady_clock::now();
    if (now < m_nextProgress || (m_total && m_sent >= *m_total)) return; // the end event says the rest
    m_nextProgress = now + ProgressInterval;
    m_out->emit(EventStreamProgress{m_id, m_sent, m_total});
}

void StreamRecord::legEnded(std::optional<std::string> failure) {
    if (failure && !m_failure) m_failure = std::move(failure);
    if (--m_openLegs == 0) finish();
}

void StreamRecord::setFailure(std::string detail) {
    if (!m_failure) m_failure = std::move(detail);
}

void StreamRecord::finish() {
    if (m_ended) return;
    m_ended = true;
    if (m_legs == 0 && !m_failure) m_failure = "there was nowhere to send it";
    // A cancel that came after the last byte went out changed nothing: the send completed.
    const bool allSent = m_total && m_sent == *m_total;
    const StreamOutcome outcome = m_failure                  ? StreamOutcome::Failed
                                  : m_cancelled && !allSent ? StreamOutcome::Cancelled
                                                             : StreamOutcome::Completed;
    m_out->emit(EventStreamEnded{m_id, outcome, m_sent, m_total, m_source, m_failure.value_or(std::string())});
}

StreamLeg::StreamLeg(std::shared_ptr<StreamRecord> record, std::unique_ptr<ByteSource> source, std::size_t chunkBytes)
    : m_record(std::move(record)), m_source(std::move(source)), m_chunkBytes(chunkBytes) {
    m_record->addLeg(m_source->size());
}

SharedBytes StreamLeg::nextChunk() {
    if (m_sourceDone) return nullptr;
    if (m_record->cancelled()) {
        m_sourceDone = true;
        return nullptr;
    }
    auto chunk = std::make_shared<Bytes>(m_chunkBytes);
    std::string error;
    const auto n = m_source->read(chunk->data(), chunk->size(), error);
    if (!n || *n == 0) {
        m_sourceDone = true;
        if (!n) m_failure = std::move(error);
        return nullptr;
    }
    chunk->resize(*n);
    m_inFlight += *n;
    m_started = true;
    return chunk;
}

void StreamLeg::chunkWritten(std::size_t bytes) {
    m_inFlight -= bytes;
    m_record->addSent(bytes);
}

void StreamLeg::end(std::optional<std::string> failure) {
    if (m_ended) return;
    m_ended = true;
    m_record->legEnded(failure ? std::move(failure) : std::move(m_failure));
}

} // namespace socketeer::core
