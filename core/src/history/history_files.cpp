// writeHistoryFile: records in order, each format from one loop over the history.
#include "socketeer/core/history/history_files.hpp"

#include <cerrno>
#include <cstring>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/event/event_json.hpp"
#include "socketeer/core/file_output.hpp"

namespace socketeer::core {

std::string csvField(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

HistoryFileResult writeHistoryFile(const SessionHistory& history, const HistoryFileSpec& spec) {
    HistoryFileResult result;
    result.evicted = history.evictedRecords();
    std::FILE* file = openForWriting(spec.path, spec.overwrite);
    if (!file && errno == EEXIST) {
        result.error = "'" + spec.path + "' already exists (choose another name or allow replacing it)";
        return result;
    }
    if (!file) {
        result.error = "cannot write '" + spec.path + "': " + std::strerror(errno);
        return result;
    }
    bool ok = true;
    const auto put = [&](std::string_view text) {
        ok = ok && std::fwrite(text.data(), 1, text.size(), file) == text.size();
        return ok;
    };
    std::unique_ptr<PcapngRecorder> pcapng;
    if (spec.format == HistoryFileFormat::Csv) {
        put("time,direction,peer,connection,size,hex,text\r\n"); // RFC 4180 ends records in CRLF
    } else if (spec.format == HistoryFileFormat::Pcapng) {
        pcapng = std::make_unique<PcapngRecorder>(
            [&](ByteView bytes) { return put({reinterpret_cast<const char*>(bytes.data()), bytes.size()}); }, spec.scene);
        pcapng->start(history.empty() ? nowUs() : history.at(0, false).timeUs);
    }
    for (std::size_t i = 0; ok && i < history.size(); ++i) {
        const HistoryRecord record = history.at(i);
        const bool rx = record.direction == Direction::Rx;
        if (spec.format == HistoryFileFormat::Csv) {
            put(formatIsoTimeUs(record.timeUs) + (rx ? ",RX," : ",TX,") + csvField(record.peer.toString()) + "," +
                std::to_string(record.connection) + "," + std::to_string(record.bytes.size()) + "," +
                formatHex(record.bytes, '\0', false) + "," + csvField(formatEscaped(record.bytes, spec.encoding)) + "\r\n");
        } else if (spec.format == HistoryFileFormat::JsonLines) {
            const SessionEvent event{record.timeUs,
                                     EventData{record.direction, record.connection, record.peer,
                                               std::make_shared<const Bytes>(record.bytes.begin(), record.bytes.end()),
                                               record.frame, record.check}};
            put(eventJsonLine(spec.sessionName, spec.kind, event, spec.encoding) + "\n");
        } else {
            ok = pcapng->recordData(record.timeUs, record.direction, record.connection, record.peer, record.bytes) && ok;
        }
        if (ok) ++result.records;
    }
    const int writeError = ok ? 0 : errno;
    if (std::fclose(file) != 0 && ok) {
        ok = false;
        result.error = "writing '" + spec.path + "' failed: " + std::strerror(errno);
    } else if (!ok) {
        result.error = "writing '" + spec.path + "' failed: " + std::strerror(writeError);
    }
    return result;
}

} // namespace socketeer::core
