// Cidr parsing and matching.
#include "socketeer/core/net/cidr.hpp"

#include <asio/ip/address.hpp>

#include <charconv>

namespace socketeer::core {
namespace {

struct RawAddress {
    std::array<std::uint8_t, 16> bytes{};
    bool isV6 = false;
};

bool toRaw(std::string_view text, RawAddress& out) {
    asio::error_code ec;
    auto address = asio::ip::make_address(std::string(text), ec);
    if (ec) return false;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    out = {};
    out.isV6 = address.is_v6();
    if (out.isV6) {
        out.bytes = address.to_v6().to_bytes();
    } else {
        auto v4 = address.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), out.bytes.begin());
    }
    return true;
}

bool prefixMatches(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, unsigned bits) {
    unsigned fullBytes = bits / 8;
    for (unsigned i = 0; i < fullBytes; ++i)
        if (a[i] != b[i]) return false;
    unsigned rest = bits % 8;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (a[fullBytes] & mask) == (b[fullBytes] & mask);
}

} // namespace

Parsed<Cidr> Cidr::parse(std::string_view text) {
    auto slash = text.find('/');
    std::string_view addressText = text.substr(0, slash);
    RawAddress raw;
    if (!toRaw(addressText, raw)) return ParseError{1, 1, "'" + std::string(addressText) + "' is not an IP address"};
    const unsigned maxBits = raw.isV6 ? 128 : 32;
    unsigned bits = maxBits;
    if (slash != std::string_view::npos) {
        std::string_view bitsText = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(bitsText.data(), bitsText.data() + bitsText.size(), bits);
        if (bitsText.empty() || ec != std::errc() || end != bitsText.data() + bitsText.size() || bits > maxBits)
            return ParseError{1, slash + 2,
                              "prefix length '" + std::string(bitsText) + "' must be 0-" + std::to_string(maxBits)};
    }
    Cidr cidr;
    cidr.m_bytes = raw.bytes;
    cidr.m_isV6 = raw.isV6;
    cidr.m_prefixLength = bits;
    // A block with host bits set is almost always a typo; refuse it rather than silently masking.
    std::array<std::uint8_t, 16> masked{};
    for (unsigned bit = 0; bit < bits; ++bit)
        masked[bit / 8] |= static_cast<std::uint8_t>(raw.bytes[bit / 8] & (0x80 >> (bit % 8)));
    if (masked != raw.bytes) {
        Cidr suggestion = cidr;
        suggestion.m_bytes = masked;
        return ParseError{1, 1, "'" + std::string(text) + "' has host bits set; did you mean " + suggestion.toString() + "?"};
    }
    return cidr;
}

bool Cidr::contains(std::string_view address) const {
    RawAddress raw;
    if (!toRaw(address, raw) || raw.isV6 != m_isV6) return false;
    return prefixMatches(raw.bytes, m_bytes, m_prefixLength);
}

std::string Cidr::toString() const {
    std::string address;
    if (m_isV6) {
        address = asio::ip::address_v6(m_bytes).to_string();
    } else {
        address = asio::ip::address_v4({m_bytes[0], m_bytes[1], m_bytes[2], m_bytes[3]}).to_string();
    }
    return address + "/" + std::to_string(m_prefixLength);
}

} // namespace socketeer::core
