// socketeer-cli proxy while it runs: --rule drops and rewrites messages in flight (counted in the summary),
// --control FILE (a FIFO a script writes to) changes impairments and holds, edits and releases a message, and
// what cannot work is refused with its reason.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_command.hpp"
#include "process.hpp"
#include "wait.hpp"

using socketeer::test::cli;
using socketeer::test::jsonLines;
using socketeer::test::lastEvent;
using socketeer::test::proxyTo;
using socketeer::test::Process;
using socketeer::test::runProcess;
using socketeer::test::Server;
using socketeer::test::tcpServer;
using namespace std::chrono_literals;

namespace {

/// The control events so far, as "ok|result" lines.
std::vector<std::string> controlReplies(const std::string& text) {
    std::vector<std::string> replies;
    for (const auto& line : jsonLines(text))
        if (line.value("event", "") == "control")
            replies.push_back(std::string(line.value("ok", false) ? "ok" : "refused") + "|" + line.value("result", ""));
    return replies;
}

/// A FIFO of its own in the temp directory, removed at the end.
struct Fifo {
    std::string path = (std::filesystem::temp_directory_path() / ("socketeer-control-" + std::to_string(::getpid()))).string();
    Fifo() {
        std::filesystem::remove(path);
        EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
    }
    ~Fifo() { std::filesystem::remove(path); }
    /// One writer: opens (the proxy's reader is waiting for one), writes the lines, closes.
    void say(const std::string& lines) const {
        std::ofstream out(path);
        out << lines;
    }
};

} // namespace

TEST(CliProxyRules, MessagesAreDroppedAndRewrittenInFlightAndCounted) {
    Server echo(tcpServer({"--echo", "--frame", "line"}));
    ASSERT_NE(echo.port, 0) << echo.process.stderrText();
    Server proxy(proxyTo(echo.port, {"--frame", "line", "--format", "jsonl", "--rule", "c2s:exact:secret\\n => drop",
                                     "--rule", "c2s:regex:^SET (\\d+) => rewrite:SET {1}0\\n"}));
    ASSERT_NE(proxy.port, 0) << proxy.process.stderrText();
    const auto client = runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(proxy.port), "--send",
                                        "hello\\nsecret\\nSET 4\\n", "--frame", "line", "--count", "2"}));
    EXPECT_EQ(client.code, 0) << client.err;
    EXPECT_EQ(client.out, "hello\nSET 40\n") << "secret never reached the echo server; SET 4 reached it as SET 40";
    ASSERT_TRUE(socketeer::test::eventually([&] { return proxy.process.stdoutText().find("\"closed\"") != std::string::npos; }, 10s));
    proxy.process.signal(SIGINT);
    EXPECT_EQ(proxy.process.wait(), 0) << proxy.process.stderrText();
    const std::string out = proxy.process.stdoutText();
    EXPECT_NE(out.find("#1 c>s: rule 1 dropped the message (7 bytes)"), std::string::npos) << out;
    EXPECT_NE(out.find("#1 c>s: rule 2 rewrote the message (6 bytes became 7): \\\"SET 40\\\\n\\\""), std::string::npos) << out;
    const auto summary = lastEvent(out, "proxy-summary");
    ASSERT_TRUE(summary.is_object()) << out;
    EXPECT_EQ(summary["c>s"]["rules"], (nlohmann::json{{"matched", 2}, {"rewritten", 1}, {"dropped", 1}, {"replies", 0}}));
    EXPECT_EQ(summary["c>s"]["unitsIn"].get<int>(), 2) << "hello and the rewrite reached the impairments";
    EXPECT_EQ(summary["s>c"]["rules"]["matched"].get<int>(), 0);
}

