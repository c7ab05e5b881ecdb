#include "pattern.hpp"

#include <cstring>

namespace socketeer::test {

void PatternStream::fill(std::span<std::uint8_t> out) {
    std::size_t i = 0;
    for (; i + 8 <= out.size(); i += 8) {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        std::memcpy(out.data() + i, &m_state, 8);
    }
    for (; i < out.size(); ++i) {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        out[i] = static_cast<std::uint8_t>(m_state);
    }
}

} // namespace socketeer::test
