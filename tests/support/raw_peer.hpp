// RawPeer: a plain blocking TCP client on loopback for end-to-end tests — write bytes, read what comes back within
// a deadline (a missing answer fails the test instead of hanging it).
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "wait.hpp"

namespace socketeer::test {

struct RawPeer {
    asio::io_context io;
    asio::ip::tcp::socket socket{io};
    explicit RawPeer(std::uint16_t port) { socket.connect({asio::ip::address_v4::loopback(), port}); }
    void write(std::string_view bytes) { asio::write(socket, asio::buffer(bytes.data(), bytes.size())); }
    /// The next n bytes, or what came of them within the deadline.
    std::string read(std::size_t n, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        if (!eventually([&] { return socket.available() >= n; }, deadline)) n = socket.available();
        std::string bytes(n, '\0');
        asio::read(socket, asio::buffer(bytes));
        return bytes;
    }
    /// True once the peer has closed (a read returns end of file) within the deadline.
    bool closedByPeer(std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        socket.non_blocking(true);
        return eventually([&] {
            char byte;
            std::error_code ec;
            socket.read_some(asio::buffer(&byte, 1), ec);
            return ec == asio::error::eof || ec == asio::error::connection_reset;
        }, deadline);
    }
};

} // namespace socketeer::test
