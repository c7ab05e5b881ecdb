// Fuzz target: the payload template parser and resolver. The first byte chooses text or hex; the rest is DATA.
// A refusal names its problem and place; an accepted template resolves (or refuses a length that does not fit, at
// its token) with its computed fields inside the bytes, and a literal template resolves to the same bytes each time.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/payload/payload_template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    if (size == 0) return 0;
    const PayloadSyntax syntax = data[0] & 1 ? PayloadSyntax::Hex : PayloadSyntax::Text;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = PayloadTemplate::parse(text, syntax);
    if (!parsed) {
        if (parsed.error().message.empty() || parsed.error().column == 0) std::abort();
        return 0;
    }
    SendContext context;
    context.peer = "127.0.0.1:502";
    context.messageNumber = 3;
    context.nextCounter = [n = std::uint64_t{0}]() mutable { return ++n; };
    context.randomBytes = [](std::span<std::uint8_t> bytes) { for (auto& b : bytes) b = 0xA5; };
    std::vector<PayloadTemplate::Span> spans;
    auto bytes = parsed.value().resolve(context, &spans);
    if (!bytes) {
        if (bytes.error().message.empty() || bytes.error().column == 0) std::abort();
        return 0;
    }
    for (const auto& span : spans)
        if (span.size == 0 || span.offset + span.size > bytes.value().size()) std::abort();
    if (parsed.value().isLiteral()) {
        auto again = parsed.value().resolve(context);
        if (!again || again.value() != bytes.value()) std::abort();
    }
    return 0;
}
