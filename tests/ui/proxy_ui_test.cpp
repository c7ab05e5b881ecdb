// The proxy in the app: made from the tree's button, set in its Settings tab, both directions in its history, and
// impairments changed from their sliders while it runs, with their counts.
#include <gtest/gtest.h>

#include "loopback.hpp"
#include "raw_peer.hpp"
#include "ui_harness.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::RawPeer;
using socketeer::test::UiHarness;

namespace {

bool historyHas(app::SessionModel& session, Direction direction, const std::string& text) {
    auto& history = session.history();
    for (std::size_t i = 0; i < history.size(); ++i) {
        const auto record = history.at(i);
        if (record.direction == direction && std::string(record.bytes.begin(), record.bytes.end()) == text) return true;
    }
    return false;
}

/// An echo server made through the model, open and listening (the tests' subject is the proxy in front of it).
app::SessionModel& openEchoServer(UiHarness& h) {
    SessionSpec spec;
    spec.kind = SessionKind::TcpServer;
    spec.tcpServer = test::loopbackServer(ReplyMode::Echo);
    app::SessionModel& echo = h.model.addSession(spec);
    echo.open();
    h.frameUntil([&] { return echo.localEndpoint().has_value(); });
    return echo;
}

/// A proxy named "mitm" on 127.0.0.1 in front of `target` (made through the model, not yet open).
SessionSpec proxyInFrontOf(app::SessionModel& target) {
    SessionSpec spec;
    spec.kind = SessionKind::Proxy;
    spec.name = "mitm";
    spec.proxy = test::proxyToLoopback(target.localEndpoint()->port);
    return spec;
}

} // namespace

TEST(ProxyUi, AProxyMadeInTheAppShowsBothDirectionsAndItsSlidersApplyWhileItRuns) {
    UiHarness h;
    app::SessionModel& echo = openEchoServer(h);
    ASSERT_TRUE(echo.localEndpoint().has_value());

    ASSERT_TRUE(h.click("new-proxy"));
    app::SessionModel* proxy = h.model.find(h.model.selected);
    ASSERT_NE(proxy, nullptr);
    EXPECT_EQ(proxy->kind(), SessionKind::Proxy);
    EXPECT_EQ(proxy->name(), "Proxy 1");
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/bind"));
    h.type("127.0.0.1");
    ASSERT_TRUE(h.click("settings/target-port"));
    h.pressKey(ImGuiKey_A, true);
    h.type(std::to_string(echo.localEndpoint()->port));
    h.frame();
    EXPECT_EQ(proxy->spec().proxy.targetPort, echo.localEndpoint()->port);
    ASSERT_TRUE(h.click("open"));
    ASSERT_TRUE(h.frameUntil([&] { return proxy->localEndpoint().has_value(); })) << proxy->lastError();

    RawPeer peer(proxy->localEndpoint()->port);
    peer.write("hi");
    EXPECT_EQ(peer.read(2), "hi");
    ASSERT_TRUE(h.frameUntil([&] { return historyHas(*proxy, Direction::Rx, "hi") && historyHas(*proxy, Direction::Tx, "hi"); }))
        << "c>s and s>c are both in the proxy's history";
    ASSERT_TRUE(h.frameUntil([&] { return proxy->peers().size() == 1; })) << "the client is listed";

    ASSERT_TRUE(h.click("impairments"));
    EXPECT_NE(h.frameText().find("set a framing for s>c"), std::string::npos) << "an unframed stream has no messages to drop";
    ASSERT_TRUE(h.click("impair/s>c/loss"));
    EXPECT_EQ(proxy->spec().proxy.toClient.lossPercent, 0.0) << "disabled without framing";
    ASSERT_TRUE(h.click("impair/s>c/rate")); // the middle of the slider: about 50 MiB/s
    EXPECT_GT(proxy->spec().proxy.toClient.rateBytesPerSecond, 0u);
    peer.write("again");
    EXPECT_EQ(peer.read(5), "again");
    ASSERT_TRUE(h.frameUntil([&] { return proxy->proxyTallies().toClient.delayed == 1; }))
        << "the rate applied to the running proxy: " << proxy->proxyTallies().toClient.delayed;
    EXPECT_EQ(proxy->proxyTallies().toServer.delayed, 0u) << "c>s was left alone";
    const std::string text = h.frameText();
    EXPECT_NE(text.find("dropped 0, duplicated 0, reordered 0, delayed 1"), std::string::npos) << text;
}

