// bench merge: reports from generators that ran side by side. Counts add up; so do rates (each report's rate is its
// own traffic over its own time, and the generators ran at the same time); the time is the longest; percentiles come
// from the sum of the histograms, so they are exactly what one generator seeing every round trip would report.
#include "bench_merge.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "bench_report.hpp"
#include "cli_options.hpp"
#include "console_text.hpp"

namespace socketeer::cli {
namespace {

using nlohmann::json;

/// object[key] when it is a string, else "" (json::value throws on a field of another type).
std::string stringField(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The last line of a report that is a generator's summary, or an error naming the report (and the line).
json lastSummary(const BenchReportText& report, std::string& error) {
    json found;
    std::istringstream lines(report.text);
    std::string line;
    for (std::size_t number = 1; std::getline(lines, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        json parsed = json::parse(line, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) {
            error = report.name + " line " + std::to_string(number) + ": not a JSON object (is it bench --format jsonl output?)";
            return {};
        }
        if (stringField(parsed, "event") != "summary") continue;
        if (!parsed.contains("mode")) {
            error = report.name + " line " + std::to_string(number) +
                    ": a receiver's summary (tcp-server/udp-server --discard); bench merge combines bench tcp|udp|rtt "
                    "reports";
            return {};
        }
        found = std::move(parsed);
    }
    if (found.is_null()) error = report.name + ": no summary line (write it with bench ... --format jsonl)";
    return found;
}

bool isRoundTrip(const std::string& mode) { return mode == "rtt" || mode == "rtt-udp"; }

/// Adds summary[field] (a whole number, or any number for rates) into total[field].
bool addField(json& total, const json& summary, const char* field, bool whole, const std::string& name,
              std::string& error) {
    const auto it = summary.find(field);
    if (it == summary.end() || !(whole ? it->is_number_unsigned() : it->is_number())) {
        error = name + ": the summary's " + field + " is missing or not " + (whole ? "a whole number" : "a number");
        return false;
    }
    if (whole) total[field] = total.value(field, std::uint64_t{0}) + it->get<std::uint64_t>();
    else total[field] = total.value(field, 0.0) + it->get<double>();
    return true;
}

} // namespace

MergedBench mergeBenchReports(const std::vector<BenchReportText>& reports) {
    MergedBench merged;
    std::string& error = merged.error;
    if (reports.empty()) {
        error = "no reports to merge";
        return merged;
    }
    json total{{"event", "summary"}, {"ok", true}, {"seconds", 0.0}, {"problems", json::array()}};
    std::string mode, firstName;
    core::LatencyHistogram rtt;
    auto connections = json::array();
    auto names = json::array();
    for (const auto& report : reports) {
        const json summary = lastSummary(report, error);
        if (!error.empty()) return merged;
        const std::string reportMode = stringField(summary, "mode");
        if (reportMode != "tcp" && reportMode != "udp" && !isRoundTrip(reportMode)) {
            error = report.name + ": the summary's mode is not tcp, udp, rtt or rtt-udp";
            return merged;
        }
        if (mode.empty()) {
            mode = reportMode;
            firstName = report.name;
        } else if (reportMode != mode) {
            error = report.name + ": mode " + reportMode + ", but " + firstName + "'s is " + mode +
                    ": merge reports of one kind";
            return merged;
        }
        for (const char* field : {"bytes_sent", "messages_sent", "bytes_received", "send_errors"})
            if (!addField(total, summary, field, true, report.name, error)) return merged;
        for (const char* field : {"bits_per_second", "messages_per_second"})
            if (!addField(total, summary, field, false, report.name, error)) return merged;
        if (summary.contains("seconds") && summary["seconds"].is_number())
            total["seconds"] = std::max(total["seconds"].get<double>(), summary["seconds"].get<double>());
        if (const auto ok = summary.find("ok"); ok == summary.end() || *ok != true) total["ok"] = false;
        if (summary.contains("problems") && summary["problems"].is_array())
            for (const auto& problem : summary["problems"])
                if (problem.is_string()) total["problems"].push_back(report.name + ": " + problem.get<std::string>());
        if (summary.contains("tls") && !total.contains("tls")) total["tls"] = summary["tls"];
        if (summary.contains("connections") && summary["connections"].is_array())
            for (const auto& connection : summary["connections"]) connections.push_back(connection);
        if (isRoundTrip(mode)) {
            if (!addField(total, summary, "probes_lost", true, report.name, error)) return merged;
            const json* histogram = summary.contains("rtt") && summary["rtt"].is_object() && summary["rtt"].contains("histogram")
                                        ? &summary["rtt"]["histogram"]
                                        : nullptr;
            if (!histogram) {
                error = report.name + ": its summary has no rtt.histogram (a socketeer-cli from before bench merge "
                                      "wrote it: run it again)";
                return merged;
            }
            core::LatencyHistogram one;
            if (auto problem = histogramFromJson(*histogram, one); !problem.empty()) {
                error = report.name + ": rtt.histogram: " + problem;
                return merged;
            }
            rtt.merge(one);
        }
        if (summary.contains("merged") && summary["merged"].contains("reports") && summary["merged"]["reports"].is_array())
            for (const auto& name : summary["merged"]["reports"]) names.push_back(name);
        else
            names.push_back(report.name);
    }
    total["mode"] = mode;
    if (mode == "tcp") total["connections"] = std::move(connections);
    if (isRoundTrip(mode)) {
        const auto s = rtt.summary();
        total["rtt"] = {{"count", s.count}, {"min_us", s.minUs}, {"mean_us", s.meanUs}, {"p50_us", s.p50Us},
                        {"p90_us", s.p90Us}, {"p99_us", s.p99Us}, {"max_us", s.maxUs}, {"histogram", histogramJson(rtt)}};
    }
    total["merged"] = {{"reports", std::move(names)}};
    merged.summary = std::move(total);
    return merged;
}

std::string mergedBenchText(const json& s) {
    const auto fixed = [](double value, int decimals) {
        char text[64];
        std::snprintf(text, sizeof text, "%.*f", decimals, value);
        return std::string(text);
    };
    const std::size_t reports = s["merged"]["reports"].size();
    std::string text = "merged " + std::to_string(reports) + " report" + (reports == 1 ? "" : "s") + " of bench " +
                       s["mode"].get<std::string>() + (s["ok"].get<bool>() ? "" : " (at least one failed)") + ": ";
    if (isRoundTrip(s["mode"].get<std::string>())) {
        const auto& rtt = s["rtt"];
        text += std::to_string(rtt["count"].get<std::uint64_t>()) + " round trips: min " +
                fixed(rtt["min_us"].get<double>(), 1) + " us, p50 " + fixed(rtt["p50_us"].get<double>(), 1) +
                " us, p90 " + fixed(rtt["p90_us"].get<double>(), 1) + " us, p99 " + fixed(rtt["p99_us"].get<double>(), 1) +
                " us, max " + fixed(rtt["max_us"].get<double>(), 1) + " us";
        if (s["mode"] == "rtt-udp") text += "; lost " + std::to_string(s["probes_lost"].get<std::uint64_t>());
    } else {
        text += "sent " + core::formatByteCount(s["bytes_sent"].get<std::uint64_t>()) + " in " +
                std::to_string(s["messages_sent"].get<std::uint64_t>()) +
                (s["mode"] == "udp" ? " datagrams" : " writes") + " = " +
                core::formatBitRate(s["bits_per_second"].get<double>()) + " together";
        if (s["mode"] == "udp")
            text += ", " + fixed(s["messages_per_second"].get<double>(), 0) + " datagrams/s, send errors " +
                    std::to_string(s["send_errors"].get<std::uint64_t>());
    }
    text += " (longest run " + fixed(s["seconds"].get<double>(), 2) + " s)";
    for (const auto& problem : s["problems"]) text += "\n  " + problem.get<std::string>();
    return text;
}

int runBenchMerge(const std::vector<std::string>& files, bool asJson, std::FILE* out, std::FILE* err) {
    std::vector<BenchReportText> reports;
    for (const auto& file : files) {
        BenchReportText report{file, {}};
        if (file == "-") {
            report.text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::fprintf(err, "socketeer-cli: bench merge: cannot read %s\n", file.c_str());
                return ExitUsage;
            }
            report.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        reports.push_back(std::move(report));
    }
    const auto merged = mergeBenchReports(reports);
    if (!merged.error.empty()) {
        std::fprintf(err, "socketeer-cli: bench merge: %s\n", merged.error.c_str());
        return ExitUsage;
    }
    const std::string text = asJson ? merged.summary.dump() : mergedBenchText(merged.summary);
    std::fputs(consoleLines(text + "\n").c_str(), out);
    std::fflush(out);
    return ExitDone;
}

} // namespace socketeer::cli
