// SendComposer: the send pane's logic — text or hex entry, line ending, the exact bytes that will go out, history.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>
#include <string>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/parse_error.hpp"
#include "socketeer/core/payload/payload_template.hpp"

namespace socketeer::app {

enum class LineEnding : std::uint8_t { None, Cr, Lf, CrLf };
std::string_view lineEndingName(LineEnding ending); ///< "none", "CR", "LF", "CR LF"

class SendComposer {
public:
    bool hex = false;
    std::string text;
    LineEnding ending = LineEnding::None;
    core::TextEncoding encoding = core::TextEncoding::Utf8;
    std::string sendError; ///< why the last Send did not go out (a length that outgrew its field), until the next

    /// The bytes that Send would send now, or why there are none. Recomputed only when an input changed: tokens
    /// that change per send ({counter}, {time}, {rand:N}) show one example, marked as computed.
    struct Preview {
        std::optional<core::Bytes> bytes;
        std::vector<core::PayloadTemplate::Span> computed;   ///< where the tokens' bytes are in `bytes`
        std::shared_ptr<const core::PayloadTemplate> payload; ///< what was typed, with the line ending
        std::string error; ///< "bad hex digit 'G' at column 5", "unknown token {crc99} at column 12"
    };
    const Preview& preview();
    /// The bytes of one send: the template resolved now, with `context` (the session's counter, the peer).
    core::Parsed<core::Bytes> resolveForSend(const core::SendContext& context);

    /// After a successful send: remember the payload (most recent first, at most 50, no immediate repeats).
    void remember(const core::Bytes& bytes);
    [[nodiscard]] const std::deque<core::Bytes>& history() const { return m_history; }
    /// Puts a payload back into the editor in the current mode (hex, or text with escapes): exact round trip.
    void load(const core::Bytes& bytes);

private:
    Preview m_preview;
    std::string m_lastText;
    bool m_lastHex = false;
    LineEnding m_lastEnding = LineEnding::None;
    core::TextEncoding m_lastEncoding = core::TextEncoding::Utf8;
    bool m_valid = false;
    std::deque<core::Bytes> m_history;
};

} // namespace socketeer::app
