// Fuzz target: the sequence parser and runner. The first byte chooses, per line, text or hex DATA (bit i for line
// i mod 8); the rest is the sequence, one step per '\n'. A refusal names its step and a column inside that line; an
// accepted sequence parses again from its own lines to the same steps, and runs against a fake host (every message
// is one of its own lines, time jumps to each deadline) without leaving its steps or its bounds.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/sequence/junit_report.hpp"
#include "socketeer/core/sequence/sequence_runner.hpp"

namespace {

using namespace socketeer::core;

class FuzzHost : public SequenceHost {
public:
    std::string send(const std::string& session, Bytes) override { return session == "down" ? "'down' is not connected" : ""; }
    std::uint64_t nextCounter(const std::string&) override { return ++counter; }
    void log(std::string_view) override {}
    std::uint64_t counter = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t hexBits = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<StepLine> lines;
    for (std::size_t start = 0; start <= text.size() && lines.size() < 200;) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const bool hex = (hexBits >> (lines.size() % 8)) & 1;
        lines.push_back({std::string(text.substr(start, end - start)), hex ? PayloadSyntax::Hex : PayloadSyntax::Text});
        start = end + 1;
    }
    auto parsed = parseSequence("fuzz", lines);
    if (!parsed) {
        const ParseError& error = parsed.error();
        if (!error.message.starts_with("step ")) std::abort();
        const std::size_t step = std::strtoul(error.message.c_str() + 5, nullptr, 10);
        if (step == 0 || step > lines.size()) std::abort();
        if (error.column > lines[step - 1].text.size() + 1) std::abort();
        return 0;
    }
    const Sequence& sequence = parsed.value();
    if (sequence.steps.size() != lines.size() || sequence.lines() != lines) std::abort();
    auto again = parseSequence("fuzz", sequence.lines());
    if (!again || again.value().steps.size() != sequence.steps.size()) std::abort();

    FuzzHost host;
    SequenceRunner runner(sequence);
    auto now = SequenceClock::time_point() + std::chrono::hours(1);
    runner.start(host, now);
    for (int round = 0; round < 64 && runner.active(); ++round) {
        const auto wake = runner.advance(now);
        if (runner.currentStep() > sequence.steps.size()) std::abort();
        if (!runner.active()) break;
        for (const StepLine& line : lines) {
            for (const SequenceStep& step : sequence.steps)
                if (!step.session.empty()) runner.onMessage(step.session, Bytes(line.text.begin(), line.text.end()));
        }
        if (wake != SequenceClock::time_point::max() && wake > now) now = wake;
        else if (wake == SequenceClock::time_point::max()) now += std::chrono::hours(25); // past every deadline
    }
    if (runner.finished() && runner.state() != RunState::Passed && runner.failure().empty()) std::abort();
    const std::string xml = junitReport(runner, std::chrono::system_clock::time_point(), now);
    if (xml.find("</testsuites>") == std::string::npos) std::abort();
    return 0;
}
