// Time stamps in the three forms Socketeer prints.
#include "socketeer/core/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace socketeer::core {
namespace {

std::tm toTm(std::time_t t, bool local) {
    std::tm out{};
#ifdef _WIN32
    local ? localtime_s(&out, &t) : gmtime_s(&out, &t);
#else
    local ? localtime_r(&t, &out) : gmtime_r(&t, &out);
#endif
    return out;
}

/// Splits microseconds since the epoch into whole seconds and the microseconds past them (also before 1970).
void split(std::int64_t timeUs, std::int64_t& seconds, std::int64_t& micros) {
    seconds = timeUs / 1'000'000;
    micros = timeUs % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        seconds -= 1;
    }
}

} // namespace

std::int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatIsoTimeUs(std::int64_t timeUs) {
    std::int64_t seconds = 0, micros = 0;
    split(timeUs, seconds, micros);
    const std::tm utc = toTm(static_cast<std::time_t>(seconds), false);
    char text[80];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros));
    return text;
}

std::string formatClockMs(std::int64_t timeUs) {
    std::int64_t seconds = 0, micros = 0;
    split(timeUs, seconds, micros);
    const std::tm local = toTm(static_cast<std::time_t>(seconds), true);
    char text[40];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec,
                  static_cast<int>(micros / 1000));
    return text;
}

std::string formatClassicTime(std::chrono::system_clock::time_point time) {
    const std::tm local = toTm(std::chrono::system_clock::to_time_t(time), true);
    char text[64];
    std::strftime(text, sizeof text, "%a %b %d %H:%M:%S %Y", &local);
    return text;
}

} // namespace socketeer::core
