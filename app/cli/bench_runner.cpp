// runBench: the generator runs on its own worker; this thread only waits, samples and prints.
#include "bench_runner.hpp"

#include <atomic>
#include <string>

#include "bench_report.hpp"
#include "console_text.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"
#include "stop_signal.hpp"

namespace socketeer::cli {
namespace {

/// stdout's lines get the console's line ends (console_text.hpp); stderr is in text mode, which converts by itself.
void writeLine(std::FILE* stream, const std::string& text, bool toStdout) {
    std::fputs((toStdout ? consoleLines(text + "\n") : text + "\n").c_str(), stream);
    std::fflush(stream);
}

} // namespace

int runBench(const CliOptions& options, std::FILE* out, std::FILE* err) {
    const bool json = options.format == OutputFormat::Jsonl;
    core::TrafficGenerator generator(options.generator);
    if (!options.quiet) writeLine(err, BenchReport::generatorHeader(options.generator), false);
    StopSignal::onStop([&generator] { generator.stop(); });
    generator.start();

    const auto interval = std::chrono::milliseconds(
        options.reportInterval > 0 ? static_cast<std::int64_t>(options.reportInterval * 1000.0 + 0.5) : 3'600'000);
    core::GeneratorSnapshot previous;
    while (!generator.waitUntilDone(interval)) {
        const auto now = generator.snapshot();
        if (now.phase != core::GeneratorPhase::Running || options.reportInterval <= 0) continue;
        writeLine(out, BenchReport::generatorInterval(options.generator, previous, now, json), true);
        previous = now;
    }
    StopSignal::onStop({});

    const auto result = generator.snapshot();
    for (const auto& problem : result.problems) writeLine(err, "socketeer-cli: " + problem, false);
    const auto histogram = generator.rttHistogram();
    writeLine(out, BenchReport::generatorSummary(options.generator, result, json, &histogram), true);
    return result.phase == core::GeneratorPhase::Failed ? ExitNetworkError : ExitDone;
}

} // namespace socketeer::cli
