// What this process holds, read from /proc/self: resident memory, open descriptors and threads (leak checks).
#pragma once

#include <cstddef>

namespace socketeer::test {

/// Resident set size in bytes (VmRSS), 0 if unknown.
std::size_t residentBytes();
/// Open file descriptors (entries in /proc/self/fd).
std::size_t openDescriptors();
/// Threads of this process (entries in /proc/self/task).
std::size_t threadCount();

} // namespace socketeer::test
