// Session configurations the tests share: a server on loopback, a client to a loopback port.
#pragma once

#include <string>

#include "socketeer/core/net/tcp_client.hpp"
#include "socketeer/core/net/tcp_server.hpp"

namespace socketeer::test {

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

} // namespace socketeer::test
