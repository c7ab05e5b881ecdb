// Fuzz target: any set of reports (NUL-separated) merges into a summary or is refused with a message naming the
// report; a merged summary always prints as text, and merges again to the same round trips.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_merge.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::cli;
    std::vector<BenchReportText> reports{{"r0.jsonl", {}}};
    for (std::size_t i = 0; i < size && reports.size() < 8; ++i) {
        if (data[i] == 0) reports.push_back({"r" + std::to_string(reports.size()) + ".jsonl", {}});
        else reports.back().text.push_back(static_cast<char>(data[i]));
    }
    const MergedBench merged = mergeBenchReports(reports);
    if (!merged.error.empty()) {
        if (merged.error.rfind("r", 0) != 0 && merged.error != "no reports to merge") std::abort(); // names the report
        return 0;
    }
    if (mergedBenchText(merged.summary).empty()) std::abort();
    const MergedBench again = mergeBenchReports({{"merged.jsonl", merged.summary.dump()}});
    if (!again.error.empty()) std::abort();
    if (merged.summary.contains("rtt") && again.summary["rtt"] != merged.summary["rtt"]) std::abort();
    return 0;
}
