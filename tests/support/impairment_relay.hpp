// Userspace impairment relays for fault tests: what netem would do (delay, duplication, reordering, loss), done by a
// relay in the path, so it runs where netem does not (this kernel, Windows). Each keeps the ground truth of what it did.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace socketeer::test {

struct Impairment {
    double lossPercent = 0;      ///< UDP: datagram not forwarded
    double duplicatePercent = 0; ///< UDP: forwarded twice, back to back
    double reorderPercent = 0;   ///< UDP: held back and forwarded after the next datagram
    std::chrono::microseconds delay{0}; ///< added before each datagram or TCP chunk is forwarded
    std::size_t maxChunk = 0;    ///< TCP: forward in pieces of 1..maxChunk bytes (0: as read)
    bool towardsTarget = true;   ///< TCP: impair what goes to the target too (false: only what comes back from it)
    std::uint32_t seed = 1;      ///< decisions come from this seed, so a failure reproduces
};

/// Forwards datagrams arriving on 127.0.0.1:port() (or ::1) to `target`, impaired. Each datagram must begin with an
/// 8-byte big-endian sequence number; forwarded() lists the numbers in the order they were sent on.
class UdpImpairmentRelay {
public:
    UdpImpairmentRelay(const std::string& address, std::uint16_t targetPort, Impairment impairment);
    ~UdpImpairmentRelay();
    UdpImpairmentRelay(const UdpImpairmentRelay&) = delete;
    UdpImpairmentRelay& operator=(const UdpImpairmentRelay&) = delete;

    std::uint16_t port() const;
    /// Datagrams that reached the relay so far.
    std::uint64_t received() const;
    /// Datagrams sent on to the target so far.
    std::uint64_t forwardedCount() const;

    struct Record {
        std::uint64_t received = 0;   ///< datagrams that reached the relay
        std::uint64_t dropped = 0;
        std::uint64_t duplicated = 0;
        std::uint64_t reordered = 0;
        std::vector<std::uint64_t> forwarded; ///< sequence numbers, in the order forwarded
    };
    /// Forwards a held-back datagram, if any, then returns the record (call once the sender is done).
    Record finish();

private:
    struct State;
    std::shared_ptr<State> m_state;
};

/// Accepts TCP connections on address:port() and relays each, both ways, to address:targetPort, with a delay before
/// every forwarded piece and pieces of random size. Bytes are never changed, dropped or reordered.
class TcpImpairmentRelay {
public:
    TcpImpairmentRelay(const std::string& address, std::uint16_t targetPort, Impairment impairment);
    ~TcpImpairmentRelay();
    TcpImpairmentRelay(const TcpImpairmentRelay&) = delete;
    TcpImpairmentRelay& operator=(const TcpImpairmentRelay&) = delete;

    std::uint16_t port() const;
    /// Pieces forwarded so far, both directions (proves the stream was cut up).
    std::uint64_t pieces() const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace socketeer::test
