// TrafficGenerator: the facade (its own Worker), the live figures, and what every engine shares.
#include "socketeer/core/traffic/traffic_generator.hpp"

#include <asio/post.hpp>

#include "traffic/generator_run.hpp"
#include "net/net_error.hpp"
#include "socketeer/core/stats/probe_header.hpp"
#include "socketeer/core/net/udp_socket.hpp"
#include "net/worker.hpp"

namespace socketeer::core {

std::string_view generatorModeName(GeneratorMode mode) {
    switch (mode) {
    case GeneratorMode::TcpStream: return "tcp";
    case GeneratorMode::UdpStream: return "udp";
    case GeneratorMode::TcpRtt: return "rtt";
    case GeneratorMode::UdpRtt: return "rtt-udp";
    }
    return "?";
}

std::string validateGeneratorSpec(const GeneratorSpec& spec) {
    if (spec.host.empty()) return "no host to send to";
    if (spec.port == 0) return "port 0 cannot be a destination";
    if (spec.tls.enabled) {
        if (spec.mode != GeneratorMode::TcpStream && spec.mode != GeneratorMode::TcpRtt)
            return "--tls is for TCP: bench tcp and bench rtt (UDP has no TLS; DTLS is not supported)";
        if (auto problem = checkTlsSettings(spec.tls, false); !problem.empty()) return problem;
    }
    const bool tcpStream = spec.mode == GeneratorMode::TcpStream;
    if (tcpStream && (spec.connections == 0 || spec.connections > 10'000))
        return "--connections " + std::to_string(spec.connections) + ": must be 1 to 10000";
    const std::size_t minimum = tcpStream ? 1 : ProbeHeader::Size;
    const std::size_t maximum = spec.mode == GeneratorMode::UdpStream || spec.mode == GeneratorMode::UdpRtt
                                    ? MaxUdpPayloadV4
                                    : std::size_t{16} << 20;
    if (spec.payloadBytes < minimum)
        return "--size " + std::to_string(spec.payloadBytes) + ": " +
               (tcpStream ? std::string("must be at least 1 byte")
                          : "must be at least " + std::to_string(ProbeHeader::Size) +
                                " bytes (the sequence number and timestamp every message carries)");
    if (spec.payloadBytes > maximum)
        return "--size " + std::to_string(spec.payloadBytes) + ": at most " + std::to_string(maximum) + " bytes" +
               (maximum == MaxUdpPayloadV4 ? " fit in a UDP datagram" : "");
    if (spec.mode == GeneratorMode::UdpStream && spec.ratePerSecond > 100'000'000)
        return "--rate " + std::to_string(spec.ratePerSecond) + ": at most 100000000 datagrams per second";
    const bool roundTrips = spec.mode == GeneratorMode::TcpRtt || spec.mode == GeneratorMode::UdpRtt;
    if (roundTrips && spec.probeCount == 0 && spec.duration.count() == 0)
        return "round trips need a --count or a --duration";
    if (spec.duration.count() < 0) return "--duration cannot be negative";
    if (spec.datagramCount != 0 && spec.mode != GeneratorMode::UdpStream)
        return "a datagram count is for bench udp (bench rtt counts round trips with --count)";
    return {};
}

Bytes generatorFiller(std::size_t size) {
    static constexpr std::string_view Pattern = "socketeer-traffic-generator-0123456789abcdefghijklmnopqrstuvwxyz\n";
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(Pattern[i % Pattern.size()]);
    return bytes;
}

// --- GeneratorLive ----------------------------------------------------------------------------------------------

void GeneratorLive::recordRtt(std::uint64_t nanoseconds) {
    std::lock_guard lock(m_mutex);
    m_rtt.record(nanoseconds);
}

void GeneratorLive::addProblem(std::string text) {
    std::lock_guard lock(m_mutex);
    if (m_problems.size() < MaxProblems) m_problems.push_back(std::move(text));
    else ++m_problemsDropped;
}

void GeneratorLive::markStarted() {
    std::lock_guard lock(m_mutex);
    if (m_phase != GeneratorPhase::Connecting) return;
    m_phase = GeneratorPhase::Running;
    m_startedAt = std::chrono::steady_clock::now();
}

void GeneratorLive::finish(GeneratorPhase phase) {
    std::lock_guard lock(m_mutex);
    if (m_phase == GeneratorPhase::Finished || m_phase == GeneratorPhase::Failed) return;
    m_endedAt = std::chrono::steady_clock::now();
    if (m_startedAt == std::chrono::steady_clock::time_point{}) m_startedAt = m_endedAt;
    m_phase = phase;
    m_doneChanged.notify_all();
}

void GeneratorLive::setTls(std::string description) {
    std::lock_guard lock(m_mutex);
    if (m_tls.empty()) m_tls = std::move(description);
}

GeneratorSnapshot GeneratorLive::snapshot() const {
    GeneratorSnapshot s;
    s.bytesSent = bytesSent.load(std::memory_order_relaxed);
    s.messagesSent = messagesSent.load(std::memory_order_relaxed);
    s.bytesReceived = bytesReceived.load(std::memory_order_relaxed);
    s.sendErrors = sendErrors.load(std::memory_order_relaxed);
    s.probesLost = probesLost.load(std::memory_order_relaxed);
    s.connectionsOpen = connectionsOpen.load(std::memory_order_relaxed);
    s.bytesPerConnection.reserve(m_perConnection.size());
    for (const auto& bytes : m_perConnection) s.bytesPerConnection.push_back(bytes.load(std::memory_order_relaxed));
    std::lock_guard lock(m_mutex);
    s.phase = m_phase;
    if (m_phase != GeneratorPhase::Connecting) {
        const auto end = m_phase == GeneratorPhase::Running ? std::chrono::steady_clock::now() : m_endedAt;
        s.elapsedSeconds = std::chrono::duration<double>(end - m_startedAt).count();
    }
    s.rtt = m_rtt.summary();
    s.problems = m_problems;
    s.tls = m_tls;
    if (m_problemsDropped != 0) s.problems.push_back("... and " + std::to_string(m_problemsDropped) + " more");
    return s;
}

LatencyHistogram GeneratorLive::rttHistogram() const {
    std::lock_guard lock(m_mutex);
    return m_rtt;
}

bool GeneratorLive::done() const {
    std::lock_guard lock(m_mutex);
    return m_phase == GeneratorPhase::Finished || m_phase == GeneratorPhase::Failed;
}

bool GeneratorLive::waitUntilDone(std::chrono::milliseconds limit) const {
    std::unique_lock lock(m_mutex);
    return m_doneChanged.wait_for(lock, limit, [this] {
        return m_phase == GeneratorPhase::Finished || m_phase == GeneratorPhase::Failed;
    });
}

// --- GeneratorEngine --------------------------------------------------------------------------------------------

GeneratorEngine::GeneratorEngine(asio::io_context& io, GeneratorSpec spec, std::shared_ptr<GeneratorLive> live)
    : m_io(io), m_spec(std::move(spec)), m_live(std::move(live)), m_lookups(std::make_shared<LookupGate>(io)),
      m_durationTimer(io) {}

std::string GeneratorEngine::target() const {
    const bool v6 = m_spec.host.find(':') != std::string::npos;
    return (v6 ? "[" + m_spec.host + "]" : m_spec.host) + ":" + std::to_string(m_spec.port);
}

void GeneratorEngine::start() {
    if (m_spec.tls.enabled) {
        auto made = makeTlsEndpoint(m_spec.tls, false);
        if (auto* problem = std::get_if<std::string>(&made)) return fail("TLS: " + *problem);
        m_tlsEndpoint = std::get<std::shared_ptr<TlsEndpoint>>(std::move(made));
    }
    lookupHost(m_lookups, m_spec.host,
               [weak = std::weak_ptr<GeneratorEngine>(shared_from_this())](std::error_code ec,
                                                                          std::vector<asio::ip::address> addresses) {
                   const auto self = weak.lock();
                   if (!self || self->m_ended) return;
                   if (ec || addresses.empty())
                       return self->fail("cannot resolve host '" + self->m_spec.host + "': " +
                                         (ec ? describeError(ec) : std::string("no address")));
                   self->begin(addresses);
               });
}

std::unique_ptr<GeneratorTls> GeneratorEngine::connectionTls(unsigned index) {
    auto made = m_tlsEndpoint->channel(m_spec.host);
    if (auto* problem = std::get_if<std::string>(&made)) {
        m_live->addProblem("connection " + std::to_string(index + 1) + " to " + target() + ": TLS: " + *problem);
        return nullptr;
    }
    return std::make_unique<GeneratorTls>(std::get<std::unique_ptr<TlsChannel>>(std::move(made)));
}

void GeneratorEngine::tlsEstablished(const GeneratorTls& tls) {
    const TlsSessionInfo info = tls.channel->describe();
    m_live->setTls(info.protocol + ", " + info.cipher + (info.alpn.empty() ? std::string() : ", ALPN " + info.alpn));
}

void GeneratorEngine::trafficStarted() {
    m_live->markStarted();
    if (m_spec.duration.count() == 0) return;
    m_durationTimer.expires_after(m_spec.duration);
    m_durationTimer.async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec) self->end(GeneratorPhase::Finished);
    });
}

