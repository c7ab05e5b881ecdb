// BenchReport: how socketeer-cli prints measurements — a line per interval and a summary, as text or JSON lines —
// for the traffic generator (`bench`) and for discard-mode receivers (`tcp-server --discard`, `udp-server --discard`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

struct BenchReport {
    static std::string generatorHeader(const core::GeneratorSpec& spec);
    /// Traffic between two snapshots (`previous` may be the zero snapshot).
    static std::string generatorInterval(const core::GeneratorSpec& spec, const core::GeneratorSnapshot& previous,
                                         const core::GeneratorSnapshot& now, bool json);
    static std::string generatorSummary(const core::GeneratorSpec& spec, const core::GeneratorSnapshot& result,
                                        bool json);

    static std::string receiveInterval(double atSeconds, const ReceiveFigures& interval, bool json);
    static std::string receiveSummary(const ReceiveFigures& total, bool json);
};

} // namespace socketeer::cli
