// raiseOpenFileLimit: setrlimit(RLIMIT_NOFILE) on POSIX. asio waits with epoll, so descriptors above FD_SETSIZE are
// fine; macOS caps the soft limit at OPEN_MAX whatever the hard limit says.
#include "socketeer/core/net/open_file_limit.hpp"

#ifndef _WIN32
#include <sys/resource.h>

#include <climits>
#endif

namespace socketeer::core {

std::uint64_t raiseOpenFileLimit() {
#ifdef _WIN32
    return 0;
#else
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur != limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
#ifdef __APPLE__
        if (raised.rlim_cur > OPEN_MAX) raised.rlim_cur = OPEN_MAX;
#endif
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(limit.rlim_cur);
#endif
}

} // namespace socketeer::core
