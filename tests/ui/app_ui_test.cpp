// Headless frame tests of the desktop app: the real UI code, driven by mouse and keys, over real loopback sessions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

#include "hashing_receiver.hpp"
#include "ui_harness.hpp"

using namespace socketeer;
using namespace socketeer::core;
using socketeer::test::connectLoopback;
using socketeer::test::LoopbackNetwork;
using socketeer::test::UiHarness;

namespace {

bool receivedBytes(app::SessionModel& session, const Bytes& wanted, Direction direction = Direction::Rx) {
    auto& history = session.history();
    for (std::size_t i = 0; i < history.size(); ++i) {
        const auto record = history.at(i);
        if (record.direction == direction && Bytes(record.bytes.begin(), record.bytes.end()) == wanted) return true;
    }
    return false;
}


} // namespace

TEST(AppUi, CreateServerAndClientConnectTypeTextAndHexAndSend) {
    UiHarness h;
    ASSERT_TRUE(h.click("new-tcp-server"));
    app::SessionModel* server = h.model.find(h.model.selected);
    ASSERT_NE(server, nullptr);
    EXPECT_EQ(server->kind(), SessionKind::TcpServer);
    EXPECT_EQ(server->name(), "TCP Server 1");
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/bind"));
    h.type("127.0.0.1");
    EXPECT_EQ(server->spec().tcpServer.bindAddress, "127.0.0.1");
    ASSERT_TRUE(h.click("open"));
    ASSERT_TRUE(h.frameUntil([&] { return server->localEndpoint().has_value(); })) << server->lastError();
    const std::uint16_t port = server->localEndpoint()->port;
    EXPECT_EQ(server->localEndpoint()->address, "127.0.0.1");

    ASSERT_TRUE(h.click("new-tcp-client"));
    app::SessionModel* client = h.model.find(h.model.selected);
    ASSERT_NE(client, server);
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/port"));
    h.type(std::to_string(port));
    EXPECT_EQ(client->spec().tcpClient.port, port);
    ASSERT_TRUE(h.click("open"));
    ASSERT_TRUE(h.frameUntil([&] { return client->state() == SessionState::Open; })) << client->lastError();
    ASSERT_TRUE(h.frameUntil([&] { return server->peers().size() == 1; }));

    // Text with escapes, sent with the button (the send pane is on the Traffic tab, the settings on their own).
    EXPECT_FALSE(h.click("send/editor")) << "the settings tab shows the settings only";
    ASSERT_TRUE(h.click("traffic"));
    ASSERT_TRUE(h.click("send/editor"));
    h.type("hello\\r\\n");
    ASSERT_TRUE(client->composer().preview().bytes.has_value());
    EXPECT_EQ(*client->composer().preview().bytes, toBytes("hello\r\n"));
    ASSERT_TRUE(h.click("send/button"));
    ASSERT_TRUE(h.frameUntil([&] { return receivedBytes(*server, toBytes("hello\r\n")); }));

    // Hex, replacing the text (Ctrl+A), sent with Ctrl+Enter.
    ASSERT_TRUE(h.click("send/hex-mode"));
    ASSERT_TRUE(h.click("send/editor"));
    h.pressKey(ImGuiKey_A, true);
    h.type("48 69 0A");
    EXPECT_EQ(client->composer().text, "48 69 0A");
    h.pressKey(ImGuiKey_Enter, true);
    ASSERT_TRUE(h.frameUntil([&] { return receivedBytes(*server, Bytes{0x48, 0x69, 0x0A}); }));
    // The client counts a send when its write completes on its own worker, which may be after the server has read it.
    EXPECT_TRUE(h.frameUntil([&] { return client->traffic().txMessages >= 2u; }));
    EXPECT_EQ(client->traffic().txMessages, 2u);
}

