// UdpProxyRelay: flows by client address, datagrams through each direction's Impairer, idle flows closed.
#include "net/udp_proxy.hpp"

#include <asio/ip/v6_only.hpp>

#include <algorithm>

#include "net/asio_endpoint.hpp"
#include "net/net_error.hpp"

namespace socketeer::core {

namespace {
using asio::ip::udp;
using Clock = std::chrono::steady_clock;
constexpr std::size_t MaxDatagram = 65536;
constexpr std::size_t ReceiveBufferBytes = 4u << 20;
} // namespace

struct UdpProxyRelay::Flow {
    Flow(asio::io_context& io, ConnectionId flowId, const udp::endpoint& from, const ProxyConfig& config,
         const std::shared_ptr<SessionOutput>& out, const std::shared_ptr<Proxy::TallyBoard>& board)
        : id(flowId), clientEndpoint(from), client(toEndpoint(from)), upstream(io),
          toServer(config.toServer, impairmentSeed(config.seed, flowId, ProxyDirection::ToServer), TrafficUnits::Datagrams),
          toClient(config.toClient, impairmentSeed(config.seed, flowId, ProxyDirection::ToClient), TrafficUnits::Datagrams),
          toServerTimer(io), toClientTimer(io), rules(config.rules, flowId, client, out, board), ruleSteps(io.get_executor()) {}

    ConnectionId id;
    udp::endpoint clientEndpoint;
    Endpoint client;
    udp::socket upstream;
    Impairer toServer, toClient;
    asio::steady_timer toServerTimer, toClientTimer;
    std::optional<Clock::time_point> armedToServer, armedToClient;
    ImpairmentTally publishedToServer, publishedToClient;
    Clock::time_point lastActivity = Clock::now();
    bool closed = false;
    bool unreachableSaid = false;
    bool sendFailureSaid = false;
    bool waitingForQueueRoom = false;
    bool hold[2] = {false, false};
    std::deque<SharedBytes> held[2];
    InFlightRules rules;
    DelayedRuleSteps ruleSteps;

    Impairer& impairer(ProxyDirection d) { return d == ProxyDirection::ToServer ? toServer : toClient; }
    asio::steady_timer& timer(ProxyDirection d) { return d == ProxyDirection::ToServer ? toServerTimer : toClientTimer; }
    std::optional<Clock::time_point>& armed(ProxyDirection d) { return d == ProxyDirection::ToServer ? armedToServer : armedToClient; }
};

UdpProxyRelay::UdpProxyRelay(asio::io_context& io, std::shared_ptr<SessionOutput> output, const ProxyConfig& config,
                             std::shared_ptr<Proxy::TallyBoard> board)
    : m_io(io), m_out(std::move(output)), m_config(config), m_board(std::move(board)), m_socket(io), m_sweep(io),
      m_buffer(MaxDatagram) {}

std::string UdpProxyRelay::open(const std::vector<asio::ip::address>& targets) {
    m_target = udp::endpoint(targets.front(), m_config.targetPort);
    udp::endpoint endpoint;
    std::error_code ec;
    const bool dualStack = m_config.listenAddress.empty() || m_config.listenAddress == "::";
    if (m_config.listenAddress.empty()) {
        endpoint = {udp::v6(), m_config.listenPort}; // dual-stack
    } else {
        auto address = asio::ip::make_address(m_config.listenAddress, ec);
        if (ec) return "listen address '" + m_config.listenAddress + "' is not an IP address";
        endpoint = {address, m_config.listenPort};
    }
    m_socket.open(endpoint.protocol(), ec);
    if (ec && m_config.listenAddress.empty()) {
        endpoint = {udp::v4(), m_config.listenPort};
        ec.clear();
        m_socket.open(endpoint.protocol(), ec);
    }
    const std::string where = Endpoint{endpoint.address().to_string(), m_config.listenPort}.toString();
    if (ec) return "cannot open a socket for " + where + ": " + describeError(ec);
    if (dualStack && endpoint.protocol() == udp::v6()) m_socket.set_option(asio::ip::v6_only(false), ec);
    m_socket.bind(endpoint, ec);
    if (ec) {
        const std::string why = "cannot bind " + where + ": " + describeError(ec, m_config.listenPort);
        std::error_code ignored;
        m_socket.close(ignored);
        return why;
    }
    m_socket.non_blocking(true, ec);
    // Every client's datagrams land in this one socket: a deep buffer rides out a burst (best effort: the kernel
    // caps it at net.core.rmem_max).
    m_socket.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(ReceiveBufferBytes)), ec);
    m_local = toEndpoint(m_socket.local_endpoint(ec));
    m_open = true;
    receiveFromClients();
    sweepIdle();
    return {};
}

