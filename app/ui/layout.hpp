// Layout helpers the panes share: rows of items that wrap instead of running off the right edge, and a splitter.
#pragma once

#include <imgui.h>

#include <string>

#include "path_chooser.hpp"

namespace socketeer::ui {

/// A toolbar that wraps: before each item, say how wide it will be; it goes on the current line when it fits,
/// else it starts the next one. Keeps every button of a toolbar visible in a narrow window.
class WrapRow {
public:
    void next(float itemWidth);

    // How wide the common widgets are (labels after "##" are hidden, as ImGui hides them).
    static float button(const char* label);      ///< Button and SmallButton
    static float checkbox(const char* label);    ///< Checkbox and RadioButton
    static float text(const char* text);
    /// A field of `fieldWidth` followed by its label (nothing when the label is all "##…").
    static float labelled(float fieldWidth, const char* label);

private:
    bool m_first = true;
};

/// A horizontal bar between two panes; dragging it moves `share` (the upper pane's part of `total`) within the
/// minimum heights of both. Returns true while dragged.
bool horizontalSplitter(const char* id, float& share, float total, float minUpper, float minLower);

/// A path field (typed) with a "browse..." button next to it that opens the desktop's file dialog, when there is
/// one; the chosen path lands in `path` when the dialog answers (the frame loop never waits for it). `key` names
/// the field uniquely ("capture/3"); the probe marks the field as `probe` and the button as `probe`/browse.
void pathField(app::PathChooser& chooser, const std::string& key, const std::string& probe, const char* label,
               std::string& path, app::FileDialogKind kind, const char* title);

} // namespace socketeer::ui
