// socketeer-cli run WORKSPACE --sequence NAME end to end: against a Socketeer rule server (captures, variables,
// repeats) it passes; against a silent or wrong-answering one it exits 4 naming the step, the matcher and the last
// message; across two sessions of a relay; over UDP; network and usage errors; the JUnit report parses (Python's
// own XML parser reads it).
#include <gtest/gtest.h>

#include <unistd.h>

#include <asio/ip/tcp.hpp>

#include <filesystem>
#include <fstream>

#include "cli_command.hpp"
#include "process.hpp"
#include "socketeer/core/workspace/packet_sender_import.hpp"
#include "socketeer/core/workspace/workspace.hpp"

using socketeer::test::cli;
using socketeer::test::jsonLines;
using socketeer::test::runProcess;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using namespace std::chrono_literals;

namespace {

class CliSequence : public ::testing::Test {
protected:
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    /// A workspace file with these sessions and sequences (JSON text).
    std::string workspace(const std::string& sessions, const std::string& sequences) {
        const std::string file = path("workspace.json");
        std::ofstream(file) << R"({"format":"socketeer-workspace","version":1,"sessions":[)" << sessions
                            << R"(],"sequences":[)" << sequences << "]}";
        return file;
    }

    static std::string client(const std::string& name, std::uint16_t port) {
        return R"({"kind":"tcp-client","name":")" + name + R"(","host":"127.0.0.1","port":)" + std::to_string(port) + "}";
    }

    /// Reads the JUnit file with Python's XML parser: "tests failures errors skipped" of the suite, then each case as
    /// "name|outcome".
    std::string junitSummary(const std::string& file) {
        const std::string script = R"(
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find('testsuite')
print(' '.join(suite.get(k) for k in ('tests', 'failures', 'errors', 'skipped')))
for case in suite.findall('testcase'):
    outcome = 'passed'
    for kind in ('failure', 'error', 'skipped'):
        if case.find(kind) is not None: outcome = kind
    print(case.get('name') + '|' + outcome)
)";
        const auto result = runProcess({"/usr/bin/python3", "-c", script, file}, "", 30s);
        EXPECT_EQ(result.code, 0) << result.err;
        return result.out;
    }

    std::filesystem::path m_dir = [] {
        auto dir = std::filesystem::temp_directory_path() / ("socketeer-sequence-" + std::to_string(::getpid()) + "-" +
                                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir);
        return dir;
    }();
};

