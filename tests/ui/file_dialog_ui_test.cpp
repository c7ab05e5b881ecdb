// Every path field offers the desktop's file dialog: the UI starts it, keeps drawing frames while it is open, and
// puts the chosen path in the field that asked — also when the user has gone to another session meanwhile.
#include <gtest/gtest.h>

#include "ui_harness.hpp"
#include "ui_probe.hpp"

namespace {

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::UiHarness;

/// A dialog the test answers by hand; records what it was asked.
struct FakeDialogs final : app::FileDialogService {
    struct State {
        std::vector<app::FileDialogRequest> asked;
        std::optional<app::FileDialogAnswer> pending;
        bool open = false;
        bool none = false;
    };
    std::shared_ptr<State> state = std::make_shared<State>();
    bool start(app::FileDialogRequest request) override {
        if (state->open) return false;
        state->asked.push_back(std::move(request));
        state->open = true;
        return true;
    }
    std::optional<app::FileDialogAnswer> poll() override {
        if (!state->pending) return std::nullopt;
        state->open = false;
        return std::exchange(state->pending, std::nullopt);
    }
    std::string backendName() const override { return "fake"; }
    bool available() const override { return !state->none; }
};

SessionSpec server() {
    SessionSpec s;
    s.kind = SessionKind::TcpServer;
    s.tcpServer.bindAddress = "127.0.0.1";
    return s;
}

std::shared_ptr<FakeDialogs::State> useFakeDialogs(UiHarness& h) {
    auto fake = std::make_unique<FakeDialogs>();
    auto state = fake->state;
    h.model.paths().setService(std::move(fake));
    return state;
}

TEST(FileDialogUi, TheCapturePathComesFromTheDialogWhileFramesGoOn) {
    UiHarness h;
    auto dialog = useFakeDialogs(h);
    app::SessionModel& session = h.model.addSession(server());
    h.model.selected = session.uiId();
    ASSERT_TRUE(h.click("capture"));
    ASSERT_TRUE(h.click("capture/path/browse"));
    ASSERT_EQ(dialog->asked.size(), 1u);
    EXPECT_EQ(dialog->asked[0].kind, app::FileDialogKind::Save);
    EXPECT_EQ(dialog->asked[0].title, "Capture to");
    // The dialog is open: frames go on, and the field is still the user's to type in.
    for (int i = 0; i < 5; ++i) h.frame();
    EXPECT_EQ(session.ui().capturePath, "");
    dialog->pending = app::FileDialogAnswer{"/tmp/chosen.cap", ""};
    h.frame();
    h.frame();
    EXPECT_EQ(session.ui().capturePath, "/tmp/chosen.cap");
}

TEST(FileDialogUi, TlsCertificatesAndTheKeyLogAreChosenByPath) {
    if (!tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    UiHarness h;
    auto dialog = useFakeDialogs(h);
    app::SessionModel& session = h.model.addSession(server());
    h.model.selected = session.uiId();
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/tls"));
    ASSERT_TRUE(h.click("settings/tls/cert/browse"));
    ASSERT_EQ(dialog->asked.size(), 1u);
    EXPECT_EQ(dialog->asked[0].kind, app::FileDialogKind::Open);
    EXPECT_EQ(dialog->asked[0].title, "Server certificate");
    dialog->pending = app::FileDialogAnswer{"/etc/device/server.pem", ""};
    h.frame();
    h.frame();
    EXPECT_EQ(session.spec().tcpServer.tls.certFile, "/etc/device/server.pem");
    EXPECT_NE(h.frameText().find("a certificate needs its private key"), std::string::npos) << "the missing key is said";
    ASSERT_TRUE(h.click("settings/tls/keylog/browse"));
    ASSERT_EQ(dialog->asked.size(), 2u);
    EXPECT_EQ(dialog->asked[1].kind, app::FileDialogKind::Save) << "the key log is written, not read";
    dialog->pending = app::FileDialogAnswer{"/tmp/keys.log", ""};
    h.frame();
    h.frame();
    EXPECT_EQ(session.spec().tcpServer.tls.keyLogFile, "/tmp/keys.log");
    EXPECT_EQ(session.spec().tcpServer.tls.keyFile, "") << "each answer lands in the field that asked";
}

TEST(FileDialogUi, TheAnswerGoesToTheSessionThatAskedEvenAfterTheUserMovedOn) {
    UiHarness h;
    auto dialog = useFakeDialogs(h);
    app::SessionModel& first = h.model.addSession(server());
    app::SessionModel& second = h.model.addSession(server());
    h.model.selected = first.uiId();
    ASSERT_TRUE(h.click("log/save"));
    ASSERT_TRUE(h.click("log/save/path/browse"));
    h.pressKey(ImGuiKey_Escape);
    h.model.selected = second.uiId(); // the user looks at another session while the dialog is open
    h.frame();
    dialog->pending = app::FileDialogAnswer{"/tmp/first.log", ""};
    h.frame();
    h.model.selected = first.uiId();
    ASSERT_TRUE(h.click("log/save"));
    h.frame();
    EXPECT_EQ(first.ui().saveLog.path, "/tmp/first.log");
    EXPECT_EQ(second.ui().saveLog.path, "");
}

TEST(FileDialogUi, WithoutADialogThePathIsTypedAndAFailureIsShown) {
    UiHarness h;
    auto dialog = useFakeDialogs(h);
    app::SessionModel& session = h.model.addSession(server());
    h.model.selected = session.uiId();
    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/open"));
    ASSERT_TRUE(h.click("path-browse"));
    ASSERT_EQ(dialog->asked.size(), 1u);
    EXPECT_EQ(dialog->asked[0].kind, app::FileDialogKind::Open);
    dialog->pending = app::FileDialogAnswer{"", "no file dialog on this desktop (no XDG desktop portal, zenity or kdialog): type the path"};
    dialog->none = true;
    h.frame();
    h.frame();
    ImVec2 min, max;
    EXPECT_FALSE(ui::UiProbe::find("path-browse", min, max)) << "no dialog: no button";
    EXPECT_TRUE(ui::UiProbe::find("path-input", min, max)) << "the typed path stays";
    EXPECT_EQ(h.model.paths().errorFor("workspace/open"),
              "no file dialog on this desktop (no XDG desktop portal, zenity or kdialog): type the path");
    EXPECT_EQ(h.model.paths().errorFor("capture/1"), "") << "the error is the field's that asked, not every field's";
}

TEST(FileDialogUi, AnAnswerForAClosedPopupIsDroppedNotPutInTheNextOne) {
    UiHarness h;
    auto dialog = useFakeDialogs(h);
    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/open"));
    ASSERT_TRUE(h.click("path-browse"));
    h.pressKey(ImGuiKey_Escape); // the modal stays; Cancel closes it
    ImVec2 min, max;
    for (int i = 0; i < 3 && !ui::UiProbe::find("path-cancel", min, max); ++i) h.frame();
    ASSERT_TRUE(h.click("path-cancel"));
    dialog->pending = app::FileDialogAnswer{"/tmp/late-answer.json", ""};
    h.frame();
    h.frame();
    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/open"));
    ASSERT_TRUE(h.click("path-ok"));
    EXPECT_EQ(h.ui.modalMessage.find("late-answer"), std::string::npos) << h.ui.modalMessage;
}

} // namespace
