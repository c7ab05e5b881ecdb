// The traffic generator of a TCP client or UDP socket: mode and settings, Start/Stop, and its live figures.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "panes.hpp"
#include "style.hpp"
#include "socketeer/core/units_format.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

bool isRoundTrip(GeneratorMode mode) { return mode == GeneratorMode::TcpRtt || mode == GeneratorMode::UdpRtt; }

/// An InputInt over a wider unsigned value, clamped to [low, high].
template <class T>
void inputNumber(const char* label, T& value, long long low, long long high, const char* probe) {
    int shown = static_cast<int>(std::min<long long>(static_cast<long long>(value), 2'000'000'000));
    ImGui::SetNextItemWidth(em(width::Number));
    if (ImGui::InputInt(label, &shown, 0)) value = static_cast<T>(std::clamp<long long>(shown, low, high));
    UiProbe::mark(probe);
}

void drawGeneratorSettings(app::SessionModel& session, GeneratorSpec& spec) {
    const bool udp = session.kind() == SessionKind::Udp;
    int mode = isRoundTrip(spec.mode) ? 1 : 0;
    ImGui::SetNextItemWidth(em(width::Field));
    const char* modes = udp ? "numbered datagrams at a rate\0round trips (echo server)\0"
                            : "stream on N connections\0round trips (echo server)\0";
    if (ImGui::Combo("mode", &mode, modes)) {
        // Sizes that suit the mode: a full write for a stream, a small probe for round trips.
        spec.payloadBytes = mode == 1 ? 64 : udp ? 1400 : 128u << 10;
    }
    UiProbe::mark("generator/mode");
    spec.mode = udp ? (mode == 1 ? GeneratorMode::UdpRtt : GeneratorMode::UdpStream)
                    : (mode == 1 ? GeneratorMode::TcpRtt : GeneratorMode::TcpStream);
    if (spec.mode == GeneratorMode::TcpStream) {
        inputNumber("connections", spec.connections, 1, 10'000, "generator/connections");
        ImGui::SameLine();
    }
    if (spec.mode == GeneratorMode::UdpStream) {
        inputNumber("datagrams/s (0 = max)", spec.ratePerSecond, 0, 100'000'000, "generator/rate");
        ImGui::SameLine();
    }
    inputNumber("bytes each", spec.payloadBytes, 1, 16 << 20, "generator/size");
    ImGui::SameLine();
    if (isRoundTrip(spec.mode)) {
        inputNumber("round trips (0 = for the duration)", spec.probeCount, 0, 100'000'000, "generator/count");
        ImGui::SameLine();
    }
    long long seconds = spec.duration.count() / 1000;
    inputNumber("seconds (0 = until stopped)", seconds, 0, 86'400, "generator/seconds");
    spec.duration = std::chrono::seconds(seconds);
}

void drawFigures(const app::GeneratorControl& generator) {
    const GeneratorSnapshot& f = generator.figures();
    const GeneratorSpec& spec = generator.runSpec();
    const char* phase = f.phase == GeneratorPhase::Connecting ? "connecting"
                        : f.phase == GeneratorPhase::Running  ? "running"
                        : f.phase == GeneratorPhase::Finished ? "finished"
                                                              : "failed";
    ImGui::Text("%s, %.1f s", phase, f.elapsedSeconds);
    ImGui::SameLine();
    if (isRoundTrip(spec.mode)) {
        ImGui::Text("RTT of %llu: min %.1f, p50 %.1f, p90 %.1f, p99 %.1f, max %.1f us%s",
                    static_cast<unsigned long long>(f.rtt.count), f.rtt.minUs, f.rtt.p50Us, f.rtt.p90Us, f.rtt.p99Us,
                    f.rtt.maxUs,
                    spec.mode == GeneratorMode::UdpRtt ? (", lost " + std::to_string(f.probesLost)).c_str() : "");
    } else {
        const auto& rates = generator.rates();
        ImGui::Text("sending %s, %.0f %s/s; sent %s in %llu; %u open%s", formatBitRate(rates.bitsPerSecond).c_str(),
                    rates.messagesPerSecond, spec.mode == GeneratorMode::UdpStream ? "datagrams" : "writes",
                    formatByteCount(f.bytesSent).c_str(),
                    static_cast<unsigned long long>(f.messagesSent), f.connectionsOpen,
                    f.sendErrors ? (", send errors " + std::to_string(f.sendErrors)).c_str() : "");
    }
    if (!f.tls.empty()) ImGui::TextDisabled("TLS: %s (figures are plaintext bytes)", f.tls.c_str());
    UiProbe::mark("generator/figures");
    const std::size_t shown = std::min<std::size_t>(f.problems.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) ImGui::TextColored(colour::Error, "%s", f.problems[i].c_str());
}

} // namespace

void drawGeneratorPane(app::SessionModel& session) {
    if (session.kind() == SessionKind::TcpServer) return; // a server has no remote to load
    app::GeneratorControl& generator = session.generator();
    const bool running = generator.running();
    if (running) ImGui::BeginDisabled();
    drawGeneratorSettings(session, generator.settings);
    if (running) ImGui::EndDisabled();
    if (ImGui::Button(running ? "Stop generator" : "Start generator")) {
        if (running) generator.stop();
        else generator.startError = session.startGenerator();
    }
    UiProbe::mark("generator/start");
    ImGui::SameLine();
    const auto& spec = session.spec();
    const std::string target = session.kind() == SessionKind::TcpClient
                                   ? spec.tcpClient.host + ":" + std::to_string(spec.tcpClient.port)
                                   : (!session.ui().udpTarget.empty() ? session.ui().udpTarget
                                                                 : spec.udp.remoteHost + ":" + std::to_string(spec.udp.remotePort));
    const bool tls = session.kind() == SessionKind::TcpClient && spec.tcpClient.tls.enabled;
    ImGui::TextDisabled("to %s%s (its own connections, not this session's)", target.c_str(),
                        tls ? (spec.tcpClient.tls.insecure ? " over TLS, verification OFF" : " over TLS") : "");
    if (!generator.startError.empty()) ImGui::TextColored(colour::Error, "%s", generator.startError.c_str());
    if (generator.hasRun()) drawFigures(generator);
}

} // namespace socketeer::ui
