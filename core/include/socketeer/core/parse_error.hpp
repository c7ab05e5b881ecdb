// ParseError and Parsed<T>: what every parser of user input returns — a value, or where and why it failed.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace socketeer::core {

/// Where user input went wrong. line and column are 1-based and count characters (UTF-8 code points).
struct ParseError {
    std::size_t line = 1;
    std::size_t column = 1;
    std::string message; ///< names the problem, e.g. "bad hex digit 'G'"

    /// "bad hex digit 'G' at column 5" (adds "line N, " when line > 1). Column 0 means "no position": the message
    /// names the place itself (e.g. a JSON path).
    [[nodiscard]] std::string describe() const {
        if (column == 0) return message;
        std::string where = line > 1 ? "line " + std::to_string(line) + ", column " : "column ";
        return message + " at " + where + std::to_string(column);
    }

    bool operator==(const ParseError&) const = default;
};

/// A parse result: holds either the value or the ParseError (C++20 has no std::expected).
template <class T>
class Parsed {
public:
    Parsed(T value) : m_state(std::move(value)) {}            // NOLINT: implicit by design
    Parsed(ParseError error) : m_state(std::move(error)) {}   // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    [[nodiscard]] const T& value() const& { return std::get<0>(m_state); }
    [[nodiscard]] T& value() & { return std::get<0>(m_state); }
    [[nodiscard]] T&& value() && { return std::get<0>(std::move(m_state)); }
    [[nodiscard]] const ParseError& error() const { return std::get<1>(m_state); }

private:
    std::variant<T, ParseError> m_state;
};

} // namespace socketeer::core