void UdpProxyRelay::close() {
    m_open = false;
    auto flows = m_flows;
    for (auto& [endpoint, flow] : flows) closeFlow(flow, CloseReason::Local, "the proxy stopped");
    m_flows.clear();
    m_sweep.cancel();
    std::error_code ignored;
    m_socket.close(ignored);
}

void UdpProxyRelay::receiveFromClients() {
    m_socket.async_wait(udp::socket::wait_read, [self = shared_from_this(), this](std::error_code ec) {
        if (!m_open || ec == asio::error::operation_aborted) return;
        readFromClients();
    });
}

void UdpProxyRelay::readFromClients() {
    {
        std::error_code ec;
        SessionOutput::QuietScope quiet(*m_out);
        // Whatever is waiting, up to a batch: one wake-up per burst, not per datagram.
        for (int i = 0; i < 64 && m_open; ++i) {
            if (m_out->queue.overBudget()) {
                // A lossless front end is behind: datagrams wait in the socket's buffer until it drains.
                m_clientsWaitForQueueRoom = true;
                return;
            }
            udp::endpoint from;
            const std::size_t n = m_socket.receive_from(asio::buffer(m_buffer), from, 0, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) break;
            if (ec == asio::error::connection_refused || ec == asio::error::connection_reset) continue; // an old ICMP
            if (ec) {
                m_out->emitError(0, ec, "receiving on " + m_local.toString() + " failed: " + describeError(ec));
                break;
            }
            auto flow = flowFor(from);
            if (!flow) continue;
            auto bytes = std::make_shared<const Bytes>(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(n));
            m_out->emitData(Direction::Rx, flow->id, flow->client, bytes);
            arrive(flow, ProxyDirection::ToServer, std::move(bytes));
        }
    }
    if (m_open) receiveFromClients();
}

std::shared_ptr<UdpProxyRelay::Flow> UdpProxyRelay::flowFor(const udp::endpoint& client) {
    if (auto it = m_flows.find(client); it != m_flows.end()) return it->second;
    if (m_config.maxClients != 0 && m_flows.size() >= m_config.maxClients) {
        m_out->counters.connectionsRefused.fetch_add(1, std::memory_order_relaxed);
        m_out->emit(EventRefused{toEndpoint(client), "refused " + toEndpoint(client).toString() + ": the limit of " +
                                                         std::to_string(m_config.maxClients) + " clients is reached"});
        return nullptr;
    }
    auto flow = std::make_shared<Flow>(m_io, ++m_nextId, client, m_config, m_out, m_board);
    flow->hold[0] = m_hold[0];
    flow->hold[1] = m_hold[1];
    std::error_code ec;
    flow->upstream.open(m_target.protocol(), ec);
    if (!ec) flow->upstream.connect(m_target, ec);
    if (!ec) flow->upstream.non_blocking(true, ec);
    if (ec) {
        m_out->emitError(flow->id, ec, "no socket toward the target " + toEndpoint(m_target).toString() + " for " +
                                           flow->client.toString() + ": " + describeError(ec));
        return nullptr;
    }
    m_flows.emplace(client, flow);
    m_out->peers.add(flow->id, flow->client, nowUs());
    m_out->counters.activeConnections.fetch_add(1, std::memory_order_relaxed);
    m_out->counters.connectionsOpened.fetch_add(1, std::memory_order_relaxed);
    m_out->emit(EventAccepted{flow->id, m_local, flow->client});
    m_out->emit(EventNotice{"#" + std::to_string(flow->id) + " " + flow->client.toString() + " is relayed to " +
                            toEndpoint(m_target).toString() + " from " + toEndpoint(flow->upstream.local_endpoint(ec)).toString()});
    receiveFromTarget(flow);
    return flow;
}

void UdpProxyRelay::receiveFromTarget(const std::shared_ptr<Flow>& flow) {
    flow->upstream.async_wait(udp::socket::wait_read, [self = shared_from_this(), this, flow](std::error_code ec) {
        if (flow->closed || ec == asio::error::operation_aborted) return;
        readFromTarget(flow);
    });
}

void UdpProxyRelay::readFromTarget(const std::shared_ptr<Flow>& flow) {
    {
        std::error_code ec;
        SessionOutput::QuietScope quiet(*m_out);
        for (int i = 0; i < 64 && !flow->closed; ++i) {
            if (m_out->queue.overBudget()) {
                flow->waitingForQueueRoom = true;
                return;
            }
            const std::size_t n = flow->upstream.receive(asio::buffer(m_buffer), 0, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) break;
            if (ec == asio::error::connection_refused || ec == asio::error::connection_reset) {
                if (!flow->unreachableSaid)
                    m_out->emit(EventNotice{"#" + std::to_string(flow->id) + ": the target " + toEndpoint(m_target).toString() +
                                            " reported port unreachable (nothing listens there)"});
                flow->unreachableSaid = true;
                continue;
            }
            if (ec) {
                m_out->emitError(flow->id, ec, "receiving from the target failed: " + describeError(ec));
                break;
            }
            auto bytes = std::make_shared<const Bytes>(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(n));
            m_out->emitData(Direction::Tx, flow->id, flow->client, bytes);
            arrive(flow, ProxyDirection::ToClient, std::move(bytes));
        }
    }
    if (!flow->closed) receiveFromTarget(flow);
}

