// Impairer: seeded decisions per unit (loss, duplication, hold-back, jitter), release times, exact counts.
#include "socketeer/core/proxy/impairment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "socketeer/core/units_format.hpp"

namespace socketeer::core {

namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string percentProblem(const char* option, double value) {
    if (std::isfinite(value) && value >= 0 && value <= 100) return {};
    return std::string(option) + " " + number(value) + ": a percentage, 0 to 100";
}

std::string milliseconds(std::chrono::microseconds value) {
    const double ms = static_cast<double>(value.count()) / 1000.0;
    char text[32];
    std::snprintf(text, sizeof text, ms == std::floor(ms) ? "%.0f ms" : "%.3g ms", ms);
    return text;
}

std::string percent(double value) { return number(value) + " %"; }

} // namespace

std::string checkImpairment(const ImpairmentSettings& s, TrafficUnits units) {
    for (auto [option, value] : {std::pair{"--loss", s.lossPercent}, {"--duplicate", s.duplicatePercent},
                                 {"--reorder", s.reorderPercent}})
        if (auto problem = percentProblem(option, value); !problem.empty()) return problem;
    constexpr auto Day = std::chrono::hours(24);
    if (s.delay.count() < 0 || s.delay > Day) return "--delay: 0 to 86400000 ms";
    if (s.jitter.count() < 0 || s.jitter > Day) return "--jitter: 0 to 86400000 ms";
    if (units == TrafficUnits::Stream && s.changesUnits()) {
        const char* option = s.lossPercent > 0 ? "--loss" : s.duplicatePercent > 0 ? "--duplicate" : "--reorder";
        return std::string(option) + " needs messages to act on: add --frame (a TCP stream as read has none), or use --udp";
    }
    if (units == TrafficUnits::Datagrams && s.splitBytes > 0)
        return "--split is for TCP: a datagram cannot be cut without changing it";
    return {};
}

std::string describeImpairment(const ImpairmentSettings& s) {
    std::string text;
    const auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
    if (s.delay.count() > 0 || s.jitter.count() > 0)
        add("delay " + milliseconds(s.delay) + (s.jitter.count() > 0 ? " ± " + milliseconds(s.jitter) : ""));
    if (s.lossPercent > 0) add("loss " + percent(s.lossPercent));
    if (s.duplicatePercent > 0) add("duplicate " + percent(s.duplicatePercent));
    if (s.reorderPercent > 0) add("reorder " + percent(s.reorderPercent));
    if (s.splitBytes > 0) add("split " + std::to_string(s.splitBytes) + " B");
    if (s.rateBytesPerSecond > 0) add("rate " + formatByteCount(s.rateBytesPerSecond) + "/s");
    return text.empty() ? "none" : text;
}

void ImpairmentTally::addGrowth(const ImpairmentTally& now, const ImpairmentTally& before) {
    unitsIn += now.unitsIn - before.unitsIn;
    bytesIn += now.bytesIn - before.bytesIn;
    unitsOut += now.unitsOut - before.unitsOut;
    bytesOut += now.bytesOut - before.bytesOut;
    writesOut += now.writesOut - before.writesOut;
    dropped += now.dropped - before.dropped;
    droppedBytes += now.droppedBytes - before.droppedBytes;
    duplicated += now.duplicated - before.duplicated;
    reordered += now.reordered - before.reordered;
    delayed += now.delayed - before.delayed;
}

Impairer::Impairer(ImpairmentSettings settings, std::uint64_t seed, TrafficUnits units)
    : m_settings(settings), m_stream(units == TrafficUnits::Stream), m_datagrams(units == TrafficUnits::Datagrams),
      m_random(seed) {}

bool Impairer::chance(double percent) {
    if (percent <= 0) return false;
    // Drawn whether or not it can succeed, so one setting's value never shifts another's decisions.
    return std::uniform_real_distribution<double>(0.0, 100.0)(m_random) < percent;
}

Impairer::Clock::time_point Impairer::releaseTime(Clock::time_point now, std::size_t bytes) {
    auto due = now + m_settings.delay;
    if (m_settings.jitter.count() > 0) {
        const auto j = m_settings.jitter.count();
        due += std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(-j, j)(m_random));
        due = std::max(due, now);
    }
    if (m_stream) due = std::max(due, m_lastDue);
    if (m_settings.rateBytesPerSecond > 0) {
        // A link of that speed: the unit leaves once it has been "transmitted" after the one ahead of it.
        const auto transmit = std::chrono::nanoseconds(static_cast<std::int64_t>(
            static_cast<double>(bytes) * 1e9 / static_cast<double>(m_settings.rateBytesPerSecond)));
        due = std::max(due, m_linkFreeAt) + std::chrono::duration_cast<Clock::duration>(transmit);
        m_linkFreeAt = due;
    }
    m_lastDue = std::max(m_lastDue, due);
    return due;
}

