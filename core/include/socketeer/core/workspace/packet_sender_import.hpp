// Packet Sender's saved packets (its File → Export Packets JSON) as a Socketeer workspace: each packet a saved
// payload with its bytes and repeat, sent through a client session for its target (one per protocol, host and port).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/parse_error.hpp"
#include "socketeer/core/workspace/workspace.hpp"

namespace socketeer::core {

struct PacketSenderImport {
    Workspace workspace;
    std::size_t packetsRead = 0;
    /// What could not be carried over, or was carried over differently, one sentence per packet and field:
    /// "packet 'login' (#3): HTTP POST requests are not carried over".
    std::vector<std::string> notes;
};

/// The export is a JSON array of objects with lower-case keys (name, hexstring, toip, port, tcporudp, repeat, ...).
/// A file that is not such an array is refused (the JSON error's line and column, or what the top level is); a
/// packet that cannot be carried over is left out with a note, and the others still are.
Parsed<PacketSenderImport> importPacketSender(std::string_view jsonText);
/// The same from a file (a regular file of at most a workspace's size); errors name the path.
Parsed<PacketSenderImport> importPacketSenderFile(const std::string& path);

} // namespace socketeer::core
