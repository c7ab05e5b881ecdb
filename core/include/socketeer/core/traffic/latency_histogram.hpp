// LatencyHistogram: percentiles of any number of samples in fixed memory (log-linear buckets, < 1.6 % error).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace socketeer::core {

struct LatencySummary {
    std::uint64_t count = 0;
    double minUs = 0, meanUs = 0, p50Us = 0, p90Us = 0, p99Us = 0, maxUs = 0;
};

class LatencyHistogram {
public:
    /// A non-empty bucket, named by the smallest value it holds: what a report carries, so that reports written by
    /// many processes merge into exactly the histogram one process would have recorded.
    struct Bucket {
        std::uint64_t lowNs = 0;
        std::uint64_t count = 0;
    };
    /// Everything a histogram is, in a form a report can carry.
    struct Parts {
        std::uint64_t count = 0, minNs = 0, maxNs = 0, sumNs = 0;
        std::vector<Bucket> buckets; ///< ascending
    };

    LatencyHistogram();
    void record(std::uint64_t nanoseconds);
    void merge(const LatencyHistogram& other);
    /// The value at quantile q (0..1) in ns: exact below 128 ns, else within 1/64 of it; min and max are exact.
    [[nodiscard]] std::uint64_t quantileNs(double q) const;
    [[nodiscard]] std::uint64_t count() const { return m_count; }
    [[nodiscard]] LatencySummary summary() const;

    [[nodiscard]] Parts parts() const;
    /// Rebuilds a histogram from a report's parts into `out`: "" or what does not add up ("bucket 3: 1000 ns is not
    /// where a bucket starts", "the buckets hold 9 samples, count says 10").
    static std::string fromParts(const Parts& parts, LatencyHistogram& out);

private:
    static std::size_t bucketOf(std::uint64_t value);
    static std::uint64_t bucketLow(std::size_t bucket);
    static std::uint64_t bucketMiddle(std::size_t bucket);

    std::vector<std::uint64_t> m_buckets;
    std::uint64_t m_count = 0;
    std::uint64_t m_min = 0, m_max = 0;
    long double m_sum = 0;
};

} // namespace socketeer::core
