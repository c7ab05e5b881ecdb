// BenchReport: units like iperf3's (binary bytes, decimal bits per second) so figures compare at a glance.
#include "bench_report.hpp"

#include "socketeer/core/units_format.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace socketeer::cli {
namespace {

using core::formatBitRate;
using core::formatByteCount;

using nlohmann::json;

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

double rate(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0.0; }

std::string latencyText(const core::LatencySummary& rtt) {
    return "min " + fixed(rtt.minUs, 1) + " us, p50 " + fixed(rtt.p50Us, 1) + " us, p90 " + fixed(rtt.p90Us, 1) +
           " us, p99 " + fixed(rtt.p99Us, 1) + " us, max " + fixed(rtt.maxUs, 1) + " us";
}

json latencyJson(const core::LatencySummary& rtt) {
    return {{"count", rtt.count}, {"min_us", rtt.minUs},  {"mean_us", rtt.meanUs}, {"p50_us", rtt.p50Us},
            {"p90_us", rtt.p90Us}, {"p99_us", rtt.p99Us}, {"max_us", rtt.maxUs}};
}

bool isRoundTrip(core::GeneratorMode mode) {
    return mode == core::GeneratorMode::TcpRtt || mode == core::GeneratorMode::UdpRtt;
}

std::string sequenceText(const core::SequenceStats& s) {
    const double lossPercent = s.expected ? 100.0 * static_cast<double>(s.lost) / static_cast<double>(s.expected) : 0;
    return "numbered datagrams " + std::to_string(s.received) + " of " + std::to_string(s.expected) + ": lost " +
           std::to_string(s.lost) + " (" + fixed(lossPercent, 3) + " %), duplicated " + std::to_string(s.duplicated) +
           ", reordered " + std::to_string(s.reordered) + ", jitter " + fixed(s.jitterUs, 1) + " us";
}

json sequenceJson(const core::SequenceStats& s) {
    const double span = static_cast<double>(s.lastArrivalNs - s.firstArrivalNs) / 1e9;
    return {{"stream", s.stream},         {"received", s.received},     {"expected", s.expected},
            {"lost", s.lost},             {"duplicated", s.duplicated}, {"reordered", s.reordered},
            {"jitter_us", s.jitterUs},    {"seconds", span},
            {"datagrams_per_second", s.received > 1 ? rate(static_cast<double>(s.received - 1), span) : 0.0}};
}

/// The JSON of a receiver's figures: `event` is "interval" or "summary".
json receiveJson(const char* event, const ReceiveFigures& f) {
    json out{{"event", event},
             {"seconds", f.seconds},
             {"bytes_received", f.bytes},
             {"messages_received", f.messages},
             {"bits_per_second", rate(static_cast<double>(f.bytes) * 8, f.seconds)},
             {"messages_per_second", rate(static_cast<double>(f.messages), f.seconds)}};
    if (f.sequence) out["sequence"] = sequenceJson(*f.sequence);
    return out;
}

std::string tlsHeader(const core::TlsSettings& tls) {
    if (!tls.enabled) return {};
    return tls.insecure ? ", over TLS with certificate verification OFF (insecure)" : ", over TLS";
}


std::string modeHeader(const core::GeneratorSpec& spec) {
    const std::string target = (spec.host.find(':') != std::string::npos ? "[" + spec.host + "]" : spec.host) + ":" +
                               std::to_string(spec.port);
    const std::string duration = spec.duration.count() ? fixed(spec.duration.count() / 1000.0, 1) + " s" : "until stopped";
    switch (spec.mode) {
    case core::GeneratorMode::TcpStream:
        return "bench tcp to " + target + ": " + std::to_string(spec.connections) + " connection" +
               (spec.connections == 1 ? "" : "s") + ", writes of " + std::to_string(spec.payloadBytes) + " B, " +
               duration;
    case core::GeneratorMode::UdpStream:
        return "bench udp to " + target + ": " +
               (spec.datagramCount ? std::to_string(spec.datagramCount) + " datagrams" : std::string("datagrams")) +
               " of " + std::to_string(spec.payloadBytes) + " B at " +
               (spec.ratePerSecond ? std::to_string(spec.ratePerSecond) + "/s" : std::string("the highest rate")) +
               (spec.datagramCount && !spec.duration.count() ? std::string() : ", " + duration);
    case core::GeneratorMode::TcpRtt:
    case core::GeneratorMode::UdpRtt:
        return std::string("bench rtt to ") + target + " over " +
               (spec.mode == core::GeneratorMode::UdpRtt ? "UDP" : "TCP") + ": probes of " +
               std::to_string(spec.payloadBytes) + " B, " +
               (spec.probeCount ? std::to_string(spec.probeCount) + " round trips" : duration);
    }
    return {};
}

} // namespace

