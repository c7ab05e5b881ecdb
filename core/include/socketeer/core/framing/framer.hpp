// Framer: cuts one connection's received byte stream into messages as a FrameSpec says, however the bytes were split
// into reads. Memory is bounded by the spec's maxFrame; one Framer per connection, used from one thread.
#pragma once

#include <cstdint>
#include <type_traits>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/framing/frame_spec.hpp"
#include "socketeer/core/framing/frame_status.hpp"

namespace socketeer::core {

/// A non-owning reference to "void(ByteView message, FrameStatus)": the framer calls it once per message, and the
/// bytes are valid only during that call (often they are a view into the caller's read buffer: no copy).
class MessageSink {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cv_t<F>, MessageSink>)
    MessageSink(F& handler) // NOLINT: implicit by design, like std::function_ref
        : m_handler(&handler), m_call([](void* h, ByteView bytes, FrameStatus status) { (*static_cast<F*>(h))(bytes, status); }) {}

    void operator()(ByteView bytes, FrameStatus status) const { m_call(m_handler, bytes, status); }

private:
    void* m_handler;
    void (*m_call)(void*, ByteView, FrameStatus);
};

class Framer {
public:
    explicit Framer(FrameSpec spec);

    /// Feeds the next bytes of the stream; every message they complete goes to `sink`, in order.
    void push(ByteView data, MessageSink sink);
    /// The stream ended (the connection closed): bytes of an unfinished message become one Partial message.
    void finish(MessageSink sink);
    /// Idle framing: the silence passed, so the message so far is complete.
    void endOfSilence(MessageSink sink);

    /// True while a message has begun but not ended (idle framing arms its timer on it).
    [[nodiscard]] bool midMessage() const { return !m_pending.empty() || m_dropping; }
    [[nodiscard]] const FrameSpec& spec() const { return m_spec; }

private:
    void pushDelimited(ByteView data, MessageSink sink);
    void pushFixed(ByteView data, MessageSink sink);
    void pushLengthField(ByteView data, MessageSink sink);
    void pushStxEtx(ByteView data, MessageSink sink);
    void pushSlip(ByteView data, MessageSink sink);
    void pushCobs(ByteView data, MessageSink sink);

    /// Adds bytes to the message being gathered; past maxFrame, reports it Oversize and drops the rest of it.
    void append(ByteView bytes, MessageSink sink);
    void appendByte(std::uint8_t byte, MessageSink sink);
    void keepDroppedTail(ByteView dropped);
    void clearPending();
    /// The message being gathered ends here: reported with `status` (unless it was dropped as oversize).
    void endMessage(FrameStatus status, MessageSink sink);
    /// A whole message found inside one read: reported straight from the read's bytes.
    void emitWhole(ByteView message, MessageSink sink) const;
    [[nodiscard]] std::int64_t lengthFieldTotal(const std::uint8_t* header) const;

    const FrameSpec m_spec;
    Bytes m_pending;              // the message so far (decoded, for SLIP and COBS); never more than maxFrame
    bool m_dropping = false;      // an oversize message was reported: its remaining bytes are dropped
    Bytes m_droppedTail;          // delimiter framing while dropping: the last bytes, for a delimiter split by reads
    std::uint64_t m_skipBytes = 0; // length framing: bytes of an oversize message still to drop
    bool m_malformed = false;     // SLIP, COBS: the message's encoding broke
    bool m_inFrame = false;       // stx-etx: inside STX…ETX (else m_pending holds bytes outside any frame)
    bool m_slipEscape = false;
    bool m_cobsStarted = false;   // COBS: a code byte of this frame was read
    std::uint8_t m_cobsCode = 0;  // COBS: the current block's code
    std::uint8_t m_cobsLeft = 0;  // COBS: data bytes left in the current block
};

} // namespace socketeer::core
