// TcpClient: connects to a host name or address, with timeout, optional local bind and auto-reconnect with backoff.
#pragma once

#include <chrono>
#include <string>

#include "socketeer/core/framing/frame_spec.hpp"
#include "socketeer/core/net/session.hpp"
#include "socketeer/core/payload/checksum.hpp"
#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::core {

struct TcpClientConfig {
    std::string host;              ///< name or IPv4/IPv6 literal
    std::uint16_t port = 0;
    std::chrono::milliseconds connectTimeout{5000};
    std::string localAddress;      ///< optional local bind address ("" = any)
    std::uint16_t localPort = 0;   ///< optional local port (0 = any)
    bool autoReconnect = false;    ///< after a lost connection or a failed attempt (not after a local close)
    std::chrono::milliseconds reconnectInitialDelay{500};
    std::chrono::milliseconds reconnectMaxDelay{30000};
    unsigned reconnectMaxAttempts = 0; ///< 0 = keep trying
    AutoReply autoReply;
    FrameSpec framing;             ///< how the received byte stream is cut into messages (none: as it is read)
    std::optional<ChecksumKind> check; ///< each received message must end in this checksum of the bytes before it
    TlsSettings tls;               ///< TLS over the connection (tls.enabled), checked when the session opens
    SessionLimits limits;

    bool operator==(const TcpClientConfig&) const = default;
};

class TcpClient final : public Session {
public:
    explicit TcpClient(TcpClientConfig config);
    [[nodiscard]] const TcpClientConfig& config() const { return m_config; }

private:
    const TcpClientConfig m_config;
};

} // namespace socketeer::core
