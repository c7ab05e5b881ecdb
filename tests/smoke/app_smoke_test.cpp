// The real window under Xvfb: open a workspace, exchange data on loopback, write a screenshot and look at it.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <stb_image.h>

#include "process.hpp"

using socketeer::test::Process;
using socketeer::test::runProcess;

namespace {

const std::string App = SOCKETEER_APP_PATH;
const std::string Cli = SOCKETEER_CLI_PATH;

} // namespace

TEST(AppSmoke, NoDisplayIsOneClearLineAndExitOne) {
    auto result = runProcess({"/usr/bin/env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", App});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(result.err, "socketeer: cannot open a window: no display found (set DISPLAY, or use socketeer-cli for a "
                          "headless session)\n");
}

TEST(AppSmoke, HelpPrintsTheUsageOnItsOwnLinesAndExitsZero) {
    auto result = runProcess({"/usr/bin/env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", App, "--help"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_NE(result.out.find("\nusage: socketeer [--workspace FILE]"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("  --demo "), std::string::npos) << result.out;
    const auto bad = runProcess({"/usr/bin/env", "-u", "DISPLAY", App, "--frobnicate"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(bad.err, "socketeer: unknown argument '--frobnicate'\nusage: socketeer [--workspace FILE] [--demo] "
                       "[--window-size WxH] [--screenshot FILE.png [--screenshot-after SEC]]\n                 [--version] [--help]\n");
    const auto size = runProcess({"/usr/bin/env", "-u", "DISPLAY", App, "--window-size", "900by600"});
    EXPECT_EQ(size.code, 2);
    EXPECT_EQ(size.err.substr(0, size.err.find('\n')),
              "socketeer: bad --window-size '900by600': expected WIDTHxHEIGHT from 320x240, e.g. 900x600");
}

/// The app under Xvfb with a workspace whose client connects to a greeting peer, a screenshot after 2 s: how many
/// pixels are in the RX colour, and the picture's size. `size` is "" for the default window, else "WxH".
struct Shot {
    int width = 0, height = 0;
    std::size_t rxPixels = 0;
};

void takeScreenshot(const std::string& size, Shot& shot) {
    const auto dir = std::filesystem::temp_directory_path() / ("socketeer-smoke-" + std::to_string(::getpid()) + size);
    std::filesystem::create_directories(dir);
    const std::string workspace = (dir / "workspace.json").string();
    const std::string screenshot = (dir / "screenshot.png").string();

    // A peer that greets every client: the app's client session must show the greeting.
    Process server({Cli, "tcp-server", "--bind", "127.0.0.1", "--port", "0", "--welcome",
                    "hello from the smoke test peer\\r\\n", "--echo"});
    const std::uint16_t port = server.waitForListeningPort();
    ASSERT_NE(port, 0) << server.stderrText();
    std::ofstream(workspace) << R"({"format":"socketeer-workspace","version":1,"sessions":[
        {"kind":"tcp-server","name":"Local echo","bindAddress":"127.0.0.1","port":0,"reply":{"mode":"echo"}},
        {"kind":"tcp-client","name":"Smoke client","host":"127.0.0.1","port":)"
                              << port << R"(}],"frontEnd":{"selected":1}})";

    // Leak checking stays off in the window process only: Mesa's software GL driver leaks a few bytes from a module it
    // unloads (no stack to suppress by). Its threads also race at shutdown, inside the driver: TSan is told to skip
    // those. The same UI code runs under LeakSanitizer and TSan in the headless UI tests.
    const std::string screen = size.empty() ? "1400x900" : size;
    const std::string command = "ASAN_OPTIONS=\"${ASAN_OPTIONS}:detect_leaks=0\" TSAN_OPTIONS=\"${TSAN_OPTIONS}:suppressions=" +
                                std::string(SOCKETEER_SMOKE_TSAN_SUPPRESSIONS) + "\" XDG_CONFIG_HOME='" + dir.string() +
                                "' xvfb-run -a -s '-screen 0 " + screen + "x24' '" + App + "' --workspace '" + workspace +
                                "' --screenshot '" + screenshot + "' --screenshot-after 2" +
                                (size.empty() ? std::string() : " --window-size " + size);
    auto app = runProcess({"/bin/sh", "-c", command}, "", std::chrono::seconds(60));
    ASSERT_EQ(app.code, 0) << app.err;
    EXPECT_TRUE(server.waitForStderr("accepted 127.0.0.1:")) << server.stderrText();

    int channels = 0;
    unsigned char* pixels = stbi_load(screenshot.c_str(), &shot.width, &shot.height, &channels, 3);
    ASSERT_NE(pixels, nullptr) << "no readable PNG at " << screenshot;
    // Received records are drawn in the RX colour (140, 204, 255).
    for (int i = 0; i < shot.width * shot.height; ++i) {
        const unsigned char* p = pixels + 3 * i;
        if (std::abs(p[0] - 140) < 24 && std::abs(p[1] - 204) < 24 && p[2] > 220) ++shot.rxPixels;
    }
    stbi_image_free(pixels);
    if (const char* keep = std::getenv(size.empty() ? "SOCKETEER_KEEP_SCREENSHOT" : "SOCKETEER_KEEP_SMALL_SCREENSHOT"); keep && *keep)
        std::filesystem::copy_file(screenshot, keep, std::filesystem::copy_options::overwrite_existing);
    server.signal(SIGTERM);
    server.wait();
    std::filesystem::remove_all(dir);
}

TEST(AppSmoke, RealWindowShowsLoopbackTrafficInAScreenshot) {
    if (!socketeer::test::haveProgram("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth)";
    Shot shot;
    ASSERT_NO_FATAL_FAILURE(takeScreenshot("", shot));
    EXPECT_GE(shot.width, 1000);
    EXPECT_GE(shot.height, 600);
    EXPECT_GT(shot.rxPixels, 200u) << "the received greeting is not visible";
}

TEST(AppSmoke, ALaptopSizedWindowStillShowsTheReceivedData) {
    if (!socketeer::test::haveProgram("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth)";
    Shot shot;
    ASSERT_NO_FATAL_FAILURE(takeScreenshot("900x600", shot));
    EXPECT_EQ(shot.width, 900);
    EXPECT_EQ(shot.height, 600);
    EXPECT_GT(shot.rxPixels, 200u) << "the received greeting is not visible at 900x600";
}
