// The Sequences panel as a user drives it: a new sequence typed in the editor plays against real loopback
// sessions and shows "passed" with each step's status; stepping pauses before each step; a bad step is named under
// the editor; Ctrl+F1 plays the sequence bound to it, and F1 alone still sends the first saved payload.
#include <gtest/gtest.h>

#include "ui_harness.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

namespace {

/// An echo server and a client named "dev" connected to it, made through the model.
void connectDev(UiHarness& h) {
    SessionSpec server;
    server.kind = SessionKind::TcpServer;
    server.name = "echo";
    server.tcpServer.bindAddress = "127.0.0.1";
    server.tcpServer.autoReply.mode = ReplyMode::Echo;
    app::SessionModel& echo = h.model.addSession(server);
    echo.open();
    ASSERT_TRUE(h.frameUntil([&] { return echo.localEndpoint().has_value(); }));
    SessionSpec client;
    client.kind = SessionKind::TcpClient;
    client.name = "dev";
    client.tcpClient.host = "127.0.0.1";
    client.tcpClient.port = echo.localEndpoint()->port;
    app::SessionModel& dev = h.model.addSession(client);
    dev.open();
    ASSERT_TRUE(h.frameUntil([&] { return dev.state() == SessionState::Open && echo.peers().size() == 1; }));
}

app::SequenceEntry& only(UiHarness& h) { return *h.model.sequences().entries().at(0); }

TEST(SequencesUi, ASequenceTypedInTheEditorPlaysAndEachStepShowsItsStatus) {
    UiHarness h;
    connectDev(h);
    ASSERT_TRUE(h.click("tree/sequences"));
    ASSERT_TRUE(h.click("sequences/new"));
    ASSERT_EQ(h.model.sequences().entries().size(), 1u);
    ASSERT_TRUE(h.click("sequences/script"));
    h.pressKey(ImGuiKey_A, true);
    h.type("send dev ping\nexpect dev exact:pin within 200 on-timeout: continue\nexpect dev exact:ping within 3000");
    h.frame();
    ASSERT_EQ(only(h).error, "") << only(h).script;
    ASSERT_TRUE(h.click("sequences/run"));
    ASSERT_TRUE(h.frameUntil([&] { return only(h).runner && only(h).runner->finished(); }));
    EXPECT_EQ(only(h).runner->state(), RunState::Passed) << only(h).runner->failure();
    const std::string shown = h.frameText();
    EXPECT_NE(shown.find("passed — "), std::string::npos) << shown;
    EXPECT_NE(shown.find("| 2 | expect dev exact:pin within 200 on-timeout: continue | timed out | 1 |"), std::string::npos) << shown;
    EXPECT_NE(shown.find("| 3 | expect dev exact:ping within 3000 | passed | 1 |"), std::string::npos) << shown;
}

TEST(SequencesUi, SteppingPausesBeforeEachStepAndABadStepIsNamed) {
    UiHarness h;
    connectDev(h);
    const std::size_t index = h.model.sequences().add();
    h.model.sequences().setScript(index, "send dev a\nsend dev b");
    ASSERT_TRUE(h.click("tree/sequences"));
    ASSERT_TRUE(h.click("sequences/step"));
    EXPECT_EQ(only(h).runner->state(), RunState::Paused);
    EXPECT_EQ(only(h).runner->currentStep(), 0u);
    ASSERT_TRUE(h.click("sequences/step"));
    ASSERT_TRUE(h.frameUntil([&] { return only(h).runner->currentStep() == 1u; }));
    EXPECT_EQ(only(h).runner->state(), RunState::Paused);
    EXPECT_NE(h.frameText().find("paused — "), std::string::npos);
    ASSERT_TRUE(h.click("sequences/resume"));
    ASSERT_TRUE(h.frameUntil([&] { return only(h).runner->finished(); }));
    EXPECT_EQ(only(h).runner->state(), RunState::Passed);

    ASSERT_TRUE(h.click("sequences/script"));
    h.pressKey(ImGuiKey_A, true);
    h.type("send dev a\nexpect dev prefx:a within 5");
    h.frame();
    EXPECT_NE(h.frameText().find("step 2: unknown matcher 'prefx'"), std::string::npos);
}

TEST(SequencesUi, CtrlF1PlaysItsSequenceAndF1AloneSendsTheFirstPayload) {
    UiHarness h;
    connectDev(h);
    h.model.payloads.push_back({"hello", PayloadTemplate::parse("hello", PayloadSyntax::Text).value(), false});
    const std::size_t index = h.model.sequences().add();
    h.model.sequences().setScript(index, "send dev from the sequence");
    ASSERT_EQ(h.model.sequences().setHotkey(index, "Ctrl+F1"), "");
    app::SessionModel* dev = h.model.findByName("dev");
    h.model.selected = dev->uiId();
    h.frame();
    h.pressFunctionKey(0, true);
    ASSERT_TRUE(h.frameUntil([&] { return only(h).runner && only(h).runner->finished(); }));
    EXPECT_EQ(only(h).runner->state(), RunState::Passed);
    EXPECT_TRUE(dev->composer().history().empty()) << "Ctrl+F1 did not also send payload F1 (the send pane's sends are remembered)";
    ASSERT_TRUE(h.frameUntil([&] { return dev->traffic().txMessages == 1u; }));
    ASSERT_TRUE(h.click("tree/dev"));
    h.pressFunctionKey(0);
    EXPECT_EQ(dev->composer().history().size(), 1u);
    ASSERT_TRUE(h.frameUntil([&] { return dev->traffic().txMessages == 2u; }));
    EXPECT_EQ(only(h).runner->reports()[0].runs, 1u) << "F1 alone is the payload's";
}

} // namespace
