// The proxy's impairments, sans I/O: release times, order, and counts that equal what a receiver observes.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "socketeer/core/proxy/impairment.hpp"

using namespace socketeer::core;
using namespace std::chrono_literals;
using Clock = Impairer::Clock;

namespace {

SharedBytes numbered(std::uint64_t n, std::size_t size = 16) {
    Bytes bytes(size, 0);
    for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (56 - 8 * i));
    return std::make_shared<const Bytes>(std::move(bytes));
}

std::uint64_t numberOf(const SharedBytes& bytes) {
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n = n << 8 | (*bytes)[static_cast<std::size_t>(i)];
    return n;
}

/// Pushes `count` numbered units 1 ms apart and collects what leaves, running the clock forward to each due time.
std::vector<std::uint64_t> run(Impairer& impairer, std::uint64_t count) {
    std::vector<std::uint64_t> out;
    const Clock::time_point start{};
    Clock::time_point now = start;
    for (std::uint64_t i = 0; i < count; ++i) {
        now = start + std::chrono::milliseconds(i);
        impairer.push(now, numbered(i));
        while (auto piece = impairer.pop(now)) out.push_back(numberOf(*piece));
    }
    for (int guard = 0; guard < 100000; ++guard) {
        const auto next = impairer.nextDue();
        if (!next) break;
        now = std::max(now, *next);
        while (auto piece = impairer.pop(now)) out.push_back(numberOf(*piece));
    }
    return out;
}

/// What a receiver of numbered datagrams counts: never seen (lost), seen again (duplicate), below the highest seen
/// on first sight (reordered).
struct ReceiverView {
    std::uint64_t lost = 0, duplicates = 0, reordered = 0;
};
ReceiverView observe(const std::vector<std::uint64_t>& received, std::uint64_t sent) {
    ReceiverView view;
    std::set<std::uint64_t> seen;
    std::optional<std::uint64_t> highest;
    for (std::uint64_t n : received) {
        if (!seen.insert(n).second) {
            ++view.duplicates;
            continue;
        }
        if (highest && n < *highest) ++view.reordered;
        if (!highest || n > *highest) highest = n;
    }
    view.lost = sent - seen.size();
    return view;
}

} // namespace

TEST(Impairment, NothingSetForwardsEverythingAtOnceInOrder) {
    Impairer impairer({}, 1, TrafficUnits::Datagrams);
    const auto out = run(impairer, 100);
    ASSERT_EQ(out.size(), 100u);
    for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(out[i], i);
    EXPECT_EQ(impairer.tally().unitsOut, 100u);
    EXPECT_EQ(impairer.tally().delayed, 0u);
    EXPECT_EQ(impairer.tally().bytesOut, 1600u);
    EXPECT_EQ(impairer.waitingBytes(), 0u);
}

TEST(Impairment, ADelayHoldsEachUnitThatLong) {
    ImpairmentSettings settings;
    settings.delay = 20ms;
    Impairer impairer(settings, 1, TrafficUnits::Messages);
    const Clock::time_point t0{};
    impairer.push(t0, numbered(7));
    EXPECT_EQ(impairer.nextDue(), t0 + 20ms);
    EXPECT_EQ(impairer.waitingBytes(), 16u);
    EXPECT_FALSE(impairer.pop(t0 + 19ms).has_value());
    auto piece = impairer.pop(t0 + 20ms);
    ASSERT_TRUE(piece.has_value());
    EXPECT_EQ(numberOf(*piece), 7u);
    EXPECT_EQ(impairer.tally().delayed, 1u);
    EXPECT_FALSE(impairer.nextDue().has_value());
}

TEST(Impairment, JitterNeverReordersAStream) {
    ImpairmentSettings settings;
    settings.delay = 5ms;
    settings.jitter = 5ms;
    Impairer impairer(settings, 42, TrafficUnits::Stream);
    const auto out = run(impairer, 2000);
    ASSERT_EQ(out.size(), 2000u);
    for (std::uint64_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], i) << "a stream's bytes stay in order";
    EXPECT_EQ(impairer.tally().reordered, 0u);
}

