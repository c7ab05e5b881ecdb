// socketeer-cli import-packetsender: a file in Packet Sender's export format (tests/cli/fixtures, written as its
// Packet::ExportJSON writes: sorted lower-case keys, numbers as text, newest first) becomes a workspace that loads.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "cli_command.hpp"
#include "process.hpp"
#include "socketeer/core/workspace/workspace.hpp"

namespace {

using socketeer::test::cli;
using socketeer::test::runProcess;

const std::string Fixture = std::string(SOCKETEER_TESTS_DIR) + "/cli/fixtures/packetsender-export.json";

std::string tempWorkspace() {
    return (std::filesystem::temp_directory_path() / ("socketeer-import-" + std::to_string(::getpid()) + ".json")).string();
}

TEST(CliImport, PacketSendersExportBecomesAWorkspaceAndWhatDidNotComeAcrossIsListed) {
    const std::string output = tempWorkspace();
    std::filesystem::remove(output);
    const auto run = runProcess(cli({"import-packetsender", Fixture, "-o", output}));
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.out,
              "imported 5 of 7 packets into '" + output + "': 5 saved payloads, 3 client sessions (not opened on load)\n"
              "  - packet 'broken' (#3): its hexstring has bad hex digit 'G' at column 5, left out\n"
              "  - packet 'web page' (#4): an HTTP Get request (Socketeer sends bytes, not HTTP requests), left out\n"
              "  - session 'TLS device.local:8443': SSL became TLS with the server's certificate verified; a device "
              "with a self-signed one needs its CA or verification turned off\n"
              "  - packet 'hello' (#6): another packet has its name; renamed 'hello (2)'\n");
    const auto loaded = socketeer::core::loadWorkspaceFile(output);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    const auto& workspace = loaded.value();
    ASSERT_EQ(workspace.payloads.size(), 5u);
    EXPECT_EQ(workspace.payloads[4].name, "Modbus read holding 0-9");
    EXPECT_EQ(workspace.payloads[4].payload.resolve({}).value(),
              (socketeer::core::Bytes{0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0A}));
    EXPECT_EQ(workspace.payloads[4].session, "TCP 127.0.0.1:5020");
    EXPECT_EQ(workspace.payloads[3].name, "hello (2)");
    EXPECT_EQ(workspace.payloads[3].repeatIntervalMs, 2500u);
    EXPECT_EQ(workspace.payloads[3].session, "UDP 127.0.0.1:9000");
    ASSERT_EQ(workspace.sessions.size(), 3u);
    EXPECT_EQ(workspace.sessions[2].name, "TLS device.local:8443");
    EXPECT_TRUE(workspace.sessions[2].tcpClient.tls.enabled);

    // The workspace exists now: it is not replaced without --force.
    const auto again = runProcess(cli({"import-packetsender", Fixture, "-o", output}));
    EXPECT_EQ(again.code, 2);
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
    EXPECT_EQ(runProcess(cli({"import-packetsender", Fixture, "-o", output, "--force"})).code, 0);
    std::filesystem::remove(output);
}

TEST(CliImport, AFileThatIsNotAnExportIsRefusedAndNothingIsWritten) {
    const std::string output = tempWorkspace();
    std::filesystem::remove(output);
    const auto run = runProcess(cli({"import-packetsender", std::string(SOCKETEER_TESTS_DIR) + "/CMakeLists.txt", "-o", output}));
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("CMakeLists.txt: invalid JSON: "), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(output));
}

} // namespace
