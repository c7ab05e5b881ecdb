// Sequences: the step parser's errors (step and column), blocks and goto targets, and the runner against a fake
// host on a fake clock: sends, expects with captures and variables, timeouts with each policy, repeats, stepping.
#include <gtest/gtest.h>

#include "socketeer/core/sequence/junit_report.hpp"
#include "socketeer/core/sequence/sequence.hpp"
#include "socketeer/core/sequence/sequence_runner.hpp"

namespace socketeer::core {
namespace {

using namespace std::chrono_literals;

std::vector<StepLine> textLines(std::initializer_list<const char*> lines) {
    std::vector<StepLine> out;
    for (const char* line : lines) out.push_back({line, PayloadSyntax::Text});
    return out;
}

Sequence parsed(std::initializer_list<const char*> lines) {
    auto sequence = parseSequence("test", textLines(lines));
    EXPECT_TRUE(sequence.ok()) << sequence.error().describe();
    return sequence.ok() ? std::move(sequence).value() : Sequence{};
}

std::string errorOf(std::initializer_list<const char*> lines) {
    auto sequence = parseSequence("test", textLines(lines));
    return sequence.ok() ? std::string("(parsed)") : sequence.error().describe();
}

TEST(SequenceParser, ReadsEveryKindOfStep) {
    const Sequence sequence = parsed({
        "# a Modbus poll",
        "send plc hello\\r\\n",
        "expect plc prefix:OK within 500",
        "delay 20ms",
        "repeat 3 {",
        "  set id {1}",
        "  log got {var:id}",
        "}",
        "on-timeout: continue",
        "retry: expect \"PLC 2\" contains:a b within c within 250 on-timeout: goto retry",
        "",
    });
    ASSERT_EQ(sequence.steps.size(), 11u);
    EXPECT_EQ(sequence.steps[0].kind, StepKind::Comment);
    EXPECT_EQ(sequence.steps[1].kind, StepKind::Send);
    EXPECT_EQ(sequence.steps[1].session, "plc");
    EXPECT_EQ(sequence.steps[1].data->resolve({}).value(), toBytes("hello\r\n"));
    EXPECT_EQ(sequence.steps[2].kind, StepKind::Expect);
    EXPECT_EQ(sequence.steps[2].matcherText, "prefix:OK");
    EXPECT_EQ(sequence.steps[2].duration, 500ms);
    EXPECT_EQ(sequence.steps[2].onTimeout.kind, TimeoutPolicy::Kind::Fail);
    EXPECT_EQ(sequence.steps[3].duration, 20ms);
    EXPECT_EQ(sequence.steps[4].count, 3u);
    EXPECT_EQ(sequence.steps[4].blockEnd, 7u);
    EXPECT_EQ(sequence.steps[7].blockEnd, 4u);
    EXPECT_EQ(sequence.steps[5].parent, 4u);
    EXPECT_EQ(sequence.steps[7].parent, SequenceStep::NoParent);
    EXPECT_EQ(sequence.steps[5].variable, "id");
    EXPECT_EQ(sequence.steps[6].kind, StepKind::Log);
    EXPECT_EQ(sequence.steps[8].kind, StepKind::OnTimeout);
    const SequenceStep& quoted = sequence.steps[9];
    EXPECT_EQ(quoted.label, "retry");
    EXPECT_EQ(quoted.session, "PLC 2");
    EXPECT_EQ(quoted.matcherText, "contains:a b within c") << "the clause is the last 'within' that reads as one";
    EXPECT_EQ(quoted.duration, 250ms);
    EXPECT_EQ(quoted.onTimeout.kind, TimeoutPolicy::Kind::Goto);
    EXPECT_EQ(quoted.onTimeout.targetStep, 9u);
    EXPECT_EQ(sequence.steps[10].kind, StepKind::Comment);
    EXPECT_EQ(sequence.describeStep(2), "step 3 (expect plc prefix:OK within 500)");
}

TEST(SequenceParser, AnOnTimeoutLineSetsThePolicyOfTheExpectsAfterItInItsBlock) {
    const Sequence sequence = parsed({
        "on-timeout: continue",
        "expect a exact:x within 10",
        "repeat 2 {",
        "  expect a exact:x within 10",
        "  on-timeout: goto 1",
        "  expect a exact:x within 10",
        "}",
        "expect a exact:x within 10",
        "expect a exact:x within 10 on-timeout: fail",
    });
    EXPECT_EQ(sequence.steps[1].onTimeout.kind, TimeoutPolicy::Kind::Continue);
    EXPECT_EQ(sequence.steps[3].onTimeout.kind, TimeoutPolicy::Kind::Continue) << "inherited into the block";
    EXPECT_EQ(sequence.steps[5].onTimeout.kind, TimeoutPolicy::Kind::Goto);
    EXPECT_EQ(sequence.steps[5].onTimeout.targetStep, 0u);
    EXPECT_EQ(sequence.steps[7].onTimeout.kind, TimeoutPolicy::Kind::Continue) << "the block's policy ended with it";
    EXPECT_EQ(sequence.steps[8].onTimeout.kind, TimeoutPolicy::Kind::Fail);
}

TEST(SequenceParser, HexStepsReadTheirDataAsHex) {
    auto sequence = parseSequence("hex", {{"send plc 01 03 00 00 00 02 {crc16/modbus}", PayloadSyntax::Hex},
                                          {"expect plc hex:01 03 04 ?? ?? ?? ?? within 100", PayloadSyntax::Hex}});
    ASSERT_TRUE(sequence.ok()) << sequence.error().describe();
    EXPECT_EQ(sequence.value().steps[0].data->resolve({}).value(), (Bytes{1, 3, 0, 0, 0, 2, 0xC4, 0x0B}));
    EXPECT_EQ(sequence.value().steps[1].matcher.kind, MatcherKind::HexPattern);
}

TEST(SequenceParser, ErrorsNameTheStepAndTheColumn) {
    EXPECT_EQ(errorOf({"send a x", "sned a x"}),
              "step 2: unknown step 'sned' (steps: send, expect, delay, repeat, }, set, log, on-timeout:, # comment) at column 1");
    EXPECT_EQ(errorOf({"send a {crc99}"}), "step 1: unknown checksum {crc99} (checksums: crc16/modbus, crc16/xmodem, "
                                           "crc16/kermit, crc16/ibm-3740, crc32/iso-hdlc, crc32/iscsi, crc8/smbus, xor8, "
                                           "sum8, lrc8) at column 8");
    EXPECT_EQ(errorOf({"expect a prefix:OK"}), "step 1: expect needs 'within MS' after its matcher at column 19");
    EXPECT_EQ(errorOf({"expect a prefx:OK within 5"}).substr(0, 34), "step 1: unknown matcher 'prefx' (m");
    EXPECT_EQ(errorOf({"expect a prefix:OK within soon"}), "step 1: within needs milliseconds from 0 to 86400000, not 'soon' at column 27");
    EXPECT_EQ(errorOf({"expect a prefix:OK within 0"}), "step 1: within needs at least 1 ms at column 27");
    EXPECT_EQ(errorOf({"expect a prefix:OK within 5 on-timeout: retry"}),
              "step 1: on-timeout: is fail, continue or goto STEP, not 'retry' at column 41");
    EXPECT_EQ(errorOf({"expect a prefix:OK within 5 then"}), "step 1: after 'within MS' only 'on-timeout: ...' may follow at column 29");
    EXPECT_EQ(errorOf({"expect a prefix:OK within 5 on-timeout: goto nowhere"}),
              "step 1: goto nowhere: no step has that label at column 46");
    EXPECT_EQ(errorOf({"expect a prefix:OK within 5 on-timeout: goto 9"}), "step 1: goto 9: there are steps 1 to 1 at column 46");
    EXPECT_EQ(errorOf({"repeat 2 {", "  in: delay 1", "}", "expect a exact:x within 5 on-timeout: goto in"}),
              "step 4: goto in: step 2 is inside a repeat this step is not in (go to its 'repeat' line instead) at column 44");
    EXPECT_EQ(errorOf({"repeat 2 {", "delay 1"}), "step 1: 'repeat' without its closing '}' at column 1");
    EXPECT_EQ(errorOf({"delay 1", "}"}), "step 2: '}' without a 'repeat N {' before it at column 1");
    EXPECT_EQ(errorOf({"repeat 0 {", "}"}), "step 1: repeat needs a count from 1 to 1000000000 at column 8");
    EXPECT_EQ(errorOf({"repeat 2", "}"}), "step 1: repeat N ends with '{' (its steps follow, one per line, until '}') at column 9");
    EXPECT_EQ(errorOf({"send"}), "step 1: send needs a session: its name, or \"a name\" in quotes at column 5");
    EXPECT_EQ(errorOf({"send a"}), "step 1: send needs DATA after the session at column 7");
    EXPECT_EQ(errorOf({"set 1x y"}), "step 1: set needs a variable name (a letter or '_', then letters, digits, '_', '-', '.') at column 5");
    EXPECT_EQ(errorOf({"a: delay 1", "a: delay 2"}), "step 2: label 'a' is already step 1's at column 1");
    EXPECT_EQ(errorOf({"send: delay 1"}), "step 1: 'send' is a step's name, not a label at column 1");
    EXPECT_EQ(errorOf({"delay 5 s"}), "step 1: nothing may follow delay's time at column 9");
    EXPECT_EQ(errorOf({"log {var:x y}"}).substr(0, 40), "step 1: {var:x y}: 'x y' is not a variab");
}

TEST(SequenceParser, HugeTimesTabsAndWideCharactersAreReadRight) {
    EXPECT_EQ(errorOf({"delay 18446744073709551615"}),
              "step 1: delay needs milliseconds from 0 to 86400000, not '18446744073709551615' at column 7");
    EXPECT_EQ(errorOf({"expect a exact:x within 9223372036854775808"}),
              "step 1: within needs milliseconds from 0 to 86400000, not '9223372036854775808' at column 25");
    const Sequence tabs = parsed({"expect a prefix:OK\twithin\t500"});
    EXPECT_EQ(tabs.steps[0].matcherText, "prefix:OK");
    EXPECT_EQ(tabs.steps[0].duration, 500ms);
    EXPECT_EQ(errorOf({"send \"Ger\xC3\xA4t\" {bogus}"}),
              "step 1: unknown token {bogus} (write {{ for a literal brace) at column 14") << "columns count characters";
    const Sequence wide = parsed({("log " + std::string(195, 'a') + "\xC3\xA9\xC3\xA9").c_str()});
    const std::string described = wide.describeStep(0);
    EXPECT_EQ(described, "step 1 (log " + std::string(195, 'a') + "...)") << "byte 200 is inside the first é: cut before it";
}

TEST(SequenceParser, RepeatsNestOnlyAsDeepAsTheLimit) {
    std::vector<StepLine> lines;
    for (int i = 0; i < 33; ++i) lines.push_back({"repeat 2 {"});
    const auto sequence = parseSequence("deep", lines);
    ASSERT_FALSE(sequence.ok());
    EXPECT_EQ(sequence.error().describe(), "step 33: more than 32 repeats inside each other at column 1");
}

TEST(SequenceParser, ChecksSessionNamesAndHotkeys) {
    const Sequence sequence = parsed({"delay 1", "send plc x", "expect other exact:x within 5"});
    EXPECT_EQ(checkSessions(sequence, {"plc", "other"}), "");
    EXPECT_EQ(checkSessions(sequence, {"plc"}), "step 3: no session named 'other' (sessions: plc)");
    EXPECT_EQ(checkSessions(sequence, {"plc", "plc", "other"}), "step 2: 2 sessions are named 'plc' (give them names of their own)");
    EXPECT_EQ(sequenceHotkeyNumber("Ctrl+F1"), 1);
    EXPECT_EQ(sequenceHotkeyNumber("Ctrl+F12"), 12);
    EXPECT_EQ(sequenceHotkeyNumber("Ctrl+F13"), 0);
    EXPECT_EQ(sequenceHotkeyNumber("F1"), 0);
}

/// Records what the runner sends and logs; a session named "down" refuses sends.
class FakeHost : public SequenceHost {
public:
    std::string send(const std::string& session, Bytes bytes) override {
        if (session == "down") return "'down' is not connected";
        sent.emplace_back(session, std::move(bytes));
        return {};
    }
    std::uint64_t nextCounter(const std::string&) override { return ++counter; }
    void log(std::string_view text) override { logs.emplace_back(text); }

