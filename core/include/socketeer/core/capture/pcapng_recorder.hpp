// PcapngRecorder: a session's events as the packets Wireshark expects — TCP handshakes, segments whose sequence and
// acknowledgement numbers continue per connection, FIN and RST; UDP datagrams; Socketeer's own notices as comments.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "socketeer/core/capture/packet_headers.hpp"
#include "socketeer/core/capture/pcapng_writer.hpp"
#include "socketeer/core/event/event_text.hpp"
#include "socketeer/core/event/session_event.hpp"

namespace socketeer::core {

/// A TCP connection already open when a capture starts.
struct CapturedConnection {
    ConnectionId id = 0;
    Endpoint local;
    Endpoint remote;
    bool localOpened = false; ///< this side connected (a client); else the peer did (a server's client)
    bool tls = false;         ///< its packets carry the ciphertext (recordWire), not the plaintext events (false
                              ///< for a TLS connection open before the capture: its keys were logged already)
};

/// What a session is, for a capture that starts now: how its bytes travel and what is already open.
struct CaptureScene {
    bool datagrams = false;        ///< UDP (else TCP)
    bool localOpens = false;       ///< TCP: this side opens the connections (a client)
    std::optional<Endpoint> local; ///< bound or listening, when already open
    std::vector<CapturedConnection> connections;
    std::string description;       ///< the interface's description: "TCP client", "UDP socket", ...
};

class PcapngRecorder {
public:
    /// Interface 0 carries the synthesized Ethernet frames; interface 1 the notices (Wireshark's exported PDUs,
    /// decoded as syslog messages, each with the notice as its comment).
    static constexpr std::uint32_t PacketInterface = 0;
    static constexpr std::uint32_t NoticeInterface = 1;
    /// A receiver that only receives still acknowledges: a pure ACK once this much went unacknowledged, so
    /// Wireshark's window analysis never reports a full window the real connection never had.
    static constexpr std::uint64_t AckEveryBytes = 256u << 20;
    static constexpr std::uint8_t WindowScale = 14; ///< the largest: 65535 << 14, about 1 GiB of window

    PcapngRecorder(pcapng::PcapngWriter::Output output, CaptureScene scene);

    /// The section header and interface blocks, then a handshake for each connection already open.
    bool start(std::int64_t timeUs);
    /// One event: data (unframed reads and sends), connections opening and closing, notices. Framed messages are
    /// skipped: their bytes came as read, through recordData.
    bool record(const SessionEvent& event);
    /// Bytes as they crossed the socket; cut into segments of at most 64 KiB (an IP packet's limit).
    bool recordData(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer, ByteView bytes,
                    std::string_view comment = {});
    /// TLS records as they crossed the socket, for a connection that said it carries TLS (its plaintext events are
    /// not written); cut into segments like recordData.
    bool recordWire(std::int64_t timeUs, Direction direction, ConnectionId id, const Endpoint& peer, ByteView ciphertext);
    /// A key log line (NSS format) as OpenSSL derived it: a decryption secrets block, so Wireshark decrypts what
    /// follows with no key log file of its own.
    bool recordSecret(std::string_view keyLogLine);
    /// A line for the notice interface, shown by Wireshark as a syslog message of that severity.
    bool recordNotice(std::int64_t timeUs, std::string_view text, EventSeverity severity = EventSeverity::Info);

    [[nodiscard]] std::uint64_t packetsWritten() const { return m_packets; }

private:
    struct TcpStream {
        WireEndpoint local;
        WireEndpoint remote;
        std::uint32_t localNext = 0;  ///< the next sequence number this side sends
        std::uint32_t remoteNext = 0; ///< the next the peer sends
        std::uint64_t unackedFromLocal = 0;
        std::uint64_t unackedFromRemote = 0;
        bool tls = false;
    };
    enum class From : std::uint8_t { Local, Remote };

    TcpStream& openStream(std::int64_t timeUs, ConnectionId id, const Endpoint& local, const Endpoint& remote,
                          bool localOpened, bool tls, std::string_view comment);
    bool segments(std::int64_t timeUs, TcpStream& stream, Direction direction, ByteView bytes, std::string_view comment);
    bool handshake(std::int64_t timeUs, TcpStream& stream, bool localOpened, std::string_view comment);
    bool segment(std::int64_t timeUs, TcpStream& stream, From from, std::uint8_t flags, ByteView payload,
                 std::string_view comment = {});
    bool closeStream(std::int64_t timeUs, ConnectionId id, const EventClosed& closed);
    bool datagram(std::int64_t timeUs, Direction direction, const Endpoint& peer, ByteView bytes, std::string_view comment);
    [[nodiscard]] WireEndpoint localFor(const WireEndpoint& remote) const;
    [[nodiscard]] WireEndpoint wire(const Endpoint& endpoint) const;
    bool packet(std::int64_t timeUs, ByteView payload, pcapng::PacketDirection direction, std::string_view comment);

    pcapng::PcapngWriter m_writer;
    CaptureScene m_scene;
    std::unordered_map<ConnectionId, TcpStream> m_streams;
    std::optional<WireEndpoint> m_local;
    Bytes m_headers; ///< the frame headers being built, reused
    std::uint32_t m_nextIsn = 0x1000;
    std::uint64_t m_packets = 0;
};

} // namespace socketeer::core