/// Selects the client, switches its send pane to hex and puts the cursor in its editor; false if a control is missing.
bool typeHexInto(UiHarness& h, app::SessionModel& client) {
    h.model.selected = client.uiId();
    h.frame();
    return h.click("send/hex-mode") && h.click("send/editor");
}

TEST(AppUi, BadHexIsPointedAtAndDisablesSend) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    app::SessionModel& client = *net.clients[0];
    ASSERT_TRUE(typeHexInto(h, client));
    h.type("0A 1G");
    EXPECT_EQ(client.composer().preview().error, "bad hex digit 'G' at column 5");
    EXPECT_FALSE(client.composer().preview().bytes.has_value());
    ASSERT_TRUE(h.click("send/button"));
    h.pressKey(ImGuiKey_Enter, true);
    h.frameUntil([] { return false; }, std::chrono::milliseconds(100));
    EXPECT_EQ(client.traffic().txMessages, 0u) << "a disabled Send must send nothing";
    EXPECT_EQ(client.composer().text, "0A 1G") << "the user's input is never 'fixed'";
}

TEST(AppUi, TemplatesShowTheirComputedBytesAndResolveAtEachSend) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    app::SessionModel& client = *net.clients[0];
    ASSERT_TRUE(typeHexInto(h, client));
    h.type("01 03 00 00 00 0a {crc16/modbus} {counter:u8}");
    const auto& preview = client.composer().preview();
    ASSERT_TRUE(preview.bytes.has_value()) << preview.error;
    EXPECT_EQ(*preview.bytes, (Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xcd, 0x01}));
    ASSERT_EQ(preview.computed.size(), 2u) << "the checksum and the counter are marked";
    EXPECT_EQ(preview.computed[0].offset, 6u);
    EXPECT_EQ(preview.computed[1].offset, 8u);
    // Two sends: the counter steps, the CRC stays (it covers only the bytes before it).
    ASSERT_TRUE(h.click("send/button"));
    ASSERT_TRUE(h.frameUntil([&] { return client.traffic().txMessages >= 1u; }));
    ASSERT_TRUE(h.click("send/button"));
    const Bytes both{0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xcd, 0x01, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, 0xc5, 0xcd, 0x02};
    const auto allReceived = [&] {
        Bytes all;
        for (std::size_t i = 0; i < net.server->history().size(); ++i)
            if (const auto record = net.server->history().at(i); record.direction == Direction::Rx)
                all.insert(all.end(), record.bytes.begin(), record.bytes.end());
        return all;
    };
    ASSERT_TRUE(h.frameUntil([&] { return allReceived().size() >= both.size(); }));
    EXPECT_EQ(allReceived(), both);
    // An unknown token is named with its column, and nothing can be sent.
    ASSERT_TRUE(h.click("send/editor"));
    h.pressKey(ImGuiKey_A, true);
    h.type("01 {crc99}");
    EXPECT_NE(client.composer().preview().error.find("unknown checksum {crc99}"), std::string::npos) << client.composer().preview().error;
    EXPECT_NE(client.composer().preview().error.find("at column 4"), std::string::npos);
}

TEST(AppUi, TheFramingSettingTakesEffectAndABadSpecNeverReplacesIt) {
    UiHarness h;
    ASSERT_TRUE(h.click("new-tcp-server"));
    app::SessionModel* server = h.model.find(h.model.selected);
    ASSERT_NE(server, nullptr);
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/framing"));
    h.pressKey(ImGuiKey_A, true);
    h.type("len:3be");
    EXPECT_FALSE(server->spec().tcpServer.framing.enabled()) << "a bad spec never replaces the setting";
    h.pressKey(ImGuiKey_A, true);
    h.type("modbus-tcp");
    h.frame();
    EXPECT_EQ(server->spec().tcpServer.framing, parseFrameSpec("len:2be@4").value());
}

