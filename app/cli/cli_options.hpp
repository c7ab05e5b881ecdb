// CliOptions: what a socketeer-cli command line asks for, parsed and validated before any socket opens.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "socketeer/core/traffic/traffic_generator.hpp"
#include "socketeer/core/capture/capture_sink.hpp"
#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/net/session_spec.hpp"
#include "socketeer/core/payload/payload_template.hpp"
#include "socketeer/core/sequence/sequence.hpp"

namespace socketeer::cli {

enum class OutputFormat { Text, Hex, Jsonl };

enum ExitCode : int {
    ExitDone = 0,
    ExitNetworkError = 1,
    ExitUsage = 2,
    ExitTimeout = 3,
    ExitExpectFailed = 4, ///< `run --sequence`: an expect found no match in time
};

/// One --send: bytes from the command line, a template resolved at each send (DATA with tokens such as
/// {crc16/modbus} or {counter:u16be}), or a file (@PATH) streamed from disk as the connection drains, never read
/// whole into memory.
struct SendItem {
    core::SharedBytes bytes;
    std::shared_ptr<const core::PayloadTemplate> payload; ///< set when DATA has tokens
    std::string text;                                     ///< DATA as given, for messages
    std::string file;
};

struct CliOptions {
    enum class Command { TcpServer, TcpClient, UdpServer, UdpClient, Run, Bench, BenchMerge, Proxy, ImportPacketSender };
    Command command = Command::TcpClient;

    /// The sessions to open: one for the single-session commands, the workspace's for `run`.
    std::vector<core::SessionSpec> sessions;
    /// `run --sequence NAME`: the sequence to play once the sessions are open, and where its JUnit report goes.
    std::shared_ptr<const core::Sequence> sequence;
    std::string junitPath;

    std::vector<SendItem> sends;    ///< --send payloads, in order (clients)
    std::uint64_t repeat = 1;       ///< how many times the --send list goes out
    std::chrono::milliseconds interval{0};
    std::optional<std::chrono::milliseconds> wait; ///< quiet time to wait for replies after the last send

    OutputFormat format = OutputFormat::Text;
    core::TextEncoding encoding = core::TextEncoding::Utf8;
    bool showSent = false;
    bool quiet = false;

    std::optional<std::uint64_t> count;
    std::optional<std::chrono::milliseconds> timeout;

    /// --capture and --pcap: each a file the session's worker writes (both may be given).
    std::vector<core::CaptureSpec> captures;
    /// `--pcap -`: standard output carries the pcapng stream, so nothing else is printed there.
    [[nodiscard]] bool stdoutIsCapture() const {
        for (const auto& capture : captures)
            if (capture.path == "-") return true;
        return false;
    }

    /// `proxy --control PATH`: commands that change the running proxy, one per line ("-" = stdin); "" = none.
    std::string proxyControl;
    bool hex = false; ///< --hex: DATA on a control line is hex too

    /// `bench`: what the traffic generator does.
    core::GeneratorSpec generator;
    /// `bench merge`: the jsonl reports to combine.
    std::vector<std::string> mergeFiles;
    /// `import-packetsender FILE -o WORKSPACE [--force]`.
    std::string importFile;
    std::string importOutput;
    bool overwrite = false;
    /// `bench` and discard-mode servers: seconds between report lines (0 = summary only).
    double reportInterval = 1.0;
};

/// The outcome of parsing: options to run, or an exit with text for stdout (help, version) or stderr (errors).
struct CliExit {
    int code = ExitDone;
    std::string out;
    std::string err;
};

std::variant<CliOptions, CliExit> parseCommandLine(int argc, const char* const* argv);

/// "0.1.0 (git abc1234)"
std::string versionText();

} // namespace socketeer::cli
