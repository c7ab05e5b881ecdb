// The receive pane: text / hex / both views of the history, clipped to the visible rows; pause, filter, copy, save.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <map>

#include "app_ui.hpp"
#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/codec/hex_dump.hpp"
#include "socketeer/core/file_output.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

const ImVec4 RxColour(0.55f, 0.80f, 1.00f, 1.0f);
const ImVec4 TxColour(1.00f, 0.75f, 0.45f, 1.0f);
constexpr std::size_t MaxCopyBytes = 16u << 20;

/// Per-session UI state of the pane that is not worth a place in the model.
struct PaneState {
    std::string hexFilterText;
    std::string hexFilterError;
    std::string savePath;
    std::string saveMessage;
    bool replaceExisting = false; ///< consent to replace a file that exists (never by default)
};
std::map<std::uint64_t, PaneState> s_panes;

/// A framed message that did not end as its framing defines, or failed its checksum, says so where its row begins.
std::string frameMark(const HistoryRecord& record) {
    std::string mark;
    if (record.frame != FrameStatus::Unframed && record.frame != FrameStatus::Complete)
        mark = " [" + std::string(frameStatusName(record.frame)) + "]";
    if (record.check == CheckStatus::Bad) mark += " [checksum bad]";
    return mark;
}

std::string recordHeader(const HistoryRecord& record) {
    return core::formatClockMs(record.timeUs) + (record.direction == Direction::Rx ? " RX " : " TX ") +
           record.peer.toString() + frameMark(record);
}

/// The matched records as text (escaped) or hex, for Copy and Save; stops at `limit` bytes.
std::string exportRecords(app::SessionModel& session, bool hex, std::size_t limit) {
    const SessionHistory& history = session.history();
    const app::ReceiveView& view = session.receiveView();
    std::string out;
    for (std::size_t i = 0; i < history.size() && out.size() < limit; ++i) {
        const HistoryRecord record = history.at(i);
        if (!view.matches(record)) continue;
        out += formatIsoTimeUs(record.timeUs) + (record.direction == Direction::Rx ? " RX " : " TX ") +
               record.peer.toString() + " " + std::to_string(record.bytes.size()) + " bytes" + frameMark(record) + "\n";
        out += hex ? formatHexDump(record.bytes) : formatEscaped(record.bytes, session.composer().encoding);
        out += "\n";
    }
    return out;
}

} // namespace

