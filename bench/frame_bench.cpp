// socketeer-frame-bench: how long the desktop app takes to build a frame, headless (no GPU: the same widgets the
// app draws, timed from NewFrame to Render), with a receive pane of a million records, and while a UDP session
// ingests a fast stream at 60 frames per second. Prints one JSON object (for bench/run-all) or a summary.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app_model.hpp"
#include "app_ui.hpp"
#include "headless_context.hpp"
#include "ui_probe.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"

namespace {

using namespace socketeer;
using Clock = std::chrono::steady_clock;

struct Options {
    std::size_t records = 1'000'000;
    int frames = 300;
    double ingestSeconds = 5;
    std::uint64_t ingestRate = 150'000;
    std::size_t datagramBytes = 64;
    bool json = false;
};

double percentile(std::vector<double> values, double q) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    return values[index];
}

double timedFrame(ui::AppUi& ui) {
    const auto start = Clock::now();
    ImGui::NewFrame();
    ui.draw();
    ImGui::Render();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// A receive pane holding `records` datagrams of sensor-like text, scrolled to the newest (as while receiving).
nlohmann::json paneBenchmark(const Options& options) {
    app::AppModel model([] {});
    ui::AppUi ui(model);
    app::SessionModel& session = model.addSession(core::SessionKind::Udp);
    model.selected = session.uiId();
    session.history().setBudget(std::size_t{1} << 30);
    const core::Endpoint peer{"127.0.0.1", 5000};
    char line[96];
    for (std::size_t i = 0; i < options.records; ++i) {
        const int n = std::snprintf(line, sizeof line, "sensor 7 reading %08zu temp=21.%02zu hum=48.%02zu ok\n", i,
                                    i % 100, (i * 7) % 100);
        session.history().append(static_cast<std::int64_t>(i) * 1000, core::Direction::Rx, 1, peer,
                                 core::ByteView(reinterpret_cast<const std::uint8_t*>(line), static_cast<std::size_t>(n)));
    }
    // What drain() does for an open session: index the new records for the pane (timed: a pane of a million rows
    // must not cost its user a pause either).
    const auto syncStart = Clock::now();
    session.receiveView().sync(session.history());
    const double syncMs = std::chrono::duration<double, std::milli>(Clock::now() - syncStart).count();
    for (int i = 0; i < 10; ++i) timedFrame(ui); // layout settles, caches warm
    std::vector<double> times;
    for (int i = 0; i < options.frames; ++i) times.push_back(timedFrame(ui));
    // The frames measured must have drawn the newest rows: read the drawn text back once.
    ui::UiProbe::setEnabled(true);
    ui::UiProbe::requestText();
    timedFrame(ui);
    char last[32];
    std::snprintf(last, sizeof last, "reading %08zu", options.records - 1);
    const bool newestShown = ui::UiProbe::capturedText().find(last) != std::string::npos;
    ui::UiProbe::setEnabled(false);
    return {{"records", session.history().size()},
            {"pane_rows", session.receiveView().rowCount()},
            {"newest_row_drawn", newestShown},
            {"index_ms", syncMs},
            {"history_mib", static_cast<double>(session.history().memoryUsed()) / double(1u << 20)},
            {"frames", times.size()},
            {"frame_ms_median", percentile(times, 0.5)},
            {"frame_ms_p99", percentile(times, 0.99)},
            {"frame_ms_max", percentile(times, 1.0)}};
}

/// A UDP session on loopback fed by the traffic generator while the UI drains and draws 60 frames a second.
nlohmann::json ingestBenchmark(const Options& options) {
    app::AppModel model([] {});
    ui::AppUi ui(model);
    core::SessionSpec spec;
    spec.kind = core::SessionKind::Udp;
    spec.name = "ingest";
    spec.udp.bindAddress = "127.0.0.1";
    app::SessionModel& session = model.addSession(spec);
    model.selected = session.uiId();
    session.history().setBudget(std::size_t{1} << 30);
    session.open();
    const auto openDeadline = Clock::now() + std::chrono::seconds(5);
    while (!session.localEndpoint() && Clock::now() < openDeadline) {
        model.drainAll();
        std::this_thread::sleep_for(std::chrono::milliseconds(5)); // the loop's own pace, bounded by the deadline
    }
    if (!session.localEndpoint()) return {{"error", "the UDP session did not open"}};

    core::GeneratorSpec load;
    load.mode = core::GeneratorMode::UdpStream;
    load.host = "127.0.0.1";
    load.port = session.localEndpoint()->port;
    load.payloadBytes = options.datagramBytes;
    load.ratePerSecond = options.ingestRate;
    load.duration = std::chrono::milliseconds(static_cast<std::int64_t>(options.ingestSeconds * 1000));
    core::TrafficGenerator generator(load);
    generator.start();

    std::vector<double> frameTimes;
    std::vector<double> backlogKiB; // queued in the session's event queue after each second's last frame
    const auto frameInterval = std::chrono::microseconds(16'667);
    auto nextFrame = Clock::now();
    auto nextSample = Clock::now() + std::chrono::seconds(1);
    const auto start = Clock::now();
    // Until every datagram sent is in the history (bounded below: one lost on the way ends the wait in time).
    while (!generator.done() || session.history().totalRecords() < generator.snapshot().messagesSent) {
        const auto before = Clock::now();
        model.drainAll();
        ImGui::NewFrame();
        ui.draw();
        ImGui::Render();
        frameTimes.push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
        if (Clock::now() >= nextSample) {
            backlogKiB.push_back(static_cast<double>(session.session()->events().queuedBytes()) / 1024.0);
            nextSample += std::chrono::seconds(1);
        }
        nextFrame += frameInterval;
        std::this_thread::sleep_until(nextFrame); // 60 frames a second, like the app while traffic flows
        if (Clock::now() - start > std::chrono::duration<double>(options.ingestSeconds + 10)) break;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const auto result = generator.snapshot();
    const auto rx = session.session()->counters().traffic.snapshot().rxMessages;
    const auto recorded = session.history().totalRecords();
    return {{"rate_asked", options.ingestRate},
            {"datagrams_sent", result.messagesSent},
            {"datagrams_received", rx},
            {"records_in_history", recorded},
            {"records_missing_from_display", rx - std::min<std::uint64_t>(rx, recorded)},
            {"ingested_per_second", static_cast<double>(recorded) / result.elapsedSeconds},
            {"seconds", seconds},
            {"frames", frameTimes.size()},
            {"frame_ms_median", percentile(frameTimes, 0.5)},
            {"frame_ms_p99", percentile(frameTimes, 0.99)},
            {"backlog_kib_per_second", backlogKiB}};
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--records" && hasValue) options.records = std::stoull(argv[++i]);
        else if (arg == "--frames" && hasValue) options.frames = std::stoi(argv[++i]);
        else if (arg == "--ingest-seconds" && hasValue) options.ingestSeconds = std::stod(argv[++i]);
        else if (arg == "--rate" && hasValue) options.ingestRate = std::stoull(argv[++i]);
        else if (arg == "--size" && hasValue) options.datagramBytes = std::stoull(argv[++i]);
        else if (arg == "--json") options.json = true;
        else {
            std::fprintf(stderr, "usage: socketeer-frame-bench [--records N] [--frames N] [--ingest-seconds S] "
                                 "[--rate PPS] [--size BYTES] [--json]\n");
            return 2;
        }
    }
    ui::HeadlessContext context;
    nlohmann::json out{{"pane", paneBenchmark(options)}, {"ingest", ingestBenchmark(options)}};
    std::puts(options.json ? out.dump().c_str() : out.dump(2).c_str());
    return 0;
}
