// import-packetsender: read, convert, write, and say what did not come across.
#include "import_command.hpp"

#include "console_text.hpp"
#include "socketeer/core/workspace/packet_sender_import.hpp"

namespace socketeer::cli {

int runImportPacketSender(const CliOptions& options, std::FILE* out, std::FILE* err) {
    const auto imported = core::importPacketSenderFile(options.importFile);
    if (!imported) {
        std::fprintf(err, "socketeer-cli: import-packetsender: %s\n", imported.error().describe().c_str());
        return ExitUsage;
    }
    const core::PacketSenderImport& result = imported.value();
    if (const std::string error = core::saveWorkspaceFile(options.importOutput, result.workspace, options.overwrite);
        !error.empty()) {
        std::fprintf(err, "socketeer-cli: import-packetsender: %s\n", error.c_str());
        return ExitUsage;
    }
    std::string report = "imported " + std::to_string(result.workspace.payloads.size()) + " of " +
                         std::to_string(result.packetsRead) + " packets into '" + options.importOutput + "': " +
                         std::to_string(result.workspace.payloads.size()) + " saved payloads, " +
                         std::to_string(result.workspace.sessions.size()) + " client sessions (not opened on load)\n";
    for (const auto& note : result.notes) report += "  - " + note + "\n";
    std::fputs(consoleLines(report).c_str(), out);
    std::fflush(out);
    return ExitDone;
}

} // namespace socketeer::cli
