// CliRunner: the control loop of socketeer-cli. Every session reports through a lossless event queue (past its
// budget the session stops reading rather than drop anything); this thread drains the queues, prints, and decides:
// connected, sent, --count, --timeout, closed, stopped by a signal. Other threads only post to its Inbox.
#include "cli_runner.hpp"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "bench_merge.hpp"
#include "import_command.hpp"
#include "bench_report.hpp"
#include "bench_runner.hpp"
#include "console_text.hpp"
#include "event_printer.hpp"
#include "inbox.hpp"
#include "proxy_control.hpp"
#include "sequence_player.hpp"
#include "socketeer/core/net/proxy.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "socketeer/core/units_format.hpp"
#include "stop_signal.hpp"

namespace socketeer::cli {
namespace {

using namespace core;
using Clock = std::chrono::steady_clock;

constexpr std::size_t MaxStreamsInFlight = 64; // --send payloads handed to core ahead of their turn
constexpr std::size_t MaxStdinBuffered = 4u << 20;
constexpr auto DefaultTcpWait = std::chrono::milliseconds(2000);

struct RunningSession {
    std::string name;
    SessionKind kind = SessionKind::TcpClient;
    std::unique_ptr<Session> session;
    bool opened = false;
    std::vector<SessionEvent> batch;
};

/// The CLI never drops an event it would print: a lossless queue per session.
SessionSpec losslessSpec(SessionSpec spec) {
    for (SessionLimits* limits : {&spec.tcpClient.limits, &spec.tcpServer.limits, &spec.udp.limits, &spec.proxy.limits})
        limits->eventQueue.overflow = QueueOverflow::PauseSources;
    return spec;
}

/// Reads stdin on a detached thread into the inbox: TCP in chunks as they come, UDP a datagram per line.
void startStdinReader(std::shared_ptr<Inbox> inbox, std::FILE* in, bool tcp) {
    std::thread([inbox, in, tcp] {
        std::vector<std::uint8_t> buffer(65536);
        for (;;) {
            Bytes chunk;
            bool ended = false;
            if (tcp) {
                // read(), not fread(): an interactive user's line must go out now, not once 64 KiB have been typed.
                const auto n = readSome(in, buffer.data(), buffer.size());
                if (n > 0) chunk.assign(buffer.begin(), buffer.begin() + n);
                ended = n <= 0;
            } else {
                int c = 0;
                while (chunk.size() < MaxUdpPayloadV4 && (c = std::fgetc(in)) != EOF) {
                    chunk.push_back(static_cast<std::uint8_t>(c));
                    if (c == '\n') break;
                }
                ended = c == EOF;
            }
            std::unique_lock lock(inbox->mutex);
            if (!chunk.empty()) {
                inbox->changed.wait(lock, [&] { return inbox->stopRequested || inbox->stdinBuffered < MaxStdinBuffered; });
                if (inbox->stopRequested) return;
                inbox->stdinBuffered += chunk.size();
                inbox->stdinChunks.push_back(std::move(chunk));
            }
            if (ended) inbox->stdinEnded = true;
            inbox->notifyLocked();
            if (ended) return;
        }
    }).detach();
}

class Runner {
public:
    Runner(const CliOptions& options, std::FILE* in, std::FILE* out, std::FILE* err)
        : m_options(options), m_in(in), m_printer(options, options.stdoutIsCapture() ? nullptr : out, err, options.command == CliOptions::Command::Run),
          m_inbox(std::make_shared<Inbox>()) {}

    ~Runner() {
        StopSignal::onStop({});
        {
            std::lock_guard lock(m_inbox->mutex);
            m_inbox->stopRequested = true;
            m_inbox->notifyLocked();
        }
        finish();
    }

