// `socketeer-cli import-packetsender FILE -o WORKSPACE`: Packet Sender's saved packets as a workspace file.
#pragma once

#include <cstdio>

#include "cli_options.hpp"

namespace socketeer::cli {

/// Writes the workspace and reports what was carried over and what not (stdout); exit 2 when FILE is not a Packet
/// Sender export or WORKSPACE cannot be written.
int runImportPacketSender(const CliOptions& options, std::FILE* out, std::FILE* err);

} // namespace socketeer::cli
