// Screenshot via glReadPixels and stb_image_write (whose implementation Debian's libstb provides).
#include "screenshot.hpp"

#include <GLFW/glfw3.h>

#include <vector>

#ifdef SOCKETEER_STB_HEADER_ONLY // vcpkg's stb has no library: its implementation is compiled here
#define STB_IMAGE_WRITE_IMPLEMENTATION
#endif
#include <stb_image_write.h>

namespace socketeer::platform {

std::string writeScreenshot(const std::string& path, int width, int height) {
    if (width <= 0 || height <= 0) return "cannot take a screenshot of an empty window";
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1); // OpenGL's first row is the bottom one
    if (!stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4)) return "cannot write screenshot '" + path + "'";
    return {};
}

} // namespace socketeer::platform
