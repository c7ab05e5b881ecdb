// Fuzz target: Packet Sender's export import. Input: any text as the JSON file. It is refused (with a position) or
// imported; what it imports is a workspace that saves and loads again to the same payloads, each naming a session
// the workspace holds, and every packet it read is either a payload or explained in a note.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketeer/core/workspace/packet_sender_import.hpp"

namespace {

using namespace socketeer::core;

void check(bool condition) {
    if (!condition) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto imported = importPacketSender(text);
    if (!imported) {
        check(!imported.error().message.empty());
        return 0;
    }
    const PacketSenderImport& result = imported.value();
    check(result.workspace.payloads.size() <= result.packetsRead);
    check(result.notes.size() >= result.packetsRead - result.workspace.payloads.size());
    for (const SavedPayload& payload : result.workspace.payloads) {
        check(!payload.name.empty());
        bool found = false;
        for (const SessionSpec& session : result.workspace.sessions) found = found || session.name == payload.session;
        check(found);
    }
    const auto reloaded = parseWorkspace(serializeWorkspace(result.workspace));
    check(reloaded.ok());
    check(reloaded.value().payloads.size() == result.workspace.payloads.size());
    for (std::size_t i = 0; i < result.workspace.payloads.size(); ++i) {
        check(reloaded.value().payloads[i].name == result.workspace.payloads[i].name);
        check(reloaded.value().payloads[i].repeatIntervalMs == result.workspace.payloads[i].repeatIntervalMs);
        check(reloaded.value().payloads[i].payload.resolve({}).value() == result.workspace.payloads[i].payload.resolve({}).value());
    }
    return 0;
}
