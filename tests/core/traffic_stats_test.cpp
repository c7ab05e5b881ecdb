// The generator's pure parts: the probe header on the wire, the sequence tracker's loss/dup/reorder accounting and
// jitter, and the latency histogram's percentiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "socketeer/core/traffic/latency_histogram.hpp"
#include "socketeer/core/stats/probe_header.hpp"
#include "socketeer/core/units_format.hpp"
#include "socketeer/core/stats/sequence_tracker.hpp"
#include "socketeer/core/traffic/traffic_generator.hpp"

namespace socketeer::core {
namespace {

TEST(ProbeHeader, RoundTripsBigEndianOnTheWire) {
    Bytes bytes(40, 0xee);
    writeProbeHeader({0x01020304, 0x1122334455667788ull, 0x0a0b0c0d0e0f1011ll}, bytes.data());
    const Bytes expected{'S', 'K', 'T', 'B', 1, 2, 3, 4, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                         0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11};
    EXPECT_EQ(Bytes(bytes.begin(), bytes.begin() + 24), expected);
    EXPECT_EQ(bytes[24], 0xee) << "the header writes 24 bytes, no more";
    const auto header = readProbeHeader(bytes);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->stream, 0x01020304u);
    EXPECT_EQ(header->sequence, 0x1122334455667788ull);
    EXPECT_EQ(header->sentNs, 0x0a0b0c0d0e0f1011ll);
}

TEST(ProbeHeader, OtherPayloadsAreNotHeaders) {
    EXPECT_FALSE(readProbeHeader(toBytes("SKTB too short")));
    EXPECT_FALSE(readProbeHeader(toBytes("hello world, this is plain text")));
    EXPECT_FALSE(readProbeHeader(Bytes{}));
}

ProbeHeader at(std::uint64_t sequence, std::uint32_t stream = 7) { return {stream, sequence, 0}; }

TEST(SequenceTracker, CountsLossDuplicatesAndReorderingExactly) {
    SequenceTracker tracker;
    // 0 1 3 2 2 5 9 ; 4 6 7 8 never come; 2 twice (dup), 2 after 3 (reordered)
    for (std::uint64_t s : {0, 1, 3, 2, 2, 5, 9}) tracker.record(at(s), 0);
    const auto& stats = tracker.stats();
    EXPECT_EQ(stats.received, 7u);
    EXPECT_EQ(stats.unique, 6u);
    EXPECT_EQ(stats.expected, 10u);
    EXPECT_EQ(stats.lost, 4u);
    EXPECT_EQ(stats.duplicated, 1u);
    EXPECT_EQ(stats.reordered, 1u);
    // A late arrival fills a hole: no longer lost, counted as reordered.
    tracker.record(at(4), 0);
    EXPECT_EQ(tracker.stats().lost, 3u);
    EXPECT_EQ(tracker.stats().reordered, 2u);
}

TEST(SequenceTracker, MatchesAGroundTruthOverManyWindows) {
    // 300,000 numbers (several windows), 2 % dropped, 1 % duplicated, 1 % swapped with their neighbour.
    std::mt19937 random(12345);
    std::vector<std::uint64_t> arrivals;
    std::uint64_t dropped = 0, duplicated = 0;
    const std::uint64_t total = 300'000;
    for (std::uint64_t s = 0; s < total; ++s) {
        const unsigned roll = random() % 100;
        if (roll < 2 && s + 1 < total) {
            ++dropped;
            continue;
        }
        arrivals.push_back(s);
        if (roll == 2) {
            arrivals.push_back(s);
            ++duplicated;
        }
    }
    std::uint64_t swaps = 0;
    for (std::size_t i = 1; i + 1 < arrivals.size(); i += 2)
        // Only pairs with no duplicate next to them: a swapped duplicate would count as a duplicate, not reordered.
        if (random() % 100 == 0 && arrivals[i - 1] < arrivals[i] && arrivals[i] < arrivals[i + 1] &&
            (i + 2 == arrivals.size() || arrivals[i + 1] < arrivals[i + 2])) {
            std::swap(arrivals[i], arrivals[i + 1]);
            ++swaps;
        }
    SequenceTracker tracker;
    for (auto s : arrivals) tracker.record(at(s), 0);
    const auto& stats = tracker.stats();
    EXPECT_EQ(stats.received, arrivals.size());
    EXPECT_EQ(stats.expected, total);
    EXPECT_EQ(stats.lost, dropped);
    EXPECT_EQ(stats.duplicated, duplicated);
    EXPECT_EQ(stats.reordered, swaps);
}

TEST(SequenceTracker, ANewStreamStartsOver) {
    SequenceTracker tracker;
    for (std::uint64_t s = 0; s < 10; s += 2) tracker.record(at(s, 1), 0);
    EXPECT_EQ(tracker.stats().lost, 4u);
    tracker.record(at(0, 2), 0);
    tracker.record(at(1, 2), 0);
    EXPECT_EQ(tracker.stats().stream, 2u);
    EXPECT_EQ(tracker.stats().received, 2u);
    EXPECT_EQ(tracker.stats().lost, 0u);
}

TEST(SequenceTracker, JitterFollowsRfc3550) {
    SequenceTracker tracker;
    // Transit alternates 100 µs / 300 µs: every difference is 200 µs, so J converges to 200 µs.
    for (std::uint64_t s = 0; s < 400; ++s) {
        const std::int64_t sent = static_cast<std::int64_t>(s) * 1'000'000;
        tracker.record({1, s, sent}, sent + (s % 2 ? 300'000 : 100'000));
    }
    EXPECT_NEAR(tracker.stats().jitterUs, 200.0, 0.5);
    SequenceTracker steady;
    for (std::uint64_t s = 0; s < 100; ++s) steady.record({1, s, 1000 * static_cast<std::int64_t>(s)}, 1000 * static_cast<std::int64_t>(s) + 5'000'000);
    EXPECT_EQ(steady.stats().jitterUs, 0.0) << "a constant offset (another host's clock) is no jitter";
}

TEST(LatencyHistogram, PercentilesWithinTheStatedError) {
    LatencyHistogram histogram;
    std::vector<std::uint64_t> values;
    std::mt19937_64 random(99);
    for (int i = 0; i < 100'000; ++i) {
        const std::uint64_t v = 1000 + random() % 10'000'000; // 1 µs .. 10 ms
        values.push_back(v);
        histogram.record(v);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const auto exact = values[static_cast<std::size_t>(std::ceil(q * values.size())) - 1];
        const auto estimate = histogram.quantileNs(q);
        EXPECT_NEAR(static_cast<double>(estimate), static_cast<double>(exact), exact / 64.0 + 1) << "q=" << q;
    }
    EXPECT_EQ(histogram.quantileNs(0), values.front());
    EXPECT_EQ(histogram.quantileNs(1), values.back());
    const auto summary = histogram.summary();
    EXPECT_EQ(summary.count, 100'000u);
    EXPECT_DOUBLE_EQ(summary.minUs, static_cast<double>(values.front()) / 1000.0);
    EXPECT_DOUBLE_EQ(summary.maxUs, static_cast<double>(values.back()) / 1000.0);
}

TEST(LatencyHistogram, SmallValuesAreExactAndMergeAdds) {
    LatencyHistogram a, b;
    for (std::uint64_t v = 0; v < 100; ++v) a.record(v);
    b.record(1'000'000);
    a.merge(b);
    EXPECT_EQ(a.count(), 101u);
    EXPECT_EQ(a.quantileNs(0.5), 50u);
    EXPECT_EQ(a.quantileNs(1.0), 1'000'000u);
}

TEST(LatencyHistogram, PartsRebuildTheSameHistogramAndMergedPartsEqualOneRecording) {
    LatencyHistogram a, b, all;
    std::mt19937_64 random(7);
    for (int i = 0; i < 20'000; ++i) {
        const std::uint64_t v = random() % 50'000'000;
        (i % 3 ? a : b).record(v);
        all.record(v);
    }
    LatencyHistogram rebuiltA, rebuiltB;
    ASSERT_EQ(LatencyHistogram::fromParts(a.parts(), rebuiltA), "");
    ASSERT_EQ(LatencyHistogram::fromParts(b.parts(), rebuiltB), "");
    rebuiltA.merge(rebuiltB);
    const auto merged = rebuiltA.parts(), expected = all.parts();
    EXPECT_EQ(merged.count, expected.count);
    EXPECT_EQ(merged.minNs, expected.minNs);
    EXPECT_EQ(merged.maxNs, expected.maxNs);
    EXPECT_EQ(merged.sumNs, expected.sumNs);
    ASSERT_EQ(merged.buckets.size(), expected.buckets.size());
    for (std::size_t i = 0; i < merged.buckets.size(); ++i) {
        EXPECT_EQ(merged.buckets[i].lowNs, expected.buckets[i].lowNs);
        EXPECT_EQ(merged.buckets[i].count, expected.buckets[i].count);
    }
    for (double q : {0.5, 0.9, 0.99}) EXPECT_EQ(rebuiltA.quantileNs(q), all.quantileNs(q));
}

TEST(LatencyHistogram, PartsThatDoNotAddUpAreRefusedByName) {
    LatencyHistogram h;
    h.record(1000);
    h.record(5000);
    const auto good = h.parts();
    LatencyHistogram out;
    auto parts = good;
    parts.buckets[0].lowNs += 1;
    EXPECT_EQ(LatencyHistogram::fromParts(parts, out), "bucket 0: 1001 ns is not where a bucket starts");
    parts = good;
    std::swap(parts.buckets[0], parts.buckets[1]);
    EXPECT_EQ(LatencyHistogram::fromParts(parts, out), "bucket 1: buckets must be in ascending order, each once");
    parts = good;
    parts.count = 3;
    EXPECT_EQ(LatencyHistogram::fromParts(parts, out), "the buckets hold 2 samples, count says 3");
    parts = good;
    parts.maxNs = 9000;
    EXPECT_EQ(LatencyHistogram::fromParts(parts, out), "max_ns 9000 is not in the highest bucket");
    parts = good;
    parts.buckets[1].count = 0;
    EXPECT_EQ(LatencyHistogram::fromParts(parts, out), "bucket 1: a bucket listed must hold at least one sample");
    EXPECT_EQ(out.count(), 0u) << "a refused report leaves the target as it was";
}

TEST(GeneratorSpec, RefusesWhatCannotWorkWithAReason) {
    GeneratorSpec spec;
    spec.host = "127.0.0.1";
    spec.port = 9;
    EXPECT_EQ(validateGeneratorSpec(spec), "");
    spec.mode = GeneratorMode::UdpStream;
    spec.payloadBytes = 10;
    EXPECT_EQ(validateGeneratorSpec(spec),
              "--size 10: must be at least 24 bytes (the sequence number and timestamp every message carries)");
    spec.payloadBytes = 70'000;
    EXPECT_EQ(validateGeneratorSpec(spec), "--size 70000: at most 65507 bytes fit in a UDP datagram");
    spec.mode = GeneratorMode::TcpStream;
    spec.connections = 0;
    EXPECT_EQ(validateGeneratorSpec(spec), "--connections 0: must be 1 to 10000");
    spec.connections = 1;
    spec.port = 0;
    EXPECT_EQ(validateGeneratorSpec(spec), "port 0 cannot be a destination");
    spec.port = 9;
    spec.mode = GeneratorMode::TcpRtt;
    spec.payloadBytes = 64;
    spec.probeCount = 0;
    spec.duration = std::chrono::milliseconds(0);
    EXPECT_EQ(validateGeneratorSpec(spec), "round trips need a --count or a --duration");
}

} // namespace
} // namespace socketeer::core

