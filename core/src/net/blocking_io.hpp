// Blocking sends and receives on an asio socket's descriptor, with receives that give up after a slice of time: for a
// thread with one exchange in flight and nothing else to wait for (a round-trip generator), where the reactor's
// wait-then-read costs two system calls more per message than a blocking recv does.
#pragma once

#include <chrono>
#include <cstddef>
#include <system_error>

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

namespace socketeer::core::blocking {

/// A descriptor (int) or a SOCKET: what both TCP and UDP sockets' native_handle() convert to (on Windows a UDP socket's
/// handle type is a class of its own).
using Handle = asio::detail::socket_type;

/// Sets a receive timeout of `slice` on a socket already in blocking mode (asio's non_blocking(false)).
std::error_code setReceiveSlice(Handle socket, std::chrono::milliseconds slice);

/// One recv(): the bytes read (0 = a stream's end), or -1 with `ec` set; std::errc::timed_out when the slice passed.
std::ptrdiff_t receive(Handle socket, void* data, std::size_t size, std::error_code& ec);

/// One send() (no SIGPIPE): the bytes taken, or -1 with `ec` set.
std::ptrdiff_t send(Handle socket, const void* data, std::size_t size, std::error_code& ec);

} // namespace socketeer::core::blocking
