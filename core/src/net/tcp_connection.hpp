// TcpConnection: one TCP stream of a session (a server's client or a client's connection): reads, the bounded
// write queue, telling an orderly close from a reset, and TLS over it when the session has TLS.
#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <memory>
#include <optional>

#include "net/send_stream.hpp"
#include "socketeer/core/framing/framer.hpp"
#include "net/session_impl.hpp"
#include "net/rule_responder.hpp"
#include "net/session_output.hpp"
#include "net/vector_fifo.hpp"
#include "tls/tls_channel.hpp"

namespace socketeer::core {

class TcpConnection;

/// The session that owns connections. Called on the worker thread.
class TcpConnectionOwner {
public:
    virtual ~TcpConnectionOwner() = default;
    virtual void onConnectionData(TcpConnection& connection, const SharedBytes& bytes) = 0;
    /// Just before the Closed event is emitted, so the session state already says what the event means.
    virtual void onConnectionClosing(TcpConnection&, CloseReason) {}
    /// After the Closed event was emitted; the owner drops the connection from its registry.
    virtual void onConnectionClosed(TcpConnection& connection, CloseReason reason) = 0;
    /// The write queue fell below a quarter of the budget: readers paused for back-pressure may resume.
    virtual void onConnectionDrained(TcpConnection& connection) = 0;
};

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
public:
    TcpConnection(asio::ip::tcp::socket socket, ConnectionId id, Endpoint local, Endpoint peer,
                  std::shared_ptr<SessionOutput> output, std::shared_ptr<ReadBuffer> readBuffer,
                  std::size_t sendBudget, const FrameSpec& framing, std::weak_ptr<TcpConnectionOwner> owner,
                  std::unique_ptr<TlsChannel> tls = nullptr);

    /// Registers in the peer table and starts reading (and a TLS client's handshake). With TLS, what is sent before
    /// the handshake completes waits for it; everything above the channel (framing, rules, counters, capture) sees
    /// plaintext.
    void start();
    /// Queues payload. Over the budget (or when closing) the send is rejected with an event and false is returned.
    /// rule: the match rule whose reply this is (its sent event names it); -1 for any other send.
    bool send(SharedBytes payload, std::int32_t rule = -1);
    /// Sends a streaming send's share after whatever streams are already attached: its chunks are read as the write
    /// queue drains (at most streamWindow() bytes of them queued). A closing connection ends the leg as failed.
    void attachStream(std::unique_ptr<StreamLeg> leg);
    /// A streaming send was cancelled: its legs that have not started end now.
    void dropCancelledStreams();
    /// Chunk size and window of streaming sends: a few chunks in flight keep the socket busy while memory stays small.
    [[nodiscard]] std::size_t streamChunkBytes() const { return std::min<std::size_t>(StreamChunkBytes, m_sendBudget / 4); }
    [[nodiscard]] std::size_t streamWindow() const { return std::min<std::size_t>(StreamWindowBytes, m_sendBudget / 2); }
    static constexpr std::size_t StreamChunkBytes = 256u << 10;
    static constexpr std::size_t StreamWindowBytes = 1u << 20;
    /// Sends what is queued, then shuts down the send side and closes once the peer closes too (or after 2 s).
    void closeAfterWrites(CloseReason reason);
    /// Sends what is queued, then our FIN; keeps reading until the peer closes (no timer: the caller bounds it).
    void halfClose();
    /// Closes now; pending writes are dropped. Emits the Closed event once.
    void close(CloseReason reason, std::string detail = {});

    /// Answers `received`: the first match rule that matches it (its replies after their delays, a close), else the
    /// automatic reply (echo, fixed, prefixed), closing after it if asked.
    void replyAutomatically(const AutoReply& rule, const SharedBytes& received);
    /// Queues the rule's welcome, and closes after it when close-after-reply has no other reply to wait for.
    void sendWelcome(const AutoReply& rule);
    /// True when the write queue holds more than half the budget: sources feeding it should pause.
    [[nodiscard]] bool isCongested() const { return m_queuedBytes > m_sendBudget / 2; }

