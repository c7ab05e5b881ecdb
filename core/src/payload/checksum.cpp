// Checksums: the CRCs through Boost.CRC's crc_optimal with the catalogue's parameters, the sums by hand (a loop).
#include "socketeer/core/payload/checksum.hpp"

#include <boost/crc.hpp>

#include <array>

namespace socketeer::core {
namespace {

// name, width, low byte first, check value ("123456789"), in the catalogue's terms.
constexpr std::array<ChecksumInfo, 10> Catalogue{{
    {ChecksumKind::Crc16Modbus, "crc16/modbus", 2, true, 0x4B37},
    {ChecksumKind::Crc16Xmodem, "crc16/xmodem", 2, false, 0x31C3},
    {ChecksumKind::Crc16Kermit, "crc16/kermit", 2, true, 0x2189},
    {ChecksumKind::Crc16Ibm3740, "crc16/ibm-3740", 2, false, 0x29B1},
    {ChecksumKind::Crc32IsoHdlc, "crc32/iso-hdlc", 4, true, 0xCBF43926},
    {ChecksumKind::Crc32Iscsi, "crc32/iscsi", 4, true, 0xE3069283},
    {ChecksumKind::Crc8Smbus, "crc8/smbus", 1, false, 0xF4},
    {ChecksumKind::Xor8, "xor8", 1, false, 0x31},
    {ChecksumKind::Sum8, "sum8", 1, false, 0xDD},
    {ChecksumKind::Lrc8, "lrc8", 1, false, 0x23},
}};

template <class Crc>
std::uint32_t crcOf(ByteView bytes) {
    Crc crc;
    crc.process_bytes(bytes.data(), bytes.size());
    return static_cast<std::uint32_t>(crc.checksum());
}

} // namespace

std::span<const ChecksumInfo> checksumCatalogue() { return Catalogue; }

const ChecksumInfo& checksumInfo(ChecksumKind kind) { return Catalogue[static_cast<std::size_t>(kind)]; }

std::optional<ChecksumKind> checksumNamed(std::string_view name) {
    for (const auto& info : Catalogue)
        if (info.name == name) return info.kind;
    return std::nullopt;
}

std::string checksumNames() {
    std::string names;
    for (const auto& info : Catalogue) names += (names.empty() ? "" : ", ") + std::string(info.name);
    return names;
}

std::uint32_t computeChecksum(ChecksumKind kind, ByteView bytes) {
    // crc_optimal<width, polynomial, initial, final XOR, reflect input, reflect output>
    switch (kind) {
    case ChecksumKind::Crc16Modbus: return crcOf<boost::crc_optimal<16, 0x8005, 0xFFFF, 0, true, true>>(bytes);
    case ChecksumKind::Crc16Xmodem: return crcOf<boost::crc_optimal<16, 0x1021, 0, 0, false, false>>(bytes);
    case ChecksumKind::Crc16Kermit: return crcOf<boost::crc_optimal<16, 0x1021, 0, 0, true, true>>(bytes);
    case ChecksumKind::Crc16Ibm3740: return crcOf<boost::crc_optimal<16, 0x1021, 0xFFFF, 0, false, false>>(bytes);
    case ChecksumKind::Crc32IsoHdlc: return crcOf<boost::crc_optimal<32, 0x04C11DB7, 0xFFFFFFFF, 0xFFFFFFFF, true, true>>(bytes);
    case ChecksumKind::Crc32Iscsi: return crcOf<boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>>(bytes);
    case ChecksumKind::Crc8Smbus: return crcOf<boost::crc_optimal<8, 0x07, 0, 0, false, false>>(bytes);
    case ChecksumKind::Xor8: {
        std::uint8_t x = 0;
        for (const std::uint8_t b : bytes) x ^= b;
        return x;
    }
    case ChecksumKind::Sum8:
    case ChecksumKind::Lrc8: {
        std::uint8_t sum = 0;
        for (const std::uint8_t b : bytes) sum = static_cast<std::uint8_t>(sum + b);
        return kind == ChecksumKind::Sum8 ? sum : static_cast<std::uint8_t>(-sum);
    }
    }
    return 0;
}

void appendChecksum(ChecksumKind kind, std::uint32_t value, Bytes& out) {
    const ChecksumInfo& info = checksumInfo(kind);
    for (std::size_t i = 0; i < info.width; ++i) {
        const std::size_t shift = 8 * (info.lowByteFirst ? i : info.width - 1 - i);
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

bool endsWithValidChecksum(ChecksumKind kind, ByteView message) {
    const std::size_t width = checksumInfo(kind).width;
    if (message.size() < width) return false;
    Bytes expected;
    appendChecksum(kind, computeChecksum(kind, message.first(message.size() - width)), expected);
    return std::equal(expected.begin(), expected.end(), message.end() - static_cast<std::ptrdiff_t>(width));
}

} // namespace socketeer::core
