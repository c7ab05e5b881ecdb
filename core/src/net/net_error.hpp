// How socket errors become words: OS message plus a hint, and the close reason an error means.
#pragma once

#include <string>
#include <system_error>

#include "socketeer/core/event/session_event.hpp"

namespace socketeer::core {

/// The OS message for ec, with a hint where the fix is known ("permission denied (ports below 1024 need root ...)").
std::string describeError(const std::error_code& ec, std::uint16_t port = 0);

/// eof → PeerClosed; reset, broken pipe, aborted → Reset; timed out → Timeout; anything else → Error.
CloseReason closeReasonFor(const std::error_code& ec);

/// True for errors that mean "out of file descriptors or buffers" (accept should back off and retry).
bool isResourceExhaustion(const std::error_code& ec);

} // namespace socketeer::core
