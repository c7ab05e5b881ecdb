// TlsSessionInfo: what a handshake settled on, for the connection log and the jsonl output (no OpenSSL types here,
// so every front end can show it).
#pragma once

#include <optional>
#include <string>

#include "socketeer/core/tls/certificate.hpp"

namespace socketeer::core {

struct TlsSessionInfo {
    std::string protocol; ///< "TLSv1.3"
    std::string cipher;   ///< "TLS_AES_256_GCM_SHA384"
    std::string alpn;     ///< the protocol chosen ("" = none)
    std::optional<CertificateInfo> peerCertificate;

    bool operator==(const TlsSessionInfo&) const = default;
};

} // namespace socketeer::core
