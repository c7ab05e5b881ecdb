// socketeer-cli's TLS options, shared by tcp-client, tcp-server and bench: --tls and the certificates, verification,
// SNI, ALPN and key log around it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <variant>

#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::cli {

struct RawTlsOptions {
    bool tls = false;
    std::string ca;
    bool insecure = false;
    std::string sni;
    std::string alpn;
    std::string cert;
    std::string key;
    std::string clientCa;
    std::string keyLog;
};

enum class TlsRole { Client, Server };

/// How the options are spelled: tcp-client's and tcp-server's by default; the proxy has one set per side
/// (--tls-listen --listen-cert ..., --tls-to --to-ca ...).
struct TlsOptionNames {
    std::string tls = "--tls", ca = "--ca", insecure = "--insecure", sni = "--sni", alpn = "--alpn", cert = "--cert",
                key = "--key", clientCa = "--client-ca", keyLog = "--tls-keylog";
    std::string side; ///< "" or what the side is, for the help texts ("toward the clients")
};

/// Adds --tls and the options of that role to `command`.
void addTlsOptions(CLI::App* command, RawTlsOptions& raw, TlsRole role, const TlsOptionNames& names = {});

/// The settings, checked as far as they can be before a socket opens (contradictions, and files that OpenSSL cannot
/// read, with its reason); or the message for the user. Without --tls, the other options are refused.
std::variant<core::TlsSettings, std::string> tlsValue(const RawTlsOptions& raw, TlsRole role,
                                                      const TlsOptionNames& names = {});

} // namespace socketeer::cli
