// The socketeer-cli binary under test and a command line for it, shared by the CLI's end-to-end tests.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "process.hpp"

namespace socketeer::test {

inline const std::string Cli = SOCKETEER_CLI_PATH;

/// {socketeer-cli, args...}
inline std::vector<std::string> cli(std::initializer_list<std::string> args) {
    std::vector<std::string> out{Cli};
    out.insert(out.end(), args);
    return out;
}

/// Each line of JSON Lines output, parsed.
inline std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
        start = end + 1;
    }
    return lines;
}

/// The last jsonl line whose "event" is `name` (null when there is none).
inline nlohmann::json lastEvent(const std::string& text, const std::string& name) {
    nlohmann::json found;
    for (auto& line : jsonLines(text))
        if (line.value("event", "") == name) found = std::move(line);
    return found;
}

/// `socketeer-cli proxy` on 127.0.0.1 (any free port) in front of 127.0.0.1:`target`, then `extra`.
inline std::vector<std::string> proxyTo(std::uint16_t target, std::initializer_list<std::string> extra) {
    auto args = cli({"proxy", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:" + std::to_string(target)});
    args.insert(args.end(), extra);
    return args;
}

/// A server process on 127.0.0.1 port 0 with extra arguments; the test reads its real port.
struct Server {
    explicit Server(std::vector<std::string> args) : process(std::move(args)), port(process.waitForListeningPort()) {}
    Process process;
    std::uint16_t port;
};

inline std::vector<std::string> tcpServer(std::initializer_list<std::string> extra, const std::string& bind = "127.0.0.1") {
    auto args = cli({"tcp-server", "--bind", bind, "--port", "0"});
    args.insert(args.end(), extra);
    return args;
}

} // namespace socketeer::test
