// Fuzz target: any command line (NUL-separated arguments) parses to options or to an exit with a message.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::cli;
    std::vector<std::string> args{"socketeer-cli"};
    std::string current;
    for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
        if (data[i] == 0) {
            args.push_back(current);
            current.clear();
        } else {
            current.push_back(static_cast<char>(data[i]));
        }
    }
    if (!current.empty()) args.push_back(current);
    // A fuzzer must not read or write the machine's files: @PATH and `run FILE` stay inside a missing directory.
    for (auto& arg : args) {
        if (arg.starts_with("@")) arg = "@/nonexistent-socketeer-fuzz/" + arg.substr(1);
    }
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    auto result = parseCommandLine(static_cast<int>(argv.size()), argv.data());
    if (auto* exit = std::get_if<CliExit>(&result)) {
        if (exit->code != ExitDone && exit->err.empty()) std::abort(); // a refusal always says why
    }
    return 0;
}
