// The receive pane: text / hex / both views of the history, clipped to the visible rows; pause, filter, copy, save.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "history_export.hpp"
#include "layout.hpp"
#include "panes.hpp"
#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/codec/hex_dump.hpp"
#include "socketeer/core/units_format.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

constexpr std::size_t MaxCopyBytes = 16u << 20;
/// ImGui places rows at float offsets: past 2^24 pixels a row's position is no longer exact and scrolling
/// stutters. The pane shows at most the newest rows that fit well inside that (Save and Copy still take all).
constexpr float MaxScrollPixels = float(1 << 23);

void drawViewToolbar(app::AppModel& model, app::SessionModel& session) {
    app::ReceiveView& view = session.receiveView();
    app::SessionUiState& ui = session.ui();
    WrapRow row;
    int mode = static_cast<int>(view.mode());
    row.next(WrapRow::checkbox("Text"));
    ImGui::RadioButton("Text", &mode, 0);
    UiProbe::mark("view/text");
    row.next(WrapRow::checkbox("Hex"));
    ImGui::RadioButton("Hex", &mode, 1);
    UiProbe::mark("view/hex");
    row.next(WrapRow::checkbox("Both"));
    ImGui::RadioButton("Both", &mode, 2);
    UiProbe::mark("view/both");
    view.setMode(static_cast<app::ViewMode>(mode));
    bool showSent = view.showSent();
    row.next(WrapRow::checkbox("sent"));
    if (ImGui::Checkbox("sent", &showSent)) view.setShowSent(showSent);
    UiProbe::mark("view/sent");
    row.next(WrapRow::checkbox("auto-scroll"));
    ImGui::Checkbox("auto-scroll", &ui.autoScroll);
    bool paused = view.paused();
    row.next(WrapRow::checkbox("pause"));
    if (ImGui::Checkbox("pause", &paused)) view.setPaused(paused);
    UiProbe::mark("pause");
    row.next(WrapRow::button("clear"));
    if (ImGui::SmallButton("clear")) session.history().clear();
    UiProbe::mark("clear");
    // Copy as text or as a hex dump behind one button: the toolbar stays one row in a narrow window.
    row.next(WrapRow::button("copy..."));
    if (ImGui::SmallButton("copy...")) ImGui::OpenPopup("##copy");
    UiProbe::mark("receive/copy");
    if (ImGui::BeginPopup("##copy")) {
        if (ImGui::Selectable("as text")) ImGui::SetClipboardText(session.exportReceived(false, MaxCopyBytes).c_str());
        if (ImGui::Selectable("as hex dump")) ImGui::SetClipboardText(session.exportReceived(true, MaxCopyBytes).c_str());
        ImGui::EndPopup();
    }
    row.next(WrapRow::button("save..."));
    if (ImGui::SmallButton("save...")) ImGui::OpenPopup("##save");
    UiProbe::mark("receive/save");
    if (ImGui::BeginPopup("##save")) {
        app::FileTarget& save = ui.saveReceived;
        pathField(model.paths(), "received/" + std::to_string(session.uiId()), "receive/save/path", "file", save.path,
                  app::FileDialogKind::Save, "Save what was received");
        ImGui::Checkbox("replace an existing file", &save.replaceExisting);
        if (ImGui::Button("Save as text")) session.saveReceived(save);
        UiProbe::mark("receive/save/ok");
        // Every record the history holds, for other tools (the filter above applies to text only).
        ImGui::SameLine();
        if (ImGui::Button("CSV")) session.saveHistoryAs(save, core::HistoryFileFormat::Csv);
        UiProbe::mark("receive/save/csv");
        ImGui::SameLine();
        if (ImGui::Button("JSON Lines")) session.saveHistoryAs(save, core::HistoryFileFormat::JsonLines);
        UiProbe::mark("receive/save/jsonl");
        ImGui::SameLine();
        if (ImGui::Button("pcapng")) session.saveHistoryAs(save, core::HistoryFileFormat::Pcapng);
        UiProbe::mark("receive/save/pcapng");
        if (!save.message.empty()) ImGui::TextUnformatted(save.message.c_str());
        ImGui::EndPopup();
    }
}

