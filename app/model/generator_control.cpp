// GeneratorControl: starts and samples a TrafficGenerator for the UI thread.
#include "generator_control.hpp"

namespace socketeer::app {

GeneratorControl::GeneratorControl() {
    settings.duration = std::chrono::seconds(10);
    settings.payloadBytes = 1400;
    settings.ratePerSecond = 1000;
    settings.probeCount = 1000;
}

GeneratorControl::~GeneratorControl() = default;

std::string GeneratorControl::start(const std::string& host, std::uint16_t port, const core::TlsSettings& tls) {
    if (running()) return "the generator is already running";
    core::GeneratorSpec spec = settings;
    spec.host = host;
    spec.port = port;
    spec.tls = tls;
    if (host.empty()) return "set a remote host and port in the settings first";
    if (auto problem = core::validateGeneratorSpec(spec); !problem.empty()) return problem;
    m_generator.reset(); // joins a finished run's worker before the next starts
    m_runSpec = spec;
    m_generator = std::make_unique<core::TrafficGenerator>(spec);
    m_figures = {};
    m_rateSample = {};
    m_rates = {};
    m_generator->start();
    return {};
}

void GeneratorControl::stop() {
    if (m_generator) m_generator->stop();
}

bool GeneratorControl::running() const { return m_generator && !m_generator->done(); }

bool GeneratorControl::refresh() {
    if (!m_generator) return false;
    const auto now = std::chrono::steady_clock::now();
    const bool wasDone = m_figures.phase == core::GeneratorPhase::Finished || m_figures.phase == core::GeneratorPhase::Failed;
    if (wasDone || now - m_lastRefresh < std::chrono::milliseconds(250)) return false;
    m_lastRefresh = now;
    m_figures = m_generator->snapshot();
    // Rates over about a second of traffic, so a live figure neither jumps nor lags much.
    const double seconds = m_figures.elapsedSeconds - m_rateSample.elapsedSeconds;
    if (seconds >= 1.0 || (m_figures.phase != core::GeneratorPhase::Running && seconds > 0)) {
        m_rates.bitsPerSecond = static_cast<double>(m_figures.bytesSent - m_rateSample.bytesSent) * 8 / seconds;
        m_rates.messagesPerSecond = static_cast<double>(m_figures.messagesSent - m_rateSample.messagesSent) / seconds;
        m_rateSample = m_figures;
    }
    return true;
}

} // namespace socketeer::app
