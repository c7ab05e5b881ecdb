// socketeer-cli against hostile input: garbage shown safely in hex and JSON lines, and running out of descriptors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <asio.hpp>

#include <atomic>
#include <csignal>
#include <thread>
#include <regex>

#include "process.hpp"
using socketeer::test::occurrences;
#include "socketeer/core/codec/hex_codec.hpp"
#include "wait.hpp"

using socketeer::test::Process;
using namespace std::chrono_literals;

namespace {

const std::string Cli = SOCKETEER_CLI_PATH;

const std::string Garbage = std::string("A\0B", 3) + "\x1b[2J\x1b]0;pwned\x07\r\xff\xfe\xc0\xaf\x9b" "31m" "\xe2\x80\xae" "abc" +
                            "\x81\x30\x81" + "\x7f\x08\n";

/// The index of the first byte that a terminal would act on (anything but printable ASCII and LF), or npos.
std::size_t firstControlByte(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c >= 0x7f) return i;
    }
    return std::string::npos;
}

/// Sends `bytes` to a fresh CLI server with `format` and returns what it printed on stdout.
std::string serverOutputFor(const std::string& format, const std::string& bytes) {
    Process server({Cli, "tcp-server", "--bind", "127.0.0.1", "--port", "0", "--format", format, "--count", "1",
                    "--timeout", "10"});
    const auto port = server.waitForListeningPort();
    EXPECT_NE(port, 0) << server.stderrText();
    asio::io_context io;
    asio::ip::tcp::socket peer(io);
    peer.connect({asio::ip::address_v4::loopback(), port});
    asio::write(peer, asio::buffer(bytes));
    EXPECT_EQ(server.wait(), 0) << server.stderrText();
    return server.stdoutText();
}

} // namespace

TEST(CliHostile, GarbageIsPrintedAsHexAndEscapedJsonNeverRaw) {
    const std::string hex = serverOutputFor("hex", Garbage);
    EXPECT_EQ(firstControlByte(hex), std::string::npos) << "raw control byte in hex output at " << firstControlByte(hex);
    EXPECT_NE(hex.find("41 00 42 1b 5b 32 4a 1b"), std::string::npos) << hex;

    const std::string jsonl = serverOutputFor("jsonl", Garbage);
    EXPECT_EQ(firstControlByte(jsonl), std::string::npos) << "raw control byte in JSON lines at " << firstControlByte(jsonl);
    bool found = false;
    std::size_t start = 0;
    while (start < jsonl.size()) {
        const auto end = jsonl.find('\n', start);
        const auto line = nlohmann::json::parse(jsonl.substr(start, end - start)); // every line is valid JSON
        start = end == std::string::npos ? jsonl.size() : end + 1;
        if (line.at("event") != "data") continue;
        found = true;
        // The hex field is the bytes exactly; the text field is escaped (no raw ESC, NUL or bidi override in it).
        const auto bytes = socketeer::core::parseHex(line.at("hex").get<std::string>());
        ASSERT_TRUE(bytes.ok());
        EXPECT_EQ(std::string(bytes.value().begin(), bytes.value().end()), Garbage);
        const auto text = line.at("text").get<std::string>();
        EXPECT_EQ(text.find('\x1b'), std::string::npos);
        EXPECT_EQ(text.find('\0'), std::string::npos);
        EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos);
        EXPECT_NE(text.find("\\x1B[2J"), std::string::npos) << text;
        EXPECT_EQ(line.at("size"), Garbage.size());
    }
    EXPECT_TRUE(found) << jsonl;
}

TEST(CliHostile, OutOfDescriptorsIsReportedClientsStayServedAndAcceptingResumes) {
    // A server limited to 40 descriptors, and 60 clients: about 30 fit, the rest wait in the listen backlog.
    // Under UBSan the server must not halt on a report: UBSan checks a vptr by probing memory through a pipe, so at
    // the descriptor limit every std::error_code it formats is reported as an "invalid vptr" (a false positive that
    // no suppression can name, since the type cannot be read either). Other builds ignore the variable.
    Process server({"/bin/sh", "-c",
                    "ulimit -n 40 && UBSAN_OPTIONS=\"${UBSAN_OPTIONS}:halt_on_error=0\" exec '" + Cli +
                        "' tcp-server --bind 127.0.0.1 --port 0 --echo"});
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    asio::io_context io;
    std::vector<asio::ip::tcp::socket> clients;
    for (int i = 0; i < 60; ++i) {
        clients.emplace_back(io);
        clients.back().connect({asio::ip::address_v4::loopback(), port}); // the kernel completes it, accepted or not
    }
    ASSERT_TRUE(server.waitForStderr("cannot accept on 127.0.0.1:" + std::to_string(port))) << server.stderrText();
    EXPECT_TRUE(server.waitForStderr("accepting resumes when")) << server.stderrText();
    const std::size_t acceptedAtTheLimit = occurrences(server.stderrText(), "accepted 127.0.0.1:");
    EXPECT_LT(acceptedAtTheLimit, 40u);
    EXPECT_GT(acceptedAtTheLimit, 10u);

    const auto echoes = [&](asio::ip::tcp::socket& client, const std::string& message) {
        asio::write(client, asio::buffer(message));
        if (!socketeer::test::eventually([&] { return client.available() >= message.size(); }, 10s)) return false;
        std::string reply(message.size(), '\0');
        asio::read(client, asio::buffer(reply));
        return reply == message;
    };
    // A client accepted before the limit is still served while the server is out of descriptors.
    EXPECT_TRUE(echoes(clients[0], "still served")) << server.stderrText();

    // Closing clients frees descriptors: the server accepts the waiting ones and says so.
    for (int i = 1; i <= 40; ++i) clients[i].close();
    ASSERT_TRUE(server.waitForStderr("accepting again on 127.0.0.1:" + std::to_string(port))) << server.stderrText();
    ASSERT_TRUE(socketeer::test::eventually([&] { return occurrences(server.stderrText(), "accepted 127.0.0.1:") == 60; }, 10s))
        << occurrences(server.stderrText(), "accepted 127.0.0.1:") << " accepted\n" << server.stderrText();
    EXPECT_TRUE(echoes(clients[59], "last in the queue")) << server.stderrText();
    EXPECT_TRUE(echoes(clients[0], "first one again"));
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(), 0) << server.stderrText();
}

