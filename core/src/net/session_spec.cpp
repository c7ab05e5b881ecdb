// SessionSpec: comparison and construction.
#include "socketeer/core/net/session_spec.hpp"

namespace socketeer::core {

bool SessionSpec::sameSession(const SessionSpec& other) const {
    if (kind != other.kind) return false;
    switch (kind) {
    case SessionKind::TcpClient: return tcpClient == other.tcpClient;
    case SessionKind::TcpServer: return tcpServer == other.tcpServer;
    case SessionKind::Udp: return udp == other.udp;
    case SessionKind::Proxy: return proxy == other.proxy;
    }
    return false;
}

std::unique_ptr<Session> makeSession(const SessionSpec& spec) {
    switch (spec.kind) {
    case SessionKind::TcpClient: return std::make_unique<TcpClient>(spec.tcpClient);
    case SessionKind::TcpServer: return std::make_unique<TcpServer>(spec.tcpServer);
    case SessionKind::Udp: return std::make_unique<UdpSocket>(spec.udp);
    case SessionKind::Proxy: return std::make_unique<Proxy>(spec.proxy);
    }
    return nullptr;
}

std::string_view sessionKindKey(SessionKind kind) {
    switch (kind) {
    case SessionKind::TcpClient: return "tcp-client";
    case SessionKind::TcpServer: return "tcp-server";
    case SessionKind::Udp: return "udp";
    case SessionKind::Proxy: return "proxy";
    }
    return "tcp-client";
}

} // namespace socketeer::core
