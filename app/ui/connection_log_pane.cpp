// The connection log: every connection event, error and notice of a session, newest at the bottom.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "layout.hpp"
#include "panes.hpp"
#include "style.hpp"
#include "ui_probe.hpp"
#include "socketeer/core/time_format.hpp"

namespace socketeer::ui {

namespace {

void drawLogToolbar(app::AppModel& model, app::SessionModel& session) {
    app::ConnectionLog& log = session.log();
    app::FileTarget& save = session.ui().saveLog;
    WrapRow row;
    row.next(WrapRow::text("Connection log"));
    ImGui::TextUnformatted("Connection log");
    row.next(WrapRow::button("copy log"));
    if (ImGui::SmallButton("copy log")) ImGui::SetClipboardText(log.toText().c_str());
    row.next(WrapRow::button("save log..."));
    if (ImGui::SmallButton("save log...")) ImGui::OpenPopup("##savelog");
    UiProbe::mark("log/save");
    if (ImGui::BeginPopup("##savelog")) {
        pathField(model.paths(), "log/" + std::to_string(session.uiId()), "log/save/path", "file", save.path,
                  app::FileDialogKind::Save, "Save the connection log");
        ImGui::Checkbox("replace an existing file", &save.replaceExisting);
        if (ImGui::Button("Save")) session.saveLog(save);
        UiProbe::mark("log/save/ok");
        ImGui::SameLine();
        if (ImGui::Button("Save as CSV")) session.saveLogCsv(save);
        UiProbe::mark("log/save/csv");
        ImGui::SameLine();
        if (ImGui::Button("JSON Lines")) session.saveLogJsonLines(save);
        UiProbe::mark("log/save/jsonl");
        if (!save.message.empty()) ImGui::TextUnformatted(save.message.c_str());
        ImGui::EndPopup();
    }
    row.next(WrapRow::button("clear log"));
    if (ImGui::SmallButton("clear log")) log.clear();
    UiProbe::mark("log/clear");
    if (log.droppedLines() > 0) {
        const std::string dropped = "(" + std::to_string(log.droppedLines()) + " oldest lines dropped)";
        row.next(WrapRow::text(dropped.c_str()));
        ImGui::TextDisabled("%s", dropped.c_str());
    }
}

} // namespace

void drawConnectionLog(app::AppModel& model, app::SessionModel& session, float height) {
    drawLogToolbar(model, session);
    ImGui::BeginChild("##log", ImVec2(0, height), true);
    const auto& lines = session.log().lines();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(lines.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const app::LogLine& entry = lines[static_cast<std::size_t>(i)];
            const ImVec4 text = entry.level == app::LogLine::Level::Error     ? colour::Error
                                : entry.level == app::LogLine::Level::Warning ? colour::Warning
                                                                              : ImGui::GetStyle().Colors[ImGuiCol_Text];
            const std::string line = core::formatClockMs(entry.timeUs) + "  " + entry.text;
            ImGui::PushStyleColor(ImGuiCol_Text, text);
            ImGui::TextUnformatted(line.data(), line.data() + line.size());
            ImGui::PopStyleColor();
        }
    }
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    UiProbe::mark("log");
}

} // namespace socketeer::ui
