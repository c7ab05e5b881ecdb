// SequenceTracker: a bitmap over the last Window sequence numbers, and RFC 3550's jitter estimator.
#include "socketeer/core/stats/sequence_tracker.hpp"

#include <cstdlib>

namespace socketeer::core {

bool SequenceTracker::seen(std::uint64_t sequence) const {
    const std::uint64_t slot = sequence % Window;
    return (m_bits[slot / 64] >> (slot % 64)) & 1u;
}

void SequenceTracker::mark(std::uint64_t sequence) {
    const std::uint64_t slot = sequence % Window;
    m_bits[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

void SequenceTracker::clear(std::uint64_t sequence) {
    const std::uint64_t slot = sequence % Window;
    m_bits[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
}

void SequenceTracker::record(const ProbeHeader& header, std::int64_t arrivalNs) {
    if (m_stats.received == 0 || header.stream != m_stats.stream) {
        *this = SequenceTracker{};
        m_stats.stream = header.stream;
    }
    if (m_stats.received == 0) m_stats.firstArrivalNs = arrivalNs;
    m_stats.lastArrivalNs = arrivalNs;
    ++m_stats.received;
    const std::uint64_t sequence = header.sequence;

    if (m_stats.unique == 0 || sequence > m_highest) {
        // Moving the window forward: the slots it uncovers belong to sequence numbers not received yet.
        const std::uint64_t from = m_stats.unique == 0 ? 0 : m_highest + 1;
        if (sequence - from >= Window) m_bits.fill(0);
        else
            for (std::uint64_t s = from; s < sequence; ++s) clear(s);
        m_highest = sequence;
        mark(sequence);
        ++m_stats.unique;
    } else if (m_highest - sequence >= Window) {
        ++m_stats.reordered; // too old to tell a duplicate from a late arrival: counted as late
        ++m_stats.unique;
    } else if (seen(sequence)) {
        ++m_stats.duplicated;
    } else {
        mark(sequence);
        ++m_stats.unique;
        ++m_stats.reordered;
    }
    m_stats.expected = m_highest + 1;
    m_stats.lost = m_stats.expected > m_stats.unique ? m_stats.expected - m_stats.unique : 0;

    // Jitter: a smoothed mean of how much consecutive transit times differ (a clock offset between hosts cancels).
    const std::int64_t transit = arrivalNs - header.sentNs;
    if (m_haveTransit) {
        const double difference = static_cast<double>(std::llabs(transit - m_lastTransitNs));
        m_jitterNs += (difference - m_jitterNs) / 16.0;
    }
    m_haveTransit = true;
    m_lastTransitNs = transit;
    m_stats.jitterUs = m_jitterNs / 1000.0;
}

} // namespace socketeer::core
