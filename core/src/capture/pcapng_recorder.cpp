// PcapngRecorder: session events → synthesized packets.
#include "socketeer/core/capture/pcapng_recorder.hpp"

#include <algorithm>

#include "socketeer/core/event/event_text.hpp"

namespace socketeer::core {
namespace {

using pcapng::PacketDirection;
namespace flags = tcp_flags;

/// The exported-PDU header that hands a notice to Wireshark's syslog dissector, so its list shows the text and its
/// severity: the dissector's name (NUL-padded to 4 bytes), then the end of the tags.
constexpr std::uint8_t NoticeHeader[] = {0, 12, 0, 8, 's', 'y', 's', 'l', 'o', 'g', 0, 0, 0, 0, 0, 0};

PacketDirection packetDirection(Direction direction) {
    return direction == Direction::Rx ? PacketDirection::Inbound : PacketDirection::Outbound;
}

/// An endpoint that names no address (the session knows none yet): the unspecified address of the peer's family.
constexpr std::string_view osName() {
#if defined(_WIN32)
    return "Windows";
#elif defined(__APPLE__)
    return "macOS";
#elif defined(__linux__)
    return "Linux";
#else
    return {};
#endif
}

WireEndpoint unspecifiedLike(const WireEndpoint& other) {
    WireEndpoint wire;
    wire.v6 = other.v6;
    return wire;
}

} // namespace

PcapngRecorder::PcapngRecorder(pcapng::PcapngWriter::Output output, CaptureScene scene)
    : m_writer(std::move(output)), m_scene(std::move(scene)) {
    if (m_scene.local) m_local = wire(*m_scene.local);
}

WireEndpoint PcapngRecorder::wire(const Endpoint& endpoint) const {
    if (auto numeric = wireEndpoint(endpoint)) return *numeric;
    WireEndpoint unknown; // not numeric: cannot happen for endpoints a socket reported; keep the port
    unknown.port = endpoint.port;
    return unknown;
}

WireEndpoint PcapngRecorder::localFor(const WireEndpoint& remote) const {
    WireEndpoint local = m_local ? *m_local : unspecifiedLike(remote);
    WireEndpoint peer = remote;
    matchFamilies(local, peer);
    return local;
}

bool PcapngRecorder::start(std::int64_t timeUs) {
    if (!m_writer.sectionHeader("Socketeer", osName())) return false;
    std::uint32_t id = 0;
    pcapng::InterfaceDescription packets{pcapng::LinkType::Ethernet, "socketeer",
                                         m_scene.description + ": synthesized Ethernet, IP and " +
                                             (m_scene.datagrams ? "UDP" : "TCP") + " headers around the bytes the socket carried",
                                         0};
    pcapng::InterfaceDescription notices{pcapng::LinkType::UpperPdu, "socketeer-notices",
                                         "Socketeer's notices: connections, errors, rules that fired", 0};
    if (!m_writer.interfaceDescription(packets, id) || !m_writer.interfaceDescription(notices, id)) return false;
    for (const CapturedConnection& open : m_scene.connections)
        openStream(timeUs, open.id, open.local, open.remote, open.localOpened, open.tls, "already open when the capture started");
    return !m_writer.failed();
}

bool PcapngRecorder::packet(std::int64_t timeUs, ByteView payload, PacketDirection direction, std::string_view comment) {
    ++m_packets;
    return m_writer.enhancedPacket(PacketInterface, timeUs, m_headers, payload, direction, comment);
}

bool PcapngRecorder::recordNotice(std::int64_t timeUs, std::string_view text, EventSeverity severity) {
    if (text.empty()) return true;
    Bytes body(std::begin(NoticeHeader), std::end(NoticeHeader));
    // Syslog's priority: facility user (1) × 8 + error (3), warning (4) or informational (6).
    const std::string_view priority = severity == EventSeverity::Error ? "<11>" : severity == EventSeverity::Warning ? "<12>" : "<14>";
    body.insert(body.end(), priority.begin(), priority.end());
    body.insert(body.end(), text.begin(), text.end());
    ++m_packets;
    return m_writer.enhancedPacket(NoticeInterface, timeUs, {}, body, PacketDirection::Unknown, text);
}

PcapngRecorder::TcpStream& PcapngRecorder::openStream(std::int64_t timeUs, ConnectionId id, const Endpoint& local,
                                                      const Endpoint& remote, bool localOpened, bool tls,
                                                      std::string_view comment) {
    TcpStream stream;
    stream.tls = tls;
    stream.remote = wire(remote);
    stream.local = local.address.empty() ? localFor(stream.remote) : wire(local);
    matchFamilies(stream.local, stream.remote);
    // Initial sequence numbers a reader can tell apart: each connection's start a sixteenth of the space further on.
    stream.localNext = m_nextIsn;
    stream.remoteNext = m_nextIsn + 0x08000000u;
    m_nextIsn += 0x10000000u;
    TcpStream& placed = m_streams[id] = stream;
    handshake(timeUs, placed, localOpened, comment);
    return placed;
}

bool PcapngRecorder::segment(std::int64_t timeUs, TcpStream& stream, From from, std::uint8_t segmentFlags,
                             ByteView payload, std::string_view comment) {
    const bool local = from == From::Local;
    TcpSegment tcp;
    tcp.seq = local ? stream.localNext : stream.remoteNext;
    tcp.ack = local ? stream.remoteNext : stream.localNext;
    tcp.flags = segmentFlags;
    if (segmentFlags & flags::Syn) tcp.windowScale = WindowScale;
    buildTcpHeaders(m_headers, local ? stream.local : stream.remote, local ? stream.remote : stream.local, tcp, payload);
    // SYN and FIN take one sequence number each.
    const std::uint32_t used = static_cast<std::uint32_t>(payload.size()) + ((segmentFlags & (flags::Syn | flags::Fin)) ? 1 : 0);
    (local ? stream.localNext : stream.remoteNext) += used;
    if (segmentFlags & flags::Ack) (local ? stream.unackedFromRemote : stream.unackedFromLocal) = 0;
    (local ? stream.unackedFromLocal : stream.unackedFromRemote) += payload.size();
    return packet(timeUs, payload, local ? PacketDirection::Outbound : PacketDirection::Inbound, comment);
}

bool PcapngRecorder::handshake(std::int64_t timeUs, TcpStream& stream, bool localOpened, std::string_view comment) {
    const From opener = localOpened ? From::Local : From::Remote;
    const From answerer = localOpened ? From::Remote : From::Local;
    return segment(timeUs, stream, opener, flags::Syn, {}, comment) &&
           segment(timeUs, stream, answerer, flags::Syn | flags::Ack, {}) && segment(timeUs, stream, opener, flags::Ack, {});
}

bool PcapngRecorder::closeStream(std::int64_t timeUs, ConnectionId id, const EventClosed& closed) {
    const auto found = m_streams.find(id);
    if (found == m_streams.end()) return recordNotice(timeUs, describeEvent({timeUs, closed}), eventSeverity({timeUs, closed}));
    TcpStream& stream = found->second;
    const std::string detail = closed.detail.empty() ? describeEvent({timeUs, closed}) : closed.detail;
    bool ok = true;
    switch (closed.reason) {
    case CloseReason::Reset:
        ok = segment(timeUs, stream, From::Remote, flags::Rst | flags::Ack, {}, detail);
        break;
    case CloseReason::Error:
        ok = segment(timeUs, stream, From::Local, flags::Rst | flags::Ack, {}, detail);
        break;
    case CloseReason::PeerClosed:
        ok = segment(timeUs, stream, From::Remote, flags::Fin | flags::Ack, {}, detail) &&
             segment(timeUs, stream, From::Local, flags::Fin | flags::Ack, {}) &&
             segment(timeUs, stream, From::Remote, flags::Ack, {});
        break;
    default: // this side closed: the user, a kick, close-after-reply, an idle timeout
        ok = segment(timeUs, stream, From::Local, flags::Fin | flags::Ack, {}, detail) &&
             segment(timeUs, stream, From::Remote, flags::Fin | flags::Ack, {}) &&
             segment(timeUs, stream, From::Local, flags::Ack, {});
        break;
    }
    m_streams.erase(found);
    return ok;
}

bool PcapngRecorder::datagram(std::int64_t timeUs, Direction direction, const Endpoint& peer, ByteView bytes,
                              std::string_view comment) {
    WireEndpoint remote = wire(peer);
    WireEndpoint local = localFor(remote);
    matchFamilies(local, remote);
    const bool rx = direction == Direction::Rx;
    // A datagram larger than one IP packet holds (only over IPv6 jumbograms) keeps its first 64 KiB.
    const ByteView payload = bytes.first(std::min(bytes.size(), maxSegmentPayload(remote.v6, false)));
    buildUdpHeaders(m_headers, rx ? remote : local, rx ? local : remote, payload);
    return packet(timeUs, payload, packetDirection(direction), comment);
}

bool PcapngRecorder::recordData(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer,
                                ByteView bytes, std::string_view comment) {
    if (m_scene.datagrams) return datagram(timeUs, direction, peer, bytes, comment);
    auto found = m_streams.find(id);
    if (found != m_streams.end() && found->second.tls) return true; // its ciphertext is what the packets carry
    TcpStream& stream = found != m_streams.end()
                            ? found->second
                            : openStream(timeUs, id, {}, peer, m_scene.localOpens, false, "opened before the capture saw it");
    return segments(timeUs, stream, direction, bytes, comment);
}

bool PcapngRecorder::recordWire(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer,
                                ByteView ciphertext) {
    auto found = m_streams.find(id);
    TcpStream& stream = found != m_streams.end()
                            ? found->second
                            : openStream(timeUs, id, {}, peer, m_scene.localOpens, true, "opened before the capture saw it");
    if (!stream.tls) return true; // a capture that began mid-connection wrote its plaintext: it goes on so
    return segments(timeUs, stream, direction, ciphertext, {});
}

bool PcapngRecorder::recordSecret(std::string_view keyLogLine) {
    std::string line(keyLogLine);
    line += '\n';
    return m_writer.decryptionSecrets(pcapng::TlsKeyLogSecrets,
                                      {reinterpret_cast<const std::uint8_t*>(line.data()), line.size()});
}

bool PcapngRecorder::segments(std::int64_t timeUs, TcpStream& stream, Direction direction, ByteView bytes,
                              std::string_view comment) {
    const From from = direction == Direction::Tx ? From::Local : From::Remote;
    const std::size_t most = maxSegmentPayload(stream.local.v6, true);
    for (std::size_t at = 0; at < bytes.size();) {
        const ByteView piece = bytes.subspan(at, std::min(most, bytes.size() - at));
        if (!segment(timeUs, stream, from, flags::Psh | flags::Ack, piece, at == 0 ? comment : std::string_view{}))
            return false;
        at += piece.size();
        const std::uint64_t unacked = from == From::Local ? stream.unackedFromLocal : stream.unackedFromRemote;
        if (unacked >= AckEveryBytes && !segment(timeUs, stream, from == From::Local ? From::Remote : From::Local, flags::Ack, {}))
            return false;
    }
    return true;
}

bool PcapngRecorder::record(const SessionEvent& event) {
    return std::visit(
        [&](const auto& body) -> bool {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, EventData>) {
                if (body.frame != FrameStatus::Unframed || !body.bytes) return true;
                const std::string comment = body.rule >= 0 ? "the reply of match rule " + std::to_string(body.rule + 1) : "";
                return recordData(event.timeUs, body.direction, body.id, body.peer, *body.bytes, comment);
            } else if constexpr (std::is_same_v<T, EventOpened>) {
                m_local = wire(body.local);
                return recordNotice(event.timeUs, describeEvent(event), eventSeverity(event));
            } else if constexpr (std::is_same_v<T, EventConnected> || std::is_same_v<T, EventAccepted>) {
                if (m_scene.datagrams) return true;
                openStream(event.timeUs, body.id, body.local, body.remote, std::is_same_v<T, EventConnected>, body.tls, {});
                return !m_writer.failed();
            } else if constexpr (std::is_same_v<T, EventClosed>) {
                if (body.id != 0 && !m_scene.datagrams) return closeStream(event.timeUs, body.id, body);
                return recordNotice(event.timeUs, describeEvent(event), eventSeverity(event));
            } else if constexpr (std::is_same_v<T, EventStreamProgress> || std::is_same_v<T, EventDisplayGap> ||
                                 std::is_same_v<T, EventConnecting>) {
                return true; // progress and display bookkeeping: not what happened on the wire
            } else {
                return recordNotice(event.timeUs, describeEvent(event), eventSeverity(event));
            }
        },
        event.body);
}

} // namespace socketeer::core
