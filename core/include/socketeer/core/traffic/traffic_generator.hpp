// TrafficGenerator: load for a device or service, measured. TCP streams on N connections, paced numbered UDP
// datagrams, or request/response round trips against any echo server. Runs on its own worker thread; any thread may
// read its live figures.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "socketeer/core/tls/tls_settings.hpp"
#include "socketeer/core/traffic/latency_histogram.hpp"

namespace socketeer::core {

enum class GeneratorMode : std::uint8_t {
    TcpStream, ///< N connections writing `payloadBytes` at a time as fast as the peer takes them
    UdpStream, ///< numbered datagrams (ProbeHeader) at `ratePerSecond`, or as fast as possible
    TcpRtt,    ///< one message in flight; the reply must echo it (any echo server)
    UdpRtt,    ///< one datagram in flight; a reply carrying its header ends the round trip
};
std::string_view generatorModeName(GeneratorMode mode); ///< "tcp", "udp", "rtt", "rtt-udp"

struct GeneratorSpec {
    GeneratorMode mode = GeneratorMode::TcpStream;
    std::string host;
    std::uint16_t port = 0;
    unsigned connections = 1;                    ///< TcpStream only
    std::size_t payloadBytes = 128u << 10;       ///< per write (TCP stream), per datagram, per probe
    std::uint64_t ratePerSecond = 0;             ///< UdpStream: datagrams per second; 0 = as fast as possible
    std::chrono::milliseconds duration{10'000};  ///< streams; 0 = until stop()
    std::uint64_t probeCount = 1000;             ///< round trips; 0 = until duration / stop()
    std::uint64_t datagramCount = 0;             ///< UdpStream: exactly this many datagrams leave, then it ends; 0 = no limit
    std::chrono::milliseconds probeTimeout{1000};
    std::chrono::milliseconds connectTimeout{5000};
    TlsSettings tls;                             ///< TcpStream and TcpRtt: every connection over TLS (a client's)
};

/// Checks a spec before anything opens: "" or what is wrong with it ("--size 10: a datagram needs at least 24 bytes").
std::string validateGeneratorSpec(const GeneratorSpec& spec);

enum class GeneratorPhase : std::uint8_t { Connecting, Running, Finished, Failed };

struct GeneratorSnapshot {
    GeneratorPhase phase = GeneratorPhase::Connecting;
    double elapsedSeconds = 0;          ///< since traffic started (not counting the connect)
    std::uint64_t bytesSent = 0;        ///< written to the socket(s), completed
    std::uint64_t messagesSent = 0;     ///< writes, datagrams or probes
    std::uint64_t bytesReceived = 0;
    std::uint64_t sendErrors = 0;       ///< datagrams the OS refused (no buffer space, port unreachable)
    std::uint64_t probesLost = 0;       ///< UDP round trips without a reply within probeTimeout
    unsigned connectionsOpen = 0;
    std::vector<std::uint64_t> bytesPerConnection; ///< TcpStream: bytes sent on each connection
    LatencySummary rtt;
    std::vector<std::string> problems;  ///< what went wrong, each naming the peer (connection refused, reset, ...)
    std::string tls;                    ///< with TLS: the first connection's "TLSv1.3, TLS_AES_256_GCM_SHA384"
};

class TrafficGenerator {
public:
    /// The spec must pass validateGeneratorSpec. Nothing happens until start().
    explicit TrafficGenerator(GeneratorSpec spec);
    ~TrafficGenerator(); ///< stops and joins
    TrafficGenerator(const TrafficGenerator&) = delete;
    TrafficGenerator& operator=(const TrafficGenerator&) = delete;

    void start();
    /// Ends the run early; the figures stay readable and the phase becomes Finished.
    void stop();
    [[nodiscard]] GeneratorSnapshot snapshot() const;
    /// Every round trip so far (a snapshot carries only its percentiles): what a report needs to merge exactly.
    [[nodiscard]] LatencyHistogram rttHistogram() const;
    [[nodiscard]] bool done() const; ///< Finished or Failed
    /// Blocks until done or until `limit` passes; true when done.
    bool waitUntilDone(std::chrono::milliseconds limit) const;
    [[nodiscard]] const GeneratorSpec& spec() const { return m_spec; }

    class Run; ///< the worker-side state (defined in the implementation)

private:
    const GeneratorSpec m_spec;
    std::shared_ptr<Run> m_run;
};

} // namespace socketeer::core