void drawReceivePane(app::SessionModel& session, float height) {
    app::ReceiveView& view = session.receiveView();
    PaneState& pane = s_panes[session.uiId()];
    const float startY = ImGui::GetCursorPosY();

    // Toolbar: view mode, sent data, scrolling, pause, clear, copy, save.
    int mode = static_cast<int>(view.mode());
    ImGui::RadioButton("Text", &mode, 0);
    UiProbe::mark("view/text");
    ImGui::SameLine();
    ImGui::RadioButton("Hex", &mode, 1);
    UiProbe::mark("view/hex");
    ImGui::SameLine();
    ImGui::RadioButton("Both", &mode, 2);
    view.setMode(static_cast<app::ViewMode>(mode));
    ImGui::SameLine();
    bool showSent = view.showSent();
    if (ImGui::Checkbox("sent", &showSent)) view.setShowSent(showSent);
    ImGui::SameLine();
    ImGui::Checkbox("auto-scroll", &session.autoScroll);
    ImGui::SameLine();
    bool paused = view.paused();
    if (ImGui::Checkbox("pause", &paused)) view.setPaused(paused);
    UiProbe::mark("pause");
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) session.history().clear();
    UiProbe::mark("clear");
    ImGui::SameLine();
    if (ImGui::SmallButton("copy text")) ImGui::SetClipboardText(exportRecords(session, false, MaxCopyBytes).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("copy hex")) ImGui::SetClipboardText(exportRecords(session, true, MaxCopyBytes).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("save...")) ImGui::OpenPopup("##save");
    if (ImGui::BeginPopup("##save")) {
        ImGui::SetNextItemWidth(360);
        ImGui::InputText("file", &pane.savePath);
        ImGui::Checkbox("replace an existing file", &pane.replaceExisting);
        if (ImGui::Button("Save as text")) {
            const std::string error = writeNewFile(pane.savePath, exportRecords(session, false, SIZE_MAX), pane.replaceExisting);
            pane.saveMessage = error.empty() ? "saved to " + pane.savePath : error;
        }
        if (!pane.saveMessage.empty()) ImGui::TextUnformatted(pane.saveMessage.c_str());
        ImGui::EndPopup();
    }

    // Filter: text, hex pattern, peer, direction.
    app::ReceiveFilter filter = view.filter();
    ImGui::SetNextItemWidth(140);
    ImGui::InputTextWithHint("##ftext", "filter text", &filter.text);
    UiProbe::mark("filter/text");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(140);
    if (ImGui::InputTextWithHint("##fhex", "filter hex", &pane.hexFilterText)) {
        auto parsed = parseHex(pane.hexFilterText);
        pane.hexFilterError = parsed ? std::string() : parsed.error().describe();
        if (parsed) filter.hexPattern = std::move(parsed).value();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(140);
    ImGui::InputTextWithHint("##fpeer", "filter peer", &filter.peer);
    ImGui::SameLine();
    int direction = static_cast<int>(filter.direction);
    const char* directions[] = {"both directions", "received", "sent"};
    ImGui::SetNextItemWidth(130);
    ImGui::Combo("##fdir", &direction, directions, 3);
    filter.direction = static_cast<app::DirectionFilter>(direction);
    view.setFilter(filter);
    if (!pane.hexFilterError.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", pane.hexFilterError.c_str());
    }
    view.sync(session.history());

    // Notices: eviction and pause.
    const SessionHistory& history = session.history();
    if (history.evictedRecords() > 0)
        ImGui::TextDisabled("%llu older records (%s) evicted to stay within the %s history budget; counters are exact",
                            static_cast<unsigned long long>(history.evictedRecords()),
                            formatByteCount(history.evictedBytes()).c_str(), formatByteCount(history.budget()).c_str());
    if (view.paused())
        ImGui::TextColored(TxColour, "display paused: %llu records (%s) arrived meanwhile, capture goes on",
                           static_cast<unsigned long long>(view.arrivedWhilePausedRecords()),
                           formatByteCount(view.arrivedWhilePausedBytes()).c_str());

    const float childHeight = std::max(60.0f, height - (ImGui::GetCursorPosY() - startY));
    ImGui::BeginChild("##receive", ImVec2(0, childHeight), true, ImGuiWindowFlags_HorizontalScrollbar);
    UiProbe::mark("receive");
    const std::uint64_t first = history.firstSequence();
    const TextEncoding encoding = session.composer().encoding;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(view.rowCount()), ImGui::GetTextLineHeightWithSpacing());
    std::string line;
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const app::ReceiveRow& row = view.row(static_cast<std::size_t>(i));
            if (row.sequence < first) continue; // evicted this frame; gone at the next sync
            const HistoryRecord record = history.at(static_cast<std::size_t>(row.sequence - first));
            const ImVec4& colour = record.direction == Direction::Rx ? RxColour : TxColour;
            const ByteView slice = record.bytes.subspan(row.offset, row.length);
            switch (row.kind) {
            case app::ReceiveRow::Kind::Header:
                line = recordHeader(record) + "  " + std::to_string(record.bytes.size()) + " bytes";
                ImGui::TextColored(colour, "%s", line.c_str());
                continue;
            case app::ReceiveRow::Kind::Text: {
                // A row ends at a line feed: show the text without it (the row break is the line feed).
                ByteView text = slice;
                if (!text.empty() && text.back() == '\n') text = text.first(text.size() - 1);
                line = row.firstOfRecord ? recordHeader(record) + "  " : std::string(row.offset == 0 ? 2 : 4, ' ');
                line += formatEscaped(text, encoding);
                break;
            }
            case app::ReceiveRow::Kind::Hex:
                line = "  " + formatHexDumpLine(slice, row.offset);
                break;
            }
            ImGui::PushStyleColor(ImGuiCol_Text, colour);
            ImGui::TextUnformatted(line.data(), line.data() + line.size());
            ImGui::PopStyleColor();
        }
    }
    if (session.autoScroll && !view.paused() && ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
}

void drawConnectionLog(app::SessionModel& session, float height) {
    app::ConnectionLog& log = session.log();
    ImGui::TextUnformatted("Connection log");
    ImGui::SameLine();
    if (ImGui::SmallButton("copy log")) ImGui::SetClipboardText(log.toText().c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("save log...")) ImGui::OpenPopup("##savelog");
    static std::string path;
    static std::string message;
    static bool replaceExisting = false;
    if (ImGui::BeginPopup("##savelog")) {
        ImGui::SetNextItemWidth(360);
        ImGui::InputText("file", &path);
        ImGui::Checkbox("replace an existing file", &replaceExisting);
        if (ImGui::Button("Save")) {
            const std::string error = writeNewFile(path, log.toText(), replaceExisting);
            message = error.empty() ? "saved to " + path : error;
        }
        if (!message.empty()) ImGui::TextUnformatted(message.c_str());
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("clear log")) log.clear();
    if (log.droppedLines() > 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("(%llu oldest lines dropped)", static_cast<unsigned long long>(log.droppedLines()));
    }
    ImGui::BeginChild("##log", ImVec2(0, height), true);
    UiProbe::mark("log");
    const auto& lines = log.lines();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(lines.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const app::LogLine& entry = lines[static_cast<std::size_t>(i)];
            const ImVec4 colour = entry.level == app::LogLine::Level::Error     ? ImVec4(1, 0.45f, 0.4f, 1)
                                  : entry.level == app::LogLine::Level::Warning ? ImVec4(1, 0.8f, 0.4f, 1)
                                                                                : ImGui::GetStyle().Colors[ImGuiCol_Text];
            const std::string text = core::formatClockMs(entry.timeUs) + "  " + entry.text;
            ImGui::PushStyleColor(ImGuiCol_Text, colour);
            ImGui::TextUnformatted(text.data(), text.data() + text.size());
            ImGui::PopStyleColor();
        }
    }
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
}

} // namespace socketeer::ui
