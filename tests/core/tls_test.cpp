// TLS groundwork: the settings' checks and ALPN list, a generated self-signed certificate that `openssl x509` (a
// program nobody here wrote) reads with the same fingerprint, and real handshakes on loopback between asio::ssl
// streams built from TlsContexts — trusted by its CA file, refused as self-signed with OpenSSL's reason, a hostname
// mismatch named, ALPN chosen by the server's preference, mutual TLS, and the NSS key log written.
#include <gtest/gtest.h>

#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "process.hpp"
#include "socketeer/core/tls/tls_context.hpp"

using namespace socketeer::core;
using namespace std::chrono_literals;

namespace {

std::string temporaryFile(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::temp_directory_path() / ("socketeer-tls-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << content;
    return path.string();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(TlsSettings, AlpnListsAndContradictionsAreNamed) {
    EXPECT_EQ(parseAlpnList("h2,http/1.1").value(), (std::vector<std::string>{"h2", "http/1.1"}));
    EXPECT_EQ(parseAlpnList("h2,,x").error().describe(), "an empty protocol (write h2,http/1.1) at column 4");
    EXPECT_EQ(parseAlpnList("h2,h 2").error().describe(), "a protocol name is printable ASCII without blanks at column 5");
    EXPECT_EQ(parseAlpnList("h2,h2").error().describe(), "'h2' is in the list twice at column 4");
    EXPECT_EQ(parseAlpnList(std::string(256, 'a')).error().describe(), "a protocol of 256 bytes is longer than ALPN's 255 at column 1");
    EXPECT_EQ(alpnListText({"h2", "http/1.1"}), "h2,http/1.1");
    TlsSettings client;
    client.enabled = true;
    EXPECT_EQ(checkTlsSettings(client, false), "");
    client.keyFile = "k.pem";
    EXPECT_EQ(checkTlsSettings(client, false), "a key needs its certificate (--cert FILE)");
    client.keyFile.clear();
    client.insecure = true;
    client.caFile = "ca.pem";
    EXPECT_EQ(checkTlsSettings(client, false), "--insecure and --ca contradict each other (verify against the CA, or not at all)");
    TlsSettings server;
    server.enabled = true;
    server.serverName = "x";
    EXPECT_EQ(checkTlsSettings(server, true), "--sni is a client's: a server answers whatever name it is asked");
}

TEST(TlsCertificates, AGeneratedCertificateReadsTheSameInOpenssl) {
    auto generated = generateSelfSignedCertificate("localhost", {"DNS:localhost", "IP:127.0.0.1"});
    ASSERT_TRUE(generated) << generated.error().describe();
    const CertificateInfo& info = generated.value().info;
    EXPECT_EQ(info.subject, "O=Socketeer (generated),CN=localhost");
    EXPECT_EQ(info.issuer, info.subject);
    EXPECT_TRUE(info.selfSigned);
    EXPECT_EQ(info.sha256Fingerprint.size(), 32u * 3 - 1);
    const std::string file = temporaryFile("generated.pem", generated.value().certificatePem);
    const auto openssl = socketeer::test::runProcess({"/usr/bin/openssl", "x509", "-in", file, "-noout", "-fingerprint", "-sha256", "-ext",
                                                      "subjectAltName"}, "", 30s);
    std::filesystem::remove(file);
    ASSERT_EQ(openssl.code, 0) << openssl.err;
    EXPECT_NE(openssl.out.find("=" + info.sha256Fingerprint), std::string::npos) << openssl.out;
    EXPECT_NE(openssl.out.find("DNS:localhost, IP Address:127.0.0.1"), std::string::npos) << openssl.out;
    EXPECT_EQ(describeCertificatePem(generated.value().certificatePem).value().sha256Fingerprint, info.sha256Fingerprint);
    EXPECT_NE(describeCertificatePem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").error().describe().find(
                  "not a PEM certificate: "),
              std::string::npos);
}

/// One handshake on loopback: a server stream and a client stream on one io_context, bounded in time.
struct Handshake {
    std::error_code server, client;
    TlsSessionInfo clientView, serverView;
    std::string clientVerifyFailure;
};

Handshake handshake(TlsContext& serverContext, TlsContext& clientContext, const std::string& host = "127.0.0.1") {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    asio::ssl::stream<asio::ip::tcp::socket> serverStream(io, serverContext.context());
    asio::ssl::stream<asio::ip::tcp::socket> clientStream(io, clientContext.context());
    EXPECT_EQ(clientContext.prepareClient(clientStream.native_handle(), host), "");
    Handshake result;
    result.server = result.client = asio::error::would_block;
    acceptor.async_accept(serverStream.lowest_layer(), [&](std::error_code ec) {
        if (ec) {
            result.server = ec;
            return;
        }
        serverStream.async_handshake(asio::ssl::stream_base::server, [&](std::error_code e) { result.server = e; });
    });
    clientStream.lowest_layer().async_connect(acceptor.local_endpoint(), [&](std::error_code ec) {
        if (ec) {
            result.client = ec;
            return;
        }
        clientStream.async_handshake(asio::ssl::stream_base::client, [&](std::error_code e) {
            result.client = e;
            if (e) clientStream.lowest_layer().close(); // the server's handshake then ends too
        });
    });
    io.run_for(10s);
    result.clientView = describeTlsSession(clientStream.native_handle());
    result.serverView = describeTlsSession(serverStream.native_handle());
    result.clientVerifyFailure = verificationFailure(clientStream.native_handle());
    return result;
}

std::shared_ptr<TlsContext> server(TlsSettings settings = {}) {
    settings.enabled = true;
    auto made = TlsContext::forServer(settings);
    if (auto* error = std::get_if<std::string>(&made)) ADD_FAILURE() << *error;
    return std::get<std::shared_ptr<TlsContext>>(made);
}

std::shared_ptr<TlsContext> client(TlsSettings settings) {
    settings.enabled = true;
    auto made = TlsContext::forClient(settings);
    if (auto* error = std::get_if<std::string>(&made)) ADD_FAILURE() << *error;
    return std::get<std::shared_ptr<TlsContext>>(made);
}

TEST(TlsHandshake, AGeneratedServerIsTrustedThroughItsCertificateAndRefusedWithoutIt) {
    TlsSettings serverSettings;
    serverSettings.alpn = {"http/1.1", "h2"};
    const auto serverContext = server(serverSettings);
    ASSERT_TRUE(serverContext->generatedCertificate());
    ASSERT_TRUE(serverContext->ownCertificate());

    // Refused by the system store: the reason is OpenSSL's.
    const auto strict = client({});
    const Handshake refused = handshake(*serverContext, *strict);
    EXPECT_TRUE(refused.client) << "a self-signed server must not be trusted by default";
    EXPECT_EQ(refused.clientVerifyFailure, "self-signed certificate");

    // --insecure: it goes through, and the client sees the server's certificate and the server's ALPN choice.
    TlsSettings insecure;
    insecure.insecure = true;
    insecure.alpn = {"h2", "http/1.1"};
    const auto loose = client(insecure);
    const Handshake accepted = handshake(*serverContext, *loose);
    ASSERT_FALSE(accepted.client) << accepted.client.message();
    EXPECT_FALSE(accepted.server) << accepted.server.message();
    EXPECT_EQ(accepted.clientView.protocol, "TLSv1.3");
    EXPECT_EQ(accepted.clientView.alpn, "http/1.1") << "the server's preference wins";
    ASSERT_TRUE(accepted.clientView.peerCertificate);
    EXPECT_EQ(accepted.clientView.peerCertificate->sha256Fingerprint, serverContext->ownCertificate()->sha256Fingerprint);
    EXPECT_FALSE(accepted.clientView.cipher.empty());
}

TEST(TlsHandshake, ACaFileTrustsAndTheNameIsChecked) {
    auto generated = generateSelfSignedCertificate("device.test", {"DNS:device.test", "IP:127.0.0.1"});
    ASSERT_TRUE(generated);
    const std::string certificate = temporaryFile("device.pem", generated.value().certificatePem);
    const std::string key = temporaryFile("device.key", generated.value().privateKeyPem);
    TlsSettings serverSettings;
    serverSettings.certFile = certificate;
    serverSettings.keyFile = key;
    const auto serverContext = server(serverSettings);
    EXPECT_FALSE(serverContext->generatedCertificate());

    TlsSettings trusting;
    trusting.caFile = certificate;
    const auto byAddress = client(trusting);
    EXPECT_FALSE(handshake(*serverContext, *byAddress, "127.0.0.1").client) << "its IP SAN matches";
    trusting.serverName = "device.test";
    const auto byName = client(trusting);
    EXPECT_FALSE(handshake(*serverContext, *byName).client) << "its DNS SAN matches";
    trusting.serverName = "other.test";
    const auto wrongName = client(trusting);
    const Handshake mismatch = handshake(*serverContext, *wrongName);
    EXPECT_TRUE(mismatch.client);
    EXPECT_EQ(mismatch.clientVerifyFailure, "hostname mismatch");

    TlsSettings broken;
    broken.enabled = true;
    broken.caFile = key; // a key is not a CA
    auto refused = TlsContext::forClient(broken);
    ASSERT_TRUE(std::holds_alternative<std::string>(refused));
    EXPECT_EQ(std::get<std::string>(refused).rfind("CA file '" + key + "': ", 0), 0u) << std::get<std::string>(refused);
    std::filesystem::remove(certificate);
    std::filesystem::remove(key);
}

TEST(TlsHandshake, MutualTlsAndTheKeyLog) {
    auto clientCertificate = generateSelfSignedCertificate("client", {"DNS:client"});
    ASSERT_TRUE(clientCertificate);
    const std::string clientPem = temporaryFile("client.pem", clientCertificate.value().certificatePem);
    const std::string clientKey = temporaryFile("client.key", clientCertificate.value().privateKeyPem);
    const std::string keyLog = temporaryFile("keylog.txt", "");
    TlsSettings serverSettings;
    serverSettings.caFile = clientPem; // clients must present this certificate
    serverSettings.keyLogFile = keyLog;
    const auto serverContext = server(serverSettings);

    TlsSettings anonymous;
    anonymous.insecure = true;
    const auto withoutCertificate = client(anonymous);
    const Handshake refused = handshake(*serverContext, *withoutCertificate);
    EXPECT_TRUE(refused.server) << "a client without a certificate is refused";

    TlsSettings identified = anonymous;
    identified.certFile = clientPem;
    identified.keyFile = clientKey;
    const auto withCertificate = client(identified);
    const Handshake accepted = handshake(*serverContext, *withCertificate);
    EXPECT_FALSE(accepted.server) << accepted.server.message();
    ASSERT_TRUE(accepted.serverView.peerCertificate);
    EXPECT_EQ(accepted.serverView.peerCertificate->subject, "O=Socketeer (generated),CN=client");
    const std::string log = readFile(keyLog);
    EXPECT_NE(log.find("CLIENT_HANDSHAKE_TRAFFIC_SECRET "), std::string::npos) << log;
    EXPECT_NE(log.find("SERVER_TRAFFIC_SECRET_0 "), std::string::npos) << log;
    for (const auto& file : {clientPem, clientKey, keyLog}) std::filesystem::remove(file);
}

} // namespace
