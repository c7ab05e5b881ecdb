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
    auto parsed = core::PayloadTemplate::parse(text, hex ? core::PayloadSyntax::Hex : core::PayloadSyntax::Text, encoding);
    m_preview = {};
    if (!parsed) {
        m_preview.error = parsed.error().describe();
        return m_preview;
    }
    core::PayloadTemplate payload = std::move(parsed).value();
    switch (ending) {
    case LineEnding::None: break;
    case LineEnding::Cr: payload.appendLiteral(core::toBytes("\r")); break;
    case LineEnding::Lf: payload.appendLiteral(core::toBytes("\n")); break;
    case LineEnding::CrLf: payload.appendLiteral(core::toBytes("\r\n")); break;
    }
    // An example of what a send would be; the counter shows as 1 (each real send takes the session's next step).
    auto example = payload.resolve({}, &m_preview.computed);
    if (!example) {
        m_preview.error = example.error().describe();
        m_preview.computed.clear();
        return m_preview;
    }
    m_preview.bytes = std::move(example).value();
    m_preview.payload = std::make_shared<const core::PayloadTemplate>(std::move(payload));
    return m_preview;
}

core::Parsed<core::Bytes> SendComposer::resolveForSend(const core::SendContext& context) {
    const Preview& current = preview();
    if (!current.payload) return core::ParseError{1, 0, current.error};
    if (current.payload->isLiteral()) return *current.bytes;
    return current.payload->resolve(context);
}

void SendComposer::remember(const core::Bytes& bytes) {
    if (!m_history.empty() && m_history.front() == bytes) return;
    m_history.push_front(bytes);
    if (m_history.size() > 50) m_history.pop_back();
}

void SendComposer::load(const core::Bytes& bytes) {
    if (hex) {
        text = core::formatHex(bytes);
    } else {
        // The editor's text is a template: a '{' of the bytes is written "{{" so it stays a brace.
        text.clear();
        for (const char c : core::formatEscaped(bytes, encoding)) {
            text += c;
            if (c == '{') text += '{';
        }
    }
    ending = LineEnding::None; // the payload already holds whatever ending it had
}

} // namespace socketeer::app
