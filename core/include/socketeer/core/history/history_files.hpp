// A session's whole history written to a file for other tools: CSV (RFC 4180), JSON Lines in socketeer-cli's jsonl
// shape, or pcapng for Wireshark — every record the history still holds, not only the rows a view shows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "socketeer/core/capture/pcapng_recorder.hpp"
#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/history/session_history.hpp"
#include "socketeer/core/net/session.hpp"

namespace socketeer::core {

enum class HistoryFileFormat : std::uint8_t { Csv, JsonLines, Pcapng };

struct HistoryFileSpec {
    std::string path;
    HistoryFileFormat format = HistoryFileFormat::Csv;
    bool overwrite = false;
    TextEncoding encoding = TextEncoding::Utf8; ///< of the text column / field
    std::string sessionName{};                  ///< JSON Lines' "session"
    SessionKind kind = SessionKind::TcpClient;  ///< JSON Lines (a proxy's directions); pcapng (TCP or UDP)
    CaptureScene scene{};                       ///< pcapng: how to synthesize the packets
};

struct HistoryFileResult {
    std::string error;            ///< "" when the file is complete
    std::uint64_t records = 0;    ///< written
    std::uint64_t evicted = 0;    ///< older records the history had already let go (not in the file)
};

HistoryFileResult writeHistoryFile(const SessionHistory& history, const HistoryFileSpec& spec);

/// One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break (quotes doubled).
std::string csvField(std::string_view text);

} // namespace socketeer::core
