// The Sequences panel: the workspace's sequences — pick one, name it, give it a hotkey (Ctrl+F1…), edit its steps
// (one per line, the bad one named with its step and column), play, step or stop it, and watch each step's status,
// runs and time with the current one highlighted, and its log.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cfloat>
#include <cstdio>

#include "layout.hpp"
#include "panes.hpp"
#include "style.hpp"
#include "ui_probe.hpp"
#include "socketeer/core/units_format.hpp"

namespace socketeer::ui {

using namespace core;

namespace {


ImVec4 statusColour(StepStatus status) {
    switch (status) {
    case StepStatus::Passed: return colour::Open;
    case StepStatus::Failed: return colour::Error;
    case StepStatus::TimedOut: return colour::Warning;
    default: return ImGui::GetStyle().Colors[ImGuiCol_Text];
    }
}

void drawHeader(app::SequenceBook& book, SequencePanelState& state) {
    auto& entries = book.entries();
    app::SequenceEntry& entry = *entries[state.selected];
    const bool playing = entry.runner && entry.runner->active();
    WrapRow row;
    row.next(em(width::Field));
    ImGui::SetNextItemWidth(em(width::Field));
    if (ImGui::BeginCombo("##pick", entry.name.c_str())) {
        for (std::size_t i = 0; i < entries.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::Selectable(entries[i]->name.c_str(), i == state.selected)) state.selected = i;
            UiProbe::mark("sequences/pick/" + entries[i]->name);
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    UiProbe::mark("sequences/pick");
    row.next(WrapRow::button("new"));
    if (ImGui::Button("new")) state.selected = book.add();
    UiProbe::mark("sequences/new");
    row.next(WrapRow::button("delete"));
    ImGui::BeginDisabled(playing);
    if (ImGui::Button("delete")) {
        book.remove(state.selected);
        state.selected = 0;
        ImGui::EndDisabled();
        return;
    }
    ImGui::EndDisabled();
    UiProbe::mark("sequences/delete");

    WrapRow settings;
    std::string name = entry.name;
    settings.next(em(width::Field) + WrapRow::text("name"));
    ImGui::SetNextItemWidth(em(width::Field));
    if (ImGui::InputText("name", &name) && !name.empty()) book.rename(state.selected, name);
    UiProbe::mark("sequences/name");
    settings.next(em(width::ShortCombo) + WrapRow::text("hotkey"));
    ImGui::SetNextItemWidth(em(width::ShortCombo));
    if (ImGui::BeginCombo("hotkey", entry.hotkey.empty() ? "none" : entry.hotkey.c_str())) {
        if (ImGui::Selectable("none", entry.hotkey.empty())) state.message = book.setHotkey(state.selected, "");
        for (int n = 1; n <= 12; ++n) {
            const std::string key = "Ctrl+F" + std::to_string(n);
            if (ImGui::Selectable(key.c_str(), entry.hotkey == key)) state.message = book.setHotkey(state.selected, key);
            UiProbe::mark("sequences/hotkey/" + key);
        }
        ImGui::EndCombo();
    }
    UiProbe::mark("sequences/hotkey");
    settings.next(WrapRow::button("hex DATA"));
    bool hex = entry.hex;
    ImGui::BeginDisabled(entry.mixedSyntax || playing);
    if (ImGui::Checkbox("hex DATA", &hex)) book.setHex(state.selected, hex);
    ImGui::EndDisabled();
    UiProbe::mark("sequences/hex");
    if (!state.message.empty()) ImGui::TextColored(colour::Error, "%s", state.message.c_str());
}

void drawControls(app::SequenceBook& book, SequencePanelState& state) {
    app::SequenceEntry& entry = *book.entries()[state.selected];
    const bool playing = entry.runner && entry.runner->active();
    const bool paused = entry.runner && entry.runner->state() == RunState::Paused;
    const auto now = SequenceClock::now();
    WrapRow row;
    row.next(WrapRow::button("run"));
    ImGui::BeginDisabled(playing || !entry.sequence);
    if (ImGui::Button("run")) state.message = book.run(state.selected, now);
    UiProbe::mark("sequences/run");
    ImGui::EndDisabled();
    row.next(WrapRow::button("step"));
    ImGui::BeginDisabled(!entry.sequence || (playing && !paused));
    if (ImGui::Button("step")) {
        if (paused) book.step(state.selected);
        else state.message = book.run(state.selected, now, true);
    }
    UiProbe::mark("sequences/step");
    ImGui::EndDisabled();
    row.next(WrapRow::button("resume"));
    ImGui::BeginDisabled(!paused);
    if (ImGui::Button("resume")) book.resume(state.selected);
    UiProbe::mark("sequences/resume");
    ImGui::EndDisabled();
    row.next(WrapRow::button("stop"));
    ImGui::BeginDisabled(!playing);
    if (ImGui::Button("stop")) book.stop(state.selected, now);
    UiProbe::mark("sequences/stop");
    ImGui::EndDisabled();
    // Read only now: run and step replace the runner.
    const SequenceRunner* runner = entry.runner.get();
    if (!runner) return;
    const std::string status = std::string(runStateName(runner->state())) + " — " + formatSeconds(runner->elapsed(now)) +
                               (runner->active() ? " — " + runner->sequence().describeStep(runner->currentStep()) : std::string());
    const ImVec4 tint = runner->state() == RunState::Passed ? colour::Open
                        : runner->active()                  ? ImGui::GetStyle().Colors[ImGuiCol_Text]
                                                            : colour::Error;
    ImGui::TextColored(tint, "%s", status.c_str());
    UiProbe::mark("sequences/status");
    if (!runner->failure().empty()) ImGui::TextWrapped("%s", runner->failure().c_str());
}

/// Each step with its status, runs and time; the current one highlighted while it plays.
void drawSteps(const app::SequenceEntry& entry, float height) {
    const Sequence& sequence = entry.runner ? entry.runner->sequence() : *entry.sequence;
    const SequenceRunner* runner = entry.runner.get();
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##steps", 5, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("step", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("status", ImGuiTableColumnFlags_WidthFixed, em(6));
    ImGui::TableSetupColumn("runs", ImGuiTableColumnFlags_WidthFixed, em(3.5f));
    ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, em(5.5f));
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < sequence.steps.size(); ++i) {
        const SequenceStep& step = sequence.steps[i];
        if (step.kind == StepKind::Comment && step.source.find_first_not_of(" \t") == std::string::npos) continue;
        ImGui::TableNextRow();
        if (runner && runner->active() && runner->currentStep() == i)
            ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImGuiCol_Header));
        ImGui::TableNextColumn();
        ImGui::Text("%zu", i + 1);
        ImGui::TableNextColumn();
        if (step.kind == StepKind::Comment) ImGui::TextDisabled("%s", step.source.c_str());
        else ImGui::TextUnformatted(step.source.c_str());
        if (!runner || !step.reported()) continue;
        const StepReport& report = runner->reports()[i];
        ImGui::TableNextColumn();
        const std::string status(stepStatusName(report.status));
        ImGui::TextColored(statusColour(report.status), "%s", status.c_str());
        if (!report.message.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", report.message.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(report.runs));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(formatSeconds(report.elapsed).c_str());
    }
    ImGui::EndTable();
    UiProbe::mark("sequences/steps");
}

} // namespace

