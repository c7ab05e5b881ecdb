// HashingReceiver: the pump hashes on its own thread; the test thread only waits on the count.
#include "hashing_receiver.hpp"

#include <cstdio>
#include <vector>

#include "pattern.hpp"

namespace socketeer::test {

core::TcpServerConfig HashingReceiver::lossless() {
    core::TcpServerConfig config;
    config.bindAddress = "127.0.0.1";
    config.limits.eventQueue.overflow = core::QueueOverflow::PauseSources;
    return config;
}

HashingReceiver::HashingReceiver()
    : m_server(lossless()), m_log(m_server), m_port(openAndGetPort(m_server, m_log)),
      m_pump(m_server, [this](const core::SessionEvent& event) {
          const auto* data = std::get_if<core::EventData>(&event.body);
          if (!data || data->direction != core::Direction::Rx) return;
          std::lock_guard lock(m_mutex);
          m_sha.update(*data->bytes);
          m_received += data->bytes->size();
      }) {}

std::uint64_t HashingReceiver::received() {
    std::lock_guard lock(m_mutex);
    return m_received;
}

std::string HashingReceiver::digestAfter(std::uint64_t bytes, std::chrono::milliseconds timeout) {
    if (!eventually([&] { return received() >= bytes; }, timeout)) return {};
    std::lock_guard lock(m_mutex);
    return m_sha.hexDigest();
}

std::string writePatternFile(const std::string& path, std::uint64_t size, std::uint64_t seed) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return {};
    PatternStream pattern(seed);
    Sha256 sha;
    std::vector<std::uint8_t> block(1u << 20);
    for (std::uint64_t written = 0; written < size;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - written));
        pattern.fill(std::span(block.data(), n));
        sha.update(std::span(block.data(), n));
        if (std::fwrite(block.data(), 1, n, file) != n) {
            std::fclose(file);
            return {};
        }
        written += n;
    }
    return std::fclose(file) == 0 ? sha.hexDigest() : std::string();
}

} // namespace socketeer::test
