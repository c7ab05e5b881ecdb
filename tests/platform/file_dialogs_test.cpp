// The desktop's file dialogs, without a desktop: the XDG portal's FileChooser played by a fake on a private D-Bus
// session bus (dbus-daemon), zenity played by a script, and neither. Each dialog answers on its own thread while
// the caller keeps polling, as the frame loop does.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "process.hpp"
#include "system_file_dialogs.hpp"
#include "wait.hpp"

namespace {

using namespace socketeer;
using socketeer::test::Process;

/// Polls like the frame loop (a pass every 10 ms) until the dialog answers or 10 s pass.
std::optional<app::FileDialogAnswer> answerOf(app::FileDialogService& dialogs, int* passes = nullptr) {
    std::optional<app::FileDialogAnswer> answer;
    int count = 0;
    test::eventually([&] {
        ++count;
        answer = dialogs.poll();
        return answer.has_value();
    }, std::chrono::seconds(10));
    if (passes) *passes = count;
    return answer;
}

struct TempDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("socketeer-dialogs-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
    /// An executable script `name` in this directory.
    void script(const std::string& name, const std::string& body) const {
        const auto file = path / name;
        std::ofstream(file) << "#!/bin/sh\n" << body;
        std::filesystem::permissions(file, std::filesystem::perms::owner_all);
    }
};

/// A private session bus with the fake portal on it, answering every dialog with `answer`.
struct FakePortal {
    Process bus{{"/usr/bin/dbus-daemon", "--session", "--nofork", "--print-address=1"}};
    std::string address;
    std::unique_ptr<Process> portal;

    explicit FakePortal(const std::string& answer) {
        if (!bus.waitForStdout("\n", std::chrono::seconds(10))) return;
        address = bus.stdoutText().substr(0, bus.stdoutText().find('\n'));
        portal = std::make_unique<Process>(std::vector<std::string>{
            "/usr/bin/env", "DBUS_SESSION_BUS_ADDRESS=" + address, "/usr/bin/python3",
            std::string(SOCKETEER_TESTS_DIR) + "/interop/fake_portal.py", answer});
        if (!portal->waitForStdout("ready\n", std::chrono::seconds(10))) address.clear();
    }
};

TEST(FileUri, LocalFilesArePathsAndTheRestIsNot) {
    EXPECT_EQ(platform::pathFromFileUri("file:///home/me/a%20b.json"), "/home/me/a b.json");
    EXPECT_EQ(platform::pathFromFileUri("file:///tmp/%E4%BD%A0.cap"), "/tmp/\xE4\xBD\xA0.cap");
    EXPECT_EQ(platform::pathFromFileUri("file://localhost/etc/x"), "/etc/x");
    EXPECT_EQ(platform::pathFromFileUri("file://otherhost/etc/x"), "");
    EXPECT_EQ(platform::pathFromFileUri("https://example.org/x"), "");
    EXPECT_EQ(platform::pathFromFileUri("file:///100%"), "/100%") << "a stray % is kept, not guessed at";
}

TEST(PortalFileDialog, OpenAndSaveGoThroughTheDesktopPortalWithoutBlockingTheCaller) {
    FakePortal fake("file:///home/user/My%20Workspace.json");
    ASSERT_FALSE(fake.address.empty()) << "dbus-daemon or the fake portal did not start: " << fake.bus.stderrText()
                                       << (fake.portal ? fake.portal->stderrText() : "");
    std::atomic<int> wakes{0};
    auto dialogs = platform::makeSystemFileDialogs({fake.address, "/nonexistent", [&] { ++wakes; }});
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Open, "Open a workspace", ""}));
    EXPECT_FALSE(dialogs->start({app::FileDialogKind::Open, "again", ""})) << "one dialog at a time";
    EXPECT_FALSE(dialogs->poll().has_value()) << "the answer cannot be there before the user chose";
    int passes = 0;
    auto answer = answerOf(*dialogs, &passes);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->error, "");
    EXPECT_EQ(answer->path, "/home/user/My Workspace.json");
    EXPECT_GT(passes, 3) << "the caller kept polling while the dialog was open (it answers after 100 ms)";
    EXPECT_TRUE(test::eventually([&] { return wakes.load() == 1; })) << "the dialog woke the loop once";
    EXPECT_EQ(dialogs->backendName(), "desktop portal");
    EXPECT_TRUE(fake.portal->waitForStdout(R"("method": "OpenFile", "title": "Open a workspace")"));

    // Saving proposes the current name and folder.
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Save, "Capture to", "/var/tmp/capture.log"}));
    ASSERT_TRUE(answerOf(*dialogs).has_value());
    EXPECT_TRUE(fake.portal->waitForStdout(R"("method": "SaveFile", "title": "Capture to", "current_name": "capture.log", "current_folder": "/var/tmp")"))
        << fake.portal->stdoutText();
}