TEST(AppUi, ServerSendsToAllThenKicksOneClient) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 2);
    h.model.selected = net.server->uiId();
    h.frame();
    ASSERT_TRUE(h.click("send/editor"));
    h.type("to everyone");
    ASSERT_TRUE(h.click("send/button"));
    for (auto* client : net.clients) ASSERT_TRUE(h.frameUntil([&] { return receivedBytes(*client, toBytes("to everyone")); }));

    const std::string victim = net.clients[0]->localEndpoint()->toString();
    ASSERT_TRUE(h.click("kick/" + victim)) << "no kick button for " << victim;
    ASSERT_TRUE(h.frameUntil([&] { return net.clients[0]->state() == SessionState::Closed; }));
    ASSERT_TRUE(h.frameUntil([&] { return net.server->peers().size() == 1; }));
    EXPECT_EQ(net.server->peers()[0].peer, *net.clients[1]->localEndpoint());
    EXPECT_EQ(net.clients[1]->state(), SessionState::Open);
}

TEST(AppUi, PauseKeepsCountingAndShowsEverythingAfterwards) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    h.model.selected = net.server->uiId();
    h.frame();
    ASSERT_TRUE(h.click("pause"));
    ASSERT_TRUE(net.server->receiveView().paused());
    for (int i = 0; i < 3; ++i) net.clients[0]->send(toBytes("message " + std::to_string(i)), SendTarget::toDefault());
    // The counters run ahead of the UI (they are atomics); the pane's count follows once the events are drained.
    ASSERT_TRUE(h.frameUntil([&] { return net.server->receiveView().arrivedWhilePausedBytes() == 27; }));
    EXPECT_EQ(net.server->traffic().rxBytes, 27u);
    EXPECT_EQ(net.server->receiveView().rowCount(), 0u);
    EXPECT_GT(net.server->receiveView().arrivedWhilePausedRecords(), 0u);
    ASSERT_TRUE(h.click("pause"));
    h.frame();
    EXPECT_FALSE(net.server->receiveView().paused());
    EXPECT_EQ(net.server->receiveView().matchedRecords(), net.server->history().size());
    EXPECT_GT(net.server->receiveView().rowCount(), 0u);
}

TEST(AppUi, FilterShowsOnlyMatchingRecords) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    h.model.selected = net.server->uiId();
    for (const char* text : {"alpha", "beta", "alphabet"}) {
        net.clients[0]->send(toBytes(text), SendTarget::toDefault());
        ASSERT_TRUE(h.frameUntil([&] { return receivedBytes(*net.server, toBytes(text)); }));
    }
    EXPECT_EQ(net.server->receiveView().matchedRecords(), 3u);
    ASSERT_TRUE(h.click("filter/text"));
    h.type("alpha");
    h.frame();
    EXPECT_EQ(net.server->receiveView().filter().text, "alpha");
    EXPECT_EQ(net.server->receiveView().matchedRecords(), 2u);
    EXPECT_EQ(net.server->receiveView().rowCount(), 2u);
}

TEST(AppUi, WorkspaceRoundTripsThroughTheFileMenu) {
    const std::string path = (std::filesystem::temp_directory_path() / ("socketeer-ui-" + std::to_string(::getpid()) + ".json")).string();
    std::filesystem::remove(path);
    UiHarness h;
    ASSERT_TRUE(h.click("new-tcp-server"));
    ASSERT_TRUE(h.click("new-multicast"));
    h.model.payloads.push_back({"ping", PayloadTemplate::literal(toBytes("ping\r\n")), false});
    h.model.find(h.model.selected)->spec().udp.multicast.interfaceName = "127.0.0.1";

    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/save-as"));
    ASSERT_TRUE(h.click("path-input"));
    h.pressKey(ImGuiKey_A, true);
    h.type(path);
    ASSERT_TRUE(h.click("path-ok"));
    ASSERT_TRUE(std::filesystem::exists(path)) << "message: " << h.ui.modalMessage;
    EXPECT_EQ(h.model.workspacePath, path);

    h.model.remove(h.model.sessions().front()->uiId());
    h.model.payloads.clear();
    ASSERT_EQ(h.model.sessions().size(), 1u);
    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/open"));
    ASSERT_TRUE(h.click("path-ok")); // the path is filled in with the current workspace
    ASSERT_EQ(h.model.sessions().size(), 2u);
    EXPECT_EQ(h.model.sessions()[0]->name(), "TCP Server 1");
    EXPECT_EQ(h.model.sessions()[1]->name(), "Multicast Group 1");
    EXPECT_EQ(h.model.sessions()[1]->spec().udp.multicast.groups, (std::vector<std::string>{"239.255.0.1"}));
    EXPECT_EQ(h.model.sessions()[1]->spec().udp.multicast.interfaceName, "127.0.0.1");
    ASSERT_EQ(h.model.payloads.size(), 1u);
    EXPECT_EQ(h.model.payloads[0].payload.resolve({}).value(), toBytes("ping\r\n"));
    std::filesystem::remove(path);
}

