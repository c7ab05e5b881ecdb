// AppModel: session list and workspace.
#include "app_model.hpp"

#include <algorithm>

#include "socketeer/core/workspace/packet_sender_import.hpp"

namespace socketeer::app {

using namespace core;

AppModel::AppModel(std::function<void()> wake)
    : m_wake(std::move(wake)), m_sequences([this](const std::string& name) { return findByName(name); },
                                           [this] {
                                               std::vector<std::string> names;
                                               for (const auto& session : m_sessions) names.push_back(session->name());
                                               return names;
                                           }) {}

SessionModel* AppModel::findByName(const std::string& name) {
    for (auto& session : m_sessions)
        if (session->name() == name) return session.get();
    return nullptr;
}

double AppModel::secondsToNextDeadline(double otherwise) const {
    if (!m_sequences.anyPlaying()) return otherwise;
    otherwise = std::min(otherwise, 0.1); // a playing sequence's elapsed time is shown ten times a second
    const auto due = m_sequences.nextDeadline();
    if (due == SequenceBook::Clock::time_point::max()) return otherwise;
    const double seconds = std::chrono::duration<double>(due - SequenceBook::Clock::now()).count();
    return std::clamp(seconds, 0.0, otherwise);
}

std::string AppModel::nextName(SessionKind kind, bool multicast) const {
    const std::string base = multicast ? "Multicast Group"
                             : kind == SessionKind::TcpServer ? "TCP Server"
                             : kind == SessionKind::TcpClient ? "TCP Client"
                             : kind == SessionKind::Proxy     ? "Proxy"
                                                              : "UDP Socket";
    for (int n = 1;; ++n) {
        const std::string name = base + " " + std::to_string(n);
        if (std::none_of(m_sessions.begin(), m_sessions.end(), [&](const auto& s) { return s->name() == name; })) return name;
    }
}

SessionModel& AppModel::addSession(SessionSpec spec) {
    m_sessions.push_back(std::make_unique<SessionModel>(m_nextUiId++, std::move(spec), m_wake));
    SessionModel& session = *m_sessions.back();
    // A playing sequence sees every message of every session, in the order they were drained.
    session.setEventObserver([this, &session](const SessionEvent& event) { m_sequences.onEvent(session.name(), event); });
    selected = session.uiId();
    return session;
}

SessionModel& AppModel::addSession(SessionKind kind, bool multicast) {
    SessionSpec spec;
    spec.kind = kind;
    spec.name = nextName(kind, multicast);
    spec.openOnLoad = false;
    switch (kind) {
    case SessionKind::TcpServer: spec.tcpServer.port = 0; break;
    case SessionKind::TcpClient:
        spec.tcpClient.host = "127.0.0.1";
        spec.tcpClient.port = 7;
        break;
    case SessionKind::Udp:
        if (multicast) {
            spec.udp.multicast.groups = {"239.255.0.1"};
            spec.udp.port = 5000;
        }
        break;
    case SessionKind::Proxy:
        spec.proxy.listenPort = 0;
        spec.proxy.targetHost = "127.0.0.1";
        spec.proxy.targetPort = 7;
        break;
    }
    return addSession(std::move(spec));
}

SessionModel& AppModel::duplicate(const SessionModel& original) {
    SessionSpec spec = original.spec();
    spec.name = original.name() + " copy";
    return addSession(std::move(spec));
}

void AppModel::remove(std::uint64_t uiId) {
    auto it = std::find_if(m_sessions.begin(), m_sessions.end(), [&](const auto& s) { return s->uiId() == uiId; });
    if (it == m_sessions.end()) return;
    m_sessions.erase(it); // destroying the session closes it and joins its worker
    if (selected == uiId) selected = m_sessions.empty() ? 0 : m_sessions.back()->uiId();
}

SessionModel* AppModel::find(std::uint64_t uiId) {
    for (auto& session : m_sessions)
        if (session->uiId() == uiId) return session.get();
    return nullptr;
}

std::size_t AppModel::drainAll() {
    std::size_t total = 0;
    for (auto& session : m_sessions) total += session->drain();
    // A step ended, or one is playing (its elapsed time moves): redraw.
    if (m_sequences.advance(SequenceBook::Clock::now()) || m_sequences.anyPlaying()) ++total;
    if (m_pendingDemo.server != 0) continueDemo();
    if (m_paths.poll()) ++total; // a dialog answered: its field changes
    return total;
}

void AppModel::continueDemo() {
    SessionModel* server = find(m_pendingDemo.server);
    SessionModel* client = find(m_pendingDemo.client);
    if (!server || !client) {
        m_pendingDemo = {};
        return;
    }
    if (!m_pendingDemo.clientOpened) {
        if (!server->localEndpoint()) return;
        client->spec().tcpClient.port = server->localEndpoint()->port;
        client->open();
        m_pendingDemo.clientOpened = true;
        return;
    }
    if (client->localEndpoint() && client->state() == SessionState::Open) {
        if (const auto& preview = client->composer().preview(); preview.bytes) client->send(*preview.bytes, {});
        m_pendingDemo = {};
    }
}

void AppModel::addDemo() {
    SessionSpec server;
    server.name = "Demo echo server";
    server.kind = SessionKind::TcpServer;
    server.tcpServer.bindAddress = "127.0.0.1";
    server.tcpServer.autoReply.mode = ReplyMode::PrefixedEcho;
    server.tcpServer.autoReply.prefix = PayloadTemplate::parse("[{time}] echo: ", PayloadSyntax::Text).value();
    server.tcpServer.autoReply.welcome = PayloadTemplate::parse("Welcome to the Socketeer demo, {peer}!\\r\\n", PayloadSyntax::Text).value();
    SessionModel& echo = addSession(server);
    echo.open();
    // The client learns the server's real port from its first event; the app connects it once that arrives.
    SessionSpec client;
    client.name = "Demo client";
    client.kind = SessionKind::TcpClient;
    client.tcpClient.host = "127.0.0.1";
    client.tcpClient.port = 0;
    SessionModel& demoClient = addSession(client);
    demoClient.composer().text = "hello from the demo client\\r\\n";
    m_pendingDemo = {echo.uiId(), demoClient.uiId(), false};
}

Workspace AppModel::toWorkspace() const {
    Workspace workspace;
    for (const auto& session : m_sessions) {
        SessionSpec spec = session->spec();
        spec.openOnLoad = session->isOpen();
        workspace.sessions.push_back(std::move(spec));
    }
    workspace.payloads = payloads;
    (void)m_sequences.collect(workspace.sequences); // saveWorkspace refuses when one does not parse
    for (std::size_t i = 0; i < m_sessions.size(); ++i)
        if (m_sessions[i]->uiId() == selected) workspace.frontEnd.selectedSession = i;
    return workspace;
}

void AppModel::loadWorkspace(const Workspace& workspace) {
    m_sessions.clear();
    selected = 0;
    for (const auto& spec : workspace.sessions) {
        SessionModel& session = addSession(spec);
        if (spec.openOnLoad) session.open();
    }
    payloads = workspace.payloads;
    m_sequences.load(workspace.sequences);
    // The session that was in front when the workspace was saved comes back in front.
    const std::size_t front = workspace.frontEnd.selectedSession.value_or(0);
    if (!m_sessions.empty()) selected = m_sessions[std::min(front, m_sessions.size() - 1)]->uiId();
}

std::string AppModel::openWorkspace(const std::string& path) {
    auto loaded = core::loadWorkspaceFile(path);
    if (!loaded) return loaded.error().describe();
    loadWorkspace(loaded.value());
    workspacePath = path;
    return {};
}

std::string AppModel::importPacketSender(const std::string& path) {
    auto imported = core::importPacketSenderFile(path);
    if (!imported) return imported.error().describe();
    core::PacketSenderImport& result = imported.value();
    std::vector<std::string> notes = std::move(result.notes);
    // A session for the same protocol and target is there already (an earlier import): its payloads go to it. What
    // goes past a workspace's limits is left out, or the workspace could not be loaded again once saved.
    const WorkspaceLimits limits;
    std::size_t added = 0, payloadsAdded = 0;
    std::vector<std::string> sessionsLeftOut;
    for (auto& spec : result.workspace.sessions) {
        const bool present = std::any_of(m_sessions.begin(), m_sessions.end(),
                                         [&](const auto& session) { return session->name() == spec.name; });
        if (present) continue;
        if (m_sessions.size() >= limits.maxSessions) {
            sessionsLeftOut.push_back(spec.name);
            continue;
        }
        addSession(spec);
        ++added;
    }
    for (auto& payload : result.workspace.payloads) {
        const bool orphan = std::find(sessionsLeftOut.begin(), sessionsLeftOut.end(), payload.session) != sessionsLeftOut.end();
        if (orphan || payloads.size() >= limits.maxPayloads) {
            notes.push_back("payload '" + payload.name + "' left out: a workspace holds at most " +
                            (orphan ? std::to_string(limits.maxSessions) + " sessions" : std::to_string(limits.maxPayloads) + " payloads"));
            continue;
        }
        const auto taken = [&](const std::string& name) {
            return std::any_of(payloads.begin(), payloads.end(), [&](const auto& p) { return p.name == name; });
        };
        if (taken(payload.name)) {
            std::string unique;
            for (int n = 2; unique.empty() || taken(unique); ++n) unique = payload.name + " (" + std::to_string(n) + ")";
            notes.push_back("payload '" + payload.name + "' is already saved here: this one is '" + unique + "'");
            payload.name = unique;
        }
        payloads.push_back(std::move(payload));
        ++payloadsAdded;
    }
    std::string report = "imported " + std::to_string(payloadsAdded) + " of " +
                         std::to_string(result.packetsRead) + " packets from " + path + " (" + std::to_string(added) +
                         " new client sessions, not opened)";
    for (const auto& note : notes) report += "\n- " + note;
    return report;
}

std::string AppModel::saveWorkspace(const std::string& path, bool overwrite) {
    std::vector<Sequence> sequences;
    if (std::string error = m_sequences.collect(sequences); !error.empty()) return "not saved: " + error;
    std::string error = core::saveWorkspaceFile(path, toWorkspace(), overwrite);
    if (error.empty()) workspacePath = path;
    return error;
}

} // namespace socketeer::app
