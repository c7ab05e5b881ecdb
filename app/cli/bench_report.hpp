// BenchReport: how socketeer-cli prints measurements — a line per interval and a summary, as text or JSON lines —
// for the traffic generator (`bench`) and for discard-mode receivers (`tcp-server --discard`, `udp-server --discard`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "socketeer/core/stats/sequence_tracker.hpp"
#include "socketeer/core/units_format.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"

namespace socketeer::cli {


/// What a receiver counted over a span of time.
struct ReceiveFigures {
    double seconds = 0;
    std::uint64_t bytes = 0;
    std::uint64_t messages = 0; ///< reads (TCP) or datagrams (UDP)
    std::optional<core::SequenceStats> sequence;
};

/// A histogram as a report carries it: {"unit": "ns", "count", "min", "max", "sum", "buckets": [[low, count], ...]},
/// each bucket named by the smallest value it holds.
nlohmann::json histogramJson(const core::LatencyHistogram& histogram);
/// The reverse: "" or what is wrong with it, naming the field.
std::string histogramFromJson(const nlohmann::json& json, core::LatencyHistogram& out);

struct BenchReport {
    static std::string generatorHeader(const core::GeneratorSpec& spec);
    /// Traffic between two snapshots (`previous` may be the zero snapshot).
    static std::string generatorInterval(const core::GeneratorSpec& spec, const core::GeneratorSnapshot& previous,
                                         const core::GeneratorSnapshot& now, bool json);
    /// JSON summaries of round trips carry `rttHistogram` whole (when given), so that `bench merge` can combine
    /// reports exactly.
    static std::string generatorSummary(const core::GeneratorSpec& spec, const core::GeneratorSnapshot& result,
                                        bool json, const core::LatencyHistogram* rttHistogram = nullptr);

    static std::string receiveInterval(double atSeconds, const ReceiveFigures& interval, bool json);
    static std::string receiveSummary(const ReceiveFigures& total, bool json);
};

} // namespace socketeer::cli
