// TlsSettings: the ALPN list's syntax and the combinations that cannot work.
#include "socketeer/core/tls/tls_settings.hpp"

namespace socketeer::core {

Parsed<std::vector<std::string>> parseAlpnList(std::string_view text) {
    std::vector<std::string> protocols;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        const std::string_view protocol = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (protocol.empty()) return ParseError{1, start + 1, "an empty protocol (write h2,http/1.1)"};
        if (protocol.size() > 255)
            return ParseError{1, start + 1, "a protocol of " + std::to_string(protocol.size()) + " bytes is longer than ALPN's 255"};
        for (std::size_t i = 0; i < protocol.size(); ++i) {
            const auto c = static_cast<unsigned char>(protocol[i]);
            if (c <= 0x20 || c >= 0x7f)
                return ParseError{1, start + i + 1, "a protocol name is printable ASCII without blanks"};
        }
        for (const std::string& earlier : protocols)
            if (earlier == protocol) return ParseError{1, start + 1, "'" + std::string(protocol) + "' is in the list twice"};
        protocols.emplace_back(protocol);
        if (protocols.size() > 64) return ParseError{1, start + 1, "more than 64 protocols"};
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return protocols;
}

std::string alpnListText(const std::vector<std::string>& protocols) {
    std::string text;
    for (const std::string& protocol : protocols) text += (text.empty() ? "" : ",") + protocol;
    return text;
}

bool tlsAvailable() {
#ifdef SOCKETEER_HAVE_TLS
    return true;
#else
    return false;
#endif
}

std::string checkTlsSettings(const TlsSettings& settings, bool server) {
    if (!settings.enabled) return {};
    if (!tlsAvailable()) return "TLS is not available in this build (it has no OpenSSL)";
    if (!settings.keyFile.empty() && settings.certFile.empty()) return "a key needs its certificate (--cert FILE)";
    if (!settings.certFile.empty() && settings.keyFile.empty()) return "a certificate needs its private key (--key FILE)";
    if (server) {
        if (settings.insecure) return "--insecure is a client's: a server verifies clients only with --client-ca";
        if (!settings.serverName.empty()) return "--sni is a client's: a server answers whatever name it is asked";
    } else if (settings.insecure && !settings.caFile.empty()) {
        return "--insecure and --ca contradict each other (verify against the CA, or not at all)";
    }
    return {};
}

} // namespace socketeer::core
