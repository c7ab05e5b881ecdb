// SessionHistory: bounded by its budget, evicts the oldest, counts exactly what it evicted.
#include <gtest/gtest.h>

#include "socketeer/core/history/session_history.hpp"

using namespace socketeer::core;

TEST(SessionHistory, KeepsRecordsWithTheirMetadata) {
    SessionHistory history;
    history.append(100, Direction::Rx, 3, Endpoint{"127.0.0.1", 5000}, toBytes("hello"));
    history.append(200, Direction::Tx, 3, Endpoint{"::1", 6000}, toBytes(""));
    ASSERT_EQ(history.size(), 2u);
    auto first = history.at(0);
    EXPECT_EQ(first.sequence, 0u);
    EXPECT_EQ(first.timeUs, 100);
    EXPECT_EQ(first.direction, Direction::Rx);
    EXPECT_EQ(first.connection, 3u);
    EXPECT_EQ(first.peer.toString(), "127.0.0.1:5000");
    EXPECT_EQ(std::string(asChars(first.bytes)), "hello");
    auto second = history.at(1);
    EXPECT_EQ(second.sequence, 1u);
    EXPECT_EQ(second.peer.toString(), "[::1]:6000");
    EXPECT_TRUE(second.bytes.empty());
}

TEST(SessionHistory, StaysWithinBudgetAndCountsEvictionExactly) {
    constexpr std::size_t Budget = 1u << 20;
    SessionHistory history(Budget);
    const Endpoint peer{"127.0.0.1", 1};
    std::uint64_t appendedBytes = 0;
    for (std::uint32_t i = 0; i < 20000; ++i) {
        Bytes payload(100 + i % 50, static_cast<std::uint8_t>(i));
        history.append(i, Direction::Rx, 1, peer, payload);
        appendedBytes += payload.size();
        ASSERT_LE(history.memoryUsed(), Budget) << "at record " << i;
    }
    EXPECT_GT(history.evictedRecords(), 0u);
    EXPECT_EQ(history.evictedRecords() + history.size(), 20000u);
    std::uint64_t keptBytes = 0;
    for (std::size_t i = 0; i < history.size(); ++i) keptBytes += history.at(i).bytes.size();
    EXPECT_EQ(history.evictedBytes() + keptBytes, appendedBytes);
    // What is kept is the newest, intact, in order.
    const auto last = history.at(history.size() - 1);
    EXPECT_EQ(last.sequence, 19999u);
    EXPECT_EQ(last.bytes.size(), 100u + 19999 % 50);
    EXPECT_EQ(last.bytes[0], static_cast<std::uint8_t>(19999));
    EXPECT_EQ(history.at(0).sequence, history.evictedRecords());
    EXPECT_EQ(history.at(0).timeUs, static_cast<std::int64_t>(history.evictedRecords()));
}

TEST(SessionHistory, ARecordLargerThanAChunkIsKept) {
    SessionHistory history(1u << 20);
    Bytes big(300000, 0xAB);
    history.append(1, Direction::Tx, 0, Endpoint{"127.0.0.1", 1}, big);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history.at(0).bytes.size(), big.size());
    EXPECT_EQ(history.at(0).bytes[299999], 0xAB);
}

TEST(SessionHistory, ShrinkingTheBudgetEvictsAtOnceAndClearKeepsNumbering) {
    SessionHistory history(4u << 20);
    for (int i = 0; i < 1000; ++i) history.append(i, Direction::Rx, 1, Endpoint{"127.0.0.1", 1}, Bytes(1000, 1));
    EXPECT_EQ(history.evictedRecords(), 0u);
    history.setBudget(64 * 1024);
    EXPECT_GT(history.evictedRecords(), 0u);
    EXPECT_LE(history.memoryUsed(), 64u * 1024);
    EXPECT_EQ(history.evictedRecords() + history.size(), 1000u);
    history.clear();
    EXPECT_TRUE(history.empty());
    history.append(5, Direction::Rx, 1, Endpoint{"127.0.0.1", 1}, toBytes("x"));
    EXPECT_EQ(history.at(0).sequence, 1000u);
}

TEST(SessionHistory, PeersOfEvictedRecordsAreForgotten) {
    SessionHistory history(256 * 1024);
    for (std::uint32_t i = 0; i < 200000; ++i) {
        const Endpoint peer{"10.0." + std::to_string((i >> 8) & 0xFF) + "." + std::to_string(i & 0xFF),
                            static_cast<std::uint16_t>(i)};
        history.append(i, Direction::Rx, 0, peer, toBytes("x"));
        ASSERT_LE(history.memoryUsed(), 256u * 1024) << "at record " << i;
    }
    ASSERT_GT(history.size(), 100u);
    const auto last = history.at(history.size() - 1);
    EXPECT_EQ(last.peer.port, static_cast<std::uint16_t>(199999));
    EXPECT_EQ(last.peer.address, "10.0." + std::to_string((199999 >> 8) & 0xFF) + "." + std::to_string(199999 & 0xFF));
}
