// SessionModel: everything the UI knows about one session — its settings, the core session, history, log, views.
// Lives on the UI thread only; talks to the session's worker through core's facade and event queue.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connection_log.hpp"
#include "generator_control.hpp"
#include "receive_view.hpp"
#include "rule_table.hpp"
#include "send_composer.hpp"
#include "session_ui_state.hpp"
#include "socketeer/core/history/history_files.hpp"
#include "socketeer/core/history/session_history.hpp"
#include "socketeer/core/net/session_spec.hpp"

namespace socketeer::app {

/// Rates per second from counter samples about a second apart.
struct TrafficRates {
    double rxBytes = 0, rxMessages = 0, txBytes = 0, txMessages = 0;
};

class SessionModel {
public:
    SessionModel(std::uint64_t uiId, core::SessionSpec spec, std::function<void()> wake);
    ~SessionModel();

    [[nodiscard]] std::uint64_t uiId() const { return m_uiId; }
    [[nodiscard]] const std::string& name() const { return m_spec.name; }
    void rename(std::string name) { m_spec.name = std::move(name); }
    [[nodiscard]] core::SessionKind kind() const { return m_spec.kind; }
    [[nodiscard]] bool isMulticast() const {
        return m_spec.kind == core::SessionKind::Udp && !m_spec.udp.multicast.groups.empty();
    }
    /// Settings take effect at the next open (a core session's configuration is fixed for its life).
    core::SessionSpec& spec() { return m_spec; }
    const core::SessionSpec& spec() const { return m_spec; }

    void open();
    void close();
    [[nodiscard]] core::SessionState state() const;
    [[nodiscard]] bool isOpen() const { return state() != core::SessionState::Closed; }
    /// The live session (nullptr before the first open).
    core::Session* session() { return m_session.get(); }
    /// A proxy's impairments: kept in its spec, and applied at once when it is open.
    void setImpairment(core::ProxyDirection direction, const core::ImpairmentSettings& settings);
    /// A proxy's counts of what its impairments did (zeros when it is not open).
    [[nodiscard]] core::ProxyTallies proxyTallies() const;
    /// A proxy's Hold (Proxy::setHold ...); remembered for the next open too.
    void setHold(core::ProxyDirection direction, bool hold);
    [[nodiscard]] bool holding(core::ProxyDirection direction) const { return m_holding[direction == core::ProxyDirection::ToServer ? 0 : 1]; }
    void releaseHeld(core::ConnectionId id, core::ProxyDirection direction, std::optional<core::Bytes> replacement);
    void dropHeld(core::ConnectionId id, core::ProxyDirection direction);
    [[nodiscard]] std::vector<core::HeldMessages> heldMessages() const;

    /// Moves queued events into history and log. Call every UI loop pass, also when the window is hidden.
    /// Returns how many events were taken, plus one when the rates changed: non-zero means "redraw".
    std::size_t drain();

    void send(core::Bytes payload, core::SendTarget target);
    /// Streams a file to target (core reads it as the connection drains; the UI never holds it). Returns "" or
    /// why it cannot start (cannot read the file, already sending one, not open).
    std::string sendFile(const std::string& path, core::SendTarget target);
    /// Stops the file being sent after what is already queued.
    void cancelFileSend();
    /// While a file is being sent: bytes handed to the OS so far (over every destination) and what there is to send.
    struct FileProgress {
        std::uint64_t sent = 0;
        std::uint64_t total = 0;
    };
    [[nodiscard]] std::optional<FileProgress> fileProgress() const;

    /// Starts capturing to a file (creating the session if needed). A refusal is logged and shown as the last error.
    bool startCapture(const core::CaptureSpec& spec);
    void stopCapture();
    [[nodiscard]] bool capturing() const { return !m_capturePath.empty(); }
    [[nodiscard]] const std::string& capturePath() const { return m_capturePath; }
    void kick(core::ConnectionId id);

    core::SessionHistory& history() { return m_history; }
    ConnectionLog& log() { return m_log; }
    ReceiveView& receiveView() { return m_receiveView; }
    /// The traffic generator aimed at this session's remote (TCP clients, UDP sockets).
    GeneratorControl& generator() { return m_generator; }
    /// Starts the generator at the session's remote host and port; "" or why not.
    std::string startGenerator();
    /// Loss and jitter of numbered datagrams this UDP session received (a generator's); refreshed by drain().
    [[nodiscard]] const std::optional<core::SequenceStats>& sequenceStats() const { return m_sequence; }
    SendComposer& composer() { return m_composer; }
    /// The match rules as the Rules tab edits them (they are the settings' rules: they apply at the next open).
    RuleTable& ruleTable(); // checked against what the session now is (a proxy switched to UDP refuses close)
    /// The rules the live session runs (its hit counters count for these), nullptr before the first open.
    [[nodiscard]] const core::RuleSet* liveRules() const;
    /// Every event drained from now on is shown to `observer` first (a running sequence); nullptr ends it.
    void setEventObserver(std::function<void(const core::SessionEvent&)> observer) { m_observer = std::move(observer); }