TEST_F(CliSequence, PassesAgainstARuleServerWithCapturesVariablesAndRepeats) {
    Server server(tcpServer({"--frame", "line", "--rule", R"(regex:^LOGIN (\w+)\n$ => reply:TOKEN {1}-7\n)",
                             "--rule", R"(regex:^GET (\S+) (\d+)\n$ => reply:VALUE {2}\n)"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const std::string file = workspace(client("dev", server.port), R"({"name":"login","steps":[
        "# log in, keep the token, read three registers with it",
        "send dev LOGIN alice\\n",
        "expect dev regex:^TOKEN (\\S+) within 2000",
        "set token {1}",
        "repeat 3 {",
        "  send dev GET {var:token} {n}\\n",
        "  expect dev regex:^VALUE (\\d+) within 2000",
        "  log value {1}",
        "}"]})");
    const std::string report = path("login.xml");
    const auto run = runProcess(cli({"run", file, "--sequence", "login", "--junit", report}), "", 60s);
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.err.find("[login] value 1\n[login] value 2\n[login] value 3\n"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("[login] passed: 7 steps in "), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "TOKEN alice-7\nVALUE 1\nVALUE 2\nVALUE 3\n");
    EXPECT_EQ(junitSummary(report), "7 0 0 0\n"
                                    "step 2: send dev LOGIN alice\\n|passed\n"
                                    "step 3: expect dev regex:^TOKEN (\\S+) within 2000|passed\n"
                                    "step 4: set token {1}|passed\n"
                                    "step 5: repeat 3 {|passed\n"
                                    "step 6: send dev GET {var:token} {n}\\n|passed\n"
                                    "step 7: expect dev regex:^VALUE (\\d+) within 2000|passed\n"
                                    "step 8: log value {1}|passed\n");
}

TEST_F(CliSequence, ASilentServerExitsFourNamingTheStepAndTheJUnitSaysSo) {
    Server server(tcpServer({}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const std::string file = workspace(client("dev", server.port), R"({"name":"probe","steps":[
        "send dev hello\\n", "expect dev prefix:OK within 300", "send dev never"]})");
    const std::string report = path("probe.xml");
    const auto run = runProcess(cli({"run", file, "--sequence", "probe", "--junit", report}), "", 60s);
    EXPECT_EQ(run.code, 4) << run.err;
    EXPECT_NE(run.err.find("socketeer-cli: sequence 'probe' failed at step 2 (expect dev prefix:OK within 300): nothing "
                           "matched prefix:OK within 300 ms; nothing was received on 'dev' since the sequence began\n"),
              std::string::npos)
        << run.err;
    EXPECT_EQ(junitSummary(report), "3 1 0 1\n"
                                    "step 1: send dev hello\\n|passed\n"
                                    "step 2: expect dev prefix:OK within 300|failure\n"
                                    "step 3: send dev never|skipped\n");
}

TEST_F(CliSequence, AWrongAnswerIsShownAsTheLastMessageAndJsonlSaysTheOutcome) {
    Server server(tcpServer({"--echo"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const std::string file = workspace(client("dev", server.port), R"({"name":"probe","hex":true,"steps":[
        "send dev 01 03 00 00 00 02 {crc16/modbus}", "expect dev hex:01 03 04 ?? ?? ?? ?? ?? ?? within 300"]})");
    const auto run = runProcess(cli({"run", file, "--sequence", "probe", "--format", "jsonl"}), "", 60s);
    EXPECT_EQ(run.code, 4) << run.err;
    EXPECT_NE(run.err.find("the last message on 'dev' was 01 03 00 00 00 02 C4 0B (8 bytes)"), std::string::npos) << run.err;
    bool said = false;
    for (const auto& line : jsonLines(run.out)) {
        if (line.at("event") != "sequence") continue;
        said = true;
        EXPECT_EQ(line.at("outcome"), "failed");
        EXPECT_EQ(line.at("step"), 2);
        EXPECT_GE(line.at("elapsedMs").get<int>(), 300);
    }
    EXPECT_TRUE(said) << run.out;
}

TEST_F(CliSequence, StepsSpanSessionsAndATimeoutCanGoOn) {
    Server relay(tcpServer({"--relay"}));
    ASSERT_NE(relay.port, 0) << relay.process.stderrText();
    const std::string file = workspace(client("a", relay.port) + "," + client("b", relay.port), R"({"name":"relay","steps":[
        "expect b exact:nothing yet within 100 on-timeout: continue",
        "send a from a",
        "expect b exact:from a within 2000",
        "send b back",
        "expect a exact:back within 2000"]})");
    const auto run = runProcess(cli({"run", file, "--sequence", "relay"}), "", 60s);
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("[relay] step 1 (expect b exact:nothing yet within 100 on-timeout: continue): nothing matched "
                           "exact:nothing yet within 100 ms; nothing was received on 'b' since the sequence began; going on"),
              std::string::npos)
        << run.err;
}

TEST_F(CliSequence, UdpSessionsExpectTheirReplies) {
    Server echo(socketeer::test::cli({"udp-server", "--bind", "127.0.0.1", "--port", "0", "--echo"}));
    ASSERT_NE(echo.port, 0) << echo.process.stderrText();
    const std::string file = workspace(R"({"kind":"udp","name":"sensor","remoteHost":"127.0.0.1","remotePort":)" +
                                           std::to_string(echo.port) + R"(,"bindAddress":"127.0.0.1","port":0})",
                                       R"({"name":"ping","steps":["repeat 5 {","send sensor T{n}","expect sensor exact:T{n} within 2000","}"]})");
    const auto refused = runProcess(cli({"run", file, "--sequence", "ping"}), "", 60s);
    EXPECT_EQ(refused.code, 2) << "a matcher's data is fixed bytes: {n} is refused";
    EXPECT_NE(refused.err.find("step 3: exact: a matcher's data is fixed bytes"), std::string::npos) << refused.err;
    const std::string fixed = workspace(R"({"kind":"udp","name":"sensor","remoteHost":"127.0.0.1","remotePort":)" +
                                            std::to_string(echo.port) + R"(,"bindAddress":"127.0.0.1","port":0})",
                                        R"({"name":"ping","steps":["repeat 5 {","send sensor T{n}","expect sensor regex:^T\\d$ within 2000","}"]})");
    const auto run = runProcess(cli({"run", fixed, "--sequence", "ping"}), "", 60s);
    EXPECT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.out, "T1T2T3T4T5");
}

