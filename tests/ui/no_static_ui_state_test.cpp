// Per-session UI state lives in SessionUiState, owned by the session's model: a static in app/ui would be shared by
// every session (a capture path leaking from one panel into the next) and outlive the session it belonged to.
// This reads the sources and fails on any mutable static or file-scope variable there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace {

struct Finding {
    std::string file;
    int line = 0;
    std::string text;
};

/// `static` that is not a cast, a constant or a function declaration; and file-scope `s_` variables (the
/// project's spelling for them).
std::vector<Finding> mutableStatics(const std::filesystem::path& file) {
    static const std::regex staticKeyword(R"(\bstatic\b(?!_cast|_assert))");
    static const std::regex constant(R"(\bstatic\s+(constexpr|const)\b)");
    static const std::regex function(R"(\bstatic\s+[\w:<>,\s\*&]+?\s+[\*&]?\w+\s*\()");
    // "static std::string path("x");" is a variable however it looks: a literal where parameters would be.
    static const std::regex initialised(R"(\bstatic\s+[\w:<>,\s\*&]+?\s+[\*&]?\w+\s*\(\s*["'0-9{])");
    static const std::regex fileScopeVariable(R"(^[\w:<>,\s\*&]+\bs_\w+\s*(=|;|\{))");
    std::vector<Finding> found;
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const std::string code = line.substr(0, line.find("//"));
        const bool badStatic = std::regex_search(code, staticKeyword) && !std::regex_search(code, constant) &&
                               (!std::regex_search(code, function) || std::regex_search(code, initialised));
        if (badStatic || std::regex_search(code, fileScopeVariable))
            found.push_back({file.filename().string(), number, line});
    }
    return found;
}

TEST(UiSources, HoldNoStaticOrFileScopeState) {
    const std::filesystem::path dir = SOCKETEER_APP_UI_DIR;
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    std::size_t filesRead = 0;
    std::ostringstream report;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (ext != ".cpp" && ext != ".hpp") continue;
        // The probe is the tests' view of where widgets were drawn, rebuilt every frame: not session state.
        if (entry.path().stem() == "ui_probe") continue;
        ++filesRead;
        for (const Finding& f : mutableStatics(entry.path())) report << f.file << ":" << f.line << ": " << f.text << "\n";
    }
    EXPECT_GE(filesRead, 10u) << "the pane files were not found in " << dir;
    EXPECT_EQ(report.str(), "") << "per-session state belongs in SessionUiState (app/model/session_ui_state.hpp)";
}

TEST(UiSources, TheCheckFindsTheStaticsItLooksFor) {
    // The check above must be able to fail: the shapes the old panes had are found, the harmless ones are not.
    const auto dir = std::filesystem::temp_directory_path() / ("socketeer-static-check-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "pane.cpp";
    std::ofstream(file) << "std::map<std::uint64_t, PaneState> s_panes;\n"
                           "void f() {\n    static std::string path;\n    static bool records = true;\n"
                           "    auto n = static_cast<int>(x);\n    static constexpr int Max = 3;\n}\n"
                           "struct A { static float button(const char* label); };\n"
                           "void g() { static std::string p(\"x\"); }\n";
    const auto found = mutableStatics(file);
    std::filesystem::remove_all(dir);
    ASSERT_EQ(found.size(), 4u);
    EXPECT_EQ(found[0].line, 1);
    EXPECT_EQ(found[1].line, 3);
    EXPECT_EQ(found[2].line, 4);
    EXPECT_EQ(found[3].line, 9) << "a static initialised with parentheses is a variable too";
}

} // namespace
