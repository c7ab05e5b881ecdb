// TcpServer: listens, accepts any number of clients into a registry; send to one or all, kick; limits and allow-list.
#pragma once

#include <string>
#include <vector>

#include "socketeer/core/net/cidr.hpp"
#include "socketeer/core/framing/frame_spec.hpp"
#include "socketeer/core/net/session.hpp"
#include "socketeer/core/payload/checksum.hpp"
#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::core {

struct TcpServerConfig {
    std::string bindAddress;       ///< "" = all interfaces, dual-stack ([::] accepting IPv4 too; 0.0.0.0 without IPv6)
    std::uint16_t port = 0;        ///< 0 = any free port; the Opened event reports the real one
    int backlog = 1024;
    bool reuseAddress = true;      ///< restart on a port in TIME_WAIT (not applied on Windows, where it means port sharing)
    std::size_t maxClients = 0;    ///< 0 = no limit; past it new clients are refused (EventRefused)
    std::vector<Cidr> allowList;   ///< empty = everyone; else only peers inside one of these blocks
    AutoReply autoReply;
    bool discard = false;          ///< count what arrives, never store or show it (pure receive measurements)
    FrameSpec framing;             ///< how each client's byte stream is cut into messages (none: as it is read)
    std::optional<ChecksumKind> check; ///< each received message must end in this checksum of the bytes before it
    TlsSettings tls;               ///< TLS over the connections (tls.enabled), checked when the session opens
    SessionLimits limits;

    bool operator==(const TcpServerConfig&) const = default;
};

class TcpServer final : public Session {
public:
    explicit TcpServer(TcpServerConfig config);
    [[nodiscard]] const TcpServerConfig& config() const { return m_config; }

private:
    const TcpServerConfig m_config;
};

} // namespace socketeer::core
