// Workspace: the sessions and saved payloads a user keeps, as a versioned JSON file shared by the app and the CLI.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/net/session_spec.hpp"
#include "socketeer/core/parse_error.hpp"
#include "socketeer/core/sequence/sequence.hpp"

namespace socketeer::core {

/// A payload in the workspace's library (quick sends).
struct SavedPayload {
    std::string name;
    PayloadTemplate payload; ///< resolved at each send: its counter steps, its checksums follow
    bool showAsHex = false;  ///< how the send pane shows it
    std::string session{};   ///< the session it is sent through, by name ("": the one in front)
    std::uint32_t repeatIntervalMs = 0; ///< resent every so many milliseconds once started (0: sent once)
};

/// What the desktop app keeps of its view in a workspace ("frontEnd" in the file). Keys a newer Socketeer wrote and
/// this one does not know are ignored: view state, unlike a session's settings, may be lost without harm.
struct FrontEndState {
    std::optional<std::size_t> selectedSession; ///< index into sessions of the panel in front
};

struct Workspace {
    static constexpr int CurrentVersion = 1;
    std::vector<SessionSpec> sessions;
    std::vector<SavedPayload> payloads;
    /// Scripted exchanges across the sessions (their steps name sessions by name).
    std::vector<Sequence> sequences;
    FrontEndState frontEnd;
};

/// Limits that keep a hostile or broken file from taking the program down.
struct WorkspaceLimits {
    std::size_t maxFileBytes = 16u << 20;
    std::size_t maxDepth = 32;
    std::size_t maxSessions = 1000;
    std::size_t maxPayloads = 1000;
    std::size_t maxSequences = 1000;
    std::size_t maxStringBytes = 256u << 10;
};

/// Parses and validates; errors name the place: "sessions[2].port: 99999 is out of range (0-65535)", or the line and
/// column of a JSON syntax error.
Parsed<Workspace> parseWorkspace(std::string_view jsonText, const WorkspaceLimits& limits = {});
std::string serializeWorkspace(const Workspace& workspace);

Parsed<Workspace> loadWorkspaceFile(const std::string& path, const WorkspaceLimits& limits = {});
/// Writes atomically (temporary file, then rename). Returns "" or the reason; refuses to replace a file unless
/// overwrite is set.
std::string saveWorkspaceFile(const std::string& path, const Workspace& workspace, bool overwrite);

} // namespace socketeer::core
