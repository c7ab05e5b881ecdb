// listLocalInterfaces: getifaddrs on POSIX, GetAdaptersAddresses on Windows.
#include "socketeer/core/net/local_interfaces.hpp"

#include <algorithm>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <vector>
#else
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#endif

namespace socketeer::core {

namespace {

std::string addressText(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
    else if (address->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
    return text;
}

#ifdef _WIN32
std::string utf8(const wchar_t* wide) {
    if (!wide) return {};
    const int size = WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
    if (size <= 1) return {};
    std::string out(static_cast<std::size_t>(size - 1), '\0');
    WideCharToMultiByte(CP_UTF8, 0, wide, -1, out.data(), size, nullptr, nullptr);
    return out;
}
#endif

} // namespace

#ifdef _WIN32
std::vector<LocalInterface> listLocalInterfaces() {
    std::vector<LocalInterface> interfaces;
    ULONG size = 16 * 1024;
    std::vector<unsigned char> buffer;
    ULONG result = ERROR_BUFFER_OVERFLOW;
    for (int attempt = 0; attempt < 4 && result == ERROR_BUFFER_OVERFLOW; ++attempt) { // the list may grow meanwhile
        buffer.resize(size);
        result = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_DNS_SERVER, nullptr,
                                      reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
    }
    if (result != NO_ERROR) return interfaces;
    for (auto* adapter = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()); adapter; adapter = adapter->Next) {
        LocalInterface entry;
        const ULONG index = adapter->IfIndex ? adapter->IfIndex : adapter->Ipv6IfIndex;
        entry.name = std::to_string(index); // the multicast join takes an index on Windows
        entry.label = utf8(adapter->FriendlyName);
        entry.up = adapter->OperStatus == IfOperStatusUp;
        entry.loopback = adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
        entry.multicast = !(adapter->Flags & IP_ADAPTER_NO_MULTICAST);
        for (auto* unicast = adapter->FirstUnicastAddress; unicast; unicast = unicast->Next) {
            const sockaddr* address = unicast->Address.lpSockaddr;
            entry.addresses.push_back({addressText(address), address->sa_family == AF_INET6});
        }
        interfaces.push_back(std::move(entry));
    }
    return interfaces;
}
#else
std::vector<LocalInterface> listLocalInterfaces() {
    std::vector<LocalInterface> interfaces;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return interfaces;
    for (const ifaddrs* item = list; item; item = item->ifa_next) {
        // One entry per interface (getifaddrs lists one per address, and one per link-layer address).
        auto it = std::find_if(interfaces.begin(), interfaces.end(),
                               [item](const LocalInterface& known) { return known.name == item->ifa_name; });
        if (it == interfaces.end()) {
            LocalInterface entry;
            entry.name = entry.label = item->ifa_name;
            entry.up = (item->ifa_flags & IFF_UP) != 0;
            entry.loopback = (item->ifa_flags & IFF_LOOPBACK) != 0;
            entry.multicast = (item->ifa_flags & IFF_MULTICAST) != 0;
            interfaces.push_back(std::move(entry));
            it = interfaces.end() - 1;
        }
        const sockaddr* address = item->ifa_addr;
        if (address && (address->sa_family == AF_INET || address->sa_family == AF_INET6))
            it->addresses.push_back({addressText(address), address->sa_family == AF_INET6});
    }
    freeifaddrs(list);
    return interfaces;
}
#endif

} // namespace socketeer::core
