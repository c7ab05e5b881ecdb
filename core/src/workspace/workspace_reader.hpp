// WorkspaceReader: reads typed fields out of a workspace's JSON objects; the first problem is kept with its JSON
// path, and later reads become no-ops. Shared by the workspace's parts (sessions, sequences).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/workspace/workspace.hpp"

namespace socketeer::core {

/// Nesting deeper than maxDepth (with its line and column), found before nlohmann's recursive parser sees the text,
/// so a hostile file cannot exhaust the stack. For every JSON file Socketeer reads.
std::optional<ParseError> checkNesting(std::string_view text, std::size_t maxDepth);
/// JSON text parsed, or "invalid JSON: <nlohmann's reason>" at its line and column (check the nesting first).
Parsed<nlohmann::json> parseJsonText(std::string_view text);
/// The text of a JSON file the user named: a regular file of at most limits.maxFileBytes; errors say "cannot read
/// <what> 'path': ...", "<what> 'path' is not a regular file".
Parsed<std::string> readJsonFile(const std::string& path, std::string_view what, const WorkspaceLimits& limits);

class WorkspaceReader {
    using json = nlohmann::json;

public:
    explicit WorkspaceReader(const WorkspaceLimits& limits) : m_limits(limits) {}

    [[nodiscard]] bool failed() const { return m_error.has_value(); }
    [[nodiscard]] const ParseError& error() const { return *m_error; }
    [[nodiscard]] const WorkspaceLimits& limits() const { return m_limits; }

    bool fail(const std::string& path, const std::string& message) {
        if (!m_error) m_error = ParseError{0, 0, (path.empty() ? std::string() : path + ": ") + message};
        return false;
    }

    bool expectObject(const json& value, const std::string& path) {
        return value.is_object() || fail(path, "expected an object");
    }

    bool onlyKeys(const json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
        for (const auto& [key, value] : object.items()) {
            bool known = false;
            for (auto name : allowed) known = known || key == name;
            if (!known) return fail(join(path, key), "unknown key (a typo, or a file from a newer Socketeer?)");
        }
        return !failed();
    }

    void string(const json& object, const std::string& path, const char* key, std::string& out) {
        if (failed() || !object.contains(key)) return;
        stringValue(object.at(key), join(path, key), out);
    }

    /// A string that is not a field of an object (an element of a list), at `where`.
    void stringValue(const json& value, const std::string& where, std::string& out) {
        if (failed()) return;
        if (!value.is_string()) return (void)fail(where, "expected a string");
        const auto& text = value.get_ref<const std::string&>();
        if (text.size() > m_limits.maxStringBytes)
            return (void)fail(where, "string of " + std::to_string(text.size()) + " bytes is longer than the " +
                                         std::to_string(m_limits.maxStringBytes) + " allowed");
        out = text;
    }

    void boolean(const json& object, const std::string& path, const char* key, bool& out) {
        if (failed() || !object.contains(key)) return;
        const json& value = object.at(key);
        if (!value.is_boolean()) return (void)fail(join(path, key), "expected true or false");
        out = value.get<bool>();
    }

    /// A percentage, 0 to 100, whole or not.
    void percent(const json& object, const std::string& path, const char* key, double& out) {
        if (failed() || !object.contains(key)) return;
        const json& value = object.at(key);
        if (!value.is_number()) return (void)fail(join(path, key), "expected a percentage (0 to 100)");
        const double n = value.get<double>();
        if (!(n >= 0 && n <= 100)) return (void)fail(join(path, key), value.dump() + " is not a percentage (0 to 100)");
        out = n;
    }

    template <class T>
    void number(const json& object, const std::string& path, const char* key, T& out, std::uint64_t min, std::uint64_t max) {
        if (failed() || !object.contains(key)) return;
        const json& value = object.at(key);
        const std::string where = join(path, key);
        if (value.is_number_integer() && value.get<std::int64_t>() < 0)
            return (void)fail(where, std::to_string(value.get<std::int64_t>()) + " is negative (allowed " + range(min, max) + ")");
        if (!value.is_number_unsigned()) return (void)fail(where, "expected a whole number (allowed " + range(min, max) + ")");
        const auto n = value.get<std::uint64_t>();
        if (n < min || n > max) return (void)fail(where, std::to_string(n) + " is out of range (" + range(min, max) + ")");
        out = static_cast<T>(n);
    }

    void milliseconds(const json& object, const std::string& path, const char* key, std::chrono::milliseconds& out,
                      std::uint64_t min, std::uint64_t max) {
        std::uint64_t value = static_cast<std::uint64_t>(out.count());
        number(object, path, key, value, min, max);
        out = std::chrono::milliseconds(value);
    }

    /// Payload bytes are stored as text with escapes (formatEscaped), which round-trips any bytes exactly.
    void bytes(const json& object, const std::string& path, const char* key, Bytes& out) {
        std::string text;
        if (failed() || !object.contains(key)) return;
        string(object, path, key, text);
        if (failed()) return;
        auto parsed = parseEscaped(text);
        if (!parsed) return (void)fail(join(path, key), parsed.error().describe());
        out = std::move(parsed).value();
    }

    /// A payload template: text with escapes and tokens ({crc16/modbus}, {counter:u16be}, {time}...), kept as written.
    void payloadTemplate(const json& object, const std::string& path, const char* key, PayloadTemplate& out) {
        std::string text;
        if (failed() || !object.contains(key)) return;
        string(object, path, key, text);
        if (failed()) return;
        auto parsed = PayloadTemplate::parse(text, PayloadSyntax::Text);
        if (!parsed) return (void)fail(join(path, key), parsed.error().describe());
        out = std::move(parsed).value();
    }

    void stringList(const json& object, const std::string& path, const char* key, std::vector<std::string>& out) {
        if (failed() || !object.contains(key)) return;
        const json& value = object.at(key);
        const std::string where = join(path, key);
        if (!value.is_array()) return (void)fail(where, "expected a list of strings");
        if (value.size() > m_limits.maxSessions) return (void)fail(where, "more than " + std::to_string(m_limits.maxSessions) + " entries");
        out.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!value[i].is_string()) return (void)fail(where + "[" + std::to_string(i) + "]", "expected a string");
            out.push_back(value[i].get<std::string>());
        }
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

private:
    static std::string range(std::uint64_t min, std::uint64_t max) { return std::to_string(min) + "-" + std::to_string(max); }

    const WorkspaceLimits& m_limits;
    std::optional<ParseError> m_error;
};

} // namespace socketeer::core
