// CliRunner: opens the sessions a command line asks for, feeds them (--send, stdin), and decides when and how to exit.
#pragma once

#include <cstdio>

#include "cli_options.hpp"

namespace socketeer::cli {

/// Runs until done, --count, --timeout, a fatal network error or SIGINT/SIGTERM; returns the exit code.
int runCli(const CliOptions& options, std::FILE* in, std::FILE* out, std::FILE* err);

} // namespace socketeer::cli
