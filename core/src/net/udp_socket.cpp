// UdpSocket: datagrams in and out (never truncated), peer table, broadcast, multicast, auto-reply, send budget.
#include "socketeer/core/net/udp_socket.hpp"

#include <asio/error.hpp>
#include <asio/ip/multicast.hpp>
#include <asio/ip/udp.hpp>
#include <asio/ip/v6_only.hpp>

#include <charconv>
#include <deque>
#include <map>
#include <optional>

#ifdef _WIN32
#include <netioapi.h>
#else
#include <net/if.h>
#endif

#include "net/asio_endpoint.hpp"
#include "net/datagram_batch.hpp"
#include "net/net_error.hpp"
#include "net/rule_responder.hpp"
#include "socketeer/core/stats/probe_header.hpp"
#include "net/session_impl.hpp"
#include "net/worker.hpp"

namespace socketeer::core {

namespace {

using asio::ip::udp;

constexpr int MaxDatagramsPerWakeup = 64; // then yield to the worker's other handlers
constexpr int MaxBatchesPerWakeup = 4;    // discard mode: batches of BatchSlots datagrams
constexpr auto FailedLookupMemory = std::chrono::seconds(5);

/// "eth0" or "3" → interface index; 0 when unknown.
unsigned interfaceIndex(const std::string& nameOrIndex) {
    if (nameOrIndex.empty()) return 0;
    unsigned index = 0;
    auto [end, ec] = std::from_chars(nameOrIndex.data(), nameOrIndex.data() + nameOrIndex.size(), index);
    if (ec == std::errc() && end == nameOrIndex.data() + nameOrIndex.size()) return index;
    return if_nametoindex(nameOrIndex.c_str());
}

struct PendingDatagram {
    udp::endpoint destination;
    ConnectionId peerId = 0;
    SharedBytes payload;
    std::shared_ptr<StreamRecord> stream; // the streaming send it completes, if any
    std::int32_t rule = -1;               // the match rule whose reply it is, if any
};

/// A datagram waiting for its destination's name to resolve.
struct UnresolvedDatagram {
    SharedBytes payload;
    std::shared_ptr<StreamRecord> stream; // its leg is already counted
};

} // namespace

class UdpSocket::Impl final : public SessionImpl {
public:
    Impl(asio::io_context& io, std::shared_ptr<SessionOutput> output, UdpSocketConfig config)
        : SessionImpl(io, std::move(output), config.limits), m_config(std::move(config)), m_socket(io) {
        m_autoReply = m_config.autoReply;
    }