void drawFilters(app::SessionModel& session) {
    app::ReceiveView& view = session.receiveView();
    app::SessionUiState& ui = session.ui();
    app::ReceiveFilter filter = view.filter();
    WrapRow row;
    row.next(em(width::Filter));
    ImGui::SetNextItemWidth(em(width::Filter));
    ImGui::InputTextWithHint("##ftext", "filter text", &filter.text);
    UiProbe::mark("filter/text");
    row.next(em(width::Filter));
    ImGui::SetNextItemWidth(em(width::Filter));
    if (ImGui::InputTextWithHint("##fhex", "filter hex", &ui.hexFilterText)) {
        auto parsed = parseHex(ui.hexFilterText);
        ui.hexFilterError = parsed ? std::string() : parsed.error().describe();
        if (parsed) filter.hexPattern = std::move(parsed).value();
    }
    UiProbe::mark("filter/hex");
    row.next(em(width::Filter));
    ImGui::SetNextItemWidth(em(width::Filter));
    ImGui::InputTextWithHint("##fpeer", "filter peer", &filter.peer);
    UiProbe::mark("filter/peer");
    int direction = static_cast<int>(filter.direction);
    const char* directions[] = {"RX and TX", "RX only", "TX only"};
    row.next(em(width::Filter));
    ImGui::SetNextItemWidth(em(width::Filter));
    ImGui::Combo("##fdir", &direction, directions, 3);
    UiProbe::mark("filter/direction");
    filter.direction = static_cast<app::DirectionFilter>(direction);
    view.setFilter(filter);
    if (!ui.hexFilterError.empty()) {
        row.next(WrapRow::text(ui.hexFilterError.c_str()));
        ImGui::TextColored(colour::Error, "%s", ui.hexFilterError.c_str());
    }
}

void drawNotices(app::SessionModel& session, std::size_t hiddenRows) {
    const SessionHistory& history = session.history();
    const app::ReceiveView& view = session.receiveView();
    if (history.evictedRecords() > 0)
        ImGui::TextDisabled("%llu older records (%s) evicted to stay within the %s history budget; counters are exact",
                            static_cast<unsigned long long>(history.evictedRecords()),
                            formatByteCount(history.evictedBytes()).c_str(), formatByteCount(history.budget()).c_str());
    if (view.paused())
        ImGui::TextColored(colour::Sent, "display paused: %llu records (%s) arrived meanwhile, capture goes on",
                           static_cast<unsigned long long>(view.arrivedWhilePausedRecords()),
                           formatByteCount(view.arrivedWhilePausedBytes()).c_str());
    if (hiddenRows > 0) {
        ImGui::TextDisabled("showing the newest %zu of %zu rows (save or copy for all of them)",
                            view.rowCount() - hiddenRows, view.rowCount());
        UiProbe::mark("receive/rows-capped");
    }
}

/// One row of the view: a record's header, a line of its text, or 16 bytes of its hex dump.
void drawRow(const app::ReceiveRow& row, const HistoryRecord& record, TextEncoding encoding, std::string& line) {
    const ImVec4& rowColour = record.direction == Direction::Rx ? colour::Received : colour::Sent;
    const ByteView slice = record.bytes.subspan(row.offset, row.length);
    switch (row.kind) {
    case app::ReceiveRow::Kind::Header:
        line = app::recordHeader(record) + "  " + std::to_string(record.bytes.size()) + " bytes";
        break;
    case app::ReceiveRow::Kind::Text: {
        // A row ends at a line feed: show the text without it (the row break is the line feed).
        ByteView text = slice;
        if (!text.empty() && text.back() == '\n') text = text.first(text.size() - 1);
        line = row.firstOfRecord ? app::recordHeader(record) + "  " : std::string(row.offset == 0 ? 2 : 4, ' ');
        line += formatEscaped(text, encoding);
        break;
    }
    case app::ReceiveRow::Kind::Hex: line = "  " + formatHexDumpLine(slice, row.offset); break;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, rowColour);
    ImGui::TextUnformatted(line.data(), line.data() + line.size());
    ImGui::PopStyleColor();
}

} // namespace

void drawReceivePane(app::AppModel& model, app::SessionModel& session, float height) {
    const float startY = ImGui::GetCursorPosY();
    drawViewToolbar(model, session);
    drawFilters(session);
    app::ReceiveView& view = session.receiveView();
    view.sync(session.history());

    const float rowHeight = ImGui::GetTextLineHeightWithSpacing();
    const auto maxRows = static_cast<std::size_t>(MaxScrollPixels / rowHeight);
    const std::size_t hiddenRows = view.rowCount() > maxRows ? view.rowCount() - maxRows : 0;
    drawNotices(session, hiddenRows);

    const float childHeight = std::max(em(4), height - (ImGui::GetCursorPosY() - startY));
    ImGui::BeginChild("##receive", ImVec2(0, childHeight), true, ImGuiWindowFlags_HorizontalScrollbar);
    const SessionHistory& history = session.history();
    const std::uint64_t first = history.firstSequence();
    const TextEncoding encoding = session.composer().encoding;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(view.rowCount() - hiddenRows), rowHeight);
    std::string line;
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const app::ReceiveRow& row = view.row(hiddenRows + static_cast<std::size_t>(i));
            if (row.sequence < first) continue; // evicted this frame; gone at the next sync
            drawRow(row, history.at(static_cast<std::size_t>(row.sequence - first)), encoding, line);
        }
    }
    if (session.ui().autoScroll && !view.paused() && ImGui::GetScrollY() >= ImGui::GetScrollMaxY())
        ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    UiProbe::mark("receive");
}

} // namespace socketeer::ui