TEST(PortalFileDialog, ACancelledDialogAnswersNoPathAndNoError) {
    FakePortal fake("cancel");
    ASSERT_FALSE(fake.address.empty());
    auto dialogs = platform::makeSystemFileDialogs({fake.address, "/nonexistent", {}});
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Save, "Save the log", "log.txt"}));
    auto answer = answerOf(*dialogs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->path, "");
    EXPECT_EQ(answer->error, "");
}

TEST(CommandFileDialog, WithoutAPortalZenityIsAskedAndItsAnswerTaken) {
    TempDir dir;
    // zenity as a script: writes its arguments down, thinks for 300 ms, answers a path.
    dir.script("zenity", "echo \"$@\" > \"" + (dir.path / "args").string() + "\"\nsleep 0.3\necho /home/user/chosen.bin\n");
    auto dialogs = platform::makeSystemFileDialogs({"unix:path=" + (dir.path / "no-bus").string(), dir.path.string(), {}});
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Save, "Save what was received", "/tmp/rx.txt"}));
    int passes = 0;
    auto answer = answerOf(*dialogs, &passes);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->error, "");
    EXPECT_EQ(answer->path, "/home/user/chosen.bin");
    EXPECT_GT(passes, 10) << "the caller kept polling while zenity was open";
    EXPECT_EQ(dialogs->backendName(), "zenity");
    std::ifstream args(dir.path / "args");
    std::string line;
    std::getline(args, line);
    EXPECT_EQ(line, "--file-selection --title=Save what was received --save --confirm-overwrite --filename=/tmp/rx.txt");
}

TEST(CommandFileDialog, ZenityCancelledIsNoPathAndAFailureIsNamed) {
    TempDir dir;
    dir.script("zenity", "exit 1\n");
    auto dialogs = platform::makeSystemFileDialogs({"unix:path=" + (dir.path / "no-bus").string(), dir.path.string(), {}});
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Open, "Send a file", ""}));
    auto answer = answerOf(*dialogs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->path, "");
    EXPECT_EQ(answer->error, "");
    dir.script("zenity", "exit 5\n");
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Open, "Send a file", ""}));
    answer = answerOf(*dialogs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->error, "zenity failed (exit status 5)");
}

TEST(CommandFileDialog, KdialogIsTheLastResort) {
    TempDir dir;
    dir.script("kdialog", "echo \"$@\" > \"" + (dir.path / "args").string() + "\"\necho /srv/data.json\n");
    auto dialogs = platform::makeSystemFileDialogs({"unix:path=" + (dir.path / "no-bus").string(), dir.path.string(), {}});
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Open, "Open a workspace", "/srv/x.json"}));
    auto answer = answerOf(*dialogs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->path, "/srv/data.json");
    EXPECT_EQ(dialogs->backendName(), "kdialog");
    std::ifstream args(dir.path / "args");
    std::string line;
    std::getline(args, line);
    EXPECT_EQ(line, "--title Open a workspace --getopenfilename /srv/x.json");
}

TEST(NoFileDialog, TheAnswerSaysSoAndTheDialogIsNoLongerOffered) {
    TempDir dir; // no zenity, no kdialog, no bus
    auto dialogs = platform::makeSystemFileDialogs({"unix:path=" + (dir.path / "no-bus").string(), dir.path.string(), {}});
    EXPECT_TRUE(dialogs->available()) << "nothing is known before the first try";
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Open, "Open", ""}));
    auto answer = answerOf(*dialogs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->path, "");
    EXPECT_EQ(answer->error, "no file dialog on this desktop (no XDG desktop portal, zenity or kdialog): type the path");
    EXPECT_FALSE(dialogs->available());
}

TEST(CommandFileDialog, ClosingWhileADialogIsOpenEndsItPromptly) {
    TempDir dir;
    const auto running = dir.path / "running";
    dir.script("zenity", "touch \"" + running.string() + "\"\nsleep 30\n");
    auto dialogs = platform::makeSystemFileDialogs({"unix:path=" + (dir.path / "no-bus").string(), dir.path.string(), {}});
    ASSERT_TRUE(dialogs->start({app::FileDialogKind::Open, "Open", ""}));
    ASSERT_TRUE(test::eventually([&] { return std::filesystem::exists(running); })) << "the dialog never started";
    const auto start = std::chrono::steady_clock::now();
    dialogs.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

} // namespace
