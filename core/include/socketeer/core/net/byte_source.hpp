// ByteSource: where a streaming send takes its bytes (a file, a payload in memory), read piece by piece on the
// session's worker as the connection drains, so a send of any size holds only a few pieces in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "socketeer/core/bytes.hpp"

namespace socketeer::core {

class ByteSource {
public:
    virtual ~ByteSource() = default;

    /// Reads up to `size` bytes into `into` and returns how many: 0 at the end. On failure returns nullopt and puts
    /// the reason in `error` ("reading 'big.bin' failed: Input/output error").
    virtual std::optional<std::size_t> read(std::uint8_t* into, std::size_t size, std::string& error) = 0;
    /// The whole size, when known in advance (files and payloads: yes).
    [[nodiscard]] virtual std::optional<std::uint64_t> size() const = 0;
    /// What it is, for messages: "file 'big.bin'", "payload".
    [[nodiscard]] virtual std::string name() const = 0;
    /// The same bytes again from the start, for another destination (a server's send to all clients); nullptr and
    /// a reason in `error` if that is not possible.
    virtual std::unique_ptr<ByteSource> reopen(std::string& error) const = 0;
    /// All the bytes at once when they are already in memory (a payload), else nullptr: a datagram needs no copy.
    [[nodiscard]] virtual SharedBytes whole() const { return nullptr; }
};

/// Opens a file (UTF-8 path) for streaming. The refusal comes at once, on the caller's thread: "cannot read
/// 'x.bin': No such file or directory", "'dir' is not a regular file".
std::variant<std::unique_ptr<ByteSource>, std::string> openFileSource(const std::string& path);

/// A payload already in memory (shared, never copied: reopening for another destination is free).
std::unique_ptr<ByteSource> memorySource(SharedBytes bytes);

} // namespace socketeer::core
