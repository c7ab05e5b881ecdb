// ConnectionId and Direction: the two words every layer uses to say which stream and which way.
#pragma once

#include <cstdint>

namespace socketeer::core {

/// Identifies one TCP connection of a session (a server's client, or a client's current connection), or a UDP
/// socket's peer. 0 = the session itself.
using ConnectionId = std::uint64_t;

enum class Direction : std::uint8_t { Rx, Tx };

} // namespace socketeer::core