TEST(CliHostile, StderrNobodyReadsNeverStopsTheEchoAndItsLinesFoldIntoACount) {
    // The parent reads stderr up to the listening line, then ignores it: the pipe fills after a few hundred lines.
    Process server({Cli, "tcp-server", "--bind", "127.0.0.1", "--port", "0", "--echo"}, Process::Hold{"listening on"});
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    asio::io_context io;
    asio::ip::tcp::socket kept(io);
    kept.connect({asio::ip::address_v4::loopback(), port});

    // 4,000 connect/send/close cycles: two status lines each, far more than the pipe and the CLI's status budget
    // hold. Each sends one "x", which the server prints on stdout (read by the test) after that client's accept line.
    constexpr int Cycles = 4000;
    for (int i = 0; i < Cycles; ++i) {
        asio::ip::tcp::socket passing(io);
        passing.connect({asio::ip::address_v4::loopback(), port});
        asio::write(passing, asio::buffer("x", 1));
        passing.close();
    }
    // The kept client is still served, at once, though nobody reads the server's stderr.
    const std::string message = "still echoed";
    asio::write(kept, asio::buffer(message));
    ASSERT_TRUE(socketeer::test::eventually([&] { return kept.available() >= message.size(); }, 10s))
        << "the echo stopped while stderr was full";
    std::string reply(message.size(), '\0');
    asio::read(kept, asio::buffer(reply));
    EXPECT_EQ(reply, message);

    // Every "x" printed means every accept line was handed to stderr: more than the pipe and the budget hold.
    ASSERT_TRUE(socketeer::test::eventually([&] { return occurrences(server.stdoutText(), "x") == Cycles; }, 30s))
        << occurrences(server.stdoutText(), "x") << " of " << Cycles << " messages printed";
    // Once stderr is read again, what did not fit is one line with its count, and the lines after it come through.
    server.resumeStderr();
    ASSERT_TRUE(server.waitForStderr(" status lines not shown: stderr was not read in time\n"))
        << server.stderrText().size() << " bytes of stderr, no fold line";
    kept.close();
    // Every status line of the run (an accept and a close per connection) is either shown or counted, once.
    const auto accounted = [&] {
        const std::string text = server.stderrText();
        std::size_t folded = 0;
        const std::regex fold("([0-9]+) status lines not shown");
        for (std::sregex_iterator it(text.begin(), text.end(), fold), end; it != end; ++it) folded += std::stoul((*it)[1]);
        return occurrences(text, "accepted 127.0.0.1:") + occurrences(text, "closed (") + folded;
    };
    EXPECT_TRUE(socketeer::test::eventually([&] { return accounted() == 2u * (Cycles + 1); }, 10s))
        << accounted() << " of " << 2 * (Cycles + 1) << " status lines shown or counted";
    EXPECT_EQ(occurrences(server.stderrText(), "status lines not shown"), 1u) << "one gap, one fold line";
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(), 0);
}

TEST(CliHostile, StdoutNobodyReadsSlowsTheSenderDownAndLosesNothing) {
    // The parent does not read stdout at first. What arrives is printed there, and none of it may be dropped: the
    // server must stop reading from the network (its lossless queue is full) instead.
    Process server({Cli, "tcp-server", "--bind", "127.0.0.1", "--port", "0"}, Process::Hold{{}, true});
    const auto port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    // More than the server's event queue (32 MiB), the pipe and both sockets' kernel buffers can hold together.
    std::string payload(80u << 20, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(((i & 0xFFFF) * 2654435761u >> 13) ^ (i >> 16));
    asio::io_context io;
    asio::ip::tcp::socket sender(io);
    sender.connect({asio::ip::address_v4::loopback(), port});
    std::atomic<bool> written{false};
    std::thread writer([&] {
        std::error_code ec;
        asio::write(sender, asio::buffer(payload), ec);
        written = true;
    });
    const bool finishedUnread = socketeer::test::eventually([&] { return written.load(); }, 1500ms);
    EXPECT_FALSE(finishedUnread) << "the server took 80 MiB while its stdout was not read";
    server.resumeStdout();
    writer.join();
    ASSERT_TRUE(socketeer::test::eventually([&] { return server.stdoutText().size() >= payload.size(); }, 60s))
        << server.stdoutText().size() << " of " << payload.size() << " bytes printed";
    EXPECT_TRUE(server.stdoutText() == payload) << "the printed bytes differ from what was sent";
    sender.close();
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(), 0) << server.stderrText();
    EXPECT_EQ(server.stderrText().find("not shown"), std::string::npos) << server.stderrText();
}