void Impairer::push(Clock::time_point now, SharedBytes unit) {
    const std::size_t size = unit->size();
    ++m_tally.unitsIn;
    m_tally.bytesIn += size;
    const std::uint64_t arrival = m_arrivals++;
    // Decisions in a fixed order per unit, each drawn only when its setting is on: a seed replays a run exactly.
    if (!m_stream && chance(m_settings.lossPercent)) {
        ++m_tally.dropped;
        m_tally.droppedBytes += size;
        return;
    }
    const bool duplicate = !m_stream && chance(m_settings.duplicatePercent);
    const bool holdBack = !m_stream && chance(m_settings.reorderPercent);
    Scheduled scheduled{releaseTime(now, size), 0, arrival, now, std::move(unit), duplicate, false};
    if (duplicate) ++m_tally.duplicated;
    m_waitingBytes += size * (duplicate ? 2 : 1);
    if (holdBack && !m_held) {
        m_held = std::move(scheduled); // goes right after the next unit, or alone after ReorderHoldLimit
        return;
    }
    const Clock::time_point due = scheduled.due;
    schedule(std::move(scheduled));
    if (m_held) {
        Scheduled held = std::move(*m_held);
        m_held.reset();
        held.due = std::max(held.due, due);
        schedule(std::move(held)); // after the one just queued: equal due times keep queueing order
    }
}

void Impairer::schedule(Scheduled unit) {
    if (unit.duplicate) {
        Scheduled copy = unit;
        copy.copy = true;
        copy.duplicate = false;
        unit.duplicate = false;
        insert(std::move(unit));
        insert(std::move(copy));
        return;
    }
    insert(std::move(unit));
}

void Impairer::insert(Scheduled unit) {
    unit.order = m_order++;
    // Mostly appended: search from the back for the first unit due no later.
    auto at = m_queue.end();
    while (at != m_queue.begin() && std::prev(at)->due > unit.due) --at;
    m_queue.insert(at, std::move(unit));
}

void Impairer::releaseHeldAt(Clock::time_point now) {
    if (!m_held || now < m_held->due + ReorderHoldLimit) return;
    Scheduled held = std::move(*m_held);
    m_held.reset();
    held.due += ReorderHoldLimit;
    schedule(std::move(held));
}

void Impairer::release(const Scheduled& unit) {
    const std::size_t size = unit.bytes->size();
    ++m_tally.unitsOut;
    m_tally.bytesOut += size;
    m_waitingBytes -= size;
    if (unit.due > unit.arrivedAt) ++m_tally.delayed;
    // Reordered: a unit that arrived after it has already left. A duplicate's copy is the receiver's duplicate.
    if (!unit.copy && m_latestReleased && unit.arrival < *m_latestReleased) ++m_tally.reordered;
    if (!m_latestReleased || unit.arrival > *m_latestReleased) m_latestReleased = unit.arrival;
    const std::size_t piece = m_settings.splitBytes && !m_datagrams ? m_settings.splitBytes : size;
    if (piece >= size) {
        m_pieces.push_back(unit.bytes);
        return;
    }
    for (std::size_t offset = 0; offset < size; offset += piece) {
        const auto from = unit.bytes->begin() + static_cast<std::ptrdiff_t>(offset);
        m_pieces.push_back(std::make_shared<const Bytes>(from, from + static_cast<std::ptrdiff_t>(std::min(piece, size - offset))));
    }
}

std::optional<SharedBytes> Impairer::pop(Clock::time_point now) {
    if (m_pieces.empty()) {
        releaseHeldAt(now);
        if (m_queue.empty() || m_queue.front().due > now) return std::nullopt;
        release(m_queue.front());
        m_queue.pop_front();
    }
    SharedBytes piece = std::move(m_pieces.front());
    m_pieces.pop_front();
    ++m_tally.writesOut;
    return piece;
}

std::optional<Impairer::Clock::time_point> Impairer::nextDue() const {
    if (!m_pieces.empty()) return Clock::time_point::min();
    std::optional<Clock::time_point> next;
    if (!m_queue.empty()) next = m_queue.front().due;
    if (m_held) {
        const auto heldDue = m_held->due + ReorderHoldLimit;
        if (!next || heldDue < *next) next = heldDue;
    }
    return next;
}

std::vector<SharedBytes> Impairer::flush() {
    std::vector<SharedBytes> all;
    for (;;) {
        if (m_pieces.empty()) {
            if (m_held) {
                Scheduled held = std::move(*m_held);
                m_held.reset();
                schedule(std::move(held));
            }
            if (m_queue.empty()) break;
            release(m_queue.front());
            m_queue.pop_front();
        }
        all.push_back(std::move(m_pieces.front()));
        m_pieces.pop_front();
        ++m_tally.writesOut;
    }
    return all;
}

} // namespace socketeer::core
