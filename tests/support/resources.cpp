#include "resources.hpp"

#include <filesystem>
#include <fstream>
#include <string>

namespace socketeer::test {
namespace {

std::size_t entriesIn(const char* directory) {
    std::error_code ec;
    std::size_t n = 0;
    for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) ++n;
    return n;
}

} // namespace

std::size_t residentBytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6)) * 1024; // "VmRSS:   12345 kB"
    return 0;
}

std::size_t openDescriptors() {
    return entriesIn("/proc/self/fd") - 1; // the iterator's own descriptor
}

std::size_t threadCount() {
    return entriesIn("/proc/self/task");
}

} // namespace socketeer::test
