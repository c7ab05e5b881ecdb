// The Rules tab as a user drives it: add a rule by typing, see a bad one named with its column, test a pasted
// message, open the session and watch the rule answer a real client with its hit counter going up; reorder and
// disable by clicking.
#include <gtest/gtest.h>

#include "raw_peer.hpp"
#include "ui_harness.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

namespace {

app::SessionModel& newServerOnRulesTab(UiHarness& h) {
    EXPECT_TRUE(h.click("new-tcp-server"));
    app::SessionModel* server = h.model.find(h.model.selected);
    EXPECT_NE(server, nullptr);
    server->spec().tcpServer.bindAddress = "127.0.0.1";
    server->spec().tcpServer.framing = parseFrameSpec("line").value();
    EXPECT_TRUE(h.click("rules"));
    return *server;
}

TEST(RulesUi, ARuleTypedInTheTableAnswersAClientAndCountsItsHits) {
    UiHarness h;
    app::SessionModel& server = newServerOnRulesTab(h);
    ASSERT_TRUE(h.click("rules/add"));
    ASSERT_TRUE(h.click("rules/1/text"));
    h.type("prefx:PING => reply:PONG\\n");
    h.frame();
    EXPECT_NE(server.ruleTable().rows()[0].error.find("unknown matcher 'prefx'"), std::string::npos);
    EXPECT_NE(h.frameText().find("unknown matcher 'prefx'"), std::string::npos) << "the error is shown under the row";
    EXPECT_TRUE(server.spec().tcpServer.autoReply.rules.empty());
    h.pressKey(ImGuiKey_A, true);
    h.type("prefix:PING => reply:PONG\\n");
    h.frame();
    ASSERT_EQ(server.spec().tcpServer.autoReply.rules.rules().size(), 1u);

    // The dry run.
    ASSERT_TRUE(h.click("rules/test-message"));
    h.type("PING 7\\n");
    ASSERT_TRUE(h.click("rules/test"));
    EXPECT_NE(h.frameText().find("reply \"PONG\\n\" (5 bytes)"), std::string::npos);

    server.open();
    ASSERT_TRUE(h.frameUntil([&] { return server.localEndpoint().has_value(); }));
    test::RawPeer peer(server.localEndpoint()->port);
    peer.write("PING 1\n");
    EXPECT_EQ(peer.read(5), "PONG\n");
    peer.write("PING 2\n");
    EXPECT_EQ(peer.read(5), "PONG\n");
    ASSERT_TRUE(h.frameUntil([&] {
        const auto hits = server.ruleTable().liveHits(server.liveRules());
        return hits && (*hits)[0] == 2u;
    }));
    const std::string shown = h.frameText();
    EXPECT_NE(shown.find("| [ ] | 2 |"), std::string::npos) << "the hits column says 2:\n" << shown;
}

TEST(RulesUi, RowsAreReorderedDisabledAndRemovedByClicking) {
    UiHarness h;
    app::SessionModel& server = newServerOnRulesTab(h);
    server.ruleTable().add("prefix:a => reply:1");
    server.ruleTable().add("prefix:a => reply:2");
    h.frame();
    ASSERT_TRUE(h.click("rules/2/up"));
    EXPECT_EQ(server.spec().tcpServer.autoReply.rules.rules()[0].source, "prefix:a => reply:2");
    ASSERT_TRUE(h.click("rules/1/on"));
    EXPECT_FALSE(server.spec().tcpServer.autoReply.rules.rules()[0].enabled);
    ASSERT_TRUE(h.click("rules/test-message"));
    h.type("abc");
    ASSERT_TRUE(h.click("rules/test"));
    EXPECT_NE(h.frameText().find("rule 2 matches"), std::string::npos) << "rule 1 is off";
    ASSERT_TRUE(h.click("rules/1/remove"));
    ASSERT_EQ(server.spec().tcpServer.autoReply.rules.rules().size(), 1u);
    EXPECT_EQ(server.spec().tcpServer.autoReply.rules.rules()[0].source, "prefix:a => reply:1");
}

} // namespace
