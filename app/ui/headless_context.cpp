// HeadlessContext: what a renderer backend would otherwise set up.
#include "headless_context.hpp"

namespace socketeer::ui {

HeadlessContext::HeadlessContext(ImVec2 displaySize, const char* fontFile, float fontSize)
    : m_context(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    if (fontFile) io.Fonts->AddFontFromFileTTF(fontFile, fontSize);
    io.IniFilename = nullptr;
    io.DisplaySize = displaySize;
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height); // builds the atlas; no renderer needed
#if IMGUI_VERSION_NUM < 18700
    // 1.86 reads named keys through KeyMap into KeysDown; give each named key its own slot.
    for (int key = 0; key < ImGuiKey_COUNT; ++key) io.KeyMap[key] = 256 + key;
#endif
}

HeadlessContext::~HeadlessContext() { ImGui::DestroyContext(m_context); }

} // namespace socketeer::ui
