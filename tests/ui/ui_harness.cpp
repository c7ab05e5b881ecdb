// UiHarness: headless ImGui frames over the app's model and UI code.
#include "ui_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "ui_probe.hpp"

namespace socketeer::test {

UiHarness::UiHarness() : model([] {}), ui(model) {
    ui::UiProbe::setEnabled(true);
    frame();
}

UiHarness::UiHarness(ImVec2 displaySize, const char* fontFile, float fontSize)
    : context(displaySize, fontFile, fontSize), model([] {}), ui(model) {
    ui::UiProbe::setEnabled(true);
    frame();
}

UiHarness::~UiHarness() {
    model.sessions().clear();
    ui::UiProbe::setEnabled(false);
    ui::UiProbe::clear();
}

void UiHarness::frame() {
    model.drainAll();
    ui::UiProbe::clear();
    ImGui::NewFrame();
    ui.draw();
    ImGui::Render();
}

std::string UiHarness::frameText() {
    ui::UiProbe::requestText();
    frame();
    return ui::UiProbe::capturedText();
}

bool UiHarness::frameUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        frame();
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2)); // a frame interval, bounded by the deadline
    }
}

bool UiHarness::click(const std::string& name) {
    // Two frames first: a window that just appeared (a popup) measures itself in its first frame and moves after,
    // and a new tab bar lays its tabs out at the end of its first frame.
    frame();
    frame();
    ImVec2 min, max;
    if (!ui::UiProbe::find(name, min, max)) return false;
    // Near the left edge, not the centre: a labelled widget's rectangle includes its label on the right, and a click
    // on the label does nothing.
    const ImVec2 centre(min.x + std::min(8.0f, (max.x - min.x) / 2), (min.y + max.y) / 2);
    ImGuiIO& io = ImGui::GetIO();
#if IMGUI_VERSION_NUM < 18700
    io.MousePos = centre;
    frame(); // hover
    io.MouseDown[0] = true;
    frame(); // press
    io.MouseDown[0] = false;
    frame(); // release
#else
    io.AddMousePosEvent(centre.x, centre.y);
    frame();
    io.AddMouseButtonEvent(0, true);
    frame();
    io.AddMouseButtonEvent(0, false);
    frame();
#endif
    return true;
}

void UiHarness::type(const std::string& text) {
    ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    frame();
}

void UiHarness::setKeyDown(int index, bool down) {
    ImGuiIO& io = ImGui::GetIO();
#if IMGUI_VERSION_NUM < 18700
    io.KeysDown[index] = down;
#else
    io.AddKeyEvent(static_cast<ImGuiKey>(index), down);
#endif
}

void UiHarness::pressKey(ImGuiKey key, bool ctrl) {
    ImGuiIO& io = ImGui::GetIO();
#if IMGUI_VERSION_NUM < 18700
    const int index = io.KeyMap[key];
    io.KeyCtrl = ctrl;
#else
    const int index = key;
    io.AddKeyEvent(ImGuiMod_Ctrl, ctrl);
#endif
    setKeyDown(index, true);
    frame();
    setKeyDown(index, false);
#if IMGUI_VERSION_NUM < 18700
    io.KeyCtrl = false;
#else
    io.AddKeyEvent(ImGuiMod_Ctrl, false);
#endif
    frame();
}

void UiHarness::pressFunctionKey(int n, bool ctrl) {
    ImGuiIO& io = ImGui::GetIO();
#if IMGUI_VERSION_NUM < 18700
    io.KeyCtrl = ctrl;
    setKeyDown(290 + n, true); // the GLFW key code the 1.86 backend would use
    frame();
    setKeyDown(290 + n, false);
    io.KeyCtrl = false;
#else
    io.AddKeyEvent(ImGuiMod_Ctrl, ctrl);
    setKeyDown(ImGuiKey_F1 + n, true);
    frame();
    setKeyDown(ImGuiKey_F1 + n, false);
    io.AddKeyEvent(ImGuiMod_Ctrl, false);
#endif
    frame();
}

LoopbackNetwork connectLoopback(UiHarness& h, std::size_t count) {
    using namespace core;
    LoopbackNetwork net;
    SessionSpec server;
    server.kind = SessionKind::TcpServer;
    server.name = "server";
    server.tcpServer.bindAddress = "127.0.0.1";
    net.server = &h.model.addSession(server);
    net.server->open();
    EXPECT_TRUE(h.frameUntil([&] { return net.server->localEndpoint().has_value(); }));
    for (std::size_t i = 0; i < count; ++i) {
        SessionSpec client;
        client.kind = SessionKind::TcpClient;
        client.name = "client " + std::to_string(i);
        client.tcpClient.host = "127.0.0.1";
        client.tcpClient.port = net.server->localEndpoint()->port;
        net.clients.push_back(&h.model.addSession(client));
        net.clients.back()->open();
    }
    EXPECT_TRUE(h.frameUntil([&] { return net.server->peers().size() == count; }));
    for (auto* client : net.clients) EXPECT_TRUE(h.frameUntil([&] { return client->state() == SessionState::Open; }));
    return net;
}

} // namespace socketeer::test
