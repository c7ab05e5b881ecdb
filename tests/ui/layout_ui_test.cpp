// What a new user meets in a small window: every control inside it, the receive pane tall enough to read, settings
// on their own tab, per-session options that stay with their session, the machine's addresses one click away, and
// a receive view that stays scrollable with a huge history.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ui_harness.hpp"
#include "ui_probe.hpp"

namespace {

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

// The font the app draws with (app/platform/fonts.cpp), installed by third_party/install-deps.sh.
constexpr const char* AppFont = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
const ImVec2 Laptop(900, 600); // a 1350×900 laptop screen at 150 %

SessionSpec spec(SessionKind kind, bool multicast = false) {
    SessionSpec s;
    s.kind = kind;
    s.name = "narrow";
    s.tcpServer.bindAddress = s.udp.bindAddress = "127.0.0.1";
    s.tcpClient.host = "127.0.0.1";
    s.tcpClient.port = 9;
    if (multicast) s.udp.multicast.groups = {"239.1.2.3"};
    return s;
}

/// Every widget the last frame marked outside the window (or, for the session tree's buttons, outside the tree):
/// "name: right edge, bottom" for each.
std::string outsideTheWindow() {
    std::string out;
    ImVec2 treeMin, treeMax;
    const bool tree = ui::UiProbe::find("tree", treeMin, treeMax);
    for (const auto& [name, rect] : ui::UiProbe::all()) {
        const float right = tree && name.starts_with("new-") ? treeMax.x : Laptop.x;
        if (rect.second.x > right + 0.5f || rect.second.y > Laptop.y + 0.5f)
            out += name + ": " + std::to_string(rect.second.x) + ", " + std::to_string(rect.second.y) + "\n";
    }
    return out;
}

float heightOf(const std::string& probe) {
    ImVec2 min, max;
    return ui::UiProbe::find(probe, min, max) ? max.y - min.y : 0;
}

TEST(NarrowWindow, EveryControlOfEverySessionKindFitsAndTheReceivePaneKeepsItsRows) {
    ASSERT_TRUE(std::filesystem::exists(AppFont)) << AppFont << " (fonts-dejavu-core) is missing";
    UiHarness h(Laptop, AppFont, 15.0f);
    const std::pair<SessionKind, bool> kinds[] = {
        {SessionKind::TcpServer, false}, {SessionKind::TcpClient, false}, {SessionKind::Udp, false}, {SessionKind::Udp, true}};
    for (const auto& [kind, multicast] : kinds) {
        SCOPED_TRACE(std::string(sessionKindName(kind)) + (multicast ? " (multicast)" : ""));
        app::SessionModel& session = h.model.addSession(spec(kind, multicast));
        h.model.selected = session.uiId();
        ASSERT_TRUE(h.click("traffic"));
        h.frame();
        EXPECT_EQ(outsideTheWindow(), "");
        const float rows = heightOf("receive") / ImGui::GetTextLineHeightWithSpacing();
        EXPECT_GE(rows, 8.0f) << "the receive pane is " << heightOf("receive") << " px";
        EXPECT_GE(heightOf("log"), 3 * ImGui::GetTextLineHeightWithSpacing());

        // The settings are a tab of their own: opening them takes nothing from the receive pane.
        const float before = heightOf("receive");
        ASSERT_TRUE(h.click("settings"));
        h.frame();
        EXPECT_EQ(outsideTheWindow(), "");
        ASSERT_TRUE(h.click("traffic"));
        h.frame();
        EXPECT_EQ(heightOf("receive"), before);

        // The rules table: two rows (one with an error under it) and the dry run, all inside.
        session.ruleTable().add("prefix:PING => reply:PONG\\n; continue");
        session.ruleTable().add("regex:(unclosed => reply:x");
        ASSERT_TRUE(h.click("rules"));
        h.frame();
        EXPECT_EQ(outsideTheWindow(), "");
        ASSERT_TRUE(h.click("traffic"));
    }
}

TEST(NarrowWindow, TheSequencesPanelFitsWithItsStepsAndLog) {
    UiHarness h(Laptop, AppFont, 15.0f);
    h.model.addSession(spec(SessionKind::TcpServer));
    const std::size_t index = h.model.sequences().add();
    h.model.sequences().setScript(index, "delay 1\nrepeat 2 {\n  log a fairly long line of text to log, twice over\n}");
    ASSERT_EQ(h.model.sequences().setHotkey(index, "Ctrl+F12"), "");
    ASSERT_TRUE(h.click("tree/sequences"));
    ASSERT_TRUE(h.click("sequences/run"));
    ASSERT_TRUE(h.frameUntil([&] { return h.model.sequences().entries()[0]->runner->finished(); }));
    h.frame();
    EXPECT_EQ(outsideTheWindow(), "");
    EXPECT_GE(heightOf("sequences/steps"), 4 * ImGui::GetTextLineHeightWithSpacing());
}

TEST(NarrowWindow, TheSplitterGivesTheReceivePaneMoreRowsAndTheLogKeepsSome) {
    UiHarness h(Laptop, AppFont, 15.0f);
    app::SessionModel& session = h.model.addSession(spec(SessionKind::TcpServer));
    h.model.selected = session.uiId();
    h.frame();
    h.frame();
    const float before = heightOf("receive");
    ImVec2 min, max;
    ASSERT_TRUE(ui::UiProbe::find("splitter", min, max));
    ImGuiIO& io = ImGui::GetIO();
    const ImVec2 grip((min.x + max.x) / 2, (min.y + max.y) / 2);
    io.MousePos = grip;
    h.frame();
    io.MouseDown[0] = true;
    h.frame();
    for (int i = 1; i <= 10; ++i) { // dragged down 400 px, far past the log's minimum
        io.MousePos = ImVec2(grip.x, grip.y + 40.0f * static_cast<float>(i));
        h.frame();
    }
    io.MouseDown[0] = false;
    h.frame();
    h.frame();
    EXPECT_GT(heightOf("receive"), before + 10);
    EXPECT_GE(heightOf("log"), 3 * ImGui::GetTextLineHeightWithSpacing() - 1);
    EXPECT_EQ(outsideTheWindow(), "");
}

TEST(SessionUiState, CaptureOptionsStayWithTheirSession) {
    const auto dir = std::filesystem::temp_directory_path() / ("socketeer-ui-options-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    UiHarness h;
    app::SessionModel& first = h.model.addSession(spec(SessionKind::TcpServer));
    app::SessionModel& second = h.model.addSession(spec(SessionKind::TcpServer));
    // The first session's capture: raw bytes, not records.
    h.model.selected = first.uiId();
    ASSERT_TRUE(h.click("capture"));
    ASSERT_TRUE(h.click("capture/records"));
    EXPECT_FALSE(first.ui().captureRecords);
    ASSERT_TRUE(h.click("capture/path"));
    h.type((dir / "first.raw").string());
    ASSERT_TRUE(h.click("capture/start"));
    ASSERT_TRUE(first.capturing()) << first.lastError();
    // The second session's popup starts from its own defaults: records, and no path.
    h.model.selected = second.uiId();
    ASSERT_TRUE(h.click("capture"));
    EXPECT_TRUE(second.ui().captureRecords) << "the first session's choice leaked into the second";
    EXPECT_EQ(second.ui().capturePath, "");
    first.stopCapture();
    std::filesystem::remove_all(dir);
}

TEST(SessionUiState, SavePathsStayWithTheirSession) {
    UiHarness h;
    app::SessionModel& first = h.model.addSession(spec(SessionKind::TcpServer));
    app::SessionModel& second = h.model.addSession(spec(SessionKind::TcpServer));
    h.model.selected = first.uiId();
    ASSERT_TRUE(h.click("log/save"));
    ASSERT_TRUE(h.click("log/save/path"));
    h.type("first.log");
    h.pressKey(ImGuiKey_Enter); // keeps the text (Escape in a field would undo the edit)
    h.pressKey(ImGuiKey_Escape); // closes the popup
    h.model.selected = second.uiId();
    ASSERT_TRUE(h.click("log/save"));
    ASSERT_TRUE(h.click("log/save/path"));
    EXPECT_EQ(first.ui().saveLog.path, "first.log");
    EXPECT_EQ(second.ui().saveLog.path, "") << "the log's save path leaked from one session to the next";
}

TEST(AddressChoices, TheBindAddressOffersTheMachinesOwnAddresses) {
    UiHarness h;
    app::SessionModel& server = h.model.addSession(spec(SessionKind::TcpServer));
    server.spec().tcpServer.bindAddress.clear();
    h.model.selected = server.uiId();
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/bind/choices"));
    h.frame();
    ImVec2 min, max;
    EXPECT_TRUE(ui::UiProbe::find("settings/bind/choice/127.0.0.1", min, max)) << "loopback's IPv4 address is offered";
    EXPECT_TRUE(ui::UiProbe::find("settings/bind/choice/::1", min, max)) << "loopback's IPv6 address is offered";
    // Chosen from the list, as a user would: the setting takes the address.
    ASSERT_TRUE(h.click("settings/bind/choice/127.0.0.1"));
    EXPECT_EQ(server.spec().tcpServer.bindAddress, "127.0.0.1");
}

TEST(AddressChoices, AnIpv6GroupOffersInterfaceNamesAndAnIpv4GroupAddresses) {
    UiHarness h;
    SessionSpec group = spec(SessionKind::Udp, true);
    app::SessionModel& session = h.model.addSession(group);
    h.model.selected = session.uiId();
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/interface/choices"));
    ASSERT_TRUE(h.click("settings/interface/choice/127.0.0.1"));
    EXPECT_EQ(session.spec().udp.multicast.interfaceName, "127.0.0.1");
    session.spec().udp.multicast.groups = {"ff02::1:3"};
    ASSERT_TRUE(h.click("settings/interface/choices"));
    ASSERT_TRUE(h.click("settings/interface/choice/lo"));
    EXPECT_EQ(session.spec().udp.multicast.interfaceName, "lo");
}

TEST(ReceiveRows, AHugeHistoryInHexShowsTheNewestRowsAndSaysSo) {
    UiHarness h;
    app::SessionModel& server = h.model.addSession(spec(SessionKind::TcpServer));
    h.model.selected = server.uiId();
    // One 12 MiB record: 786,433 hex rows, past what a float scroll position holds exactly at this row height.
    const Bytes big(12u << 20, 0x41);
    server.history().append(1, Direction::Rx, 1, Endpoint{"127.0.0.1", 5000}, big);
    ASSERT_TRUE(h.click("view/hex"));
    const std::string text = h.frameText();
    const float rowHeight = ImGui::GetTextLineHeightWithSpacing();
    const auto shown = static_cast<std::size_t>(float(1 << 23) / rowHeight);
    EXPECT_NE(text.find("showing the newest " + std::to_string(shown) + " of 786433 rows"), std::string::npos)
        << text.substr(0, 2000);
    // The last row drawn is the record's last 16 bytes (offset 0x00bffff0), so the newest data is reachable.
    ImVec2 min, max;
    EXPECT_TRUE(ui::UiProbe::find("receive/rows-capped", min, max));
}

} // namespace
