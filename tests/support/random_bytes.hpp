// randomBytes: a reproducible payload of any size for tests that check bytes arrive intact.
#pragma once

#include <cstdint>
#include <random>

#include "socketeer/core/bytes.hpp"

namespace socketeer::test {

inline core::Bytes randomBytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    core::Bytes bytes(size);
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random());
    return bytes;
}

} // namespace socketeer::test