    int run() {
        if (!m_options.captures.empty() && m_options.sessions.size() != 1) {
            m_printer.errorLine("socketeer-cli: --capture and --pcap work with one session");
            return ExitUsage;
        }
        for (const auto& spec : m_options.sessions) {
            RunningSession running;
            running.name = spec.name.empty() ? std::string(sessionKindKey(spec.kind)) : spec.name;
            running.kind = spec.kind;
            running.session = makeSession(losslessSpec(spec));
            running.session->events().setWakeCallback([inbox = m_inbox] {
                std::lock_guard lock(inbox->mutex);
                inbox->notifyLocked();
            });
            m_sessions.push_back(std::move(running));
        }
        if (m_options.sequence) {
            if (!m_options.junitPath.empty()) {
                if (const std::string error = checkReportPath(m_options.junitPath); !error.empty()) {
                    m_printer.errorLine("socketeer-cli: " + error);
                    return ExitUsage;
                }
            }
            m_player = std::make_unique<SequencePlayer>(*m_options.sequence, m_options, m_printer);
            for (auto& running : m_sessions) m_player->addSession(running.name, *running.session);
        }
        for (const auto& capture : m_options.captures) {
            const std::string error = m_sessions.front().session->startCapture(capture);
            if (!error.empty()) {
                m_printer.errorLine("socketeer-cli: " + error);
                return ExitUsage;
            }
        }
        StopSignal::onStop([inbox = m_inbox] {
            std::lock_guard lock(inbox->mutex);
            inbox->stopRequested = true;
            inbox->notifyLocked();
        });
        m_deadline = m_options.timeout ? Clock::now() + *m_options.timeout : Clock::time_point::max();
        for (auto& running : m_sessions) running.session->open();
        if (!m_options.proxyControl.empty())
            if (auto* proxy = dynamic_cast<Proxy*>(m_sessions.front().session.get())) {
                m_control = std::make_unique<ProxyControl>(*proxy, m_options.hex, m_options.encoding);
                startControlReader(m_inbox, m_options.proxyControl);
            }
        const bool client = m_options.command == CliOptions::Command::TcpClient ||
                            m_options.command == CliOptions::Command::UdpClient;
        const int code = client ? runClient() : m_player ? runSequence() : runServers();
        finish();
        return code;
    }

private:
    /// Stops every session (closing what it holds; the capture is complete afterwards) and prints what they said
    /// while closing. Once.
    void finish() {
        if (m_finished) return;
        m_finished = true;
        for (auto& running : m_sessions) running.session->stop();
        pumpEvents();
        // After the stop: what was still on its way has been delivered and counted.
        for (auto& running : m_sessions)
            if (const auto* proxy = dynamic_cast<const Proxy*>(running.session.get())) reportProxy(running, *proxy);
        m_control.reset(); // it works on the proxy, which goes now
        m_sessions.clear(); // the printer's StatusWriter writes the last status lines as it goes (bounded wait)
    }

    /// Drains every session's queue and handles what it held, in order. Returns how many events there were.
    std::size_t pumpEvents() {
        std::size_t handled = applyControlLines();
        for (auto& running : m_sessions) {
            running.batch.clear();
            handled += running.session->events().drain(running.batch);
            for (const SessionEvent& event : running.batch) handle(running, event);
        }
        return handled;
    }

