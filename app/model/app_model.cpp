// AppModel: session list and workspace.
#include "app_model.hpp"

#include <algorithm>

namespace socketeer::app {

using namespace core;

AppModel::AppModel(std::function<void()> wake) : m_wake(std::move(wake)) {}

std::string AppModel::nextName(SessionKind kind, bool multicast) const {
    const std::string base = multicast ? "Multicast Group"
                             : kind == SessionKind::TcpServer ? "TCP Server"
                             : kind == SessionKind::TcpClient ? "TCP Client"
                                                              : "UDP Socket";
    for (int n = 1;; ++n) {
        const std::string name = base + " " + std::to_string(n);
        if (std::none_of(m_sessions.begin(), m_sessions.end(), [&](const auto& s) { return s->name() == name; })) return name;
    }
}

SessionModel& AppModel::addSession(SessionSpec spec) {
    m_sessions.push_back(std::make_unique<SessionModel>(m_nextUiId++, std::move(spec), m_wake));
    selected = m_sessions.back()->uiId();
    return *m_sessions.back();
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

std::string AppModel::saveWorkspace(const std::string& path, bool overwrite) {
    std::string error = core::saveWorkspaceFile(path, toWorkspace(), overwrite);
    if (error.empty()) workspacePath = path;
    return error;
}

} // namespace socketeer::app
