// Conversions between asio endpoints and core::Endpoint (IPv4-mapped IPv6 peers become plain IPv4).
#pragma once

#include <asio/ip/address.hpp>

#include "socketeer/core/net/endpoint.hpp"

namespace socketeer::core {

inline asio::ip::address unmapped(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    return address;
}

template <class AsioEndpoint>
Endpoint toEndpoint(const AsioEndpoint& endpoint) {
    return Endpoint{unmapped(endpoint.address()).to_string(), endpoint.port()};
}

} // namespace socketeer::core
