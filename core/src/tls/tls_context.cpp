// TlsContext: asio::ssl::context configured through OpenSSL for what asio does not cover (ALPN, the key log, the
// host check by SSL_set1_host), with every failure named by its file and OpenSSL's reason.
#include "socketeer/core/tls/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "socketeer/core/file_output.hpp"
#include "tls/describe_certificate.hpp"
#include "tls/openssl_error.hpp"

namespace socketeer::core {
namespace {

/// The ex_data slot of an SSL_CTX that holds its key log file.
int keyLogSlot() {
    static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return slot;
}

std::mutex& keyLogMutex() {
    static std::mutex mutex; // sessions on their own workers may share one key log file
    return mutex;
}

void writeKeyLogLine(const SSL* ssl, const char* line) {
    if (auto* sink = static_cast<TlsContext::KeyLogSink*>(SSL_get_ex_data(ssl, TlsContext::keyLogSinkSlot())); sink && *sink)
        (*sink)(line); // on the connection's worker: the SSL call that derived the key runs there
    auto* file = static_cast<std::FILE*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keyLogSlot()));
    if (!file) return;
    std::lock_guard lock(keyLogMutex());
    std::fputs(line, file);
    std::fputc('\n', file);
    std::fflush(file); // Wireshark reads it while the capture runs
}

/// ALPN's wire format: each protocol preceded by its length.
std::vector<unsigned char> alpnWire(const std::vector<std::string>& protocols) {
    std::vector<unsigned char> wire;
    for (const std::string& protocol : protocols) {
        wire.push_back(static_cast<unsigned char>(protocol.size()));
        wire.insert(wire.end(), protocol.begin(), protocol.end());
    }
    return wire;
}

/// The server picks the first of its own protocols that the client offers; none in common: no ALPN.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outSize, const unsigned char* offered, unsigned int offeredSize,
               void* argument) {
    const auto& accepted = *static_cast<const std::vector<unsigned char>*>(argument);
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outSize, accepted.data(), static_cast<unsigned int>(accepted.size()), offered,
                              offeredSize) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

bool isIpAddress(const std::string& host) {
    ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str());
    const bool yes = ip != nullptr;
    ASN1_OCTET_STRING_free(ip);
    return yes;
}

} // namespace

TlsContext::TlsContext(TlsSettings settings, asio::ssl::context::method method)
    : m_settings(std::move(settings)), m_context(method) {}

TlsContext::~TlsContext() {
    if (m_keyLog) std::fclose(m_keyLog);
}

std::variant<std::shared_ptr<TlsContext>, std::string> TlsContext::forClient(const TlsSettings& settings) {
    if (std::string problem = checkTlsSettings(settings, false); !problem.empty()) return problem;
    std::shared_ptr<TlsContext> context(new TlsContext(settings, asio::ssl::context::tls_client));
    if (std::string error = context->configure(false, {}); !error.empty()) return error;
    return context;
}

std::variant<std::shared_ptr<TlsContext>, std::string> TlsContext::forServer(const TlsSettings& settings,
                                                                             const std::string& commonName) {
    if (std::string problem = checkTlsSettings(settings, true); !problem.empty()) return problem;
    std::shared_ptr<TlsContext> context(new TlsContext(settings, asio::ssl::context::tls_server));
    if (std::string error = context->configure(true, commonName); !error.empty()) return error;
    return context;
}

