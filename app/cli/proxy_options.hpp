// socketeer-cli proxy's own options: where it listens and relays to, TLS on each side, and the framing and
// impairments of each direction ("--delay 20" for both, "--delay c2s:20" or "--delay 's>c:20'" for one).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "socketeer/core/net/proxy.hpp"
#include "tls_options.hpp"

namespace socketeer::cli {

struct RawProxyOptions {
    std::string listen;
    std::string to;
    bool udp = false;
    RawTlsOptions tlsListen;
    RawTlsOptions tlsTo;
    std::vector<std::string> frame;
    std::optional<std::size_t> maxFrame;
    std::vector<std::string> delay, jitter, loss, duplicate, reorder, split, rate;
    std::uint64_t seed = 1;
    std::uint64_t connectTimeoutMs = 5000;
    std::uint64_t udpIdleTimeoutMs = 60000;
    std::size_t maxClients = 0;
    std::string control;
};

void addProxyOptions(CLI::App* command, RawProxyOptions& raw);

inline constexpr std::string_view ImpairmentNames = "delay, jitter, loss, duplicate, reorder, split, rate";

/// One impairment as the command line writes it — NAME (delay, jitter, loss, duplicate, reorder, split, rate) and
/// "[c2s:|s2c:]VALUE" — set in the settings of the directions it names. "" or what is wrong ("--loss 'c2s:x': not
/// a number of percent ...").
std::string applyImpairment(std::string_view name, const std::string& value, core::ImpairmentSettings& toServer,
                            core::ImpairmentSettings& toClient);

/// The proxy the options describe, or the message for the user ("--loss 'c2s:x': not a number").
std::variant<core::ProxyConfig, std::string> proxyConfigValue(const RawProxyOptions& raw);

} // namespace socketeer::cli
