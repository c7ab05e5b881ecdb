// readPcapng: a strict reader of the pcapng blocks Socketeer writes (and any section of Ethernet or other packets),
// for tests and tools that check a capture: it says where a file was cut or a block is malformed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/capture/pcapng_writer.hpp"

namespace socketeer::core::pcapng {

struct ReadInterface {
    std::uint16_t linkType = 0;
    std::uint32_t snapLength = 0;
    std::string name;
    std::string description;
    std::uint8_t timestampResolution = 6; ///< if_tsresol as written (6: microseconds)
};

struct ReadPacket {
    std::uint32_t interfaceId = 0;
    std::uint64_t timestamp = 0; ///< in the interface's resolution
    std::uint32_t originalLength = 0;
    Bytes data;
    std::uint32_t flags = 0; ///< epb_flags (0 when absent)
    std::vector<std::string> comments;
};

struct ReadSecrets {
    std::uint32_t type = 0;
    Bytes data;
};

struct ReadFile {
    std::string application; ///< shb_userappl
    std::string os;          ///< shb_os
    bool bigEndian = false;
    std::vector<ReadInterface> interfaces;
    std::vector<ReadPacket> packets;
    std::vector<ReadSecrets> secrets;
    std::size_t blocks = 0;
    std::size_t goodBytes = 0; ///< how far every block was whole and well formed
    std::string error;         ///< empty: the whole input read; else what is wrong and at which byte
};

/// Reads every block of `bytes`; stops at the first problem, keeping what the whole blocks before it held.
ReadFile readPcapng(ByteView bytes);

} // namespace socketeer::core::pcapng
