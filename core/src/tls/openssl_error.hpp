// openSslError: OpenSSL's reason for the last failure, in its words, with its error queue emptied.
#pragma once

#include <openssl/err.h>

#include <string>
#include <system_error>

namespace socketeer::core {

/// asio's ssl::context calls have taken the reason off the queue already: then `ec` carries it.
inline std::string openSslError(const std::error_code& ec = {}) {
    std::string reason;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        if (reason.empty()) reason = text; // the first is the cause; the rest say where it surfaced
    }
    if (reason.empty() && ec) return ec.message();
    return reason.empty() ? "OpenSSL gave no reason" : reason;
}

} // namespace socketeer::core
