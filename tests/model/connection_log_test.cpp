// ConnectionLog on its own: lines with their level, events in core's words, the bound, the text for copy and save.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "connection_log.hpp"

using namespace socketeer;
using namespace socketeer::core;
using app::ConnectionLog;
using app::LogLine;

namespace {

SessionEvent eventAt(std::int64_t timeUs, SessionEventBody body) { return SessionEvent{timeUs, std::move(body)}; }

} // namespace

TEST(ConnectionLog, KeepsLinesInOrderWithTimeAndLevel) {
    ConnectionLog log;
    log.add(10, LogLine::Level::Info, "listening");
    log.add(20, LogLine::Level::Warning, "slow peer");
    log.add(30, LogLine::Level::Error, "refused");
    ASSERT_EQ(log.lines().size(), 3u);
    EXPECT_EQ(log.lines()[0].timeUs, 10);
    EXPECT_EQ(log.lines()[0].level, LogLine::Level::Info);
    EXPECT_EQ(log.lines()[0].text, "listening");
    EXPECT_EQ(log.lines()[1].timeUs, 20);
    EXPECT_EQ(log.lines()[1].level, LogLine::Level::Warning);
    EXPECT_EQ(log.lines()[1].text, "slow peer");
    EXPECT_EQ(log.lines()[2].timeUs, 30);
    EXPECT_EQ(log.lines()[2].level, LogLine::Level::Error);
    EXPECT_EQ(log.lines()[2].text, "refused");
    EXPECT_EQ(log.droppedLines(), 0u);
}

TEST(ConnectionLog, EventsAreLoggedInCoreWordsWithTheirSeverity) {
    ConnectionLog log;
    log.addEvent(eventAt(1, EventOpened{Endpoint{"127.0.0.1", 5000}, true}));
    EventClosed reset;
    reset.id = 2;
    reset.reason = CloseReason::Reset;
    reset.detail = "connection reset by 127.0.0.1:40000";
    log.addEvent(eventAt(2, reset));
    EventError error;
    error.message = "connect to 127.0.0.1:1 failed: Connection refused";
    log.addEvent(eventAt(3, error));
    ASSERT_EQ(log.lines().size(), 3u);
    EXPECT_EQ(log.lines()[0].timeUs, 1);
    EXPECT_EQ(log.lines()[0].level, LogLine::Level::Info);
    EXPECT_EQ(log.lines()[0].text, "listening on 127.0.0.1:5000");
    EXPECT_EQ(log.lines()[1].level, LogLine::Level::Warning);
    EXPECT_EQ(log.lines()[1].text, "closed (reset): connection reset by 127.0.0.1:40000");
    EXPECT_EQ(log.lines()[2].level, LogLine::Level::Error);
    EXPECT_EQ(log.lines()[2].text, "error: connect to 127.0.0.1:1 failed: Connection refused");
}

TEST(ConnectionLog, DataEventsAreNotLogged) {
    ConnectionLog log;
    EventData data;
    data.peer = Endpoint{"127.0.0.1", 5000};
    data.bytes = std::make_shared<const Bytes>(toBytes("payload"));
    log.addEvent(eventAt(1, data));
    EXPECT_TRUE(log.lines().empty());
    EXPECT_EQ(log.toText(), "");
}

TEST(ConnectionLog, BoundedToItsCapacityDroppingTheOldestAndCountingThem) {
    ConnectionLog log(3);
    for (int i = 1; i <= 5; ++i) log.add(i, LogLine::Level::Info, "line " + std::to_string(i));
    ASSERT_EQ(log.lines().size(), 3u);
    EXPECT_EQ(log.lines()[0].text, "line 3");
    EXPECT_EQ(log.lines()[1].text, "line 4");
    EXPECT_EQ(log.lines()[2].text, "line 5");
    EXPECT_EQ(log.droppedLines(), 2u);
}

TEST(ConnectionLog, DefaultCapacityIsTwentyThousandLines) {
    ConnectionLog log;
    for (int i = 0; i < 20000; ++i) log.add(i, LogLine::Level::Info, "x");
    EXPECT_EQ(log.lines().size(), 20000u);
    EXPECT_EQ(log.droppedLines(), 0u);
    log.add(20000, LogLine::Level::Info, "one more");
    EXPECT_EQ(log.lines().size(), 20000u);
    EXPECT_EQ(log.droppedLines(), 1u);
    EXPECT_EQ(log.lines().front().timeUs, 1);
    EXPECT_EQ(log.lines().back().text, "one more");
}

// The header's example shows "2026-11-25 10:00:00.123  error  ..."; the code writes core's ISO 8601 UTC time with
// microseconds and pads the level to five characters. This asserts what the code writes.
TEST(ConnectionLog, ToTextIsOneLinePerEntryWithUtcTimeAndLevel) {
    ConnectionLog log;
    log.add(0, LogLine::Level::Info, "listening on 127.0.0.1:5000");
    log.add(1'500'000'123, LogLine::Level::Warning, "closed (reset): gone");
    log.add(1'764'064'800'123'456, LogLine::Level::Error, "error: refused");
    EXPECT_EQ(log.toText(), "1970-01-01T00:00:00.000000Z  info   listening on 127.0.0.1:5000\n"
                            "1970-01-01T00:25:00.000123Z  warn   closed (reset): gone\n"
                            "2025-11-25T10:00:00.123456Z  error  error: refused\n");
}

TEST(ConnectionLog, ClearEmptiesTheLogAndItGoesOn) {
    ConnectionLog log(10);
    log.add(1, LogLine::Level::Error, "before");
    log.clear();
    EXPECT_TRUE(log.lines().empty());
    EXPECT_EQ(log.toText(), "");
    log.add(2, LogLine::Level::Info, "after");
    ASSERT_EQ(log.lines().size(), 1u);
    EXPECT_EQ(log.lines()[0].text, "after");
    EXPECT_EQ(log.toText(), "1970-01-01T00:00:00.000002Z  info   after\n");
}
