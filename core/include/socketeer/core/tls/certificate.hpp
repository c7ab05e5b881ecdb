// Certificates for TLS sessions: a self-signed one generated for a server started without --cert (so nobody has to
// run openssl by hand), and what the connection log says of any certificate.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

struct CertificateInfo {
    std::string subject;           ///< RFC 2253: "CN=localhost,O=Socketeer"
    std::string issuer;
    std::string notBefore;         ///< "Dec  2 06:00:00 2026 GMT", as OpenSSL prints it
    std::string notAfter;
    std::string sha256Fingerprint; ///< "AB:CD:…" (32 bytes, as `openssl x509 -fingerprint -sha256` writes them)
    bool selfSigned = false;

    bool operator==(const CertificateInfo&) const = default;
};

struct GeneratedCertificate {
    std::string certificatePem;
    std::string privateKeyPem;
    CertificateInfo info;
};

/// A P-256 key and a self-signed certificate for `commonName`, valid from an hour ago for `validity`, with these
/// subject alternative names ("DNS:localhost", "IP:127.0.0.1", "IP:::1"). Fails only if OpenSSL does (the reason).
Parsed<GeneratedCertificate> generateSelfSignedCertificate(const std::string& commonName,
                                                            const std::vector<std::string>& alternativeNames,
                                                            std::chrono::hours validity = std::chrono::hours(24 * 30));

/// The first certificate of a PEM text, described; errors say what OpenSSL found wrong.
Parsed<CertificateInfo> describeCertificatePem(const std::string& pem);

} // namespace socketeer::core
