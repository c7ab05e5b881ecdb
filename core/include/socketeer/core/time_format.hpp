// Time stamps: the clock every event uses, and the ways front ends print it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace socketeer::core {

/// Microseconds since the Unix epoch, the time base of every event.
std::int64_t nowUs();

/// "2026-11-23T10:00:00.123456Z" (UTC, ISO 8601 with microseconds): for files and machine-read output.
std::string formatIsoTimeUs(std::int64_t timeUs);

/// "10:00:00.123" in local time: for panes and logs a person reads.
std::string formatClockMs(std::int64_t timeUs);

/// "Mon Nov 23 10:00:00 2026" in local time (the classic asctime layout, no newline): the {time} placeholder.
std::string formatClassicTime(std::chrono::system_clock::time_point time);

} // namespace socketeer::core
