// A build without OpenSSL (the MinGW cross build): TLS sessions are refused with the reason, before any socket opens.
#include "tls/tls_channel.hpp"

namespace socketeer::core {

std::variant<std::shared_ptr<TlsEndpoint>, std::string> makeTlsEndpoint(const TlsSettings&, bool) {
    return std::string("TLS is not available in this build (it has no OpenSSL)");
}

std::string checkTlsFiles(const TlsSettings& settings, bool) {
    return settings.enabled ? "TLS is not available in this build (it has no OpenSSL)" : std::string();
}

} // namespace socketeer::core