    /// Counters since the last reset (the core's counters are never reset; this keeps a baseline).
    [[nodiscard]] core::TrafficSnapshot traffic() const;
    void resetCounters();
    [[nodiscard]] const TrafficRates& rates() const { return m_rates; }
    /// A server's clients, a UDP socket's peers; refreshed by drain() a few times a second.
    [[nodiscard]] const std::vector<core::PeerStats>& peers() const { return m_peers; }
    [[nodiscard]] std::uint64_t evictedRecords() const { return m_history.evictedRecords(); }
    /// The real local endpoint once listening / bound / connected (the real port when 0 was asked).
    [[nodiscard]] const std::optional<core::Endpoint>& localEndpoint() const { return m_localEndpoint; }
    /// The last error, for the status line; cleared by a successful open.
    [[nodiscard]] const std::string& lastError() const { return m_lastError; }

    /// What the panes remember between frames (selections, fields as typed, sizes); not persisted in core's spec.
    SessionUiState& ui() { return m_ui; }
    const SessionUiState& ui() const { return m_ui; }

    /// A repeat started from the send pane is sending (false once its count is sent, it stops, or the session closes).
    [[nodiscard]] bool repeating() const;
    /// The history records the receive view's filter matches, as text (escaped) or a hex dump, up to `limit` bytes.
    [[nodiscard]] std::string exportReceived(bool hex, std::size_t limit) const;
    /// Writes exportReceived(text) to target.path (never over an existing file without consent); sets target.message.
    void saveReceived(FileTarget& target) const;
    /// Every record of the history (not only the rows shown) as CSV, JSON Lines or pcapng, likewise.
    void saveHistoryAs(FileTarget& target, core::HistoryFileFormat format) const;
    /// Writes the connection log to target.path, likewise: as text, or as CSV (time, level, message).
    void saveLog(FileTarget& target) const;
    void saveLogCsv(FileTarget& target) const;
    /// The connection log as JSON Lines in socketeer-cli's shape for such lines: {"time", "event": "notice" (or
    /// "error"), "session", "message"}.
    void saveLogJsonLines(FileTarget& target) const;

private:
    bool m_holding[2] = {false, false}; // a proxy's Hold, c>s and s>c
    /// Refreshes the figures the panel shows (peers, sequence stats, counters, rates once a second): true when one
    /// changed. Counters move without events (a discarding session), and rates decay after traffic stops: the
    /// frame loop must redraw for those too, and only for those when all else is still.
    bool refreshFigures();

    const std::uint64_t m_uiId;
    core::SessionSpec m_spec;
    SessionUiState m_ui;
    RuleTable m_ruleTable;
    std::function<void(const core::SessionEvent&)> m_observer;
    std::function<void()> m_wake;
    std::unique_ptr<core::Session> m_session;
    core::SessionSpec m_openedWith; // the spec the live session was made from, to know when to remake it
    std::vector<core::SessionEvent> m_batch;
    core::SessionHistory m_history;
    ConnectionLog m_log;
    ReceiveView m_receiveView;
    SendComposer m_composer;
    core::TrafficSnapshot m_baseline;
    core::TrafficSnapshot m_lastSample;
    std::chrono::steady_clock::time_point m_lastSampleTime = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastPeersTime{};
    TrafficRates m_rates;
    /// What the panel showed at the last refresh, to tell a change.
    struct ShownFigures {
        core::TrafficSnapshot traffic;
        std::uint64_t framesPartial = 0, framesOversize = 0, framesMalformed = 0, checksGood = 0, checksBad = 0;
        bool repeating = false;
        bool operator==(const ShownFigures&) const = default;
    } m_shown;
    std::uint64_t m_loggedEvictedRecords = 0;
    std::optional<core::Endpoint> m_localEndpoint;
    std::string m_lastError;
    /// Follows the file being sent through its stream's events.
    void noteStreamEvent(const core::SessionEvent& event);
    struct FileSend {
        core::StreamId stream = 0;
        std::string path;
        FileProgress progress;
    };
    std::optional<FileSend> m_file;
    std::string m_capturePath;
    core::CaptureSpec m_captureSpec;
    std::chrono::steady_clock::time_point m_lastEvictionLog{};
    std::vector<core::PeerStats> m_peers;
    GeneratorControl m_generator;
    std::optional<core::SequenceStats> m_sequence;
};

} // namespace socketeer::app
