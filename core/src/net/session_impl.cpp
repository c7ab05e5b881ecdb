// SessionImpl: repeat sending and the shared parts of every session's worker side.
#include "net/session_impl.hpp"

#include <algorithm>

namespace socketeer::core {
namespace {

SessionLimits withSaneBudget(SessionLimits limits) {
    // Back-pressure resumes below a quarter of the budget: a budget of a few bytes would never resume.
    limits.sendBudgetBytes = std::max<std::size_t>(limits.sendBudgetBytes, 4096);
    return limits;
}

} // namespace

SessionImpl::SessionImpl(asio::io_context& io, std::shared_ptr<SessionOutput> output, SessionLimits limits)
    : m_io(io), m_out(std::move(output)), m_limits(withSaneBudget(limits)),
      m_readBuffer(std::make_shared<ReadBuffer>(m_out->discardReceived ? DiscardReadBufferSize : ReadBufferSize)),
      m_lookups(std::make_shared<LookupGate>(io)),
      m_repeatTimer(io) {}

void SessionImpl::kick(ConnectionId id) {
    m_out->emitError(id, std::make_error_code(std::errc::operation_not_supported), "only a TCP server can kick a client");
}

void SessionImpl::halfClose() {
    m_out->emitError(0, std::make_error_code(std::errc::operation_not_supported),
                     "half-close applies to a TCP client's connection");
}

void SessionImpl::rejectSend(ConnectionId id, std::size_t bytes, std::string reason) {
    m_out->counters.sendsRejected.fetch_add(1, std::memory_order_relaxed);
    m_lastRejection = reason;
    m_out->emit(EventSendRejected{id, bytes, std::move(reason)});
}

void SessionImpl::startStream(StreamId id, std::unique_ptr<ByteSource> source, const SendTarget& target) {
    for (auto it = m_streams.begin(); it != m_streams.end();) it = it->second.expired() ? m_streams.erase(it) : std::next(it);
    auto record = std::make_shared<StreamRecord>(id, source->name(), m_out);
    m_streams[id] = record;
    m_lastRejection.clear();
    record->beginSetup();
    streamTo(record, std::move(source), target);
    if (!m_lastRejection.empty()) record->setFailure(m_lastRejection);
    record->endSetup();
}

void SessionImpl::cancelStream(StreamId id) {
    auto it = m_streams.find(id);
    if (it == m_streams.end()) return;
    if (auto record = it->second.lock()) {
        record->cancel();
        onStreamCancelled();
    }
}

void SessionImpl::startRepeat(RepeatSpec spec) {
    stopRepeat();
    if (spec.interval.count() < 1) spec.interval = std::chrono::milliseconds(1);
    m_repeat = std::move(spec);
    m_repeatPayload = std::make_shared<const Bytes>(m_repeat.payload);
    if (m_repeat.payloadTemplate) {
        // Its size as the first send will have it, for the notice; each send resolves it again.
        auto first = m_repeat.payloadTemplate->resolve(repeatContext(false));
        if (!first) {
            m_out->emitError(0, std::make_error_code(std::errc::invalid_argument), "repeat not started: " + first.error().describe());
            m_repeatPayload.reset();
            return;
        }
        m_repeatPayload = std::make_shared<const Bytes>(std::move(first).value());
    }
    m_repeatSent = 0;
    m_repeatNext = std::chrono::steady_clock::now();
    ++m_out->counters.repeatsStarted;
    m_out->emit(EventNotice{"repeat started: " + std::to_string(m_repeatPayload->size()) + " bytes every " +
                            std::to_string(m_repeat.interval.count()) + " ms" +
                            (m_repeat.count ? ", " + std::to_string(m_repeat.count) + " times" : "")});
    scheduleRepeat();
}

void SessionImpl::stopRepeat() {
    if (!m_repeatPayload) return;
    ++m_repeatGeneration;
    m_repeatTimer.cancel();
    m_repeatPayload.reset();
    ++m_out->counters.repeatsEnded;
    m_out->emit(EventNotice{"repeat stopped after " + std::to_string(m_repeatSent) + " sends"});
}

void SessionImpl::scheduleRepeat() {
    m_repeatTimer.expires_at(m_repeatNext);
    m_repeatTimer.async_wait([self = shared_from_this(), generation = m_repeatGeneration](std::error_code ec) {
        if (ec || generation != self->m_repeatGeneration || !self->m_repeatPayload) return;
        if (const auto& payload = self->m_repeat.payloadTemplate) {
            auto bytes = payload->resolve(self->repeatContext(true));
            if (!bytes) { // only a length that outgrew its field: say so and stop, never send it cut
                self->m_out->emitError(0, std::make_error_code(std::errc::invalid_argument),
                                       "repeat stopped: " + bytes.error().describe());
                self->stopRepeat();
                return;
            }
            self->m_repeatPayload = std::make_shared<const Bytes>(std::move(bytes).value());
        }
        self->send(self->m_repeat.target, self->m_repeatPayload);
        ++self->m_repeatSent;
        if (self->m_repeat.count != 0 && self->m_repeatSent >= self->m_repeat.count) {
            ++self->m_repeatGeneration;
            self->m_repeatPayload.reset();
            ++self->m_out->counters.repeatsEnded;
            self->m_out->emit(EventNotice{"repeat finished after " + std::to_string(self->m_repeatSent) + " sends"});
            return;
        }
        // Absolute deadlines keep the average rate exact; after a long stall, restart the schedule instead of bursting.
        const auto now = std::chrono::steady_clock::now();
        self->m_repeatNext += self->m_repeat.interval;
        if (now - self->m_repeatNext > 10 * self->m_repeat.interval) self->m_repeatNext = now + self->m_repeat.interval;
        self->scheduleRepeat();
    });
}

SendContext SessionImpl::repeatContext(bool stepCounter) const {
    SendContext context;
    context.messageNumber = m_repeatSent + 1; // {n}: this send's number in the repeat
    if (m_repeat.target.kind == SendTarget::Kind::HostPort)
        context.peer = HostPort{m_repeat.target.host, m_repeat.target.port}.toString();
    if (stepCounter) context.nextCounter = [out = m_out] { return out->nextPayloadCounter(); };
    else context.nextCounter = [] { return std::uint64_t{0}; }; // a look at the size, not a send
    return context;
}

void SessionImpl::shutdown() {
    ++m_repeatGeneration;
    m_repeatTimer.cancel();
    if (m_repeatPayload) ++m_out->counters.repeatsEnded;
    m_repeatPayload.reset();
    close();
}

} // namespace socketeer::core
