// Cidr: an address block ("10.0.0.0/8", "::1/128", "127.0.0.1") for a server's peer allow-list.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

class Cidr {
public:
    /// "192.168.0.0/16", "::1", "fe80::/10". A bare address means the whole address (/32 or /128).
    /// Host bits set beyond the prefix are an error ("10.1.2.3/8 has host bits set; did you mean 10.0.0.0/8?").
    static Parsed<Cidr> parse(std::string_view text);

    /// address is numeric text as in Endpoint::address; IPv4-mapped IPv6 addresses match IPv4 blocks.
    [[nodiscard]] bool contains(std::string_view address) const;
    [[nodiscard]] std::string toString() const;
    bool operator==(const Cidr&) const = default;

private:
    std::array<std::uint8_t, 16> m_bytes{};
    bool m_isV6 = false;
    unsigned m_prefixLength = 0;
};

} // namespace socketeer::core
