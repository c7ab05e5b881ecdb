// pcapng: each block type byte by byte, the reader's refusals, synthesized headers and checksums, the recorder's TCP
// sequence numbers, and a file cut at every byte.
#include <gtest/gtest.h>

#include <cstring>

#include "socketeer/core/capture/packet_headers.hpp"
#include "socketeer/core/capture/pcapng_reader.hpp"
#include "socketeer/core/capture/pcapng_recorder.hpp"
#include "socketeer/core/capture/pcapng_writer.hpp"

namespace {

using namespace socketeer::core;
using namespace socketeer::core::pcapng;

struct Collected {
    Bytes bytes;
    PcapngWriter::Output output() {
        return [this](ByteView piece) {
            bytes.insert(bytes.end(), piece.begin(), piece.end());
            return true;
        };
    }
};

std::uint32_t le32(const Bytes& bytes, std::size_t at) {
    return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (std::uint32_t{bytes[at + 3]} << 24);
}
std::uint16_t be16(const Bytes& bytes, std::size_t at) { return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]); }
std::uint32_t be32(const Bytes& bytes, std::size_t at) { return (std::uint32_t{be16(bytes, at)} << 16) | be16(bytes, at + 2); }

ByteView view(std::string_view text) { return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}; }

TEST(PcapngBlocks, SectionHeaderIsLaidOutAsTheSpecificationSays) {
    Collected out;
    PcapngWriter writer(out.output());
    ASSERT_TRUE(writer.sectionHeader("Socketeer", "Linux"));
    const Bytes& b = out.bytes;
    ASSERT_EQ(b.size() % 4, 0u);
    EXPECT_EQ(le32(b, 0), SectionHeaderBlock);
    EXPECT_EQ(le32(b, 4), b.size());
    EXPECT_EQ(le32(b, b.size() - 4), b.size()) << "the length repeats at the end";
    EXPECT_EQ(le32(b, 8), ByteOrderMagic);
    EXPECT_EQ(b[12] | (b[13] << 8), 1);  // major
    EXPECT_EQ(b[14] | (b[15] << 8), 0);  // minor
    EXPECT_EQ(le32(b, 16), 0xffffffffu); // section length unspecified
    EXPECT_EQ(le32(b, 20), 0xffffffffu);
    // shb_os (3) "Linux" padded to 8, then shb_userappl (4) "Socketeer" padded to 12, then opt_endofopt.
    EXPECT_EQ(b[24] | (b[25] << 8), ShbOs);
    EXPECT_EQ(b[26] | (b[27] << 8), 5);
    EXPECT_EQ(std::memcmp(b.data() + 28, "Linux\0\0\0", 8), 0);
    EXPECT_EQ(b[36] | (b[37] << 8), ShbUserApplication);
    EXPECT_EQ(b[38] | (b[39] << 8), 9);
    EXPECT_EQ(le32(b, 52), 0u) << "end of options";
    EXPECT_EQ(b.size(), 60u);
    const ReadFile read = readPcapng(b);
    EXPECT_EQ(read.error, "");
    EXPECT_EQ(read.application, "Socketeer");
    EXPECT_EQ(read.os, "Linux");
}

TEST(PcapngBlocks, InterfaceDescriptionCarriesLinkTypeNameDescriptionAndMicroseconds) {
    Collected out;
    PcapngWriter writer(out.output());
    writer.sectionHeader("t", "");
    const std::size_t start = out.bytes.size();
    std::uint32_t first = 9, second = 9;
    ASSERT_TRUE(writer.interfaceDescription({LinkType::Ethernet, "eth", "synthesized", 0}, first));
    ASSERT_TRUE(writer.interfaceDescription({LinkType::User0, "/dev/ttyUSB0", "", 4096}, second));
    EXPECT_EQ(first, 0u);
    EXPECT_EQ(second, 1u);
    const Bytes& b = out.bytes;
    EXPECT_EQ(le32(b, start), InterfaceDescriptionBlock);
    EXPECT_EQ(b[start + 8] | (b[start + 9] << 8), 1) << "LINKTYPE_ETHERNET";
    const ReadFile read = readPcapng(b);
    ASSERT_EQ(read.error, "");
    ASSERT_EQ(read.interfaces.size(), 2u);
    EXPECT_EQ(read.interfaces[0].name, "eth");
    EXPECT_EQ(read.interfaces[0].description, "synthesized");
    EXPECT_EQ(read.interfaces[0].timestampResolution, 6);
    EXPECT_EQ(read.interfaces[1].linkType, 147);
    EXPECT_EQ(read.interfaces[1].snapLength, 4096u);
}

