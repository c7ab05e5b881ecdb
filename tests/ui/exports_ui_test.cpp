// Headless frame tests: capturing to pcapng from the panel, the history saved whole as CSV / JSON Lines / pcapng,
// the connection log as CSV, and Packet Sender's packets imported through the File menu.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "socketeer/core/capture/pcapng_reader.hpp"
#include "ui_harness.hpp"
#include "ui_probe.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

namespace {

std::string tempPath(const std::string& name) {
    const auto path = std::filesystem::temp_directory_path() / ("socketeer-ui-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove(path);
    return path.string();
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

pcapng::ReadFile readCapture(const std::string& path) {
    const std::string bytes = readAll(path);
    return pcapng::readPcapng({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

bool drawn(const std::string& name) {
    ImVec2 min, max;
    return ui::UiProbe::find(name, min, max);
}

/// Replaces what a focused text field holds.
void retype(UiHarness& h, const std::string& field, const std::string& text) {
    ASSERT_TRUE(h.click(field));
    h.pressKey(ImGuiKey_A, true);
    h.type(text);
}


TEST(ExportsUi, PcapngCaptureAndTheWholeHistoryAsCsvAndPcapng) {
    UiHarness h;
    const auto net = socketeer::test::connectLoopback(h, 1);
    app::SessionModel* client = net.clients[0];
    h.model.selected = net.server->uiId();
    h.frame();
    const std::string capture = tempPath("capture.pcapng");
    ASSERT_TRUE(h.click("capture"));
    retype(h, "capture/path", capture);
    ASSERT_TRUE(h.click("capture/pcapng"));
    EXPECT_FALSE(drawn("capture/records")) << "pcapng holds both directions: the records choice goes away";
    ASSERT_TRUE(h.click("capture/start"));
    ASSERT_TRUE(net.server->capturing()) << net.server->lastError();
    client->send(toBytes("a,\"b\"\n"), SendTarget::toDefault());
    ASSERT_TRUE(h.frameUntil([&] { return net.server->traffic().rxBytes == 6; }));

    const std::string csv = tempPath("history.csv"), packets = tempPath("history.pcapng");
    ASSERT_TRUE(h.click("receive/save"));
    retype(h, "receive/save/path", csv);
    ASSERT_TRUE(h.click("receive/save/csv"));
    EXPECT_EQ(net.server->ui().saveReceived.message, "saved 1 records to " + csv);
    const std::string rows = readAll(csv);
    EXPECT_EQ(rows.rfind("time,direction,peer,connection,size,hex,text\r\n", 0), 0u) << rows;
    EXPECT_NE(rows.find(",RX,127.0.0.1:" + std::to_string(client->localEndpoint()->port) +
                        ",1,6,612c2262220a,\"a,\"\"b\"\"\\n\"\r\n"), std::string::npos) << rows;
    retype(h, "receive/save/path", packets);
    ASSERT_TRUE(h.click("receive/save/pcapng"));
    const auto history = readCapture(packets);
    ASSERT_EQ(history.error, "");
    ASSERT_EQ(history.packets.size(), 4u) << "a handshake for the connection, then the record";
    EXPECT_EQ(history.packets[3].data.size(), 14u + 20 + 20 + 6);

    ASSERT_TRUE(h.click("log")); // a click outside closes the save popup
    ASSERT_TRUE(h.click("capture/stop"));
    ASSERT_FALSE(net.server->capturing());
    ASSERT_TRUE(h.frameUntil([&] { return readCapture(capture).error.empty() && readCapture(capture).packets.size() >= 4; }))
        << readCapture(capture).error << " / " << readCapture(capture).packets.size() << " packets";
    const auto captured = readCapture(capture);
    // The connection was open when the capture started: its handshake, said so, then the bytes as a segment.
    EXPECT_EQ(captured.packets[0].comments, std::vector<std::string>{"already open when the capture started"});
    const auto& data = captured.packets[3].data;
    EXPECT_EQ(std::string(data.end() - 6, data.end()), "a,\"b\"\n");

    const std::string log = tempPath("log.csv");
    h.frame();
    ASSERT_TRUE(h.click("log/save"));
    retype(h, "log/save/path", log);
    ASSERT_TRUE(h.click("log/save/csv"));
    const std::string logRows = readAll(log);
    EXPECT_EQ(logRows.rfind("time,level,message\r\n", 0), 0u) << logRows;
    EXPECT_NE(logRows.find(",info,capturing every byte to " + capture + "\r\n"), std::string::npos) << logRows;
    const std::string logJson = tempPath("log.jsonl");
    retype(h, "log/save/path", logJson);
    ASSERT_TRUE(h.click("log/save/jsonl"));
    const std::string jsonText = readAll(logJson);
    EXPECT_NE(jsonText.find(R"("event":"notice","message":"capturing every byte to )"), std::string::npos) << jsonText;
    EXPECT_NE(jsonText.find(R"("session":"server")"), std::string::npos) << jsonText;
    std::filesystem::remove(logJson);
    for (const auto& path : {capture, csv, packets, log}) std::filesystem::remove(path);
}

TEST(ExportsUi, PacketSenderPacketsImportThroughTheFileMenuAndSendThroughTheirOwnSession) {
    UiHarness h;
    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/import-packetsender"));
    retype(h, "path-input", std::string(SOCKETEER_TESTS_DIR) + "/cli/fixtures/packetsender-export.json");
    ASSERT_TRUE(h.click("path-ok"));
    EXPECT_EQ(h.ui.modalMessage.rfind("imported 5 of 7 packets from ", 0), 0u) << h.ui.modalMessage;
    EXPECT_NE(h.ui.modalMessage.find("- packet 'web page' (#4): an HTTP Get request"), std::string::npos) << h.ui.modalMessage;
    ASSERT_EQ(h.model.sessions().size(), 3u);
    ASSERT_EQ(h.model.payloads.size(), 5u);
    for (const auto& session : h.model.sessions()) EXPECT_EQ(session->state(), SessionState::Closed) << "never opened by an import";

    // The UDP session's pane shows its two payloads, the repeating one with its interval, and not the others.
    app::SessionModel* udp = nullptr;
    for (const auto& session : h.model.sessions())
        if (session->name() == "UDP 127.0.0.1:9000") udp = session.get();
    ASSERT_NE(udp, nullptr);
    h.ui.modalMessage.clear();
    h.model.selected = udp->uiId();
    h.frame();
    h.frame();
    EXPECT_TRUE(drawn("payload/hello"));
    EXPECT_TRUE(drawn("payload/hello (2)"));
    EXPECT_FALSE(drawn("payload/Modbus read holding 0-9")) << "a payload for another session";
    EXPECT_NE(h.frameText().find("F2 hello (2) (every 2.500 s)"), std::string::npos);
}

} // namespace
