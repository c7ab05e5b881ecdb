// The panes of a session's panel, one file each. Each draws from the session's model and its SessionUiState and
// turns clicks into model calls; none keeps state of its own between frames.
#pragma once

#include "app_model.hpp"
#include "session_model.hpp"

#include <optional>
#include <string>

namespace socketeer::ui {

/// The whole panel: status line and counters, then tabs (traffic, settings, generator).
void drawSessionPanel(app::AppModel& model, app::SessionModel& session);
/// History as text, hex or both, with its toolbar and filters, in `height` pixels.
void drawReceivePane(app::AppModel& model, app::SessionModel& session, float height);
void drawSendPane(app::AppModel& model, app::SessionModel& session);
void drawConnectionLog(app::AppModel& model, app::SessionModel& session, float height);
/// A server's clients, a UDP socket's peers: select one as the destination, kick a client.
void drawPeerTable(app::SessionModel& session);
/// The session's settings (they apply at the next open).
void drawSettings(app::AppModel& model, app::SessionModel& session);
/// TLS of a TCP client (server = false) or server: verification, SNI, ALPN, certificates and the key log by path.
/// `which` names the block ("tls"; a proxy has "tls-listen" and "tls-to"): its probes, file dialogs and label.
void drawTlsSettings(app::AppModel& model, app::SessionModel& session, core::TlsSettings& tls, bool server,
                     const char* which, std::optional<std::string>& alpnDraft);
/// A proxy's impairments per direction, changed live while it runs, next to the counts of what they did.
void drawImpairmentPane(app::SessionModel& session);
/// The session's match rules: an ordered table with live hit counters, and a dry run of a pasted message.
void drawRuleTable(app::SessionModel& session);
/// What the Sequences panel remembers between frames (owned by AppUi).
struct SequencePanelState {
    std::size_t selected = 0; ///< the sequence shown
    std::string message;      ///< why the last command did not happen ("Ctrl+F2 already runs 'poll'")
};
/// The workspace's sequences: pick, edit, play / step / stop, each step's status and time, the log.
void drawSequencePanel(app::AppModel& model, SequencePanelState& state);
/// Capture to a file: the button and its popup, or the running capture and Stop.
void drawCaptureControls(app::AppModel& model, app::SessionModel& session);
/// TCP clients and UDP sockets: the traffic generator aimed at the session's remote.
void drawGeneratorPane(app::SessionModel& session);

} // namespace socketeer::ui
