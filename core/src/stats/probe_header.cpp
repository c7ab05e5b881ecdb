// ProbeHeader: big-endian encoding of the generator's header.
#include "socketeer/core/stats/probe_header.hpp"

#include <chrono>
#include <cstring>

namespace socketeer::core {
namespace {

constexpr std::uint8_t Magic[4] = {'S', 'K', 'T', 'B'};

void putBigEndian(std::uint8_t* out, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(value & 0xff);
        value >>= 8;
    }
}

std::uint64_t getBigEndian(const std::uint8_t* in, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value = (value << 8) | in[i];
    return value;
}

} // namespace

void writeProbeHeader(const ProbeHeader& header, std::uint8_t* out) {
    std::memcpy(out, Magic, sizeof Magic);
    putBigEndian(out + 4, header.stream, 4);
    putBigEndian(out + 8, header.sequence, 8);
    putBigEndian(out + 16, static_cast<std::uint64_t>(header.sentNs), 8);
}

std::optional<ProbeHeader> readProbeHeader(ByteView bytes) {
    if (bytes.size() < ProbeHeader::Size || std::memcmp(bytes.data(), Magic, sizeof Magic) != 0) return std::nullopt;
    ProbeHeader header;
    header.stream = static_cast<std::uint32_t>(getBigEndian(bytes.data() + 4, 4));
    header.sequence = getBigEndian(bytes.data() + 8, 8);
    header.sentNs = static_cast<std::int64_t>(getBigEndian(bytes.data() + 16, 8));
    return header;
}

std::int64_t probeClockNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace socketeer::core
