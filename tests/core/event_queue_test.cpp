// EventQueue: order, swap-on-drain, one wake per drain, bounded by a budget with exact gap accounting.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "socketeer/core/event/event_queue.hpp"

using namespace socketeer::core;

namespace {

SessionEvent dataEvent(Direction direction, std::size_t size, std::uint8_t fill = 0) {
    return {nowUs(), EventData{direction, 1, Endpoint{"127.0.0.1", 1}, std::make_shared<const Bytes>(size, fill)}};
}

} // namespace

TEST(EventQueue, DrainReturnsEventsInOrderAndEmptiesTheQueue) {
    EventQueue queue;
    queue.push({1, EventNotice{"a"}});
    queue.push({2, EventNotice{"b"}});
    std::vector<SessionEvent> out;
    EXPECT_EQ(queue.drain(out), 2u);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(std::get<EventNotice>(out[0].body).text, "a");
    EXPECT_EQ(std::get<EventNotice>(out[1].body).text, "b");
    EXPECT_EQ(queue.drain(out), 0u);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(queue.queuedBytes(), 0u);
}

TEST(EventQueue, WakesOncePerDrain) {
    EventQueue queue;
    int wakes = 0;
    queue.setWakeCallback([&] { ++wakes; });
    for (int i = 0; i < 10; ++i) queue.push({0, EventNotice{"x"}});
    EXPECT_EQ(wakes, 1);
    std::vector<SessionEvent> out;
    queue.drain(out);
    queue.push({0, EventNotice{"y"}});
    queue.push({0, EventNotice{"z"}});
    EXPECT_EQ(wakes, 2);
}

TEST(EventQueue, OverBudgetDataIsFoldedIntoAnExactGap) {
    EventQueueLimits limits;
    limits.byteBudget = 10 * 1024;
    EventQueue queue(limits);
    std::uint64_t pushedRx = 0;
    for (int i = 0; i < 100; ++i) {
        queue.push(dataEvent(Direction::Rx, 1000));
        pushedRx += 1000;
    }
    queue.push(dataEvent(Direction::Tx, 10));
    EXPECT_LE(queue.queuedBytes(), limits.byteBudget);

    std::vector<SessionEvent> out;
    queue.drain(out);
    std::uint64_t keptRx = 0;
    std::uint64_t keptRxMessages = 0;
    const EventDisplayGap* gap = nullptr;
    for (const auto& e : out) {
        if (const auto* d = std::get_if<EventData>(&e.body); d && d->direction == Direction::Rx) {
            keptRx += d->bytes->size();
            ++keptRxMessages;
        }
        if (const auto* g = std::get_if<EventDisplayGap>(&e.body)) gap = g;
    }
    ASSERT_NE(gap, nullptr);
    EXPECT_EQ(keptRx + gap->rxBytes, pushedRx);
    EXPECT_EQ(keptRxMessages + gap->rxMessages, 100u);
    EXPECT_EQ(gap->txBytes, 10u);
    EXPECT_EQ(gap->txMessages, 1u);
    EXPECT_TRUE(std::holds_alternative<EventDisplayGap>(out.back().body)) << "the gap comes where the loss happened";
}

TEST(EventQueue, FoldingLastsUntilTheDrainThenQueueingResumes) {
    EventQueueLimits limits;
    limits.maxEvents = 4;
    EventQueue queue(limits);
    for (int i = 0; i < 5; ++i) queue.push({i, EventNotice{std::to_string(i)}});
    EXPECT_LE(queue.queuedBytes(), 3 * EventQueue::PerEventOverhead);
    std::vector<SessionEvent> out;
    queue.drain(out);
    // 3 fit (one slot stays for the gap), 2 are folded; the gap is the last event.
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(std::get<EventDisplayGap>(out.back().body).otherEvents, 2u);
    out.clear();
    queue.push({9, EventNotice{"after"}});
    queue.drain(out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::get<EventNotice>(out[0].body).text, "after");
}

