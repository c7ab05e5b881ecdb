// describeCertificate: one X509 as the connection log shows it (certificate.cpp; TlsContext uses it for peers).
#pragma once

#include <openssl/x509.h>

#include "socketeer/core/tls/certificate.hpp"

namespace socketeer::core {

CertificateInfo describeCertificate(X509* certificate);

} // namespace socketeer::core
