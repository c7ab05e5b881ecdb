// SessionEvent: everything a session reports to its front end, as one variant of small structs.
#pragma once

#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/connection.hpp"
#include "socketeer/core/framing/frame_status.hpp"
#include "socketeer/core/net/endpoint.hpp"
#include "socketeer/core/stats/counters.hpp"
#include "socketeer/core/time_format.hpp"
#include "socketeer/core/tls/tls_session_info.hpp"

namespace socketeer::core {

/// Why a connection (or the session itself) closed.
enum class CloseReason : std::uint8_t {
    Local,      ///< this side closed it (the user, or close-after-reply)
    Kicked,     ///< the user kicked a server's client
    PeerClosed, ///< orderly close by the peer (FIN)
    Reset,      ///< the peer reset the connection (RST, broken pipe)
    Timeout,    ///< connect timeout
    Error,      ///< any other failure; the detail says which
};
std::string_view closeReasonName(CloseReason reason); ///< "local", "kicked", "peer closed", "reset", "timeout", "error"

/// A server is listening / a UDP socket is bound, at the real local endpoint (the real port when port 0 was asked).
struct EventOpened {
    Endpoint local;
    /// True when the session waits for peers (a server, a UDP socket without a default remote); false when it bound
    /// only for its own sends (a UDP socket aimed at a remote). Front ends say "listening on" or "bound to" from it.
    bool listening = true;
};

/// A client starts a connection attempt to one resolved address.
struct EventConnecting {
    Endpoint remote;
    unsigned attempt = 1;
};

/// A client's connection is established.
struct EventConnected {
    ConnectionId id = 0;
    Endpoint local;
    Endpoint remote;
    bool tls = false; ///< over TLS: its data events are plaintext, a pcapng capture holds the ciphertext
};

/// A server accepted a client.
struct EventAccepted {
    ConnectionId id = 0;
    Endpoint local;
    Endpoint remote;
    bool tls = false; ///< as EventConnected's
};

/// Whether a received message ended in the checksum the session checks for (--check).
enum class CheckStatus : std::uint8_t { Unchecked, Good, Bad };
std::string_view checkStatusName(CheckStatus status); ///< "", "ok", "bad"

/// A connection's TLS handshake completed: what it settled on, and the peer's certificate.
struct EventTlsEstablished {
    ConnectionId id = 0;
    Endpoint peer;
    TlsSessionInfo tls;
};

/// Bytes received (Rx) or written to the OS (Tx). Received over a framed TCP session: one message (decoded, for
/// SLIP and COBS), with how it ended; otherwise one read or one datagram, Unframed.
struct EventData {
    Direction direction = Direction::Rx;
    ConnectionId id = 0;
    Endpoint peer;
    SharedBytes bytes;
    FrameStatus frame = FrameStatus::Unframed;
    CheckStatus check = CheckStatus::Unchecked;
    std::int32_t rule = -1; ///< sent bytes that a match rule's reply made: the rule's index (0 = the first); else -1
};

/// A connection closed; id 0 means the session itself stopped (listener or socket closed).
struct EventClosed {
    ConnectionId id = 0;
    Endpoint peer;
    CloseReason reason = CloseReason::Local;
    std::string detail; ///< a sentence, e.g. "connection reset by 127.0.0.1:5000"
    TrafficSnapshot traffic; ///< what this connection carried, final and exact
};

/// Something failed. message names the endpoint and the OS error: "connect to 127.0.0.1:1 failed: Connection refused".
struct EventError {
    ConnectionId id = 0;
    std::error_code code;
    std::string message;
};

/// A send was not queued: the send budget is full, there is no peer, the target is invalid.
struct EventSendRejected {
    ConnectionId id = 0;
    std::size_t bytes = 0;
    std::string reason;
};

/// A server refused a client: allow-list, max-clients.
struct EventRefused {
    Endpoint remote;
    std::string reason;
};

/// A client will try again after a delay (auto-reconnect).
struct EventReconnecting {
    std::chrono::milliseconds delay{0};
    unsigned attempt = 0;
};

/// Informational: group joined, repeat finished.
struct EventNotice {
    std::string text;
};

/// Identifies a streaming send of a session (Session::sendStream); unique within the session, never 0.
using StreamId = std::uint64_t;

/// A streaming send moved on: at most every ProgressInterval, and only for sends that take longer than that.
struct EventStreamProgress {
    StreamId stream = 0;
    std::uint64_t sentBytes = 0;                ///< handed to the OS so far, over every destination
    std::optional<std::uint64_t> totalBytes;    ///< what there is to send, over every destination, when known
};

enum class StreamOutcome : std::uint8_t { Completed, Failed, Cancelled };
std::string_view streamOutcomeName(StreamOutcome outcome); ///< "completed", "failed", "cancelled"

/// A streaming send ended: every byte handed to the OS (Completed), or not (the detail says why).
struct EventStreamEnded {
    StreamId stream = 0;
    StreamOutcome outcome = StreamOutcome::Completed;
    std::uint64_t sentBytes = 0;
    std::optional<std::uint64_t> totalBytes;
    std::string source; ///< "file 'big.bin'", "payload"
    std::string detail; ///< why it failed ("the connection to 127.0.0.1:5000 closed")
};

/// The event queue was over its budget: these events were counted (counters and capture stay exact) but not queued.
struct EventDisplayGap {
    std::uint64_t rxBytes = 0;
    std::uint64_t rxMessages = 0;
    std::uint64_t txBytes = 0;
    std::uint64_t txMessages = 0;
    std::uint64_t otherEvents = 0;
    [[nodiscard]] bool empty() const { return rxMessages + txMessages + otherEvents == 0; }
};

using SessionEventBody = std::variant<EventOpened, EventConnecting, EventConnected, EventAccepted, EventData, EventClosed,
                                      EventError, EventSendRejected, EventRefused, EventReconnecting, EventNotice,
                                      EventStreamProgress, EventStreamEnded, EventDisplayGap, EventTlsEstablished>;

struct SessionEvent {
    std::int64_t timeUs = 0; ///< wall clock, microseconds since the Unix epoch
    SessionEventBody body;
};

} // namespace socketeer::core
