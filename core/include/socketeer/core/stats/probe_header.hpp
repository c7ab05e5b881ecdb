// ProbeHeader: what every generated datagram and round-trip probe starts with, so a receiver can tell loss,
// duplication, reordering and transit time from the bytes alone (a Socketeer receiver or any capture).
#pragma once

#include <cstdint>
#include <optional>

#include "socketeer/core/bytes.hpp"

namespace socketeer::core {

/// On the wire, big-endian: "SKTB" | stream u32 | sequence u64 | sent-at u64 (steady clock, ns). The rest of a
/// payload is filler. The stream number tells two runs (or two senders) apart; sequence numbers start at 0.
struct ProbeHeader {
    static constexpr std::size_t Size = 24;
    std::uint32_t stream = 0;
    std::uint64_t sequence = 0;
    std::int64_t sentNs = 0;
};

/// Writes the header into the first ProbeHeader::Size bytes of `out` (which must be at least that long).
void writeProbeHeader(const ProbeHeader& header, std::uint8_t* out);
/// The header, when `bytes` starts with one; nullopt for any other payload.
std::optional<ProbeHeader> readProbeHeader(ByteView bytes);

/// The monotonic clock the headers carry (shared by every process on a host, so one-way transit is meaningful).
std::int64_t probeClockNs();

} // namespace socketeer::core
