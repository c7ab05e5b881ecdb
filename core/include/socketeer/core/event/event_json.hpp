// eventJsonLine: an event as one JSON object (socketeer-cli's --format jsonl, the app's JSON Lines export).
#pragma once

#include <string>
#include <string_view>

#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/event/session_event.hpp"
#include "socketeer/core/net/session.hpp"

namespace socketeer::core {

/// "listening", "data", "sent", "closed"...: the "event" field.
std::string eventJsonName(const SessionEventBody& body);
/// {"time": ISO, "event": ..., "session": ..., then the event's fields}, on one line, always valid JSON whatever
/// bytes it carries (text is escaped in `encoding`; invalid UTF-8 in names is replaced).
std::string eventJsonLine(std::string_view session, SessionKind kind, const SessionEvent& event, TextEncoding encoding);

} // namespace socketeer::core
