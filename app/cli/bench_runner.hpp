// runBench: `socketeer-cli bench ...` — runs the traffic generator, prints a line per report interval and a summary.
#pragma once

#include <cstdio>

#include "cli_options.hpp"

namespace socketeer::cli {

/// Exit 0 when the run finished, 1 when it failed (nothing could connect, the peer is not an echo server, ...).
int runBench(const CliOptions& options, std::FILE* out, std::FILE* err);

} // namespace socketeer::cli
