// Streams a reproducible pseudo-random payload through a session and returns its SHA-256, for transfer tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

#include "pattern.hpp"
#include "sha256.hpp"
#include "socketeer/core/net/session.hpp"
#include "wait.hpp"

namespace socketeer::test {

/// Sends `total` bytes of PatternStream(seed) through a connected session in 256 KiB sends, keeping at most 8 MiB
/// not yet written (well inside the send budget). Returns the SHA-256 of what was sent, or "" at the deadline.
inline std::string sendPattern(core::Session& client, std::uint64_t total, std::uint64_t seed,
                               std::chrono::seconds timeout) {
    constexpr std::size_t Chunk = 256u << 10, Window = 8u << 20;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    PatternStream pattern(seed);
    Sha256 sha;
    std::uint64_t offered = 0;
    while (offered < total) {
        const auto inFlight = [&] { return offered - client.counters().traffic.snapshot().txBytes; };
        if (inFlight() > Window &&
            !eventually([&] { return inFlight() <= Window; }, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                   deadline - std::chrono::steady_clock::now())))
            return {};
        core::Bytes chunk(static_cast<std::size_t>(std::min<std::uint64_t>(Chunk, total - offered)));
        pattern.fill(chunk);
        sha.update(chunk);
        offered += chunk.size();
        client.send(std::move(chunk));
    }
    return sha.hexDigest();
}

} // namespace socketeer::test
