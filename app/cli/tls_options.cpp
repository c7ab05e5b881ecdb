// socketeer-cli's TLS options.
#include "tls_options.hpp"


namespace socketeer::cli {

void addTlsOptions(CLI::App* command, RawTlsOptions& raw, TlsRole role) {
    if (role == TlsRole::Client) {
        command->add_flag("--tls", raw.tls, "TLS over the connection; the server's certificate is verified against the "
                                            "system's CAs (or --ca) and the host name (or --sni)");
        command->add_option("--ca", raw.ca, "With --tls: trust the CAs in this PEM file instead of the system's");
        command->add_flag("--insecure", raw.insecure, "With --tls: accept any certificate (verification OFF, said on stderr)");
        command->add_option("--sni", raw.sni, "With --tls: the server name sent (SNI) and checked in its certificate "
                                              "(default: the host connected to)");
        command->add_option("--alpn", raw.alpn, "With --tls: protocols offered, in order of preference: h2,http/1.1");
        command->add_option("--cert", raw.cert, "With --tls: our certificate chain (PEM), for a server that asks for one");
        command->add_option("--key", raw.key, "With --cert: its private key (PEM)");
    } else {
        command->add_flag("--tls", raw.tls, "TLS for every client; without --cert a self-signed certificate is generated "
                                            "and its SHA-256 fingerprint printed");
        command->add_option("--cert", raw.cert, "With --tls: the certificate chain to present (PEM)");
        command->add_option("--key", raw.key, "With --cert: its private key (PEM)");
        command->add_option("--client-ca", raw.clientCa, "With --tls: require a client certificate issued by a CA in "
                                                         "this PEM file (mutual TLS)");
        command->add_option("--alpn", raw.alpn, "With --tls: protocols accepted, in order of preference: h2,http/1.1");
    }
    command->add_option("--tls-keylog", raw.keyLog, "With --tls: append the session keys to FILE in the NSS key log "
                                                    "format (SSLKEYLOGFILE), so Wireshark can decrypt a capture");
}

std::variant<core::TlsSettings, std::string> tlsValue(const RawTlsOptions& raw, TlsRole role) {
    core::TlsSettings settings;
    if (!raw.tls) {
        const char* stray = !raw.ca.empty() ? "--ca" : raw.insecure ? "--insecure" : !raw.sni.empty() ? "--sni"
                          : !raw.alpn.empty() ? "--alpn" : !raw.cert.empty() ? "--cert" : !raw.key.empty() ? "--key"
                          : !raw.clientCa.empty() ? "--client-ca" : !raw.keyLog.empty() ? "--tls-keylog" : nullptr;
        if (stray) return std::string(stray) + " needs --tls";
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
        if (!alpn) return "--alpn '" + raw.alpn + "': " + alpn.error().describe();
        settings.alpn = std::move(alpn).value();
    }
    if (std::string problem = core::checkTlsSettings(settings, role == TlsRole::Server); !problem.empty()) return problem;
    if (std::string problem = core::checkTlsFiles(settings, role == TlsRole::Server); !problem.empty()) return problem;
    return settings;
}

} // namespace socketeer::cli
