// SequenceRunner: plays a Sequence against live sessions. Passive and single-threaded: its owner (the CLI's control
// loop, the app's model) feeds it the messages its sessions receive and calls advance() when one arrives or when the
// time advance() asked for comes; the runner never blocks and never touches a socket itself (SequenceHost sends).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/sequence/sequence.hpp"

namespace socketeer::core {

using SequenceClock = std::chrono::steady_clock;

/// What a runner needs from whoever holds the sessions.
class SequenceHost {
public:
    virtual ~SequenceHost() = default;
    /// Sends `bytes` on the session named `session` (its default target: a client's server, a server's clients, a
    /// UDP socket's remote). Returns "" or why it cannot: "'plc' is not connected".
    virtual std::string send(const std::string& session, Bytes bytes) = 0;
    /// The session's payload counter ({counter:FMT} in a send step).
    virtual std::uint64_t nextCounter(const std::string& session) = 0;
    /// A log step's text (and nothing else: outcomes are read from the runner).
    virtual void log(std::string_view text) = 0;
};

enum class StepStatus : std::uint8_t {
    NotRun,
    Running,
    Passed,   ///< every run of it passed
    TimedOut, ///< an expect that timed out and went on (on-timeout: continue or goto)
    Failed,
};
[[nodiscard]] std::string_view stepStatusName(StepStatus status);

struct StepReport {
    StepStatus status = StepStatus::NotRun;
    std::uint64_t runs = 0;     ///< how many times it began
    std::uint64_t timeouts = 0; ///< expects: how many of its runs timed out
    SequenceClock::duration elapsed{0}; ///< over all its runs
    std::string message;        ///< why it failed or timed out (the last time)
};

enum class RunState : std::uint8_t {
    Idle,         ///< not started
    Running,      ///< a step is running or waiting
    Paused,       ///< stepping: waits for step() or resume()
    Passed,       ///< every step passed
    Failed,       ///< an expect found no match in time (exit code 4)
    NetworkError, ///< a send could not go out (exit code 1)
    ScriptError,  ///< a step could not be resolved: a variable never set, a length that does not fit (exit code 2)
    Stopped,      ///< stopped by the user
};
[[nodiscard]] std::string_view runStateName(RunState state);

class SequenceRunner {
public:
    /// Per session: messages kept for the expects to come, oldest dropped first past either limit.
    static constexpr std::size_t MaxBufferedMessages = 4096;
    static constexpr std::size_t MaxBufferedBytes = 8u << 20;
    /// Steps run in one advance() at most; past it advance() asks to be called again at once (a huge repeat of
    /// instant steps does not hold up its owner's loop).
    static constexpr std::size_t MaxStepsPerAdvance = 10'000;

    explicit SequenceRunner(Sequence sequence);

    /// Begins at step 1 (paused before it when `stepping`). Any earlier run's reports and messages are dropped.
    void start(SequenceHost& host, SequenceClock::time_point now, bool stepping = false);
    /// Ends the run (state Stopped); the step that was running is marked as not finished.
    void stop(SequenceClock::time_point now);
    /// Stepping: run the next step, then pause again. Also pauses a running sequence after its current step.
    void step();
    /// Runs on without pausing.
    void resume();

    /// A message `session` received (call it for every session, in order, while the run is active).
    void onMessage(std::string_view session, ByteView message);
    /// A send of `session` was rejected after it was handed over (no peer any more, over budget): the run ends
    /// as a network error, blamed on the run's last send on that session (ignored if the run sent nothing there).
    void onSendFailed(std::string_view session, const std::string& reason);

    /// Runs what can run now. Returns when to call it again even if no message arrives (time_point::max(): only
    /// after a message or a command).
    SequenceClock::time_point advance(SequenceClock::time_point now);

    [[nodiscard]] RunState state() const { return m_state; }
    [[nodiscard]] bool active() const { return m_state == RunState::Running || m_state == RunState::Paused; }
    [[nodiscard]] bool finished() const { return !active() && m_state != RunState::Idle; }
    /// The step running or waiting (or paused before); steps().size() once finished.
    [[nodiscard]] std::size_t currentStep() const { return m_current; }
    [[nodiscard]] const Sequence& sequence() const { return m_sequence; }
    [[nodiscard]] const std::vector<StepReport>& reports() const { return m_reports; }
    /// Since start (until the end once finished).
    [[nodiscard]] SequenceClock::duration elapsed(SequenceClock::time_point now) const;
    /// The failure in one line: "step 3 (expect plc prefix:OK within 500): nothing matched prefix:OK within 500
    /// ms; the last message on plc was "ERR\r\n" (5 bytes)". Empty unless failed.
    [[nodiscard]] const std::string& failure() const { return m_failure; }
    /// The step that failed (steps().size() when none).
    [[nodiscard]] std::size_t failedStep() const { return m_failedStep; }
    [[nodiscard]] const std::map<std::string, Bytes, std::less<>>& variables() const { return m_variables; }

private:
    struct Inbox {
        std::deque<Bytes> messages;
        std::size_t bytes = 0;
        std::uint64_t received = 0; ///< since the run began
        std::uint64_t dropped = 0;  ///< past the limits, unseen by any expect
        std::size_t lastSize = 0;   ///< of the last message
        Bytes lastHead;             ///< its first bytes, for a failure's text
    };
    struct Loop {
        std::size_t repeat;
        std::uint64_t remaining;
        SequenceClock::time_point began;
    };

    /// Runs the current step as far as it goes; true when it completed (m_current moved on).
    bool runCurrent(SequenceClock::time_point now);
    bool runExpect(const SequenceStep& step, SequenceClock::time_point now);
    void finishStep(StepStatus status, SequenceClock::time_point now, std::size_t next);
    void endRun(RunState state, std::size_t step, std::string message, SequenceClock::time_point now);
    Parsed<Bytes> resolve(const SequenceStep& step, const std::string* session);
    void jumpTo(std::size_t target, SequenceClock::time_point now);
    [[nodiscard]] std::string lastMessageText(const SequenceStep& step) const;

    Sequence m_sequence;
    SequenceHost* m_host = nullptr;
    RunState m_state = RunState::Idle;
    std::size_t m_current = 0;
    bool m_stepping = false;
    bool m_stepRequested = false;
    bool m_stepEntered = false; ///< the current step has begun (its deadline is set)
    std::size_t m_scanned = 0;  ///< the current expect has looked at this many of its session's messages
    SequenceClock::time_point m_stepBegan{};
    SequenceClock::time_point m_deadline{};
    SequenceClock::time_point m_started{};
    SequenceClock::time_point m_ended{};
    std::vector<StepReport> m_reports;
    std::vector<Loop> m_loops;
    std::map<std::string, Inbox, std::less<>> m_inboxes;
    std::vector<Bytes> m_captures; ///< of the last expect that matched
    std::map<std::string, Bytes, std::less<>> m_variables;
    std::uint64_t m_counter = 0; ///< {counter} in set and log steps
    std::string m_failure;
    std::size_t m_failedStep = 0;
    std::map<std::string, std::size_t, std::less<>> m_lastSendStep; ///< per session: a send rejected later is this step's
};

} // namespace socketeer::core
