// GeneratorControl: a session's traffic generator as the UI sees it — the settings being edited, the run in progress
// (its own worker, see core's TrafficGenerator) and live rates sampled from its figures.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "socketeer/core/traffic/traffic_generator.hpp"

namespace socketeer::app {

struct GeneratorRates {
    double bitsPerSecond = 0;
    double messagesPerSecond = 0;
};

class GeneratorControl {
public:
    GeneratorControl();
    ~GeneratorControl();

    /// What the next start() does; the target (host, port) is filled in from the session by the caller.
    core::GeneratorSpec settings;
    /// Why the last Start did not start ("" when it did), shown next to the button.
    std::string startError;

    /// "" or why it cannot start (the spec's problem, "no remote host set").
    /// `tls`: the session's (a TCP client's generator speaks TLS when its session does).
    std::string start(const std::string& host, std::uint16_t port, const core::TlsSettings& tls = {});
    void stop();
    [[nodiscard]] bool running() const;
    /// True once a run exists (running or finished): the figures below mean something.
    [[nodiscard]] bool hasRun() const { return m_generator != nullptr; }
    [[nodiscard]] const core::GeneratorSpec& runSpec() const { return m_runSpec; }

    /// Samples the run a few times a second. Returns true when the figures changed (worth a redraw).
    bool refresh();
    [[nodiscard]] const core::GeneratorSnapshot& figures() const { return m_figures; }
    [[nodiscard]] const GeneratorRates& rates() const { return m_rates; }

private:
    std::unique_ptr<core::TrafficGenerator> m_generator;
    core::GeneratorSpec m_runSpec;
    core::GeneratorSnapshot m_figures;
    core::GeneratorSnapshot m_rateSample;
    std::chrono::steady_clock::time_point m_lastRefresh{};
    GeneratorRates m_rates;
};

} // namespace socketeer::app