    /// proxy --control: the lines read so far, applied in order, each answered (text: stderr; jsonl: a control event).
    std::size_t applyControlLines() {
        if (!m_control) return 0;
        std::deque<std::string> lines;
        std::string failure;
        {
            std::lock_guard lock(m_inbox->mutex);
            lines.swap(m_inbox->controlLines);
            failure.swap(m_inbox->controlFailure);
            if (!lines.empty()) m_inbox->notifyLocked(); // room for the reader
        }
        if (!failure.empty()) m_printer.errorLine("socketeer-cli: " + failure);
        for (const std::string& line : lines) {
            ++m_controlLine;
            const ProxyControl::Reply reply = m_control->apply(line);
            if (reply.text.empty()) continue;
            if (m_options.format == OutputFormat::Jsonl)
                m_printer.outputLine(nlohmann::json{{"event", "control"}, {"line", m_controlLine}, {"command", line},
                                                    {"ok", reply.ok}, {"result", reply.text}}
                                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            else
                m_printer.errorLine((reply.ok ? "control: " : "control line " + std::to_string(m_controlLine) + ": ") + reply.text);
        }
        return lines.size();
    }

    void handle(RunningSession& running, const SessionEvent& event) {
        const SessionKind kind = running.kind;
        if (m_player) m_player->onEvent(running.name, event);
        if (const auto* data = std::get_if<EventData>(&event.body);
            data && (data->direction == Direction::Rx || kind == SessionKind::Proxy)) { // a proxy receives both ways
            // --count N prints exactly N data events, even if more arrive before the sessions close.
            if (m_options.count && m_rxEvents >= *m_options.count) return;
            ++m_rxEvents;
            m_lastRx = Clock::now();
        }
        if (const auto* connected = std::get_if<EventConnected>(&event.body)) m_remotePeer = connected->remote.toString();
        if (!shouldPrint(event)) return;
        m_printer.print(running.name, kind, event);
        if ((std::holds_alternative<EventOpened>(event.body) && kind != SessionKind::TcpClient) ||
            std::holds_alternative<EventConnected>(event.body)) {
            if (!running.opened) ++m_opened;
            running.opened = true;
        } else if (const auto* closed = std::get_if<EventClosed>(&event.body)) {
            if (kind == SessionKind::TcpClient && closed->reason != CloseReason::Local) {
                m_connectionClosed = true;
                // A connection that never came up (id 0) or was reset is a network error; a FIN is not.
                if (closed->id == 0 || closed->reason == CloseReason::Reset || closed->reason == CloseReason::Error)
                    m_networkError = true;
                if (closed->id == 0 && !running.opened) ++m_failed;
            }
        } else if (std::holds_alternative<EventError>(event.body)) {
            // Before it opened, an error means a listener or socket never will (port in use, bad address).
            if (kind != SessionKind::TcpClient && !running.opened) ++m_failed;
            // A udp-client's error is a network error (unknown host, unreachable network).
            if (kind == SessionKind::Udp && m_options.command == CliOptions::Command::UdpClient) m_networkError = true;
        }
    }

    /// Streaming sends: what their events mean for the run, and which of them are worth saying. Every --send is one,
    /// so a plain end says nothing; a failure is said unless its rejection already was.
    bool shouldPrint(const SessionEvent& event) {
        // A rejection is printed unless --quiet hides it (only jsonl shows it then).
        if (std::holds_alternative<EventSendRejected>(event.body))
            m_rejectionSaid = !m_options.quiet || m_options.format == OutputFormat::Jsonl;
        if (const auto* progress = std::get_if<EventStreamProgress>(&event.body)) m_progressShown.insert(progress->stream);
        const auto* ended = std::get_if<EventStreamEnded>(&event.body);
        if (!ended) return true;
        m_streamsInFlight.erase(ended->stream);
        const bool rejected = std::exchange(m_rejectionSaid, false);
        if (ended->outcome == StreamOutcome::Failed) {
            m_networkError = true; // what the command line asked to send did not all go out
            return !rejected;
        }
        return m_progressShown.erase(ended->stream) > 0; // closes its progress line
    }

    [[nodiscard]] bool stopRequested() {
        if (m_printer.outputBroken()) return true;
        std::lock_guard lock(m_inbox->mutex);
        return m_inbox->stopRequested;
    }

    /// Handles events until pred is true, a stop, or the deadline (and --timeout's). Returns pred's value at the end.
    template <class Pred>
    bool waitUntil(Pred pred, Clock::time_point until = Clock::time_point::max()) {
        const auto limit = std::min(until, m_deadline);
        for (;;) {
            std::uint64_t seen = 0;
            {
                std::lock_guard lock(m_inbox->mutex);
                seen = m_inbox->generation;
            }
            if (m_streaming) holdForBatch(limit);
            const std::size_t handled = pumpEvents(); // what arrives from here on bumps the generation
            noteBatch(handled);
            if (pred()) return true;
            if (stopRequested()) return false;
            if (handled > 0) continue; // more may have come while these were printed: look before sleeping
            std::unique_lock lock(m_inbox->mutex);
            const auto changed = [&] { return m_inbox->generation != seen; };
            if (limit == Clock::time_point::max()) {
                m_inbox->changed.wait(lock, changed);
            } else if (!m_inbox->changed.wait_until(lock, limit, changed)) {
                lock.unlock();
                pumpEvents();
                return pred();
            }
        }
    }

    /// A session's queue wakes this thread once per drain. While batches come back to back (an echo server at tens
    /// of thousands of messages a second), draining each at once would wake this thread, and take a core from the
    /// network, for every message; instead the next drain waits for the batch interval to end, so the hand-over is
    /// one batch per interval. Printing then lags by at most the interval; a few events (a one-shot send's) are
    /// handled as they come.
    static constexpr auto BatchInterval = std::chrono::milliseconds(10); // 100 hand-overs a second at most
    static constexpr int BackToBackBatches = 16; // batches closer than the interval before holding starts

    void noteBatch(std::size_t handled) {
        const auto now = Clock::now();
        const bool close = now - m_lastBatchAt < BatchInterval;
        if (handled == 0) {
            if (!close) m_backToBack = 0;
        } else {
            m_backToBack = close ? m_backToBack + 1 : 0;
            m_lastBatchAt = now;
        }
        m_streaming = m_backToBack >= BackToBackBatches;
    }

    /// Waits out the batch interval: only a stop (or the deadline) cuts it short.
    void holdForBatch(Clock::time_point limit) {
        const auto until = std::min(limit, m_lastBatchAt + BatchInterval);
        if (Clock::now() >= until) return;
        std::unique_lock lock(m_inbox->mutex);
        m_inbox->changed.wait_until(lock, until, [&] { return m_inbox->stopRequested; });
    }

    bool stopped() { return stopRequested() || Clock::now() >= m_deadline; }

    bool countReached() const { return m_options.count && m_rxEvents >= *m_options.count; }

    int finalCode() {
        const bool signalled = stopRequested();
        if (m_options.count && !countReached() && Clock::now() >= m_deadline && !signalled) return ExitTimeout;
        if (m_inputError) return ExitUsage;
        if (m_networkError || m_failed > 0) return ExitNetworkError;
        // A client's failed send is a network error. Read the exact counter, not only the events handled so far: a
        // failed send is counted a moment before its error event is queued.
        const bool client = m_options.command == CliOptions::Command::TcpClient ||
                            m_options.command == CliOptions::Command::UdpClient;
        if (client && m_sessions.front().session->counters().sendsFailed.load() > 0) return ExitNetworkError;
        return ExitDone;
    }

    /// Servers and `run`: serve until a signal, --count or --timeout. If nothing could open, stop at once.
    int runServers() {
        const std::size_t total = m_sessions.size();
        waitUntil([&] { return m_opened + m_failed >= total; });
        if (m_failed >= total) return ExitNetworkError;
        if (m_options.sessions.size() == 1 && isDiscarding(m_options.sessions.front())) {
            reportWhileDiscarding(*m_sessions.front().session);
            return finalCode();
        }
        waitUntil([&] { return countReached(); });
        return finalCode();
    }

    /// What a proxy's impairments (and rules, when it has them) did, in all, once it ends: what a receiver's counts
    /// are compared with.
    void reportProxy(RunningSession& running, const Proxy& proxy) {
        const ProxyTallies t = proxy.tallies();
        const bool rules = !proxy.config().rules.empty();
        if (m_options.format == OutputFormat::Jsonl) {
            const auto direction = [rules](const ImpairmentTally& d, const RuleTally& r) {
                nlohmann::json out{{"unitsIn", d.unitsIn},       {"bytesIn", d.bytesIn},       {"unitsOut", d.unitsOut},
                                   {"bytesOut", d.bytesOut},     {"writesOut", d.writesOut},   {"dropped", d.dropped},
                                   {"droppedBytes", d.droppedBytes}, {"duplicated", d.duplicated},
                                   {"reordered", d.reordered},   {"delayed", d.delayed}};
                if (rules)
                    out["rules"] = {{"matched", r.matched}, {"rewritten", r.rewritten}, {"dropped", r.dropped}, {"replies", r.replies}};
                return out;
            };
            m_printer.outputLine(nlohmann::json{{"event", "proxy-summary"}, {"session", running.name}, {"seed", proxy.config().seed},
                                                {"c>s", direction(t.toServer, t.rulesToServer)},
                                                {"s>c", direction(t.toClient, t.rulesToClient)}}
                                     .dump());
            return;
        }
        const auto line = [rules](const char* tag, const ImpairmentTally& d, const RuleTally& r) {
            std::string text = std::string(tag) + ": " + std::to_string(d.unitsIn) + " in (" + formatByteCount(d.bytesIn) + "), " +
                               std::to_string(d.unitsOut) + " out in " + std::to_string(d.writesOut) + " writes, " +
                               std::to_string(d.dropped) + " dropped, " + std::to_string(d.duplicated) + " duplicated, " +
                               std::to_string(d.reordered) + " reordered, " + std::to_string(d.delayed) + " delayed";
            if (rules)
                text += "; rules matched " + std::to_string(r.matched) + ", rewrote " + std::to_string(r.rewritten) + ", dropped " +
                        std::to_string(r.dropped) + ", replied " + std::to_string(r.replies);
            return text;
        };
        if (!m_options.quiet)
            m_printer.errorLine("proxy summary (seed " + std::to_string(proxy.config().seed) + "): " +
                                line("c>s", t.toServer, t.rulesToServer) + "; " + line("s>c", t.toClient, t.rulesToClient));
    }

    /// `run --sequence`: once every session is open (clients connected), play the sequence to its end; its outcome
    /// is the exit code.
    int runSequence() {
        const std::size_t total = m_sessions.size();
        waitUntil([&] { return m_opened + m_failed >= total; });
        int code = ExitDone;
        if (m_opened < total) {
            code = m_failed > 0 ? ExitNetworkError : ExitTimeout;
            const std::string reason = m_failed > 0 ? std::to_string(m_failed) + " of its sessions could not open"
                                                    : std::string("stopped while its sessions were opening");
            m_player->notStarted(reason);
            m_printer.errorLine("socketeer-cli: sequence '" + m_options.sequence->name + "' did not start: " + reason);
        } else {
            m_player->start(Clock::now());
            for (;;) {
                const auto wake = m_player->advance(Clock::now());
                if (m_player->finished()) break;
                waitUntil([&] { return m_player->takeWake(); }, wake);
                if (stopped()) break;
            }
            code = m_player->finish(Clock::now(), !stopRequested() && Clock::now() >= m_deadline);
        }
        if (!m_options.junitPath.empty()) {
            if (const std::string error = m_player->writeJunit(m_options.junitPath, Clock::now()); !error.empty()) {
                m_printer.errorLine("socketeer-cli: " + error);
                if (code == ExitDone) code = ExitUsage;
            }
        }
        return code;
    }

    static bool isDiscarding(const SessionSpec& spec) {
        return (spec.kind == SessionKind::TcpServer && spec.tcpServer.discard) ||
               (spec.kind == SessionKind::Udp && spec.udp.discard);
    }

    /// A discard-mode server prints what arrived each report interval (when something did) and a summary at exit.
    void reportWhileDiscarding(const Session& session) {
        const bool json = m_options.format == OutputFormat::Jsonl;
        const auto started = Clock::now();
        TrafficSnapshot previous = session.counters().traffic.snapshot();
        auto previousAt = started;
        const auto interval = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(m_options.reportInterval > 0 ? m_options.reportInterval : 1e9));
        for (;;) {
            waitUntil([] { return false; }, previousAt + interval);
            if (stopped()) break;
            const auto now = Clock::now();
            const TrafficSnapshot traffic = session.counters().traffic.snapshot();
            if (traffic.rxBytes != previous.rxBytes || traffic.rxMessages != previous.rxMessages) {
                ReceiveFigures figures{std::chrono::duration<double>(now - previousAt).count(),
                                       traffic.rxBytes - previous.rxBytes, traffic.rxMessages - previous.rxMessages,
                                       session.sequenceStats()};
                m_printer.outputLine(BenchReport::receiveInterval(std::chrono::duration<double>(now - started).count(),
                                                                  figures, json));
            }
            previous = traffic;
            previousAt = now;
        }
        // The rate over the time data actually flowed: from the first arrival to the last.
        const auto& counters = session.counters();
        const TrafficSnapshot traffic = counters.traffic.snapshot();
        const double seconds =
            static_cast<double>(counters.lastReceiveUs.load() - counters.firstReceiveUs.load()) / 1e6;
        m_printer.outputLine(
            BenchReport::receiveSummary({seconds, traffic.rxBytes, traffic.rxMessages, session.sequenceStats()}, json));
    }

