// AppModel: the desktop app's state — its sessions, the workspace they came from, saved payloads, the selection.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "path_chooser.hpp"
#include "sequence_book.hpp"
#include "session_model.hpp"
#include "socketeer/core/workspace/workspace.hpp"

namespace socketeer::app {

class AppModel {
public:
    /// wake: thread-safe, called by workers when events are queued (the app posts an empty GLFW event).
    explicit AppModel(std::function<void()> wake);

    SessionModel& addSession(core::SessionSpec spec);
    /// A fresh session of a kind with sensible defaults and a numbered name ("TCP Server 2").
    SessionModel& addSession(core::SessionKind kind, bool multicast = false);
    SessionModel& duplicate(const SessionModel& original);
    void remove(std::uint64_t uiId);
    SessionModel* find(std::uint64_t uiId);

    [[nodiscard]] std::vector<std::unique_ptr<SessionModel>>& sessions() { return m_sessions; }
    std::uint64_t selected = 0; ///< uiId of the session whose panel is in front

    /// Drains every session (call each loop pass). Returns the number of events taken.
    std::size_t drainAll();

    /// The loopback demo for a first start: an echo server and a client connected to it.
    void addDemo();

    /// The sessions, payloads and every sequence that parses.
    core::Workspace toWorkspace() const;
    /// Replaces all sessions by the workspace's; opens those marked openOnLoad.
    void loadWorkspace(const core::Workspace& workspace);
    /// Reads a workspace file and replaces the sessions by its own: "" or why not (nothing changes then).
    std::string openWorkspace(const std::string& path);
    /// Adds Packet Sender's exported packets (sessions and saved payloads) to what is open; returns the report: how
    /// many came across and what did not, or why the file was refused.
    std::string importPacketSender(const std::string& path);
    /// Writes the workspace to path (an existing file only with `overwrite`) and remembers path: "" or why not (a
    /// sequence that does not parse is never dropped: the save is refused, naming it).
    std::string saveWorkspace(const std::string& path, bool overwrite);
    std::vector<core::SavedPayload> payloads;
    /// The desktop's file dialog for every path field (set by the app; tests set a fake; none: paths are typed).
    PathChooser& paths() { return m_paths; }
    std::string workspacePath; ///< where it was loaded from / saved to ("" = never saved)
    /// The workspace's sequences: edited, played, fed by every session's events.
    SequenceBook& sequences() { return m_sequences; }
    /// The first session of that name (sequences name sessions), or nullptr.
    SessionModel* findByName(const std::string& name);
    /// How long the loop may sleep: `otherwise`, but while a sequence plays at most 0.1 s and never past its next
    /// delay or expect deadline.
    [[nodiscard]] double secondsToNextDeadline(double otherwise) const;

private:
    std::string nextName(core::SessionKind kind, bool multicast) const;

    std::function<void()> m_wake;
    PathChooser m_paths;
    std::vector<std::unique_ptr<SessionModel>> m_sessions;
    SequenceBook m_sequences;
    std::uint64_t m_nextUiId = 1;
    struct PendingDemo {
        std::uint64_t server = 0;
        std::uint64_t client = 0;
        bool clientOpened = false; ///< open() only posts to the worker: the state says Closed for a while after
    } m_pendingDemo;
    void continueDemo();
};

} // namespace socketeer::app
