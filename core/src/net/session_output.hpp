// SessionOutput: what a session's worker reports through — counters, peer table, capture, then the event queue.
#pragma once

#include <atomic>
#include <cassert>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "socketeer/core/capture/capture_sink.hpp"
#include "socketeer/core/event/event_queue.hpp"
#include "socketeer/core/payload/checksum.hpp"
#include "socketeer/core/net/session.hpp"
#include "socketeer/core/stats/counters.hpp"
#include "socketeer/core/stats/peer_table.hpp"
#include "socketeer/core/stats/sequence_tracker.hpp"

namespace socketeer::core {

/// Messages of one read that did not end as the framing defines.
struct FrameTally {
    std::uint64_t partial = 0;
    std::uint64_t oversize = 0;
    std::uint64_t malformed = 0;
    void note(FrameStatus status) {
        if (status == FrameStatus::Partial) ++partial;
        else if (status == FrameStatus::Oversize) ++oversize;
        else if (status == FrameStatus::Malformed) ++malformed;
    }
};

/// Shared by the facade (reads) and the worker (writes). The emit functions run on the worker thread only; the
/// order is fixed: counters, then capture, then the queue — so capture and counters are exact whatever the queue drops.
class SessionOutput {
public:
    explicit SessionOutput(EventQueueLimits limits) : queue(limits) {}

    EventQueue queue;
    SessionCounters counters;
    PeerTable peers;
    std::atomic<SessionState> state{SessionState::Closed};
    /// Discard mode (set before the session opens): received bytes are counted, never stored or reported one by one.
    bool discardReceived = false;
    /// Set before the session opens: every received message is checked for this trailing checksum.
    std::optional<ChecksumKind> receiveCheck;

    void emit(SessionEventBody body);
    /// rule: the index of the match rule whose reply these sent bytes are (-1: none).
    void emitData(Direction direction, ConnectionId id, const Endpoint& peer, SharedBytes bytes, std::int32_t rule = -1,
                  FrameStatus frame = FrameStatus::Unframed);
    void emitError(ConnectionId id, std::error_code code, std::string message);
    /// Discard mode's receive: counters and peer table only.
    void countReceived(ConnectionId id, std::uint64_t bytes, std::uint64_t messages = 1);
    /// A framed stream's read: captured as it came, and counted as the messages it completed (those that did not end
    /// as the framing defines counted apart). The messages follow as emitMessage.
    void receiveFramed(ConnectionId id, const Endpoint& peer, ByteView wire, std::uint64_t messages,
                       const FrameTally& problems);
    /// One received message of a framed stream: queued (not captured: its bytes were, by receiveFramed).
    void emitMessage(ConnectionId id, const Endpoint& peer, SharedBytes bytes, FrameStatus status);
    /// Follows numbered datagrams (a generator's): a payload without a probe header is ignored.
    void trackSequence(ByteView payload);
    [[nodiscard]] std::optional<SequenceStats> sequenceStats() const;

    /// While one is alive, events are queued without waking the front end, which is woken once when the last one
    /// ends. A read reports what it received, the answers leave, and only then is the front end's thread woken: the
    /// queue keeps cause before effect, and the answer does not wait for a thread hand-off. Nests; worker only.
    class QuietScope {
    public:
        explicit QuietScope(SessionOutput& output) : m_output(output) { ++m_output.m_quietScopes; }
        ~QuietScope() {
            if (--m_output.m_quietScopes == 0) m_output.queue.wakeConsumer();
        }
        QuietScope(const QuietScope&) = delete;
        QuietScope& operator=(const QuietScope&) = delete;

    private:
        SessionOutput& m_output;
    };

    void setState(SessionState newState) { state.store(newState); }

    /// The session's payload counter ({counter:FMT}): 1, 2, 3... shared by the front end's sends and the worker's.
    std::uint64_t nextPayloadCounter() { return m_payloadCounter.fetch_add(1, std::memory_order_relaxed) + 1; }

    /// Debug builds check that the worker-side functions run on the one thread that owns them: the worker while it
    /// runs, the facade's thread once the worker has been joined. Release builds check nothing.
    void bindToThisThread() { m_owner.store(std::this_thread::get_id(), std::memory_order_relaxed); }
    void assertOwnerThread() const {
        assert(m_owner.load(std::memory_order_relaxed) == std::this_thread::get_id() &&
               "a worker-side function was called from another thread");
    }

    /// A TLS connection's ciphertext as it crossed the socket, and a key log line of it, for pcapng captures.
    void captureWire(Direction direction, ConnectionId id, const Endpoint& peer, ByteView ciphertext);
    void captureSecret(std::string_view keyLogLine);
    /// Worker only: a pcapng capture is running (TLS connections then keep the ciphertext they read for it).
    [[nodiscard]] bool capturingWire() const {
        for (const auto& sink : m_captures)
            if (sink->spec().format == CaptureFormat::Pcapng) return true;
        return false;
    }
    /// Adds a capture (the CLI may write a record file and a pcapng at once); the scene is what the session holds now.
    void addCapture(std::unique_ptr<CaptureSink> sink, CaptureScene scene);
    /// Closes every capture, each saying where it was saved.
    void closeCapture();

private:
    void record(SessionEvent&& event);
    /// A capture failed to write: it is dropped, and the error follows the event that failed.
    std::optional<SessionEvent> dropFailedCapture(std::size_t index);
    /// Runs write on every capture, dropping (and reporting) those that fail.
    template <typename Write>
    void eachCapture(Write write) {
        std::vector<SessionEvent> failures;
        for (std::size_t i = 0; i < m_captures.size();)
            if (!write(*m_captures[i])) failures.push_back(*dropFailedCapture(i));
            else ++i;
        for (SessionEvent& failure : failures) record(std::move(failure));
    }
    /// The check of a received message, counted.
    CheckStatus checkReceived(const SharedBytes& bytes);

    std::atomic<std::thread::id> m_owner{};
    std::atomic<std::uint64_t> m_payloadCounter{0};
    mutable std::mutex m_sequenceMutex;
    SequenceTracker m_sequence;             // written on the worker, read by any thread
    std::vector<std::unique_ptr<CaptureSink>> m_captures; // worker thread only
    int m_quietScopes = 0;                  // worker thread only
};

} // namespace socketeer::core
