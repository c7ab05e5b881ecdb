// TlsContext: an asio::ssl::context built from TlsSettings — verification against the system store or a CA file (or
// none, with --insecure), our certificate (loaded, or generated for a server), ALPN, the NSS key log — plus what a
// session needs around each handshake: SNI and the host check, the outcome in words, the failure in OpenSSL's.
#pragma once

#include <asio/ssl.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "socketeer/core/tls/certificate.hpp"
#include "socketeer/core/tls/tls_session_info.hpp"
#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::core {

class TlsContext {
public:
    /// A client's context, or why the settings cannot make one (a CA file that does not load: its path and OpenSSL's
    /// reason).
    static std::variant<std::shared_ptr<TlsContext>, std::string> forClient(const TlsSettings& settings);
    /// A server's; without a certificate file it generates a self-signed one for `commonName` (see ownCertificate).
    static std::variant<std::shared_ptr<TlsContext>, std::string> forServer(const TlsSettings& settings,
                                                                            const std::string& commonName = "localhost");
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    asio::ssl::context& context() { return m_context; }
    /// The certificate this side presents (nullopt for a client without one); `generated` when made for the session.
    [[nodiscard]] const std::optional<CertificateInfo>& ownCertificate() const { return m_own; }
    [[nodiscard]] bool generatedCertificate() const { return m_generated; }

    /// Before a client's handshake on `ssl`: SNI and the name the certificate must carry (`host`, or the settings'
    /// server name), an IP address checked as one. "" or why not.
    [[nodiscard]] std::string prepareClient(SSL* ssl, const std::string& host) const;

    /// Each connection's key log lines go, besides the key log file, to the KeyLogSink an SSL holds in this ex_data
    /// slot (a pcapng capture embeds them): every context logs keys, to whoever listens.
    using KeyLogSink = std::function<void(std::string_view line)>;
    static int keyLogSinkSlot();

private:
    TlsContext(TlsSettings settings, asio::ssl::context::method method);
    std::string configure(bool server, const std::string& commonName);

    TlsSettings m_settings;
    asio::ssl::context m_context;
    std::optional<CertificateInfo> m_own;
    bool m_generated = false;
    std::FILE* m_keyLog = nullptr;
    std::vector<unsigned char> m_alpnWire; ///< the server's accepted protocols, in ALPN's wire format
};

/// After a handshake.
TlsSessionInfo describeTlsSession(SSL* ssl);
/// Why the peer's certificate was refused, in OpenSSL's words ("self-signed certificate", "certificate has
/// expired", "hostname mismatch"), or "" when it was not.
std::string verificationFailure(SSL* ssl);

} // namespace socketeer::core
