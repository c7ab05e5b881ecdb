// HashingReceiver: a TCP server on loopback with a lossless queue and a front end of its own that hashes every byte
// it receives, for tests that send more than any history keeps (a GiB) and compare SHA-256s. Also: a pattern file.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "event_pump.hpp"
#include "sha256.hpp"
#include "socketeer/core/net/tcp_server.hpp"
#include "wait.hpp"

namespace socketeer::test {

class HashingReceiver {
public:
    HashingReceiver();
    [[nodiscard]] std::uint16_t port() const { return m_port; }
    /// Waits until `bytes` have arrived (false at the deadline) and returns the digest of everything received.
    std::string digestAfter(std::uint64_t bytes, std::chrono::milliseconds timeout);
    [[nodiscard]] std::uint64_t received();

private:
    static core::TcpServerConfig lossless();

    core::TcpServer m_server;
    EventLog m_log;
    std::uint16_t m_port;
    std::mutex m_mutex;
    Sha256 m_sha;
    std::uint64_t m_received = 0;
    EventPump m_pump; // last: it stops first
};

/// Writes `size` bytes of PatternStream(seed) to path; returns their SHA-256 ("" if the file cannot be written).
std::string writePatternFile(const std::string& path, std::uint64_t size, std::uint64_t seed);

} // namespace socketeer::test