TEST(CliProxyControl, ImpairmentsAndHoldChangeWhileItRuns) {
    Server echo(tcpServer({"--echo"}));
    ASSERT_NE(echo.port, 0) << echo.process.stderrText();
    const Fifo control;
    Server proxy(proxyTo(echo.port, {"--frame", "line", "--format", "jsonl", "--control", control.path}));
    ASSERT_NE(proxy.port, 0) << proxy.process.stderrText();
    const auto repliesAre = [&](std::size_t n) {
        return socketeer::test::eventually([&] { return controlReplies(proxy.process.stdoutText()).size() >= n; }, 10s);
    };
    const auto send = [&](const std::string& data) {
        return runProcess(cli({"tcp-client", "127.0.0.1", std::to_string(proxy.port), "--send", data, "--wait", "300"}));
    };

    control.say("loss c2s:100\n");
    ASSERT_TRUE(repliesAre(1)) << proxy.process.stdoutText();
    EXPECT_EQ(send("lost\\n").out, "") << "every c>s message is lost now";
    control.say("# comments and blank lines are skipped\n\n--loss c2s:0\nloss c2s:x\n");
    ASSERT_TRUE(repliesAre(3)) << proxy.process.stdoutText();
    EXPECT_EQ(send("kept\\n").out, "kept\n");

    control.say("hold c2s\n");
    ASSERT_TRUE(repliesAre(4));
    Process held(cli({"tcp-client", "127.0.0.1", std::to_string(proxy.port), "--send", "edit me\\n", "--count", "1",
                      "--timeout", "10"}));
    ASSERT_TRUE(socketeer::test::eventually([&] { return proxy.process.stdoutText().find("edit me") != std::string::npos; }, 10s))
        << "the proxy reports the message it holds";
    control.say("held\nrelease 3 c2s EDITED\\n\n");
    EXPECT_EQ(held.wait(), 0) << held.stderrText();
    EXPECT_EQ(held.stdoutText(), "EDITED\n") << "the held message went on as edited";
    control.say("show\n");
    ASSERT_TRUE(repliesAre(7)) << proxy.process.stdoutText();
    proxy.process.signal(SIGINT);
    EXPECT_EQ(proxy.process.wait(), 0) << proxy.process.stderrText();

    const auto replies = controlReplies(proxy.process.stdoutText());
    ASSERT_EQ(replies.size(), 7u) << proxy.process.stdoutText();
    EXPECT_EQ(replies[0], "ok|c>s loss 100 %");
    EXPECT_EQ(replies[1], "ok|c>s none");
    EXPECT_EQ(replies[2], "refused|--loss 'c2s:x': not a number of percent (prefix c2s: or s2c: for one direction)");
    EXPECT_EQ(replies[3], "ok|holding");
    EXPECT_EQ(replies[4], "ok|#3 c>s: 1 held, next \"edit me\\n\"");
    EXPECT_EQ(replies[5], "ok|releasing the next held message of #3");
    // lost\n, kept\n, and the edit (7 bytes) in its message's place.
    EXPECT_NE(replies[6].find("; c>s: 3 in (17 B), 2 out, 1 dropped, "), std::string::npos) << replies[6];
    EXPECT_EQ(replies[6].find("rules"), std::string::npos) << "a proxy without rules does not speak of them";
    const auto summary = lastEvent(proxy.process.stdoutText(), "proxy-summary");
    EXPECT_EQ(summary["c>s"]["dropped"].get<int>(), 1) << "the one message sent while the loss was 100 %";
}

TEST(CliProxyRules, WhatCannotWorkIsRefusedWithItsReason) {
    const auto noControl = runProcess(proxyTo(9, {"--control", "/nonexistent/socketeer-control"}));
    EXPECT_EQ(noControl.code, 2);
    EXPECT_NE(noControl.err.find("--control '/nonexistent/socketeer-control': no such file (make a FIFO with mkfifo, or give - "
                                 "for stdin)"),
              std::string::npos)
        << noControl.err;
    const auto serverDrop = runProcess(cli({"tcp-server", "--port", "0", "--rule", "exact:a => drop"}));
    EXPECT_EQ(serverDrop.code, 2);
    EXPECT_NE(serverDrop.err.find("--rule 1 'exact:a => drop': drop at column 12: only a proxy forwards messages"), std::string::npos)
        << serverDrop.err;
    const auto udpClose = runProcess(proxyTo(9, {"--udp", "--rule", "exact:a => close"}));
    EXPECT_EQ(udpClose.code, 2);
    EXPECT_NE(udpClose.err.find("close at column 12: a UDP proxy's clients have no connection to close"), std::string::npos)
        << udpClose.err;
    const auto both = runProcess(proxyTo(9, {"--rule", "c2s:exact:a => rewrite:b; drop"}));
    EXPECT_EQ(both.code, 2);
    EXPECT_NE(both.err.find("drop and rewrite: exclude each other (a dropped message is not forwarded at all) at column 27"),
              std::string::npos)
        << both.err;
}
