// Fuzz target: any bytes display safely (no raw control bytes, valid UTF-8) and round-trip exactly.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/codec/hex_dump.hpp"
#include "socketeer/core/codec/text_encoding.hpp"

namespace {

bool isValidUtf8(std::string_view text) {
    auto bytes = socketeer::core::ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    while (!bytes.empty()) {
        const auto decoded = socketeer::core::decodeChar(bytes, socketeer::core::TextEncoding::Utf8);
        if (!decoded.valid()) return false;
        bytes = bytes.subspan(decoded.byteCount());
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace socketeer::core;
    const ByteView bytes(data, size);
    for (auto encoding : {TextEncoding::Utf8, TextEncoding::Gb18030, TextEncoding::Latin1}) {
        const std::string shown = formatEscaped(bytes, encoding);
        for (unsigned char c : shown)
            if (c < 0x20 || c == 0x7F) std::abort(); // a terminal escape from a peer must never reach the screen raw
        if (!isValidUtf8(shown)) std::abort();
        auto back = parseEscaped(shown, encoding);
        if (!back || back.value() != Bytes(bytes.begin(), bytes.end())) std::abort();
    }
    const std::string dump = formatHexDump(bytes, 0x1000);
    if (std::count(dump.begin(), dump.end(), '\n') + (size ? 1 : 0) != static_cast<long>(hexDumpLineCount(size))) std::abort();
    auto hex = parseHex(formatHex(bytes, '\0', false));
    if (!hex || hex.value() != Bytes(bytes.begin(), bytes.end())) std::abort();
    return 0;
}
