// socketeer-cli's TLS options.
#include "tls_options.hpp"


namespace socketeer::cli {

void addTlsOptions(CLI::App* command, RawTlsOptions& raw, TlsRole role, const TlsOptionNames& n) {
    const std::string with = "With " + n.tls + ": ";
    const std::string side = n.side.empty() ? std::string() : " " + n.side;
    if (role == TlsRole::Client) {
        command->add_flag(n.tls, raw.tls, "TLS over the connection" + side + "; the server's certificate is verified "
                                          "against the system's CAs (or " + n.ca + ") and the host name (or " + n.sni + ")");
        command->add_option(n.ca, raw.ca, with + "trust the CAs in this PEM file instead of the system's");
        command->add_flag(n.insecure, raw.insecure, with + "accept any certificate (verification OFF, said on stderr)");
        command->add_option(n.sni, raw.sni, with + "the server name sent (SNI) and checked in its certificate "
                                                   "(default: the host connected to)");
        command->add_option(n.alpn, raw.alpn, with + "protocols offered, in order of preference: h2,http/1.1");
        command->add_option(n.cert, raw.cert, with + "our certificate chain (PEM), for a server that asks for one");
        command->add_option(n.key, raw.key, "With " + n.cert + ": its private key (PEM)");
    } else {
        command->add_flag(n.tls, raw.tls, "TLS for every client" + side + "; without " + n.cert + " a self-signed "
                                          "certificate is generated and its SHA-256 fingerprint printed");
        command->add_option(n.cert, raw.cert, with + "the certificate chain to present (PEM)");
        command->add_option(n.key, raw.key, "With " + n.cert + ": its private key (PEM)");
        command->add_option(n.clientCa, raw.clientCa, with + "require a client certificate issued by a CA in this PEM "
                                                             "file (mutual TLS)");
        command->add_option(n.alpn, raw.alpn, with + "protocols accepted, in order of preference: h2,http/1.1");
    }
    if (!n.keyLog.empty())
        command->add_option(n.keyLog, raw.keyLog, with + "append the session keys to FILE in the NSS key log format "
                                                         "(SSLKEYLOGFILE), so Wireshark can decrypt a capture");
}

std::variant<core::TlsSettings, std::string> tlsValue(const RawTlsOptions& raw, TlsRole role, const TlsOptionNames& n) {
    core::TlsSettings settings;
    if (!raw.tls) {
        const std::string* stray = !raw.ca.empty() ? &n.ca : raw.insecure ? &n.insecure : !raw.sni.empty() ? &n.sni
                                 : !raw.alpn.empty() ? &n.alpn : !raw.cert.empty() ? &n.cert : !raw.key.empty() ? &n.key
                                 : !raw.clientCa.empty() ? &n.clientCa : !raw.keyLog.empty() ? &n.keyLog : nullptr;
        if (stray) return *stray + " needs " + n.tls;
        return settings;
    }
    settings.enabled = true;
    settings.caFile = role == TlsRole::Client ? raw.ca : raw.clientCa;
    settings.insecure = raw.insecure;
    settings.serverName = raw.sni;
    settings.certFile = raw.cert;
    settings.keyFile = raw.key;
    settings.keyLogFile = raw.keyLog;
    if (!raw.alpn.empty()) {
        auto alpn = core::parseAlpnList(raw.alpn);
        if (!alpn) return n.alpn + " '" + raw.alpn + "': " + alpn.error().describe();
        settings.alpn = std::move(alpn).value();
    }
    // The core's messages name tcp-client's options; another set says which side it is about first.
    const std::string about = n.tls == "--tls" ? std::string() : n.tls + ": ";
    if (std::string problem = core::checkTlsSettings(settings, role == TlsRole::Server); !problem.empty()) return about + problem;
    if (std::string problem = core::checkTlsFiles(settings, role == TlsRole::Server); !problem.empty()) return about + problem;
    return settings;
}

} // namespace socketeer::cli
