// SessionModel: the UI side of one session.
#include "session_model.hpp"

#include <algorithm>
#include <utility>

#include "history_export.hpp"
#include "socketeer/core/event/event_json.hpp"
#include "socketeer/core/file_output.hpp"

#include "socketeer/core/units_format.hpp"

namespace socketeer::app {

using namespace core;

namespace {

const AutoReply& autoReplyOf(const SessionSpec& spec) {
    switch (spec.kind) {
    case SessionKind::TcpClient: return spec.tcpClient.autoReply;
    case SessionKind::TcpServer: return spec.tcpServer.autoReply;
    case SessionKind::Udp: break;
    case SessionKind::Proxy: break; // a proxy has no automatic reply: its rules are its own (rulesOf)
    }
    return spec.udp.autoReply;
}

/// The rules the Rules tab edits: a proxy's act on messages in flight, the others' answer them.
const RuleSet& rulesOf(const SessionSpec& spec) {
    return spec.kind == SessionKind::Proxy ? spec.proxy.rules : autoReplyOf(spec).rules;
}
RuleSet& rulesOf(SessionSpec& spec) { return const_cast<RuleSet&>(rulesOf(std::as_const(spec))); }

RuleHost ruleHostOf(const SessionSpec& spec) {
    switch (spec.kind) {
    case SessionKind::TcpClient:
    case SessionKind::TcpServer: return RuleHost::TcpSession;
    case SessionKind::Udp: return RuleHost::UdpSession;
    case SessionKind::Proxy: return spec.proxy.udp ? RuleHost::UdpProxy : RuleHost::TcpProxy;
    }
    return RuleHost::TcpSession;
}

TrafficSnapshot minus(const TrafficSnapshot& a, const TrafficSnapshot& b) {
    return {a.rxBytes - b.rxBytes, a.rxMessages - b.rxMessages, a.txBytes - b.txBytes, a.txMessages - b.txMessages};
}

} // namespace

SessionModel::SessionModel(std::uint64_t uiId, SessionSpec spec, std::function<void()> wake)
    : m_uiId(uiId), m_spec(std::move(spec)), m_ruleTable(rulesOf(m_spec), ruleHostOf(m_spec)),
      m_wake(std::move(wake)) {}

const RuleSet* SessionModel::liveRules() const {
    if (!m_session) return nullptr;
    return &rulesOf(m_openedWith);
}

SessionModel::~SessionModel() = default;

RuleTable& SessionModel::ruleTable() {
    m_ruleTable.setHost(ruleHostOf(m_spec));
    return m_ruleTable;
}

void SessionModel::open() {
    if (!m_session || !m_openedWith.sameSession(m_spec)) {
        if (m_session) {
            m_session->stop(); // its last events (closes, a file send's end) are in its queue now
            drain();           // keep what the old session said
        }
        m_session = makeSession(m_spec);
        m_session->events().setWakeCallback(m_wake);
        m_openedWith = m_spec;
        m_baseline = {};
        m_lastSample = {};
        if (!m_capturePath.empty()) {
            // The old session flushed and closed the file; go on in a fresh file next to it rather than replace it.
            CaptureSpec next = m_captureSpec;
            next.path = m_captureSpec.path + "." + std::to_string(nowUs());
            m_capturePath.clear();
            startCapture(next);
        }
    }
    if (auto* proxy = dynamic_cast<Proxy*>(m_session.get())) // Hold is the user's, whichever session runs
        for (auto d : {ProxyDirection::ToServer, ProxyDirection::ToClient})
            if (holding(d)) proxy->setHold(d, true);
    m_session->open();
}

void SessionModel::close() {
    if (m_session) m_session->close();
}

void SessionModel::setImpairment(ProxyDirection direction, const ImpairmentSettings& settings) {
    (direction == ProxyDirection::ToServer ? m_spec.proxy.toServer : m_spec.proxy.toClient) = settings;
    if (auto* proxy = dynamic_cast<Proxy*>(m_session.get())) proxy->setImpairment(direction, settings);
}

void SessionModel::setHold(ProxyDirection direction, bool hold) {
    m_holding[direction == ProxyDirection::ToServer ? 0 : 1] = hold;
    if (auto* proxy = dynamic_cast<Proxy*>(m_session.get())) proxy->setHold(direction, hold);
}

void SessionModel::releaseHeld(ConnectionId id, ProxyDirection direction, std::optional<Bytes> replacement) {
    if (auto* proxy = dynamic_cast<Proxy*>(m_session.get())) proxy->releaseHeld(id, direction, std::move(replacement));
}

void SessionModel::dropHeld(ConnectionId id, ProxyDirection direction) {
    if (auto* proxy = dynamic_cast<Proxy*>(m_session.get())) proxy->dropHeld(id, direction);
}

std::vector<HeldMessages> SessionModel::heldMessages() const {
    const auto* proxy = dynamic_cast<const Proxy*>(m_session.get());
    return proxy ? proxy->held() : std::vector<HeldMessages>{};
}

ProxyTallies SessionModel::proxyTallies() const {
    const auto* proxy = dynamic_cast<const Proxy*>(m_session.get());
    return proxy ? proxy->tallies() : ProxyTallies{};
}

SessionState SessionModel::state() const { return m_session ? m_session->state() : SessionState::Closed; }

std::string SessionModel::startGenerator() {
    if (m_spec.kind == SessionKind::TcpClient) return m_generator.start(m_spec.tcpClient.host, m_spec.tcpClient.port, m_spec.tcpClient.tls);
    if (m_spec.kind == SessionKind::Udp) {
        // The host typed in the send pane wins over the default remote, as for a send.
        if (!m_ui.udpTarget.empty()) {
            auto target = parseHostPort(m_ui.udpTarget);
            if (!target) return "send-to '" + m_ui.udpTarget + "': " + target.error().message;
            return m_generator.start(target.value().host, target.value().port);
        }
        return m_generator.start(m_spec.udp.remoteHost, m_spec.udp.remotePort);
    }
    return "a server has no remote to send to: use a TCP client or a UDP socket";
}

std::size_t SessionModel::drain() {
    const std::size_t generatorChanged = m_generator.refresh() ? 1 : 0;
    if (!m_session) return generatorChanged;
    m_batch.clear();
    const std::size_t count = m_session->events().drain(m_batch);
    for (const SessionEvent& event : m_batch) {
        if (m_observer) m_observer(event);
        if (m_history.append(event)) continue;
        noteStreamEvent(event);
        if (std::holds_alternative<EventStreamProgress>(event.body)) continue; // shown as the file's progress
        m_log.addEvent(event);
        if (const auto* opened = std::get_if<EventOpened>(&event.body)) {
            m_localEndpoint = opened->local;
            m_lastError.clear();
        } else if (const auto* connected = std::get_if<EventConnected>(&event.body)) {
            m_localEndpoint = connected->local;
            m_lastError.clear();
        } else if (const auto* error = std::get_if<EventError>(&event.body)) {
            m_lastError = error->message;
        }
    }
    if (m_history.evictedRecords() != m_loggedEvictedRecords &&
        std::chrono::steady_clock::now() - m_lastEvictionLog >= std::chrono::seconds(5)) {
        m_log.add(nowUs(), LogLine::Level::Warning,
                  std::to_string(m_history.evictedRecords()) + " oldest records (" + std::to_string(m_history.evictedBytes()) +
                      " bytes) evicted from the history (budget " + std::to_string(m_history.budget() >> 20) +
                      " MiB); counters stay exact");
        m_loggedEvictedRecords = m_history.evictedRecords();
        m_lastEvictionLog = std::chrono::steady_clock::now();
    }
    m_receiveView.sync(m_history);
    return count + (refreshFigures() ? 1 : 0) + generatorChanged; // a new figure is worth a redraw too
}

bool SessionModel::refreshFigures() {
    const auto now = std::chrono::steady_clock::now();
    bool changed = false;
    if (now - m_lastPeersTime >= std::chrono::milliseconds(250)) {
        auto peers = m_session->peers();
        auto sequence = m_session->sequenceStats();
        changed = peers != m_peers || sequence != m_sequence;
        m_peers = std::move(peers);
        m_sequence = std::move(sequence);
        m_lastPeersTime = now;
    }
    const SessionCounters& counters = m_session->counters();
    const ShownFigures shown{counters.traffic.snapshot(), counters.framesPartial.load(), counters.framesOversize.load(),
                             counters.framesMalformed.load(), counters.checksGood.load(), counters.checksBad.load(),
                             m_session->repeating()};
    changed = changed || shown != m_shown;
    m_shown = shown;

    const double seconds = std::chrono::duration<double>(now - m_lastSampleTime).count();
    if (seconds < 1.0) return changed;
    const TrafficSnapshot sample = shown.traffic;
    const TrafficSnapshot delta = minus(sample, m_lastSample);
    const TrafficRates previous = m_rates;
    m_rates = {delta.rxBytes / seconds, delta.rxMessages / seconds, delta.txBytes / seconds, delta.txMessages / seconds};
    m_lastSample = sample;
    m_lastSampleTime = now;
    return changed || m_rates.rxBytes != previous.rxBytes || m_rates.txBytes != previous.txBytes ||
           m_rates.rxMessages != previous.rxMessages || m_rates.txMessages != previous.txMessages;
}

void SessionModel::send(Bytes payload, SendTarget target) {
    if (!m_session) return;
    m_composer.remember(payload);
    m_session->send(std::move(payload), std::move(target));
}

std::string SessionModel::sendFile(const std::string& path, SendTarget target) {
    if (m_file) return "already sending " + m_file->path;
    if (!m_session || state() != SessionState::Open) return "the session is not open";
    auto opened = openFileSource(path);
    if (auto* error = std::get_if<std::string>(&opened)) return *error;
    auto& source = std::get<0>(opened);
    const std::uint64_t size = source->size().value_or(0);
    m_file = FileSend{m_session->sendStream(std::move(source), std::move(target)), path, {0, size}};
    m_log.add(nowUs(), LogLine::Level::Info, "sending file " + path + " (" + formatByteCount(size) + ")");
    return {};
}

void SessionModel::cancelFileSend() {
    if (m_file && m_session) m_session->cancelStream(m_file->stream);
}

std::optional<SessionModel::FileProgress> SessionModel::fileProgress() const {
    if (!m_file) return std::nullopt;
    return m_file->progress;
}

void SessionModel::noteStreamEvent(const SessionEvent& event) {
    if (!m_file) return;
    if (const auto* progress = std::get_if<EventStreamProgress>(&event.body); progress && progress->stream == m_file->stream) {
        m_file->progress = {progress->sentBytes, progress->totalBytes.value_or(m_file->progress.total)};
    } else if (const auto* ended = std::get_if<EventStreamEnded>(&event.body); ended && ended->stream == m_file->stream) {
        m_file.reset(); // the connection log has the end, in core's words
    }
}

bool SessionModel::startCapture(const CaptureSpec& spec) {
    if (!m_session) {
        m_session = makeSession(m_spec);
        m_session->events().setWakeCallback(m_wake);
        m_openedWith = m_spec;
    }
    const std::string error = m_session->startCapture(spec);
    if (!error.empty()) {
        m_lastError = error;
        m_log.add(nowUs(), LogLine::Level::Error, error);
        return false;
    }
    m_capturePath = spec.path;
    m_captureSpec = spec;
    m_log.add(nowUs(), LogLine::Level::Info, "capturing every byte to " + spec.path);
    return true;
}

void SessionModel::stopCapture() {
    if (m_session) m_session->stopCapture();
    if (!m_capturePath.empty()) m_log.add(nowUs(), LogLine::Level::Info, "capture to " + m_capturePath + " stopped");
    m_capturePath.clear();
}

void SessionModel::kick(ConnectionId id) {
    if (m_session) m_session->kick(id);
}

TrafficSnapshot SessionModel::traffic() const {
    if (!m_session) return {};
    return minus(m_session->counters().traffic.snapshot(), m_baseline);
}

void SessionModel::resetCounters() {
    if (m_session) m_baseline = m_session->counters().traffic.snapshot();
}

bool SessionModel::repeating() const { return m_session && isOpen() && m_session->repeating(); }

std::string SessionModel::exportReceived(bool hex, std::size_t limit) const {
    return exportMatchedRecords(m_history, m_receiveView, hex, m_composer.encoding, limit);
}

void SessionModel::saveReceived(FileTarget& target) const {
    const std::string error = writeNewFile(target.path, exportReceived(false, SIZE_MAX), target.replaceExisting);
    target.message = error.empty() ? "saved to " + target.path : error;
}

void SessionModel::saveHistoryAs(FileTarget& target, HistoryFileFormat format) const {
    HistoryFileSpec spec;
    spec.path = target.path;
    spec.format = format;
    spec.overwrite = target.replaceExisting;
    spec.encoding = m_composer.encoding;
    spec.sessionName = name();
    spec.kind = m_spec.kind;
    spec.scene.datagrams = m_spec.kind == SessionKind::Udp || (m_spec.kind == SessionKind::Proxy && m_spec.proxy.udp);
    spec.scene.localOpens = m_spec.kind == SessionKind::TcpClient;
    spec.scene.local = m_localEndpoint;
    spec.scene.description = std::string(sessionKindName(m_spec.kind)) + " '" + name() + "', from its history";
    const HistoryFileResult result = writeHistoryFile(m_history, spec);
    if (!result.error.empty()) {
        target.message = result.error;
        return;
    }
    target.message = "saved " + std::to_string(result.records) + " records to " + target.path;
    if (result.evicted)
        target.message += " (" + std::to_string(result.evicted) + " older records had already left the history; a "
                          "capture keeps everything)";
}

void SessionModel::saveLog(FileTarget& target) const {
    const std::string error = writeNewFile(target.path, m_log.toText(), target.replaceExisting);
    target.message = error.empty() ? "saved to " + target.path : error;
}

void SessionModel::saveLogJsonLines(FileTarget& target) const {
    std::string lines;
    for (const LogLine& line : m_log.lines()) {
        const SessionEventBody body = line.level == LogLine::Level::Error
                                          ? SessionEventBody{EventError{0, {}, line.text}}
                                          : SessionEventBody{EventNotice{line.text}};
        lines += eventJsonLine(name(), m_spec.kind, {line.timeUs, body}, m_composer.encoding) + "\n";
    }
    const std::string error = writeNewFile(target.path, lines, target.replaceExisting);
    target.message = error.empty() ? "saved to " + target.path : error;
}

void SessionModel::saveLogCsv(FileTarget& target) const {
    std::string csv = "time,level,message\r\n";
    for (const LogLine& line : m_log.lines()) {
        const char* level = line.level == LogLine::Level::Error ? "error" : line.level == LogLine::Level::Warning ? "warning" : "info";
        csv += formatIsoTimeUs(line.timeUs) + "," + level + "," + csvField(line.text) + "\r\n";
    }
    const std::string error = writeNewFile(target.path, csv, target.replaceExisting);
    target.message = error.empty() ? "saved to " + target.path : error;
}

} // namespace socketeer::app
