// formatBitRate: two decimals from Mbit/s up, one below.
#include "socketeer/core/bench/rate_format.hpp"

#include <cstdio>

namespace socketeer::core {

std::string formatBitRate(double bitsPerSecond) {
    char text[48];
    if (bitsPerSecond >= 1e9) std::snprintf(text, sizeof text, "%.2f Gbit/s", bitsPerSecond / 1e9);
    else if (bitsPerSecond >= 1e6) std::snprintf(text, sizeof text, "%.2f Mbit/s", bitsPerSecond / 1e6);
    else if (bitsPerSecond >= 1e3) std::snprintf(text, sizeof text, "%.1f kbit/s", bitsPerSecond / 1e3);
    else std::snprintf(text, sizeof text, "%.0f bit/s", bitsPerSecond);
    return text;
}

} // namespace socketeer::core