    int runClient() {
        Session& session = *m_sessions.front().session;
        const bool tcp = m_sessions.front().kind == SessionKind::TcpClient;
        // Ready when connected (TCP) or bound (UDP); a failed connect or bind has printed its error already.
        waitUntil([&] { return m_opened > 0 || m_failed > 0; });
        if (m_opened == 0) {
            if (m_failed > 0) return ExitNetworkError;
            if (stopRequested()) return ExitDone;
            return m_options.count ? ExitTimeout : ExitNetworkError; // --timeout while still connecting
        }
        const bool sent = m_options.sends.empty() ? sendStdin(session, tcp) : sendAll(session);
        if (!sent) return finalCode();
        // Everything is out. With --count, wait for it; otherwise end the request with a FIN (TCP) and listen for
        // replies until the peer closes, or --wait passes in silence, or --timeout.
        if (m_options.count) {
            waitUntil([&] { return countReached() || m_connectionClosed; });
            return finalCode();
        }
        if (tcp) session.halfClose();
        if (m_options.timeout && !m_options.wait) {
            waitUntil([&] { return m_connectionClosed; });
            return finalCode();
        }
        const auto quiet = m_options.wait.value_or(tcp ? DefaultTcpWait : std::chrono::milliseconds(0));
        for (;;) {
            if (m_connectionClosed || stopRequested()) break;
            const Clock::time_point silenceEnd = std::max(m_lastRx, m_sentAt) + quiet;
            if (Clock::now() >= silenceEnd || stopped()) break;
            waitUntil([&] { return m_connectionClosed; }, silenceEnd);
        }
        return finalCode();
    }

