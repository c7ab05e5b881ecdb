// AppUi: draws the whole window from the AppModel and turns clicks and keys into model calls. ImGui only (no GLFW),
// so the headless tests drive exactly the code the app runs.
#pragma once

#include <string>

#include "app_model.hpp"
#include "socketeer/core/units_format.hpp"

namespace socketeer::ui {

class AppUi {
public:
    explicit AppUi(app::AppModel& model);

    /// Builds one frame's widgets (between ImGui::NewFrame and ImGui::Render).
    void draw();

    [[nodiscard]] bool quitRequested() const { return m_quit; }
    /// Where workspaces are saved by default and the last one is remembered (the user's config directory).
    std::string configDir;
    /// A message shown in a modal until dismissed (workspace errors and the like).
    std::string modalMessage;

private:
    void drawMenuBar();
    void drawSessionTree(float width);
    void drawPathPopup();

    app::AppModel& m_model;
    bool m_quit = false;
    enum class PathAction { None, OpenWorkspace, SaveWorkspace } m_pathAction = PathAction::None;
    std::string m_pathInput;
    bool m_replaceExisting = false; ///< Save As: consent to replace an existing file
};

/// The panel of one session: status, settings, counters, peers, receive pane, send pane, log.
void drawSessionPanel(app::AppModel& model, app::SessionModel& session);
void drawReceivePane(app::SessionModel& session, float height);
void drawSendPane(app::AppModel& model, app::SessionModel& session);
void drawConnectionLog(app::SessionModel& session, float height);
/// TCP clients and UDP sockets: the traffic generator aimed at the session's remote.
void drawGeneratorPane(app::SessionModel& session);
void drawPeerTable(app::SessionModel& session);
void drawSettings(app::SessionModel& session);

/// "1.5 MiB", "512 B"
/// Byte counts and rates as every front end writes them (core/units_format.hpp).
using core::formatByteCount;

} // namespace socketeer::ui
