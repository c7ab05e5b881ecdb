// Fuzz target: parseEscaped never crashes in any encoding, and accepted text survives format -> parse.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/codec/escape_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    if (size == 0) return 0;
    const auto encoding = static_cast<TextEncoding>(data[0] % 3);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = parseEscaped(text, encoding);
    if (parsed) {
        auto again = parseEscaped(formatEscaped(parsed.value(), encoding), encoding);
        if (!again || again.value() != parsed.value()) std::abort();
    } else if (parsed.error().message.empty() || parsed.error().column == 0) {
        std::abort();
    }
    return 0;
}
