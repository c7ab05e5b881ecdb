// LatencyHistogram: percentiles of any number of samples in fixed memory (log-linear buckets, < 1.6 % error).
#pragma once

#include <cstdint>
#include <vector>

namespace socketeer::core {

struct LatencySummary {
    std::uint64_t count = 0;
    double minUs = 0, meanUs = 0, p50Us = 0, p90Us = 0, p99Us = 0, maxUs = 0;
};

class LatencyHistogram {
public:
    LatencyHistogram();
    void record(std::uint64_t nanoseconds);
    void merge(const LatencyHistogram& other);
    /// The value at quantile q (0..1) in ns: exact below 128 ns, else within 1/64 of it; min and max are exact.
    [[nodiscard]] std::uint64_t quantileNs(double q) const;
    [[nodiscard]] std::uint64_t count() const { return m_count; }
    [[nodiscard]] LatencySummary summary() const;

private:
    static std::size_t bucketOf(std::uint64_t value);
    static std::uint64_t bucketMiddle(std::size_t bucket);

    std::vector<std::uint64_t> m_buckets;
    std::uint64_t m_count = 0;
    std::uint64_t m_min = 0, m_max = 0;
    long double m_sum = 0;
};

} // namespace socketeer::core