TEST(EventQueue, ProducerThreadAndConsumerLoseNothingUnderBudget) {
    EventQueue queue;
    constexpr int Count = 100000;
    std::thread producer([&] {
        for (int i = 0; i < Count; ++i) queue.push({i, EventNotice{}});
    });
    std::vector<SessionEvent> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (out.size() < Count && std::chrono::steady_clock::now() < deadline) {
        queue.waitUntilNotEmpty(std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
        queue.drain(out);
    }
    producer.join();
    queue.drain(out);
    ASSERT_EQ(out.size(), static_cast<std::size_t>(Count));
    for (int i = 0; i < Count; ++i) ASSERT_EQ(out[i].timeUs, i);
}

TEST(EventQueue, PauseSourcesKeepsEveryReceivedEventAndSaysWhenItIsOverBudget) {
    EventQueue queue({1000, 100, QueueOverflow::PauseSources});
    int rooms = 0;
    queue.setRoomCallback([&] { ++rooms; });
    queue.push(dataEvent(Direction::Rx, 600));
    EXPECT_FALSE(queue.overBudget());
    queue.push(dataEvent(Direction::Rx, 600));
    EXPECT_TRUE(queue.overBudget()) << "the readers must stop now";
    for (int i = 0; i < 10; ++i) queue.push(dataEvent(Direction::Rx, 600)); // reads already under way when it filled
    std::vector<SessionEvent> out;
    EXPECT_EQ(queue.drain(out), 12u);
    for (const auto& event : out) EXPECT_TRUE(std::holds_alternative<EventData>(event.body)) << "a received event was folded";
    EXPECT_FALSE(queue.overBudget());
    EXPECT_EQ(rooms, 1) << "the drain that emptied a full queue lets the readers go on, once";
    queue.drain(out);
    EXPECT_EQ(rooms, 1);
}

TEST(EventQueue, PauseSourcesStillBoundsWhatNoReadCaused) {
    EventQueue queue({1000, 100, QueueOverflow::PauseSources});
    for (int i = 0; i < 1000; ++i) queue.push(dataEvent(Direction::Tx, 100));
    std::vector<SessionEvent> out;
    queue.drain(out);
    ASSERT_FALSE(out.empty());
    const auto* gap = std::get_if<EventDisplayGap>(&out.back().body);
    ASSERT_NE(gap, nullptr) << "sent data past HardCapFactor x the budget must fold";
    std::uint64_t kept = 0;
    for (const auto& event : out) kept += std::holds_alternative<EventData>(event.body) ? 1 : 0;
    EXPECT_EQ(kept + gap->txMessages, 1000u);
    EXPECT_LE(kept * (100 + EventQueue::PerEventOverhead), 1000u * EventQueue::HardCapFactor);
}

TEST(EventQueue, AQuietPushWakesTheConsumerOnlyWhenAskedTo) {
    EventQueue queue;
    int wakes = 0;
    queue.setWakeCallback([&] { ++wakes; });
    queue.pushQuietly({0, EventNotice{"read"}});
    queue.pushQuietly({0, EventNotice{"its reply"}});
    EXPECT_EQ(wakes, 0);
    queue.wakeConsumer();
    EXPECT_EQ(wakes, 1);
    queue.wakeConsumer();
    EXPECT_EQ(wakes, 1) << "one wake per quiet batch";
    std::vector<SessionEvent> out;
    EXPECT_EQ(queue.drain(out), 2u);
    queue.push({0, EventNotice{"loud"}});
    EXPECT_EQ(wakes, 2);
}

TEST(EventQueue, TheEndOfAStreamingSendIsNeverFolded) {
    EventQueue queue({1000, 100});
    for (int i = 0; i < 50; ++i) queue.push(dataEvent(Direction::Tx, 100)); // folding from the 8th on
    queue.push({0, EventStreamEnded{7, StreamOutcome::Completed, 5000, 5000, "payload", {}}});
    queue.push(dataEvent(Direction::Tx, 100));
    std::vector<SessionEvent> out;
    queue.drain(out);
    ASSERT_TRUE(std::holds_alternative<EventDisplayGap>(out.back().body));
    std::size_t ends = 0;
    for (const auto& event : out)
        if (const auto* ended = std::get_if<EventStreamEnded>(&event.body)) ends += ended->stream == 7 ? 1 : 0;
    EXPECT_EQ(ends, 1u) << "the stream's end was folded into the gap";
}
