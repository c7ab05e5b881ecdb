// Framer: one scanner per mode. Whole messages inside one read are reported as views of it; only a message that
// spans reads (or is decoded) is gathered in m_pending.
#include "socketeer/core/framing/framer.hpp"

#include <algorithm>
#include <cstring>

namespace socketeer::core {
namespace {

constexpr std::size_t RetainedPendingBytes = 64u << 10;
constexpr std::uint8_t Stx = 0x02;
constexpr std::uint8_t Etx = 0x03;
constexpr std::uint8_t SlipEnd = 0xC0;
constexpr std::uint8_t SlipEsc = 0xDB;
constexpr std::uint8_t SlipEscEnd = 0xDC;
constexpr std::uint8_t SlipEscEsc = 0xDD;

/// The first of `a` or `b` in [from, end), or end.
const std::uint8_t* findEither(const std::uint8_t* from, const std::uint8_t* end, std::uint8_t a, std::uint8_t b) {
    return std::find_if(from, end, [a, b](std::uint8_t c) { return c == a || c == b; });
}

/// Where `delimiter` starts in data, or data.size().
std::size_t findDelimiter(ByteView data, ByteView delimiter) {
    if (delimiter.size() == 1) {
        const void* at = std::memchr(data.data(), delimiter[0], data.size());
        return at ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(at) - data.data()) : data.size();
    }
    return static_cast<std::size_t>(std::search(data.begin(), data.end(), delimiter.begin(), delimiter.end()) - data.begin());
}

bool endsWith(ByteView bytes, ByteView suffix) {
    return bytes.size() >= suffix.size() && std::equal(suffix.begin(), suffix.end(), bytes.end() - static_cast<std::ptrdiff_t>(suffix.size()));
}

} // namespace

Framer::Framer(FrameSpec spec) : m_spec(std::move(spec)) {}

void Framer::push(ByteView data, MessageSink sink) {
    if (data.empty()) return;
    switch (m_spec.mode) {
        case FrameMode::None: sink(data, FrameStatus::Unframed); return; // not framed: each read as it came
        case FrameMode::Delimiter: pushDelimited(data, sink); return;
        case FrameMode::Fixed: pushFixed(data, sink); return;
        case FrameMode::LengthField: pushLengthField(data, sink); return;
        case FrameMode::Idle: append(data, sink); return;
        case FrameMode::StxEtx: pushStxEtx(data, sink); return;
        case FrameMode::Slip: pushSlip(data, sink); return;
        case FrameMode::Cobs: pushCobs(data, sink); return;
    }
}

void Framer::finish(MessageSink sink) {
    if (!m_pending.empty() || (m_cobsStarted && !m_dropping)) sink(m_pending, FrameStatus::Partial);
    clearPending();
    m_dropping = false;
    m_droppedTail.clear();
    m_skipBytes = 0;
    m_malformed = m_inFrame = m_slipEscape = m_cobsStarted = false;
    m_cobsCode = m_cobsLeft = 0;
}

void Framer::endOfSilence(MessageSink sink) {
    if (m_spec.mode == FrameMode::Idle) endMessage(FrameStatus::Complete, sink);
}

void Framer::emitWhole(ByteView message, MessageSink sink) const {
    if (message.size() <= m_spec.maxFrame) sink(message, FrameStatus::Complete);
    else sink(message.first(m_spec.maxFrame), FrameStatus::Oversize);
}

void Framer::clearPending() {
    // A message that spanned reads may have grown the buffer up to max-frame: give that back, so that 10,000 quiet
    // connections do not each keep a MiB.
    m_pending.clear();
    if (m_pending.capacity() > RetainedPendingBytes) Bytes().swap(m_pending);
}

void Framer::append(ByteView bytes, MessageSink sink) {
    if (m_dropping) {
        keepDroppedTail(bytes);
        return;
    }
    const std::size_t room = m_spec.maxFrame - m_pending.size();
    if (bytes.size() <= room) {
        m_pending.insert(m_pending.end(), bytes.begin(), bytes.end());
        return;
    }
    m_pending.insert(m_pending.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(room));
    sink(m_pending, FrameStatus::Oversize);
    keepDroppedTail(m_pending);
    clearPending();
    m_dropping = true;
    keepDroppedTail(bytes.subspan(room));
}

void Framer::keepDroppedTail(ByteView dropped) {
    // Delimiter framing ends a dropped message at its delimiter, which may begin in the last bytes dropped.
    const std::size_t keep = m_spec.mode == FrameMode::Delimiter ? m_spec.delimiter.size() - 1 : 0;
    if (keep == 0) return;
    if (dropped.size() >= keep) dropped = dropped.last(keep);
    m_droppedTail.insert(m_droppedTail.end(), dropped.begin(), dropped.end());
    if (m_droppedTail.size() > keep)
        m_droppedTail.erase(m_droppedTail.begin(), m_droppedTail.end() - static_cast<std::ptrdiff_t>(keep));
}