    /// Back-pressure for echo and relay: stop reading while a destination cannot keep up.
    void pauseReading();
    void resumeReading();
    /// A lossless event queue had no room: reading stopped; it goes on now that the front end drained.
    void resumeAfterQueueRoom();

    [[nodiscard]] ConnectionId id() const { return m_id; }
    [[nodiscard]] const Endpoint& peer() const { return m_peer; }
    [[nodiscard]] const Endpoint& local() const { return m_local; }
    /// False once closing or half-closed: relay and send-to-all skip such connections instead of failing on them.
    [[nodiscard]] bool acceptsSends() const {
        return !m_closed && !m_closeWhenFlushed && !m_sendShutdown && !m_halfCloseWhenFlushed;
    }
    [[nodiscard]] std::size_t queuedBytes() const { return m_queuedBytes; }

private:
    void waitForData();
    void readAvailable();
    /// One read's bytes (plaintext, with TLS): framed, or counted and reported and answered.
    void deliver(ByteView received);
    /// One read's ciphertext: the handshake goes on, then what it decrypts is delivered. False when the read path
    /// ended (the peer's close_notify, a TLS failure).
    bool receiveTls(ByteView ciphertext);
    void advanceHandshake();
    /// Something can be written now: queued payloads (with TLS: once the handshake is done), or TLS's own records.
    [[nodiscard]] bool writable() const;
    /// TLS: encrypts the next payloads of the queue (m_inFlightCount of them) and takes all pending ciphertext into
    /// m_cipherOut. False when encryption failed (the connection is closed then).
    bool sealQueued();
    /// Our FIN; with TLS after the close_notify, once that is written.
    void sendFin();
    void finIfWritten();
    /// Closes now, or once our FIN (after the close_notify being written) is out.
    void finishAfterFin(CloseReason reason);
    void failTls(const std::string& what, const std::string& error);
    void writeQueued();
    void writeRestAsynchronously(std::vector<asio::const_buffer> buffers, std::size_t written);
    /// After a gathered write (ec set if it failed): pops and reports what went out, then flushes, closes or
    /// half-closes as asked. True when more is queued and may be written now.
    bool afterWrite(const std::error_code& ec);
    void onReadFailure(const std::error_code& ec);
    /// A framed stream's read: counted and captured as read, then each message it completed reported and answered.
    void receiveFramed(ByteView wire);
    /// The stream ended: an unfinished message is reported as partial.
    void finishFraming();
    /// The framer's sink: keeps a message of the current read for reportFramed.
    void gatherMessage(ByteView message, FrameStatus status);
    /// Reports the messages gathered in m_framed (answering them unless `answer` is false), then forgets them.
    void reportFramed(ByteView wire, bool answer);
    /// What a reply's template resolves with: this peer, its message number, the session's counter.
    [[nodiscard]] SendContext replyContext(std::uint64_t messageNumber) const;
    /// Idle framing: ends the message once the line has been quiet for the spec's gap.
    void armIdleTimer();
    void finishGracefully();
    void shutdownSend();
    void armFlushDeadline();
    void finish(CloseReason reason, const std::error_code& ec, std::string detail);
    void enqueue(SharedBytes payload, StreamLeg* leg, std::int32_t rule = -1);
    /// The match rules' answer to one message; false when no rule matched (the automatic reply answers then).
    bool answerByRules(const RuleSet& rules, ByteView received);
    /// One step of a rule plan: its replies, then the close if it is due.
    void runRuleStep(const RuleStep& step);
    /// Goes on with a close or half-close that waited for the data, once nothing is left to send.
    void closeIfFlushed();
    /// Nothing queued and no stream still to be read: a close or half-close that waits for the data may go on.
    /// With TLS a close also waits for the handshake: what was sent meanwhile goes first, and a session ended early
    /// never writes its handshake after its FIN.
    [[nodiscard]] bool flushed() const { return m_queue.empty() && m_streams.empty() && (!m_tls || m_tlsReady); }
    /// Writes the held ciphertext to the captures (see m_heldCiphertext).
    void releaseHeldCiphertext();
    /// Tops the write queue up from the front stream leg; ends legs that are done.
    void pumpStreams();

