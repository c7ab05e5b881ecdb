// SequencePlayer: `run --sequence NAME` — the SequenceHost over the CLI's sessions, and what the run says of the
// sequence: log steps, expects that timed out and went on, the outcome, the exit code and the JUnit report.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli_options.hpp"
#include "event_printer.hpp"
#include "socketeer/core/sequence/sequence_runner.hpp"

namespace socketeer::cli {

class SequencePlayer : public core::SequenceHost {
public:
    SequencePlayer(const core::Sequence& sequence, const CliOptions& options, EventPrinter& printer);

    void addSession(const std::string& name, core::Session& session);
    void start(core::SequenceClock::time_point now);
    /// The sessions could not open: the report says why.
    void notStarted(const std::string& reason);
    /// Every event of every session, in order: received messages feed the expects, rejected sends end the run.
    void onEvent(const std::string& session, const core::SessionEvent& event);
    /// True once after something arrived that advance() should look at.
    bool takeWake() { return std::exchange(m_wake, false); }
    core::SequenceClock::time_point advance(core::SequenceClock::time_point now);
    [[nodiscard]] bool finished() const { return m_runner.finished(); }
    /// Ends an unfinished run (a signal, --timeout) and says the outcome; returns the exit code.
    int finish(core::SequenceClock::time_point now, bool timedOut);
    /// Writes the JUnit report; "" or why it could not.
    std::string writeJunit(const std::string& path, core::SequenceClock::time_point now) const;

    // SequenceHost
    std::string send(const std::string& session, core::Bytes bytes) override;
    std::uint64_t nextCounter(const std::string& session) override;
    void log(std::string_view text) override;

private:
    void say(const std::string& text);
    void reportTimeouts();

    core::SequenceRunner m_runner;
    const CliOptions& m_options;
    EventPrinter& m_printer;
    std::map<std::string, core::Session*, std::less<>> m_sessions;
    std::vector<std::uint64_t> m_timeoutsSaid;
    std::chrono::system_clock::time_point m_startedAt;
    bool m_wake = false;
    bool m_outcomeSaid = false;
    std::string m_interruption; ///< why it did not start, or was cut short
    std::vector<std::pair<std::string, core::SharedBytes>> m_early; ///< received before it started
};

/// Opens FILE for the report before the run, so a path that cannot be written fails at once (exit 2).
std::string checkReportPath(const std::string& path);

} // namespace socketeer::cli
