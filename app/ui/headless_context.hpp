// HeadlessContext: an ImGui context that builds frames without a window or renderer (the font atlas is built, the
// display size set), for the UI tests and the frame benchmark, which drive the same code the app draws.
#pragma once

#include <imgui.h>

namespace socketeer::ui {

class HeadlessContext {
public:
    /// fontFile: a TTF to draw with at fontSize pixels (as the app loads one), else ImGui's built-in font.
    explicit HeadlessContext(ImVec2 displaySize = ImVec2(1400, 900), const char* fontFile = nullptr, float fontSize = 0);
    ~HeadlessContext();
    HeadlessContext(const HeadlessContext&) = delete;
    HeadlessContext& operator=(const HeadlessContext&) = delete;

private:
    ImGuiContext* m_context;
};

} // namespace socketeer::ui
