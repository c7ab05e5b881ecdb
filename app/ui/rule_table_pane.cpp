// The Rules tab: the session's match rules as an ordered table (enable, edit, text or hex, live hits, reorder,
// remove), a row to add one, and a dry run of a pasted message through them. Rules apply at the next open.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cfloat>
#include <optional>

#include "panes.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

/// One row's widgets; what the user asked for that changes the rows themselves comes back, to be done after the
/// table is drawn.
struct RowCommand {
    enum class Kind { None, Remove, Up, Down } kind = Kind::None;
    std::size_t row = 0;
};

RowCommand drawRow(app::RuleTable& table, std::size_t i, const std::optional<std::vector<std::optional<std::uint64_t>>>& hits) {
    RowCommand command;
    const app::RuleRow& row = table.rows()[i];
    const std::string probe = "rules/" + std::to_string(i + 1);
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", i + 1);
    ImGui::TableNextColumn();
    bool enabled = row.enabled;
    if (ImGui::Checkbox("##on", &enabled)) table.setEnabled(i, enabled);
    UiProbe::mark(probe + "/on");
    ImGui::TableNextColumn();
    std::string text = row.text;
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::InputTextWithHint("##text", "MATCHER => ACTION; ACTION", &text)) table.setText(i, text);
    UiProbe::mark(probe + "/text");
    if (!table.rows()[i].error.empty()) ImGui::TextColored(colour::Error, "%s", table.rows()[i].error.c_str());
    ImGui::TableNextColumn();
    bool hex = row.hex;
    if (ImGui::Checkbox("##hex", &hex)) table.setHex(i, hex);
    UiProbe::mark(probe + "/hex");
    ImGui::TableNextColumn();
    if (hits && (*hits)[i]) ImGui::Text("%llu", static_cast<unsigned long long>(*(*hits)[i]));
    else ImGui::TextDisabled("-");
    UiProbe::mark(probe + "/hits");
    ImGui::TableNextColumn();
    if (ImGui::ArrowButton("##up", ImGuiDir_Up)) command = {RowCommand::Kind::Up, i};
    UiProbe::mark(probe + "/up");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##down", ImGuiDir_Down)) command = {RowCommand::Kind::Down, i};
    UiProbe::mark(probe + "/down");
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) command = {RowCommand::Kind::Remove, i};
    UiProbe::mark(probe + "/remove");
    ImGui::PopID();
    return command;
}

void drawRuleTest(app::SessionModel& session) {
    app::SessionUiState& ui = session.ui();
    ImGui::TextUnformatted("Test a message:");
    ImGui::SetNextItemWidth(em(width::Template));
    ImGui::InputTextWithHint("##test", ui.ruleTestHex ? "01 03 00 00 00 02" : "a received message, \\r\\n escapes", &ui.ruleTestText);
    UiProbe::mark("rules/test-message");
    ImGui::SameLine();
    ImGui::Checkbox("hex##test", &ui.ruleTestHex);
    UiProbe::mark("rules/test-hex");
    RuleFlow flow = RuleFlow::Both;
    if (session.kind() == SessionKind::Proxy) {
        ImGui::SameLine();
        int toClient = ui.ruleTestToClient ? 1 : 0;
        ImGui::RadioButton("c>s", &toClient, 0);
        UiProbe::mark("rules/test-c2s");
        ImGui::SameLine();
        ImGui::RadioButton("s>c", &toClient, 1);
        UiProbe::mark("rules/test-s2c");
        ui.ruleTestToClient = toClient == 1;
        flow = ui.ruleTestToClient ? RuleFlow::ToClient : RuleFlow::ToServer;
    }
    ImGui::SameLine();
    if (ImGui::Button("test")) ui.ruleTest = session.ruleTable().test(ui.ruleTestText, ui.ruleTestHex, flow);
    UiProbe::mark("rules/test");
    if (!ui.ruleTest.error.empty()) ImGui::TextColored(colour::Error, "%s", ui.ruleTest.error.c_str());
    for (const std::string& line : ui.ruleTest.lines) ImGui::TextWrapped("%s", line.c_str());
    UiProbe::mark("rules/test-result");
}

} // namespace

void drawRuleTable(app::SessionModel& session) {
    app::RuleTable& table = session.ruleTable();
    if (session.kind() == SessionKind::Proxy)
        ImGui::TextWrapped("Tried in order on each message of either direction (c2s: or s2c: before a rule: that one "
                           "only), before Hold and the impairments; the first match acts unless it says continue. "
                           "MATCHER => ACTION[; ACTION]: exact: prefix: contains: suffix: hex: regex: => rewrite: "
                           "(forwarded in its place) drop reply: (back to the sender) delay: close state: continue.");
    else
        ImGui::TextWrapped("Tried in order on each received message (each framed message); the first match answers "
                           "unless it says continue. MATCHER => ACTION[; ACTION]: exact: prefix: contains: suffix: hex: "
                           "regex: => reply: delay: close ignore state: continue; when:STATE before a matcher.");
    const bool discarding = (session.kind() == SessionKind::TcpServer && session.spec().tcpServer.discard) ||
                            (session.kind() == SessionKind::Udp && session.spec().udp.discard);
    if (discarding) ImGui::TextColored(colour::Warning, "This session discards what it receives: no rule answers.");
    const auto hits = table.liveHits(session.isOpen() ? session.liveRules() : nullptr);
    if (session.isOpen() && !hits) ImGui::TextColored(colour::Warning, "Changed since the session opened: reopen it to apply.");
    RowCommand command;
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
    if (!table.rows().empty() && ImGui::BeginTable("##rules", 6, flags)) {
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("on", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("rule", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("hex", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("hits", ImGuiTableColumnFlags_WidthFixed, em(4));
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableHeadersRow();
        for (std::size_t i = 0; i < table.rows().size(); ++i) {
            const RowCommand asked = drawRow(table, i, hits);
            if (asked.kind != RowCommand::Kind::None) command = asked;
        }
        ImGui::EndTable();
    }
    switch (command.kind) {
    case RowCommand::Kind::Remove: table.remove(command.row); break;
    case RowCommand::Kind::Up: table.move(command.row, -1); break;
    case RowCommand::Kind::Down: table.move(command.row, +1); break;
    case RowCommand::Kind::None: break;
    }
    if (ImGui::Button("add rule")) table.add();
    UiProbe::mark("rules/add");
    ImGui::Separator();
    drawRuleTest(session);
}

} // namespace socketeer::ui
