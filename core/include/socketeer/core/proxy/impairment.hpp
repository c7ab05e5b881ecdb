// Impairment: what one direction of the proxy does to the traffic it forwards — delay and jitter, loss, duplication,
// reordering, re-chunking and a rate limit — decided by a seeded generator so a failing run can be replayed, and
// counted exactly. Sans-I/O: units go in with their arrival time, and come out when they are due; the proxy owns
// the sockets and the timer. Settings may change while it runs (they apply to units that arrive afterwards).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "socketeer/core/bytes.hpp"

namespace socketeer::core {

struct ImpairmentSettings {
    std::chrono::microseconds delay{0};  ///< added to every unit
    std::chrono::microseconds jitter{0}; ///< ± uniformly on top of delay (never below zero)
    double lossPercent = 0;              ///< a unit is not forwarded (datagrams and framed messages only)
    double duplicatePercent = 0;         ///< a unit is forwarded twice, back to back
    double reorderPercent = 0;           ///< a unit is held back and forwarded after the next one
    std::size_t splitBytes = 0;          ///< forwarded in writes of at most N bytes (0: as it came)
    std::uint64_t rateBytesPerSecond = 0; ///< a link of this speed: units leave one after another (0: no limit)

    /// Loss, duplication or reordering: they need units with edges (datagrams, framed messages).
    [[nodiscard]] bool changesUnits() const { return lossPercent > 0 || duplicatePercent > 0 || reorderPercent > 0; }
    [[nodiscard]] bool any() const {
        return delay.count() > 0 || jitter.count() > 0 || changesUnits() || splitBytes > 0 || rateBytesPerSecond > 0;
    }
    bool operator==(const ImpairmentSettings&) const = default;
};

/// What a direction carries: a TCP stream as read, framed TCP messages, or datagrams.
enum class TrafficUnits : std::uint8_t { Stream, Messages, Datagrams };

/// "" when the settings can apply to this kind of traffic, else why not ("--loss 120: a percentage, 0 to 100";
/// "--loss needs messages: add --frame, or use --udp"; "--split is for TCP: a datagram cannot be cut").
std::string checkImpairment(const ImpairmentSettings& settings, TrafficUnits units);
/// In words, for logs and headers: "delay 20 ms ± 5 ms, loss 5 %, split 100 B" ("none" when nothing is set).
std::string describeImpairment(const ImpairmentSettings& settings);

/// Exact counts of what one direction did.
struct ImpairmentTally {
    std::uint64_t unitsIn = 0, bytesIn = 0;
    std::uint64_t unitsOut = 0, bytesOut = 0; ///< forwarded (a duplicate counts again; a split unit once)
    std::uint64_t writesOut = 0;              ///< pieces written (split makes several per unit)
    std::uint64_t dropped = 0, droppedBytes = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0; ///< forwarded after a unit that arrived later than it
    std::uint64_t delayed = 0;   ///< forwarded later than it arrived (delay, jitter, rate, a hold-back)
    bool operator==(const ImpairmentTally&) const = default;
    /// Adds what `now` counted beyond `before` (the same impairer, later).
    void addGrowth(const ImpairmentTally& now, const ImpairmentTally& before);
};

class Impairer {
public:
    using Clock = std::chrono::steady_clock;

    /// Stream: units are reads of an unframed TCP stream, never reordered, lost or duplicated (bytes stay in order).
    /// The settings must pass checkImpairment for `units`.
    Impairer(ImpairmentSettings settings, std::uint64_t seed, TrafficUnits units);

    void setSettings(const ImpairmentSettings& settings) { m_settings = settings; }
    [[nodiscard]] const ImpairmentSettings& settings() const { return m_settings; }

    /// A unit arrived (a datagram, a framed message, a read of a stream).
    void push(Clock::time_point now, SharedBytes unit);
    /// The next piece due at `now` (in order), or nullopt. Each is one write.
    std::optional<SharedBytes> pop(Clock::time_point now);
    /// When the next piece is due (a timer for the proxy), nullopt when nothing waits.
    [[nodiscard]] std::optional<Clock::time_point> nextDue() const;
    /// Everything still waiting, now, in order (the peer closed: what was on its way is delivered, as a link would).
    std::vector<SharedBytes> flush();
    /// Units (and bytes) waiting to be forwarded: the proxy stops reading while too much waits.
    [[nodiscard]] std::size_t waitingBytes() const { return m_waitingBytes; }
    [[nodiscard]] const ImpairmentTally& tally() const { return m_tally; }

    /// A unit held back to be reordered waits at most this long for one to overtake it.
    static constexpr auto ReorderHoldLimit = std::chrono::milliseconds(100);

private:
    struct Scheduled {
        Clock::time_point due;
        std::uint64_t order;   ///< arrival number: equal due times leave in arrival order
        std::uint64_t arrival; ///< which unit it is (a duplicate shares it)
        Clock::time_point arrivedAt;
        SharedBytes bytes;
        bool duplicate = false; ///< to be forwarded twice
        bool copy = false;      ///< the second of a duplicated unit
    };
    bool chance(double percent);
    Clock::time_point releaseTime(Clock::time_point now, std::size_t bytes);
    /// Queues the unit (and its copy, when duplicated) in order of due time.
    void schedule(Scheduled unit);
    void insert(Scheduled unit);
    /// The held-back unit has waited ReorderHoldLimit without a later unit overtaking it: it goes as it is.
    void releaseHeldAt(Clock::time_point now);
    /// The unit leaves: counted, and cut into m_pieces.
    void release(const Scheduled& unit);

    ImpairmentSettings m_settings;
    const bool m_stream;
    const bool m_datagrams;
    std::mt19937_64 m_random;
    std::deque<Scheduled> m_queue; // by (due, order)
    std::optional<Scheduled> m_held; // held back for reordering
    std::deque<SharedBytes> m_pieces; // the released unit, cut into writes
    std::uint64_t m_arrivals = 0;
    std::uint64_t m_order = 0;
    std::optional<std::uint64_t> m_latestReleased; // the highest arrival number released so far
    Clock::time_point m_lastDue{};      // a stream's units leave in order: none before the one ahead of it
    Clock::time_point m_linkFreeAt{};   // the rate's link is busy until then
    std::size_t m_waitingBytes = 0;
    ImpairmentTally m_tally;
};

} // namespace socketeer::core
