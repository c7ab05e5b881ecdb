// PcapngWriter: section header, interface description, enhanced packet and decryption secrets blocks.
#include "socketeer/core/capture/pcapng_writer.hpp"

#include <algorithm>
#include <cstring>

namespace socketeer::core::pcapng {
namespace {

constexpr std::size_t padded(std::size_t size) { return (size + 3) & ~std::size_t{3}; }
constexpr std::uint8_t MicrosecondResolution = 6; // if_tsresol: 10^-6 s

} // namespace

std::size_t optionSize(std::size_t valueSize) { return 4 + padded(valueSize); }

void PcapngWriter::put16(std::uint16_t value) {
    m_block.push_back(static_cast<std::uint8_t>(value));
    m_block.push_back(static_cast<std::uint8_t>(value >> 8));
}

void PcapngWriter::put32(std::uint32_t value) {
    put16(static_cast<std::uint16_t>(value));
    put16(static_cast<std::uint16_t>(value >> 16));
}

void PcapngWriter::putPadding(std::size_t size) { m_block.insert(m_block.end(), padded(size) - size, 0); }

void PcapngWriter::putOption(std::uint16_t code, ByteView value) {
    value = value.first(std::min<std::size_t>(value.size(), 0xffff)); // an option's length is 16 bits
    put16(code);
    put16(static_cast<std::uint16_t>(value.size()));
    m_block.insert(m_block.end(), value.begin(), value.end());
    putPadding(value.size());
}

void PcapngWriter::putOption(std::uint16_t code, std::string_view value) {
    putOption(code, ByteView{reinterpret_cast<const std::uint8_t*>(value.data()), value.size()});
}

void PcapngWriter::beginBlock(std::uint32_t type) {
    m_block.clear();
    put32(type);
    put32(0); // total length, patched by the caller once known
}

bool PcapngWriter::emit(ByteView bytes) {
    if (m_failed) return false;
    if (!bytes.empty() && !m_output(bytes)) m_failed = true;
    return !m_failed;
}

namespace {
/// Closes a block built whole in `block`: the end-of-options, then its total length at both ends.
void finishBlock(Bytes& block, bool hasOptions) {
    if (hasOptions) block.insert(block.end(), 4, 0); // opt_endofopt
    const auto total = static_cast<std::uint32_t>(block.size() + 4);
    for (int i = 0; i < 4; ++i) {
        const auto byte = static_cast<std::uint8_t>(total >> (8 * i));
        block[4 + static_cast<std::size_t>(i)] = byte;
        block.push_back(byte);
    }
}
} // namespace

bool PcapngWriter::sectionHeader(std::string_view application, std::string_view os, std::string_view hardware) {
    beginBlock(SectionHeaderBlock);
    put32(ByteOrderMagic);
    put16(1); // major version
    put16(0); // minor version
    put32(0xffffffff); // section length: unspecified (64 bits of -1)
    put32(0xffffffff);
    if (!hardware.empty()) putOption(ShbHardware, hardware);
    if (!os.empty()) putOption(ShbOs, os);
    putOption(ShbUserApplication, application);
    finishBlock(m_block, true);
    return emit(m_block);
}

bool PcapngWriter::interfaceDescription(const InterfaceDescription& description, std::uint32_t& id) {
    beginBlock(InterfaceDescriptionBlock);
    put16(static_cast<std::uint16_t>(description.linkType));
    put16(0); // reserved
    put32(description.snapLength);
    if (!description.name.empty()) putOption(IfName, description.name);
    if (!description.description.empty()) putOption(IfDescription, description.description);
    putOption(IfTimestampResolution, ByteView{&MicrosecondResolution, 1});
    finishBlock(m_block, true);
    if (!emit(m_block)) return false;
    id = m_interfaces++;
    return true;
}

bool PcapngWriter::enhancedPacket(std::uint32_t interfaceId, std::int64_t timeUs, ByteView headers, ByteView payload,
                                  PacketDirection direction, std::string_view comment) {
    const std::size_t captured = headers.size() + payload.size();
    std::size_t optionsSize = 0;
    if (direction != PacketDirection::Unknown) optionsSize += optionSize(4);
    if (!comment.empty()) optionsSize += optionSize(std::min<std::size_t>(comment.size(), 0xffff)); // putOption cuts it
    if (optionsSize) optionsSize += 4; // opt_endofopt
    const auto total = static_cast<std::uint32_t>(28 + padded(captured) + optionsSize + 4);
    const auto stamp = static_cast<std::uint64_t>(timeUs);

    m_block.clear();
    put32(EnhancedPacketBlock);
    put32(total);
    put32(interfaceId);
    put32(static_cast<std::uint32_t>(stamp >> 32));
    put32(static_cast<std::uint32_t>(stamp));
    put32(static_cast<std::uint32_t>(captured));
    put32(static_cast<std::uint32_t>(captured));
    m_block.insert(m_block.end(), headers.begin(), headers.end());
    if (!emit(m_block) || !emit(payload)) return false;

    m_block.clear();
    putPadding(captured);
    if (direction != PacketDirection::Unknown) {
        put16(EpbFlags);
        put16(4);
        put32(static_cast<std::uint32_t>(direction));
    }
    if (!comment.empty()) putOption(OptComment, comment);
    if (optionsSize) put32(0); // opt_endofopt
    put32(total);
    return emit(m_block);
}

bool PcapngWriter::decryptionSecrets(std::uint32_t secretsType, ByteView secrets) {
    beginBlock(DecryptionSecretsBlock);
    put32(secretsType);
    put32(static_cast<std::uint32_t>(secrets.size()));
    m_block.insert(m_block.end(), secrets.begin(), secrets.end());
    putPadding(secrets.size());
    finishBlock(m_block, false);
    return emit(m_block);
}

} // namespace socketeer::core::pcapng