    std::vector<std::pair<std::string, Bytes>> sent;
    std::vector<std::string> logs;
    std::uint64_t counter = 0;
};

class SequenceRun : public ::testing::Test {
protected:
    void start(std::initializer_list<const char*> lines, bool stepping = false) {
        runner = std::make_unique<SequenceRunner>(parsed(lines));
        runner->start(host, now, stepping);
        wake = runner->advance(now);
    }
    void receive(std::string_view session, std::string_view message) {
        runner->onMessage(session, toBytes(message));
        wake = runner->advance(now);
    }
    void passTime(SequenceClock::duration duration) {
        now += duration;
        wake = runner->advance(now);
    }

    FakeHost host;
    SequenceClock::time_point now = SequenceClock::time_point() + 1h;
    SequenceClock::time_point wake;
    std::unique_ptr<SequenceRunner> runner;
};

TEST_F(SequenceRun, SendsThenWaitsForTheMatchThenPasses) {
    start({"send plc ping\\n", "expect plc prefix:pong within 500", "send plc done"});
    ASSERT_EQ(host.sent.size(), 1u);
    EXPECT_EQ(host.sent[0].second, toBytes("ping\n"));
    EXPECT_EQ(runner->state(), RunState::Running);
    EXPECT_EQ(runner->currentStep(), 1u);
    EXPECT_EQ(wake, now + 500ms) << "it wants to be called at the expect's deadline";
    passTime(100ms);
    receive("other", "pong from another session");
    receive("plc", "noise");
    EXPECT_EQ(runner->currentStep(), 1u);
    receive("plc", "pong!");
    EXPECT_EQ(runner->state(), RunState::Passed);
    ASSERT_EQ(host.sent.size(), 2u);
    EXPECT_EQ(host.sent[1].second, toBytes("done"));
    EXPECT_EQ(runner->reports()[1].status, StepStatus::Passed);
    EXPECT_EQ(runner->reports()[1].elapsed, 100ms);
    EXPECT_EQ(runner->elapsed(now), 100ms);
    EXPECT_EQ(runner->currentStep(), 3u);
}

TEST_F(SequenceRun, AnExpectSeesWhatArrivedDuringAnEarlierStepButNotWhatAnEarlierMatchConsumed) {
    start({"send plc a", "delay 50", "expect plc exact:one within 10", "expect plc exact:one within 10 on-timeout: continue",
           "expect plc exact:two within 10"});
    receive("plc", "one");
    receive("plc", "two");
    EXPECT_EQ(runner->currentStep(), 1u) << "still in the delay";
    passTime(50ms);
    EXPECT_EQ(runner->currentStep(), 3u) << "step 3 matched 'one', which arrived during the delay";
    passTime(10ms);
    EXPECT_EQ(runner->reports()[3].status, StepStatus::TimedOut) << "'one' was consumed by step 3";
    EXPECT_EQ(runner->state(), RunState::Passed) << "step 5 found 'two', kept because it came after step 3's match";
}

#ifdef SOCKETEER_HAVE_RE2 // captures come from regexes: the MinGW build has no RE2
TEST_F(SequenceRun, CapturesAndVariablesFlowIntoLaterSteps) {
    start({"expect dev regex:^ID=(\\d+);K=(.*)$ within 100", "set key {2}", "send dev ack {1} {hex:2} {var:key} {n}",
           "log id {1} key {var:key} {hex:key}", "set empty", "log [{var:empty}]"});
    receive("dev", "ID=42;K=\x01z");
    ASSERT_EQ(runner->state(), RunState::Passed) << runner->failure();
    ASSERT_EQ(host.sent.size(), 1u);
    EXPECT_EQ(host.sent[0].second, toBytes("ack 42 01 7A \x01z 1"));
    ASSERT_EQ(host.logs.size(), 2u);
    EXPECT_EQ(host.logs[0], "id 42 key \x01z 01 7A");
    EXPECT_EQ(host.logs[1], "[]");
    EXPECT_EQ(runner->variables().at("key"), toBytes("\x01z"));
}
#endif

TEST_F(SequenceRun, ATimedOutExpectFailsNamingTheStepTheMatcherAndTheLastMessage) {
    start({"send plc poll", "expect plc prefix:OK within 500"});
    receive("plc", "ERR\r\n");
    passTime(499ms);
    EXPECT_EQ(runner->state(), RunState::Running);
    passTime(1ms);
    EXPECT_EQ(runner->state(), RunState::Failed);
    EXPECT_EQ(runner->failedStep(), 1u);
    EXPECT_EQ(runner->failure(), "step 2 (expect plc prefix:OK within 500): nothing matched prefix:OK within 500 ms; "
                                 "the last message on 'plc' was \"ERR\\r\\n\" (5 bytes)");
    EXPECT_EQ(runner->reports()[1].status, StepStatus::Failed);
    EXPECT_EQ(runner->reports()[1].elapsed, 500ms);
}

TEST_F(SequenceRun, ASilentPeerIsSaidSoAndHexStepsShowHex) {
    runner = std::make_unique<SequenceRunner>(
        parseSequence("hex", {{"expect plc hex:01 03 within 20", PayloadSyntax::Hex}, {"expect plc hex:01 04 within 20", PayloadSyntax::Hex}}).value());
    runner->start(host, now);
    runner->advance(now);
    passTime(20ms);
    EXPECT_EQ(runner->failure(), "step 1 (expect plc hex:01 03 within 20): nothing matched hex:01 03 within 20 ms; "
                                 "nothing was received on 'plc' since the sequence began");
    runner->start(host, now);
    runner->advance(now);
    runner->onMessage("plc", Bytes{1, 4, 0xff});
    receive("plc", std::string(100, 'x'));
    EXPECT_EQ(runner->state(), RunState::Running);
    passTime(20ms);
    std::string hex = "78";
    for (int i = 1; i < 64; ++i) hex += " 78";
    EXPECT_NE(runner->failure().find("the last message on 'plc' was " + hex + "... (100 bytes)"), std::string::npos)
        << runner->failure();
}

TEST_F(SequenceRun, ContinueAndGotoGoOnAfterATimeout) {
    start({"attempt: send plc poll", "expect plc exact:OK within 100 on-timeout: goto attempt", "log done"});
    passTime(100ms);
    passTime(100ms);
    EXPECT_EQ(host.sent.size(), 3u) << "two timeouts, each went back to the send";
    EXPECT_EQ(runner->reports()[1].timeouts, 2u);
    EXPECT_EQ(runner->reports()[1].status, StepStatus::TimedOut);
    receive("plc", "OK");
    EXPECT_EQ(runner->state(), RunState::Passed);
    EXPECT_EQ(runner->reports()[0].runs, 3u);
    EXPECT_EQ(runner->reports()[1].runs, 3u);
    EXPECT_EQ(host.logs, std::vector<std::string>{"done"});
}

TEST_F(SequenceRun, RepeatsRunTheirBlockNTimesAndGotoLeavesThem) {
    start({"repeat 3 {", "  repeat 2 {", "    send a {n}", "  }", "}", "send a end"});
    EXPECT_EQ(runner->state(), RunState::Passed);
    ASSERT_EQ(host.sent.size(), 7u);
    EXPECT_EQ(host.sent[0].second, toBytes("1"));
    EXPECT_EQ(host.sent[5].second, toBytes("6")) << "{n} counts the step's runs";
    EXPECT_EQ(runner->reports()[0].runs, 1u);
    EXPECT_EQ(runner->reports()[1].runs, 3u);
    EXPECT_EQ(runner->reports()[2].runs, 6u);
    EXPECT_EQ(runner->reports()[0].status, StepStatus::Passed);

    start({"repeat 5 {", "  send a x", "  expect a exact:y within 10 on-timeout: goto out", "}", "out: log left"});
    passTime(10ms);
    EXPECT_EQ(runner->state(), RunState::Passed);
    EXPECT_EQ(host.logs.back(), "left");
    EXPECT_EQ(runner->reports()[0].status, StepStatus::Passed) << "left by goto";
}

TEST_F(SequenceRun, AHugeRepeatOfInstantStepsYieldsToItsOwner) {
    start({"repeat 100000 {", "  set x 1", "}"});
    EXPECT_EQ(runner->state(), RunState::Running);
    EXPECT_EQ(wake, now) << "more to run: call again at once";
    for (int i = 0; i < 100 && runner->active(); ++i) wake = runner->advance(now);
    EXPECT_EQ(runner->state(), RunState::Passed);
    EXPECT_EQ(runner->reports()[1].runs, 100000u);
}

TEST_F(SequenceRun, SendErrorsAreNetworkErrorsAndUnsetVariablesScriptErrors) {
    start({"send down x"});
    EXPECT_EQ(runner->state(), RunState::NetworkError);
    EXPECT_EQ(runner->failure(), "step 1 (send down x): 'down' is not connected");
    start({"send a {var:nope}"});
    EXPECT_EQ(runner->state(), RunState::ScriptError);
    EXPECT_EQ(runner->failure(), "step 1 (send a {var:nope}): {var:nope}: no variable 'nope' is set (set NAME DATA sets one) at column 8") << "the line's column, not DATA's";
    start({"send a x", "expect a exact:y within 100"});
    runner->onSendFailed("b", "no client is connected");
    EXPECT_EQ(runner->state(), RunState::Running) << "the run sent nothing on b: not its rejection";
    runner->onSendFailed("a", "no client is connected");
    EXPECT_EQ(runner->state(), RunState::NetworkError);
    EXPECT_EQ(runner->failedStep(), 0u) << "the send's step, not the expect's";
}

TEST_F(SequenceRun, SteppingPausesBeforeEachStepAndStopEnds) {
    start({"# comment", "send a 1", "send a 2", "send a 3"}, true);
    EXPECT_EQ(runner->state(), RunState::Paused);
    EXPECT_EQ(runner->currentStep(), 1u) << "comments are passed over";
    EXPECT_TRUE(host.sent.empty());
    runner->step();
    wake = runner->advance(now);
    EXPECT_EQ(host.sent.size(), 1u);
    EXPECT_EQ(runner->state(), RunState::Paused);
    runner->resume();
    wake = runner->advance(now);
    EXPECT_EQ(host.sent.size(), 3u);
    EXPECT_EQ(runner->state(), RunState::Passed);

    host.sent.clear();
    start({"expect a exact:x within 1000", "send a y"});
    runner->stop(now + 5ms);
    EXPECT_EQ(runner->state(), RunState::Stopped);
    receive("a", "x");
    EXPECT_TRUE(host.sent.empty()) << "a stopped run sends nothing more";
}

TEST_F(SequenceRun, TheBufferOfUnmatchedMessagesIsBounded) {
    start({"delay 10", "expect a exact:first within 10 on-timeout: continue", "expect a exact:last within 10"});
    runner->onMessage("a", toBytes("first"));
    for (std::size_t i = 0; i < SequenceRunner::MaxBufferedMessages; ++i) runner->onMessage("a", toBytes("noise"));
    runner->onMessage("a", toBytes("last"));
    passTime(10ms);
    passTime(10ms);
    EXPECT_EQ(runner->reports()[1].status, StepStatus::TimedOut) << "'first' was dropped, oldest first";
    EXPECT_EQ(runner->state(), RunState::Passed);
}

TEST_F(SequenceRun, JUnitHasOneCasePerStepWithFailuresAndSkips) {
    start({"# c", "send plc poll", "expect plc prefix:<OK> within 50", "send plc never"});
    receive("plc", "ERR & \x01");
    passTime(50ms);
    const std::string xml = junitReport(*runner, std::chrono::system_clock::time_point() + 24h * 365 * 57, now);
    EXPECT_NE(xml.find("<testsuites name=\"socketeer\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"0.050\">"),
              std::string::npos) << xml;
    EXPECT_NE(xml.find("<testcase name=\"step 2: send plc poll\" classname=\"socketeer.test\" time=\"0.000\"/>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<failure type=\"expect\" message=\"nothing matched prefix:&lt;OK&gt; within 50 ms; the last message on "
                       "&apos;plc&apos; was &quot;ERR &amp; \\x01&quot; (7 bytes)\">"),
              std::string::npos) << xml;
    EXPECT_NE(xml.find("<testcase name=\"step 4: send plc never\" classname=\"socketeer.test\" time=\"0.000\">\n      <skipped message=\"not reached\"/>"),
              std::string::npos) << xml;
    EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

} // namespace
} // namespace socketeer::core
