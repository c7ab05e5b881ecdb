// Session facade: every call posts onto the worker.
#include "socketeer/core/net/session.hpp"

#include "net/session_impl.hpp"
#include "net/worker.hpp"

namespace socketeer::core {
namespace {

std::atomic<std::uint64_t> s_nextSessionId{1};

std::string threadNameFor(SessionKind kind, std::uint64_t id) {
    const char* prefix = kind == SessionKind::TcpClient   ? "tcp-client-"
                         : kind == SessionKind::TcpServer ? "tcp-server-"
                         : kind == SessionKind::Proxy     ? "proxy-"
                                                          : "udp-";
    return prefix + std::to_string(id);
}

} // namespace

std::string_view sessionKindName(SessionKind kind) {
    switch (kind) {
    case SessionKind::TcpClient: return "TCP client";
    case SessionKind::TcpServer: return "TCP server";
    case SessionKind::Udp: return "UDP";
    case SessionKind::Proxy: return "Proxy";
    }
    return "session";
}

std::string_view sessionStateName(SessionState state) {
    switch (state) {
    case SessionState::Closed: return "closed";
    case SessionState::Opening: return "opening";
    case SessionState::Open: return "open";
    case SessionState::Reconnecting: return "reconnecting";
    }
    return "unknown";
}

Session::Session(SessionKind kind, SessionLimits limits)
    : m_kind(kind), m_id(s_nextSessionId.fetch_add(1)), m_limits(limits),
      m_output(std::make_shared<SessionOutput>(limits.eventQueue)),
      m_worker(std::make_unique<Worker>(threadNameFor(kind, m_id))) {
    m_worker->post([output = m_output] { output->bindToThisThread(); }); // the first handler the worker runs
    m_worker->setFailureHandler([output = m_output](const std::string& what) {
        output->emitError(0, std::make_error_code(std::errc::state_not_recoverable),
                          "internal error on the I/O thread: " + what);
    });
}

Session::~Session() {
    stop();
    m_impl.reset();
}

void Session::stop() {
    if (m_stopped) return;
    m_stopped = true;
    // A lookup in flight must neither delay this nor post into a stopped io_context.
    if (m_impl) m_impl->closeLookups();
    if (m_impl) m_worker->post([impl = m_impl] { impl->shutdown(); });
    m_worker->stop();
    // After the join: the completions that ran while the worker drained have been recorded; nothing else writes now.
    m_output->bindToThisThread();
    m_output->closeCapture();
}

void Session::attach(std::shared_ptr<SessionImpl> impl) {
    m_impl = std::move(impl);
    // A lossless queue that was full has been drained: the readers it paused resume, on the worker. Weak, because the
    // queue belongs to the output that the impl itself holds.
    m_output->queue.setRoomCallback([worker = m_worker.get(), weak = std::weak_ptr<SessionImpl>(m_impl)] {
        worker->post([weak] {
            if (auto impl = weak.lock()) impl->onEventQueueRoom();
        });
    });
}

EventQueue& Session::events() { return m_output->queue; }
const SessionCounters& Session::counters() const { return m_output->counters; }
SessionState Session::state() const { return m_output->state.load(); }
std::vector<PeerStats> Session::peers() const { return m_output->peers.snapshot(); }

std::optional<SequenceStats> Session::sequenceStats() const { return m_output->sequenceStats(); }

void Session::open() {
    m_worker->post([impl = m_impl] { impl->open(); });
}

void Session::close() {
    m_worker->post([impl = m_impl] { impl->close(); });
}

void Session::send(Bytes payload, SendTarget target) {
    auto shared = std::make_shared<const Bytes>(std::move(payload));
    m_worker->post([impl = m_impl, shared = std::move(shared), target = std::move(target)] { impl->send(target, shared); });
}

std::uint64_t Session::nextPayloadCounter() { return m_output->nextPayloadCounter(); }

StreamId Session::sendStream(std::unique_ptr<ByteSource> source, SendTarget target) {
    if (m_stopped) return 0; // the worker is gone: nothing would ever end this stream
    if (!source) source = memorySource(nullptr);
    const StreamId id = m_nextStreamId.fetch_add(1);
    // The handler must be copyable; the shared_ptr carries the move-only source across.
    auto carried = std::make_shared<std::unique_ptr<ByteSource>>(std::move(source));
    m_worker->post([impl = m_impl, id, carried, target = std::move(target)] { impl->startStream(id, std::move(*carried), target); });
    return id;
}

void Session::cancelStream(StreamId id) {
    m_worker->post([impl = m_impl, id] { impl->cancelStream(id); });
}

void Session::kick(ConnectionId id) {
    m_worker->post([impl = m_impl, id] { impl->kick(id); });
}

void Session::halfClose() {
    m_worker->post([impl = m_impl] { impl->halfClose(); });
}

void Session::startRepeat(RepeatSpec spec) {
    m_worker->post([impl = m_impl, spec = std::move(spec)]() mutable { impl->startRepeat(std::move(spec)); });
}

bool Session::repeating() const {
    // Started is read first: a repeat that starts and ends between the two reads shows as not running, never the
    // other way round (each end follows its start on the worker).
    const SessionCounters& c = counters();
    const std::uint64_t started = c.repeatsStarted.load();
    return c.repeatsEnded.load() < started;
}

void Session::stopRepeat() {
    m_worker->post([impl = m_impl] { impl->stopRepeat(); });
}

void Session::setAutoReply(AutoReply rule) {
    m_worker->post([impl = m_impl, rule = std::move(rule)]() mutable { impl->setAutoReply(std::move(rule)); });
}

std::string Session::startCapture(const CaptureSpec& spec) {
    auto opened = CaptureSink::open(spec);
    if (auto* error = std::get_if<std::string>(&opened)) return *error;
    // The handler must be copyable; the shared_ptr carries the move-only sink across.
    auto sink = std::make_shared<std::unique_ptr<CaptureSink>>(std::move(std::get<0>(opened)));
    m_worker->post([output = m_output, impl = m_impl, sink] { output->addCapture(std::move(*sink), impl->captureScene()); });
    return {};
}

void Session::stopCapture() {
    m_worker->post([output = m_output] { output->closeCapture(); });
}

} // namespace socketeer::core
