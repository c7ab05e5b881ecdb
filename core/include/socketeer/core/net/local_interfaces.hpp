// The machine's network interfaces and their addresses, for the choices a user makes (a local address to bind, the
// interface a multicast group is joined on) instead of typing them from memory.
#pragma once

#include <string>
#include <vector>

namespace socketeer::core {

struct LocalAddress {
    std::string address; ///< "192.168.1.5", "fe80::1" (no zone: the interface says it)
    bool ipv6 = false;
};

struct LocalInterface {
    std::string name;  ///< what the sockets API takes: "eth0" (Linux), the interface index (Windows)
    std::string label; ///< what a person recognises: "eth0", "Ethernet 2"
    bool up = false;
    bool loopback = false;
    bool multicast = false;
    std::vector<LocalAddress> addresses;
};

/// Interfaces in the order the system lists them, each with its IPv4 and IPv6 addresses. Empty when the system
/// cannot say (the caller still offers what the user types).
std::vector<LocalInterface> listLocalInterfaces();

} // namespace socketeer::core
