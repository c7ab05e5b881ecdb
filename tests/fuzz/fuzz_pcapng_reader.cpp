// Fuzz target: the pcapng reader. Input: any bytes as a capture file. The reader never reads past its input, stops
// at the first bad block and keeps the whole blocks before it: reading just those gives the same packets and no
// error. What it read, written again by our writer, reads back the same.
#include <algorithm>
#include <cstdint>
#include <string>
#include <cstdlib>

#include "socketeer/core/capture/pcapng_reader.hpp"
#include "socketeer/core/capture/pcapng_writer.hpp"

namespace {

using namespace socketeer::core;
using namespace socketeer::core::pcapng;

void check(bool condition) {
    if (!condition) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    const ReadFile file = readPcapng(input);
    check(file.goodBytes <= size);
    check(file.error.empty() == (file.goodBytes == size && size > 0));
    if (!file.error.empty() && file.goodBytes > 0) {
        const ReadFile prefix = readPcapng(input.first(file.goodBytes));
        check(prefix.error.empty());
        check(prefix.packets.size() == file.packets.size());
    }
    // Written again (one section: packets of later sections keep their interface numbers within it).
    Bytes rewritten;
    PcapngWriter writer([&](ByteView piece) {
        rewritten.insert(rewritten.end(), piece.begin(), piece.end());
        return true;
    });
    writer.sectionHeader(file.application, file.os);
    std::uint32_t most = 0;
    for (const ReadPacket& packet : file.packets) most = std::max(most, packet.interfaceId + 1);
    for (std::uint32_t i = 0; i < most; ++i) {
        std::uint32_t id = 0;
        writer.interfaceDescription({LinkType::Ethernet, "i", "", 0}, id);
    }
    for (const ReadPacket& packet : file.packets) {
        const std::string comment = packet.comments.empty() ? std::string() : packet.comments.front();
        writer.enhancedPacket(packet.interfaceId, static_cast<std::int64_t>(packet.timestamp), {}, packet.data,
                              static_cast<PacketDirection>(packet.flags & 3), comment.substr(0, 0xfff0));
    }
    const ReadFile again = readPcapng(rewritten);
    check(again.error.empty());
    check(again.packets.size() == file.packets.size());
    for (std::size_t i = 0; i < file.packets.size(); ++i) check(again.packets[i].data == file.packets[i].data);
    return 0;
}
