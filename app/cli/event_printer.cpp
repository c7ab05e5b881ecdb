// EventPrinter: socketeer-cli's three output formats.
#include "event_printer.hpp"

#include <nlohmann/json.hpp>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/event/event_json.hpp"
#include "socketeer/core/event/event_text.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/codec/hex_dump.hpp"
#include "socketeer/core/units_format.hpp"
#include "console_text.hpp"

namespace socketeer::cli {
namespace {

using namespace core;

/// The hex dump header's note on a framed message that did not end as its framing defines.
std::string frameNote(FrameStatus status) {
    switch (status) {
    case FrameStatus::Partial: return ", partial message";
    case FrameStatus::Oversize: return ", oversize message (its first --max-frame bytes)";
    case FrameStatus::Malformed: return ", malformed message";
    default: return "";
    }
}

} // namespace

EventPrinter::EventPrinter(const CliOptions& options, std::FILE* out, std::FILE* err, bool nameSessions)
    : m_format(options.format), m_encoding(options.encoding), m_showSent(options.showSent), m_quiet(options.quiet),
      m_nameSessions(nameSessions), m_progressOnTerminal(isTerminal(err)), m_out(out), m_status(err) {}

std::string EventPrinter::jsonLine(const std::string& session, SessionKind kind, const SessionEvent& event,
                                   TextEncoding encoding) {
    return eventJsonLine(session, kind, event, encoding);
}

void EventPrinter::writeOut(const std::string& text, bool receivedBytes) {
    if (m_broken || !m_out) return; // no stdout: it carries a capture (--pcap -)
    // Received bytes go out exactly as they came; our own lines on stdout get the console's line ends.
    std::string converted;
    const std::string* out = &text;
    if (!receivedBytes) out = &(converted = consoleLines(text));
    if (std::fwrite(out->data(), 1, out->size(), m_out) != out->size() || std::fflush(m_out) != 0) m_broken = true;
}

void EventPrinter::writeData(const SessionEvent& event, const EventData& data, bool proxy) {
    const ByteView bytes = data.bytes ? ByteView(*data.bytes) : ByteView();
    const std::string tag = proxy ? std::string(proxyDirectionTag(data.direction == Direction::Rx ? ProxyDirection::ToServer
                                                                                                 : ProxyDirection::ToClient))
                                  : std::string(data.direction == Direction::Rx ? "RX" : "TX");
    if (m_format == OutputFormat::Text) {
        // A proxy's transcript: each unit after a line naming its direction, as it came.
        if (proxy) writeOut("--- " + tag + " #" + std::to_string(data.id) + " " + data.peer.toString() + " " +
                            std::to_string(bytes.size()) + " bytes" + frameNote(data.frame) + "\n");
        writeOut(std::string(asChars(bytes)), true);
        if (proxy && (bytes.empty() || bytes.back() != '\n')) writeOut("\n");
        return;
    }
    std::string text = formatIsoTimeUs(event.timeUs) + " " + tag + " " +
                       data.peer.toString() + " " + std::to_string(bytes.size()) + " bytes" + frameNote(data.frame) +
                       (data.check == CheckStatus::Bad ? ", checksum bad" : "") + "\n";
    if (!bytes.empty()) text += formatHexDump(bytes) + "\n";
    writeOut(text);
}

void EventPrinter::print(const std::string& session, SessionKind kind, const SessionEvent& event) {
    const std::string prefix = m_nameSessions ? "[" + session + "] " : "";
    if (m_format == OutputFormat::Jsonl) {
        writeOut(jsonLine(session, kind, event, m_encoding) + "\n");
        if (const auto* error = std::get_if<EventError>(&event.body)) writeStatus(prefix + "error: " + error->message + "\n");
        if (const auto* ended = std::get_if<EventStreamEnded>(&event.body); ended && ended->outcome == StreamOutcome::Failed)
            writeStatus(prefix + "error: " + describeEvent(event) + "\n");
        return;
    }
    if (const auto* data = std::get_if<EventData>(&event.body)) {
        const bool proxy = kind == SessionKind::Proxy;
        if (data->direction == Direction::Rx || m_showSent || proxy) writeData(event, *data, proxy);
        // Text output has no header to carry it: a message that did not end whole, or failed its check, is said
        // on stderr (hex dumps say it in their header).
        const std::string note = frameNote(data->frame) + (data->check == CheckStatus::Bad ? ", checksum bad" : "");
        if (m_format == OutputFormat::Text && data->direction == Direction::Rx && !note.empty() && !m_quiet)
            writeStatus(prefix + "from " + data->peer.toString() + ": a message of " +
                        formatByteCount(data->bytes ? data->bytes->size() : 0) + note + "\n");
        return;
    }
    if (std::holds_alternative<EventStreamProgress>(event.body)) {
        // A progress line that rewrites itself, where someone watches: never into a pipe or a file.
        if (m_progressOnTerminal && !m_quiet) writeStatus("\r" + prefix + describeEvent(event) + "   ");
        return;
    }
    if (const auto* ended = std::get_if<EventStreamEnded>(&event.body); ended && ended->outcome != StreamOutcome::Failed) {
        if (m_progressOnTerminal && !m_quiet) writeStatus("\r" + prefix + describeEvent(event) + "\n");
        return;
    }
    const bool isError = std::holds_alternative<EventError>(event.body) || std::holds_alternative<EventStreamEnded>(event.body);
    if (m_quiet && !isError) return;
    writeStatus(prefix + describeEvent(event) + "\n");
}

void EventPrinter::outputLine(const std::string& text) { writeOut(text + "\n"); }

void EventPrinter::errorLine(const std::string& text) { writeStatus(text + "\n"); }

bool EventPrinter::outputBroken() const { return m_broken; }

} // namespace socketeer::cli
