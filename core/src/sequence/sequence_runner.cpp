// SequenceRunner: one step at a time, each either done at once (send, set, log, the block markers) or waiting for a
// time (delay) or for a message or a time (expect). An expect looks at every message its session received since the
// run began or since that session's previous match, in order; a match consumes the messages up to it.
#include "socketeer/core/sequence/sequence_runner.hpp"

#include <algorithm>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"

namespace socketeer::core {
namespace {

constexpr std::size_t ShownMessageBytes = 64; // of the last message, in a failure

int severity(StepStatus status) {
    switch (status) {
    case StepStatus::Failed: return 3;
    case StepStatus::TimedOut: return 2;
    case StepStatus::Passed: return 1;
    default: return 0;
    }
}

std::string durationText(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

} // namespace

std::string_view stepStatusName(StepStatus status) {
    switch (status) {
    case StepStatus::NotRun: return "not run";
    case StepStatus::Running: return "running";
    case StepStatus::Passed: return "passed";
    case StepStatus::TimedOut: return "timed out";
    case StepStatus::Failed: return "failed";
    }
    return "?";
}

std::string_view runStateName(RunState state) {
    switch (state) {
    case RunState::Idle: return "idle";
    case RunState::Running: return "running";
    case RunState::Paused: return "paused";
    case RunState::Passed: return "passed";
    case RunState::Failed: return "failed";
    case RunState::NetworkError: return "network error";
    case RunState::ScriptError: return "error";
    case RunState::Stopped: return "stopped";
    }
    return "?";
}

SequenceRunner::SequenceRunner(Sequence sequence)
    : m_sequence(std::move(sequence)), m_reports(m_sequence.steps.size()) {}

void SequenceRunner::start(SequenceHost& host, SequenceClock::time_point now, bool stepping) {
    m_host = &host;
    m_state = RunState::Running;
    m_current = 0;
    m_stepping = stepping;
    m_stepRequested = false;
    m_stepEntered = false;
    m_started = m_ended = now;
    m_reports.assign(m_sequence.steps.size(), {});
    m_loops.clear();
    m_inboxes.clear();
    m_captures.clear();
    m_variables.clear();
    m_counter = 0;
    m_failure.clear();
    m_failedStep = m_sequence.steps.size();
    m_lastSendStep.clear();
}

void SequenceRunner::stop(SequenceClock::time_point now) {
    if (!active()) return;
    m_state = RunState::Stopped;
    m_ended = now;
    if (m_stepEntered && m_current < m_reports.size()) m_reports[m_current].elapsed += now - m_stepBegan;
}

void SequenceRunner::step() {
    if (m_state == RunState::Paused) {
        m_state = RunState::Running;
        m_stepRequested = true;
    } else if (m_state == RunState::Running) {
        m_stepping = true; // pause before the next step
    }
}

void SequenceRunner::resume() {
    m_stepping = false;
    if (m_state == RunState::Paused) m_state = RunState::Running;
}

void SequenceRunner::onMessage(std::string_view session, ByteView message) {
    if (!active()) return;
    auto found = m_inboxes.find(session);
    if (found == m_inboxes.end()) found = m_inboxes.emplace(std::string(session), Inbox{}).first;
    Inbox& inbox = found->second;
    inbox.messages.emplace_back(message.begin(), message.end());
    inbox.bytes += message.size();
    ++inbox.received;
    inbox.lastSize = message.size();
    inbox.lastHead.assign(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(std::min(message.size(), ShownMessageBytes)));
    const bool watched = m_current < m_sequence.steps.size() && m_sequence.steps[m_current].kind == StepKind::Expect &&
                         m_sequence.steps[m_current].session == session;
    while (inbox.messages.size() > MaxBufferedMessages || (inbox.bytes > MaxBufferedBytes && inbox.messages.size() > 1)) {
        inbox.bytes -= inbox.messages.front().size();
        inbox.messages.pop_front();
        ++inbox.dropped;
        if (watched && m_scanned > 0) --m_scanned;
    }
}

void SequenceRunner::onSendFailed(std::string_view session, const std::string& reason) {
    if (!active()) return;
    // Only a send of this run: a rejection of the session's own replies, or of another sender, is not its business.
    const auto sent = m_lastSendStep.find(session);
    if (sent == m_lastSendStep.end()) return;
    const std::size_t step = sent->second;
    endRun(RunState::NetworkError, step,
           m_sequence.describeStep(step) + ": a send on '" + std::string(session) + "' failed: " + reason,
           SequenceClock::now());
}

SequenceClock::duration SequenceRunner::elapsed(SequenceClock::time_point now) const {
    if (m_state == RunState::Idle) return SequenceClock::duration::zero();
    return (active() ? now : m_ended) - m_started;
}

SequenceClock::time_point SequenceRunner::advance(SequenceClock::time_point now) {
    for (std::size_t ran = 0; ran < MaxStepsPerAdvance; ++ran) {
        if (!active()) return SequenceClock::time_point::max();
        if (m_current >= m_sequence.steps.size()) {
            endRun(RunState::Passed, m_current, {}, now);
            return SequenceClock::time_point::max();
        }
        const SequenceStep& step = m_sequence.steps[m_current];
        if (!m_stepEntered && step.reported() && m_stepping) {
            if (!m_stepRequested) {
                m_state = RunState::Paused;
                return SequenceClock::time_point::max();
            }
            m_stepRequested = false;
        }
        if (!runCurrent(now)) return active() ? m_deadline : SequenceClock::time_point::max();
    }
    return now; // more to run: call again
}

bool SequenceRunner::runCurrent(SequenceClock::time_point now) {
    const SequenceStep& step = m_sequence.steps[m_current];
    StepReport& report = m_reports[m_current];
    if (!m_stepEntered) {
        m_stepEntered = true;
        m_stepBegan = now;
        m_deadline = now + step.duration;
        m_scanned = 0;
        if (step.reported()) {
            ++report.runs;
            if (report.status == StepStatus::NotRun) report.status = StepStatus::Running;
        }
    }
    switch (step.kind) {
    case StepKind::Comment:
    case StepKind::OnTimeout: finishStep(report.status, now, m_current + 1); return true;
    case StepKind::Send: {
        auto bytes = resolve(step, &step.session);
        if (!bytes) {
            endRun(RunState::ScriptError, m_current, m_sequence.describeStep(m_current) + ": " + bytes.error().describe(), now);
            return false;
        }
        const std::string error = m_host->send(step.session, std::move(bytes).value());
        if (!error.empty()) {
            endRun(RunState::NetworkError, m_current, m_sequence.describeStep(m_current) + ": " + error, now);
            return false;
        }
        m_lastSendStep[step.session] = m_current;
        finishStep(StepStatus::Passed, now, m_current + 1);
        return true;
    }
    case StepKind::Set:
    case StepKind::Log: {
        auto bytes = resolve(step, nullptr);
        if (!bytes) {
            endRun(RunState::ScriptError, m_current, m_sequence.describeStep(m_current) + ": " + bytes.error().describe(), now);
            return false;
        }
        if (step.kind == StepKind::Set) m_variables[step.variable] = std::move(bytes).value();
        else m_host->log(asChars(bytes.value()));
        finishStep(StepStatus::Passed, now, m_current + 1);
        return true;
    }
    case StepKind::Delay:
        if (now < m_deadline) return false;
        finishStep(StepStatus::Passed, now, m_current + 1);
        return true;
    case StepKind::Expect: return runExpect(step, now);
    case StepKind::Repeat:
        m_loops.push_back({m_current, step.count, now});
        m_stepEntered = false; // its block runs now; the repeat itself finishes at its "}"
        ++m_current;
        return true;
    case StepKind::EndRepeat: {
        Loop& loop = m_loops.back();
        if (--loop.remaining > 0) {
            finishStep(report.status, now, loop.repeat + 1);
            return true;
        }
        StepReport& repeat = m_reports[loop.repeat];
        repeat.elapsed += now - loop.began;
        if (severity(repeat.status) < severity(StepStatus::Passed)) repeat.status = StepStatus::Passed;
        m_loops.pop_back();
        finishStep(report.status, now, m_current + 1);
        return true;
    }
    }
    return false;
}

bool SequenceRunner::runExpect(const SequenceStep& step, SequenceClock::time_point now) {
    auto found = m_inboxes.find(step.session);
    if (found != m_inboxes.end()) {
        Inbox& inbox = found->second;
        std::vector<ByteView> captures;
        for (; m_scanned < inbox.messages.size(); ++m_scanned) {
            const Bytes& message = inbox.messages[m_scanned];
            captures.clear();
            if (!matchMessage(step.matcher, message, captures)) continue;
            m_captures.clear();
            for (const ByteView capture : captures) m_captures.emplace_back(capture.begin(), capture.end());
            for (std::size_t i = 0; i <= m_scanned; ++i) inbox.bytes -= inbox.messages[i].size();
            inbox.messages.erase(inbox.messages.begin(), inbox.messages.begin() + static_cast<std::ptrdiff_t>(m_scanned) + 1);
            finishStep(StepStatus::Passed, now, m_current + 1);
            return true;
        }
    }
    if (now < m_deadline) return false;
    StepReport& report = m_reports[m_current];
    ++report.timeouts;
    report.message = "nothing matched " + step.matcherText + " within " + durationText(step.duration) + "; " + lastMessageText(step);
    switch (step.onTimeout.kind) {
    case TimeoutPolicy::Kind::Fail:
        endRun(RunState::Failed, m_current, m_sequence.describeStep(m_current) + ": " + report.message, now);
        return false;
    case TimeoutPolicy::Kind::Continue: finishStep(StepStatus::TimedOut, now, m_current + 1); return true;
    case TimeoutPolicy::Kind::Goto:
        finishStep(StepStatus::TimedOut, now, m_current);
        jumpTo(step.onTimeout.targetStep, now);
        return true;
    }
    return false;
}

void SequenceRunner::finishStep(StepStatus status, SequenceClock::time_point now, std::size_t next) {
    StepReport& report = m_reports[m_current];
    report.elapsed += now - m_stepBegan;
    if (severity(status) > severity(report.status) || report.status == StepStatus::Running) report.status = status;
    m_stepEntered = false;
    m_current = next;
}

void SequenceRunner::jumpTo(std::size_t target, SequenceClock::time_point now) {
    // Leave the repeats the target is not in (the parser allows no jump into one).
    const std::size_t parent = m_sequence.steps[target].parent;
    while (!m_loops.empty() && m_loops.back().repeat != parent) {
        StepReport& repeat = m_reports[m_loops.back().repeat];
        repeat.elapsed += now - m_loops.back().began;
        if (repeat.status == StepStatus::Running) repeat.status = StepStatus::Passed;
        m_loops.pop_back();
    }
    m_current = target;
}

void SequenceRunner::endRun(RunState state, std::size_t step, std::string message, SequenceClock::time_point now) {
    m_state = state;
    m_ended = now;
    if (state == RunState::Passed) return;
    m_failure = std::move(message);
    m_failedStep = step;
    if (m_stepEntered && m_current < m_reports.size()) m_reports[m_current].elapsed += now - m_stepBegan;
    if (step < m_reports.size()) {
        StepReport& report = m_reports[step];
        report.status = StepStatus::Failed;
        if (report.message.empty() || state != RunState::Failed) report.message = m_failure;
    }
    for (const Loop& loop : m_loops) { // the repeats around it failed with it
        StepReport& repeat = m_reports[loop.repeat];
        repeat.elapsed += now - loop.began;
        repeat.status = StepStatus::Failed;
        repeat.message = "step " + std::to_string(step + 1) + " in it failed";
    }
    m_loops.clear();
    m_stepEntered = false;
}

Parsed<Bytes> SequenceRunner::resolve(const SequenceStep& step, const std::string* session) {
    SendContext context;
    context.messageNumber = m_reports[m_current].runs; // {n}: this step's run (1, 2, ... in a repeat)
    if (session) context.nextCounter = [this, session] { return m_host->nextCounter(*session); };
    else context.nextCounter = [this] { return ++m_counter; };
    for (const Bytes& capture : m_captures) context.captures.emplace_back(capture);
    context.variables = &m_variables;
    auto resolved = step.data->resolve(context);
    if (resolved) return resolved;
    ParseError error = resolved.error(); // its column counts from DATA: make it the line's
    if (error.line == 1 && error.column > 0) error.column += step.dataColumn - 1;
    return error;
}

std::string SequenceRunner::lastMessageText(const SequenceStep& step) const {
    const auto found = m_inboxes.find(step.session);
    if (found == m_inboxes.end() || found->second.received == 0)
        return "nothing was received on '" + step.session + "' since the sequence began";
    const Inbox& inbox = found->second;
    std::string shown = step.syntax == PayloadSyntax::Hex ? formatHex(inbox.lastHead) : "\"" + formatEscaped(inbox.lastHead) + "\"";
    if (inbox.lastSize > inbox.lastHead.size()) shown += "...";
    return "the last message on '" + step.session + "' was " + shown + " (" + std::to_string(inbox.lastSize) +
           (inbox.lastSize == 1 ? " byte)" : " bytes)");
}

} // namespace socketeer::core
