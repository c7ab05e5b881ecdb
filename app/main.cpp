// socketeer: the desktop app's entry point — window, render loop, and (for now) the session engine's status.
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cstdio>
#include <cstring>

namespace {

void onGlfwError(int code, const char* description) {
    if (code == GLFW_PLATFORM_ERROR || code == 0x00010008 /* GLFW_PLATFORM_UNAVAILABLE (3.4) */) return;
    std::fprintf(stderr, "socketeer: GLFW error %d: %s\n", code, description);
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("socketeer %s\n", SOCKETEER_VERSION);
            return 0;
        }
    }
    glfwSetErrorCallback(onGlfwError);
    if (!glfwInit()) {
        std::fprintf(stderr, "socketeer: cannot open a window: no display (set DISPLAY, or use socketeer-cli)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    GLFWwindow* window = glfwCreateWindow(1280, 800, "Socketeer", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "socketeer: cannot create an OpenGL 3.3 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int activeFrames = 3; // render a few frames after any event: popups misdraw under pure waiting (imgui#3220)
    while (!glfwWindowShouldClose(window)) {
        glfwWaitEventsTimeout(activeFrames > 0 ? 1.0 / 60 : 0.5);
        if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) continue;
        activeFrames = activeFrames > 0 ? activeFrames - 1 : 2;
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("Socketeer", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
        ImGui::TextUnformatted("Socketeer " SOCKETEER_VERSION);
        ImGui::TextUnformatted("The session engine (core/) is being built; the desktop panels come with issue #4.");
        ImGui::End();
        ImGui::Render();
        int width = 0, height = 0;
        glfwGetFramebufferSize(window, &width, &height);
        glViewport(0, 0, width, height);
        glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
