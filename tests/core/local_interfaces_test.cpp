// The machine's interfaces as the settings offer them: loopback is always there, with both its addresses.
#include <gtest/gtest.h>

#include <algorithm>

#include "socketeer/core/net/local_interfaces.hpp"

namespace {

using namespace socketeer::core;

bool hasAddress(const LocalInterface& interface, const std::string& address, bool ipv6) {
    return std::any_of(interface.addresses.begin(), interface.addresses.end(),
                       [&](const LocalAddress& a) { return a.address == address && a.ipv6 == ipv6; });
}

TEST(LocalInterfaces, LoopbackIsListedOnceWithItsIpv4AndIpv6Addresses) {
    const auto interfaces = listLocalInterfaces();
    ASSERT_FALSE(interfaces.empty());
    const auto loopbacks = std::count_if(interfaces.begin(), interfaces.end(), [](const auto& i) { return i.loopback; });
    ASSERT_GE(loopbacks, 1);
    const auto lo = std::find_if(interfaces.begin(), interfaces.end(), [](const auto& i) { return i.loopback; });
    EXPECT_TRUE(lo->up);
    EXPECT_TRUE(hasAddress(*lo, "127.0.0.1", false));
#ifndef _WIN32
    EXPECT_EQ(lo->name, "lo");
    EXPECT_TRUE(hasAddress(*lo, "::1", true)); // Windows lists ::1 on its own pseudo-interface too, but not always
    // getifaddrs lists an interface once per address: the list has each name once.
    for (const auto& interface : interfaces)
        EXPECT_EQ(std::count_if(interfaces.begin(), interfaces.end(), [&](const auto& i) { return i.name == interface.name; }), 1)
            << interface.name;
#endif
}

} // namespace
