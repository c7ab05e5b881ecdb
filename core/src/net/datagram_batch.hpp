// Datagram batches: many datagrams per system call (Linux recvmmsg / sendmmsg), for the paths where the per-call
// cost is what limits the rate — the discard receiver and the traffic generator. Elsewhere supported() is false and
// callers use one call per datagram.
#pragma once

#include <asio/buffer.hpp>
#include <asio/ip/udp.hpp>

#include <cstdint>
#include <memory>
#include <system_error>
#include <vector>

namespace socketeer::core {

class DatagramBatchReceiver {
public:
    /// Keeps the first `headBytes` of up to `slots` datagrams per call (their full length is still reported).
    DatagramBatchReceiver(std::size_t slots, std::size_t headBytes);
    ~DatagramBatchReceiver();
    static bool supported();

    /// Takes what is queued, without blocking: the number of datagrams (0 when none, then ec is would_block).
    std::size_t receive(asio::ip::udp::socket& socket, std::error_code& ec);
    [[nodiscard]] std::size_t size(std::size_t i) const;          ///< the datagram's real length
    [[nodiscard]] const std::uint8_t* head(std::size_t i) const;  ///< its first min(size, headBytes) bytes
    [[nodiscard]] std::size_t headSize(std::size_t i) const;
    [[nodiscard]] asio::ip::udp::endpoint sender(std::size_t i) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Sends each buffer as one datagram on a connected socket, without blocking. Returns how many went out; 0 with ec
/// set when the first could not (would_block: the socket buffer is full).
std::size_t sendDatagramBatch(asio::ip::udp::socket& socket, const std::vector<asio::const_buffer>& datagrams,
                              std::error_code& ec);

/// Segmentation offload (Linux UDP_SEGMENT): `count` datagrams of `segmentBytes` each, laid end to end at `data`,
/// handed to the kernel in one call as one buffer, which it cuts into datagrams as late as it can — far less work
/// per datagram than one sendmmsg entry each. All of them go, or none (ec set; EIO or EINVAL where the route or
/// the kernel cannot segment: use sendDatagramBatch then). Returns how many went: at most maxSegmentsPerSend().
std::size_t sendSegmented(asio::ip::udp::socket& socket, const std::uint8_t* data, std::size_t segmentBytes,
                          std::size_t count, std::error_code& ec);
std::size_t maxSegmentsPerSend(std::size_t segmentBytes);

} // namespace socketeer::core
