// Bytes: the one type for payloads everywhere in Socketeer (raw bytes, never hex strings).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace socketeer::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// A payload shared between several writers (send-to-all, repeat) without copying it per client.
using SharedBytes = std::shared_ptr<const Bytes>;

inline Bytes toBytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

inline std::string_view asChars(ByteView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

} // namespace socketeer::core
