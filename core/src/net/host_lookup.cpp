// Host lookups: getaddrinfo on a detached thread, results posted back through a LookupGate.
#include "net/host_lookup.hpp"

#include <asio/error.hpp>
#include <asio/post.hpp>

#include <cstring>
#include <thread>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netdb.h>
#include <sys/socket.h>
#endif

namespace socketeer::core {
namespace {

std::error_code lookupError(int rc) {
#ifdef _WIN32
    return std::error_code(rc, asio::error::get_system_category());
#else
    switch (rc) {
    case EAI_NONAME: return asio::error::host_not_found;
#ifdef EAI_NODATA
#if EAI_NODATA != EAI_NONAME
    case EAI_NODATA: return asio::error::no_data;
#endif
#endif
    case EAI_AGAIN: return asio::error::host_not_found_try_again;
    case EAI_FAIL: return asio::error::no_recovery;
    case EAI_MEMORY: return asio::error::no_memory;
    case EAI_SYSTEM: return std::error_code(errno, asio::error::get_system_category());
    default: return std::error_code(rc, asio::error::get_addrinfo_category());
    }
#endif
}

} // namespace

void LookupGate::close() {
    std::lock_guard lock(m_mutex);
    m_io = nullptr;
}

void LookupGate::deliver(std::function<void()> fn) {
    std::lock_guard lock(m_mutex);
    if (m_io) asio::post(*m_io, std::move(fn));
}

void lookupHost(const std::shared_ptr<LookupGate>& gate, std::string host, LookupResult onDone) {
    std::thread([gate, host = std::move(host), onDone = std::move(onDone)]() mutable {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM; // one entry per address
        addrinfo* list = nullptr;
        const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
        std::error_code ec;
        std::vector<asio::ip::address> addresses;
        if (rc != 0) {
            ec = lookupError(rc);
        } else {
            for (addrinfo* entry = list; entry; entry = entry->ai_next) {
                if (entry->ai_family == AF_INET) {
                    const auto* v4 = reinterpret_cast<const sockaddr_in*>(entry->ai_addr);
                    asio::ip::address_v4::bytes_type bytes;
                    std::memcpy(bytes.data(), &v4->sin_addr, 4);
                    addresses.emplace_back(asio::ip::address_v4(bytes));
                } else if (entry->ai_family == AF_INET6) {
                    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(entry->ai_addr);
                    asio::ip::address_v6::bytes_type bytes;
                    std::memcpy(bytes.data(), &v6->sin6_addr, 16);
                    addresses.emplace_back(asio::ip::address_v6(bytes, v6->sin6_scope_id));
                }
            }
            ::freeaddrinfo(list);
            if (addresses.empty()) ec = asio::error::host_not_found;
        }
        gate->deliver([onDone = std::move(onDone), ec, addresses = std::move(addresses)]() mutable {
            onDone(ec, std::move(addresses));
        });
    }).detach();
}

} // namespace socketeer::core
