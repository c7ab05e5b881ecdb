// Checksums a payload can carry and a received message can be checked against: CRCs named and parameterised as in
// the CRC catalogue (reveng), and the simple 8-bit sums of serial protocols. Each is written in the byte order its
// protocols use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "socketeer/core/bytes.hpp"

namespace socketeer::core {

enum class ChecksumKind : std::uint8_t {
    Crc16Modbus,   ///< crc16/modbus: Modbus RTU, sent low byte first
    Crc16Xmodem,   ///< crc16/xmodem: XMODEM, sent high byte first
    Crc16Kermit,   ///< crc16/kermit: KERMIT, sent low byte first
    Crc16Ibm3740,  ///< crc16/ibm-3740 (the "CCITT-FALSE" CRC), sent high byte first
    Crc32IsoHdlc,  ///< crc32/iso-hdlc: the CRC-32 of Ethernet, zip and PNG, sent low byte first
    Crc32Iscsi,    ///< crc32/iscsi: CRC-32C, sent low byte first
    Crc8Smbus,     ///< crc8/smbus
    Xor8,          ///< xor8: every byte XORed
    Sum8,          ///< sum8: the sum of the bytes, modulo 256
    Lrc8,          ///< lrc8: the two's complement of sum8 (Modbus ASCII's LRC), so the bytes and it sum to 0
};

struct ChecksumInfo {
    ChecksumKind kind;
    std::string_view name;    ///< as the token and --check spell it: "crc16/modbus"
    std::size_t width;        ///< bytes it takes in a message
    bool lowByteFirst;        ///< the order its protocols send it in
    std::uint32_t check;      ///< the catalogue's check value: the checksum of the ASCII bytes "123456789"
};

/// Every checksum, in the order help texts list them.
std::span<const ChecksumInfo> checksumCatalogue();
const ChecksumInfo& checksumInfo(ChecksumKind kind);
/// nullopt for a name that is not in the catalogue.
std::optional<ChecksumKind> checksumNamed(std::string_view name);
/// "crc16/modbus, crc16/xmodem, ..." for help texts and error messages.
std::string checksumNames();

/// The checksum of `bytes` as a number.
std::uint32_t computeChecksum(ChecksumKind kind, ByteView bytes);
/// Appends `value` as the kind's width of bytes, in its byte order.
void appendChecksum(ChecksumKind kind, std::uint32_t value, Bytes& out);
/// True when `message` ends in the checksum of the bytes before it (false when it is shorter than the checksum).
bool endsWithValidChecksum(ChecksumKind kind, ByteView message);

} // namespace socketeer::core
