// PcapngWriter: the blocks of a pcapng file (draft-ietf-opsawg-pcapng), little-endian, handed to an output piece by
// piece so a packet's payload is never copied into a block buffer first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "socketeer/core/bytes.hpp"

namespace socketeer::core::pcapng {

// Block types and the codes of the options this writer uses.
constexpr std::uint32_t SectionHeaderBlock = 0x0A0D0D0A;
constexpr std::uint32_t InterfaceDescriptionBlock = 0x00000001;
constexpr std::uint32_t EnhancedPacketBlock = 0x00000006;
constexpr std::uint32_t DecryptionSecretsBlock = 0x0000000A;
constexpr std::uint32_t ByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint32_t TlsKeyLogSecrets = 0x544c534b; ///< NSS key log lines, as SSLKEYLOGFILE writes them

constexpr std::uint16_t OptEndOfOptions = 0;
constexpr std::uint16_t OptComment = 1;
constexpr std::uint16_t ShbHardware = 2, ShbOs = 3, ShbUserApplication = 4;
constexpr std::uint16_t IfName = 2, IfDescription = 3, IfTimestampResolution = 9;
constexpr std::uint16_t EpbFlags = 2;

/// LINKTYPE_* values (tcpdump.org/linktypes.html).
enum class LinkType : std::uint16_t {
    Ethernet = 1,
    User0 = 147,    ///< a serial port's bytes, one packet per read or write
    UpperPdu = 252, ///< Wireshark's exported PDU: a dissector name, then the bytes it decodes
};

/// epb_flags' inbound/outbound bits.
enum class PacketDirection : std::uint32_t { Unknown = 0, Inbound = 1, Outbound = 2 };

struct InterfaceDescription {
    LinkType linkType = LinkType::Ethernet;
    std::string name;        ///< if_name
    std::string description; ///< if_description
    std::uint32_t snapLength = 0; ///< 0: no limit
};

class PcapngWriter {
public:
    /// Receives the file's bytes in order; returns false when they could not be written (the writer then stops).
    using Output = std::function<bool(ByteView)>;
    explicit PcapngWriter(Output output) : m_output(std::move(output)) {}

    /// A section header: every file starts with one. Its length is left unspecified (-1), as a stream's must be.
    bool sectionHeader(std::string_view application, std::string_view os, std::string_view hardware = {});
    /// Describes the next interface; packets name it by the returned index (0, 1, ...).
    bool interfaceDescription(const InterfaceDescription& description, std::uint32_t& id);
    /// One packet: headers then payload, as two pieces of one frame; microsecond timestamp (the default resolution,
    /// stated in every interface block).
    bool enhancedPacket(std::uint32_t interfaceId, std::int64_t timeUs, ByteView headers, ByteView payload,
                        PacketDirection direction = PacketDirection::Unknown, std::string_view comment = {});
    /// Key material for a reader to decrypt what follows (TLS key log lines).
    bool decryptionSecrets(std::uint32_t secretsType, ByteView secrets);

    [[nodiscard]] bool failed() const { return m_failed; }
    [[nodiscard]] std::uint32_t interfaceCount() const { return m_interfaces; }

private:
    void beginBlock(std::uint32_t type);
    void put32(std::uint32_t value);
    void put16(std::uint16_t value);
    void putPadding(std::size_t size);
    void putOption(std::uint16_t code, ByteView value);
    void putOption(std::uint16_t code, std::string_view value);
    bool emit(ByteView bytes);

    Output m_output;
    Bytes m_block; ///< the block being built, reused
    std::uint32_t m_interfaces = 0;
    bool m_failed = false;
};

/// The size an option takes in a block, padding included.
std::size_t optionSize(std::size_t valueSize);

} // namespace socketeer::core::pcapng
