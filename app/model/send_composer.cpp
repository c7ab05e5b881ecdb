// SendComposer: parsing what the user typed, never "fixing" it.
#include "send_composer.hpp"

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"

namespace socketeer::app {

std::string_view lineEndingName(LineEnding ending) {
    switch (ending) {
    case LineEnding::None: return "none";
    case LineEnding::Cr: return "CR";
    case LineEnding::Lf: return "LF";
    case LineEnding::CrLf: return "CR LF";
    }
    return "none";
}

const SendComposer::Preview& SendComposer::preview() {
    if (m_valid && text == m_lastText && hex == m_lastHex && ending == m_lastEnding && encoding == m_lastEncoding)
        return m_preview;
    m_lastText = text;
    m_lastHex = hex;
    m_lastEnding = ending;
    m_lastEncoding = encoding;
    m_valid = true;
    auto parsed = hex ? core::parseHex(text) : core::parseEscaped(text, encoding);
    m_preview = {};
    if (!parsed) {
        m_preview.error = parsed.error().describe();
        return m_preview;
    }
    core::Bytes bytes = std::move(parsed).value();
    switch (ending) {
    case LineEnding::None: break;
    case LineEnding::Cr: bytes.push_back('\r'); break;
    case LineEnding::Lf: bytes.push_back('\n'); break;
    case LineEnding::CrLf:
        bytes.push_back('\r');
        bytes.push_back('\n');
        break;
    }
    m_preview.bytes = std::move(bytes);
    return m_preview;
}

void SendComposer::remember(const core::Bytes& bytes) {
    if (!m_history.empty() && m_history.front() == bytes) return;
    m_history.push_front(bytes);
    if (m_history.size() > 50) m_history.pop_back();
}

void SendComposer::load(const core::Bytes& bytes) {
    text = hex ? core::formatHex(bytes) : core::formatEscaped(bytes, encoding);
    ending = LineEnding::None; // the payload already holds whatever ending it had
}

} // namespace socketeer::app