TEST(AppUi, SaveAsOnANeverSavedWorkspaceProposesTheConfigDirectory) {
    const auto dir = std::filesystem::temp_directory_path() / ("socketeer-ui-saveas-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    UiHarness h;
    h.ui.configDir = dir.string();
    ASSERT_TRUE(h.click("new-tcp-server"));
    ASSERT_TRUE(h.click("menu/file"));
    ASSERT_TRUE(h.click("menu/save-as"));
    ASSERT_TRUE(h.click("path-ok")); // the proposed path, as it is
    EXPECT_EQ(h.ui.modalMessage, "");
    EXPECT_TRUE(std::filesystem::exists(dir / "workspace.json"));
    EXPECT_EQ(h.model.workspacePath, (dir / "workspace.json").string());
    EXPECT_FALSE(std::filesystem::exists(".tmp")) << "nothing is written next to the program";
    std::filesystem::remove_all(dir);
}

TEST(AppUi, FunctionKeySendsASavedPayload) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    h.model.payloads.push_back({"greeting", PayloadTemplate::literal(toBytes("hi there")), false});
    h.model.selected = net.clients[0]->uiId();
    h.frame();
    h.pressFunctionKey(0);
    ASSERT_TRUE(h.frameUntil([&] { return receivedBytes(*net.server, toBytes("hi there")); }));
}

TEST(AppUi, DemoShowsTrafficWithinSeconds) {
    UiHarness h;
    ASSERT_TRUE(h.click("start-demo"));
    ASSERT_EQ(h.model.sessions().size(), 2u);
    app::SessionModel& client = *h.model.sessions()[1];
    ASSERT_TRUE(h.frameUntil([&] { return client.history().size() >= 3; })) << client.lastError();
    // The client's greeting and the server's welcome cross each other: the first record received is the welcome.
    std::optional<std::string> welcome;
    for (std::size_t i = 0; i < client.history().size() && !welcome; ++i)
        if (const auto record = client.history().at(i); record.direction == Direction::Rx) welcome = std::string(asChars(record.bytes));
    ASSERT_TRUE(welcome.has_value());
    EXPECT_TRUE(welcome->starts_with("Welcome to the Socketeer demo")) << *welcome;
}