TEST_F(CliSequence, AWelcomeThatCameWithTheConnectionIsTheFirstExpectsToSee) {
    Server server(tcpServer({"--welcome", "HELLO v1\\n"}));
    ASSERT_NE(server.port, 0) << server.process.stderrText();
    const std::string file = workspace(client("dev", server.port), R"({"name":"banner","steps":[
        "expect dev prefix:HELLO within 2000", "send dev bye"]})");
    for (int attempt = 0; attempt < 5; ++attempt) { // the banner may come with the connect event or after it
        const auto run = runProcess(cli({"run", file, "--sequence", "banner"}), "", 60s);
        ASSERT_EQ(run.code, 0) << run.err;
    }
}

TEST_F(CliSequence, ARunThatDidNotStartOrWasCutShortIsAnErrorInTheReport) {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const std::uint16_t closedPort = probe.local_endpoint().port();
    probe.close(); // nobody listens there now
    const std::string refused = workspace(client("dev", closedPort), R"({"name":"probe","steps":["send dev x"]})");
    const std::string report = path("refused.xml");
    const auto run = runProcess(cli({"run", refused, "--sequence", "probe", "--junit", report}), "", 60s);
    EXPECT_EQ(run.code, 1) << run.err;
    EXPECT_NE(run.err.find("sequence 'probe' did not start: 1 of its sessions could not open"), std::string::npos) << run.err;
    EXPECT_EQ(junitSummary(report), "2 0 1 1\nopen the sessions|error\nstep 1: send dev x|skipped\n");

    Server silent(tcpServer({}));
    ASSERT_NE(silent.port, 0) << silent.process.stderrText();
    const std::string waiting = workspace(client("dev", silent.port), R"({"name":"wait","steps":["expect dev exact:x within 60000"]})");
    const std::string cut = path("cut.xml");
    const auto timedOut = runProcess(cli({"run", waiting, "--sequence", "wait", "--junit", cut, "--timeout", "0.5"}), "", 60s);
    EXPECT_EQ(timedOut.code, 3) << timedOut.err;
    EXPECT_NE(timedOut.err.find("--timeout reached at step 1 (expect dev exact:x within 60000)"), std::string::npos) << timedOut.err;
    EXPECT_EQ(junitSummary(cut), "1 0 1 0\nstep 1: expect dev exact:x within 60000|error\n");
}

TEST_F(CliSequence, NetworkErrorsExitOneAndUsageErrorsTwo) {
    // A server session with nobody connected: the send cannot go out.
    const std::string file = workspace(R"({"kind":"tcp-server","name":"srv","bindAddress":"127.0.0.1","port":0})",
                                       R"({"name":"push","steps":["send srv hello"]},{"name":"other","steps":[]})");
    const std::string report = path("push.xml");
    const auto run = runProcess(cli({"run", file, "--sequence", "push", "--junit", report}), "", 60s);
    EXPECT_EQ(run.code, 1) << run.err;
    EXPECT_NE(run.err.find("sequence 'push' network error: step 1 (send srv hello): 'srv' has no client connected"),
              std::string::npos) << run.err;
    EXPECT_EQ(junitSummary(report), "1 0 1 0\nstep 1: send srv hello|error\n");

    const auto unknown = runProcess(cli({"run", file, "--sequence", "pusj"}), "", 60s);
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("no sequence named 'pusj' (sequences: push, other)"), std::string::npos) << unknown.err;
    const auto junitAlone = runProcess(cli({"run", file, "--junit", report}), "", 60s);
    EXPECT_EQ(junitAlone.code, 2);
    EXPECT_NE(junitAlone.err.find("--junit reports a --sequence: name one"), std::string::npos) << junitAlone.err;
    const auto unwritable = runProcess(cli({"run", file, "--sequence", "push", "--junit", path("no/such/dir/r.xml")}), "", 60s);
    EXPECT_EQ(unwritable.code, 2);
    EXPECT_NE(unwritable.err.find("cannot write the JUnit report"), std::string::npos) << unwritable.err;
}

