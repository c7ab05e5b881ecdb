// Events in words: the one wording every front end uses (the CLI's status lines, the app's connection log).
#pragma once

#include <cstdint>
#include <string>

#include "socketeer/core/event/session_event.hpp"

namespace socketeer::core {

enum class EventSeverity : std::uint8_t { Info, Warning, Error };

/// "listening on 127.0.0.1:5000", "closed (reset): connection reset by ...", "error: connect to ... refused".
/// Data events give "".
std::string describeEvent(const SessionEvent& event);

/// "TLSv1.3, TLS_AES_256_GCM_SHA384, ALPN h2; peer certificate CN=… (self-signed), valid … to …, SHA-256 AB:…".
std::string describeTls(const TlsSessionInfo& tls);

/// Errors are errors; resets, timeouts, refusals, rejections and display gaps are warnings; the rest is information.
EventSeverity eventSeverity(const SessionEvent& event);

} // namespace socketeer::core
