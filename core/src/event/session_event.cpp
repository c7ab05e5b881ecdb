// Names and clock helpers for session events.
#include "socketeer/core/event/session_event.hpp"

#include <cstdio>
#include <ctime>

namespace socketeer::core {

std::string_view closeReasonName(CloseReason reason) {
    switch (reason) {
    case CloseReason::Local: return "local";
    case CloseReason::Kicked: return "kicked";
    case CloseReason::PeerClosed: return "peer closed";
    case CloseReason::Reset: return "reset";
    case CloseReason::Timeout: return "timeout";
    case CloseReason::Error: return "error";
    }
    return "unknown";
}

std::int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatIsoTimeUs(std::int64_t timeUs) {
    std::int64_t seconds = timeUs / 1'000'000;
    std::int64_t micros = timeUs % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        seconds -= 1;
    }
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
#ifdef _WIN32
    gmtime_s(&utc, &t);
#else
    gmtime_r(&t, &utc);
#endif
    char text[80];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros));
    return text;
}

} // namespace socketeer::core
