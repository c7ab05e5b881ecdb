// RuleTable: edits reach the session's rules (only rows that parse, in order, enabled or not), a bad row is kept as
// typed with its column, UDP refuses close, the dry run says what would answer, and hits map to rows only while the
// table is what the live session runs.
#include <gtest/gtest.h>

#include "rule_table.hpp"

using namespace socketeer;
using namespace socketeer::core;

namespace {

TEST(RuleTable, EditsWriteTheRowsThatParseToTheSessionsRules) {
    RuleSet target;
    app::RuleTable table(target, RuleHost::TcpSession);
    EXPECT_TRUE(table.rows().empty());
    table.add("prefix:PING => reply:PONG\\n");
    const std::size_t second = table.add();
    EXPECT_EQ(target.rules().size(), 1u) << "an empty row waits to be typed";
    table.setText(second, "prefx:a => close");
    EXPECT_EQ(table.rows()[second].text, "prefx:a => close") << "kept as typed";
    EXPECT_EQ(table.rows()[second].error.substr(0, 24), "unknown matcher 'prefx' ");
    EXPECT_NE(table.rows()[second].error.find("at column 1"), std::string::npos);
    EXPECT_EQ(target.rules().size(), 1u);
    table.setText(second, "hex:01 ?? => reply:02 {1}");
    EXPECT_NE(table.rows()[second].error.find("{1} is not captured"), std::string::npos) << table.rows()[second].error;
    table.setText(second, "hex:01 ?? => reply:02 0G");
    EXPECT_EQ(table.rows()[second].error, "") << "as text, the reply is the characters '02 0G'";
    EXPECT_EQ(target.rules()[1].syntax, PayloadSyntax::Text);
    table.setHex(second, true);
    EXPECT_EQ(table.rows()[second].error, "bad hex digit 'G' at column 24");
    EXPECT_EQ(target.rules().size(), 1u);
    table.setText(second, "hex:01 ?? => reply:02 03");
    ASSERT_EQ(target.rules().size(), 2u);
    EXPECT_EQ(target.rules()[1].syntax, PayloadSyntax::Hex);
    table.move(second, -1);
    EXPECT_EQ(target.rules()[0].source, "hex:01 ?? => reply:02 03") << "order is the answer's order";
    table.move(0, -1); // already first: nothing
    EXPECT_EQ(target.rules()[0].source, "hex:01 ?? => reply:02 03");
    table.setEnabled(0, false);
    EXPECT_FALSE(target.rules()[0].enabled);
    table.remove(0);
    ASSERT_EQ(target.rules().size(), 1u);
    EXPECT_EQ(target.rules()[0].source, "prefix:PING => reply:PONG\\n");

    app::RuleTable reloaded(target, RuleHost::TcpSession);
    ASSERT_EQ(reloaded.rows().size(), 1u);
    EXPECT_EQ(reloaded.rows()[0].text, "prefix:PING => reply:PONG\\n");
}

TEST(RuleTable, UdpRefusesClose) {
    RuleSet target;
    app::RuleTable table(target, RuleHost::UdpSession);
    table.add("exact:bye => reply:ok; close");
    EXPECT_EQ(table.rows()[0].error, "close at column 24: a UDP socket has no connection to close");
    EXPECT_TRUE(target.rules().empty());
}

TEST(RuleTable, TheDryRunSaysWhichRuleAnswersAndWithWhatWithoutCountingAHit) {
    RuleSet target;
    app::RuleTable table(target, RuleHost::TcpSession);
    table.add("exact:never => ignore");
    table.add(R"(regex:^GET (\w+) => reply:VALUE {1}\n; continue)");
    table.add("prefix:GET => delay:50; reply:{crc16/modbus}; close");
    const auto result = table.test("GET temp", false);
    EXPECT_EQ(result.error, "");
    EXPECT_EQ(result.lines, (std::vector<std::string>{
                                "rule 2 matches, captures 1 = \"temp\" (4 bytes)",
                                "  reply \"VALUE temp\\n\" (11 bytes)",
                                "  continue with the rules after it",
                                "rule 3 matches",
                                "  wait 50 ms",
                                "  reply \"\\xFF\\xFF\" (2 bytes)", // the CRC of nothing: no byte before it
                                "  close the connection",
                            }));
    EXPECT_EQ(target.hits(1), 0u) << "a test is not a hit";
    EXPECT_EQ(table.test("hello", false).lines,
              std::vector<std::string>{"no rule matches \"hello\" (5 bytes): the auto-reply setting answers, if any"});
    EXPECT_EQ(table.test("0A 1G", true).error, "message: bad hex digit 'G' at column 5");
}

TEST(RuleTable, HitsMapToRowsWhileTheTableIsWhatTheSessionRuns) {
    RuleSet target;
    app::RuleTable table(target, RuleHost::TcpSession);
    table.add("prefix:a => reply:1");
    table.add(); // an empty row between: the rules' indexes skip it
    table.add("prefix:b => reply:2");
    const RuleSet live = target; // the session's copy shares the counters
    EXPECT_EQ(live.match(toBytes("b!"), {}).size(), 1u);
    const auto hits = table.liveHits(&live);
    ASSERT_TRUE(hits);
    ASSERT_EQ(hits->size(), 3u);
    EXPECT_EQ((*hits)[0], 0u);
    EXPECT_FALSE((*hits)[1]);
    EXPECT_EQ((*hits)[2], 1u);
    table.setText(0, "prefix:z => reply:1");
    EXPECT_FALSE(table.liveHits(&live)) << "changed since it opened: the live counters belong to other rules";
    EXPECT_FALSE(table.liveHits(nullptr));
}

TEST(RuleTable, AProxysTableTakesDirectionsRewritesAndDropsAndItsDryRunFollowsTheDirection) {
    RuleSet target;
    app::RuleTable table(target, RuleHost::TcpProxy);
    table.add(R"(c2s:regex:^SET (\d+) => rewrite:SET {1}0\n)");
    table.add("s2c:prefix:ERR => drop; reply:retry\\n");
    table.add("exact:bye => close");
    for (const auto& row : table.rows()) EXPECT_EQ(row.error, "") << row.text;
    EXPECT_EQ(target.rules().size(), 3u);
    EXPECT_EQ(table.test("SET 7", false, RuleFlow::ToServer).lines,
              (std::vector<std::string>{"rule 1 matches, captures 1 = \"7\" (1 byte)", "  forward \"SET 70\\n\" (7 bytes) in its place"}));
    EXPECT_EQ(table.test("SET 7", false, RuleFlow::ToClient).lines,
              std::vector<std::string>{"no rule matches \"SET 7\" (5 bytes): it is forwarded as it is"})
        << "a c2s: rule does not see s>c messages";
    EXPECT_EQ(table.test("ERR 1", false, RuleFlow::ToClient).lines,
              (std::vector<std::string>{"rule 2 matches", "  drop it (not forwarded)", "  reply to the sender \"retry\\n\" (6 bytes)"}));

    // Switched to UDP, the proxy's clients have no link to close: the row says so and leaves the rules.
    table.setHost(RuleHost::UdpProxy);
    EXPECT_EQ(table.rows()[2].error, "close at column 14: a UDP proxy's clients have no connection to close");
    EXPECT_EQ(target.rules().size(), 2u);
    table.setHost(RuleHost::TcpProxy);
    EXPECT_EQ(target.rules().size(), 3u);

    RuleSet serverRules;
    app::RuleTable server(serverRules, RuleHost::TcpSession);
    server.add("c2s:exact:a => reply:b");
    server.add("exact:a => rewrite:b");
    EXPECT_EQ(server.rows()[0].error, "c2s: at column 1: only a proxy has directions");
    EXPECT_EQ(server.rows()[1].error, "rewrite at column 12: only a proxy forwards messages (a session answers with reply:)");
    EXPECT_TRUE(serverRules.empty());
}

} // namespace
