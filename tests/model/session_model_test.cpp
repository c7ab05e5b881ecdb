// SessionModel's figures and the frame loop's pacing: after a burst stops, the panel must be redrawn until every
// figure it shows is final (counters that move without events, rates decaying, a numbered stream's totals), and then
// not at all.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app_model.hpp"
#include "frame_pacer.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using app::AppModel;
using app::FramePacer;
using app::SessionModel;

namespace {

/// What a redraw would have put on screen: the figures as of the last pass that asked for one.
struct Shown {
    TrafficSnapshot traffic;
    double rxRate = -1;
    std::uint64_t sequenceReceived = 0;
};

TEST(SessionModelFigures, AfterABurstTheLastRedrawShowsTheFinalFiguresAndThenTheLoopIsStill) {
    AppModel model([] {});
    SessionSpec sinkSpec;
    sinkSpec.kind = SessionKind::Udp;
    sinkSpec.udp.bindAddress = "127.0.0.1";
    sinkSpec.udp.discard = true; // counts only: no events, so only the figures can ask for a redraw
    SessionModel& sink = model.addSession(sinkSpec);
    sink.open();
    ASSERT_TRUE(test::eventually([&] { model.drainAll(); return sink.localEndpoint().has_value(); }));

    SessionSpec senderSpec;
    senderSpec.kind = SessionKind::Udp;
    senderSpec.udp.bindAddress = "127.0.0.1";
    senderSpec.udp.remoteHost = "127.0.0.1";
    senderSpec.udp.remotePort = sink.localEndpoint()->port;
    SessionModel& sender = model.addSession(senderSpec);
    sender.generator().settings.mode = GeneratorMode::UdpStream; // numbered datagrams: the sink's sequence stats
    sender.generator().settings.ratePerSecond = 20000;
    sender.generator().settings.payloadBytes = 200;
    sender.generator().settings.duration = std::chrono::milliseconds(300);
    ASSERT_EQ(sender.startGenerator(), "");

    // The app's loop, its sleeps shortened (a pass every 20 ms): draw when the pacer says so.
    FramePacer pacer;
    Shown shown;
    int stillPasses = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && stillPasses < 75) { // 1.5 s without a redraw
        const std::size_t changes = model.drainAll();
        if (pacer.shouldDraw(false, changes)) {
            shown = {sink.traffic(), sink.rates().rxBytes, sink.sequenceStats() ? sink.sequenceStats()->received : 0};
            stillPasses = 0;
        } else {
            ++stillPasses;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // one pass of the loop, bounded by the deadline
    }
    ASSERT_TRUE(sender.generator().hasRun());
    const auto sent = sender.generator().figures().messagesSent;
    ASSERT_GT(sent, 1000u);
    EXPECT_EQ(stillPasses, 75) << "the loop never went still";
    EXPECT_EQ(sink.traffic().rxMessages, sent) << "loopback lost datagrams: the test cannot judge the display";
    EXPECT_EQ(shown.traffic.rxMessages, sent) << "the last redraw showed a count that was not final";
    EXPECT_EQ(shown.sequenceReceived, sent) << "the last redraw showed the numbered stream before its end";
    EXPECT_EQ(shown.rxRate, 0.0) << "the last redraw showed a rate that had not decayed to 0";
}

TEST(SessionModelFigures, ACountThatMovesWithoutAnEventAsksForARedrawAtOnce) {
    AppModel model([] {});
    SessionSpec sinkSpec;
    sinkSpec.kind = SessionKind::Udp;
    sinkSpec.udp.bindAddress = "127.0.0.1";
    sinkSpec.udp.discard = true; // no data events: the counters move on their own
    SessionModel& sink = model.addSession(sinkSpec);
    sink.open();
    ASSERT_TRUE(test::eventually([&] { model.drainAll(); return sink.localEndpoint().has_value(); }));
    SessionSpec senderSpec = sinkSpec;
    senderSpec.udp.discard = false;
    senderSpec.udp.remoteHost = "127.0.0.1";
    senderSpec.udp.remotePort = sink.localEndpoint()->port;
    SessionModel& sender = model.addSession(senderSpec);
    sender.open();
    ASSERT_TRUE(test::eventually([&] { model.drainAll(); return sender.state() == SessionState::Open; }));
    while (sink.drain() > 0) {} // the sink's opening news is taken: from here only a figure can ask
    sender.send(Bytes{1, 2, 3}, SendTarget::toDefault());
    // Well inside the second between rate samples: the pass that first sees the datagram must ask for a redraw.
    std::size_t asked = 0;
    ASSERT_TRUE(test::eventually([&] {
        asked = sink.drain();
        return sink.traffic().rxMessages == 1;
    }));
    EXPECT_GT(asked, 0u) << "the count changed and the panel would not have been redrawn";
    EXPECT_EQ(sink.drain(), 0u) << "nothing changed since";
}

TEST(FramePacer, DrawsAfterActivityThenOnlyForChanges) {
    FramePacer pacer;
    EXPECT_TRUE(pacer.shouldDraw(true, 0)); // input
    EXPECT_DOUBLE_EQ(pacer.waitSeconds(), 1.0 / 60.0);
    // Three more frames let popups and tab bars settle, then the loop sleeps for up to a second at a time.
    EXPECT_TRUE(pacer.shouldDraw(false, 0));
    EXPECT_TRUE(pacer.shouldDraw(false, 0));
    EXPECT_TRUE(pacer.shouldDraw(false, 0));
    EXPECT_FALSE(pacer.shouldDraw(false, 0));
    EXPECT_DOUBLE_EQ(pacer.waitSeconds(), 1.0);
    EXPECT_FALSE(pacer.shouldDraw(false, 0));
    // A figure changed while idle (a rate decaying once a second): drawn, with no input at all.
    EXPECT_TRUE(pacer.shouldDraw(false, 1));
}

} // namespace
