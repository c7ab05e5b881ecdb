// Event wording.
#include "socketeer/core/event/event_text.hpp"

#include "socketeer/core/units_format.hpp"

namespace socketeer::core {

std::string describeTls(const TlsSessionInfo& tls) {
    std::string text = tls.protocol + ", " + tls.cipher + (tls.alpn.empty() ? ", no ALPN" : ", ALPN " + tls.alpn);
    if (!tls.peerCertificate) return text + "; the peer presented no certificate";
    const CertificateInfo& certificate = *tls.peerCertificate;
    return text + "; peer certificate " + certificate.subject +
           (certificate.selfSigned ? " (self-signed)" : ", issued by " + certificate.issuer) + ", valid " +
           certificate.notBefore + " to " + certificate.notAfter + ", SHA-256 " + certificate.sha256Fingerprint;
}

std::string describeEvent(const SessionEvent& event) {
    return std::visit(
        [&](const auto& e) -> std::string {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, EventOpened>) {
                return (e.listening ? "listening on " : "bound to ") + e.local.toString();
            } else if constexpr (std::is_same_v<T, EventConnecting>) {
                return "connecting to " + e.remote.toString() +
                       (e.attempt > 1 ? " (attempt " + std::to_string(e.attempt) + ")" : "");
            } else if constexpr (std::is_same_v<T, EventConnected>) {
                return "connected to " + e.remote.toString() + " from " + e.local.toString();
            } else if constexpr (std::is_same_v<T, EventAccepted>) {
                return "accepted " + e.remote.toString() + " (client #" + std::to_string(e.id) + ")";
            } else if constexpr (std::is_same_v<T, EventData>) {
                return {};
            } else if constexpr (std::is_same_v<T, EventClosed>) {
                return "closed (" + std::string(closeReasonName(e.reason)) + "): " + e.detail;
            } else if constexpr (std::is_same_v<T, EventError>) {
                return "error: " + e.message;
            } else if constexpr (std::is_same_v<T, EventSendRejected>) {
                return "send of " + std::to_string(e.bytes) + " bytes rejected: " + e.reason;
            } else if constexpr (std::is_same_v<T, EventRefused>) {
                return e.reason;
            } else if constexpr (std::is_same_v<T, EventReconnecting>) {
                return "reconnecting in " + std::to_string(e.delay.count()) + " ms (attempt " + std::to_string(e.attempt) + ")";
            } else if constexpr (std::is_same_v<T, EventNotice>) {
                return e.text;
            } else if constexpr (std::is_same_v<T, EventStreamProgress>) {
                return "sending: " + formatByteCount(e.sentBytes) +
                       (e.totalBytes ? " of " + formatByteCount(*e.totalBytes) : std::string());
            } else if constexpr (std::is_same_v<T, EventStreamEnded>) {
                const std::string amount = std::to_string(e.sentBytes) + " bytes";
                switch (e.outcome) {
                case StreamOutcome::Completed: return "sent " + e.source + " (" + amount + ")";
                case StreamOutcome::Cancelled: return "sending " + e.source + " cancelled after " + amount;
                case StreamOutcome::Failed: break;
                }
                return "sending " + e.source + " failed after " + amount +
                       (e.totalBytes ? " of " + std::to_string(*e.totalBytes) : std::string()) + ": " + e.detail;
            } else if constexpr (std::is_same_v<T, EventTlsEstablished>) {
                return "TLS with " + e.peer.toString() + ": " + describeTls(e.tls);
            } else {
                static_assert(std::is_same_v<T, EventDisplayGap>);
                return "display fell behind: " + std::to_string(e.rxMessages + e.txMessages) + " messages (" +
                       std::to_string(e.rxBytes + e.txBytes) + " bytes) counted but not shown";
            }
        },
        event.body);
}

std::string_view streamOutcomeName(StreamOutcome outcome) {
    switch (outcome) {
    case StreamOutcome::Completed: return "completed";
    case StreamOutcome::Failed: return "failed";
    case StreamOutcome::Cancelled: return "cancelled";
    }
    return "unknown";
}

EventSeverity eventSeverity(const SessionEvent& event) {
    if (std::holds_alternative<EventError>(event.body)) return EventSeverity::Error;
    if (const auto* ended = std::get_if<EventStreamEnded>(&event.body))
        return ended->outcome == StreamOutcome::Failed ? EventSeverity::Error : EventSeverity::Info;
    if (const auto* closed = std::get_if<EventClosed>(&event.body))
        return closed->reason == CloseReason::Reset || closed->reason == CloseReason::Error ||
                       closed->reason == CloseReason::Timeout
                   ? EventSeverity::Warning
                   : EventSeverity::Info;
    if (std::holds_alternative<EventSendRejected>(event.body) || std::holds_alternative<EventRefused>(event.body) ||
        std::holds_alternative<EventDisplayGap>(event.body))
        return EventSeverity::Warning;
    return EventSeverity::Info;
}

} // namespace socketeer::core
