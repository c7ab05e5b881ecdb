// UiProbe: where named widgets were drawn in the last frame, so headless tests can click them like a user.
#pragma once

#include <imgui.h>

#include <map>
#include <string>

namespace socketeer::ui {

class UiProbe {
public:
    /// Records the last item's rectangle under `name` (only while enabled; the app leaves it off).
    static void mark(const std::string& name);
    static void setEnabled(bool enabled);
    static bool enabled();
    /// The rectangle of a widget drawn in the last frame; false if it was not drawn.
    static bool find(const std::string& name, ImVec2& min, ImVec2& max);
    static void clear();

    /// Text capture: after requestText(), the next frame's main-window text (everything drawn between
    /// beginText() and endText(), through ImGui's log) is kept for capturedText(). Lets tests read what a user sees.
    static void requestText();
    static void beginText();
    static void endText();
    static const std::string& capturedText();
    static const std::map<std::string, std::pair<ImVec2, ImVec2>>& all();
};

} // namespace socketeer::ui