void UdpProxyRelay::resumeAfterQueueRoom() {
    if (m_clientsWaitForQueueRoom && m_open) {
        m_clientsWaitForQueueRoom = false;
        readFromClients();
    }
    auto flows = m_flows;
    for (auto& [endpoint, flow] : flows)
        if (flow->waitingForQueueRoom && !flow->closed) {
            flow->waitingForQueueRoom = false;
            readFromTarget(flow);
        }
}

void UdpProxyRelay::arrive(const std::shared_ptr<Flow>& flow, ProxyDirection d, SharedBytes bytes) {
    flow->lastActivity = Clock::now();
    if (!flow->rules.empty()) {
        InFlightOutcome outcome = flow->rules.decide(d, std::move(bytes));
        const ProxyDirection back = backwardsOf(d);
        for (const RuleStep& step : outcome.back) {
            auto replies = [this, weak = std::weak_ptr<Flow>(flow), back, step] {
                if (auto alive = weak.lock(); alive && !alive->closed)
                    for (const RulePlan::Reply& reply : step.replies) inject(alive, back, reply.bytes, reply.rule);
            };
            if (step.after.count() == 0) replies();
            else if (!flow->ruleSteps.schedule(step.after, flow, replies)) flow->rules.sayDelayRefused();
        }
        if (!outcome.forward) return;
        bytes = std::move(outcome.forward);
    }
    const int i = d == ProxyDirection::ToServer ? 0 : 1;
    if (flow->hold[i]) {
        flow->held[i].push_back(std::move(bytes));
        return publishHeld(*flow);
    }
    flow->impairer(d).push(flow->lastActivity, std::move(bytes));
    pump(flow, d);
}

void UdpProxyRelay::inject(const std::shared_ptr<Flow>& flow, ProxyDirection d, const SharedBytes& bytes, std::int32_t rule) {
    m_out->emitData(d == ProxyDirection::ToServer ? Direction::Rx : Direction::Tx, flow->id, flow->client, bytes, rule);
    flow->impairer(d).push(Clock::now(), bytes);
    pump(flow, d);
}

void UdpProxyRelay::setHold(ProxyDirection d, bool hold) {
    const int i = d == ProxyDirection::ToServer ? 0 : 1;
    m_hold[i] = hold;
    auto flows = m_flows;
    for (auto& [endpoint, flow] : flows) {
        flow->hold[i] = hold;
        if (hold) continue;
        const auto now = Clock::now();
        for (auto& bytes : flow->held[i]) flow->impairer(d).push(now, std::move(bytes));
        flow->held[i].clear();
        publishHeld(*flow);
        pump(flow, d);
    }
}

bool UdpProxyRelay::releaseOrDrop(ConnectionId id, ProxyDirection d, bool release, const std::optional<Bytes>& replacement) {
    const int i = d == ProxyDirection::ToServer ? 0 : 1;
    for (auto& [endpoint, flow] : m_flows) {
        if (flow->id != id) continue;
        if (flow->held[i].empty()) return false;
        SharedBytes next = std::move(flow->held[i].front());
        flow->held[i].pop_front();
        const std::string tag = "#" + std::to_string(id) + " " + std::string(proxyDirectionTag(d));
        if (!release) {
            m_out->emit(EventNotice{tag + ": dropped the held datagram (" + std::to_string(next->size()) + " bytes)"});
        } else {
            if (replacement && *replacement != *next) next = std::make_shared<const Bytes>(*replacement);
            m_out->emit(EventNotice{tag + ": released the held datagram" + (replacement ? " (edited)" : "")});
            flow->impairer(d).push(Clock::now(), std::move(next));
        }
        publishHeld(*flow);
        if (release) pump(flow, d);
        return true;
    }
    return false;
}

void UdpProxyRelay::publishHeld(Flow& flow) {
    std::lock_guard lock(m_board->mutex);
    auto& all = m_board->held;
    all.erase(std::remove_if(all.begin(), all.end(), [&](const HeldMessages& h) { return h.id == flow.id; }), all.end());
    if (flow.closed) return;
    for (int i = 0; i < 2; ++i)
        if (!flow.held[i].empty())
            all.push_back({flow.id, i == 0 ? ProxyDirection::ToServer : ProxyDirection::ToClient, flow.held[i].size(),
                           flow.held[i].front()});
}