std::string TlsContext::configure(bool server, const std::string& commonName) {
    SSL_CTX* ctx = m_context.native_handle();
    std::error_code ec;
    // TLS 1.2 and 1.3 only: what a device worth testing speaks, and nothing broken.
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (!m_settings.certFile.empty()) {
        m_context.use_certificate_chain_file(m_settings.certFile, ec);
        if (ec) return "certificate '" + m_settings.certFile + "': " + openSslError(ec);
        m_context.use_private_key_file(m_settings.keyFile, asio::ssl::context::pem, ec);
        if (ec) return "private key '" + m_settings.keyFile + "': " + openSslError(ec);
        if (SSL_CTX_check_private_key(ctx) != 1)
            return "private key '" + m_settings.keyFile + "' does not belong to certificate '" + m_settings.certFile + "'";
        if (X509* own = SSL_CTX_get0_certificate(ctx)) m_own = describeCertificate(own);
    } else if (server) {
        auto generated = generateSelfSignedCertificate(commonName, {"DNS:" + commonName, "IP:127.0.0.1", "IP:::1"});
        if (!generated) return generated.error().describe();
        const std::string& certificate = generated.value().certificatePem;
        const std::string& key = generated.value().privateKeyPem;
        m_context.use_certificate_chain(asio::buffer(certificate), ec);
        if (!ec) m_context.use_private_key(asio::buffer(key), asio::ssl::context::pem, ec);
        if (ec) return "the generated certificate: " + openSslError(ec);
        m_own = generated.value().info;
        m_generated = true;
    }
    if (server) {
        if (!m_settings.caFile.empty()) { // mutual TLS: a client must present a certificate from these CAs
            m_context.load_verify_file(m_settings.caFile, ec);
            if (ec) return "client CA file '" + m_settings.caFile + "': " + openSslError(ec);
            STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(m_settings.caFile.c_str());
            if (names) SSL_CTX_set_client_CA_list(ctx, names);
            m_context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
        } else {
            m_context.set_verify_mode(asio::ssl::verify_none);
        }
        if (!m_settings.alpn.empty()) {
            m_alpnWire = alpnWire(m_settings.alpn);
            SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, &m_alpnWire);
        }
    } else {
        if (m_settings.insecure) {
            m_context.set_verify_mode(asio::ssl::verify_none);
        } else {
            if (m_settings.caFile.empty()) m_context.set_default_verify_paths(ec);
            else m_context.load_verify_file(m_settings.caFile, ec);
            if (ec) return (m_settings.caFile.empty() ? "the system's CA store" : "CA file '" + m_settings.caFile + "'") + ": " + openSslError(ec);
            m_context.set_verify_mode(asio::ssl::verify_peer);
        }
        if (!m_settings.alpn.empty()) {
            const auto wire = alpnWire(m_settings.alpn);
            if (SSL_CTX_set_alpn_protos(ctx, wire.data(), static_cast<unsigned int>(wire.size())) != 0)
                return "ALPN " + alpnListText(m_settings.alpn) + ": " + openSslError();
        }
    }
    if (!m_settings.keyLogFile.empty()) {
        m_keyLog = openForWriting(m_settings.keyLogFile, true);
        if (!m_keyLog) return "key log '" + m_settings.keyLogFile + "': " + std::strerror(errno);
        SSL_CTX_set_ex_data(ctx, keyLogSlot(), m_keyLog);
    }
    SSL_CTX_set_keylog_callback(ctx, writeKeyLogLine);
    return {};
}

int TlsContext::keyLogSinkSlot() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return slot;
}

std::string TlsContext::prepareClient(SSL* ssl, const std::string& host) const {
    const std::string& name = m_settings.serverName.empty() ? host : m_settings.serverName;
    const bool ip = isIpAddress(name);
    // SNI carries names only (RFC 6066): never an address.
    if (!ip && !name.empty() && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) return "SNI '" + name + "': " + openSslError();
    if (m_settings.insecure || name.empty()) return {};
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    if (ok != 1) return "the name to verify '" + name + "': " + openSslError();
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return {};
}

TlsSessionInfo describeTlsSession(SSL* ssl) {
    TlsSessionInfo info;
    info.protocol = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) info.cipher = SSL_CIPHER_get_name(cipher);
    const unsigned char* alpn = nullptr;
    unsigned int alpnSize = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpnSize);
    if (alpn) info.alpn.assign(reinterpret_cast<const char*>(alpn), alpnSize);
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
        info.peerCertificate = describeCertificate(peer);
        X509_free(peer);
    }
    return info;
}

std::string verificationFailure(SSL* ssl) {
    const long result = SSL_get_verify_result(ssl);
    return result == X509_V_OK ? std::string() : X509_verify_cert_error_string(result);
}

} // namespace socketeer::core