TEST(Impairment, LossDuplicationAndReorderingAreExactlyWhatTheReceiverSeesAndTheSeedReplaysThem) {
    ImpairmentSettings settings;
    settings.lossPercent = 5;
    settings.duplicatePercent = 5;
    settings.reorderPercent = 5;
    Impairer first(settings, 1, TrafficUnits::Datagrams);
    const auto out = run(first, 10000);
    const ImpairmentTally& tally = first.tally();
    const ReceiverView view = observe(out, 10000);
    EXPECT_EQ(view.lost, tally.dropped);
    EXPECT_EQ(view.duplicates, tally.duplicated);
    EXPECT_EQ(view.reordered, tally.reordered);
    EXPECT_EQ(out.size(), tally.unitsOut);
    EXPECT_EQ(tally.unitsIn, 10000u);
    EXPECT_EQ(tally.unitsOut, 10000u - tally.dropped + tally.duplicated);
    // About 5 % each: the draws are uniform.
    for (std::uint64_t n : {tally.dropped, tally.duplicated, tally.reordered}) {
        EXPECT_GT(n, 350u);
        EXPECT_LT(n, 650u);
    }
    Impairer again(settings, 1, TrafficUnits::Datagrams);
    EXPECT_EQ(run(again, 10000), out) << "the same seed, the same run";
    EXPECT_EQ(again.tally(), tally);
    Impairer other(settings, 2, TrafficUnits::Datagrams);
    EXPECT_NE(run(other, 10000), out);
}

TEST(Impairment, JitterOnDatagramsReordersAndCountsIt) {
    ImpairmentSettings settings;
    settings.jitter = 3ms; // units 1 ms apart overtake each other
    Impairer impairer(settings, 9, TrafficUnits::Datagrams);
    const auto out = run(impairer, 3000);
    const ReceiverView view = observe(out, 3000);
    EXPECT_GT(view.reordered, 100u);
    EXPECT_EQ(view.reordered, impairer.tally().reordered);
    EXPECT_EQ(view.lost, 0u);
}

TEST(Impairment, AHeldBackUnitWithNobodyToOvertakeItGoesAloneAfterTheHoldLimit) {
    ImpairmentSettings settings;
    settings.reorderPercent = 100;
    Impairer impairer(settings, 1, TrafficUnits::Messages);
    const Clock::time_point t0{};
    impairer.push(t0, numbered(1));
    EXPECT_FALSE(impairer.pop(t0).has_value());
    EXPECT_EQ(impairer.nextDue(), t0 + Impairer::ReorderHoldLimit);
    EXPECT_FALSE(impairer.pop(t0 + Impairer::ReorderHoldLimit - 1ms).has_value());
    auto piece = impairer.pop(t0 + Impairer::ReorderHoldLimit);
    ASSERT_TRUE(piece.has_value());
    EXPECT_EQ(impairer.tally().reordered, 0u) << "nothing overtook it";
    // Two in a row: the first waits for the second and follows it.
    impairer.push(t0 + 1s, numbered(2));
    impairer.push(t0 + 1s, numbered(3));
    std::vector<std::uint64_t> order;
    while (auto p = impairer.pop(t0 + 1s)) order.push_back(numberOf(*p));
    EXPECT_EQ(order, (std::vector<std::uint64_t>{3, 2}));
    EXPECT_EQ(impairer.tally().reordered, 1u);
}

