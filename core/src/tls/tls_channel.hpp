// TlsChannel: TLS over bytes, with no socket of its own. A TCP connection keeps its non-blocking reads and direct
// gathered writes and passes the ciphertext through here: bytes in from the peer, plaintext out; plaintext in, bytes
// to write out. (asio::ssl::stream owns the socket's reads and writes instead, and can neither write without waiting
// on a non-blocking socket nor send close_notify while a read is pending, both of which a half-close needs.)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <variant>

#include "socketeer/core/bytes.hpp"
#include "socketeer/core/tls/certificate.hpp"
#include "socketeer/core/tls/tls_session_info.hpp"
#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::core {

class TlsChannel {
public:
    virtual ~TlsChannel() = default;

    /// Ciphertext from the peer, as read.
    virtual void pushCiphertext(ByteView ciphertext) = 0;

    enum class Handshake : std::uint8_t { Pending, Done, Failed };
    /// Goes on with the handshake on what was pushed (a client's first call makes its hello). Failed: `error` says
    /// why, in OpenSSL's words (the certificate's fault first: "self-signed certificate", "hostname mismatch").
    virtual Handshake handshake(std::string& error) = 0;

    enum class Read : std::uint8_t { Data, NeedMore, PeerClosed, Failed };
    /// Decrypts what it can into `out` (`size` = bytes written, Data). PeerClosed: the peer's close_notify.
    virtual Read readPlaintext(std::span<std::uint8_t> out, std::size_t& size, std::string& error) = 0;
    /// Encrypts all of `plaintext` into ciphertext waiting to be written.
    virtual bool writePlaintext(ByteView plaintext, std::string& error) = 0;
    /// Our close_notify: after it no more plaintext may be written.
    virtual void closeNotify() = 0;

    /// Ciphertext waiting to be written (records, handshake messages, alerts), in order.
    [[nodiscard]] virtual std::size_t pendingCiphertext() const = 0;
    /// Moves up to `max` bytes of it to the end of `out`.
    virtual void takeCiphertext(Bytes& out, std::size_t max) = 0;

    /// After the handshake.
    [[nodiscard]] virtual TlsSessionInfo describe() const = 0;

    /// Each key log line (NSS format) of this connection as it is derived, during the calls above.
    virtual void onKeyLogLine(std::function<void(std::string_view line)> sink) = 0;
};

/// A session's TLS, made once per open from its settings: one channel per connection.
class TlsEndpoint {
public:
    virtual ~TlsEndpoint() = default;
    /// host: what a client connected to (its SNI and the name checked, unless the settings name another).
    virtual std::variant<std::unique_ptr<TlsChannel>, std::string> channel(const std::string& host) = 0;
    /// A server's certificate; generated: made for this session (no --cert).
    [[nodiscard]] virtual const std::optional<CertificateInfo>& ownCertificate() const = 0;
    [[nodiscard]] virtual bool generatedCertificate() const = 0;
};

/// The endpoint the settings describe, or why they cannot make one (a file that does not load, a build without TLS).
std::variant<std::shared_ptr<TlsEndpoint>, std::string> makeTlsEndpoint(const TlsSettings& settings, bool server);

} // namespace socketeer::core
