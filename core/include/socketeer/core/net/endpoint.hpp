// Endpoint and host:port parsing: how sessions name the other side, independent of asio.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

/// A numeric address and port. IPv4-mapped IPv6 peers of dual-stack sockets are shown as plain IPv4.
struct Endpoint {
    std::string address; ///< "127.0.0.1", "::1", "fe80::1%veth0"; no brackets
    std::uint16_t port = 0;

    [[nodiscard]] bool isV6() const { return address.find(':') != std::string::npos; }
    /// "127.0.0.1:5000" or "[::1]:5000".
    [[nodiscard]] std::string toString() const;
    bool operator==(const Endpoint&) const = default;
};

/// A host name or address literal plus a port, as the user typed it.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
    [[nodiscard]] std::string toString() const; ///< brackets an IPv6 literal
    bool operator==(const HostPort&) const = default;
};

/// "5000" → 5000. Errors name the problem: "port '70000' is out of range (0-65535)", "port 'http' is not a number".
Parsed<std::uint16_t> parsePort(std::string_view text);

/// "host:port", "1.2.3.4:80", "[::1]:80". A bare IPv6 literal without brackets is refused (its colons are ambiguous).
Parsed<HostPort> parseHostPort(std::string_view text);

/// True when text is a numeric IPv4 or IPv6 address (optionally with a %scope on IPv6).
bool isAddressLiteral(std::string_view text);

} // namespace socketeer::core
