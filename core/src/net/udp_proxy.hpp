// UdpProxyRelay: the UDP side of a proxy. Datagrams reach one listening socket; each client address gets its own
// socket toward the target (a "flow"), so the target's answers find their way back. Each direction of each flow
// has its Impairer (datagrams are its units: loss, duplication and reordering act on them); a flow idle for the
// configured time is closed.
#pragma once

#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>

#include <map>
#include <memory>

#include "net/proxy_rules.hpp"
#include "net/session_impl.hpp"
#include "net/session_output.hpp"
#include "socketeer/core/net/proxy.hpp"

namespace socketeer::core {

class UdpProxyRelay : public std::enable_shared_from_this<UdpProxyRelay> {
public:
    UdpProxyRelay(asio::io_context& io, std::shared_ptr<SessionOutput> output, const ProxyConfig& config,
                  std::shared_ptr<Proxy::TallyBoard> board);

    /// Binds the listening socket; "" or why it cannot ("cannot bind 127.0.0.1:80: permission denied ...").
    std::string open(const std::vector<asio::ip::address>& targets);
    [[nodiscard]] Endpoint local() const { return m_local; }
    /// Closes every flow (each says so) and the listening socket.
    void close();
    void setImpairment(ProxyDirection direction, const ImpairmentSettings& settings);
    /// The lossless event queue has room again: the sockets that stopped for it are read.
    void resumeAfterQueueRoom();
    /// Sends to one client (0: all), as if the target had sent it. False when there is no such client.
    bool sendToClients(ConnectionId id, const SharedBytes& bytes);
    void setHold(ProxyDirection direction, bool hold);
    bool releaseOrDrop(ConnectionId id, ProxyDirection direction, bool release, const std::optional<Bytes>& replacement);
    [[nodiscard]] bool empty() const { return m_flows.empty(); }

private:
    struct Flow;
    void receiveFromClients(); // waits for a datagram, then readFromClients
    void readFromClients();
    void receiveFromTarget(const std::shared_ptr<Flow>& flow);
    void readFromTarget(const std::shared_ptr<Flow>& flow);
    std::shared_ptr<Flow> flowFor(const asio::ip::udp::endpoint& client);
    void pump(const std::shared_ptr<Flow>& flow, ProxyDirection direction);
    void closeFlow(const std::shared_ptr<Flow>& flow, CloseReason reason, std::string detail);
    void sweepIdle();
    void publish(Flow& flow);
    void publishHeld(Flow& flow);
    /// A datagram of `direction` arrived for `flow`: through the rules, then held, or on to its impairer.
    void arrive(const std::shared_ptr<Flow>& flow, ProxyDirection direction, SharedBytes bytes);
    /// A rule's reply: reported, then on to the impairer of `direction`.
    void inject(const std::shared_ptr<Flow>& flow, ProxyDirection direction, const SharedBytes& bytes, std::int32_t rule);

    asio::io_context& m_io;
    std::shared_ptr<SessionOutput> m_out;
    ProxyConfig m_config;
    std::shared_ptr<Proxy::TallyBoard> m_board;
    asio::ip::udp::socket m_socket;
    asio::steady_timer m_sweep;
    asio::ip::udp::endpoint m_target;
    std::map<asio::ip::udp::endpoint, std::shared_ptr<Flow>> m_flows;
    std::vector<std::uint8_t> m_buffer;
    Endpoint m_local;
    ConnectionId m_nextId = 0;
    bool m_open = false;
    bool m_clientsWaitForQueueRoom = false;
    bool m_hold[2] = {false, false};
};

} // namespace socketeer::core