namespace socketeer::core {
namespace {

TEST(RateFormat, DecimalUnitsLikeIperf) {
    EXPECT_EQ(formatBitRate(33.684e9), "33.68 Gbit/s");
    EXPECT_EQ(formatBitRate(512e6), "512.00 Mbit/s");
    EXPECT_EQ(formatBitRate(12'500), "12.5 kbit/s");
    EXPECT_EQ(formatBitRate(800), "800 bit/s");
    EXPECT_EQ(formatBitRate(0), "0 bit/s");
}

TEST(UnitsFormat, ByteCountsInBinaryUnitsExactWhenWhole) {
    EXPECT_EQ(formatByteCount(0), "0 B");
    EXPECT_EQ(formatByteCount(1023), "1023 B");
    EXPECT_EQ(formatByteCount(1024), "1 KiB");
    EXPECT_EQ(formatByteCount(1536), "1.50 KiB");
    EXPECT_EQ(formatByteCount(16u << 20), "16 MiB");
    EXPECT_EQ(formatByteCount((1u << 20) + 1), "1.00 MiB");
    EXPECT_EQ(formatByteCount(45'237'000'000ull), "42.13 GiB");
    EXPECT_EQ(formatByteCount(5ull << 40), "5 TiB");
    EXPECT_EQ(formatByteCount(5000ull << 40), "5000 TiB");
}

} // namespace
} // namespace socketeer::core