    void open() override {
        if (m_socket.is_open()) {
            m_out->emit(EventNotice{"already open on " + m_local.toString()});
            return;
        }
        m_out->setState(SessionState::Opening);
        std::error_code ec;
        udp::endpoint bindEndpoint;
        if (!m_config.bindAddress.empty()) {
            auto address = asio::ip::make_address(m_config.bindAddress, ec);
            if (ec) return failOpen(ec, "bind address '" + m_config.bindAddress + "' is not an IP address");
            bindEndpoint = {address, m_config.port};
        } else {
            bindEndpoint = {preferredFamily(), m_config.port};
        }
        const bool anyV6 = bindEndpoint.address().is_v6() && bindEndpoint.address().is_unspecified();
        m_socket.open(bindEndpoint.protocol(), ec);
        if (ec && m_config.bindAddress.empty() && anyV6) { // no IPv6 here
            bindEndpoint = {udp::v4(), m_config.port};
            ec.clear();
            m_socket.open(bindEndpoint.protocol(), ec);
        }
        const std::string where = toEndpoint(bindEndpoint).toString();
        if (ec) return failOpen(ec, "cannot open a UDP socket for " + where + ": " + describeError(ec));
        if (bindEndpoint.address().is_v6() && bindEndpoint.address().is_unspecified())
            m_socket.set_option(asio::ip::v6_only(false), ec);
        if (m_config.reuseAddress || !m_config.multicast.groups.empty())
            m_socket.set_option(asio::socket_base::reuse_address(true), ec);
        if (m_config.broadcast) {
            m_socket.set_option(asio::socket_base::broadcast(true), ec);
            if (ec) m_out->emitError(0, ec, "cannot enable broadcast on " + where + ": " + describeError(ec));
        }
        if (m_config.receiveBufferBytes != 0)
            m_socket.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(m_config.receiveBufferBytes)), ec);
        m_socket.bind(bindEndpoint, ec);
        if (ec) return failOpen(ec, "cannot bind UDP " + where + ": " + describeError(ec, m_config.port));
        const udp::endpoint bound = m_socket.local_endpoint(ec);
        m_isV6 = bound.address().is_v6();
        m_local = toEndpoint(bound);
        applyMulticastOptions();
        m_out->setState(SessionState::Open);
        m_out->emit(EventOpened{m_local, m_config.remoteHost.empty()});
        for (const auto& group : m_config.multicast.groups) changeMembership(group, m_config.multicast.interfaceName, true);
        m_socket.non_blocking(true, ec);
        waitForDatagrams();
    }

    void close() override {
        if (!m_socket.is_open()) {
            m_out->setState(SessionState::Closed);
            return;
        }
        m_out->setState(SessionState::Closed);
        ++m_epoch; // handlers of this open period are stale from now on
        std::error_code ignored;
        m_socket.close(ignored);
        endStreams("the UDP socket closed");
        m_queue.clear();
        m_queuedBytes = 0;
        m_sending = false;
        m_waitingForQueueRoom = false;
        m_pendingResolves.clear();
        m_failedResolves.clear();
        m_resolved.clear();
        m_lastSender.reset();
        m_out->peers.clear();
        m_peerIds.clear();
        m_peerEndpoints.clear();
        m_messagesFrom.clear();
        m_ruleStates.clear();
        if (m_ruleSteps) m_ruleSteps->cancelAll(); // delayed rule answers go with the socket
        m_out->emit(EventClosed{0, m_local, CloseReason::Local, "closed UDP socket " + m_local.toString(), {}});
    }

    void send(const SendTarget& target, SharedBytes payload) override { sendTo(target, std::move(payload), nullptr); }

    /// A streaming send over UDP is one datagram: the whole source, which must fit.
    void streamTo(const std::shared_ptr<StreamRecord>& record, std::unique_ptr<ByteSource> source,
                  const SendTarget& target) override {
        if (SharedBytes bytes = source->whole()) return sendTo(target, std::move(bytes), record);
        // Read one byte more than a datagram can hold, to tell "too large" from "exactly the maximum".
        const std::size_t room = static_cast<std::size_t>(std::min<std::uint64_t>(source->size().value_or(MaxUdpPayloadV6), MaxUdpPayloadV6)) + 1;
        auto datagram = std::make_shared<Bytes>(room);
        std::size_t size = 0;
        std::string error;
        for (;;) {
            const auto n = source->read(datagram->data() + size, datagram->size() - size, error);
            if (!n) return record->setFailure(error);
            if (*n == 0 || (size += *n) == datagram->size()) break;
        }
        if (size > MaxUdpPayloadV6) {
            const auto total = source->size().value_or(size);
            return rejectSend(0, static_cast<std::size_t>(total),
                              "datagram of " + std::to_string(total) + " bytes is larger than the UDP maximum of " +
                                  std::to_string(m_isV6 ? MaxUdpPayloadV6 : MaxUdpPayloadV4) + " bytes");
        }
        datagram->resize(size);
        sendTo(target, std::move(datagram), record);
    }

    CaptureScene captureScene() const override {
        CaptureScene scene;
        scene.datagrams = true;
        scene.description = "UDP socket";
        if (m_socket.is_open()) scene.local = m_local;
        return scene;
    }

    void onEventQueueRoom() override {
        if (!m_waitingForQueueRoom || !m_socket.is_open()) return;
        m_waitingForQueueRoom = false;
        waitForDatagrams();
    }

    void changeMembership(const std::string& groupText, const std::string& interfaceName, bool join) {
        const char* verb = join ? "join" : "leave";
        std::error_code ec;
        auto group = asio::ip::make_address(groupText, ec);
        if (ec || !group.is_multicast())
            return m_out->emitError(0, ec ? ec : std::make_error_code(std::errc::invalid_argument),
                                    std::string("cannot ") + verb + " '" + groupText + "': not a multicast address");
        if (!m_socket.is_open())
            return m_out->emitError(0, asio::error::not_connected,
                                    std::string("cannot ") + verb + " " + groupText + ": the socket is not open");
        if (group.is_v6() != m_isV6)
            return m_out->emitError(0, std::make_error_code(std::errc::address_family_not_supported),
                                    std::string("cannot ") + verb + " " + groupText + " on an " +
                                        (m_isV6 ? "IPv6" : "IPv4") + " socket (bind to an " +
                                        (group.is_v6() ? "IPv6" : "IPv4") + " address)");
        const std::string on = interfaceName.empty() ? "the default interface" : "interface " + interfaceName;
        if (group.is_v4()) {
            asio::ip::address_v4 interfaceAddress;
            if (!interfaceName.empty()) {
                interfaceAddress = asio::ip::make_address_v4(interfaceName, ec);
                if (ec)
                    return m_out->emitError(0, ec, "interface '" + interfaceName + "' must be an IPv4 address of this host");
            }
            if (join)
                m_socket.set_option(asio::ip::multicast::join_group(group.to_v4(), interfaceAddress), ec);
            else
                m_socket.set_option(asio::ip::multicast::leave_group(group.to_v4(), interfaceAddress), ec);
        } else {
            const unsigned index = interfaceIndex(interfaceName);
            if (!interfaceName.empty() && index == 0)
                return m_out->emitError(0, std::make_error_code(std::errc::no_such_device),
                                        "no network interface named '" + interfaceName + "'");
            if (join)
                m_socket.set_option(asio::ip::multicast::join_group(group.to_v6(), index), ec);
            else
                m_socket.set_option(asio::ip::multicast::leave_group(group.to_v6(), index), ec);
        }
        if (ec)
            return m_out->emitError(0, ec, std::string("cannot ") + verb + " multicast group " + groupText + " on " + on +
                                               ": " + describeError(ec));
        m_out->emit(EventNotice{std::string(join ? "joined" : "left") + " multicast group " + groupText + " on " + on});
    }