void GeneratorEngine::fail(std::string problem) {
    m_live->addProblem(std::move(problem));
    end(GeneratorPhase::Failed);
}

void GeneratorEngine::end(GeneratorPhase phase) {
    if (m_ended) return;
    m_ended = true;
    m_durationTimer.cancel();
    closeAll();
    // After the completions already queued: a write the kernel took just before the close is still counted when
    // the run reads as finished, so the figures equal what the peer receives.
    asio::post(m_io, [live = m_live, phase] { live->finish(phase); });
}

// --- TrafficGenerator -------------------------------------------------------------------------------------------

class TrafficGenerator::Run {
public:
    explicit Run(const GeneratorSpec& spec)
        : worker("generator"), live(std::make_shared<GeneratorLive>(
                                   spec.mode == GeneratorMode::TcpStream ? spec.connections : 1u)) {
        switch (spec.mode) {
        case GeneratorMode::TcpStream: engine = makeTcpStreamEngine(worker.context(), spec, live); break;
        case GeneratorMode::UdpStream: engine = makeUdpStreamEngine(worker.context(), spec, live); break;
        case GeneratorMode::TcpRtt:
        case GeneratorMode::UdpRtt: engine = makeRoundTripEngine(worker.context(), spec, live); break;
        }
        worker.setFailureHandler([live = live](const std::string& what) {
            live->addProblem("internal error: " + what);
            live->finish(GeneratorPhase::Failed);
        });
    }
    ~Run() {
        live->stopRequested.store(true, std::memory_order_relaxed);
        engine->closeLookups();
        worker.post([engine = engine] { engine->stop(); });
        worker.stop();
    }

