// Fuzz target: any file content is either a valid workspace (which re-serialises to the same workspace) or refused
// with a message; never a crash, never a stack overflow from nesting.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/workspace/workspace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parseWorkspace(text);
    if (!parsed) {
        if (parsed.error().message.empty()) std::abort();
        return 0;
    }
    const std::string once = serializeWorkspace(parsed.value());
    auto again = parseWorkspace(once);
    if (!again || serializeWorkspace(again.value()) != once) std::abort();
    return 0;
}
