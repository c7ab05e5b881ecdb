// SequenceTracker: loss, duplication, reordering and one-way jitter of a stream of numbered datagrams.
#pragma once

#include <array>
#include <cstdint>

#include "socketeer/core/stats/probe_header.hpp"

namespace socketeer::core {

struct SequenceStats {
    std::uint32_t stream = 0;
    std::uint64_t received = 0;   ///< datagrams with a probe header of this stream, duplicates included
    std::uint64_t unique = 0;     ///< distinct sequence numbers received
    std::uint64_t expected = 0;   ///< highest sequence number seen + 1 (senders start at 0)
    std::uint64_t lost = 0;       ///< expected - unique: not (yet) arrived
    std::uint64_t duplicated = 0; ///< arrivals of a sequence number already received
    std::uint64_t reordered = 0;  ///< arrivals after a higher sequence number
    double jitterUs = 0;          ///< RFC 3550 interarrival jitter of the one-way transit time
    std::int64_t firstArrivalNs = 0; ///< probeClockNs() of the stream's first and latest arrival (receive rate)
    std::int64_t lastArrivalNs = 0;
    bool operator==(const SequenceStats&) const = default;
};

/// Follows one stream at a time: a datagram of another stream number starts over (a new run). Duplicates are told
/// exactly within the last `Window` sequence numbers; an arrival older than that counts as reordered.
class SequenceTracker {
public:
    static constexpr std::uint64_t Window = 1u << 16;

    void record(const ProbeHeader& header, std::int64_t arrivalNs);
    [[nodiscard]] const SequenceStats& stats() const { return m_stats; }
    [[nodiscard]] bool active() const { return m_stats.received != 0; }

private:
    [[nodiscard]] bool seen(std::uint64_t sequence) const;
    void mark(std::uint64_t sequence);
    void clear(std::uint64_t sequence);

    SequenceStats m_stats;
    std::uint64_t m_highest = 0;
    std::array<std::uint64_t, Window / 64> m_bits{}; // bit (sequence % Window) set = received, for the last Window
    bool m_haveTransit = false;
    std::int64_t m_lastTransitNs = 0;
    double m_jitterNs = 0;
};

} // namespace socketeer::core
