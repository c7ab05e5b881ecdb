// TlsChannel on OpenSSL: an SSL object between two memory BIOs, from the session's TlsContext.
#include "tls/tls_channel.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "socketeer/core/tls/tls_context.hpp"
#include "tls/openssl_error.hpp"

namespace socketeer::core {
namespace {

class OpenSslChannel final : public TlsChannel {
public:
    OpenSslChannel(std::shared_ptr<TlsContext> context, SSL* ssl, BIO* in, BIO* out)
        : m_context(std::move(context)), m_ssl(ssl), m_in(in), m_out(out) {}
    ~OpenSslChannel() override { SSL_free(m_ssl); } // frees both BIOs

    void onKeyLogLine(std::function<void(std::string_view line)> sink) override {
        m_keyLogSink = std::move(sink);
        SSL_set_ex_data(m_ssl, TlsContext::keyLogSinkSlot(), &m_keyLogSink);
    }

    void pushCiphertext(ByteView ciphertext) override {
        // A memory BIO takes everything (it grows); what is pushed is at most one socket read.
        if (!ciphertext.empty()) BIO_write(m_in, ciphertext.data(), static_cast<int>(ciphertext.size()));
    }

    Handshake handshake(std::string& error) override {
        ERR_clear_error();
        const int result = SSL_do_handshake(m_ssl);
        if (result == 1) return Handshake::Done;
        const int code = SSL_get_error(m_ssl, result);
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) return Handshake::Pending;
        error = failure(code);
        return Handshake::Failed;
    }

    Read readPlaintext(std::span<std::uint8_t> out, std::size_t& size, std::string& error) override {
        ERR_clear_error();
        size = 0;
        const int result = SSL_read_ex(m_ssl, out.data(), out.size(), &size) == 1 ? 1 : 0;
        if (result == 1) return Read::Data;
        const int code = SSL_get_error(m_ssl, result);
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) return Read::NeedMore;
        if (code == SSL_ERROR_ZERO_RETURN) return Read::PeerClosed;
        error = failure(code);
        return Read::Failed;
    }

    bool writePlaintext(ByteView plaintext, std::string& error) override {
        if (plaintext.empty()) return true;
        ERR_clear_error();
        std::size_t written = 0;
        // Into a memory BIO a write never waits: all of it is encrypted, or it failed.
        if (SSL_write_ex(m_ssl, plaintext.data(), plaintext.size(), &written) == 1 && written == plaintext.size()) return true;
        error = failure(SSL_get_error(m_ssl, 0));
        return false;
    }

    void closeNotify() override {
        ERR_clear_error();
        SSL_shutdown(m_ssl); // 0: sent, the peer's not yet received — we do not wait for it here
        ERR_clear_error();
    }

    std::size_t pendingCiphertext() const override { return BIO_ctrl_pending(m_out); }

    void takeCiphertext(Bytes& out, std::size_t max) override {
        const std::size_t size = std::min(pendingCiphertext(), max);
        if (size == 0) return;
        const std::size_t start = out.size();
        out.resize(start + size);
        const int got = BIO_read(m_out, out.data() + start, static_cast<int>(size));
        out.resize(start + static_cast<std::size_t>(std::max(got, 0)));
    }

    TlsSessionInfo describe() const override { return describeTlsSession(m_ssl); }

private:
    std::string failure(int code) {
        // Only when the certificate was checked: with verification off OpenSSL still records what it would have said.
        const std::string verification = (SSL_get_verify_mode(m_ssl) & SSL_VERIFY_PEER) ? verificationFailure(m_ssl) : std::string();
        std::string reason = code == SSL_ERROR_SSL ? openSslError() : code == SSL_ERROR_SYSCALL ? "the peer went away mid-record" : "OpenSSL error " + std::to_string(code);
        ERR_clear_error();
        // The certificate's fault says more than "certificate verify failed".
        return verification.empty() ? reason : verification + " (" + reason + ")";
    }

    std::shared_ptr<TlsContext> m_context; // the SSL_CTX outlives the SSL
    SSL* m_ssl;
    BIO* m_in;
    BIO* m_out;
    TlsContext::KeyLogSink m_keyLogSink; // the SSL points at it (ex_data): it lives as long as the channel
};

class OpenSslEndpoint final : public TlsEndpoint {
public:
    OpenSslEndpoint(std::shared_ptr<TlsContext> context, bool server) : m_context(std::move(context)), m_server(server) {}

    std::variant<std::unique_ptr<TlsChannel>, std::string> channel(const std::string& host) override {
        SSL* ssl = SSL_new(m_context->context().native_handle());
        if (!ssl) return "cannot start TLS: " + openSslError();
        BIO* in = BIO_new(BIO_s_mem());
        BIO* out = BIO_new(BIO_s_mem());
        if (!in || !out) {
            BIO_free(in);
            BIO_free(out);
            SSL_free(ssl);
            return "cannot start TLS: " + openSslError();
        }
        BIO_set_mem_eof_return(in, -1); // empty means "wait for more", not the end of the stream
        SSL_set_bio(ssl, in, out);
        auto channel = std::make_unique<OpenSslChannel>(m_context, ssl, in, out);
        if (m_server) {
            SSL_set_accept_state(ssl);
        } else {
            SSL_set_connect_state(ssl);
            if (std::string error = m_context->prepareClient(ssl, host); !error.empty()) return error;
        }
        return channel;
    }

    const std::optional<CertificateInfo>& ownCertificate() const override { return m_context->ownCertificate(); }
    bool generatedCertificate() const override { return m_context->generatedCertificate(); }

private:
    std::shared_ptr<TlsContext> m_context;
    bool m_server;
};

} // namespace

std::variant<std::shared_ptr<TlsEndpoint>, std::string> makeTlsEndpoint(const TlsSettings& settings, bool server) {
    auto made = server ? TlsContext::forServer(settings) : TlsContext::forClient(settings);
    if (auto* error = std::get_if<std::string>(&made)) return std::move(*error);
    return std::make_shared<OpenSslEndpoint>(std::get<std::shared_ptr<TlsContext>>(std::move(made)), server);
}

std::string checkTlsFiles(const TlsSettings& settings, bool server) {
    TlsSettings files = settings;
    files.keyLogFile.clear();
    auto made = makeTlsEndpoint(files, server);
    auto* error = std::get_if<std::string>(&made);
    return error ? *error : std::string();
}

} // namespace socketeer::core
