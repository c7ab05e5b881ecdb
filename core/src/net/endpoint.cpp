// Endpoint formatting and host:port parsing.
#include "socketeer/core/net/endpoint.hpp"

#include <asio/ip/address.hpp>

#include <charconv>

namespace socketeer::core {

std::string Endpoint::toString() const {
    if (isV6()) return "[" + address + "]:" + std::to_string(port);
    return address + ":" + std::to_string(port);
}

std::string HostPort::toString() const {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

Parsed<std::uint16_t> parsePort(std::string_view text) {
    const std::string quoted = "port '" + std::string(text) + "'";
    if (text.empty()) return ParseError{1, 1, "port is empty"};
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (end != text.data() + text.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        std::size_t column = static_cast<std::size_t>(end - text.data()) + 1;
        return ParseError{1, column, quoted + " is not a number"};
    }
    if (ec == std::errc::result_out_of_range || value > 65535) return ParseError{1, 1, quoted + " is out of range (0-65535)"};
    return static_cast<std::uint16_t>(value);
}

Parsed<HostPort> parseHostPort(std::string_view text) {
    if (text.empty()) return ParseError{1, 1, "address is empty (expected host:port)"};
    std::string_view host;
    std::string_view portText;
    std::size_t portColumn = 0;
    if (text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) return ParseError{1, 1, "'[' without matching ']'"};
        host = text.substr(1, close - 1);
        if (close + 1 >= text.size() || text[close + 1] != ':')
            return ParseError{1, close + 2, "expected ':port' after ']'"};
        portText = text.substr(close + 2);
        portColumn = close + 3;
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return ParseError{1, text.size() + 1, "missing ':port'"};
        if (text.find(':') != colon)
            return ParseError{1, 1, "IPv6 address needs brackets, e.g. [::1]:5000"};
        host = text.substr(0, colon);
        portText = text.substr(colon + 1);
        portColumn = colon + 2;
    }
    if (host.empty()) return ParseError{1, 1, "host is empty"};
    auto port = parsePort(portText);
    if (!port) {
        ParseError error = port.error();
        error.column += portColumn - 1;
        return error;
    }
    return HostPort{std::string(host), port.value()};
}

bool isAddressLiteral(std::string_view text) {
    asio::error_code ec;
    (void)asio::ip::make_address(std::string(text), ec);
    return !ec;
}

} // namespace socketeer::core