TEST(AppUi, RepeatSendsOnTheWorkerTheNumberOfTimesAsked) {
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    app::SessionModel& client = *net.clients[0];
    h.model.selected = client.uiId();
    ASSERT_TRUE(h.click("send/editor"));
    h.type("tick");
    ASSERT_TRUE(h.click("repeat/interval"));
    h.type("5");
    ASSERT_TRUE(h.click("repeat/count"));
    h.type("7");
    ASSERT_TRUE(h.click("send/repeat"));
    ASSERT_TRUE(h.frameUntil([&] { return net.server->traffic().rxBytes == 28; }));
    ASSERT_TRUE(h.frameUntil([&] {
        for (const auto& line : client.log().lines())
            if (line.text == "repeat finished after 7 sends") return true;
        return false;
    }));
    EXPECT_TRUE(h.frameUntil([&] { return client.traffic().txMessages >= 7u; }));
    EXPECT_EQ(client.traffic().txMessages, 7u);

    // A counted repeat ends on its own: the button is "repeat" again (the worker's word, not a flag the pane kept),
    // and one click starts another seven.
    ASSERT_TRUE(h.frameUntil([&] { return !client.repeating(); }));
    const std::string text = h.frameText();
    EXPECT_EQ(text.find("stop repeat"), std::string::npos) << text;
    ASSERT_TRUE(h.click("send/repeat"));
    EXPECT_TRUE(h.frameUntil([&] { return client.repeating() || net.server->traffic().rxBytes > 28; }));
    ASSERT_TRUE(h.frameUntil([&] { return net.server->traffic().rxBytes == 56; }));
    EXPECT_TRUE(h.frameUntil([&] { return !client.repeating(); }));
}