TEST(PcapngBlocks, EnhancedPacketPadsItsDataAndKeepsTimeDirectionAndComment) {
    Collected out;
    PcapngWriter writer(out.output());
    std::uint32_t id = 0;
    writer.sectionHeader("t", "");
    writer.interfaceDescription({}, id);
    const std::size_t start = out.bytes.size();
    const std::int64_t time = 1'796'302'333'345'775; // µs since the epoch
    ASSERT_TRUE(writer.enhancedPacket(0, time, view("head"), view("ers+5"), PacketDirection::Outbound, "a rule fired"));
    const Bytes& b = out.bytes;
    EXPECT_EQ(le32(b, start), EnhancedPacketBlock);
    const std::uint32_t total = le32(b, start + 4);
    // 28 fixed + 12 data (9 padded) + flags 8 + comment 4+12 + end 4 + trailing length 4.
    EXPECT_EQ(total, 28u + 12 + 8 + 16 + 4 + 4);
    EXPECT_EQ(start + total, b.size());
    EXPECT_EQ((std::uint64_t{le32(b, start + 12)} << 32) | le32(b, start + 16), static_cast<std::uint64_t>(time));
    EXPECT_EQ(le32(b, start + 20), 9u);
    EXPECT_EQ(std::memcmp(b.data() + start + 28, "headers+5\0\0\0", 12), 0);
    const ReadFile read = readPcapng(b);
    ASSERT_EQ(read.error, "");
    ASSERT_EQ(read.packets.size(), 1u);
    EXPECT_EQ(read.packets[0].data, toBytes("headers+5"));
    EXPECT_EQ(read.packets[0].originalLength, 9u);
    EXPECT_EQ(read.packets[0].flags, 2u) << "outbound";
    EXPECT_EQ(read.packets[0].comments, std::vector<std::string>{"a rule fired"});
}

TEST(PcapngBlocks, DecryptionSecretsCarryTheKeyLogLines) {
    Collected out;
    PcapngWriter writer(out.output());
    writer.sectionHeader("t", "");
    const std::string keys = "CLIENT_RANDOM 00 11\n";
    ASSERT_TRUE(writer.decryptionSecrets(TlsKeyLogSecrets, view(keys)));
    const ReadFile read = readPcapng(out.bytes);
    ASSERT_EQ(read.error, "");
    ASSERT_EQ(read.secrets.size(), 1u);
    EXPECT_EQ(read.secrets[0].type, 0x544c534bu);
    EXPECT_EQ(read.secrets[0].data, toBytes(keys));
}

TEST(PcapngBlocks, AWriteThatFailsStopsTheWriter) {
    int calls = 0;
    PcapngWriter writer([&](ByteView) { return ++calls < 2; });
    EXPECT_TRUE(writer.sectionHeader("t", ""));
    std::uint32_t id = 0;
    EXPECT_FALSE(writer.interfaceDescription({}, id));
    EXPECT_TRUE(writer.failed());
    EXPECT_FALSE(writer.enhancedPacket(0, 0, view("x"), {}));
    EXPECT_EQ(calls, 2) << "nothing is written after the failure";
}

