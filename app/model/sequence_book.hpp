// SequenceBook: the workspace's sequences as the app edits and plays them — each a script (one step per line) with
// the reason it does not parse, a hotkey, and while it plays a SequenceRunner fed by the sessions' events, sending
// through the sessions' models. UI thread only.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "socketeer/core/event/session_event.hpp"
#include "socketeer/core/sequence/sequence_runner.hpp"

namespace socketeer::app {

class SessionModel;

struct SequenceEntry {
    std::string name;
    std::string hotkey; ///< "" or "Ctrl+F1" … "Ctrl+F12"
    bool hex = false;   ///< DATA in its steps is hex
    std::string script; ///< its steps as edited, one per line
    /// Loaded with both text and hex steps: the editor cannot say which line is which, so it shows them read-only
    /// (they still run, and save as they came).
    bool mixedSyntax = false;
    std::vector<core::StepLine> mixedLines;
    std::string error;                      ///< why the script is not a sequence ("" = it is)
    std::optional<core::Sequence> sequence; ///< the script parsed (when error is "")
    std::unique_ptr<core::SequenceRunner> runner; ///< the last run (playing or finished)
    bool outcomeSaid = false;                     ///< the last run's end is in the log
    std::deque<std::string> log;            ///< its log steps and outcomes, newest last
    struct Host;
    std::unique_ptr<Host> host;
};

class SequenceBook {
public:
    using SessionFinder = std::function<SessionModel*(const std::string& name)>;
    using Clock = core::SequenceClock;
    static constexpr std::size_t MaxLogLines = 1000;

    /// find: the session of a name (nullptr: none); names: every session's name, to check steps against.
    SequenceBook(SessionFinder find, std::function<std::vector<std::string>()> names);
    ~SequenceBook();

    [[nodiscard]] std::vector<std::unique_ptr<SequenceEntry>>& entries() { return m_entries; }
    /// A new, empty sequence named "Sequence N"; returns its index.
    std::size_t add();
    void remove(std::size_t index);
    void load(const std::vector<core::Sequence>& sequences);
    /// The sequences to save into a workspace, each checked again against the sessions' names now, or why not
    /// ("sequence 'poll': step 3: no session named 'plc'").
    [[nodiscard]] std::string collect(std::vector<core::Sequence>& out) const;

    void setScript(std::size_t index, std::string script);
    void setHex(std::size_t index, bool hex);
    void rename(std::size_t index, std::string name);
    /// "" or why not: another sequence has the key.
    std::string setHotkey(std::size_t index, std::string hotkey);

    /// Plays it from step 1 (stepping: paused before each step). "" or why it cannot start.
    std::string run(std::size_t index, Clock::time_point now, bool stepping = false);
    void stop(std::size_t index, Clock::time_point now);
    void step(std::size_t index);
    void resume(std::size_t index);
    /// The entry whose hotkey is Ctrl+F`number`, if any.
    [[nodiscard]] std::optional<std::size_t> withHotkey(int number) const;

    /// Every drained event of the named session (SessionModel's observer).
    void onEvent(const std::string& session, const core::SessionEvent& event);
    /// Advances every playing sequence; true when one changed (a step ended, it finished): redraw.
    bool advance(Clock::time_point now);
    /// When the next playing step's time is up (a delay, an expect's deadline); max() when none waits for time.
    [[nodiscard]] Clock::time_point nextDeadline() const { return m_nextDeadline; }
    [[nodiscard]] bool anyPlaying() const;

private:
    void reparse(SequenceEntry& entry) const;
    void say(SequenceEntry& entry, std::string line) const;

    SessionFinder m_find;
    std::function<std::vector<std::string>()> m_names;
    std::vector<std::unique_ptr<SequenceEntry>> m_entries;
    Clock::time_point m_nextDeadline = Clock::time_point::max();
};

} // namespace socketeer::app
