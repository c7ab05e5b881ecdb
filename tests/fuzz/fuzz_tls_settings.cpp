// Fuzz target: TLS settings as users type them. The input is an ALPN list ("h2,http/1.1"): a refusal names a
// column inside it, an accepted list writes back to the same text and every protocol is 1 to 255 printable bytes.
// With OpenSSL, the same bytes are also read as a PEM certificate: garbage is refused with a reason, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "socketeer/core/tls/tls_settings.hpp"
#ifdef SOCKETEER_HAVE_TLS
#include "socketeer/core/tls/certificate.hpp"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto parsed = parseAlpnList(text);
    if (!parsed) {
        if (parsed.error().message.empty() || parsed.error().column == 0 || parsed.error().column > text.size() + 1) std::abort();
    } else {
        if (alpnListText(parsed.value()) != text) std::abort();
        for (const std::string& protocol : parsed.value())
            if (protocol.empty() || protocol.size() > 255) std::abort();
        TlsSettings settings;
        settings.enabled = true;
        settings.alpn = parsed.value();
        (void)checkTlsSettings(settings, false);
    }
#ifdef SOCKETEER_HAVE_TLS
    auto certificate = describeCertificatePem(text);
    if (!certificate && certificate.error().message.empty()) std::abort();
#endif
    return 0;
}