TEST(Impairment, SplitCutsEachUnitIntoWritesOfAtMostNBytes) {
    ImpairmentSettings settings;
    settings.splitBytes = 100;
    Impairer impairer(settings, 1, TrafficUnits::Stream);
    Bytes big(1050);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
    impairer.push(Clock::time_point{}, std::make_shared<const Bytes>(big));
    Bytes joined;
    std::size_t pieces = 0;
    while (auto piece = impairer.pop(Clock::time_point{})) {
        EXPECT_LE((*piece)->size(), 100u);
        joined.insert(joined.end(), (*piece)->begin(), (*piece)->end());
        ++pieces;
    }
    EXPECT_EQ(pieces, 11u);
    EXPECT_EQ(joined, big);
    EXPECT_EQ(impairer.tally().writesOut, 11u);
    EXPECT_EQ(impairer.tally().unitsOut, 1u);
}

TEST(Impairment, ARateSpacesUnitsAsALinkOfThatSpeedWould) {
    ImpairmentSettings settings;
    settings.rateBytesPerSecond = 10000;
    Impairer impairer(settings, 1, TrafficUnits::Stream);
    const Clock::time_point t0{};
    for (int i = 0; i < 10; ++i) impairer.push(t0, std::make_shared<const Bytes>(1000, 0));
    std::optional<Clock::time_point> last;
    for (int guard = 0; guard < 100; ++guard) {
        const auto next = impairer.nextDue();
        if (!next) break;
        while (impairer.pop(*next)) last = *next;
    }
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(*last - t0, 1s) << "10 × 1000 B at 10000 B/s";
}

TEST(Impairment, ChangedSettingsApplyToUnitsThatArriveAfterwards) {
    Impairer impairer({}, 1, TrafficUnits::Messages);
    const Clock::time_point t0{};
    impairer.push(t0, numbered(1));
    ImpairmentSettings slow;
    slow.delay = 50ms;
    impairer.setSettings(slow);
    impairer.push(t0, numbered(2));
    auto first = impairer.pop(t0);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(numberOf(*first), 1u);
    EXPECT_FALSE(impairer.pop(t0).has_value());
    EXPECT_TRUE(impairer.pop(t0 + 50ms).has_value());
}

TEST(Impairment, FlushDeliversWhatWaitsInOrder) {
    ImpairmentSettings settings;
    settings.delay = 1s;
    settings.reorderPercent = 100;
    Impairer impairer(settings, 1, TrafficUnits::Messages);
    impairer.push(Clock::time_point{}, numbered(1));
    impairer.push(Clock::time_point{}, numbered(2));
    impairer.push(Clock::time_point{}, numbered(3));
    std::vector<std::uint64_t> order;
    for (const auto& piece : impairer.flush()) order.push_back(numberOf(piece));
    EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 1, 3}));
    EXPECT_EQ(impairer.waitingBytes(), 0u);
}

TEST(Impairment, SettingsThatCannotApplyAreNamed) {
    ImpairmentSettings loss;
    loss.lossPercent = 5;
    EXPECT_EQ(checkImpairment(loss, TrafficUnits::Stream),
              "--loss needs messages to act on: add --frame (a TCP stream as read has none), or use --udp");
    EXPECT_EQ(checkImpairment(loss, TrafficUnits::Messages), "");
    ImpairmentSettings split;
    split.splitBytes = 10;
    EXPECT_EQ(checkImpairment(split, TrafficUnits::Datagrams), "--split is for TCP: a datagram cannot be cut without changing it");
    ImpairmentSettings bad;
    bad.duplicatePercent = 120;
    EXPECT_EQ(checkImpairment(bad, TrafficUnits::Datagrams), "--duplicate 120: a percentage, 0 to 100");
    ImpairmentSettings all;
    all.delay = 20ms;
    all.jitter = 1500us;
    all.lossPercent = 5;
    all.splitBytes = 100;
    all.rateBytesPerSecond = 1 << 20;
    EXPECT_EQ(describeImpairment(all), "delay 20 ms ± 1.5 ms, loss 5 %, split 100 B, rate 1 MiB/s");
    EXPECT_EQ(describeImpairment({}), "none");
}
