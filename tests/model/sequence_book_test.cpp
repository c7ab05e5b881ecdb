// SequenceBook in the app's model: a sequence typed as a script plays against real loopback sessions through their
// models and passes, fails naming the step, or ends as a network error; scripts and hotkeys are checked as typed;
// a sequence that does not parse is never dropped from a saved workspace (the save is refused); loading keeps
// mixed text/hex steps as they came.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <unistd.h>

#include "app_model.hpp"
#include "wait.hpp"

using namespace socketeer;
using namespace socketeer::core;
using app::AppModel;
using app::SessionModel;

namespace {

class SequenceBookTest : public ::testing::Test {
protected:
    void SetUp() override {
        SessionSpec server;
        server.kind = SessionKind::TcpServer;
        server.name = "echo";
        server.tcpServer.bindAddress = "127.0.0.1";
        server.tcpServer.autoReply.mode = ReplyMode::Echo;
        server.tcpServer.framing = parseFrameSpec("line").value();
        SessionModel& echo = model.addSession(server);
        echo.open();
        ASSERT_TRUE(drainUntil([&] { return echo.localEndpoint().has_value(); }));
        SessionSpec client;
        client.kind = SessionKind::TcpClient;
        client.name = "dev";
        client.tcpClient.host = "127.0.0.1";
        client.tcpClient.port = echo.localEndpoint()->port;
        client.tcpClient.framing = parseFrameSpec("line").value();
        SessionModel& dev = model.addSession(client);
        dev.open();
        ASSERT_TRUE(drainUntil([&] { return dev.state() == SessionState::Open && echo.peers().size() == 1; }));
    }

    bool drainUntil(const std::function<bool()>& pred) {
        return test::eventually([&] {
            model.drainAll();
            return pred();
        });
    }

    /// A new sequence with this script; returns its index.
    std::size_t sequence(const std::string& script) {
        const std::size_t index = model.sequences().add();
        model.sequences().setScript(index, script);
        return index;
    }

    app::SequenceEntry& entry(std::size_t index) { return *model.sequences().entries()[index]; }

    bool played(std::size_t index) {
        return drainUntil([&] { return entry(index).runner && entry(index).runner->finished(); });
    }

    std::atomic<int> wakes{0};
    AppModel model{[this] { ++wakes; }};
};

TEST_F(SequenceBookTest, ATypedSequencePlaysAgainstRealSessionsAndPasses) {
    const std::size_t index = sequence("send dev hello\\n\nexpect dev exact:hello\\n within 3000\n"
                                       "repeat 3 {\n  send dev n{n}\\n\n  expect dev regex:^n(\\d) within 3000\n  log got {1}\n}\n");
    ASSERT_EQ(entry(index).error, "");
    ASSERT_EQ(model.sequences().run(index, app::SequenceBook::Clock::now()), "");
    ASSERT_TRUE(played(index));
    EXPECT_EQ(entry(index).runner->state(), RunState::Passed) << entry(index).runner->failure();
    const auto& log = entry(index).log;
    ASSERT_EQ(log.size(), 5u);
    EXPECT_EQ(log[0], "started");
    EXPECT_EQ(log[1], "got 1");
    EXPECT_EQ(log[3], "got 3");
    EXPECT_EQ(log[4].substr(0, 10), "passed in ");
    EXPECT_TRUE(model.sessions()[1]->composer().history().empty()) << "a sequence's sends are not the send pane's";
}

TEST_F(SequenceBookTest, AnExpectThatTimesOutFailsNamingTheStepAndAClosedSessionIsANetworkError) {
    const std::size_t index = sequence("send dev ping\\n\nexpect dev prefix:pong within 200");
    ASSERT_EQ(model.sequences().run(index, app::SequenceBook::Clock::now()), "");
    EXPECT_LT(model.secondsToNextDeadline(1.0), 0.21) << "the loop wakes for the deadline";
    ASSERT_TRUE(played(index));
    EXPECT_EQ(entry(index).runner->state(), RunState::Failed);
    EXPECT_EQ(entry(index).log.back(), "failed: step 2 (expect dev prefix:pong within 200): nothing matched prefix:pong within "
                                       "200 ms; the last message on 'dev' was \"ping\\n\" (5 bytes)");

    model.sessions()[1]->close();
    ASSERT_TRUE(drainUntil([&] { return model.sessions()[1]->state() == SessionState::Closed; }));
    ASSERT_EQ(model.sequences().run(index, app::SequenceBook::Clock::now()), "");
    ASSERT_TRUE(played(index));
    EXPECT_EQ(entry(index).runner->state(), RunState::NetworkError);
    EXPECT_EQ(entry(index).runner->failure(), "step 1 (send dev ping\\n): 'dev' is not connected");
}

TEST_F(SequenceBookTest, ScriptsHotkeysAndSavesAreCheckedAsTyped) {
    const std::size_t index = sequence("send nobody x");
    EXPECT_EQ(entry(index).error, "step 1: no session named 'nobody' (sessions: echo, dev)");
    EXPECT_EQ(model.sequences().run(index, app::SequenceBook::Clock::now()), entry(index).error);
    const std::string path = (std::filesystem::temp_directory_path() / ("socketeer-book-" + std::to_string(::getpid()) + ".json")).string();
    EXPECT_EQ(model.saveWorkspace(path, true), "not saved: sequence 'Sequence 1': step 1: no session named 'nobody' (sessions: echo, dev)");
    EXPECT_FALSE(std::filesystem::exists(path));
    model.sequences().setScript(index, "send dev x");
    EXPECT_EQ(model.sequences().setHotkey(index, "Ctrl+F3"), "");
    const std::size_t other = sequence("delay 1");
    EXPECT_EQ(model.sequences().setHotkey(other, "Ctrl+F3"), "Ctrl+F3 already runs 'Sequence 1'");
    EXPECT_EQ(model.sequences().withHotkey(3), index);
    model.sequences().setHex(other, true);
    model.sequences().setScript(other, "send dev 41 42 {crc16/modbus}");
    ASSERT_EQ(model.saveWorkspace(path, true), "");
    auto loaded = loadWorkspaceFile(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    ASSERT_EQ(loaded.value().sequences.size(), 2u);
    EXPECT_EQ(loaded.value().sequences[0].hotkey, "Ctrl+F3");
    EXPECT_EQ(loaded.value().sequences[1].steps[0].syntax, PayloadSyntax::Hex);

    // Mixed text and hex steps come back as they were, read-only in the editor.
    Workspace workspace = loaded.value();
    workspace.sequences[1] = parseSequence("mixed", {{"send dev a", PayloadSyntax::Text}, {"send dev 41", PayloadSyntax::Hex}}).value();
    model.loadWorkspace(workspace);
    app::SequenceEntry& mixed = *model.sequences().entries()[1];
    EXPECT_TRUE(mixed.mixedSyntax);
    model.sequences().setScript(1, "delay 5");
    EXPECT_EQ(mixed.script, "send dev a\nsend dev 41");
    EXPECT_EQ(model.toWorkspace().sequences[1].lines(), workspace.sequences[1].lines());
}

} // namespace
