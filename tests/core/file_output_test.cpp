#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "socketeer/core/file_output.hpp"

using socketeer::core::writeNewFile;

namespace {

std::string readAll(const std::string& path) {
    std::stringstream text;
    text << std::ifstream(path, std::ios::binary).rdbuf();
    return text.str();
}

} // namespace

TEST(WriteNewFile, CreatesRefusesToReplaceAndReplacesOnlyWithConsent) {
    const std::string path = (std::filesystem::temp_directory_path() / ("socketeer-out-" + std::to_string(::getpid()))).string();
    std::filesystem::remove(path);
    EXPECT_EQ(writeNewFile(path, std::string("first\0line", 10), false), "");
    EXPECT_EQ(readAll(path), std::string("first\0line", 10));
    EXPECT_EQ(writeNewFile(path, "second", false), "'" + path + "' already exists (choose another name or allow replacing it)");
    EXPECT_EQ(readAll(path), std::string("first\0line", 10));
    EXPECT_EQ(writeNewFile(path, "second", true), "");
    EXPECT_EQ(readAll(path), "second");
    std::filesystem::remove(path);
}

TEST(WriteNewFile, NamesThePathAndTheReason) {
    EXPECT_EQ(writeNewFile("", "x", false), "no file name given");
    EXPECT_EQ(writeNewFile("/nonexistent-dir/out.txt", "x", false), "cannot write '/nonexistent-dir/out.txt': No such file or directory");
}
