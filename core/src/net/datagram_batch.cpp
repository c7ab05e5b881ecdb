// Datagram batches on Linux; a one-at-a-time fallback elsewhere (asio's own calls).
#include "net/datagram_batch.hpp"

#include <asio/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 // linux/udp.h; older libc headers lack it
#endif
#endif

namespace socketeer::core {

#ifdef __linux__

namespace {
/// errno after a failed call, with "try again" as asio's would_block.
std::error_code lastSocketError() {
    const int error = errno;
    if (error == EAGAIN || error == EWOULDBLOCK) return make_error_code(asio::error::would_block);
    return {error, asio::error::get_system_category()};
}
} // namespace

struct DatagramBatchReceiver::State {
    std::size_t headBytes;
    std::vector<std::uint8_t> heads;
    std::vector<mmsghdr> messages;
    std::vector<iovec> vectors;
    std::vector<sockaddr_storage> senders;
};

DatagramBatchReceiver::DatagramBatchReceiver(std::size_t slots, std::size_t headBytes)
    : m_state(std::make_unique<State>()) {
    State& s = *m_state;
    s.headBytes = headBytes;
    s.heads.resize(slots * headBytes);
    s.messages.resize(slots);
    s.vectors.resize(slots);
    s.senders.resize(slots);
}

DatagramBatchReceiver::~DatagramBatchReceiver() = default;

bool DatagramBatchReceiver::supported() { return true; }

std::size_t DatagramBatchReceiver::receive(asio::ip::udp::socket& socket, std::error_code& ec) {
    State& s = *m_state;
    for (std::size_t i = 0; i < s.messages.size(); ++i) {
        s.vectors[i] = {s.heads.data() + i * s.headBytes, s.headBytes};
        std::memset(&s.messages[i], 0, sizeof(mmsghdr));
        s.messages[i].msg_hdr.msg_iov = &s.vectors[i];
        s.messages[i].msg_hdr.msg_iovlen = 1;
        s.messages[i].msg_hdr.msg_name = &s.senders[i];
        s.messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    // MSG_TRUNC: msg_len is the datagram's real length even where only its head was kept.
    const int n = ::recvmmsg(socket.native_handle(), s.messages.data(), static_cast<unsigned>(s.messages.size()),
                             MSG_DONTWAIT | MSG_TRUNC, nullptr);
    if (n < 0) {
        ec = lastSocketError();
        return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(n);
}

std::size_t DatagramBatchReceiver::size(std::size_t i) const { return m_state->messages[i].msg_len; }
const std::uint8_t* DatagramBatchReceiver::head(std::size_t i) const {
    return m_state->heads.data() + i * m_state->headBytes;
}
std::size_t DatagramBatchReceiver::headSize(std::size_t i) const { return std::min(size(i), m_state->headBytes); }

asio::ip::udp::endpoint DatagramBatchReceiver::sender(std::size_t i) const {
    asio::ip::udp::endpoint endpoint;
    const auto length = std::min<std::size_t>(m_state->messages[i].msg_hdr.msg_namelen, endpoint.capacity());
    std::memcpy(endpoint.data(), &m_state->senders[i], length);
    endpoint.resize(length);
    return endpoint;
}

std::size_t sendDatagramBatch(asio::ip::udp::socket& socket, const std::vector<asio::const_buffer>& datagrams,
                              std::error_code& ec) {
    constexpr std::size_t MaxPerCall = 64;
    mmsghdr messages[MaxPerCall];
    iovec vectors[MaxPerCall];
    const std::size_t count = std::min(datagrams.size(), MaxPerCall);
    for (std::size_t i = 0; i < count; ++i) {
        vectors[i] = {const_cast<void*>(datagrams[i].data()), datagrams[i].size()};
        std::memset(&messages[i], 0, sizeof(mmsghdr));
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::sendmmsg(socket.native_handle(), messages, static_cast<unsigned>(count), MSG_DONTWAIT);
    if (n < 0) {
        ec = lastSocketError();
        return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(n);
}

std::size_t maxSegmentsPerSend(std::size_t segmentBytes) {
    // The kernel's limit (UDP_MAX_SEGMENTS) and one UDP length field's worth of payload.
    constexpr std::size_t MaxSegments = 64, MaxPayload = 65507;
    return std::min(MaxSegments, MaxPayload / std::max<std::size_t>(segmentBytes, 1));
}

std::size_t sendSegmented(asio::ip::udp::socket& socket, const std::uint8_t* data, std::size_t segmentBytes,
                          std::size_t count, std::error_code& ec) {
    count = std::min(count, maxSegmentsPerSend(segmentBytes));
    iovec vector{const_cast<std::uint8_t*>(data), segmentBytes * count};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint16_t))] = {};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (count > 1) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_UDP;
        header->cmsg_type = UDP_SEGMENT;
        header->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
        const auto size = static_cast<std::uint16_t>(segmentBytes);
        std::memcpy(CMSG_DATA(header), &size, sizeof size);
    }
    if (::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT) < 0) {
        ec = lastSocketError();
        return 0;
    }
    ec.clear();
    return count;
}

#else

std::size_t maxSegmentsPerSend(std::size_t) { return 1; }

std::size_t sendSegmented(asio::ip::udp::socket& socket, const std::uint8_t* data, std::size_t segmentBytes,
                          std::size_t, std::error_code& ec) {
    socket.send(asio::buffer(data, segmentBytes), 0, ec);
    return ec ? 0 : 1;
}

struct DatagramBatchReceiver::State {};
DatagramBatchReceiver::DatagramBatchReceiver(std::size_t, std::size_t) {}
DatagramBatchReceiver::~DatagramBatchReceiver() = default;
bool DatagramBatchReceiver::supported() { return false; }
std::size_t DatagramBatchReceiver::receive(asio::ip::udp::socket&, std::error_code& ec) {
    ec = make_error_code(asio::error::operation_not_supported);
    return 0;
}
std::size_t DatagramBatchReceiver::size(std::size_t) const { return 0; }
const std::uint8_t* DatagramBatchReceiver::head(std::size_t) const { return nullptr; }
std::size_t DatagramBatchReceiver::headSize(std::size_t) const { return 0; }
asio::ip::udp::endpoint DatagramBatchReceiver::sender(std::size_t) const { return {}; }

std::size_t sendDatagramBatch(asio::ip::udp::socket& socket, const std::vector<asio::const_buffer>& datagrams,
                              std::error_code& ec) {
    std::size_t sent = 0;
    for (const auto& datagram : datagrams) {
        socket.send(asio::buffer(datagram), 0, ec);
        if (ec) break;
        ++sent;
    }
    if (sent != 0) ec.clear();
    return sent;
}

#endif

} // namespace socketeer::core