nlohmann::json histogramJson(const core::LatencyHistogram& histogram) {
    const auto parts = histogram.parts();
    auto buckets = json::array();
    for (const auto& bucket : parts.buckets) buckets.push_back({bucket.lowNs, bucket.count});
    return {{"unit", "ns"},        {"count", parts.count}, {"min", parts.minNs},
            {"max", parts.maxNs},  {"sum", parts.sumNs},   {"buckets", std::move(buckets)}};
}

std::string histogramFromJson(const nlohmann::json& in, core::LatencyHistogram& out) {
    if (!in.is_object()) return "is not an object";
    if (in.value("unit", "") != "ns") return "unit: expected \"ns\"";
    core::LatencyHistogram::Parts parts;
    const std::pair<const char*, std::uint64_t*> fields[] = {
        {"count", &parts.count}, {"min", &parts.minNs}, {"max", &parts.maxNs}, {"sum", &parts.sumNs}};
    for (const auto& [name, value] : fields) {
        const auto it = in.find(name);
        if (it == in.end() || !it->is_number_unsigned()) return std::string(name) + ": expected a whole number";
        *value = it->get<std::uint64_t>();
    }
    const auto buckets = in.find("buckets");
    if (buckets == in.end() || !buckets->is_array()) return "buckets: expected an array of [low_ns, count]";
    for (std::size_t i = 0; i < buckets->size(); ++i) {
        const auto& pair = (*buckets)[i];
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() || !pair[1].is_number_unsigned())
            return "buckets[" + std::to_string(i) + "]: expected [low_ns, count], two whole numbers";
        parts.buckets.push_back({pair[0].get<std::uint64_t>(), pair[1].get<std::uint64_t>()});
    }
    return core::LatencyHistogram::fromParts(parts, out);
}

std::string BenchReport::generatorHeader(const core::GeneratorSpec& spec) { return modeHeader(spec) + tlsHeader(spec.tls); }

std::string BenchReport::generatorInterval(const core::GeneratorSpec& spec, const core::GeneratorSnapshot& previous,
                                           const core::GeneratorSnapshot& now, bool json) {
    const double seconds = now.elapsedSeconds - previous.elapsedSeconds;
    const double bytes = static_cast<double>(now.bytesSent - previous.bytesSent);
    const double messages = static_cast<double>(now.messagesSent - previous.messagesSent);
    if (json)
        return nlohmann::json{{"event", "interval"},
                              {"mode", core::generatorModeName(spec.mode)},
                              {"end_s", now.elapsedSeconds},
                              {"seconds", seconds},
                              {"bytes_sent", now.bytesSent - previous.bytesSent},
                              {"messages_sent", now.messagesSent - previous.messagesSent},
                              {"bits_per_second", rate(bytes * 8, seconds)},
                              {"messages_per_second", rate(messages, seconds)},
                              {"send_errors", now.sendErrors - previous.sendErrors}}
            .dump();
    std::string line = "[" + fixed(now.elapsedSeconds, 2) + " s] ";
    if (isRoundTrip(spec.mode))
        return line + std::to_string(now.rtt.count) + " round trips, p50 " + fixed(now.rtt.p50Us, 1) + " us, p99 " +
               fixed(now.rtt.p99Us, 1) + " us so far";
    line += formatBitRate(rate(bytes * 8, seconds)) + ", " + fixed(rate(messages, seconds), 0) +
            (spec.mode == core::GeneratorMode::UdpStream ? " datagrams/s" : " writes/s");
    if (now.sendErrors != previous.sendErrors)
        line += ", " + std::to_string(now.sendErrors - previous.sendErrors) + " send errors";
    return line;
}

