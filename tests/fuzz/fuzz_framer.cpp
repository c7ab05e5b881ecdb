// Fuzz target: the framing spec parser and the framer. Input: a spec text, a newline, then the received stream.
// A spec that parses prints back to an equal spec; a refusal names its problem and column. The framer never keeps
// more than max-frame bytes in a message, yields the same messages however the stream is split, and (where nothing
// is decoded or dropped) gives back exactly the stream's bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "socketeer/core/framing/framer.hpp"

namespace {

using namespace socketeer::core;

struct Message {
    Bytes bytes;
    FrameStatus status;
    bool operator==(const Message&) const = default;
};

std::vector<Message> frame(const FrameSpec& spec, ByteView stream, std::uint32_t splitSeed) {
    Framer framer(spec);
    std::vector<Message> out;
    auto sink = [&](ByteView bytes, FrameStatus status) {
        if (spec.enabled() && bytes.size() > spec.maxFrame) std::abort(); // without framing, reads pass whole
        out.push_back({Bytes(bytes.begin(), bytes.end()), status});
    };
    std::size_t at = 0;
    std::uint32_t state = splitSeed;
    while (at < stream.size()) {
        state = state * 1103515245u + 12345u;
        const std::size_t piece = splitSeed == 0 ? stream.size() : (state >> 16) % 9;
        const std::size_t n = std::min(piece, stream.size() - at);
        framer.push(stream.subspan(at, n), sink);
        at += n;
    }
    framer.finish(sink);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view specText = input.substr(0, newline);
    // A small largest message, so that oversize messages are common.
    const auto parsed = parseFrameSpec(specText, 64);
    if (!parsed) {
        if (parsed.error().message.empty() || parsed.error().column == 0) std::abort();
        return 0;
    }
    const FrameSpec& spec = parsed.value();
    const auto again = parseFrameSpec(frameSpecText(spec), 64);
    if (!again || !(again.value() == spec)) std::abort();
    if (newline == std::string_view::npos) return 0;
    const ByteView stream(data + newline + 1, size - newline - 1);

    const auto whole = frame(spec, stream, 0);
    if (spec.mode != FrameMode::Idle && spec.mode != FrameMode::None) { // these depend on time and on reads
        if (frame(spec, stream, 1) != whole || frame(spec, stream, 7) != whole) std::abort();
    }
    const bool bytePreserving = spec.mode == FrameMode::None || spec.mode == FrameMode::Delimiter ||
                                spec.mode == FrameMode::Fixed || spec.mode == FrameMode::LengthField ||
                                spec.mode == FrameMode::StxEtx || spec.mode == FrameMode::Idle;
    bool dropped = false;
    Bytes joined;
    for (const auto& message : whole) {
        dropped = dropped || message.status == FrameStatus::Oversize;
        joined.insert(joined.end(), message.bytes.begin(), message.bytes.end());
    }
    if (bytePreserving && !dropped && joined != Bytes(stream.begin(), stream.end())) std::abort();
    return 0;
}
