// Fuzz target: parseHex never crashes, and what it accepts formats back to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/codec/hex_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parseHex(text);
    if (parsed) {
        auto again = parseHex(formatHex(parsed.value()));
        if (!again || again.value() != parsed.value()) std::abort();
    } else if (parsed.error().message.empty() || parsed.error().column == 0) {
        std::abort(); // every refusal names the problem and where it is
    }
    return 0;
}
