// Session: the thread-safe facade every session type shares. Each owns one Worker; every call here only posts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/stats/sequence_tracker.hpp"
#include "socketeer/core/bytes.hpp"
#include "socketeer/core/capture/capture_sink.hpp"
#include "socketeer/core/event/event_queue.hpp"
#include "socketeer/core/net/auto_reply.hpp"
#include "socketeer/core/net/byte_source.hpp"
#include "socketeer/core/payload/payload_template.hpp"
#include "socketeer/core/stats/counters.hpp"
#include "socketeer/core/stats/peer_table.hpp"

namespace socketeer::core {

enum class SessionKind : std::uint8_t { TcpClient, TcpServer, Udp, Proxy };
std::string_view sessionKindName(SessionKind kind); ///< "TCP client", "TCP server", "UDP", "Proxy"

enum class SessionState : std::uint8_t {
    Closed,       ///< not open (never opened, closed by the user, or failed)
    Opening,      ///< resolving / connecting / binding
    Open,         ///< connected, listening or bound
    Reconnecting, ///< waiting to retry a lost connection
};
std::string_view sessionStateName(SessionState state);

/// Where a send goes. Default: a client's connection, all of a server's clients, a UDP socket's configured remote
/// (else its last sender).
struct SendTarget {
    enum class Kind : std::uint8_t { Default, Connection, AllConnections, HostPort, LastSender };
    Kind kind = Kind::Default;
    ConnectionId connection = 0;
    std::string host;
    std::uint16_t port = 0;

    static SendTarget toDefault() { return {}; }
    static SendTarget toConnection(ConnectionId id) { return {Kind::Connection, id, {}, 0}; }
    static SendTarget toAllConnections() { return {Kind::AllConnections, 0, {}, 0}; }
    static SendTarget toHost(std::string host, std::uint16_t port) { return {Kind::HostPort, 0, std::move(host), port}; }
    static SendTarget toLastSender() { return {Kind::LastSender, 0, {}, 0}; }
};

/// Send `payload` to `target` every `interval` (1 ms resolution), `count` times (0 = until stopped). Runs on the worker.
struct RepeatSpec {
    Bytes payload;
    SendTarget target;
    std::chrono::milliseconds interval{1000};
    std::uint64_t count = 0;
    /// When set, resolved afresh for every send (its counter steps, its checksums follow); payload is then unused.
    std::shared_ptr<const PayloadTemplate> payloadTemplate;
};

struct SessionLimits {
    std::size_t sendBudgetBytes = 16u << 20; ///< per connection (TCP) or socket (UDP): bytes queued but not yet sent
    EventQueueLimits eventQueue;

    bool operator==(const SessionLimits&) const = default;
};

class Worker;
class SessionImpl;
class SessionOutput;

class Session {
public:
    virtual ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    [[nodiscard]] SessionKind kind() const { return m_kind; }
    /// Unique in the process; names the worker thread ("tcp-server-3").
    [[nodiscard]] std::uint64_t id() const { return m_id; }

    /// The one channel of events from the worker. Drain it from one thread. What happens when its consumer falls
    /// behind is the limits' QueueOverflow: fold (a display) or pause reading (a lossless consumer, the CLI).
    EventQueue& events();
    [[nodiscard]] const SessionCounters& counters() const;
    [[nodiscard]] SessionState state() const;
    /// A server's clients, a UDP socket's peers, a client's server: with exact per-peer counters.
    [[nodiscard]] std::vector<PeerStats> peers() const;
    /// Loss, duplication, reordering and jitter of the last stream of numbered datagrams received (a traffic
    /// generator's); nullopt until one arrives. UDP sessions only.
    [[nodiscard]] std::optional<SequenceStats> sequenceStats() const;

    /// Connect / listen / bind. Asynchronous: the outcome arrives as events (opened, connected, error).
    void open();
    /// Closes everything the session holds; emits closed events. The session can be opened again.
    void close();
    /// Closes everything and joins the worker: afterwards every event the session will ever emit is in its queue,
    /// ready for a last drain, and the capture file is complete. Blocks for as long as the worker takes to run dry
    /// (bounded: Worker::stop). Idempotent; the session cannot be opened again. The destructor does the same.
    void stop();
    /// Queues payload for target. Over the send budget, or without a peer, the send is rejected with an event.
    void send(Bytes payload, SendTarget target = {});
    /// Sends everything `source` holds to target, in order after earlier streams to the same connection. The worker
    /// reads the next chunk when the connection's write queue drains, so memory stays a few chunks whatever the size.
    /// EventStreamProgress (at most every 100 ms) and one EventStreamEnded follow; a target with nobody there is
    /// also rejected as send() rejects it. Over UDP the whole source is one datagram. Returns the stream's id (0, and
    /// nothing is sent, once the session was stopped).
    StreamId sendStream(std::unique_ptr<ByteSource> source, SendTarget target = {});
    /// Stops a streaming send after the chunks already queued; it ends as cancelled.
    void cancelStream(StreamId id);
    /// The next value of the session's payload counter ({counter:FMT}): 1, 2, 3... one step per send that uses it,
    /// whichever thread resolves the template.
    std::uint64_t nextPayloadCounter();
    /// TCP servers: disconnect one client.
    void kick(ConnectionId id);
    /// TCP clients: send what is queued, then a FIN; go on receiving until the peer closes (like `nc -N`).
    void halfClose();

    void startRepeat(RepeatSpec spec);
    void stopRepeat();
    /// A repeat is sending (any thread): from when the worker starts it until its count is sent, it is stopped, or
    /// the session closes.
    [[nodiscard]] bool repeating() const;
    void setAutoReply(AutoReply rule);

    /// Starts capturing to a file. Returns an empty string on success, else the reason (file exists, cannot open).
    std::string startCapture(const CaptureSpec& spec);
    /// Flushes and closes the capture file (asynchronously, on the worker).
    void stopCapture();

protected:
    Session(SessionKind kind, SessionLimits limits);
    /// Derived constructors build their Impl on worker().context() with output(), then attach it.
    void attach(std::shared_ptr<SessionImpl> impl);
    Worker& worker() { return *m_worker; }
    const std::shared_ptr<SessionOutput>& output() const { return m_output; }
    const SessionLimits& limits() const { return m_limits; }

private:
    const SessionKind m_kind;
    const std::uint64_t m_id;
    const SessionLimits m_limits;
    std::shared_ptr<SessionOutput> m_output;
    std::unique_ptr<Worker> m_worker;
    std::shared_ptr<SessionImpl> m_impl;
    bool m_stopped = false;
    std::atomic<StreamId> m_nextStreamId{1};
};

} // namespace socketeer::core
