// A TCP session's TLS settings: verification, SNI, ALPN, certificates and the key log, by path (the desktop's file
// dialog one click away). What cannot work together is said under the fields, as the CLI would refuse it.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "layout.hpp"
#include "panes.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

/// ALPN as typed ("h2,http/1.1"); only a list that parses replaces the setting, and a bad one is named with its column.
void alpnField(std::optional<std::string>& draft, TlsSettings& tls, const std::string& probe) {
    if (!draft) draft = alpnListText(tls.alpn);
    ImGui::SetNextItemWidth(em(width::Field));
    ImGui::InputTextWithHint("ALPN protocols", "none (e.g. h2,http/1.1)", &*draft);
    UiProbe::mark(probe + "/alpn");
    if (draft->empty()) return tls.alpn.clear();
    auto parsed = parseAlpnList(*draft);
    if (parsed) tls.alpn = std::move(parsed).value();
    else ImGui::TextColored(colour::Error, "ALPN: %s", parsed.error().describe().c_str());
}

} // namespace

void drawTlsSettings(app::AppModel& model, app::SessionModel& session, TlsSettings& tls, bool server, const char* which,
                     std::optional<std::string>& alpnDraft) {
    ImGui::PushID(which);
    const std::string p = std::string("settings/") + which; // the probes' names, and the file dialogs' keys
    ImGui::Checkbox(which == std::string("tls") ? "TLS" : which == std::string("tls-listen") ? "TLS toward the clients"
                                                                                              : "TLS toward the target",
                    &tls.enabled);
    UiProbe::mark(p);
    if (!tlsAvailable()) {
        tls.enabled = false;
        ImGui::SameLine();
        ImGui::TextDisabled("(this build has no OpenSSL)");
        ImGui::PopID();
        return;
    }
    if (!tls.enabled) return ImGui::PopID();
    ImGui::Indent();
    app::PathChooser& paths = model.paths();
    const std::string id = std::string("/") + which + "/" + std::to_string(session.uiId());
    if (server) {
        pathField(paths, "tls-cert" + id, p + "/cert", "certificate (PEM)", tls.certFile, app::FileDialogKind::Open,
                  "Server certificate");
        pathField(paths, "tls-key" + id, p + "/key", "private key (PEM)", tls.keyFile, app::FileDialogKind::Open,
                  "Server private key");
        if (tls.certFile.empty() && tls.keyFile.empty())
            ImGui::TextDisabled("No certificate: one is generated when the session opens (its fingerprint goes to the log).");
        pathField(paths, "tls-ca" + id, p + "/ca", "client CA (PEM)", tls.caFile, app::FileDialogKind::Open,
                  "CA that signs client certificates");
        ImGui::TextDisabled(tls.caFile.empty() ? "Clients are not asked for a certificate."
                                               : "Clients must present a certificate this CA signed (mutual TLS).");
    } else {
        ImGui::Checkbox("do not verify the server (insecure)", &tls.insecure);
        UiProbe::mark(p + "/insecure");
        if (tls.insecure) {
            tls.caFile.clear(); // no CA to verify against when nothing is verified
            ImGui::TextColored(colour::Warning, "Verification is OFF: any server, or anyone in between, is accepted.");
        } else {
            pathField(paths, "tls-ca" + id, p + "/ca", "CA (PEM)", tls.caFile, app::FileDialogKind::Open,
                      "CA to verify the server against");
            if (tls.caFile.empty()) ImGui::TextDisabled("No CA file: the server is verified against the system's store.");
        }
        ImGui::SetNextItemWidth(em(width::Field));
        ImGui::InputTextWithHint("server name (SNI)", "the host", &tls.serverName);
        UiProbe::mark(p + "/sni");
        pathField(paths, "tls-cert" + id, p + "/cert", "client certificate (PEM)", tls.certFile,
                  app::FileDialogKind::Open, "Client certificate");
        pathField(paths, "tls-key" + id, p + "/key", "client private key (PEM)", tls.keyFile,
                  app::FileDialogKind::Open, "Client private key");
    }
    alpnField(alpnDraft, tls, p);
    pathField(paths, "tls-keylog" + id, p + "/keylog", "key log (for Wireshark)", tls.keyLogFile,
              app::FileDialogKind::Save, "Append TLS session keys to");
    if (const std::string problem = checkTlsSettings(tls, server); !problem.empty())
        ImGui::TextColored(colour::Error, "%s", problem.c_str());
    ImGui::Unindent();
    ImGui::PopID();
}

} // namespace socketeer::ui
