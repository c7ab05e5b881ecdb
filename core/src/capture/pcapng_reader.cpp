// readPcapng: block by block, every length checked against what is there before it is used.
#include "socketeer/core/capture/pcapng_reader.hpp"

#include <string_view>

namespace socketeer::core::pcapng {
namespace {

/// 64-bit so that a hostile 32-bit length cannot wrap to a small one, whatever size_t is.
constexpr std::uint64_t padded(std::uint64_t size) { return (size + 3) & ~std::uint64_t{3}; }

class Cursor {
public:
    Cursor(ByteView bytes, bool bigEndian) : m_bytes(bytes), m_big(bigEndian) {}
    [[nodiscard]] std::uint16_t u16(std::size_t at) const {
        const auto a = m_bytes[at], b = m_bytes[at + 1];
        return static_cast<std::uint16_t>(m_big ? (a << 8) | b : (b << 8) | a);
    }
    [[nodiscard]] std::uint32_t u32(std::size_t at) const {
        const std::uint32_t first = u16(at), second = u16(at + 2);
        return m_big ? (first << 16) | second : (second << 16) | first;
    }

private:
    ByteView m_bytes;
    bool m_big;
};

std::string at(std::size_t offset) { return " at byte " + std::to_string(offset); }

/// Walks the options of a block body from `start` to `end`; calls take(code, value) for each. Returns an error.
template <typename Take>
std::string readOptions(ByteView bytes, const Cursor& cursor, std::size_t start, std::size_t end, Take take) {
    std::size_t offset = start;
    while (offset < end) {
        if (end - offset < 4) return "an option header runs past its block" + at(offset);
        const std::uint16_t code = cursor.u16(offset);
        const std::uint16_t length = cursor.u16(offset + 2);
        if (code == OptEndOfOptions) return {};
        if (padded(length) > end - offset - 4) return "option " + std::to_string(code) + " runs past its block" + at(offset);
        take(code, bytes.subspan(offset + 4, length));
        offset += 4 + padded(length);
    }
    return {};
}

std::string text(ByteView value) { return {reinterpret_cast<const char*>(value.data()), value.size()}; }

} // namespace

ReadFile readPcapng(ByteView bytes) {
    ReadFile file;
    std::size_t offset = 0;
    bool inSection = false;
    Cursor cursor(bytes, false);
    while (offset < bytes.size()) {
        const std::size_t left = bytes.size() - offset;
        if (left < 12) {
            file.error = "the file is cut short: " + std::to_string(left) + " bytes of a block header" + at(offset);
            return file;
        }
        // A section header's type reads the same in both byte orders; every other block is in its section's.
        std::uint32_t type = Cursor(bytes, false).u32(offset);
        if (type != SectionHeaderBlock) type = cursor.u32(offset);
        if (type == SectionHeaderBlock) {
            const std::uint32_t magic = Cursor(bytes, false).u32(offset + 8);
            if (magic != ByteOrderMagic && magic != 0x4D3C2B1A) {
                file.error = "a section header with a bad byte-order magic" + at(offset);
                return file;
            }
            file.bigEndian = magic != ByteOrderMagic;
            cursor = Cursor(bytes, file.bigEndian);
            file.interfaces.clear(); // interface numbers start again in each section
            inSection = true;
        } else if (!inSection) {
            file.error = "the file does not start with a section header block";
            return file;
        }
        const std::uint32_t total = cursor.u32(offset + 4);
        if (total < 12 || total % 4 != 0) {
            file.error = "block of type " + std::to_string(type) + " has an impossible length " + std::to_string(total) + at(offset);
            return file;
        }
        if (total > left) {
            file.error = "the file is cut short: " + std::to_string(left) + " of a " + std::to_string(total) +
                         "-byte block" + at(offset);
            return file;
        }
        if (cursor.u32(offset + total - 4) != total) {
            file.error = "a block's trailing length differs from its leading one" + at(offset);
            return file;
        }
        const std::size_t body = offset + 8;
        const std::size_t end = offset + total - 4;
        std::string error;
        const auto need = [&](std::size_t size) {
            if (end - body >= size) return true;
            error = "block of type " + std::to_string(type) + " is too short for its fields" + at(offset);
            return false;
        };
        if (type == SectionHeaderBlock) {
            if (need(16)) {
                if (cursor.u16(body + 4) != 1) error = "section version " + std::to_string(cursor.u16(body + 4)) + " is not 1" + at(offset);
                else error = readOptions(bytes, cursor, body + 16, end, [&](std::uint16_t code, ByteView value) {
                    if (code == ShbUserApplication) file.application = text(value);
                    else if (code == ShbOs) file.os = text(value);
                });
            }
        } else if (type == InterfaceDescriptionBlock) {
            if (need(8)) {
                ReadInterface interface;
                interface.linkType = cursor.u16(body);
                interface.snapLength = cursor.u32(body + 4);
                error = readOptions(bytes, cursor, body + 8, end, [&](std::uint16_t code, ByteView value) {
                    if (code == IfName) interface.name = text(value);
                    else if (code == IfDescription) interface.description = text(value);
                    else if (code == IfTimestampResolution && value.size() == 1) interface.timestampResolution = value[0];
                });
                if (error.empty()) file.interfaces.push_back(std::move(interface));
            }
        } else if (type == EnhancedPacketBlock) {
            if (need(20)) {
                ReadPacket packet;
                packet.interfaceId = cursor.u32(body);
                packet.timestamp = (std::uint64_t{cursor.u32(body + 4)} << 32) | cursor.u32(body + 8);
                const std::uint32_t captured = cursor.u32(body + 12);
                packet.originalLength = cursor.u32(body + 16);
                if (packet.interfaceId >= file.interfaces.size())
                    error = "a packet on interface " + std::to_string(packet.interfaceId) + ", but " +
                            std::to_string(file.interfaces.size()) + " are described" + at(offset);
                else if (padded(captured) > end - body - 20)
                    error = "a packet's captured length " + std::to_string(captured) + " runs past its block" + at(offset);
                else if (captured > packet.originalLength)
                    error = "a packet's captured length exceeds its original length" + at(offset);
                else {
                    const auto data = bytes.subspan(body + 20, captured);
                    packet.data.assign(data.begin(), data.end());
                    error = readOptions(bytes, cursor, body + 20 + padded(captured), end, [&](std::uint16_t code, ByteView value) {
                        if (code == OptComment) packet.comments.push_back(text(value));
                        else if (code == EpbFlags && value.size() == 4) packet.flags = cursor.u32(static_cast<std::size_t>(value.data() - bytes.data()));
                    });
                    if (error.empty()) file.packets.push_back(std::move(packet));
                }
            }
        } else if (type == DecryptionSecretsBlock) {
            if (need(8)) {
                ReadSecrets secrets;
                secrets.type = cursor.u32(body);
                const std::uint32_t length = cursor.u32(body + 4);
                if (padded(length) > end - body - 8) error = "decryption secrets run past their block" + at(offset);
                else {
                    const auto data = bytes.subspan(body + 8, length);
                    secrets.data.assign(data.begin(), data.end());
                    file.secrets.push_back(std::move(secrets));
                }
            }
        } // any other block type: skipped whole, as the specification asks
        if (!error.empty()) {
            file.error = std::move(error);
            return file;
        }
        offset += total;
        ++file.blocks;
        file.goodBytes = offset;
    }
    if (!inSection) file.error = "the file is empty";
    return file;
}

} // namespace socketeer::core::pcapng
