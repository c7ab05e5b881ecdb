// Names and clock helpers for session events.
#include "socketeer/core/event/session_event.hpp"


namespace socketeer::core {

std::string_view checkStatusName(CheckStatus status) {
    switch (status) {
    case CheckStatus::Unchecked: return "";
    case CheckStatus::Good: return "ok";
    case CheckStatus::Bad: return "bad";
    }
    return "";
}

std::string_view closeReasonName(CloseReason reason) {
    switch (reason) {
    case CloseReason::Local: return "local";
    case CloseReason::Kicked: return "kicked";
    case CloseReason::PeerClosed: return "peer closed";
    case CloseReason::Reset: return "reset";
    case CloseReason::Timeout: return "timeout";
    case CloseReason::Error: return "error";
    }
    return "unknown";
}

} // namespace socketeer::core
