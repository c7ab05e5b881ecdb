// Synthesized Ethernet + IPv4/IPv6 + TCP/UDP headers for bytes a socket carried, so a packet capture of them reads
// as the real endpoints, ports and TCP stream to Wireshark and its dissectors.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/net/endpoint.hpp"

namespace socketeer::core {

/// An endpoint as it goes in a header: 4 or 16 address bytes and a port.
struct WireEndpoint {
    bool v6 = false;
    std::array<std::uint8_t, 16> address{}; ///< the first 4 bytes for IPv4
    std::uint16_t port = 0;
    bool operator==(const WireEndpoint&) const = default;
};

/// The numeric address of an Endpoint (a %scope is dropped; an IPv4-mapped IPv6 address becomes IPv4); nullopt
/// when the address is not numeric.
std::optional<WireEndpoint> wireEndpoint(const Endpoint& endpoint);
/// Both ends in one family: a dual-stack socket reports "::" locally and a plain IPv4 peer. The IPv6 side of a
/// mixed pair becomes IPv4 (unspecified when it has no IPv4 form).
void matchFamilies(WireEndpoint& a, WireEndpoint& b);

namespace tcp_flags {
constexpr std::uint8_t Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10;
}

/// The most payload one synthesized segment or datagram holds (an IP packet's length is 16 bits).
std::size_t maxSegmentPayload(bool v6, bool tcp);

struct TcpSegment {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t window = 65535;
    std::uint8_t windowScale = 0; ///< > 0: a SYN carries the window scale option (and MSS)
};

/// Writes into `out` (replacing it) the Ethernet, IP and TCP headers of one segment carrying `payload`, checksums
/// computed over the payload. The payload must fit maxSegmentPayload.
void buildTcpHeaders(Bytes& out, const WireEndpoint& source, const WireEndpoint& destination, const TcpSegment& segment,
                     ByteView payload);
/// The same for one UDP datagram.
void buildUdpHeaders(Bytes& out, const WireEndpoint& source, const WireEndpoint& destination, ByteView payload);

/// RFC 1071's one's complement sum of `bytes`, folded to 16 bits, added to `initial` (not yet inverted).
std::uint32_t onesComplementSum(ByteView bytes, std::uint64_t initial = 0);

} // namespace socketeer::core
