// A short run of the frame benchmark, so bench/run-all's desktop rows cannot silently break: it must build frames
// over a filled receive pane and show every datagram of a stream in the history.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process.hpp"

TEST(FrameBenchSmoke, BuildsFramesAndIngestsEveryDatagram) {
    auto run = socketeer::test::runProcess({SOCKETEER_FRAME_BENCH_PATH, "--records", "20000", "--frames", "5",
                                            "--ingest-seconds", "0.5", "--rate", "4000", "--json"},
                                           {}, std::chrono::seconds(60));
    ASSERT_EQ(run.code, 0) << run.err;
    const auto result = nlohmann::json::parse(run.out);
    EXPECT_EQ(result["pane"]["records"].get<std::size_t>(), 20000u);
    EXPECT_EQ(result["pane"]["frames"].get<std::size_t>(), 5u);
    EXPECT_EQ(result["pane"]["pane_rows"].get<std::size_t>(), 20000u);
    EXPECT_TRUE(result["pane"]["newest_row_drawn"].get<bool>()) << "the timed frames must draw the pane's rows";
    EXPECT_GT(result["pane"]["frame_ms_median"].get<double>(), 0.0);
    const auto& ingest = result["ingest"];
    ASSERT_FALSE(ingest.contains("error")) << ingest.dump();
    EXPECT_GE(ingest["datagrams_sent"].get<std::uint64_t>(), 1500u);
    EXPECT_EQ(ingest["datagrams_received"].get<std::uint64_t>(), ingest["datagrams_sent"].get<std::uint64_t>());
    EXPECT_EQ(ingest["records_in_history"].get<std::uint64_t>(), ingest["datagrams_received"].get<std::uint64_t>());
    EXPECT_EQ(ingest["records_missing_from_display"].get<std::uint64_t>(), 0u);
}