    /// Starts one streaming send, keeping at most MaxStreamsInFlight of them queued in core (they go out in order);
    /// false when the run must end.
    bool startSend(Session& session, const SendItem& item) {
        const bool room = waitUntil([&] { return m_streamsInFlight.size() < MaxStreamsInFlight || m_connectionClosed; });
        if (!room || m_connectionClosed) return false;
        std::unique_ptr<ByteSource> source;
        if (item.payload) {
            // Resolved now, for this send: its counter step, its time, its checksums.
            SendContext context;
            context.messageNumber = m_sendsStarted + 1; // {n}: this send's number in the run
            const SessionSpec& spec = m_options.sessions.front();
            context.peer = spec.kind == SessionKind::Udp ? HostPort{spec.udp.remoteHost, spec.udp.remotePort}.toString() : m_remotePeer;
            context.nextCounter = [&session] { return session.nextPayloadCounter(); };
            auto bytes = item.payload->resolve(context);
            if (!bytes) {
                m_printer.errorLine("socketeer-cli: --send '" + item.text + "': " + bytes.error().describe());
                m_inputError = true;
                return false;
            }
            source = memorySource(std::make_shared<const Bytes>(std::move(bytes).value()));
        } else if (item.file.empty()) {
            source = memorySource(item.bytes);
        } else {
            auto opened = openFileSource(item.file);
            if (auto* error = std::get_if<std::string>(&opened)) {
                m_printer.errorLine("socketeer-cli: --send '@" + item.file + "': " + *error);
                m_networkError = true;
                return false;
            }
            source = std::move(std::get<0>(opened));
        }
        m_streamsInFlight.insert(session.sendStream(std::move(source)));
        ++m_sendsStarted;
        return true;
    }

