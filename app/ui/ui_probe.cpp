// UiProbe: item rectangles for tests.
#include "ui_probe.hpp"

namespace socketeer::ui {
namespace {

bool s_enabled = false;
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
const std::map<std::string, std::pair<ImVec2, ImVec2>>& UiProbe::all() { return s_items; }

} // namespace socketeer::ui
