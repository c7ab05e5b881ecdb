// socketeer-cli: the headless front end on core (no GUI library linked).
#include <cstdio>

#include "cli_options.hpp"
#include "cli_runner.hpp"
#include "console_text.hpp"
#include "stop_signal.hpp"
#include "socketeer/core/net/open_file_limit.hpp"

int main(int argc, char** argv) {
    using namespace socketeer::cli;
    StopSignal::install(); // before any session starts a thread
    useBinaryStandardStreams();
    socketeer::core::raiseOpenFileLimit(); // a tcp-server may hold as many clients as the hard limit allows
    auto parsed = parseCommandLine(argc, argv);
    if (auto* exit = std::get_if<CliExit>(&parsed)) {
        std::fputs(consoleLines(exit->out).c_str(), stdout);
        std::fputs(exit->err.c_str(), stderr);
        return exit->code;
    }
    return runCli(std::get<CliOptions>(parsed), stdin, stdout, stderr);
}
