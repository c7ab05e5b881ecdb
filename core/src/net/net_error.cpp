// Socket error wording.
#include "net_error.hpp"

#include <asio/error.hpp>

namespace socketeer::core {

std::string describeError(const std::error_code& ec, std::uint16_t port) {
    std::string text = ec.message();
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