    /// Waits until every streaming send has ended: "sent" means handed to the OS.
    bool waitForSends() {
        const bool flushed = waitUntil([&] { return m_streamsInFlight.empty() || m_connectionClosed; });
        m_sentAt = Clock::now();
        return flushed && !m_connectionClosed;
    }

    bool sendAll(Session& session) {
        auto next = Clock::now();
        bool first = true;
        for (std::uint64_t round = 0; round < m_options.repeat; ++round) {
            for (const SendItem& item : m_options.sends) {
                if (!first && m_options.interval.count() > 0) {
                    next += m_options.interval;
                    waitUntil([] { return false; }, next);
                    if (stopped()) return false;
                }
                first = false;
                if (!startSend(session, item)) return false;
            }
        }
        return waitForSends();
    }

    /// Interactive: what arrives on stdin goes out until EOF.
    bool sendStdin(Session& session, bool tcp) {
        startStdinReader(m_inbox, m_in, tcp);
        for (;;) {
            const bool ready = waitUntil([&] {
                std::lock_guard lock(m_inbox->mutex);
                return !m_inbox->stdinChunks.empty() || m_inbox->stdinEnded || m_connectionClosed || countReached();
            });
            if (!ready || m_connectionClosed || countReached()) return false;
            SendItem item;
            {
                std::lock_guard lock(m_inbox->mutex);
                if (m_inbox->stdinChunks.empty()) break; // ended
                item.bytes = std::make_shared<const Bytes>(std::move(m_inbox->stdinChunks.front()));
                m_inbox->stdinChunks.pop_front();
                m_inbox->stdinBuffered -= item.bytes->size();
                m_inbox->notifyLocked();
            }
            if (!startSend(session, item)) return false;
        }
        return waitForSends();
    }

