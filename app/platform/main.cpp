// socketeer: the desktop app — a GLFW window, an OpenGL3 renderer and the ImGui UI over socketeer_core's sessions.
#include <GLFW/glfw3.h>
// Debian installs ImGui's backends under backends/, vcpkg next to imgui.h.
#if __has_include(<backends/imgui_impl_glfw.h>)
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#else
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#endif
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "app_model.hpp"
#include "app_ui.hpp"
#include "frame_pacer.hpp"
#include "config_dir.hpp"
#include "fonts.hpp"
#include "screenshot.hpp"
#include "system_file_dialogs.hpp"
#include "socketeer/core/net/open_file_limit.hpp"

namespace {

using namespace socketeer;

struct Options {
    std::string workspace;
    std::string screenshot;       ///< write a PNG of the window after `screenshotAfter`, then quit (smoke tests)
    double screenshotAfter = 2.0; ///< seconds
    bool demo = false;            ///< start the loopback demo at once
    int width = 1280, height = 820; ///< the window's size before the monitor's scale
};

/// "900x600" → true and the two numbers; false for anything else.
bool parseWindowSize(const std::string& text, int& width, int& height) {
    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X')) return false;
    if (w < 320 || h < 240 || w > 16384 || h > 16384) return false;
    width = w;
    height = h;
    return true;
}

constexpr const char* UsageLine =
    "usage: socketeer [--workspace FILE] [--demo] [--window-size WxH] [--screenshot FILE.png [--screenshot-after SEC]]\n"
    "                 [--version] [--help]\n";

int usage(const char* message) {
    std::fprintf(stderr, "socketeer: %s\n%s", message, UsageLine);
    return 2;
}

void onGlfwError(int code, const char* description) {
    // Reported by the caller in one clear line where it matters (no display); the rest goes to stderr.
    if (code == GLFW_PLATFORM_ERROR) return;
    std::fprintf(stderr, "socketeer: GLFW error %d: %s\n", code, description);
}

/// Reads the arguments into options. Returns the exit code when the program is done already (--help, --version,
/// a bad argument), else nullopt.
std::optional<int> parseArguments(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--version") {
            std::printf("socketeer %s (git %s)\n", SOCKETEER_VERSION, SOCKETEER_GIT_REVISION);
            return 0;
        }
        if (arg == "--help" || arg == "-h") {
            std::printf("socketeer: the Socketeer desktop app (TCP/UDP sessions in a window); socketeer-cli is the same "
                        "engine for scripts.\n%s"
                        "  --workspace FILE        open the sessions and payloads saved in FILE\n"
                        "  --demo                  start the loopback demo (an echo server and a client)\n"
                        "  --window-size WxH       the window's size (default 1280x820, scaled with the monitor)\n"
                        "  --screenshot FILE.png   write a PNG of the window after --screenshot-after SEC (default 2), "
                        "then quit\n"
                        "  --version               print the version\n",
                        UsageLine);
            return 0;
        }
        if (arg == "--workspace" && i + 1 < argc) options.workspace = argv[++i];
        else if (arg == "--demo") options.demo = true;
        else if (arg == "--window-size" && i + 1 < argc) {
            if (!parseWindowSize(argv[++i], options.width, options.height))
                return usage(("bad --window-size '" + std::string(argv[i]) + "': expected WIDTHxHEIGHT from 320x240, e.g. 900x600").c_str());
        }
        else if (arg == "--screenshot" && i + 1 < argc) options.screenshot = argv[++i];
        else if (arg == "--screenshot-after" && i + 1 < argc) options.screenshotAfter = std::atof(argv[++i]);
        else return usage(("unknown argument '" + arg + "'").c_str());
    }
    return std::nullopt;
}

/// GLFW and an OpenGL 3.3 window, or nullptr after saying why in one line.
GLFWwindow* openWindow(const Options& options) {
    glfwSetErrorCallback([](int, const char*) {}); // no display is reported below, in one line
    if (!glfwInit()) {
        std::fprintf(stderr, "socketeer: cannot open a window: no display found (set DISPLAY, or use socketeer-cli "
                             "for a headless session)\n");
        return nullptr;
    }
    glfwSetErrorCallback(onGlfwError);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(options.width, options.height, "Socketeer", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "socketeer: cannot create an OpenGL 3.3 window on this display\n");
        glfwTerminate();
        return nullptr;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    return window;
}