void UdpProxyRelay::pump(const std::shared_ptr<Flow>& flow, ProxyDirection d) {
    if (flow->closed) return;
    Impairer& impairer = flow->impairer(d);
    const auto now = Clock::now();
    while (auto datagram = impairer.pop(now)) {
        std::error_code ec;
        if (d == ProxyDirection::ToServer) flow->upstream.send(asio::buffer(**datagram), 0, ec);
        else m_socket.send_to(asio::buffer(**datagram), flow->clientEndpoint, 0, ec);
        // A datagram the socket cannot take now is lost, as on a congested link; the first time is said.
        if (ec && !flow->sendFailureSaid && ec != asio::error::connection_refused) {
            flow->sendFailureSaid = true;
            m_out->emitError(flow->id, ec, std::string("forwarding ") + std::string(proxyDirectionTag(d)) + " for " +
                                               flow->client.toString() + " failed: " + describeError(ec));
        }
    }
    const auto next = impairer.nextDue();
    auto& armed = flow->armed(d);
    if (next && armed != next) {
        armed = next;
        flow->timer(d).expires_at(*next);
        flow->timer(d).async_wait([self = shared_from_this(), this, flow, d](std::error_code ec) {
            if (ec || flow->closed) return;
            flow->armed(d).reset();
            pump(flow, d);
        });
    }
    publish(*flow);
}

void UdpProxyRelay::publish(Flow& flow) {
    std::lock_guard lock(m_board->mutex);
    m_board->totals.toServer.addGrowth(flow.toServer.tally(), flow.publishedToServer);
    m_board->totals.toClient.addGrowth(flow.toClient.tally(), flow.publishedToClient);
    flow.publishedToServer = flow.toServer.tally();
    flow.publishedToClient = flow.toClient.tally();
}

void UdpProxyRelay::closeFlow(const std::shared_ptr<Flow>& flow, CloseReason reason, std::string detail) {
    if (flow->closed) return;
    // What is still on its way is delivered first, as a link would.
    for (auto d : {ProxyDirection::ToServer, ProxyDirection::ToClient})
        for (const auto& datagram : flow->impairer(d).flush()) {
            std::error_code ignored;
            if (d == ProxyDirection::ToServer) flow->upstream.send(asio::buffer(*datagram), 0, ignored);
            else if (m_socket.is_open()) m_socket.send_to(asio::buffer(*datagram), flow->clientEndpoint, 0, ignored);
        }
    publish(*flow);
    flow->closed = true;
    publishHeld(*flow); // what it held goes with it
    flow->toServerTimer.cancel();
    flow->toClientTimer.cancel();
    flow->ruleSteps.cancelAll();
    std::error_code ignored;
    flow->upstream.close(ignored);
    m_flows.erase(flow->clientEndpoint);
    TrafficSnapshot traffic = m_out->peers.remove(flow->id);
    m_out->counters.activeConnections.fetch_sub(1, std::memory_order_relaxed);
    m_out->emit(EventClosed{flow->id, flow->client, reason, std::move(detail), traffic});
}

void UdpProxyRelay::sweepIdle() {
    const auto idle = m_config.udpIdleTimeout;
    m_sweep.expires_after(std::max<std::chrono::milliseconds>(idle / 4, std::chrono::milliseconds(10)));
    m_sweep.async_wait([self = shared_from_this(), this, idle](std::error_code ec) {
        if (ec || !m_open) return;
        const auto now = Clock::now();
        std::vector<std::shared_ptr<Flow>> quiet;
        for (auto& [endpoint, flow] : m_flows)
            if (now - flow->lastActivity >= idle && !flow->toServer.nextDue() && !flow->toClient.nextDue() &&
                flow->held[0].empty() && flow->held[1].empty()) // what the user holds keeps its flow
                quiet.push_back(flow);
        for (auto& flow : quiet)
            closeFlow(flow, CloseReason::Timeout, "idle for " + std::to_string(idle.count()) + " ms");
        sweepIdle();
    });
}

void UdpProxyRelay::setImpairment(ProxyDirection d, const ImpairmentSettings& settings) {
    (d == ProxyDirection::ToServer ? m_config.toServer : m_config.toClient) = settings;
    for (auto& [endpoint, flow] : m_flows) flow->impairer(d).setSettings(settings);
}

bool UdpProxyRelay::sendToClients(ConnectionId id, const SharedBytes& bytes) {
    bool any = false;
    auto flows = m_flows;
    for (auto& [endpoint, flow] : flows) {
        if (id != 0 && flow->id != id) continue;
        inject(flow, ProxyDirection::ToClient, bytes, -1);
        any = true;
    }
    return any;
}

} // namespace socketeer::core
