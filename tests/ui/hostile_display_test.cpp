// Hostile bytes in the app's panes, and files the user did not agree to replace: NUL, terminal escape sequences, C1 controls, bidi overrides, invalid UTF-8 and
// GB18030. They must be shown visibly (escaped or as hex), never passed to the screen as controls.
#include <gtest/gtest.h>

#include <asio.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/workspace/workspace.hpp"
#include "ui_harness.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

namespace {

const std::string Garbage = std::string("A\0B", 3) + "\x1b[2J\x1b]0;pwned\x07\r\xff\xfe\xc0\xaf\x9b" "31m" "\xe2\x80\xae" "abc" +
                            "\x81\x30\x81" /* truncated GB18030 */ + "\x7f\n";

/// Bytes that would act on a terminal or a text renderer if drawn raw: C0 controls other than line breaks (the
/// log puts items on lines), DEL, the C1 CSI byte, and the UTF-8 of a right-to-left override.
std::string firstDangerousByte(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f || c == 0x9b) return "byte " + std::to_string(c) + " at " + std::to_string(i);
        if (text.compare(i, 3, "\xe2\x80\xae") == 0) return "U+202E at " + std::to_string(i);
    }
    return {};
}

} // namespace

TEST(HostileDisplay, GarbageIsShownEscapedInTextAndHexPanes) {
    UiHarness h;
    SessionSpec spec;
    spec.kind = SessionKind::TcpServer;
    spec.name = "server";
    spec.tcpServer.bindAddress = "127.0.0.1";
    app::SessionModel& server = h.model.addSession(spec);
    server.open();
    ASSERT_TRUE(h.frameUntil([&] { return server.localEndpoint().has_value(); }));
    h.model.selected = server.uiId();

    asio::io_context io;
    asio::ip::tcp::socket peer(io);
    peer.connect({asio::ip::address_v4::loopback(), server.localEndpoint()->port});
    asio::write(peer, asio::buffer(Garbage));
    ASSERT_TRUE(h.frameUntil([&] { return server.traffic().rxBytes == Garbage.size(); }));
    ASSERT_TRUE(h.frameUntil([&] { return server.history().size() >= 1; }));

    for (const auto encoding : {TextEncoding::Utf8, TextEncoding::Gb18030, TextEncoding::Latin1}) {
        server.composer().encoding = encoding;
        server.receiveView().setMode(app::ViewMode::Text);
        const std::string text = h.frameText();
        const std::string expected = formatEscaped(toBytes(Garbage.substr(0, Garbage.size() - 1)), encoding);
        EXPECT_NE(text.find(expected), std::string::npos)
            << encodingName(encoding) << ": the escaped line " << expected << " is not on screen:\n" << text;
        EXPECT_EQ(firstDangerousByte(text), "") << encodingName(encoding);
    }
    EXPECT_NE(h.frameText().find("\\x1B[2J"), std::string::npos) << "ESC must be drawn as \\x1B";

    server.receiveView().setMode(app::ViewMode::Hex);
    const std::string hex = h.frameText();
    EXPECT_NE(hex.find("41 00 42 1b 5b 32 4a 1b"), std::string::npos) << hex;
    EXPECT_EQ(firstDangerousByte(hex), "");
}

TEST(HostileDisplay, SaveAsNeverReplacesAnotherFileWithoutConsent) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("socketeer-ui-keep-" + std::to_string(::getpid()) + ".json")).string();
    std::ofstream(path) << "the user's own file";
    UiHarness h;
    ASSERT_TRUE(h.click("new-tcp-server"));
    const auto saveAs = [&](bool replace) {
        ASSERT_TRUE(h.click("menu/file"));
        ASSERT_TRUE(h.click("menu/save-as"));
        ASSERT_TRUE(h.click("path-input"));
        h.pressKey(ImGuiKey_A, true);
        h.type(path);
        if (replace) {
            ASSERT_TRUE(h.click("path-replace"));
        }
        ASSERT_TRUE(h.click("path-ok"));
    };
    saveAs(false);
    EXPECT_EQ(h.ui.modalMessage, "workspace '" + path + "' already exists (choose another name or allow replacing it)");
    std::stringstream kept;
    kept << std::ifstream(path).rdbuf();
    EXPECT_EQ(kept.str(), "the user's own file");
    EXPECT_NE(h.model.workspacePath, path);

    ASSERT_TRUE(h.click("message-ok"));
    EXPECT_EQ(h.ui.modalMessage, "");
    saveAs(true);
    EXPECT_EQ(h.ui.modalMessage, "");
    EXPECT_EQ(h.model.workspacePath, path);
    EXPECT_TRUE(loadWorkspaceFile(path).ok()) << "the consented save did not write a workspace";
    std::filesystem::remove(path);
}