/// ImGui on the window: dark style and fonts at the monitor's scale; its layout file in iniPath ("" = none; the
/// string must outlive the context).
void setUpImGui(GLFWwindow* window, const std::string& iniPath) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = iniPath.empty() ? nullptr : iniPath.c_str();
    float scale = 1.0f;
    glfwGetWindowContentScale(window, &scale, nullptr);
    ImGui::StyleColorsDark();
    ImGui::GetStyle().ScaleAllSizes(scale);
    platform::loadFonts(io, scale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
}

/// The workspace asked for, else the one open when the app last closed; a problem is shown in the first frame.
void openStartWorkspace(app::AppModel& model, ui::AppUi& ui, const Options& options, const std::string& lastWorkspace) {
    const std::string startWorkspace = !options.workspace.empty() ? options.workspace : lastWorkspace;
    if (!startWorkspace.empty() && std::filesystem::exists(startWorkspace)) {
        auto loaded = core::loadWorkspaceFile(startWorkspace);
        if (loaded) {
            model.loadWorkspace(loaded.value());
            model.workspacePath = options.workspace;
        } else {
            ui.modalMessage = loaded.error().describe();
        }
    } else if (!options.workspace.empty()) {
        ui.modalMessage = "cannot read workspace '" + options.workspace + "': no such file";
    }
}

/// One frame: the UI's widgets, rendered. Returns the framebuffer's size (for a screenshot).
std::pair<int, int> drawFrame(GLFWwindow* window, ui::AppUi& ui) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ui.draw();
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    return {width, height};
}

/// The loop sleeps until an input or a worker's wake-up; it draws after each, and when a shown figure changed.
void runFrameLoop(GLFWwindow* window, app::AppModel& model, ui::AppUi& ui, const Options& options) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    app::FramePacer pacer;
    bool screenshotTaken = false;
    while (!glfwWindowShouldClose(window) && !ui.quitRequested()) {
        const double timeout = options.screenshot.empty() ? model.secondsToNextDeadline(pacer.waitSeconds()) : 1.0 / 60.0;
        const auto before = Clock::now();
        glfwWaitEventsTimeout(timeout);
        const bool woken = Clock::now() - before < std::chrono::duration<double>(timeout * 0.9);
        const std::size_t changes = model.drainAll(); // also while iconified: history and capture keep up
        if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) continue;
        // Idle: nothing changed, nothing to draw (a screenshot run keeps frames coming until the picture is taken).
        if (!pacer.shouldDraw(woken, changes) && options.screenshot.empty()) continue;
        const auto [width, height] = drawFrame(window, ui);
        if (!options.screenshot.empty() && !screenshotTaken &&
            Clock::now() - started >= std::chrono::duration<double>(options.screenshotAfter)) {
            const std::string error = platform::writeScreenshot(options.screenshot, width, height);
            if (!error.empty()) std::fprintf(stderr, "socketeer: %s\n", error.c_str());
            screenshotTaken = true;
            glfwSetWindowShouldClose(window, GLFW_TRUE);
        }
        glfwSwapBuffers(window);
    }
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    if (const auto done = parseArguments(argc, argv, options)) return *done;
    socketeer::core::raiseOpenFileLimit(); // a server session may hold thousands of clients
    GLFWwindow* window = openWindow(options);
    if (!window) return 1;
    const std::string configDir = platform::configDirectory();
    const std::string iniPath = configDir.empty() ? std::string() : configDir + "/imgui.ini";
    setUpImGui(window, iniPath);

    app::AppModel model([] { glfwPostEmptyEvent(); }); // workers wake the loop; safe from any thread
    model.paths().setService(platform::makeSystemFileDialogs({{}, {}, [] { glfwPostEmptyEvent(); }}));
    ui::AppUi ui(model);
    ui.configDir = configDir;
    const std::string lastWorkspace = configDir.empty() ? std::string() : configDir + "/last-workspace.json";
    openStartWorkspace(model, ui, options, lastWorkspace);
    if (options.demo) model.addDemo();

    runFrameLoop(window, model, ui, options);

    // Remember the workspace for the next start, then close every session (workers join, captures flush).
    // A sequence that does not parse would be lost from it: then the previous file stays, and stderr says why.
    if (!lastWorkspace.empty() && options.screenshot.empty()) {
        std::vector<core::Sequence> sequences;
        const std::string error = model.sequences().collect(sequences);
        if (error.empty()) core::saveWorkspaceFile(lastWorkspace, model.toWorkspace(), true);
        else std::fprintf(stderr, "socketeer: the workspace was not remembered for the next start: %s\n", error.c_str());
    }
    model.sessions().clear();
    model.paths().setService(nullptr); // an open dialog's thread ends before the window system does
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
