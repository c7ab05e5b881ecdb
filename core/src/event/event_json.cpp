// eventJsonLine: socketeer-cli's jsonl shape, the one every JSON Lines output and export uses.
#include "socketeer/core/event/event_json.hpp"

#include <nlohmann/json.hpp>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/event/event_text.hpp"
#include "socketeer/core/net/proxy.hpp"

namespace socketeer::core {

std::string eventJsonName(const SessionEventBody& body) {
    return std::visit(
        [](const auto& e) -> std::string {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, EventOpened>) return "listening";
            else if constexpr (std::is_same_v<T, EventConnecting>) return "connecting";
            else if constexpr (std::is_same_v<T, EventConnected>) return "connected";
            else if constexpr (std::is_same_v<T, EventAccepted>) return "accepted";
            else if constexpr (std::is_same_v<T, EventData>) return e.direction == Direction::Rx ? "data" : "sent";
            else if constexpr (std::is_same_v<T, EventClosed>) return "closed";
            else if constexpr (std::is_same_v<T, EventError>) return "error";
            else if constexpr (std::is_same_v<T, EventSendRejected>) return "rejected";
            else if constexpr (std::is_same_v<T, EventRefused>) return "refused";
            else if constexpr (std::is_same_v<T, EventReconnecting>) return "reconnecting";
            else if constexpr (std::is_same_v<T, EventNotice>) return "notice";
            else if constexpr (std::is_same_v<T, EventStreamProgress>) return "progress";
            else if constexpr (std::is_same_v<T, EventStreamEnded>) return "streamed";
            else if constexpr (std::is_same_v<T, EventTlsEstablished>) return "tls";
            else return "gap";
        },
        body);
}

std::string eventJsonLine(std::string_view session, SessionKind kind, const SessionEvent& event, TextEncoding encoding) {
    nlohmann::json j;
    j["time"] = formatIsoTimeUs(event.timeUs);
    j["event"] = eventJsonName(event.body);
    j["session"] = std::string(session);
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, EventOpened>) {
                j["peer"] = e.local.toString();
                j["local"] = e.local.toString();
            } else if constexpr (std::is_same_v<T, EventConnecting>) {
                j["peer"] = e.remote.toString();
                j["attempt"] = e.attempt;
            } else if constexpr (std::is_same_v<T, EventConnected> || std::is_same_v<T, EventAccepted>) {
                j["peer"] = e.remote.toString();
                j["local"] = e.local.toString();
                j["conn"] = e.id;
            } else if constexpr (std::is_same_v<T, EventData>) {
                j["peer"] = e.peer.toString();
                j["conn"] = e.id;
                const ByteView bytes = e.bytes ? ByteView(*e.bytes) : ByteView();
                j["size"] = bytes.size();
                j["hex"] = formatHex(bytes, '\0', false);
                j["text"] = formatEscaped(bytes, encoding);
                if (e.frame != FrameStatus::Unframed) j["frame"] = frameStatusName(e.frame);
                if (e.rule >= 0) j["rule"] = e.rule + 1; // numbered as given: the first --rule is rule 1
                if (e.check != CheckStatus::Unchecked) j["check"] = checkStatusName(e.check);
            } else if constexpr (std::is_same_v<T, EventClosed>) {
                j["peer"] = e.peer.toString();
                j["conn"] = e.id;
                j["reason"] = closeReasonName(e.reason);
                j["detail"] = e.detail;
                j["rxBytes"] = e.traffic.rxBytes;
                j["txBytes"] = e.traffic.txBytes;
            } else if constexpr (std::is_same_v<T, EventError>) {
                j["conn"] = e.id;
                j["message"] = e.message;
                j["code"] = e.code.value();
            } else if constexpr (std::is_same_v<T, EventSendRejected>) {
                j["conn"] = e.id;
                j["size"] = e.bytes;
                j["message"] = e.reason;
            } else if constexpr (std::is_same_v<T, EventRefused>) {
                j["peer"] = e.remote.toString();
                j["message"] = e.reason;
            } else if constexpr (std::is_same_v<T, EventReconnecting>) {
                j["delayMs"] = e.delay.count();
                j["attempt"] = e.attempt;
            } else if constexpr (std::is_same_v<T, EventNotice>) {
                j["message"] = e.text;
            } else if constexpr (std::is_same_v<T, EventStreamProgress>) {
                j["stream"] = e.stream;
                j["sent"] = e.sentBytes;
                if (e.totalBytes) j["total"] = *e.totalBytes;
            } else if constexpr (std::is_same_v<T, EventStreamEnded>) {
                j["stream"] = e.stream;
                j["outcome"] = streamOutcomeName(e.outcome);
                j["sent"] = e.sentBytes;
                if (e.totalBytes) j["total"] = *e.totalBytes;
                j["source"] = e.source;
                j["message"] = describeEvent(event);
            } else if constexpr (std::is_same_v<T, EventTlsEstablished>) {
                j["peer"] = e.peer.toString();
                j["conn"] = e.id;
                j["protocol"] = e.tls.protocol;
                j["cipher"] = e.tls.cipher;
                j["alpn"] = e.tls.alpn;
                if (const auto& certificate = e.tls.peerCertificate) {
                    j["subject"] = certificate->subject;
                    j["issuer"] = certificate->issuer;
                    j["notBefore"] = certificate->notBefore;
                    j["notAfter"] = certificate->notAfter;
                    j["sha256"] = certificate->sha256Fingerprint;
                    j["selfSigned"] = certificate->selfSigned;
                }
            } else {
                j["rxMessages"] = e.rxMessages;
                j["rxBytes"] = e.rxBytes;
            }
        },
        event.body);
    if (kind == SessionKind::Proxy)
        if (const auto* data = std::get_if<EventData>(&event.body)) {
            // Both directions are what the proxy received: c>s from a client, s>c from the target.
            j["event"] = "data";
            j["dir"] = proxyDirectionTag(data->direction == Direction::Rx ? ProxyDirection::ToServer : ProxyDirection::ToClient);
        }
    // error_handler_t::replace: a name or message is always valid JSON, whatever bytes reached it.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace socketeer::core
