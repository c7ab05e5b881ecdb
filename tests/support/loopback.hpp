// Session configurations the tests share: a server on loopback, a client to a loopback port.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "socketeer/core/net/proxy.hpp"
#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "socketeer/core/payload/payload_template.hpp"

namespace socketeer::test {

/// A payload template written as text with escapes and tokens ("ack {n}\\n"); the test fails on a bad one.
inline core::PayloadTemplate textTemplate(std::string_view text) {
    auto parsed = core::PayloadTemplate::parse(text, core::PayloadSyntax::Text);
    if (!parsed) throw std::invalid_argument(std::string(text) + ": " + parsed.error().describe());
    return std::move(parsed).value();
}

/// A TCP server on 127.0.0.1 (or `address`), port 0, answering with `mode`.
inline core::TcpServerConfig loopbackServer(core::ReplyMode mode = core::ReplyMode::None,
                                            std::string address = "127.0.0.1") {
    core::TcpServerConfig config;
    config.bindAddress = std::move(address);
    config.autoReply.mode = mode;
    return config;
}

/// A TCP client to `host` (127.0.0.1 by default) at `port`.
inline core::TcpClientConfig clientTo(std::uint16_t port, std::string host = "127.0.0.1") {
    core::TcpClientConfig config;
    config.host = std::move(host);
    config.port = port;
    return config;
}

/// A proxy listening on 127.0.0.1 (any free port) in front of 127.0.0.1:`targetPort`.
inline core::ProxyConfig proxyToLoopback(std::uint16_t targetPort) {
    core::ProxyConfig config;
    config.listenAddress = "127.0.0.1";
    config.targetHost = "127.0.0.1";
    config.targetPort = targetPort;
    return config;
}

} // namespace socketeer::test
