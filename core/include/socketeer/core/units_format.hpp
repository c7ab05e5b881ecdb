// How quantities read in every front end: bit rates in decimal units like iperf3's ("33.68 Gbit/s"), byte counts in
// binary units ("1.50 MiB"), so the CLI, the app and core's own messages say the same thing the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace socketeer::core {

std::string formatBitRate(double bitsPerSecond); ///< "33.68 Gbit/s", "512.00 Mbit/s", "12.5 kbit/s", "800 bit/s"

/// "512 B", "16 MiB" (an exact multiple has no decimals), "1.50 MiB", "42.13 GiB", "1.00 TiB".
std::string formatByteCount(std::uint64_t bytes);

/// "0.123 s": a duration to the millisecond (a sequence's elapsed time, a step's).
std::string formatSeconds(std::chrono::nanoseconds duration);

} // namespace socketeer::core
