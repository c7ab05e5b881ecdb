// `bench merge`: the summaries of bench runs made side by side (one per host, say) combined into one, as if one
// generator had done all of it: counts and rates add up, round-trip percentiles come from the merged histograms.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace socketeer::cli {

/// One report: a name for messages (its path) and its text (jsonl, as `bench --format jsonl` wrote it).
struct BenchReportText {
    std::string name;
    std::string text;
};

/// The merged summary as a JSON object (the same fields as one run's summary, plus "merged"), or a message naming the
/// report and what is wrong with it ("b.jsonl: mode udp, but a.jsonl's is rtt: merge reports of one kind").
struct MergedBench {
    nlohmann::json summary;
    std::string error;
};
MergedBench mergeBenchReports(const std::vector<BenchReportText>& reports);

/// The merged summary as people read it.
std::string mergedBenchText(const nlohmann::json& summary);

/// Reads the files (- = stdin), merges, prints. Exit 0, or 2 when a report cannot be read or merged.
int runBenchMerge(const std::vector<std::string>& files, bool asJson, std::FILE* out, std::FILE* err);

} // namespace socketeer::cli
