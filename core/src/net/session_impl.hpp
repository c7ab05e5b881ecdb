// SessionImpl: the worker-side half of a session. Lives on its Worker's thread; never touched from anywhere else.
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <vector>

#include "net/host_lookup.hpp"
#include "net/send_stream.hpp"
#include "net/session_output.hpp"
#include "socketeer/core/net/auto_reply.hpp"
#include "socketeer/core/net/session.hpp"

namespace socketeer::core {

/// One 64 KiB buffer per worker that every read of that worker fills in turn (reads happen one at a time on the
/// worker thread), so an idle connection costs no buffer at all.
using ReadBuffer = std::vector<std::uint8_t>;
inline constexpr std::size_t ReadBufferSize = 65536;
/// Discard mode reads only to count: a larger buffer means fewer system calls for a bulk stream.
inline constexpr std::size_t DiscardReadBufferSize = 256u << 10;

class SessionImpl : public std::enable_shared_from_this<SessionImpl> {
public:
    SessionImpl(asio::io_context& io, std::shared_ptr<SessionOutput> output, SessionLimits limits);
    virtual ~SessionImpl() = default;

    virtual void open() = 0;
    virtual void close() = 0;
    virtual void send(const SendTarget& target, SharedBytes payload) = 0;
    virtual void kick(ConnectionId id);
    /// Starts a streaming send (Session::sendStream). Each session kind finds the destinations of target, gives each
    /// a leg of its own, and ends the record as failed when there is none (with the same rejection as send()).
    void startStream(StreamId id, std::unique_ptr<ByteSource> source, const SendTarget& target);
    void cancelStream(StreamId id);
    /// A stream was cancelled: connections end its legs that wait behind others (TCP kinds).
    virtual void onStreamCancelled() {}
    virtual void halfClose();

    /// A lossless event queue (QueueOverflow::PauseSources) was drained after it went over its budget: readers that
    /// stopped for it go on.
    virtual void onEventQueueRoom() {}

    void setAutoReply(AutoReply rule) { m_autoReply = std::move(rule); }
    void startRepeat(RepeatSpec spec);
    void stopRepeat();

    /// What a capture starting now needs to know: UDP or TCP, who opens connections, the local endpoint and the
    /// connections already open.
    [[nodiscard]] virtual CaptureScene captureScene() const = 0;

    /// Before the worker stops: stop timers, close everything (the capture is closed after the worker joined).
    void shutdown();
    /// Any thread: lookups still running will not deliver (called before the worker stops).
    void closeLookups() { m_lookups->close(); }

protected:
    /// Emits a SendRejected event and counts it; the reason is kept for a streaming send being set up.
    void rejectSend(ConnectionId id, std::size_t bytes, std::string reason);
    /// The kind-specific half of startStream: called between the record's beginSetup() and endSetup().
    virtual void streamTo(const std::shared_ptr<StreamRecord>& record, std::unique_ptr<ByteSource> source,
                          const SendTarget& target) = 0;
    std::string m_lastRejection;

    asio::io_context& m_io;
    std::shared_ptr<SessionOutput> m_out;
    const SessionLimits m_limits;
    AutoReply m_autoReply;
    std::shared_ptr<ReadBuffer> m_readBuffer;
    std::shared_ptr<LookupGate> m_lookups;

private:
    void scheduleRepeat();
    /// What a repeated template resolves with: the target as {peer} when it names one; the session's counter.
    [[nodiscard]] SendContext repeatContext(bool stepCounter) const;

    std::map<StreamId, std::weak_ptr<StreamRecord>> m_streams; // for cancelStream; expired entries are pruned

    asio::steady_timer m_repeatTimer;
    RepeatSpec m_repeat;
    SharedBytes m_repeatPayload;
    std::uint64_t m_repeatSent = 0;
    std::uint64_t m_repeatGeneration = 0; // a stale timer callback from an earlier repeat sees a different number
    std::chrono::steady_clock::time_point m_repeatNext;
};

} // namespace socketeer::core
