// Blocking socket calls, the same on POSIX and Windows (where a receive timeout is a DWORD of milliseconds and errors
// come from WSAGetLastError).
#include "net/blocking_io.hpp"

#include <asio/error.hpp>

#ifdef _WIN32
#include <winsock2.h>
#else
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#endif

namespace socketeer::core::blocking {
namespace {

#ifdef _WIN32
std::error_code lastError() {
    const int code = ::WSAGetLastError();
    if (code == WSAETIMEDOUT || code == WSAEWOULDBLOCK) return std::make_error_code(std::errc::timed_out);
    return {code, asio::error::get_system_category()}; // asio's category: compares equal to asio::error::*
}
#else
std::error_code lastError() {
    const int code = errno;
    if (code == EAGAIN || code == EWOULDBLOCK) return std::make_error_code(std::errc::timed_out);
    return {code, asio::error::get_system_category()}; // asio's category: compares equal to asio::error::*
}
#endif

} // namespace

std::error_code setReceiveSlice(Handle socket, std::chrono::milliseconds slice) {
#ifdef _WIN32
    const DWORD milliseconds = static_cast<DWORD>(slice.count());
    if (::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&milliseconds),
                     sizeof milliseconds) != 0)
        return lastError();
#else
    timeval timeout{};
    timeout.tv_sec = static_cast<time_t>(slice.count() / 1000);
    timeout.tv_usec = static_cast<suseconds_t>((slice.count() % 1000) * 1000);
    if (::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) return lastError();
#endif
    return {};
}

std::ptrdiff_t receive(Handle socket, void* data, std::size_t size, std::error_code& ec) {
#ifdef _WIN32
    const int n = ::recv(socket, static_cast<char*>(data), static_cast<int>(size), 0);
    if (n == SOCKET_ERROR) {
#else
    const ssize_t n = ::recv(socket, data, size, 0);
    if (n < 0) {
#endif
        ec = lastError();
        return -1;
    }
    ec.clear();
    return n;
}

std::ptrdiff_t send(Handle socket, const void* data, std::size_t size, std::error_code& ec) {
#ifdef _WIN32
    const int n = ::send(socket, static_cast<const char*>(data), static_cast<int>(size), 0);
    if (n == SOCKET_ERROR) {
#else
    const ssize_t n = ::send(socket, data, size, MSG_NOSIGNAL);
    if (n < 0) {
#endif
        ec = lastError();
        return -1;
    }
    ec.clear();
    return n;
}

} // namespace socketeer::core::blocking
