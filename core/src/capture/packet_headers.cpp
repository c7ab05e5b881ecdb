// Synthesized packet headers: the layout of RFC 791, RFC 8200, RFC 9293 and RFC 768, checksums by RFC 1071.
#include "socketeer/core/capture/packet_headers.hpp"

#include <bit>
#include <cstring>

#include <asio/ip/address.hpp>

namespace socketeer::core {
namespace {

constexpr std::size_t EthernetHeaderSize = 14;
constexpr std::size_t Ipv4HeaderSize = 20;
constexpr std::size_t Ipv6HeaderSize = 40;
constexpr std::size_t TcpHeaderSize = 20;
constexpr std::size_t TcpSynOptionsSize = 8; // MSS (4), NOP (1), window scale (3)
constexpr std::size_t UdpHeaderSize = 8;
constexpr std::uint8_t ProtocolTcp = 6;
constexpr std::uint8_t ProtocolUdp = 17;
constexpr std::uint8_t HopLimit = 64;

void put16(std::uint8_t* at, std::uint32_t value) {
    at[0] = static_cast<std::uint8_t>(value >> 8);
    at[1] = static_cast<std::uint8_t>(value);
}

void put32(std::uint8_t* at, std::uint32_t value) {
    put16(at, value >> 16);
    put16(at + 2, value & 0xffff);
}

std::uint16_t fold(std::uint64_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

std::size_t addressSize(const WireEndpoint& endpoint) { return endpoint.v6 ? 16 : 4; }

/// A locally administered MAC made of the address's last four bytes: stable per host, never a real vendor's.
void putMac(std::uint8_t* at, const WireEndpoint& endpoint) {
    at[0] = 0x02;
    at[1] = 0x00;
    std::memcpy(at + 2, endpoint.address.data() + addressSize(endpoint) - 4, 4);
}

/// Ethernet and IP headers at the front of out (resized to hold them plus transportSize); returns where the
/// transport header starts.
std::uint8_t* putNetworkHeaders(Bytes& out, const WireEndpoint& source, const WireEndpoint& destination,
                                std::uint8_t protocol, std::size_t transportSize, std::size_t payloadSize) {
    const std::size_t ipSize = source.v6 ? Ipv6HeaderSize : Ipv4HeaderSize;
    out.assign(EthernetHeaderSize + ipSize + transportSize, 0);
    std::uint8_t* p = out.data();
    putMac(p, destination);
    putMac(p + 6, source);
    put16(p + 12, source.v6 ? 0x86dd : 0x0800);
    std::uint8_t* ip = p + EthernetHeaderSize;
    const std::size_t ipPayload = transportSize + payloadSize;
    if (source.v6) {
        ip[0] = 0x60;
        put16(ip + 4, static_cast<std::uint32_t>(ipPayload));
        ip[6] = protocol;
        ip[7] = HopLimit;
        std::memcpy(ip + 8, source.address.data(), 16);
        std::memcpy(ip + 24, destination.address.data(), 16);
    } else {
        ip[0] = 0x45;
        put16(ip + 2, static_cast<std::uint32_t>(Ipv4HeaderSize + ipPayload));
        put16(ip + 6, 0x4000); // don't fragment
        ip[8] = HopLimit;
        ip[9] = protocol;
        std::memcpy(ip + 12, source.address.data(), 4);
        std::memcpy(ip + 16, destination.address.data(), 4);
        put16(ip + 10, static_cast<std::uint16_t>(~fold(onesComplementSum({ip, Ipv4HeaderSize}))));
    }
    return ip + ipSize;
}

/// The transport checksum: pseudo-header, transport header (its checksum field zero) and payload.
std::uint16_t transportChecksum(const WireEndpoint& source, const WireEndpoint& destination, std::uint8_t protocol,
                                ByteView header, ByteView payload) {
    const std::size_t length = header.size() + payload.size();
    std::uint64_t sum = onesComplementSum({source.address.data(), addressSize(source)});
    sum += onesComplementSum({destination.address.data(), addressSize(destination)});
    sum += protocol + (length & 0xffff) + (length >> 16);
    sum += onesComplementSum(header);
    return static_cast<std::uint16_t>(~fold(onesComplementSum(payload, sum)));
}

} // namespace

std::optional<WireEndpoint> wireEndpoint(const Endpoint& endpoint) {
    std::string text = endpoint.address;
    if (const auto scope = text.find('%'); scope != std::string::npos) text.resize(scope);
    std::error_code ec;
    auto address = asio::ip::make_address(text, ec);
    if (ec) return std::nullopt;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    WireEndpoint wire;
    wire.port = endpoint.port;
    wire.v6 = address.is_v6();
    if (wire.v6) {
        const auto bytes = address.to_v6().to_bytes();
        std::memcpy(wire.address.data(), bytes.data(), 16);
    } else {
        const auto bytes = address.to_v4().to_bytes();
        std::memcpy(wire.address.data(), bytes.data(), 4);
    }
    return wire;
}

void matchFamilies(WireEndpoint& a, WireEndpoint& b) {
    if (a.v6 == b.v6) return;
    WireEndpoint& six = a.v6 ? a : b;
    six.v6 = false;
    six.address.fill(0); // "::" or a real IPv6 address: it has no IPv4 form
}

std::size_t maxSegmentPayload(bool v6, bool tcp) {
    const std::size_t transport = tcp ? TcpHeaderSize : UdpHeaderSize;
    return v6 ? 65535 - transport : 65535 - Ipv4HeaderSize - transport;
}

std::uint32_t onesComplementSum(ByteView bytes, std::uint64_t initial) {
    // Summed in the machine's order, 32 bits at a time into 64: RFC 1071 §2(B) lets the order be swapped at the end.
    std::uint64_t sum = 0;
    const std::uint8_t* p = bytes.data();
    std::size_t left = bytes.size();
    while (left >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        sum += (word & 0xffffffffu) + (word >> 32);
        p += 8;
        left -= 8;
    }
    if (left >= 4) {
        std::uint32_t word;
        std::memcpy(&word, p, 4);
        sum += word;
        p += 4;
        left -= 4;
    }
    if (left >= 2) {
        std::uint16_t word;
        std::memcpy(&word, p, 2);
        sum += word;
        p += 2;
        left -= 2;
    }
    if (left == 1) {
        const std::uint8_t last[2] = {*p, 0};
        std::uint16_t word;
        std::memcpy(&word, last, 2);
        sum += word;
    }
    std::uint16_t folded = fold(sum);
    if constexpr (std::endian::native == std::endian::little) folded = static_cast<std::uint16_t>((folded >> 8) | (folded << 8));
    return fold(initial + folded);
}

void buildTcpHeaders(Bytes& out, const WireEndpoint& source, const WireEndpoint& destination, const TcpSegment& segment,
                     ByteView payload) {
    const bool synOptions = (segment.flags & tcp_flags::Syn) && segment.windowScale > 0;
    const std::size_t headerSize = TcpHeaderSize + (synOptions ? TcpSynOptionsSize : 0);
    std::uint8_t* tcp = putNetworkHeaders(out, source, destination, ProtocolTcp, headerSize, payload.size());
    put16(tcp, source.port);
    put16(tcp + 2, destination.port);
    put32(tcp + 4, segment.seq);
    put32(tcp + 8, (segment.flags & tcp_flags::Ack) ? segment.ack : 0);
    tcp[12] = static_cast<std::uint8_t>((headerSize / 4) << 4);
    tcp[13] = segment.flags;
    put16(tcp + 14, segment.window);
    if (synOptions) {
        tcp[20] = 2; // maximum segment size
        tcp[21] = 4;
        put16(tcp + 22, static_cast<std::uint32_t>(maxSegmentPayload(source.v6, true)));
        tcp[24] = 1; // no-operation, to align
        tcp[25] = 3; // window scale
        tcp[26] = 3;
        tcp[27] = segment.windowScale;
    }
    put16(tcp + 16, transportChecksum(source, destination, ProtocolTcp, {tcp, headerSize}, payload));
}

void buildUdpHeaders(Bytes& out, const WireEndpoint& source, const WireEndpoint& destination, ByteView payload) {
    std::uint8_t* udp = putNetworkHeaders(out, source, destination, ProtocolUdp, UdpHeaderSize, payload.size());
    put16(udp, source.port);
    put16(udp + 2, destination.port);
    put16(udp + 4, static_cast<std::uint32_t>(UdpHeaderSize + payload.size()));
    std::uint16_t checksum = transportChecksum(source, destination, ProtocolUdp, {udp, UdpHeaderSize}, payload);
    if (checksum == 0) checksum = 0xffff; // zero means "no checksum" in UDP
    put16(udp + 6, checksum);
}

} // namespace socketeer::core
