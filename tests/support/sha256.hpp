// SHA-256 for tests that prove a stream arrived (or was captured) byte for byte.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace socketeer::test {

class Sha256 {
public:
    Sha256();
    void update(std::span<const std::uint8_t> data);
    /// Finishes and returns the lowercase hex digest; the object must not be updated afterwards.
    std::string hexDigest();

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_block{};
    std::size_t m_blockUsed = 0;
    std::uint64_t m_totalBytes = 0;
};

std::string sha256Hex(std::span<const std::uint8_t> data);
/// Digest of a whole file ("" if it cannot be read).
std::string sha256OfFile(const std::string& path);

} // namespace socketeer::test