TEST(AppUi, CaptureFromThePanelKeepsEveryByteAndClosingManySessionsIsQuick) {
    const std::string path = (std::filesystem::temp_directory_path() / ("socketeer-ui-cap-" + std::to_string(::getpid()))).string();
    std::filesystem::remove(path);
    auto h = std::make_unique<UiHarness>();
    LoopbackNetwork net = connectLoopback(*h, 1);
    h->model.selected = net.server->uiId();
    ASSERT_TRUE(h->click("capture"));
    ASSERT_TRUE(h->click("capture/path"));
    h->type(path);
    ASSERT_TRUE(h->click("capture/start"));
    ASSERT_TRUE(net.server->capturing()) << net.server->lastError();
    for (int i = 0; i < 50; ++i) net.clients[0]->send(Bytes(1000, static_cast<std::uint8_t>(i)), SendTarget::toDefault());
    ASSERT_TRUE(h->frameUntil([&] { return net.server->traffic().rxBytes == 50000; }));
    // Forty more open sessions, then the app closes.
    for (int i = 0; i < 20; ++i) {
        SessionSpec server;
        server.kind = SessionKind::TcpServer;
        server.tcpServer.bindAddress = "127.0.0.1";
        h->model.addSession(server).open();
        SessionSpec udp;
        udp.kind = SessionKind::Udp;
        udp.udp.bindAddress = "127.0.0.1";
        h->model.addSession(udp).open();
    }
    ASSERT_TRUE(h->frameUntil([&] {
        std::size_t open = 0;
        for (auto& session : h->model.sessions()) open += session->state() == SessionState::Open ? 1 : 0;
        return open == 42;
    }));
    const auto start = std::chrono::steady_clock::now();
    h.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    // The capture holds every record: 50 payloads of 1000 bytes behind their header lines.
    std::ifstream in(path, std::ios::binary);
    const std::string captured((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t payload = 0;
    for (std::size_t at = captured.find(" RX "); at != std::string::npos; at = captured.find(" RX ", at + 1)) {
        const auto size = captured.find(" size=", at);
        payload += std::stoul(captured.substr(size + 6, captured.find('\n', size) - size - 6));
    }
    EXPECT_EQ(payload, 50000u);
    std::filesystem::remove(path);
}

TEST(AppUi, SendsAFileLargerThanTheSendBudgetInPieces) {
    const std::string path = (std::filesystem::temp_directory_path() / ("socketeer-ui-file-" + std::to_string(::getpid()))).string();
    Bytes content(24u << 20); // 24 MiB, past the 16 MiB send budget
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
    UiHarness h;
    LoopbackNetwork net = connectLoopback(h, 1);
    h.model.selected = net.clients[0]->uiId();
    ASSERT_TRUE(h.click("file"));
    ASSERT_TRUE(h.click("file/path"));
    h.type(path);
    ASSERT_TRUE(h.click("file/send"));
    ASSERT_TRUE(h.frameUntil([&] { return net.server->traffic().rxBytes == content.size(); }, std::chrono::seconds(30)))
        << net.server->traffic().rxBytes;
    ASSERT_TRUE(h.frameUntil([&] { return !net.clients[0]->fileProgress().has_value(); }));
    EXPECT_EQ(net.clients[0]->session()->counters().sendsRejected.load(), 0u);
    // The end is logged in core's words, with the exact count.
    bool logged = false;
    for (const auto& line : net.clients[0]->log().lines())
        logged = logged || line.text == "sent file '" + path + "' (" + std::to_string(content.size()) + " bytes)";
    EXPECT_TRUE(logged) << "no 'sent file' line in the connection log";
    // The counter runs ahead of the events that fill the history: wait until the history holds it all.
    const auto receivedSoFar = [&] {
        Bytes bytes;
        for (std::size_t i = 0; i < net.server->history().size(); ++i) {
            const auto record = net.server->history().at(i, false);
            if (record.direction == Direction::Rx) bytes.insert(bytes.end(), record.bytes.begin(), record.bytes.end());
        }
        return bytes;
    };
    const auto receivedSize = [&] {
        std::size_t size = 0;
        for (std::size_t i = 0; i < net.server->history().size(); ++i)
            if (const auto record = net.server->history().at(i, false); record.direction == Direction::Rx) size += record.bytes.size();
        return size;
    };
    ASSERT_TRUE(h.frameUntil([&] { return receivedSize() == content.size(); }, std::chrono::seconds(10)));
    const Bytes received = receivedSoFar();
    EXPECT_TRUE(received == content) << "received " << received.size() << " bytes";
    std::filesystem::remove(path);
}

TEST(AppUi, AGibibyteFileSentFromThePanelArrivesWithItsSha256AndShowsProgress) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    constexpr std::uint64_t Size = 64ull << 20; // less under the sanitizers, which look for races and misuse, not volume
#else
    constexpr std::uint64_t Size = 1ull << 30;
#endif
    const std::string path = (std::filesystem::temp_directory_path() / ("socketeer-ui-gib-" + std::to_string(::getpid()))).string();
    struct RemoveAtExit {
        std::string path;
        ~RemoveAtExit() { std::filesystem::remove(path); }
    } removeFile{path};
    const std::string sent = test::writePatternFile(path, Size, 7);
    ASSERT_FALSE(sent.empty()) << "cannot write " << path;
    test::HashingReceiver receiver; // a lossless core server: the app's own history would evict most of a GiB
    ASSERT_NE(receiver.port(), 0);

    UiHarness h;
    SessionSpec spec;
    spec.kind = SessionKind::TcpClient;
    spec.name = "sender";
    spec.tcpClient.host = "127.0.0.1";
    spec.tcpClient.port = receiver.port();
    app::SessionModel& client = h.model.addSession(spec);
    client.open();
    ASSERT_TRUE(h.frameUntil([&] { return client.state() == SessionState::Open; }));
    h.model.selected = client.uiId();
    h.frame();
    ASSERT_TRUE(h.click("file"));
    ASSERT_TRUE(h.click("file/path"));
    h.type(path);
    ASSERT_TRUE(h.click("file/send"));
    // The panel shows how far it got while it goes; the model never holds more than the stream's chunks.
    std::uint64_t shownProgress = 0;
    bool shownInPanel = false;
    std::string lastText;
    ASSERT_TRUE(h.frameUntil([&] {
        if (const auto progress = client.fileProgress()) {
            shownProgress = std::max(shownProgress, progress->sent);
            EXPECT_EQ(progress->total, Size);
            if (!shownInPanel) {
                lastText = h.frameText();
                shownInPanel = lastText.find("file: ") != std::string::npos;
            }
        }
        return !client.fileProgress().has_value();
    }, std::chrono::seconds(120)));
    EXPECT_TRUE(shownInPanel) << "no progress line in the send pane; it showed:\n" << lastText;
    EXPECT_GT(shownProgress, 0u) << "no progress reached the model";
    EXPECT_EQ(receiver.digestAfter(Size, std::chrono::seconds(60)), sent);
    bool logged = false;
    for (const auto& line : client.log().lines())
        logged = logged || line.text == "sent file '" + path + "' (" + std::to_string(Size) + " bytes)";
    EXPECT_TRUE(logged);
}

namespace {

bool logContains(app::SessionModel& session, const std::string& text) {
    return session.log().toText().find(text) != std::string::npos;
}

} // namespace

TEST(AppUi, TlsFromTheSettingsTabRefusesAnUnverifiedServerThenConnectsInsecurelyAndCarriesPlaintext) {
    if (!tlsAvailable()) GTEST_SKIP() << "this build has no OpenSSL";
    UiHarness h;
    ASSERT_TRUE(h.click("new-tcp-server"));
    app::SessionModel* server = h.model.find(h.model.selected);
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/bind"));
    h.type("127.0.0.1");
    EXPECT_FALSE(h.click("settings/tls/cert")) << "TLS off: its fields are not drawn";
    ASSERT_TRUE(h.click("settings/tls"));
    ASSERT_TRUE(server->spec().tcpServer.tls.enabled);
    ASSERT_TRUE(h.click("settings/tls/alpn"));
    h.type("x-demo,,h2");
    EXPECT_NE(h.frameText().find("ALPN: an empty protocol (write h2,http/1.1) at column 8"), std::string::npos);
    EXPECT_TRUE(server->spec().tcpServer.tls.alpn.empty()) << "a bad list never replaces the setting";
    h.pressKey(ImGuiKey_A, true);
    h.type("x-demo");
    h.frame();
    EXPECT_EQ(server->spec().tcpServer.tls.alpn, (std::vector<std::string>{"x-demo"}));
    ASSERT_TRUE(h.click("open"));
    ASSERT_TRUE(h.frameUntil([&] { return server->localEndpoint().has_value(); })) << server->lastError();
    EXPECT_TRUE(h.frameUntil([&] { return logContains(*server, "generated a self-signed certificate"); }))
        << server->log().toText();

    ASSERT_TRUE(h.click("new-tcp-client"));
    app::SessionModel* client = h.model.find(h.model.selected);
    ASSERT_TRUE(h.click("settings"));
    ASSERT_TRUE(h.click("settings/port"));
    h.type(std::to_string(server->localEndpoint()->port));
    ASSERT_TRUE(h.click("settings/tls"));
    ASSERT_TRUE(h.click("settings/tls/alpn"));
    h.type("x-demo");
    // Verified against the system's store, the generated certificate is refused with OpenSSL's reason.
    ASSERT_TRUE(h.click("open"));
    ASSERT_TRUE(h.frameUntil([&] { return logContains(*client, "self-signed certificate"); })) << client->log().toText();
    ASSERT_TRUE(h.frameUntil([&] { return client->state() == SessionState::Closed; }));

    ASSERT_TRUE(h.click("settings/tls/insecure"));
    EXPECT_NE(h.frameText().find("Verification is OFF"), std::string::npos);
    ASSERT_TRUE(client->spec().tcpClient.tls.insecure);
    ASSERT_TRUE(h.click("open"));
    ASSERT_TRUE(h.frameUntil([&] { return client->state() == SessionState::Open; })) << client->lastError();
    ASSERT_TRUE(h.frameUntil([&] { return logContains(*client, "ALPN x-demo"); })) << client->log().toText();
    ASSERT_TRUE(h.click("traffic"));
    ASSERT_TRUE(h.click("send/editor"));
    h.type("over TLS\\n");
    ASSERT_TRUE(h.click("send/button"));
    ASSERT_TRUE(h.frameUntil([&] { return receivedBytes(*server, toBytes("over TLS\n")); }))
        << "the server's history holds the plaintext";
}
