// Fonts found at start-up from the places Debian's font packages install them.
#include "fonts.hpp"

#include <filesystem>

namespace socketeer::platform {

namespace {

const char* firstExisting(std::initializer_list<const char*> paths) {
    for (const char* path : paths) {
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) return path;
    }
    return nullptr;
}

} // namespace

std::string loadFonts(ImGuiIO& io, float scale) {
    const float size = 15.0f * scale;
    std::string report;
    const char* base = firstExisting({"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
                                      "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
                                      "C:\\Windows\\Fonts\\consola.ttf"});
    if (base) {
        io.Fonts->AddFontFromFileTTF(base, size);
        report = base;
    } else {
        ImFontConfig config;
        config.SizePixels = 13.0f * scale;
        io.Fonts->AddFontDefault(&config);
        report = "built-in font";
    }
    // CJK: fonts-noto-cjk or fonts-wqy-microhei on Debian; Microsoft YaHei on Windows.
    const char* cjk = firstExisting({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                                     "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                                     "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "C:\\Windows\\Fonts\\msyh.ttc"});
    if (cjk) {
        ImFontConfig merge;
        merge.MergeMode = true;
        io.Fonts->AddFontFromFileTTF(cjk, size, &merge, io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
        report += " + " + std::string(cjk);
    }
    return report;
}

} // namespace socketeer::platform
