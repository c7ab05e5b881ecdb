// AppUi: draws the whole window from the AppModel and turns clicks and keys into model calls. ImGui only (no GLFW),
// so the headless tests drive exactly the code the app runs.
#pragma once

#include <string>

#include "app_model.hpp"
#include "panes.hpp"

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
    enum class PathAction { None, OpenWorkspace, SaveWorkspace, ImportPacketSender } m_pathAction = PathAction::None;
    std::string m_pathInput;
    bool m_replaceExisting = false; ///< Save As: consent to replace an existing file
    bool m_showSequences = false;   ///< the panel shows the sequences instead of the selected session
    SequencePanelState m_sequencePanel;
    void runHotkeys();
};

} // namespace socketeer::ui
