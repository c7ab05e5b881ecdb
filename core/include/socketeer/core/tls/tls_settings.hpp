// TlsSettings: what a TCP session's TLS is — verification, SNI, ALPN, certificates by path (never key material
// inline), a key log for Wireshark — as the CLI, the app and workspaces all spell it, checked before any socket opens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "socketeer/core/parse_error.hpp"

namespace socketeer::core {

struct TlsSettings {
    bool enabled = false;
    /// Client: trust these CAs (PEM) instead of the system store. Server: require a client certificate signed by them.
    std::string caFile;
    /// Client: no verification at all (said loudly wherever it is on).
    bool insecure = false;
    /// Client: the name sent as SNI and checked against the certificate ("" = the host connected to).
    std::string serverName;
    /// Protocols offered (client) or accepted (server), in order of preference: "h2", "http/1.1".
    std::vector<std::string> alpn;
    /// Our certificate chain and its private key (PEM). A server without them gets a generated self-signed one.
    std::string certFile;
    std::string keyFile;
    /// Where to append the session keys in the NSS key log format (SSLKEYLOGFILE), for Wireshark.
    std::string keyLogFile;

    bool operator==(const TlsSettings&) const = default;
};

/// "h2,http/1.1" into its protocols. Errors name the problem and its column: "an empty protocol at column 4",
/// "protocol of 300 bytes at column 1 is longer than ALPN's 255".
Parsed<std::vector<std::string>> parseAlpnList(std::string_view text);
/// The list written back as parseAlpnList reads it.
std::string alpnListText(const std::vector<std::string>& protocols);

/// "" when the settings make sense for a client (server = false) or a server, else what does not: "--key needs
/// --cert", "--insecure and --ca contradict each other".
std::string checkTlsSettings(const TlsSettings& settings, bool server);

/// "" when the files load (certificate and key, and that they belong together; the CA file), else the file and
/// OpenSSL's reason: for a front end to refuse bad settings before anything opens. The key log is not touched.
std::string checkTlsFiles(const TlsSettings& settings, bool server);

/// Whether this build can do TLS (the MinGW cross build has no OpenSSL).
bool tlsAvailable();

} // namespace socketeer::core