void drawSequencePanel(app::AppModel& model, SequencePanelState& state) {
    app::SequenceBook& book = model.sequences();
    ImGui::TextWrapped("Sequences play steps across the sessions by name, one per line: send SESSION DATA; expect "
                       "SESSION MATCHER within MS [on-timeout: fail|continue|goto STEP]; delay MS; repeat N { ... }; "
                       "set NAME DATA; log TEXT; LABEL: step; # comment.");
    if (book.entries().empty()) {
        if (ImGui::Button("new sequence")) state.selected = book.add();
        UiProbe::mark("sequences/new");
        return;
    }
    if (state.selected >= book.entries().size()) state.selected = 0;
    drawHeader(book, state);
    if (book.entries().empty()) return;
    if (state.selected >= book.entries().size()) state.selected = 0;
    app::SequenceEntry& entry = *book.entries()[state.selected];
    const bool playing = entry.runner && entry.runner->active();
    if (entry.mixedSyntax)
        ImGui::TextColored(colour::Warning, "Text and hex steps mixed: shown read-only here (edit the workspace file).");
    std::string script = entry.script;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const ImGuiInputTextFlags flags = playing || entry.mixedSyntax ? ImGuiInputTextFlags_ReadOnly : 0;
    if (ImGui::InputTextMultiline("##script", &script, ImVec2(-FLT_MIN, line * 8), flags)) book.setScript(state.selected, script);
    UiProbe::mark("sequences/script");
    if (!entry.error.empty()) ImGui::TextColored(colour::Error, "%s", entry.error.c_str());
    drawControls(book, state);
    if (!entry.sequence && !entry.runner) return;
    const float logHeight = line * 4;
    drawSteps(entry, std::max(line * 4, ImGui::GetContentRegionAvail().y - logHeight - ImGui::GetStyle().ItemSpacing.y));
    ImGui::BeginChild("##log", ImVec2(0, 0), true);
    for (const std::string& text : entry.log) ImGui::TextUnformatted(text.c_str());
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    UiProbe::mark("sequences/log");
}

} // namespace socketeer::ui
