// Socket error wording.
#include "net/net_error.hpp"

#include <asio/error.hpp>

#include <utility>

namespace socketeer::core {

namespace {

/// The common socket errors in the same words on every system. Winsock's own texts are long, end in ".\r\n", follow
/// the display language, and wine has none for some codes ("asio.system error").
std::string socketErrorText(const std::error_code& ec) {
    namespace error = asio::error;
    static const std::pair<error::basic_errors, const char*> known[] = {
        {error::access_denied, "Permission denied"},
        {error::address_family_not_supported, "Address family not supported by protocol"},
        {error::address_in_use, "Address already in use"},
        {error::already_connected, "Transport endpoint is already connected"},
        {error::broken_pipe, "Broken pipe"},
        {error::connection_aborted, "Software caused connection abort"},
        {error::connection_refused, "Connection refused"},
        {error::connection_reset, "Connection reset by peer"},
        {error::host_unreachable, "No route to host"},
        {error::invalid_argument, "Invalid argument"},
        {error::message_size, "Message too long"},
        {error::network_down, "Network is down"},
        {error::network_reset, "Network dropped connection on reset"},
        {error::network_unreachable, "Network is unreachable"},
        {error::no_buffer_space, "No buffer space available"},
        {error::no_descriptors, "Too many open files"},
        {error::not_connected, "Transport endpoint is not connected"},
        {error::operation_aborted, "Operation canceled"},
        {error::timed_out, "Connection timed out"},
        {error::would_block, "Resource temporarily unavailable"},
    };
    for (const auto& [code, text] : known)
        if (ec == code) return text;
    if (ec == std::errc::address_not_available) return "Cannot assign requested address";
    std::string text = ec.message();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.' || text.back() == ' '))
        text.pop_back();
    return text;
}

} // namespace

std::string describeError(const std::error_code& ec, std::uint16_t port) {
    std::string text = socketErrorText(ec);
    if (ec == asio::error::access_denied && port != 0 && port < 1024)
        text += " (port " + std::to_string(port) + " needs privileges: root or CAP_NET_BIND_SERVICE; or use a port above 1023)";
    else if (ec == asio::error::address_in_use)
        text += " (another program is using this port; choose another one, or 0 for any free port)";
    else if (ec == std::errc::address_not_available)
        text += " (this address does not belong to any interface of this machine)";
    else if (isResourceExhaustion(ec))
        text += " (out of file descriptors; raise 'ulimit -n' or close connections)";
    return text;
}

CloseReason closeReasonFor(const std::error_code& ec) {
    if (ec == asio::error::eof) return CloseReason::PeerClosed;
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
        ec == asio::error::connection_aborted)
        return CloseReason::Reset;
    if (ec == asio::error::timed_out) return CloseReason::Timeout;
    return CloseReason::Error;
}

bool isResourceExhaustion(const std::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == std::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

} // namespace socketeer::core
