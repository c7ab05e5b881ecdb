// Layout helpers the panes share: rows of items that wrap instead of running off the right edge, and a splitter.
#pragma once

#include <imgui.h>

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

} // namespace socketeer::ui
