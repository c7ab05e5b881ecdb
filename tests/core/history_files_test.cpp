// History written out whole: CSV byte for byte (RFC 4180 quoting), JSON Lines in the CLI's shape, pcapng that our
// reader reads back, and what was evicted before is counted.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "socketeer/core/capture/pcapng_reader.hpp"
#include "socketeer/core/history/history_files.hpp"

namespace {

using namespace socketeer::core;

std::string tempFile(const std::string& name) {
    const auto path = std::filesystem::temp_directory_path() / ("socketeer-history-" + name);
    std::filesystem::remove(path);
    return path.string();
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void fill(SessionHistory& history) {
    const std::int64_t t0 = 1'796'302'333'000'000;
    history.append(t0, Direction::Rx, 1, {"127.0.0.1", 40000}, toBytes("a,b \"quoted\"\r\nnext"));
    history.append(t0 + 1500, Direction::Tx, 1, {"127.0.0.1", 40000}, Bytes{0x01, 0xff});
    history.append(t0 + 2000, Direction::Rx, 2, {"::1", 40001}, toBytes("plain"));
}

TEST(HistoryFiles, CsvHasAHeaderAndQuotesWhatNeedsIt) {
    SessionHistory history;
    fill(history);
    const std::string path = tempFile("rows.csv");
    const auto result = writeHistoryFile(history, {path, HistoryFileFormat::Csv});
    ASSERT_EQ(result.error, "");
    EXPECT_EQ(result.records, 3u);
    EXPECT_EQ(readAll(path),
              "time,direction,peer,connection,size,hex,text\r\n"
              "2026-12-03T12:52:13.000000Z,RX,127.0.0.1:40000,1,18,612c62202271756f746564220d0a6e657874,"
              "\"a,b \"\"quoted\"\"\\r\\nnext\"\r\n"
              "2026-12-03T12:52:13.001500Z,TX,127.0.0.1:40000,1,2,01ff,\\x01\\xFF\r\n"
              "2026-12-03T12:52:13.002000Z,RX,[::1]:40001,2,5,706c61696e,plain\r\n");
    EXPECT_EQ(csvField("x\"y"), "\"x\"\"y\"");
    EXPECT_EQ(csvField("line\nbreak"), "\"line\nbreak\"");
    // Never over an existing file unless asked.
    const auto again = writeHistoryFile(history, {path, HistoryFileFormat::Csv});
    EXPECT_NE(again.error.find("already exists"), std::string::npos) << again.error;
    std::filesystem::remove(path);
}

TEST(HistoryFiles, JsonLinesAreTheClisDataEvents) {
    SessionHistory history;
    fill(history);
    const std::string path = tempFile("rows.jsonl");
    HistoryFileSpec spec{path, HistoryFileFormat::JsonLines};
    spec.sessionName = "device";
    ASSERT_EQ(writeHistoryFile(history, spec).error, "");
    std::vector<nlohmann::json> lines;
    {
        std::ifstream in(path); // closed before the file is removed (Windows will not remove an open file)
        for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    }
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0]["event"], "data");
    EXPECT_EQ(lines[0]["session"], "device");
    EXPECT_EQ(lines[0]["conn"], 1);
    EXPECT_EQ(lines[0]["size"], 18);
    EXPECT_EQ(lines[0]["text"], "a,b \"quoted\"\\r\\nnext");
    EXPECT_EQ(lines[1]["event"], "sent");
    EXPECT_EQ(lines[1]["hex"], "01ff");
    EXPECT_EQ(lines[2]["peer"], "[::1]:40001");
    EXPECT_EQ(lines[2]["time"], "2026-12-03T12:52:13.002000Z");
    std::filesystem::remove(path);
}

TEST(HistoryFiles, PcapngHoldsEveryRecordAsPacketsAndEvictionIsCounted) {
    SessionHistory history(4096);
    const Bytes chunk(1000, 'z');
    for (int i = 0; i < 40; ++i) history.append(1000 + i, Direction::Rx, 1, {"127.0.0.1", 5000}, chunk);
    ASSERT_GT(history.evictedRecords(), 0u);
    const std::string path = tempFile("rows.pcapng");
    HistoryFileSpec spec{path, HistoryFileFormat::Pcapng};
    spec.kind = SessionKind::TcpClient;
    spec.scene.localOpens = true;
    spec.scene.local = Endpoint{"127.0.0.1", 40000};
    const auto result = writeHistoryFile(history, spec);
    ASSERT_EQ(result.error, "");
    EXPECT_EQ(result.records, history.size());
    EXPECT_EQ(result.evicted, history.evictedRecords());
    const std::string bytes = readAll(path);
    const auto file = pcapng::readPcapng({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    ASSERT_EQ(file.error, "");
    ASSERT_EQ(file.packets.size(), 3 + history.size()) << "a handshake, then one segment per record";
    EXPECT_EQ(file.packets[0].comments, std::vector<std::string>{"opened before the capture saw it"});
    EXPECT_EQ(file.packets[3].data.size(), 14u + 20 + 20 + 1000);
    std::filesystem::remove(path);
}

} // namespace