/// The JSON blocks of docs/WORKSPACE.md: the example (the first) and the schema (the one after "## JSON schema").
std::pair<std::string, std::string> documentedExampleAndSchema() {
    std::ifstream in(std::string(SOCKETEER_TESTS_DIR) + "/../docs/WORKSPACE.md");
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto block = [&](std::size_t from) {
        const std::size_t start = doc.find("```json\n", from);
        if (start == std::string::npos) return std::string();
        return doc.substr(start + 8, doc.find("```", start + 8) - start - 8);
    };
    const std::size_t schemaHeading = doc.find("## JSON schema");
    return {block(0), schemaHeading == std::string::npos ? std::string() : block(schemaHeading)};
}

TEST_F(CliSequence, TheDocumentedSchemaAcceptsTheExampleAndWhatSocketeerWritesAndRefusesBadSteps) {
    const auto [example, schema] = documentedExampleAndSchema();
    ASSERT_FALSE(example.empty());
    ASSERT_FALSE(schema.empty()) << "docs/WORKSPACE.md has no JSON schema";
    const std::string schemaFile = path("schema.json");
    std::ofstream(schemaFile) << schema;
    const std::string exampleFile = path("example.json");
    std::ofstream(exampleFile) << example;
    auto loaded = socketeer::core::parseWorkspace(example);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    ASSERT_EQ(loaded.value().sequences.size(), 2u);
    const std::string writtenFile = path("written.json");
    std::ofstream(writtenFile) << socketeer::core::serializeWorkspace(loaded.value());
    auto withStep = [&](const std::string& name, const std::string& step) {
        nlohmann::json j = nlohmann::json::parse(example);
        j["sequences"][1]["steps"].push_back(step);
        const std::string file = path(name + ".json");
        std::ofstream(file) << j.dump();
        return file;
    };
    const std::vector<std::string> bad{withStep("misspelt", "sned Echo x"), withStep("no-within", "expect Echo prefix:x"),
                                       withStep("two-lines", "log a\nb"), withStep("repeat-zero", "repeat 0 {")};
    nlohmann::json badHotkey = nlohmann::json::parse(example);
    badHotkey["sequences"][0]["hotkey"] = "F1";
    std::ofstream(path("hotkey.json")) << badHotkey.dump();
    // A proxy's rules, scoped to a direction and with its own actions, as Socketeer writes them.
    auto proxy = socketeer::core::parseWorkspace(R"({"format":"socketeer-workspace","version":1,"sessions":[{"kind":"proxy",
        "name":"p","listenPort":0,"targetHost":"127.0.0.1","targetPort":9,"framingToServer":{"frame":"line"},
        "rules":["c2s:prefix:Host: => rewrite:Host: staging\r\n",{"rule":"s2c:hex:01 ?? => drop","hex":true}]}]})");
    ASSERT_TRUE(proxy) << proxy.error().describe();
    std::ofstream(path("proxy.json")) << socketeer::core::serializeWorkspace(proxy.value());
    // Saved payloads with a session and a repeat, as the Packet Sender import writes them.
    auto imported = socketeer::core::importPacketSenderFile(std::string(SOCKETEER_TESTS_DIR) + "/cli/fixtures/packetsender-export.json");
    ASSERT_TRUE(imported) << imported.error().describe();
    std::ofstream(path("imported.json")) << socketeer::core::serializeWorkspace(imported.value().workspace);
    const std::string script = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for name in sys.argv[2:]:
    errors = list(validator.iter_errors(json.load(open(name))))
    print(name.rsplit('/', 1)[-1] + ' ' + ('valid' if not errors else 'invalid'))
)";
    const auto result = runProcess({"/usr/bin/python3", "-c", script, schemaFile, exampleFile, writtenFile, bad[0], bad[1],
                                    bad[2], bad[3], path("hotkey.json"), path("proxy.json"), path("imported.json")},
                                   "", 60s);
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "example.json valid\nwritten.json valid\nmisspelt.json invalid\nno-within.json invalid\n"
                          "two-lines.json invalid\nrepeat-zero.json invalid\nhotkey.json invalid\nproxy.json valid\n"
                          "imported.json valid\n");
}

} // namespace