std::string BenchReport::generatorSummary(const core::GeneratorSpec& spec, const core::GeneratorSnapshot& r,
                                          bool json, const core::LatencyHistogram* rttHistogram) {
    const double bits = static_cast<double>(r.bytesSent) * 8;
    if (json) {
        nlohmann::json out{{"event", "summary"},
                           {"mode", core::generatorModeName(spec.mode)},
                           {"ok", r.phase == core::GeneratorPhase::Finished},
                           {"seconds", r.elapsedSeconds},
                           {"bytes_sent", r.bytesSent},
                           {"messages_sent", r.messagesSent},
                           {"bytes_received", r.bytesReceived},
                           {"bits_per_second", rate(bits, r.elapsedSeconds)},
                           {"messages_per_second", rate(static_cast<double>(r.messagesSent), r.elapsedSeconds)},
                           {"send_errors", r.sendErrors},
                           {"problems", r.problems}};
        if (spec.tls.enabled) out["tls"] = r.tls;
        if (spec.mode == core::GeneratorMode::TcpStream) {
            auto connections = nlohmann::json::array();
            for (auto bytes : r.bytesPerConnection)
                connections.push_back({{"bytes_sent", bytes},
                                       {"bits_per_second", rate(static_cast<double>(bytes) * 8, r.elapsedSeconds)}});
            out["connections"] = connections;
        }
        if (isRoundTrip(spec.mode)) {
            out["rtt"] = latencyJson(r.rtt);
            if (rttHistogram) out["rtt"]["histogram"] = histogramJson(*rttHistogram);
            out["probes_lost"] = r.probesLost;
        }
        return out.dump();
    }
    std::string text;
    if (isRoundTrip(spec.mode)) {
        text = "summary: " + std::to_string(r.rtt.count) + " round trips in " + fixed(r.elapsedSeconds, 2) + " s: " +
               latencyText(r.rtt);
        if (spec.mode == core::GeneratorMode::UdpRtt) text += "; lost " + std::to_string(r.probesLost);
        if (!r.tls.empty()) text += "; TLS: " + r.tls;
        return text;
    }
    text = "summary: sent " + formatByteCount(r.bytesSent) + " in " + fixed(r.elapsedSeconds, 2) + " s = " +
           formatBitRate(rate(bits, r.elapsedSeconds));
    if (spec.mode == core::GeneratorMode::UdpStream) {
        text += ", " + std::to_string(r.messagesSent) + " datagrams = " +
                fixed(rate(static_cast<double>(r.messagesSent), r.elapsedSeconds), 0) + "/s, send errors " +
                std::to_string(r.sendErrors);
    } else {
        text += " on " + std::to_string(r.bytesPerConnection.size()) + " connection" +
                (r.bytesPerConnection.size() == 1 ? "" : "s");
        if (r.bytesPerConnection.size() > 1)
            for (std::size_t i = 0; i < r.bytesPerConnection.size(); ++i)
                text += "\n  connection " + std::to_string(i + 1) + ": " + formatByteCount(r.bytesPerConnection[i]) +
                        " = " + formatBitRate(rate(static_cast<double>(r.bytesPerConnection[i]) * 8, r.elapsedSeconds));
    }
    if (!r.tls.empty()) text += "\nTLS: " + r.tls + " (figures are plaintext bytes)";
    return text;
}

std::string BenchReport::receiveInterval(double atSeconds, const ReceiveFigures& f, bool json) {
    const double bits = static_cast<double>(f.bytes) * 8;
    if (json) {
        nlohmann::json out = receiveJson("interval", f);
        out["end_s"] = atSeconds;
        return out.dump();
    }
    std::string line = "[" + fixed(atSeconds, 2) + " s] received " + formatBitRate(rate(bits, f.seconds)) + ", " +
                       fixed(rate(static_cast<double>(f.messages), f.seconds), 0) + " messages/s";
    if (f.sequence) line += "; lost " + std::to_string(f.sequence->lost) + " so far";
    return line;
}

std::string BenchReport::receiveSummary(const ReceiveFigures& f, bool json) {
    const double bits = static_cast<double>(f.bytes) * 8;
    if (json) return receiveJson("summary", f).dump();
    std::string text = "summary: received " + formatByteCount(f.bytes) + " in " + std::to_string(f.messages) +
                       " messages over " + fixed(f.seconds, 2) + " s = " + formatBitRate(rate(bits, f.seconds)) + ", " +
                       fixed(rate(static_cast<double>(f.messages), f.seconds), 0) + " messages/s";
    if (f.sequence) text += "\n  " + sequenceText(*f.sequence);
    return text;
}

} // namespace socketeer::cli
