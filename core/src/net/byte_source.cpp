// ByteSource implementations: a file read with stdio (wide names on Windows), and shared bytes in memory.
#include "socketeer/core/net/byte_source.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace socketeer::core {
namespace {

std::FILE* openForReading(const std::string& path) {
#ifdef _WIN32
    // The path is UTF-8; the wide API takes any name, whatever the ANSI code page.
    const std::filesystem::path native(std::u8string(path.begin(), path.end()));
    return ::_wfopen(native.c_str(), L"rb");
#else
    return std::fopen(path.c_str(), "rb");
#endif
}

class FileSource final : public ByteSource {
public:
    FileSource(std::string path, std::FILE* file, std::uint64_t size) : m_path(std::move(path)), m_file(file), m_size(size) {}
    ~FileSource() override { std::fclose(m_file); }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    std::optional<std::size_t> read(std::uint8_t* into, std::size_t size, std::string& error) override {
        const std::size_t n = std::fread(into, 1, size, m_file);
        if (n == 0 && std::ferror(m_file)) {
            error = "reading '" + m_path + "' failed: " + std::strerror(errno);
            return std::nullopt;
        }
        return n;
    }
    [[nodiscard]] std::optional<std::uint64_t> size() const override { return m_size; }
    [[nodiscard]] std::string name() const override { return "file '" + m_path + "'"; }
    std::unique_ptr<ByteSource> reopen(std::string& error) const override {
        auto opened = openFileSource(m_path);
        if (auto* reason = std::get_if<std::string>(&opened)) {
            error = *reason;
            return nullptr;
        }
        return std::move(std::get<0>(opened));
    }

private:
    const std::string m_path;
    std::FILE* m_file;
    const std::uint64_t m_size;
};

class MemorySource final : public ByteSource {
public:
    explicit MemorySource(SharedBytes bytes) : m_bytes(std::move(bytes)) {}

    std::optional<std::size_t> read(std::uint8_t* into, std::size_t size, std::string&) override {
        const std::size_t n = std::min(size, m_bytes->size() - m_offset);
        std::memcpy(into, m_bytes->data() + m_offset, n);
        m_offset += n;
        return n;
    }
    [[nodiscard]] std::optional<std::uint64_t> size() const override { return m_bytes->size(); }
    [[nodiscard]] std::string name() const override { return "payload"; }
    std::unique_ptr<ByteSource> reopen(std::string&) const override { return std::make_unique<MemorySource>(m_bytes); }
    [[nodiscard]] SharedBytes whole() const override { return m_bytes; }

private:
    SharedBytes m_bytes;
    std::size_t m_offset = 0;
};

} // namespace

std::variant<std::unique_ptr<ByteSource>, std::string> openFileSource(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path native(std::u8string(path.begin(), path.end()));
    const auto status = std::filesystem::status(native, ec);
    if (ec) return "cannot read '" + path + "': " + ec.message();
    if (!std::filesystem::is_regular_file(status)) return "'" + path + "' is not a regular file";
    const auto size = std::filesystem::file_size(native, ec);
    if (ec) return "cannot read '" + path + "': " + ec.message();
    std::FILE* file = openForReading(path);
    if (!file) return "cannot read '" + path + "': " + std::strerror(errno);
    return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(path, file, size));
}

std::unique_ptr<ByteSource> memorySource(SharedBytes bytes) {
    if (!bytes) bytes = std::make_shared<const Bytes>();
    return std::make_unique<MemorySource>(std::move(bytes));
}

} // namespace socketeer::core