TEST(PcapngReader, NamesWhatIsWrongAndWhere) {
    Collected out;
    PcapngWriter writer(out.output());
    std::uint32_t id = 0;
    writer.sectionHeader("t", "");
    writer.interfaceDescription({}, id);
    writer.enhancedPacket(0, 0, view("abcd"), {});
    const Bytes good = out.bytes;

    EXPECT_EQ(readPcapng({}).error, "the file is empty");
    Bytes noSection(good.begin() + 40, good.end()); // the section header is 40 bytes
    EXPECT_EQ(readPcapng(noSection).error, "the file does not start with a section header block");
    Bytes badMagic = good;
    badMagic[8] ^= 0xff;
    EXPECT_EQ(readPcapng(badMagic).error, "a section header with a bad byte-order magic at byte 0");
    Bytes badTrailer = good;
    badTrailer[good.size() - 1] ^= 0x01;
    const std::size_t packetAt = good.size() - 36;
    EXPECT_EQ(readPcapng(badTrailer).error, "a block's trailing length differs from its leading one at byte " + std::to_string(packetAt));
    Bytes badInterface = good;
    badInterface[packetAt + 8] = 3;
    EXPECT_EQ(readPcapng(badInterface).error, "a packet on interface 3, but 1 are described at byte " + std::to_string(packetAt));
    Bytes hugeCapture = good;
    hugeCapture[packetAt + 20] = 200;
    EXPECT_EQ(readPcapng(hugeCapture).error, "a packet's captured length 200 runs past its block at byte " + std::to_string(packetAt));
}

TEST(PcapngReader, ABigEndianSectionIsReadInItsOwnByteOrder) {
    Bytes file;
    const auto be32 = [&](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) file.push_back(static_cast<std::uint8_t>(v >> shift));
    };
    be32(SectionHeaderBlock), be32(28), be32(ByteOrderMagic), be32(0x00010000), be32(0xffffffff), be32(0xffffffff), be32(28);
    be32(InterfaceDescriptionBlock), be32(20), be32(0x00010000), be32(0), be32(20); // Ethernet, no snap limit
    be32(EnhancedPacketBlock), be32(36), be32(0), be32(0), be32(1'000'000), be32(4), be32(4);
    file.insert(file.end(), {'w', 'x', 'y', 'z'});
    be32(36);
    const ReadFile read = readPcapng(file);
    ASSERT_EQ(read.error, "");
    EXPECT_TRUE(read.bigEndian);
    ASSERT_EQ(read.interfaces.size(), 1u);
    EXPECT_EQ(read.interfaces[0].linkType, 1);
    ASSERT_EQ(read.packets.size(), 1u);
    EXPECT_EQ(read.packets[0].timestamp, 1'000'000u);
    EXPECT_EQ(read.packets[0].data, toBytes("wxyz"));
}

