// UiProbe: item rectangles for tests.
#include "ui_probe.hpp"

#include <imgui_internal.h> // the log buffer

namespace socketeer::ui {
namespace {

bool s_enabled = false;
bool s_textRequested = false;
std::string s_text;
std::map<std::string, std::pair<ImVec2, ImVec2>> s_items;

} // namespace

void UiProbe::mark(const std::string& name) {
    if (s_enabled) s_items[name] = {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
}

void UiProbe::setEnabled(bool enabled) { s_enabled = enabled; }
bool UiProbe::enabled() { return s_enabled; }

bool UiProbe::find(const std::string& name, ImVec2& min, ImVec2& max) {
    auto it = s_items.find(name);
    if (it == s_items.end()) return false;
    min = it->second.first;
    max = it->second.second;
    return true;
}

void UiProbe::clear() { s_items.clear(); }

void UiProbe::requestText() {
    s_textRequested = true;
    s_text.clear();
}

void UiProbe::beginText() {
    if (s_enabled && s_textRequested) ImGui::LogToBuffer();
}

void UiProbe::endText() {
    if (!s_enabled || !s_textRequested) return;
    // Logging ends with the top-level window (End() calls LogFinish), so the buffer is read before that.
    s_text.assign(GImGui->LogBuffer.begin(), GImGui->LogBuffer.end());
    ImGui::LogFinish();
    s_textRequested = false;
}

const std::string& UiProbe::capturedText() { return s_text; }
const std::map<std::string, std::pair<ImVec2, ImVec2>>& UiProbe::all() { return s_items; }

} // namespace socketeer::ui
