// WrapRow and the splitter: plain ImGui, no internals, so they keep working from 1.86 to 1.91.
#include "layout.hpp"

#include <imgui_stdlib.h>

#include <algorithm>

#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

void WrapRow::next(float itemWidth) {
    if (!m_first) {
        const ImGuiStyle& style = ImGui::GetStyle();
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + itemWidth <= right) ImGui::SameLine();
    }
    m_first = false;
}

float WrapRow::button(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

float WrapRow::checkbox(const char* label) {
    const float text = ImGui::CalcTextSize(label, nullptr, true).x;
    return ImGui::GetFrameHeight() + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

float WrapRow::text(const char* text) { return ImGui::CalcTextSize(text).x; }

float WrapRow::labelled(float fieldWidth, const char* label) {
    const float text = ImGui::CalcTextSize(label, nullptr, true).x;
    return fieldWidth + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

bool horizontalSplitter(const char* id, float& share, float total, float minUpper, float minLower) {
    const float thickness = std::max(4.0f, ImGui::GetFontSize() * 0.4f);
    ImGui::InvisibleButton(id, ImVec2(-1, thickness));
    const bool active = ImGui::IsItemActive();
    if (active || ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const float y = (min.y + max.y) / 2;
    ImGui::GetWindowDrawList()->AddLine(ImVec2(min.x, y), ImVec2(max.x, y),
                                        ImGui::GetColorU32(active ? ImGuiCol_SeparatorActive : ImGuiCol_Separator));
    if (!active || total <= 0) return false;
    const float upper = std::clamp(share * total + ImGui::GetIO().MouseDelta.y, minUpper, std::max(minUpper, total - minLower));
    share = upper / total;
    return true;
}

void pathField(app::PathChooser& chooser, const std::string& key, const std::string& probe, const char* label,
               std::string& path, app::FileDialogKind kind, const char* title) {
    if (auto chosen = chooser.take(key)) path = std::move(*chosen);
    ImGui::PushID(key.c_str());
    ImGui::SetNextItemWidth(em(width::Path));
    ImGui::InputText(label, &path);
    UiProbe::mark(probe);
    if (chooser.available()) {
        ImGui::SameLine();
        const bool waiting = chooser.waiting(key);
        ImGui::BeginDisabled(chooser.busy());
        if (ImGui::SmallButton(waiting ? "choosing..." : "browse...")) chooser.choose(key, {kind, title, path});
        ImGui::EndDisabled();
        UiProbe::mark(probe + "/browse");
    }
    if (const std::string error = chooser.errorFor(key); !error.empty()) ImGui::TextColored(colour::Error, "%s", error.c_str());
    ImGui::PopID();
}

} // namespace socketeer::ui