private:
    void sendTo(const SendTarget& target, SharedBytes payload, const std::shared_ptr<StreamRecord>& stream) {
        const std::size_t size = payload->size();
        if (!m_socket.is_open()) return rejectSend(0, size, "the UDP socket is not open");
        switch (target.kind) {
        case SendTarget::Kind::Default:
            if (!m_config.remoteHost.empty())
                return sendToHost(m_config.remoteHost, m_config.remotePort, std::move(payload), stream);
            [[fallthrough]];
        case SendTarget::Kind::LastSender:
            if (!m_lastSender) return rejectSend(0, size, "no datagram received yet: there is no sender to reply to");
            return enqueue(*m_lastSender, std::move(payload), stream);
        case SendTarget::Kind::HostPort: return sendToHost(target.host, target.port, std::move(payload), stream);
        case SendTarget::Kind::Connection: {
            auto it = m_peerEndpoints.find(target.connection);
            if (it == m_peerEndpoints.end())
                return rejectSend(target.connection, size, "peer #" + std::to_string(target.connection) + " is unknown");
            return enqueue(it->second, std::move(payload), stream);
        }
        case SendTarget::Kind::AllConnections:
            if (m_peerEndpoints.empty()) return rejectSend(0, size, "no peers known yet");
            for (const auto& [id, endpoint] : m_peerEndpoints) enqueue(endpoint, payload, stream);
            return;
        }
    }

    asio::ip::udp preferredFamily() const {
        const auto& groups = m_config.multicast.groups;
        if (!groups.empty()) {
            std::error_code ec;
            auto group = asio::ip::make_address(groups.front(), ec);
            if (!ec) return group.is_v6() ? udp::v6() : udp::v4();
        }
        if (m_config.broadcast) return udp::v4();
        return udp::v6(); // dual-stack: receives from and sends to IPv4 and IPv6 peers
    }

    void applyMulticastOptions() {
        std::error_code ec;
        const auto& options = m_config.multicast;
        m_socket.set_option(asio::ip::multicast::hops(options.hops), ec);
        m_socket.set_option(asio::ip::multicast::enable_loopback(options.loopback), ec);
        if (options.interfaceName.empty()) return;
        if (m_isV6) {
            const unsigned index = interfaceIndex(options.interfaceName);
            if (index == 0)
                return m_out->emitError(0, std::make_error_code(std::errc::no_such_device),
                                        "no network interface named '" + options.interfaceName + "'");
            m_socket.set_option(asio::ip::multicast::outbound_interface(index), ec);
        } else {
            auto address = asio::ip::make_address_v4(options.interfaceName, ec);
            if (!ec) m_socket.set_option(asio::ip::multicast::outbound_interface(address), ec);
        }
        if (ec)
            m_out->emitError(0, ec, "cannot send multicast through interface " + options.interfaceName + ": " + describeError(ec));
    }

    void failOpen(const std::error_code& ec, std::string message) {
        std::error_code ignored;
        m_socket.close(ignored);
        m_out->setState(SessionState::Closed);
        m_out->emitError(0, ec, std::move(message));
    }

    void waitForDatagrams() {
        m_socket.async_wait(udp::socket::wait_read, [self = shared(), this, epoch = m_epoch](std::error_code ec) {
            if (epoch != m_epoch || ec == asio::error::operation_aborted || !m_socket.is_open()) return;
            if (ec) {
                m_out->emitError(0, ec, "receiving on " + m_local.toString() + " failed: " + describeError(ec));
                return;
            }
            receiveAvailable();
        });
    }

    void receiveAvailable() {
        if (m_out->discardReceived && DatagramBatchReceiver::supported()) return receiveDiscarding();
        SessionOutput::QuietScope quiet(*m_out);
        ReadBuffer& buffer = *m_readBuffer;
        for (int i = 0; i < MaxDatagramsPerWakeup && m_socket.is_open(); ++i) {
            if (m_out->queue.overBudget()) {
                // A lossless front end is behind: datagrams wait in the socket's buffer (which drops past its size,
                // as it would for any slow reader) until it drains.
                m_waitingForQueueRoom = true;
                return;
            }
            udp::endpoint sender;
            std::error_code ec;
            const std::size_t n = m_socket.receive_from(asio::buffer(buffer), sender, 0, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) break;
            if (ec == asio::error::connection_reset || ec == asio::error::connection_refused) {
                // Windows reports an earlier send's ICMP "port unreachable" on the next receive; it is not fatal.
                m_out->emit(EventNotice{"a peer reported port unreachable for an earlier datagram"});
                continue;
            }
            if (ec == asio::error::message_size) {
                // Windows (WSAEMSGSIZE): a datagram larger than the buffer, dropped by the system. The buffer holds
                // the largest UDP payload, so only an IPv6 jumbogram can get here; say so, and keep receiving.
                m_out->emit(EventNotice{"a datagram larger than " + std::to_string(buffer.size()) +
                                        " bytes arrived and was cut by the system; it is not shown"});
                continue;
            }
            if (ec) {
                m_out->emitError(0, ec, "receiving on " + m_local.toString() + " failed: " + describeError(ec));
                break;
            }
            const ConnectionId id = peerIdFor(sender);
            const ByteView received(buffer.data(), n);
            m_out->trackSequence(received);
            if (m_out->discardReceived) {
                m_out->countReceived(id, n);
                continue;
            }
            const Endpoint peer = toEndpoint(sender);
            auto bytes = std::make_shared<const Bytes>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
            m_lastSender = sender;
            // Reported first (queued; the front end wakes after the reply: QuietScope), then answered at once.
            m_out->emitData(Direction::Rx, id, peer, bytes);
            if (m_autoReply.rules.empty() && m_autoReply.mode == ReplyMode::Echo) {
                ++m_messagesFrom[id];
                enqueue(sender, bytes); // the received bytes are immutable and shared: an echo is the same buffer
            } else if (!m_autoReply.rules.empty() || m_autoReply.mode != ReplyMode::None) {
                SendContext context;
                context.peer = peer.toString();
                context.messageNumber = ++m_messagesFrom[id];
                context.nextCounter = [out = m_out] { return out->nextPayloadCounter(); };
                if (answerByRules(sender, id, *bytes, context) || m_autoReply.mode == ReplyMode::None) continue;
                auto reply = buildReply(m_autoReply, *bytes, context);
                if (reply) enqueue(sender, std::make_shared<const Bytes>(std::move(reply).value()));
                else m_out->emitError(id, std::make_error_code(std::errc::invalid_argument),
                                      "no reply to " + context.peer + ": " + reply.error().describe());
            }
        }
        waitForDatagrams();
    }

    /// Discard mode: datagrams in batches, only their probe headers kept; counted per run of one sender.
    void receiveDiscarding() {
        if (!m_batch) m_batch.emplace(BatchSlots, ProbeHeader::Size);
        for (int round = 0; round < MaxBatchesPerWakeup && m_socket.is_open(); ++round) {
            std::error_code ec;
            const std::size_t n = m_batch->receive(m_socket, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) break;
            if (ec == asio::error::connection_reset || ec == asio::error::connection_refused) continue;
            if (ec) {
                m_out->emitError(0, ec, "receiving on " + m_local.toString() + " failed: " + describeError(ec));
                break;
            }
            std::size_t i = 0;
            while (i < n) {
                const udp::endpoint sender = m_batch->sender(i);
                const ConnectionId id = peerIdFor(sender);
                std::uint64_t bytes = 0, messages = 0;
                for (; i < n && (messages == 0 || m_batch->sender(i) == sender); ++i, ++messages) {
                    bytes += m_batch->size(i);
                    m_out->trackSequence(ByteView(m_batch->head(i), m_batch->headSize(i)));
                }
                m_out->countReceived(id, bytes, messages);
            }
            if (n < BatchSlots) break; // the socket is very likely empty
        }
        waitForDatagrams();
    }

    ConnectionId peerIdFor(const udp::endpoint& endpoint) {
        auto it = m_peerIds.find(endpoint);
        if (it != m_peerIds.end() && m_out->peers.contains(it->second)) return it->second;
        const ConnectionId id = ++m_nextPeerId;
        m_peerIds[endpoint] = id;
        m_peerEndpoints[id] = endpoint;
        m_out->peers.add(id, toEndpoint(endpoint), nowUs());
        pruneForgottenPeers();
        return id;
    }

    /// The peer table drops its least recent peers past its capacity; forget their endpoints here as well.
    void pruneForgottenPeers() {
        if (m_peerEndpoints.size() <= 2 * m_out->peers.size() + 1024) return;
        for (auto it = m_peerEndpoints.begin(); it != m_peerEndpoints.end();) {
            if (m_out->peers.contains(it->first)) {
                ++it;
                continue;
            }
            if (auto mapped = m_peerIds.find(it->second); mapped != m_peerIds.end() && mapped->second == it->first)
                m_peerIds.erase(mapped); // the endpoint may already have a newer id
            m_messagesFrom.erase(it->first);
            m_ruleStates.erase(it->first);
            it = m_peerEndpoints.erase(it);
        }
    }

    void sendToHost(const std::string& host, std::uint16_t port, SharedBytes payload,
                    const std::shared_ptr<StreamRecord>& stream) {
        std::error_code ec;
        auto address = asio::ip::make_address(host, ec);
        if (!ec) return enqueue(udp::endpoint(address, port), std::move(payload), stream);
        const std::string key = HostPort{host, port}.toString();
        if (auto it = m_resolved.find(key); it != m_resolved.end()) return enqueue(it->second, std::move(payload), stream);
        if (auto failed = m_failedResolves.find(key); failed != m_failedResolves.end()) {
            if (std::chrono::steady_clock::now() - failed->second < FailedLookupMemory)
                return rejectSend(0, payload->size(), "host '" + host + "' was not found a moment ago");
            m_failedResolves.erase(failed);
        }
        // Datagrams waiting for a name count against the send budget like queued ones; one lookup per name.
        if (m_queuedBytes + payload->size() > m_limits.sendBudgetBytes)
            return rejectSend(0, payload->size(), "send budget is full while '" + host + "' is being resolved");
        m_queuedBytes += payload->size();
        if (stream) stream->addLeg(payload->size()); // the stream waits for the name too
        auto [pending, isNew] = m_pendingResolves.try_emplace(key);
        pending->second.push_back({std::move(payload), stream});
        if (!isNew) return;
        lookupHost(m_lookups, host,
                   // weak: the lookup thread may outlive the session, and must not be what destroys it
                   [weak = std::weak_ptr<Impl>(shared()), this, epoch = m_epoch, key, host,
                    port](std::error_code lec, std::vector<asio::ip::address> addresses) {
                       const auto self = weak.lock();
                       if (!self || epoch != m_epoch) return;
                       auto waiting = std::move(m_pendingResolves[key]);
                       m_pendingResolves.erase(key);
                       for (const auto& datagram : waiting) m_queuedBytes -= datagram.payload->size();
                       if (lec) {
                           m_failedResolves[key] = std::chrono::steady_clock::now();
                           m_out->emitError(0, lec, "cannot resolve host '" + host + "': " + describeError(lec));
                           for (const auto& datagram : waiting) {
                               rejectSend(0, datagram.payload->size(), "host '" + host + "' not found");
                               if (datagram.stream) datagram.stream->legEnded("host '" + host + "' not found");
                           }
                           return;
                       }
                       // Prefer an address of the socket's own family.
                       asio::ip::address chosen = addresses.front();
                       for (const auto& address : addresses)
                           if (address.is_v6() == m_isV6) {
                               chosen = address;
                               break;
                           }
                       m_resolved[key] = udp::endpoint(chosen, port);
                       for (auto& datagram : waiting)
                           enqueue(udp::endpoint(chosen, port), std::move(datagram.payload), datagram.stream, false);
                   });
    }

    /// The match rules' answer to one datagram from `sender`; false when no rule matched. A UDP socket has no
    /// connection to close: a rule's close does nothing here.
    bool answerByRules(const udp::endpoint& sender, ConnectionId id, ByteView received, const SendContext& context) {
        if (m_autoReply.rules.empty()) return false;
        const RulePlan plan = planRules(m_autoReply.rules, received, m_ruleStates[id], context, [&](const std::string& error) {
            m_out->emitError(id, std::make_error_code(std::errc::invalid_argument), error + " (to " + context.peer + ")");
        });
        for (const RuleStep& step : stepsOf(plan)) { // a UDP socket has no connection to close: close does nothing
            if (step.after.count() == 0) {
                for (const RulePlan::Reply& reply : step.replies) enqueue(sender, reply.bytes, nullptr, true, reply.rule);
                continue;
            }
            if (step.replies.empty()) continue;
            if (!m_ruleSteps) m_ruleSteps.emplace(m_socket.get_executor());
            const bool scheduled = m_ruleSteps->schedule(step.after, std::weak_ptr<Impl>(shared()), [this, sender, step] {
                if (!m_socket.is_open()) return;
                for (const RulePlan::Reply& reply : step.replies) enqueue(sender, reply.bytes, nullptr, true, reply.rule);
            });
            if (!scheduled)
                m_out->emitError(id, std::make_error_code(std::errc::resource_unavailable_try_again),
                                 "rule " + std::to_string(step.replies.front().rule + 1) + ": " +
                                     std::to_string(DelayedRuleSteps::MaxPending) + " delayed answers wait already: this one to " +
                                     context.peer + " is dropped");
        }
        return plan.matched;
    }

    /// Queues one datagram. A streaming send's leg is counted here, unless it already was (`countLeg` false: it
    /// waited for a name), in which case a refusal ends that leg.
    void enqueue(udp::endpoint destination, SharedBytes payload, const std::shared_ptr<StreamRecord>& stream = nullptr,
                 bool countLeg = true, std::int32_t rule = -1) {
        m_out->assertOwnerThread();
        const std::size_t size = payload->size();
        const auto refuse = [&](std::string reason) {
            if (stream && !countLeg) stream->legEnded(reason);
            rejectSend(0, size, std::move(reason));
        };
        if (destination.address().is_v6() && !m_isV6)
            return refuse("cannot send to IPv6 address " + toEndpoint(destination).toString() +
                          " from an IPv4 socket (bind to :: or leave the bind address empty)");
        if (destination.address().is_v4() && m_isV6)
            destination = udp::endpoint(asio::ip::make_address_v6(asio::ip::v4_mapped, destination.address().to_v4()),
                                        destination.port());
        const bool v4Path = unmapped(destination.address()).is_v4();
        const std::size_t limit = v4Path ? MaxUdpPayloadV4 : MaxUdpPayloadV6;
        if (size > limit)
            return refuse("datagram of " + std::to_string(size) + " bytes is larger than the UDP maximum of " +
                          std::to_string(limit) + " bytes");
        if (m_queuedBytes + size > m_limits.sendBudgetBytes)
            return refuse("send budget of " + std::to_string(m_limits.sendBudgetBytes) +
                          " bytes is full: datagrams are queued faster than the network takes them");
        const ConnectionId id = peerIdFor(destination);
        m_queuedBytes += size;
        if (stream && countLeg) stream->addLeg(size);
        m_queue.push_back({destination, id, std::move(payload), stream, rule});
        sendQueued();
    }

    /// Datagrams go out at once while the socket takes them (no scheduler pass between a request and its automatic
    /// reply); only a full send buffer makes the queue wait for writability. A burst yields after a few sends.
    void sendQueued() {
        for (int sent = 0; !m_sending && !m_queue.empty() && m_socket.is_open(); ++sent) {
            if (sent == MaxDatagramsPerWakeup) return waitToSend();
            const PendingDatagram& next = m_queue.front();
            std::error_code ec;
            m_socket.send_to(asio::buffer(*next.payload), next.destination, 0, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) return waitToSend();
            finishFrontSend(ec);
        }
    }

    void waitToSend() {
        m_sending = true;
        m_socket.async_wait(udp::socket::wait_write, [self = shared(), this, epoch = m_epoch](std::error_code ec) {
            if (epoch != m_epoch) return; // a close emptied the queue
            m_sending = false;
            if (ec == asio::error::operation_aborted) return;
            if (ec && !m_queue.empty()) finishFrontSend(ec);
            sendQueued();
        });
    }

    void finishFrontSend(const std::error_code& ec) {
        PendingDatagram sent = std::move(m_queue.front());
        m_queue.pop_front();
        m_queuedBytes -= sent.payload->size();
        const Endpoint peer = toEndpoint(sent.destination);
        const std::size_t size = sent.payload->size();
        if (ec) {
            m_out->counters.sendsFailed.fetch_add(1, std::memory_order_relaxed);
            const std::string message = "sending " + std::to_string(size) + " bytes to " + peer.toString() +
                                        " failed: " + describeError(ec);
            m_out->emitError(sent.peerId, ec, message);
            if (sent.stream) sent.stream->legEnded(message);
        } else {
            m_out->emitData(Direction::Tx, sent.peerId, peer, std::move(sent.payload), sent.rule);
            if (sent.stream) {
                sent.stream->addSent(size);
                sent.stream->legEnded(std::nullopt);
            }
        }
    }

    /// Streaming sends whose datagram is still queued or waiting for a name end, as failed.
    void endStreams(const std::string& why) {
        for (auto& datagram : m_queue)
            if (datagram.stream) datagram.stream->legEnded(why);
        for (auto& [key, waiting] : m_pendingResolves)
            for (auto& datagram : waiting)
                if (datagram.stream) datagram.stream->legEnded(why);
    }

    std::shared_ptr<Impl> shared() { return std::static_pointer_cast<Impl>(shared_from_this()); }

    const UdpSocketConfig m_config;
    static constexpr std::size_t BatchSlots = 32;
    std::optional<DatagramBatchReceiver> m_batch; // discard mode only
    udp::socket m_socket;
    Endpoint m_local;
    std::optional<udp::endpoint> m_lastSender;
    std::map<udp::endpoint, ConnectionId> m_peerIds;
    std::map<ConnectionId, udp::endpoint> m_peerEndpoints;
    std::map<ConnectionId, std::uint64_t> m_messagesFrom;
    std::map<ConnectionId, std::string> m_ruleStates; // the match rules' state per peer (state:NAME, when:NAME)
    std::optional<DelayedRuleSteps> m_ruleSteps;       // made at the first delayed answer
    std::map<std::string, udp::endpoint> m_resolved;
    std::map<std::string, std::vector<UnresolvedDatagram>> m_pendingResolves;
    std::map<std::string, std::chrono::steady_clock::time_point> m_failedResolves;
    std::uint64_t m_epoch = 0;
    ConnectionId m_nextPeerId = 0;
    std::deque<PendingDatagram> m_queue;
    std::size_t m_queuedBytes = 0;
    bool m_sending = false; // waiting for the socket to take datagrams again
    bool m_waitingForQueueRoom = false; // a lossless event queue is full: receiving waits for the front end
    bool m_isV6 = false; // the family of the bound socket, set at open
};

UdpSocket::UdpSocket(UdpSocketConfig config) : Session(SessionKind::Udp, config.limits), m_config(config) {
    output()->discardReceived = m_config.discard;
    output()->receiveCheck = m_config.check;
    m_udp = std::make_shared<Impl>(worker().context(), output(), std::move(config));
    attach(m_udp);
}

void UdpSocket::joinGroup(std::string group, std::string interfaceName) {
    worker().post([impl = m_udp, group = std::move(group), interfaceName = std::move(interfaceName)] {
        impl->changeMembership(group, interfaceName, true);
    });
}

void UdpSocket::leaveGroup(std::string group, std::string interfaceName) {
    worker().post([impl = m_udp, group = std::move(group), interfaceName = std::move(interfaceName)] {
        impl->changeMembership(group, interfaceName, false);
    });
}

} // namespace socketeer::core