    Worker worker;
    std::shared_ptr<GeneratorLive> live;
    std::shared_ptr<GeneratorEngine> engine;
    bool started = false;
};

TrafficGenerator::TrafficGenerator(GeneratorSpec spec) : m_spec(std::move(spec)), m_run(std::make_shared<Run>(m_spec)) {}

TrafficGenerator::~TrafficGenerator() = default;

void TrafficGenerator::start() {
    if (m_run->started) return;
    m_run->started = true;
    m_run->worker.post([engine = m_run->engine] { engine->start(); });
}

void TrafficGenerator::stop() {
    m_run->live->stopRequested.store(true, std::memory_order_relaxed);
    if (!m_run->started) {
        m_run->live->finish(GeneratorPhase::Finished);
        return;
    }
    m_run->worker.post([engine = m_run->engine] { engine->stop(); });
}

GeneratorSnapshot TrafficGenerator::snapshot() const { return m_run->live->snapshot(); }
LatencyHistogram TrafficGenerator::rttHistogram() const { return m_run->live->rttHistogram(); }
bool TrafficGenerator::done() const { return m_run->live->done(); }
bool TrafficGenerator::waitUntilDone(std::chrono::milliseconds limit) const { return m_run->live->waitUntilDone(limit); }

} // namespace socketeer::core
