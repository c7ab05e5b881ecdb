// LatencyHistogram: 128 exact buckets, then 64 sub-buckets per power of two up to 2^63 ns.
#include "socketeer/core/traffic/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace socketeer::core {
namespace {
constexpr std::size_t ExactBuckets = 128;  // values 0..127 ns each have their own bucket
constexpr unsigned SubBucketBits = 6;      // 64 buckets per power of two above that
constexpr std::size_t BucketCount = ExactBuckets + (64 - 7) * (1u << SubBucketBits);
} // namespace

LatencyHistogram::LatencyHistogram() : m_buckets(BucketCount, 0) {}

std::size_t LatencyHistogram::bucketOf(std::uint64_t value) {
    if (value < ExactBuckets) return static_cast<std::size_t>(value);
    const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1; // >= 7
    const std::uint64_t sub = (value >> (exponent - SubBucketBits)) - (1u << SubBucketBits);
    return ExactBuckets + (exponent - 7) * (1u << SubBucketBits) + static_cast<std::size_t>(sub);
}

std::uint64_t LatencyHistogram::bucketLow(std::size_t bucket) {
    if (bucket < ExactBuckets) return bucket;
    const std::size_t index = bucket - ExactBuckets;
    const unsigned exponent = static_cast<unsigned>(index >> SubBucketBits) + 7;
    const std::uint64_t sub = (index & ((1u << SubBucketBits) - 1)) + (1u << SubBucketBits);
    return sub << (exponent - SubBucketBits);
}

std::uint64_t LatencyHistogram::bucketMiddle(std::size_t bucket) {
    if (bucket < ExactBuckets) return bucket;
    const unsigned exponent = static_cast<unsigned>((bucket - ExactBuckets) >> SubBucketBits) + 7;
    return bucketLow(bucket) + (std::uint64_t{1} << (exponent - SubBucketBits)) / 2;
}

void LatencyHistogram::record(std::uint64_t nanoseconds) {
    ++m_buckets[bucketOf(nanoseconds)];
    m_min = m_count == 0 ? nanoseconds : std::min(m_min, nanoseconds);
    m_max = m_count == 0 ? nanoseconds : std::max(m_max, nanoseconds);
    ++m_count;
    m_sum += nanoseconds;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    if (other.m_count == 0) return;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) m_buckets[i] += other.m_buckets[i];
    m_min = m_count == 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = m_count == 0 ? other.m_max : std::max(m_max, other.m_max);
    m_count += other.m_count;
    m_sum += other.m_sum;
}

std::uint64_t LatencyHistogram::quantileNs(double q) const {
    if (m_count == 0) return 0;
    if (q <= 0) return m_min;
    if (q >= 1) return m_max;
    // The smallest value with at least ceil(q * count) samples at or below it (the nearest-rank definition).
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank && m_buckets[i] != 0) return std::clamp(bucketMiddle(i), m_min, m_max);
    }
    return m_max;
}

LatencyHistogram::Parts LatencyHistogram::parts() const {
    Parts parts;
    parts.count = m_count;
    parts.minNs = m_min;
    parts.maxNs = m_max;
    parts.sumNs = static_cast<std::uint64_t>(m_sum);
    for (std::size_t i = 0; i < m_buckets.size(); ++i)
        if (m_buckets[i] != 0) parts.buckets.push_back({bucketLow(i), m_buckets[i]});
    return parts;
}

std::string LatencyHistogram::fromParts(const Parts& parts, LatencyHistogram& out) {
    LatencyHistogram rebuilt;
    std::uint64_t held = 0;
    std::size_t previous = 0;
    for (std::size_t i = 0; i < parts.buckets.size(); ++i) {
        const auto [low, count] = parts.buckets[i];
        const std::size_t bucket = bucketOf(low);
        const std::string where = "bucket " + std::to_string(i) + ": ";
        if (bucketLow(bucket) != low) return where + std::to_string(low) + " ns is not where a bucket starts";
        if (i != 0 && bucket <= previous) return where + "buckets must be in ascending order, each once";
        if (count == 0) return where + "a bucket listed must hold at least one sample";
        if (held + count < held) return where + "the counts overflow";
        held += count;
        previous = bucket;
        rebuilt.m_buckets[bucket] = count;
    }
    if (held != parts.count)
        return "the buckets hold " + std::to_string(held) + " samples, count says " + std::to_string(parts.count);
    if (held != 0) {
        if (parts.minNs > parts.maxNs) return "min_ns " + std::to_string(parts.minNs) + " is above max_ns";
        if (bucketOf(parts.minNs) != bucketOf(parts.buckets.front().lowNs))
            return "min_ns " + std::to_string(parts.minNs) + " is not in the lowest bucket";
        if (bucketOf(parts.maxNs) != bucketOf(parts.buckets.back().lowNs))
            return "max_ns " + std::to_string(parts.maxNs) + " is not in the highest bucket";
    }
    rebuilt.m_count = held;
    rebuilt.m_min = held ? parts.minNs : 0;
    rebuilt.m_max = held ? parts.maxNs : 0;
    rebuilt.m_sum = static_cast<long double>(parts.sumNs);
    out = std::move(rebuilt);
    return {};
}

LatencySummary LatencyHistogram::summary() const {
    LatencySummary s;
    s.count = m_count;
    if (m_count == 0) return s;
    s.minUs = static_cast<double>(m_min) / 1000.0;
    s.maxUs = static_cast<double>(m_max) / 1000.0;
    s.meanUs = static_cast<double>(m_sum / static_cast<long double>(m_count)) / 1000.0;
    s.p50Us = static_cast<double>(quantileNs(0.50)) / 1000.0;
    s.p90Us = static_cast<double>(quantileNs(0.90)) / 1000.0;
    s.p99Us = static_cast<double>(quantileNs(0.99)) / 1000.0;
    return s;
}

} // namespace socketeer::core
