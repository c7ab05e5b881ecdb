// Certificates through OpenSSL 3's own API: an EC key (P-256), an X.509 v3 certificate signed with it, SHA-256
// fingerprints and RFC 2253 names as `openssl x509` prints them.
#include "socketeer/core/tls/certificate.hpp"
#include "tls/describe_certificate.hpp"
#include "tls/openssl_error.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

namespace socketeer::core {
namespace {

template <class T, void (*Free)(T*)>
struct Freer {
    void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Freer<BIO, BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Freer<X509, X509_free>>;
using Number = std::unique_ptr<BIGNUM, Freer<BIGNUM, BN_free>>;

std::string bioText(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string nameText(const X509_NAME* name) {
    const Bio bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    return bioText(bio.get());
}

std::string timeText(const ASN1_TIME* time) {
    const Bio bio(BIO_new(BIO_s_mem()));
    ASN1_TIME_print(bio.get(), time);
    return bioText(bio.get());
}

ParseError failure(const std::string& what) { return ParseError{0, 0, what + ": " + openSslError()}; }

} // namespace

/// Also used by TlsContext for peers' certificates.
CertificateInfo describeCertificate(X509* certificate) {
    CertificateInfo info;
    info.subject = nameText(X509_get_subject_name(certificate));
    info.issuer = nameText(X509_get_issuer_name(certificate));
    info.notBefore = timeText(X509_get0_notBefore(certificate));
    info.notAfter = timeText(X509_get0_notAfter(certificate));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &size) == 1) {
        for (unsigned int i = 0; i < size; ++i) {
            char hex[4];
            std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", digest[i]);
            info.sha256Fingerprint += hex;
        }
    }
    info.selfSigned = X509_self_signed(certificate, 1) == 1; // issued by itself, and its own key signed it
    return info;
}

Parsed<GeneratedCertificate> generateSelfSignedCertificate(const std::string& commonName,
                                                            const std::vector<std::string>& alternativeNames,
                                                            std::chrono::hours validity) {
    const Key key(EVP_EC_gen("P-256"));
    if (!key) return failure("generating a P-256 key");
    const Certificate certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), 2) != 1) return failure("making a certificate");
    // A random 127-bit serial: two generated certificates never share one.
    const Number serial(BN_new());
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return failure("choosing a serial number");
    // An hour back: a peer whose clock is a little behind still accepts it.
    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(std::chrono::seconds(validity).count())))
        return failure("setting the validity");
    X509_NAME* name = X509_get_subject_name(certificate.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Socketeer (generated)"), -1, -1, 0) != 1 ||
        X509_set_issuer_name(certificate.get(), name) != 1 || X509_set_pubkey(certificate.get(), key.get()) != 1)
        return failure("naming the certificate");
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    std::string names;
    for (const std::string& alternative : alternativeNames) names += (names.empty() ? "" : ",") + alternative;
    const std::pair<int, std::string> extensions[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, "serverAuth,clientAuth"},
        {NID_subject_alt_name, names},
    };
    for (const auto& [nid, value] : extensions) {
        if (value.empty()) continue;
        X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
        if (!extension) return failure("adding the extension " + value);
        const bool added = X509_add_ext(certificate.get(), extension, -1) == 1;
        X509_EXTENSION_free(extension);
        if (!added) return failure("adding the extension " + value);
    }
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) return failure("signing the certificate");

    GeneratedCertificate generated;
    const Bio certificatePem(BIO_new(BIO_s_mem()));
    const Bio keyPem(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(certificatePem.get(), certificate.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return failure("writing PEM");
    generated.certificatePem = bioText(certificatePem.get());
    generated.privateKeyPem = bioText(keyPem.get());
    generated.info = describeCertificate(certificate.get());
    return generated;
}

Parsed<CertificateInfo> describeCertificatePem(const std::string& pem) {
    const Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    const Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate) return failure("not a PEM certificate");
    return describeCertificate(certificate.get());
}

} // namespace socketeer::core
