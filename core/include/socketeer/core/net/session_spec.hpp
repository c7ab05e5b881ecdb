// SessionSpec: what a session is — its kind, a name and the configuration of that kind. The domain type that the
// app's settings, the CLI's options and the workspace file all map to; makeSession builds the live session from it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "socketeer/core/net/proxy.hpp"
#include "socketeer/core/net/session.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/net/udp_socket.hpp"

namespace socketeer::core {

/// One session as configured: its kind, a name, and the configuration of that kind (the others are ignored).
struct SessionSpec {
    std::string name;
    SessionKind kind = SessionKind::TcpClient;
    bool openOnLoad = true;
    TcpClientConfig tcpClient;
    TcpServerConfig tcpServer;
    UdpSocketConfig udp;
    ProxyConfig proxy;

    bool operator==(const SessionSpec&) const = default;
    /// Equal in everything a live session is built from (the name and openOnLoad are not).
    [[nodiscard]] bool sameSession(const SessionSpec& other) const;
};

/// Constructs the session a spec describes (not opened).
std::unique_ptr<Session> makeSession(const SessionSpec& spec);

std::string_view sessionKindKey(SessionKind kind); ///< "tcp-client", "tcp-server", "udp", "proxy"

} // namespace socketeer::core
