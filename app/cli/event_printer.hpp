// EventPrinter: turns session events into socketeer-cli's output (text, hex dump or JSON lines). Used by the control
// loop's thread only. stdout is written directly (a reader that stops reading slows the sessions down through their
// lossless queues); stderr goes through a StatusWriter, which never blocks.
#pragma once

#include <cstdio>
#include <string>

#include "cli_options.hpp"
#include "status_writer.hpp"
#include "socketeer/core/event/session_event.hpp"
#include "socketeer/core/net/session.hpp"

namespace socketeer::cli {

class EventPrinter {
public:
    EventPrinter(const CliOptions& options, std::FILE* out, std::FILE* err, bool nameSessions);

    /// Prints one event of the named session. Streaming sends: progress is a self-rewriting line on a terminal's
    /// stderr (and a jsonl event); an end is printed when it failed (or closes a progress line); the control loop
    /// passes only the ends it wants said.
    void print(const std::string& session, core::SessionKind kind, const core::SessionEvent& event);
    /// A line on stdout (reports of discard-mode servers).
    void outputLine(const std::string& text);
    /// A line on stderr, whatever the format (fatal errors, usage).
    void errorLine(const std::string& text);
    /// True once stdout could not be written (a closed pipe): the run should end.
    [[nodiscard]] bool outputBroken() const;

    /// The JSON object of one event (without the newline); also used by tests.
    static std::string jsonLine(const std::string& session, core::SessionKind kind, const core::SessionEvent& event,
                                core::TextEncoding encoding);

private:
    void writeOut(const std::string& text, bool receivedBytes = false);
    void writeStatus(std::string line) { m_status.write(std::move(line)); }
    void writeData(const core::SessionEvent& event, const core::EventData& data, bool proxy);

    const OutputFormat m_format;
    const core::TextEncoding m_encoding;
    const bool m_showSent;
    const bool m_quiet;
    const bool m_nameSessions;
    const bool m_progressOnTerminal; // stderr is a terminal: streaming sends show a progress line
    std::FILE* m_out;
    StatusWriter m_status;
    bool m_broken = false;
};

} // namespace socketeer::cli
