// How a bit rate reads in every front end: decimal units like iperf3's ("33.68 Gbit/s"), so figures compare at a glance.
#pragma once

#include <string>

namespace socketeer::core {

std::string formatBitRate(double bitsPerSecond); ///< "33.68 Gbit/s", "512.00 Mbit/s", "12.5 kbit/s", "800 bit/s"

} // namespace socketeer::core