void Framer::appendByte(std::uint8_t byte, MessageSink sink) {
    if (m_dropping) return;
    if (m_pending.size() < m_spec.maxFrame) {
        m_pending.push_back(byte);
        return;
    }
    sink(m_pending, FrameStatus::Oversize);
    clearPending();
    m_dropping = true;
}

void Framer::endMessage(FrameStatus status, MessageSink sink) {
    if (m_dropping) m_dropping = false; // reported when it overflowed
    else if (!m_pending.empty()) sink(m_pending, status);
    clearPending();
    m_droppedTail.clear();
    m_malformed = false;
}

void Framer::pushDelimited(ByteView data, MessageSink sink) {
    const ByteView delimiter = m_spec.delimiter;
    const std::size_t d = delimiter.size();
    std::size_t pos = 0;
    // A delimiter split between the message so far and this read: its first j bytes end the message so far.
    const ByteView sofar = m_dropping ? ByteView(m_droppedTail) : ByteView(m_pending);
    for (std::size_t j = std::min(d - 1, sofar.size()); j >= 1 && d > 1; --j) {
        const std::size_t rest = d - j;
        if (data.size() >= rest && endsWith(sofar, delimiter.first(j)) &&
            std::equal(delimiter.begin() + static_cast<std::ptrdiff_t>(j), delimiter.end(), data.begin())) {
            append(data.first(rest), sink);
            endMessage(FrameStatus::Complete, sink);
            pos = rest;
            break;
        }
    }
    while (pos < data.size()) {
        const ByteView rest = data.subspan(pos);
        const std::size_t at = findDelimiter(rest, delimiter);
        if (at == rest.size()) break;
        const ByteView message = rest.first(at + d);
        if (m_pending.empty() && !m_dropping) {
            emitWhole(message, sink);
        } else {
            append(message, sink);
            endMessage(FrameStatus::Complete, sink);
        }
        pos += at + d;
    }
    append(data.subspan(pos), sink);
}

void Framer::pushFixed(ByteView data, MessageSink sink) {
    const std::size_t n = m_spec.fixedSize;
    std::size_t pos = 0;
    if (!m_pending.empty()) {
        pos = std::min(n - m_pending.size(), data.size());
        m_pending.insert(m_pending.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(pos));
        if (m_pending.size() < n) return;
        sink(m_pending, FrameStatus::Complete);
        clearPending();
    }
    for (; data.size() - pos >= n; pos += n) sink(data.subspan(pos, n), FrameStatus::Complete);
    m_pending.assign(data.begin() + static_cast<std::ptrdiff_t>(pos), data.end());
}

std::int64_t Framer::lengthFieldTotal(const std::uint8_t* header) const {
    const LengthFieldSpec& field = m_spec.length;
    const std::uint8_t* at = header + field.offset;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < field.width; ++i) {
        const std::size_t index = field.bigEndian ? i : field.width - 1 - i;
        value = (value << 8) | at[index];
    }
    return static_cast<std::int64_t>(field.headerSize() + value) + field.adjust;
}

void Framer::pushLengthField(ByteView data, MessageSink sink) {
    const std::size_t header = m_spec.length.headerSize();
    const std::size_t maxFrame = m_spec.maxFrame;
    std::size_t pos = 0;
    while (pos < data.size()) {
        const std::size_t available = data.size() - pos;
        if (m_skipBytes > 0) { // the rest of an oversize message
            const std::size_t skip = static_cast<std::size_t>(std::min<std::uint64_t>(m_skipBytes, available));
            m_skipBytes -= skip;
            pos += skip;
            continue;
        }
        if (m_pending.empty() && available >= header) {
            // The common case: the header is in this read, so is (often) the whole message.
            const std::int64_t total = lengthFieldTotal(data.data() + pos);
            if (total < static_cast<std::int64_t>(header)) {
                sink(data.subspan(pos, header), FrameStatus::Malformed);
                pos += header;
                continue;
            }
            const auto size = static_cast<std::uint64_t>(total);
            const std::size_t kept = static_cast<std::size_t>(std::min<std::uint64_t>(size, maxFrame));
            if (available >= kept) {
                sink(data.subspan(pos, kept), size > maxFrame ? FrameStatus::Oversize : FrameStatus::Complete);
                m_skipBytes = size - kept;
                pos += kept;
                continue;
            }
        }
        // Gather the header, then the message, across reads.
        if (m_pending.size() < header) {
            const std::size_t take = std::min(header - m_pending.size(), available);
            m_pending.insert(m_pending.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                             data.begin() + static_cast<std::ptrdiff_t>(pos + take));
            pos += take;
            if (m_pending.size() < header) return;
        }
        const std::int64_t total = lengthFieldTotal(m_pending.data());
        if (total < static_cast<std::int64_t>(header)) {
            sink(m_pending, FrameStatus::Malformed);
            clearPending();
            continue;
        }
        const auto size = static_cast<std::uint64_t>(total);
        const std::size_t kept = static_cast<std::size_t>(std::min<std::uint64_t>(size, maxFrame));
        const std::size_t take = std::min(kept - m_pending.size(), data.size() - pos);
        m_pending.insert(m_pending.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                         data.begin() + static_cast<std::ptrdiff_t>(pos + take));
        pos += take;
        if (m_pending.size() < kept) return;
        sink(m_pending, size > maxFrame ? FrameStatus::Oversize : FrameStatus::Complete);
        clearPending();
        m_skipBytes = size - kept;
    }
}

