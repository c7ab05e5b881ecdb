// UiHarness: runs the real UI headless (no renderer) and plays a user: hover-press-release clicks, typing, keys.
#pragma once

#include <imgui.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "app_model.hpp"
#include "app_ui.hpp"
#include "headless_context.hpp"

namespace socketeer::test {

class UiHarness {
public:
    UiHarness();
    /// A window of `displaySize` drawn with the font the app uses (fontFile at fontSize pixels).
    UiHarness(ImVec2 displaySize, const char* fontFile, float fontSize);
    ~UiHarness();

    ui::HeadlessContext context; // first: the model's sessions and the UI go before the context
    app::AppModel model;
    ui::AppUi ui;

    /// One frame: drain the sessions, build the UI, end the frame.
    void frame();
    /// One frame, returning every piece of text the UI drew in it (ImGui's log), one item per line.
    std::string frameText();
    /// Frames until pred holds or the timeout passes (sessions work on their own threads meanwhile).
    bool frameUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// Clicks the widget the UI marked with `name` in the last frame: a hover, a press and a release frame.
    /// Returns false if no such widget was drawn.
    bool click(const std::string& name);
    void type(const std::string& text);
    /// A key with optional Ctrl, pressed and released over two frames.
    void pressKey(ImGuiKey key, bool ctrl = false);
    /// F1 + n (n = 0..11), with Ctrl when asked.
    void pressFunctionKey(int n, bool ctrl = false);

private:
    void setKeyDown(int index, bool down);
};

/// A loopback TCP server ("server", on 127.0.0.1) and `count` clients ("client 0"...) connected to it, made through
/// the model (for tests whose subject is elsewhere); each step is waited for with a deadline.
struct LoopbackNetwork {
    app::SessionModel* server = nullptr;
    std::vector<app::SessionModel*> clients;
};
LoopbackNetwork connectLoopback(UiHarness& h, std::size_t count);

} // namespace socketeer::test
