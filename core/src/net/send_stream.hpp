// SendStream: the worker side of Session::sendStream. A StreamRecord per streaming send reports its progress and its
// end; a StreamLeg per destination (a server's send to all clients has one per client) reads its own source in
// chunks, pulled by the connection as its write queue drains.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/session_output.hpp"
#include "socketeer/core/net/byte_source.hpp"

namespace socketeer::core {

/// Worker thread only.
class StreamRecord {
public:
    static constexpr auto ProgressInterval = std::chrono::milliseconds(100);

    StreamRecord(StreamId id, std::string sourceName, std::shared_ptr<SessionOutput> output);

    [[nodiscard]] StreamId id() const { return m_id; }
    [[nodiscard]] bool cancelled() const { return m_cancelled; }
    void cancel() { m_cancelled = true; }

    /// While a destination's leg is being set up the stream cannot end (a first leg that completes at once must not
    /// end it before the second is added). Every beginSetup() needs its endSetup().
    void beginSetup() { ++m_openLegs; }
    void endSetup();
    /// A leg starts, with this many bytes to send (when known).
    void addLeg(std::optional<std::uint64_t> bytes);
    /// Bytes of some leg handed to the OS.
    void addSent(std::uint64_t bytes);
    /// A leg ended; the stream ends with its last leg (failed if any leg failed, cancelled if asked, else completed).
    void legEnded(std::optional<std::string> failure);
    /// The reason given when no leg could start at all ("not connected to 127.0.0.1:5000").
    void setFailure(std::string detail);

private:
    void finish();

    const StreamId m_id;
    const std::string m_source;
    std::shared_ptr<SessionOutput> m_out;
    int m_openLegs = 0;
    int m_legs = 0;
    std::uint64_t m_sent = 0;
    std::optional<std::uint64_t> m_total = 0;
    std::optional<std::string> m_failure;
    bool m_cancelled = false;
    bool m_ended = false;
    std::chrono::steady_clock::time_point m_nextProgress;
};

/// One destination's share of a streaming send.
class StreamLeg {
public:
    StreamLeg(std::shared_ptr<StreamRecord> record, std::unique_ptr<ByteSource> source, std::size_t chunkBytes);

    /// The next chunk, or nullptr when there is none: the source ended, failed (failure() says why) or the stream
    /// was cancelled.
    SharedBytes nextChunk();
    /// Chunks handed out and not yet written.
    void chunkWritten(std::size_t bytes);
    [[nodiscard]] bool finished() const { return m_sourceDone && m_inFlight == 0; }
    [[nodiscard]] bool started() const { return m_started; }
    /// Ends this leg: `failure` if the connection went away first, else what the source said.
    void end(std::optional<std::string> failure = std::nullopt);
    [[nodiscard]] StreamRecord& record() { return *m_record; }

private:
    std::shared_ptr<StreamRecord> m_record;
    std::unique_ptr<ByteSource> m_source;
    const std::size_t m_chunkBytes;
    std::size_t m_inFlight = 0;
    bool m_sourceDone = false;
    bool m_started = false; // a chunk was read
    bool m_ended = false;
    std::optional<std::string> m_failure;
};

} // namespace socketeer::core