TEST(ProxyUi, HoldShowsTheNextMessageAndReleasesItEditedOrDropsIt) {
    UiHarness h;
    app::SessionModel& echo = openEchoServer(h);
    ASSERT_TRUE(echo.localEndpoint().has_value());
    SessionSpec proxySpec = proxyInFrontOf(echo);
    app::SessionModel& proxy = h.model.addSession(proxySpec);
    h.model.selected = proxy.uiId();
    proxy.open();
    ASSERT_TRUE(h.frameUntil([&] { return proxy.localEndpoint().has_value(); })) << proxy.lastError();
    ASSERT_TRUE(h.click("impairments"));
    ASSERT_TRUE(h.click("impair/c>s/hold"));
    EXPECT_TRUE(proxy.holding(ProxyDirection::ToServer));

    RawPeer peer(proxy.localEndpoint()->port);
    peer.write("GET /secret");
    ASSERT_TRUE(h.frameUntil([&] { return h.frameText().find("1 held; the next, 11 bytes") != std::string::npos; }));
    EXPECT_EQ(peer.read(1, std::chrono::milliseconds(100)), "") << "held: nothing reached the echo server";
    ASSERT_TRUE(h.click("impair/c>s/next"));
    h.pressKey(ImGuiKey_A, true);
    h.type("GET /public");
    ASSERT_TRUE(h.click("impair/c>s/release"));
    EXPECT_EQ(peer.read(11), "GET /public") << "the edited message went on";

    peer.write("DELETE /all");
    ASSERT_TRUE(h.frameUntil([&] { return h.frameText().find("the next, 11 bytes") != std::string::npos; }));
    ASSERT_TRUE(h.click("impair/c>s/drop"));
    ASSERT_TRUE(h.frameUntil([&] { return proxy.heldMessages().empty(); }));
    ASSERT_TRUE(h.click("impair/c>s/hold")); // let go
    peer.write("ok");
    EXPECT_EQ(peer.read(2), "ok") << "the dropped one never went; what follows flows again";
}

TEST(ProxyUi, ARuleTypedInAProxysRulesTabDropsAndRewritesInFlight) {
    UiHarness h;
    app::SessionModel& echo = openEchoServer(h);
    ASSERT_TRUE(echo.localEndpoint().has_value());
    SessionSpec proxySpec = proxyInFrontOf(echo);
    proxySpec.proxy.framingToServer = parseFrameSpec("line").value();
    app::SessionModel& proxy = h.model.addSession(proxySpec);
    h.model.selected = proxy.uiId();
    ASSERT_TRUE(h.click("rules"));
    ASSERT_TRUE(h.click("rules/add"));
    ASSERT_TRUE(h.click("rules/1/text"));
    h.type("c2s:exact:secret\\n => drop");
    ASSERT_TRUE(h.click("rules/add"));
    ASSERT_TRUE(h.click("rules/2/text"));
    h.type("c2s:prefix:hi => rewrite:HI\\n");
    h.frame();
    ASSERT_EQ(proxy.spec().proxy.rules.rules().size(), 2u) << proxy.ruleTable().rows()[0].error << proxy.ruleTable().rows()[1].error;
    // The dry run follows the direction chosen.
    ASSERT_TRUE(h.click("rules/test-message"));
    h.type("hi there");
    ASSERT_TRUE(h.click("rules/test"));
    EXPECT_NE(h.frameText().find("forward \"HI\\n\" (3 bytes) in its place"), std::string::npos) << h.frameText();
    ASSERT_TRUE(h.click("rules/test-s2c"));
    ASSERT_TRUE(h.click("rules/test"));
    EXPECT_NE(h.frameText().find("it is forwarded as it is"), std::string::npos) << h.frameText();

    proxy.open();
    ASSERT_TRUE(h.frameUntil([&] { return proxy.localEndpoint().has_value(); })) << proxy.lastError();
    RawPeer peer(proxy.localEndpoint()->port);
    peer.write("secret\nhi there\n");
    EXPECT_EQ(peer.read(3), "HI\n") << "secret was dropped, hi there rewritten";
    ASSERT_TRUE(h.frameUntil([&] { return proxy.proxyTallies().rulesToServer.matched == 2; }));
    ASSERT_TRUE(h.frameUntil([&] { return historyHas(echo, Direction::Rx, "HI\n"); }));
    EXPECT_FALSE(historyHas(echo, Direction::Rx, "secret\n"));
    ASSERT_TRUE(h.click("impairments"));
    EXPECT_NE(h.frameText().find("rules: matched 2, rewrote 1, dropped 1, replied 0"), std::string::npos) << h.frameText();
}
