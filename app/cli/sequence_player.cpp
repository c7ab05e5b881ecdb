// SequencePlayer: the sequence's lines on stderr (text and hex output) or as JSON objects on stdout (jsonl), and
// sends that check the session can take them before handing them over.
#include "sequence_player.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/units_format.hpp"
#include "socketeer/core/file_output.hpp"
#include "socketeer/core/sequence/junit_report.hpp"
#include "socketeer/core/time_format.hpp"

namespace socketeer::cli {

using namespace core;

namespace {

std::int64_t milliseconds(SequenceClock::duration duration) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}


} // namespace

SequencePlayer::SequencePlayer(const Sequence& sequence, const CliOptions& options, EventPrinter& printer)
    : m_runner(sequence), m_options(options), m_printer(printer), m_timeoutsSaid(sequence.steps.size(), 0),
      m_startedAt(std::chrono::system_clock::now()) {}

void SequencePlayer::addSession(const std::string& name, Session& session) { m_sessions[name] = &session; }

void SequencePlayer::start(SequenceClock::time_point now) {
    m_startedAt = std::chrono::system_clock::now();
    m_runner.start(*this, now);
    // What arrived while the sessions were opening (a welcome banner) is the first expect's to see.
    for (auto& [session, message] : m_early) m_runner.onMessage(session, *message);
    m_early.clear();
}

void SequencePlayer::notStarted(const std::string& reason) { m_interruption = reason; }

void SequencePlayer::onEvent(const std::string& session, const SessionEvent& event) {
    if (m_runner.state() == RunState::Idle) {
        const auto* data = std::get_if<EventData>(&event.body);
        if (data && data->direction == Direction::Rx && data->bytes && m_early.size() < SequenceRunner::MaxBufferedMessages)
            m_early.emplace_back(session, data->bytes);
        return;
    }
    if (!m_runner.active()) return;
    if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Rx && data->bytes) {
        m_runner.onMessage(session, *data->bytes);
        m_wake = true;
    } else if (const auto* rejected = std::get_if<EventSendRejected>(&event.body)) {
        m_runner.onSendFailed(session, rejected->reason);
        m_wake = true;
    }
}

SequenceClock::time_point SequencePlayer::advance(SequenceClock::time_point now) {
    const auto wake = m_runner.advance(now);
    reportTimeouts();
    if (m_runner.finished()) (void)finish(now, false);
    return wake;
}

void SequencePlayer::reportTimeouts() {
    const auto& reports = m_runner.reports();
    for (std::size_t i = 0; i < reports.size(); ++i) {
        if (reports[i].timeouts == m_timeoutsSaid[i] || reports[i].status == StepStatus::Failed) continue;
        m_timeoutsSaid[i] = reports[i].timeouts;
        if (m_options.format == OutputFormat::Jsonl) {
            m_printer.outputLine(nlohmann::json{{"time", formatIsoTimeUs(nowUs())}, {"event", "timeout"},
                                                {"sequence", m_runner.sequence().name}, {"step", i + 1},
                                                {"message", reports[i].message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        } else {
            say(m_runner.sequence().describeStep(i) + ": " + reports[i].message + "; going on");
        }
    }
}

int SequencePlayer::finish(SequenceClock::time_point now, bool timedOut) {
    const bool wasActive = m_runner.active();
    if (wasActive) {
        m_runner.stop(now);
        m_interruption = std::string(timedOut ? "--timeout reached" : "stopped by a signal") + " at " +
                         m_runner.sequence().describeStep(m_runner.currentStep());
    }
    const RunState state = m_runner.state();
    int code = ExitDone;
    switch (state) {
    case RunState::Passed: code = ExitDone; break;
    case RunState::Failed: code = ExitExpectFailed; break;
    case RunState::NetworkError: code = ExitNetworkError; break;
    case RunState::ScriptError: code = ExitUsage; break;
    default: code = ExitTimeout; break; // stopped before its end: --timeout or a signal
    }
    if (m_outcomeSaid) return code;
    m_outcomeSaid = true;
    const Sequence& sequence = m_runner.sequence();
    const std::size_t at = m_runner.currentStep();
    const std::string message = wasActive ? m_interruption : m_runner.failure();
    const auto elapsed = m_runner.elapsed(now);
    if (m_options.format == OutputFormat::Jsonl) {
        nlohmann::json line{{"time", formatIsoTimeUs(nowUs())}, {"event", "sequence"}, {"sequence", sequence.name},
                            {"outcome", std::string(runStateName(state))}, {"elapsedMs", milliseconds(elapsed)}};
        if (state != RunState::Passed) {
            line["step"] = (wasActive ? at : m_runner.failedStep()) + 1;
            line["message"] = message;
        }
        m_printer.outputLine(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (state == RunState::Passed) {
        std::size_t ran = 0;
        for (std::size_t i = 0; i < sequence.steps.size(); ++i) ran += sequence.steps[i].reported() && m_runner.reports()[i].runs > 0;
        if (m_options.format != OutputFormat::Jsonl)
            say("passed: " + std::to_string(ran) + (ran == 1 ? " step" : " steps") + " in " + formatSeconds(elapsed));
    } else {
        m_printer.errorLine("socketeer-cli: sequence '" + sequence.name + "' " +
                            (state == RunState::Failed ? "failed at " : std::string(runStateName(state)) + ": ") + message);
    }
    return code;
}

std::string SequencePlayer::writeJunit(const std::string& path, SequenceClock::time_point now) const {
    return writeNewFile(path, junitReport(m_runner, m_startedAt, now, m_interruption), true);
}

std::string SequencePlayer::send(const std::string& session, Bytes bytes) {
    const auto found = m_sessions.find(session);
    if (found == m_sessions.end()) return "'" + session + "' is not open";
    Session& target = *found->second;
    if (target.state() != SessionState::Open) return "'" + session + "' is not " + (target.kind() == SessionKind::TcpClient ? "connected" : "open");
    if (target.kind() == SessionKind::TcpServer && target.peers().empty()) return "'" + session + "' has no client connected";
    target.send(std::move(bytes));
    return {};
}

std::uint64_t SequencePlayer::nextCounter(const std::string& session) {
    const auto found = m_sessions.find(session);
    return found == m_sessions.end() ? 1 : found->second->nextPayloadCounter();
}

void SequencePlayer::log(std::string_view text) {
    if (m_options.format == OutputFormat::Jsonl) {
        m_printer.outputLine(nlohmann::json{{"time", formatIsoTimeUs(nowUs())}, {"event", "log"},
                                            {"sequence", m_runner.sequence().name}, {"step", m_runner.currentStep() + 1},
                                            {"text", formatEscaped(toBytes(text), m_options.encoding)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        say(formatEscaped(toBytes(text), m_options.encoding));
    }
}

void SequencePlayer::say(const std::string& text) {
    if (!m_options.quiet) m_printer.errorLine("[" + m_runner.sequence().name + "] " + text);
}

std::string checkReportPath(const std::string& path) {
    std::FILE* file = openForWriting(path, true);
    if (!file) return "cannot write the JUnit report '" + path + "': " + std::strerror(errno);
    std::fclose(file);
    return {};
}

} // namespace socketeer::cli