    asio::ip::tcp::socket m_socket;
    std::unique_ptr<TlsChannel> m_tls; // null: plain TCP
    bool m_tlsReady = false;           // the handshake completed
    bool m_tlsCloseNotified = false;   // our close_notify is made: no more plaintext
    std::shared_ptr<Bytes> m_cipherOut; // the ciphertext being written (reused while no asynchronous write holds it)
    // A pcapng capture's copy of the ciphertext just read, written once OpenSSL has logged the keys it derived from
    // it and before what it answers: Wireshark then decrypts in one pass. Null when not capturing.
    std::unique_ptr<Bytes> m_heldCiphertext;
    bool m_finPending = false;         // our FIN goes once what is being written is out
    std::optional<CloseReason> m_finishAfterFin; // and then the connection closes
    bool m_peerCloseNotified = false;  // the peer's close_notify arrived
    const ConnectionId m_id;
    const Endpoint m_local;
    const Endpoint m_peer;
    const std::string m_peerText; // m_peer.toString(), made once: replies and messages name the peer per message
    std::shared_ptr<SessionOutput> m_out;
    std::shared_ptr<ReadBuffer> m_readBuffer;
    const std::size_t m_sendBudget;
    std::weak_ptr<TcpConnectionOwner> m_owner;

    struct QueuedWrite {
        SharedBytes bytes;
        StreamLeg* leg = nullptr; // the streaming send it belongs to, if any
        std::int32_t rule = -1;   // the match rule whose reply it is, if any
    };
    std::string m_ruleState; // the match rules' state on this connection (state:NAME, when:NAME)
    std::unique_ptr<DelayedRuleSteps> m_ruleSteps; // made at the first delayed step
    VectorFifo<QueuedWrite> m_queue;
    // The front one is being sent. A vector, not a deque: an empty std::deque allocates ~600 bytes, and most of a
    // server's 19,000 connections never stream anything. (What is made only for some connections is held by pointer
    // for the same reason: the framer, the timers, delayed rule steps.)
    std::vector<std::unique_ptr<StreamLeg>> m_streams;
    bool m_pumping = false;
    bool m_pumpPosted = false;
    std::size_t m_queuedBytes = 0;
    std::size_t m_inFlightCount = 0; // payloads at the front of m_queue that the current write carries
    bool m_writing = false;          // a write is in flight (with TLS it may carry no payload: handshake, alerts)
    bool m_waitingForData = false;
    bool m_readPaused = false;
    bool m_peerFinished = false;     // FIN received
    bool m_sendShutdown = false;     // our FIN sent
    std::optional<CloseReason> m_closeWhenFlushed;
    bool m_halfCloseWhenFlushed = false;
    bool m_closed = false;
    std::uint64_t m_messagesReceived = 0; // a reply's {n}: reads, or messages when framed
    std::unique_ptr<Framer> m_framer; // a framed session's, per connection
    struct FramedMessage {
        SharedBytes bytes;
        FrameStatus status;
    };
    std::vector<FramedMessage> m_framed; // the messages of the current read (reused)
    std::uint64_t m_framedCount = 0;     // discard mode: counted only
    FrameTally m_framedProblems;
    std::unique_ptr<asio::steady_timer> m_idleTimer;
    std::chrono::steady_clock::time_point m_lastByteAt;
    std::unique_ptr<asio::steady_timer> m_lingerTimer;
    bool m_waitingForQueueRoom = false; // a lossless event queue is full: reading waits for the front end
};

} // namespace socketeer::core
