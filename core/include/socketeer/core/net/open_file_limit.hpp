// The open-file limit: a server holding 19,000 clients needs 19,000 descriptors, and the usual soft limit is 1,024.
#pragma once

#include <cstdint>

namespace socketeer::core {

/// Raises this process's soft limit on open files to its hard limit, as servers do at start-up (nginx's
/// worker_rlimit_nofile, Go's runtime). Returns the soft limit in force afterwards; 0 where the OS has no such limit
/// (Windows: sockets are not bounded by one).
std::uint64_t raiseOpenFileLimit();

} // namespace socketeer::core
