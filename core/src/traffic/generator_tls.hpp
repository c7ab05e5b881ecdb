// TLS for the generator's TCP connections (bench tcp|rtt --tls): a channel per connection over its socket, the
// handshake driven with asio's reads and writes, and plaintext counted only once its records have left whole — a
// record the kernel took completely is one the peer can decrypt, so the figures stay exactly what it receives.
#pragma once

#include <asio/ip/tcp.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "socketeer/core/bytes.hpp"
#include "tls/tls_channel.hpp"

namespace socketeer::core {

struct GeneratorTls {
    explicit GeneratorTls(std::unique_ptr<TlsChannel> made) : channel(std::move(made)) {}

    std::unique_ptr<TlsChannel> channel;
    std::vector<std::uint8_t> cipherIn = std::vector<std::uint8_t>(64u << 10); ///< what a read fills
    Bytes cipherOut;                                                            ///< what a write sends

    /// Encrypts `plaintext` into cipherOut (replacing it) in records of at most 16 KiB, remembering where each ends.
    bool seal(ByteView plaintext, std::string& error);
    /// Of the last sealed plaintext, the bytes whose records lie wholly within the first `written` ciphertext bytes.
    [[nodiscard]] std::size_t plaintextWithin(std::size_t written) const;
    /// Pushes `n` bytes of cipherIn to the channel.
    void received(std::size_t n) { channel->pushCiphertext(ByteView(cipherIn.data(), n)); }

private:
    struct Record {
        std::size_t cipherEnd;
        std::size_t plainEnd;
    };
    std::vector<Record> m_records;
};

/// Runs the handshake on a connected socket: writes what the channel makes, reads what the peer sends, until it is
/// done. `done("")` on success, else with the reason ("TLS handshake with H:P: certificate has expired"). `keepAlive`
/// holds the owner of `socket` and `tls` until then.
void runTlsHandshake(asio::ip::tcp::socket& socket, GeneratorTls& tls, std::shared_ptr<void> keepAlive,
                     std::function<void(std::string)> done);

} // namespace socketeer::core
