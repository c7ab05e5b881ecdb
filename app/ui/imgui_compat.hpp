// The few ImGui calls whose API changed between 1.86 (Debian) and 1.91: one place to keep both working.
#pragma once

#include <imgui.h>

namespace socketeer::ui {

/// Key press with repeat. 1.86 indexes KeysDown by the backend's key codes (GetKeyIndex maps a named key);
/// 1.87+ takes ImGuiKey directly, and 1.91 removed GetKeyIndex.
inline bool isKeyPressed(ImGuiKey key, bool repeat = true) {
#if IMGUI_VERSION_NUM < 18700
    return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
#else
    return ImGui::IsKeyPressed(key, repeat);
#endif
}

/// F1..F12 (n = 0..11). 1.86 has no named function keys; its GLFW backend indexes KeysDown by GLFW key codes,
/// where GLFW_KEY_F1 is 290.
inline bool isFunctionKeyPressed(int n) {
#if IMGUI_VERSION_NUM < 18700
    constexpr int GlfwKeyF1 = 290;
    return ImGui::IsKeyPressed(GlfwKeyF1 + n, false);
#else
    return ImGui::IsKeyPressed(static_cast<ImGuiKey>(ImGuiKey_F1 + n), false);
#endif
}

} // namespace socketeer::ui
