// Bit rates with two decimals from Mbit/s up, one below; byte counts with two decimals unless exact.
#include "socketeer/core/units_format.hpp"

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

std::string formatByteCount(std::uint64_t bytes) {
    static constexpr const char* Units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return std::to_string(bytes) + " B";
    int unit = 0;
    std::uint64_t scale = 1024;
    while (unit < 3 && bytes >= scale * 1024) {
        scale *= 1024;
        ++unit;
    }
    if (bytes % scale == 0) return std::to_string(bytes / scale) + " " + Units[unit];
    char text[48];
    std::snprintf(text, sizeof text, "%.2f %s", static_cast<double>(bytes) / static_cast<double>(scale), Units[unit]);
    return text;
}

std::string formatSeconds(std::chrono::nanoseconds duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f s", std::chrono::duration<double>(duration).count());
    return text;
}

} // namespace socketeer::core