void Framer::pushStxEtx(ByteView data, MessageSink sink) {
    const std::uint8_t* at = data.data();
    const std::uint8_t* const end = at + data.size();
    while (at < end) {
        if (!m_inFrame) {
            // Bytes outside any frame are reported, marked partial, when the next frame starts.
            const std::uint8_t* stx = std::find(at, end, Stx);
            append({at, stx}, sink);
            if (stx == end) return;
            endMessage(FrameStatus::Partial, sink);
            m_inFrame = true;
            at = stx;
            append({at, 1}, sink);
            ++at;
            continue;
        }
        const std::uint8_t* mark = findEither(at, end, Stx, Etx);
        if (mark == end) {
            append({at, end}, sink);
            return;
        }
        if (*mark == Etx) {
            append({at, mark + 1}, sink);
            endMessage(FrameStatus::Complete, sink);
            m_inFrame = false;
            at = mark + 1;
        } else { // a new STX before the ETX: the frame so far was cut short
            append({at, mark}, sink);
            endMessage(FrameStatus::Partial, sink);
            m_inFrame = false;
            at = mark;
        }
    }
}

void Framer::pushSlip(ByteView data, MessageSink sink) {
    const std::uint8_t* at = data.data();
    const std::uint8_t* const end = at + data.size();
    while (at < end) {
        if (m_slipEscape) {
            m_slipEscape = false;
            const std::uint8_t escaped = *at++;
            if (escaped == SlipEscEnd) appendByte(SlipEnd, sink);
            else if (escaped == SlipEscEsc) appendByte(SlipEsc, sink);
            else { // RFC 1055: a protocol violation; keep the byte, and say the message is malformed
                m_malformed = true;
                appendByte(escaped, sink);
            }
            continue;
        }
        const std::uint8_t* special = findEither(at, end, SlipEnd, SlipEsc);
        append({at, special}, sink);
        if (special == end) return;
        at = special + 1;
        if (*special == SlipEsc) {
            m_slipEscape = true;
        } else if (!m_pending.empty() || m_dropping || m_malformed) {
            endMessage(m_malformed ? FrameStatus::Malformed : FrameStatus::Complete, sink);
        } // an END with nothing before it only flushes line noise (RFC 1055): no message
    }
}

void Framer::pushCobs(ByteView data, MessageSink sink) {
    for (const std::uint8_t byte : data) {
        if (byte == 0x00) { // the frame's delimiter
            if (!m_cobsStarted) continue; // no frame: an empty run of delimiters
            if (m_cobsLeft > 0) m_malformed = true; // the last block promised more bytes
            const FrameStatus status = m_malformed ? FrameStatus::Malformed : FrameStatus::Complete;
            if (!m_pending.empty() || m_dropping) endMessage(status, sink);
            else sink(m_pending, status); // a frame that decodes to no bytes ([01 00]) is still a message
            m_malformed = m_cobsStarted = false;
            m_cobsLeft = 0;
            continue;
        }
        if (m_cobsLeft == 0) { // a code byte: the previous block (unless it was a full 254) ended in a zero
            if (m_cobsStarted && m_cobsCode != 0xFF) appendByte(0x00, sink);
            m_cobsStarted = true;
            m_cobsCode = byte;
            m_cobsLeft = static_cast<std::uint8_t>(byte - 1);
            continue;
        }
        appendByte(byte, sink);
        --m_cobsLeft;
    }
}

std::string_view frameStatusName(FrameStatus status) {
    switch (status) {
        case FrameStatus::Unframed: return "raw";
        case FrameStatus::Complete: return "ok";
        case FrameStatus::Partial: return "partial";
        case FrameStatus::Oversize: return "oversize";
        case FrameStatus::Malformed: return "malformed";
    }
    return "raw";
}

} // namespace socketeer::core