    const CliOptions& m_options;
    std::FILE* m_in;
    EventPrinter m_printer;
    std::shared_ptr<Inbox> m_inbox;
    std::vector<RunningSession> m_sessions;
    std::unique_ptr<SequencePlayer> m_player; // run --sequence
    std::unique_ptr<ProxyControl> m_control;  // proxy --control
    std::uint64_t m_controlLine = 0;
    bool m_finished = false;
    Clock::time_point m_lastBatchAt{}; // the last drain that found events
    int m_backToBack = 0;              // drains with events, each within BatchInterval of the one before
    bool m_streaming = false;          // events come back to back: drains are held to one per interval
    // What the sessions' events said so far (this thread only).
    std::uint64_t m_rxEvents = 0;
    Clock::time_point m_lastRx = Clock::now();
    std::size_t m_opened = 0;        // sessions listening / connected
    std::size_t m_failed = 0;        // sessions that could not open or connect
    bool m_connectionClosed = false; // the TCP client's connection ended
    bool m_networkError = false;     // makes the exit code 1
    bool m_inputError = false;       // a --send template could not be resolved: exit code 2
    std::string m_remotePeer;        // a client's server, once connected ({peer} in --send)
    std::uint64_t m_sendsStarted = 0; // {n} in --send
    Clock::time_point m_deadline = Clock::time_point::max();
    Clock::time_point m_sentAt = Clock::now();
    std::set<StreamId> m_streamsInFlight;  // streaming sends not yet ended
    std::set<StreamId> m_progressShown;    // streams whose progress line is on the terminal
    bool m_rejectionSaid = false;          // a rejection was printed since the last stream ended
};

} // namespace

int runCli(const CliOptions& options, std::FILE* in, std::FILE* out, std::FILE* err) {
    if (options.command == CliOptions::Command::Bench) return runBench(options, out, err);
    if (options.command == CliOptions::Command::BenchMerge)
        return runBenchMerge(options.mergeFiles, options.format == OutputFormat::Jsonl, out, err);
    if (options.command == CliOptions::Command::ImportPacketSender) return runImportPacketSender(options, out, err);
    Runner runner(options, in, out, err);
    return runner.run();
}

} // namespace socketeer::cli
