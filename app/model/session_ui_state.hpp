// SessionUiState: what the panes of one session remember between frames — selections, fields as typed, pane sizes.
// One home for it, owned by the session's model: nothing per session lives in a static, and closing a session's
// panel in one window never leaks into another's. Plain data: the panes read and write it, the model never looks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "socketeer/core/net/endpoint.hpp"
#include "socketeer/core/net/local_interfaces.hpp"
#include "rule_table.hpp"

namespace socketeer::app {

/// A payload template being typed in a settings field: kept as typed while it does not parse.
struct TemplateDraft {
    std::string text;
    std::string error;    ///< why the text is not (yet) a template, with its column
    bool editing = false; ///< the field has the text (else it shows the setting's)
};

/// A "save to a file" popup: the path as typed, consent to replace, and what the last attempt said.
struct FileTarget {
    std::string path;
    bool replaceExisting = false; ///< never by default
    std::string message;          ///< "saved to …" or why not
};

struct SessionUiState {
    // Where the send pane sends (and which peer the tables highlight).
    core::ConnectionId selectedPeer = 0; ///< 0 = all clients (server) / the target below (UDP)
    std::string udpTarget;               ///< "host:port" typed in the send pane of a UDP socket

    // Receive pane.
    bool autoScroll = true;
    std::string hexFilterText;  ///< the hex filter as typed (applied when it parses)
    std::string hexFilterError; ///< why it does not parse, with its column
    FileTarget saveReceived;

    // Connection log.
    FileTarget saveLog;

    // Capture.
    std::string capturePath;
    bool captureRecords = true;    ///< timestamped records of both directions, else the raw received bytes
    bool capturePcapng = false;    ///< pcapng (over captureRecords)
    bool captureOverwrite = false;

    // Settings.
    std::string framingText; ///< the framing as typed (applied when it parses)
    std::optional<std::string> alpnText; ///< the TLS ALPN list as typed (applied when it parses); unset: not drawn yet
    std::optional<std::string> alpnTextTo;  ///< a proxy's second TLS block (toward the target)
    std::string framingTextToClient;        ///< a proxy's s>c framing as typed
    std::string heldDraft[2];               ///< a proxy's next held message as edited (c>s, s>c)
    std::string heldDraftOf[2];             ///< which message the draft is of ("" = none yet)
    std::vector<core::LocalInterface> interfaces; ///< the machine's, as listed when an address list was opened
    TemplateDraft replyDraft, prefixDraft, welcomeDraft;

    // Rules tab: the message to test the rules against, and what the test said.
    std::string ruleTestText;
    bool ruleTestHex = false;
    bool ruleTestToClient = false; // a proxy's test message travels s>c (else c>s)
    RuleTestResult ruleTest;

    // Send pane.
    std::uint64_t sendsFromPane = 0; ///< {n} of a send from the send pane
    int repeatIntervalMs = 1000;
    int repeatCount = 0;             ///< 0 = until stopped
    FileTarget sendFile;             ///< the file to send (message: why it did not start)
    std::string payloadName;         ///< "save payload" name as typed

    // Layout: the share of the panel's height the receive pane has over the log, set by dragging the splitter.
    float receiveShare = 0.75f;
    /// How tall the send pane came out in the last frame (its rows wrap with the width), for this frame's layout.
    float sendPaneHeight = 0;
};

} // namespace socketeer::app
