// A reproducible pseudo-random byte stream for transfer tests: cheap to make (xorshift), impossible to pass by accident.
#pragma once

#include <cstdint>
#include <span>

namespace socketeer::test {

class PatternStream {
public:
    explicit PatternStream(std::uint64_t seed) : m_state(seed * 0x9E3779B97F4A7C15ull | 1) {}
    /// Fills `out` with the next bytes of the stream.
    void fill(std::span<std::uint8_t> out);

private:
    std::uint64_t m_state;
};

} // namespace socketeer::test