TEST(PcapngBlocks, AnOptionLongerThanItsSixteenBitLengthIsCutNotCorrupted) {
    Collected out;
    PcapngWriter writer(out.output());
    writer.sectionHeader("t", "");
    std::uint32_t id = 0;
    ASSERT_TRUE(writer.interfaceDescription({LinkType::Ethernet, "eth", std::string(70'000, 'd'), 0}, id));
    const ReadFile read = readPcapng(out.bytes);
    ASSERT_EQ(read.error, "");
    EXPECT_EQ(read.interfaces[0].description.size(), 0xffffu);
}

TEST(PacketHeaders, TheChecksumIsRfc1071s) {
    // RFC 1071 §3's example: the sum of 0001 f203 f4f5 f6f7 is ddf2.
    const Bytes example{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(onesComplementSum(example), 0xddf2u);
    // An odd length pads with a zero byte; any split at an even offset sums the same.
    const Bytes odd{0x12, 0x34, 0x56};
    EXPECT_EQ(onesComplementSum(odd), 0x1234u + 0x5600u);
    Bytes long_(1001);
    for (std::size_t i = 0; i < long_.size(); ++i) long_[i] = static_cast<std::uint8_t>(i * 7 + 3);
    std::uint64_t slow = 0;
    for (std::size_t i = 0; i < long_.size(); i += 2) slow += (long_[i] << 8) | (i + 1 < long_.size() ? long_[i + 1] : 0);
    while (slow >> 16) slow = (slow & 0xffff) + (slow >> 16);
    EXPECT_EQ(onesComplementSum(long_), slow);
    EXPECT_EQ(onesComplementSum(ByteView(long_).subspan(100), onesComplementSum(ByteView(long_).first(100))), slow);
}

TEST(PacketHeaders, Ipv4TcpHeadersCarryTheEndpointsAndVerifyingChecksums) {
    const auto source = wireEndpoint({"10.1.2.3", 5000});
    const auto destination = wireEndpoint({"::ffff:192.168.0.9", 502}); // a dual-stack socket's peer
    ASSERT_TRUE(source && destination);
    EXPECT_FALSE(destination->v6);
    Bytes headers;
    const Bytes payload = toBytes("modbus");
    buildTcpHeaders(headers, *source, *destination, {1000, 2000, tcp_flags::Psh | tcp_flags::Ack, 65535, 0}, payload);
    ASSERT_EQ(headers.size(), 14u + 20 + 20);
    EXPECT_EQ(be16(headers, 12), 0x0800);
    EXPECT_EQ(be16(headers, 14 + 2), 20 + 20 + payload.size()) << "IPv4 total length";
    EXPECT_EQ(headers[14 + 9], 6);
    EXPECT_EQ(be32(headers, 14 + 12), 0x0a010203u);
    EXPECT_EQ(be32(headers, 14 + 16), 0xc0a80009u);
    EXPECT_EQ(onesComplementSum(ByteView(headers).subspan(14, 20)), 0xffffu) << "the IP header checksum verifies";
    EXPECT_EQ(be16(headers, 34), 5000);
    EXPECT_EQ(be16(headers, 36), 502);
    EXPECT_EQ(be32(headers, 38), 1000u);
    EXPECT_EQ(be32(headers, 42), 2000u);
    EXPECT_EQ(headers[47], tcp_flags::Psh | tcp_flags::Ack);
    // TCP: the pseudo-header plus segment sums to ffff.
    Bytes pseudo{10, 1, 2, 3, 192, 168, 0, 9, 0, 6, 0, static_cast<std::uint8_t>(20 + payload.size())};
    Bytes segment(headers.begin() + 34, headers.end());
    segment.insert(segment.end(), payload.begin(), payload.end());
    EXPECT_EQ(onesComplementSum(segment, onesComplementSum(pseudo)), 0xffffu);
}

TEST(PacketHeaders, Ipv6UdpHeadersAndAScopeThatIsDropped) {
    const auto source = wireEndpoint({"fe80::1%veth0", 5353});
    const auto destination = wireEndpoint({"::1", 9});
    ASSERT_TRUE(source && destination);
    Bytes headers;
    const Bytes payload = toBytes("abc");
    buildUdpHeaders(headers, *source, *destination, payload);
    ASSERT_EQ(headers.size(), 14u + 40 + 8);
    EXPECT_EQ(be16(headers, 12), 0x86dd);
    EXPECT_EQ(be16(headers, 14 + 4), 8 + payload.size()) << "IPv6 payload length";
    EXPECT_EQ(headers[14 + 6], 17);
    EXPECT_EQ(headers[14 + 8], 0xfe);
    EXPECT_EQ(headers[14 + 39], 1);
    EXPECT_EQ(be16(headers, 54), 5353);
    EXPECT_EQ(be16(headers, 58), 8 + payload.size());
    EXPECT_NE(be16(headers, 60), 0) << "IPv6 requires the UDP checksum";
    EXPECT_FALSE(wireEndpoint({"host.example", 1}));
}

TEST(PacketHeaders, MixedFamiliesMeetInIpv4) {
    auto local = *wireEndpoint({"::", 5000});
    auto peer = *wireEndpoint({"127.0.0.1", 40000});
    matchFamilies(local, peer);
    EXPECT_FALSE(local.v6);
    EXPECT_EQ(local.address[0], 0);
    EXPECT_EQ(local.port, 5000);
}

/// The TCP segments of a recorded file: (source port, seq, ack, flags, payload size).
struct Segment {
    std::uint16_t sourcePort;
    std::uint32_t seq, ack;
    std::uint8_t flags;
    std::size_t payload;
};
std::vector<Segment> tcpSegments(const ReadFile& file) {
    std::vector<Segment> segments;
    for (const auto& packet : file.packets) {
        if (packet.interfaceId != PcapngRecorder::PacketInterface) continue;
        const Bytes& d = packet.data;
        const std::size_t ip = 14, tcp = ip + ((d[12] == 0x86) ? 40 : 20);
        const std::size_t headerSize = (d[tcp + 12] >> 4) * 4u;
        segments.push_back({be16(d, tcp), be32(d, tcp + 4), be32(d, tcp + 8), d[tcp + 13], d.size() - tcp - headerSize});
    }
    return segments;
}

SessionEvent at(std::int64_t time, SessionEventBody body) { return {time, std::move(body)}; }

TEST(PcapngRecorder, SequenceNumbersContinueAcrossHandshakeDataAndClose) {
    Collected out;
    CaptureScene scene;
    scene.description = "TCP server";
    PcapngRecorder recorder(out.output(), scene);
    ASSERT_TRUE(recorder.start(1));
    const Endpoint local{"127.0.0.1", 5000}, peer{"127.0.0.1", 40000};
    recorder.record(at(2, EventOpened{local}));
    recorder.record(at(3, EventAccepted{1, local, peer}));
    recorder.record(at(4, EventData{Direction::Rx, 1, peer, std::make_shared<const Bytes>(toBytes("request"))}));
    Bytes big(150'000, 'x'); // more than one IP packet holds: three segments
    recorder.record(at(5, EventData{Direction::Tx, 1, peer, std::make_shared<const Bytes>(big), FrameStatus::Unframed,
                                    CheckStatus::Unchecked, 0}));
    recorder.record(at(6, EventClosed{1, peer, CloseReason::PeerClosed, "closed by peer 127.0.0.1:40000", {}}));

    const ReadFile file = readPcapng(out.bytes);
    ASSERT_EQ(file.error, "");
    const auto s = tcpSegments(file);
    ASSERT_EQ(s.size(), 3u + 1 + 3 + 3);
    using namespace tcp_flags;
    // The peer opened: SYN from 40000, SYN-ACK from 5000, ACK.
    EXPECT_EQ(s[0].sourcePort, 40000);
    EXPECT_EQ(s[0].flags, Syn);
    EXPECT_EQ(s[1].flags, Syn | Ack);
    EXPECT_EQ(s[1].ack, s[0].seq + 1);
    EXPECT_EQ(s[2].seq, s[0].seq + 1);
    EXPECT_EQ(s[2].ack, s[1].seq + 1);
    // The request, then the answer in segments that follow each other.
    EXPECT_EQ(s[3].sourcePort, 40000);
    EXPECT_EQ(s[3].payload, 7u);
    EXPECT_EQ(s[3].seq, s[0].seq + 1);
    EXPECT_EQ(s[4].sourcePort, 5000);
    EXPECT_EQ(s[4].ack, s[3].seq + 7);
    EXPECT_EQ(s[4].payload + s[5].payload + s[6].payload, big.size());
    EXPECT_LE(s[4].payload, 65495u);
    EXPECT_EQ(s[5].seq, s[4].seq + s[4].payload);
    EXPECT_EQ(s[6].seq, s[5].seq + s[5].payload);
    // The peer's FIN, ours, the last ACK.
    EXPECT_EQ(s[7].sourcePort, 40000);
    EXPECT_EQ(s[7].flags, Fin | Ack);
    EXPECT_EQ(s[7].ack, s[6].seq + s[6].payload);
    EXPECT_EQ(s[8].flags, Fin | Ack);
    EXPECT_EQ(s[8].ack, s[7].seq + 1);
    EXPECT_EQ(s[9].flags, Ack);
    // The rule's reply and the close's detail are comments; the listening notice is a syslog packet.
    std::vector<std::string> comments;
    for (const auto& packet : file.packets)
        for (const auto& comment : packet.comments) comments.push_back(comment);
    EXPECT_EQ(comments, (std::vector<std::string>{"listening on 127.0.0.1:5000", "the reply of match rule 1",
                                                   "closed by peer 127.0.0.1:40000"}));
}

TEST(PcapngRecorder, AResetComesFromThePeerAndAConnectionOpenBeforeTheCaptureGetsItsHandshake) {
    Collected out;
    CaptureScene scene;
    scene.localOpens = true;
    scene.connections.push_back({7, {"::1", 40000}, {"::1", 80}, true});
    PcapngRecorder recorder(out.output(), scene);
    ASSERT_TRUE(recorder.start(1));
    recorder.record(at(2, EventClosed{7, {"::1", 80}, CloseReason::Reset, "connection reset by [::1]:80", {}}));
    const ReadFile file = readPcapng(out.bytes);
    ASSERT_EQ(file.error, "");
    const auto s = tcpSegments(file);
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0].sourcePort, 40000) << "this side connected";
    EXPECT_EQ(s[3].sourcePort, 80);
    EXPECT_EQ(s[3].flags, tcp_flags::Rst | tcp_flags::Ack);
    EXPECT_EQ(file.packets[0].comments, std::vector<std::string>{"already open when the capture started"});
    EXPECT_EQ(file.packets[0].data[12], 0x86) << "IPv6";
}

TEST(PcapngRecorder, AFileCutAtAnyByteIsSaidToBeCutAndKeepsEveryWholeBlockBefore) {
    Collected out;
    CaptureScene scene;
    scene.datagrams = true;
    scene.local = Endpoint{"127.0.0.1", 9000};
    PcapngRecorder recorder(out.output(), scene);
    ASSERT_TRUE(recorder.start(1));
    for (int i = 0; i < 5; ++i)
        recorder.recordData(10 + i, i % 2 ? Direction::Tx : Direction::Rx, 1, {"127.0.0.1", 9001},
                            toBytes("datagram " + std::to_string(i) + std::string(static_cast<std::size_t>(i), '!')));
    recorder.recordNotice(20, "joined 239.1.2.3", EventSeverity::Info);
    const ReadFile whole = readPcapng(out.bytes);
    ASSERT_EQ(whole.error, "");
    ASSERT_EQ(whole.packets.size(), 6u);
    std::size_t boundaries = 0;
    for (std::size_t cut = 0; cut < out.bytes.size(); ++cut) {
        const ReadFile part = readPcapng(ByteView(out.bytes).first(cut));
        ASSERT_LE(part.goodBytes, cut);
        ASSERT_LE(part.packets.size(), whole.packets.size());
        for (std::size_t i = 0; i < part.packets.size(); ++i) ASSERT_EQ(part.packets[i].data, whole.packets[i].data) << cut;
        if (part.error.empty()) {
            ASSERT_EQ(part.goodBytes, cut) << "only a cut between blocks reads as a whole (shorter) file";
            ++boundaries;
            continue;
        }
        const std::string expected = cut == 0 ? "the file is empty" : "cut short";
        ASSERT_NE(part.error.find(expected), std::string::npos) << cut << ": " << part.error;
    }
    EXPECT_EQ(boundaries, whole.blocks - 1) << "every block boundary but the end";
}

} // namespace
