// UdpSocket: send to anyone, receive from anyone, a peer table, broadcast, and multicast groups (IPv4 and IPv6).
#pragma once

#include <string>
#include <vector>

#include "socketeer/core/net/session.hpp"
#include "socketeer/core/payload/checksum.hpp"

namespace socketeer::core {

/// SocketTool's "UDP Group": groups joined at open, and the options of what this socket sends to a group.
struct MulticastConfig {
    std::vector<std::string> groups; ///< joined when the socket opens ("239.1.2.3", "ff12::1234")
    std::string interfaceName;       ///< IPv4: an interface address ("127.0.0.1"); IPv6: a name ("eth0") or index; "" = default
    int hops = 1;                    ///< TTL (IPv4) / hop limit (IPv6) of what we send to a group
    bool loopback = true;            ///< receive our own group traffic on this host

    bool operator==(const MulticastConfig&) const = default;
};

struct UdpSocketConfig {
    std::string bindAddress;       ///< "" = any (dual-stack [::] when possible, IPv4 for broadcast or an IPv4 group)
    std::uint16_t port = 0;        ///< 0 = any free port
    std::string remoteHost;        ///< default target ("" = reply to the last sender)
    std::uint16_t remotePort = 0;
    bool broadcast = false;
    bool reuseAddress = false;     ///< share the port with other sockets (always on when groups are joined)
    std::size_t receiveBufferBytes = 4u << 20; ///< SO_RCVBUF asked for (the OS may cap it); big enough for bursts
    MulticastConfig multicast;
    AutoReply autoReply;           ///< echo / fixed / prefixed reply to each datagram's sender
    bool discard = false;          ///< count what arrives, never store or show it; no auto reply (measurements)
    std::optional<ChecksumKind> check; ///< each datagram must end in this checksum of the bytes before it
    SessionLimits limits;

    bool operator==(const UdpSocketConfig&) const = default;
};

/// Largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP) and over IPv6 without jumbograms (65535 - 8).
inline constexpr std::size_t MaxUdpPayloadV4 = 65507;
inline constexpr std::size_t MaxUdpPayloadV6 = 65527;

class UdpSocket final : public Session {
public:
    explicit UdpSocket(UdpSocketConfig config);
    [[nodiscard]] const UdpSocketConfig& config() const { return m_config; }

    /// Joins / leaves a multicast group on the open socket; the outcome arrives as a notice or an error event.
    void joinGroup(std::string group, std::string interfaceName = {});
    void leaveGroup(std::string group, std::string interfaceName = {});

private:
    const UdpSocketConfig m_config;
    class Impl;
    std::shared_ptr<Impl> m_udp;
};

} // namespace socketeer::core
