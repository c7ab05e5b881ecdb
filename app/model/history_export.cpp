// Text forms of history records, for the receive pane's rows and for Copy / Save.
#include "history_export.hpp"

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_dump.hpp"
#include "socketeer/core/time_format.hpp"

namespace socketeer::app {

using namespace core;

std::string frameMark(const HistoryRecord& record) {
    std::string mark;
    if (record.frame != FrameStatus::Unframed && record.frame != FrameStatus::Complete)
        mark = " [" + std::string(frameStatusName(record.frame)) + "]";
    if (record.check == CheckStatus::Bad) mark += " [checksum bad]";
    return mark;
}

std::string recordHeader(const HistoryRecord& record) {
    return formatClockMs(record.timeUs) + (record.direction == Direction::Rx ? " RX " : " TX ") +
           record.peer.toString() + frameMark(record);
}

std::string exportMatchedRecords(const SessionHistory& history, const ReceiveView& view, bool hex,
                                 TextEncoding encoding, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < history.size() && out.size() < limit; ++i) {
        const HistoryRecord record = history.at(i);
        if (!view.matches(record)) continue;
        out += formatIsoTimeUs(record.timeUs) + (record.direction == Direction::Rx ? " RX " : " TX ") +
               record.peer.toString() + " " + std::to_string(record.bytes.size()) + " bytes" + frameMark(record) + "\n";
        out += hex ? formatHexDump(record.bytes) : formatEscaped(record.bytes, encoding);
        out += "\n";
    }
    return out;
}

} // namespace socketeer::app
