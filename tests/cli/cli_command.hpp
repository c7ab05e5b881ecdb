// The socketeer-cli binary under test and a command line for it, shared by the CLI's end-to-end tests.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace socketeer::test {

inline const std::string Cli = SOCKETEER_CLI_PATH;

/// {socketeer-cli, args...}
inline std::vector<std::string> cli(std::initializer_list<std::string> args) {
    std::vector<std::string> out{Cli};
    out.insert(out.end(), args);
    return out;
}

} // namespace socketeer::test
