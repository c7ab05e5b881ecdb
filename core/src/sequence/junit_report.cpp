// junitReport: the runner's step reports as <testsuites><testsuite><testcase>, escaped for XML 1.0 (which has no
// way to write most control characters: they become \xHH text).
#include "socketeer/core/sequence/junit_report.hpp"

#include <algorithm>
#include <cstdio>

#include "socketeer/core/time_format.hpp"

namespace socketeer::core {
namespace {

std::string xmlEscaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            if ((byte < 0x20 && c != '\t' && c != '\n') || byte == 0x7f) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "\\x%02X", byte);
                out += hex;
            } else {
                out += c;
            }
        }
    }
    return out;
}

std::string seconds(SequenceClock::duration duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double>(duration).count());
    return text;
}

std::string caseName(const Sequence& sequence, std::size_t index) {
    std::string_view source = sequence.steps[index].source;
    const std::size_t first = source.find_first_not_of(" \t");
    source = first == std::string_view::npos ? std::string_view() : source.substr(first);
    std::size_t cut = std::min<std::size_t>(source.size(), 200);
    while (cut < source.size() && cut > 0 && (static_cast<unsigned char>(source[cut]) & 0xC0) == 0x80) --cut; // whole characters
    return "step " + std::to_string(index + 1) + ": " + std::string(source.substr(0, cut));
}

} // namespace

std::string junitReport(const SequenceRunner& runner, std::chrono::system_clock::time_point startedAt,
                        SequenceClock::time_point now, const std::string& interruption) {
    const Sequence& sequence = runner.sequence();
    const auto& reports = runner.reports();
    const bool networkOrScript = runner.state() == RunState::NetworkError || runner.state() == RunState::ScriptError;
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    std::string cases;
    if (runner.state() == RunState::Idle && !interruption.empty()) { // it never started: that is the error
        ++tests;
        ++errors;
        cases += "    <testcase name=\"open the sessions\" classname=\"socketeer." + xmlEscaped(sequence.name) +
                 "\" time=\"0.000\">\n      <error type=\"network\" message=\"" + xmlEscaped(interruption) +
                 "\"/>\n    </testcase>\n";
    }
    const bool interrupted = runner.state() == RunState::Stopped && !interruption.empty();
    for (std::size_t i = 0; i < sequence.steps.size(); ++i) {
        if (!sequence.steps[i].reported()) continue;
        ++tests;
        const StepReport& report = reports[i];
        cases += "    <testcase name=\"" + xmlEscaped(caseName(sequence, i)) + "\" classname=\"socketeer." +
                 xmlEscaped(sequence.name) + "\" time=\"" + seconds(report.elapsed) + "\"";
        const bool failedHere = report.status == StepStatus::Failed;
        if (failedHere && networkOrScript) { // the step, and the repeats around it
            ++errors;
            cases += ">\n      <error type=\"" + std::string(runner.state() == RunState::NetworkError ? "network" : "script") +
                     "\" message=\"" + xmlEscaped(report.message) + "\"/>\n    </testcase>\n";
        } else if (failedHere) {
            ++failures;
            cases += ">\n      <failure type=\"expect\" message=\"" + xmlEscaped(report.message) + "\">" +
                     xmlEscaped(i == runner.failedStep() ? runner.failure() : report.message) + "</failure>\n    </testcase>\n";
        } else if (report.status == StepStatus::Running && interrupted && i == runner.currentStep()) {
            ++errors;
            cases += ">\n      <error type=\"interrupted\" message=\"" + xmlEscaped(interruption) + "\"/>\n    </testcase>\n";
        } else if (report.status == StepStatus::NotRun || report.status == StepStatus::Running) {
            ++skipped;
            const char* why = report.status == StepStatus::NotRun ? "not reached" : "the run ended during this step";
            cases += ">\n      <skipped message=\"" + std::string(why) + "\"/>\n    </testcase>\n";
        } else if (report.status == StepStatus::TimedOut) {
            cases += ">\n      <system-out>timed out " + std::to_string(report.timeouts) + " of " +
                     std::to_string(report.runs) + " runs and went on: " + xmlEscaped(report.message) +
                     "</system-out>\n    </testcase>\n";
        } else {
            cases += "/>\n";
        }
    }
    const std::string counts = "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                               "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
                               "\" time=\"" + seconds(runner.elapsed(now)) + "\"";
    const std::int64_t startedUs =
        std::chrono::duration_cast<std::chrono::microseconds>(startedAt.time_since_epoch()).count();
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml += "<testsuites name=\"socketeer\" " + counts + ">\n";
    xml += "  <testsuite name=\"" + xmlEscaped(sequence.name) + "\" " + counts + " timestamp=\"" +
           formatIsoTimeUs(startedUs).substr(0, 19) + "\">\n";
    xml += cases;
    const std::string outcome = !runner.failure().empty()                ? runner.failure()
                                : !interruption.empty()                  ? interruption
                                : runner.state() == RunState::Stopped ? std::string("stopped by the user")
                                                                       : std::string();
    if (!outcome.empty()) xml += "    <system-out>" + xmlEscaped(outcome) + "</system-out>\n";
    xml += "  </testsuite>\n</testsuites>\n";
    return xml;
}

} // namespace socketeer::core
