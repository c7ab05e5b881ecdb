// Host name lookups on a detached thread, so that neither the worker nor a closing session waits for a slow DNS.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

namespace socketeer::core {

/// Delivers lookup results to one io_context while it is open. A session closes its gate before its worker stops;
/// a lookup that finishes later (getaddrinfo cannot be cancelled) is then dropped instead of touching a dead context.
class LookupGate {
public:
    explicit LookupGate(asio::io_context& io) : m_io(&io) {}
    void close();
    /// Posts fn to the io_context if the gate is still open.
    void deliver(std::function<void()> fn);

private:
    std::mutex m_mutex;
    asio::io_context* m_io;
};

using LookupResult = std::function<void(std::error_code, std::vector<asio::ip::address>)>;

/// Resolves host (numeric or a name) on its own detached thread; onDone runs on the gate's io_context. onDone may be
/// destroyed on the lookup thread (when the gate closed first), so it must hold only weak references to session state.
void lookupHost(const std::shared_ptr<LookupGate>& gate, std::string host, LookupResult onDone);

} // namespace socketeer::core
