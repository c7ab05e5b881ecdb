// AppUi: menu bar, session tree, the selected session's panel (or the sequences), workspace open/save, hotkeys.
#include "app_ui.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "imgui_compat.hpp"
#include "layout.hpp"
#include "panes.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

AppUi::AppUi(app::AppModel& model) : m_model(model) {}

void AppUi::drawMenuBar() {
    if (!ImGui::BeginMenuBar()) return;
    const bool fileMenu = ImGui::BeginMenu("File");
    UiProbe::mark("menu/file");
    if (fileMenu) {
        if (ImGui::MenuItem("Open workspace...")) {
            m_pathAction = PathAction::OpenWorkspace;
            m_pathInput = m_model.workspacePath;
        }
        UiProbe::mark("menu/open");
        if (ImGui::MenuItem("Save workspace", nullptr, false, true)) {
            if (m_model.workspacePath.empty()) {
                m_pathAction = PathAction::SaveWorkspace;
                m_pathInput = configDir.empty() ? "workspace.json" : configDir + "/workspace.json";
            } else {
                const std::string error = m_model.saveWorkspace(m_model.workspacePath, true);
                if (!error.empty()) modalMessage = error;
            }
        }
        UiProbe::mark("menu/save");
        if (ImGui::MenuItem("Save workspace as...")) {
            m_pathAction = PathAction::SaveWorkspace;
            // Never saved: the same place Save proposes, not an empty path.
            m_pathInput = !m_model.workspacePath.empty() ? m_model.workspacePath
                          : configDir.empty()            ? "workspace.json"
                                                         : configDir + "/workspace.json";
        }
        UiProbe::mark("menu/save-as");
        if (ImGui::MenuItem("Import Packet Sender packets...")) {
            m_pathAction = PathAction::ImportPacketSender;
            m_pathInput.clear();
        }
        UiProbe::mark("menu/import-packetsender");
        ImGui::Separator();
        if (ImGui::MenuItem("Loopback demo")) m_model.addDemo();
        ImGui::Separator();
        if (ImGui::MenuItem("Quit")) m_quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Session")) {
        if (ImGui::MenuItem("New TCP server")) m_model.addSession(SessionKind::TcpServer);
        if (ImGui::MenuItem("New TCP client")) m_model.addSession(SessionKind::TcpClient);
        if (ImGui::MenuItem("New UDP socket")) m_model.addSession(SessionKind::Udp);
        if (ImGui::MenuItem("New multicast group")) m_model.addSession(SessionKind::Udp, true);
        if (ImGui::MenuItem("New proxy")) m_model.addSession(SessionKind::Proxy);
        ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
}

void AppUi::drawSessionTree(float width) {
    ImGui::BeginChild("##tree", ImVec2(width, 0), true);
    // Toolbar: one click to a new session of each kind.
    struct NewButton {
        const char* label;
        SessionKind kind;
        bool multicast;
        const char* probe;
    };
    const NewButton buttons[] = {{"+Server", SessionKind::TcpServer, false, "new-tcp-server"},
                                 {"+Client", SessionKind::TcpClient, false, "new-tcp-client"},
                                 {"+UDP", SessionKind::Udp, false, "new-udp"},
                                 {"+Group", SessionKind::Udp, true, "new-multicast"},
                                 {"+Proxy", SessionKind::Proxy, false, "new-proxy"}};
    WrapRow row; // two rows in a narrow tree rather than a button cut off
    for (const auto& button : buttons) {
        row.next(WrapRow::button(button.label));
        if (ImGui::SmallButton(button.label)) m_model.addSession(button.kind, button.multicast);
        UiProbe::mark(button.probe);
    }
    ImGui::Separator();

    struct Group {
        const char* title;
        SessionKind kind;
        bool multicast;
    };
    const Group groups[] = {{"TCP Servers", SessionKind::TcpServer, false},
                            {"TCP Clients", SessionKind::TcpClient, false},
                            {"UDP Sockets", SessionKind::Udp, false},
                            {"Multicast Groups", SessionKind::Udp, true},
                            {"Proxies", SessionKind::Proxy, false}};
    std::uint64_t removeId = 0;
    std::uint64_t duplicateId = 0;
    for (const auto& group : groups) {
        ImGui::SetNextItemOpen(true, ImGuiCond_Once);
        if (!ImGui::TreeNode(group.title)) continue;
        for (auto& session : m_model.sessions()) {
            if (session->kind() != group.kind || session->isMulticast() != group.multicast) continue;
            ImGui::PushID(static_cast<int>(session->uiId()));
            const bool open = session->isOpen();
            ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_SpanAvailWidth;
            if (m_model.selected == session->uiId()) flags |= ImGuiTreeNodeFlags_Selected;
            const auto& clients = session->peers();
            const bool hasChildren =
                (session->kind() == SessionKind::TcpServer || session->kind() == SessionKind::Proxy) && !clients.empty();
            if (!hasChildren) flags |= ImGuiTreeNodeFlags_Leaf;
            // Open sessions in green: the state at a glance, without glyphs the default font lacks.
            if (open) ImGui::PushStyleColor(ImGuiCol_Text, colour::Open);
            const bool expanded = ImGui::TreeNodeEx("##node", flags, "%s", session->name().c_str());
            if (open) ImGui::PopStyleColor();
            UiProbe::mark("tree/" + session->name());
            if (ImGui::IsItemClicked()) {
                m_model.selected = session->uiId();
                m_showSequences = false;
            }
            if (ImGui::BeginPopupContextItem("##context")) {
                if (ImGui::MenuItem("Duplicate")) duplicateId = session->uiId();
                if (ImGui::MenuItem(open ? "Close" : "Open")) open ? session->close() : session->open();
                if (ImGui::MenuItem("Delete")) removeId = session->uiId();
                ImGui::EndPopup();
            }
            if (expanded) {
                // Each accepted client is a child of its server.
                if (hasChildren)
                    for (const auto& client : clients) {
                        const std::string clientLabel = "#" + std::to_string(client.id) + " " + client.peer.toString();
                        const bool selected = m_model.selected == session->uiId() && session->ui().selectedPeer == client.id;
                        ImGui::PushID(static_cast<int>(client.id));
                        if (ImGui::Selectable(clientLabel.c_str(), selected)) {
                            m_model.selected = session->uiId();
                            m_showSequences = false;
                            session->ui().selectedPeer = client.id;
                        }
                        ImGui::PopID();
                    }
                ImGui::TreePop();
            }
            ImGui::PopID();
        }
        ImGui::TreePop();
    }
    ImGui::Separator();
    // The workspace's sequences: one entry, the panel lists them.
    const std::string sequences = "Sequences (" + std::to_string(m_model.sequences().entries().size()) + ")";
    if (ImGui::Selectable(sequences.c_str(), m_showSequences)) m_showSequences = true;
    UiProbe::mark("tree/sequences");
    if (duplicateId != 0)
        if (auto* session = m_model.find(duplicateId)) m_model.duplicate(*session);
    if (removeId != 0) m_model.remove(removeId);
    ImGui::EndChild();
    UiProbe::mark("tree");
}

void AppUi::drawPathPopup() {
    if (m_pathAction != PathAction::None && !ImGui::IsPopupOpen("Workspace file")) ImGui::OpenPopup("Workspace file");
    if (!ImGui::BeginPopupModal("Workspace file", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    const bool importing = m_pathAction == PathAction::ImportPacketSender;
    ImGui::TextUnformatted(importing ? "Import Packet Sender's exported packets (JSON) from:"
                           : m_pathAction == PathAction::OpenWorkspace ? "Open workspace from:"
                                                                       : "Save workspace to:");
    const bool open = m_pathAction == PathAction::OpenWorkspace || importing;
    // One field per action: an answer meant for Open never lands in the next Save.
    const std::string key = importing ? "workspace/import" : open ? "workspace/open" : "workspace/save";
    app::PathChooser& paths = m_model.paths();
    if (auto chosen = paths.take(key)) m_pathInput = std::move(*chosen);
    ImGui::SetNextItemWidth(em(width::Path));
    const bool entered = ImGui::InputText("##path", &m_pathInput, ImGuiInputTextFlags_EnterReturnsTrue);
    UiProbe::mark("path-input");
    if (paths.available()) {
        ImGui::SameLine();
        ImGui::BeginDisabled(paths.busy());
        if (ImGui::SmallButton(paths.waiting(key) ? "choosing..." : "browse..."))
            paths.choose(key, {open ? app::FileDialogKind::Open : app::FileDialogKind::Save,
                               importing ? "Import Packet Sender packets" : open ? "Open a workspace" : "Save the workspace",
                               m_pathInput});
        ImGui::EndDisabled();
        UiProbe::mark("path-browse");
    }
    if (const std::string error = paths.errorFor(key); !error.empty()) ImGui::TextColored(colour::Error, "%s", error.c_str());
    if (m_pathAction == PathAction::SaveWorkspace) {
        ImGui::Checkbox("replace an existing file", &m_replaceExisting);
        UiProbe::mark("path-replace");
    }
    const bool ok = ImGui::Button("OK") || entered;
    UiProbe::mark("path-ok");
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel");
    UiProbe::mark("path-cancel");
    if (ok) {
        if (importing) {
            modalMessage = m_model.importPacketSender(m_pathInput);
        } else if (m_pathAction == PathAction::OpenWorkspace) {
            modalMessage = m_model.openWorkspace(m_pathInput);
        } else {
            // Saving over the workspace that is open is what Save does; any other existing file needs consent.
            const bool overwrite = m_replaceExisting || m_pathInput == m_model.workspacePath;
            modalMessage = m_model.saveWorkspace(m_pathInput, overwrite);
        }
    }
    if (ok || cancel) {
        paths.forget(key);
        m_pathAction = PathAction::None;
        m_replaceExisting = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

/// Ctrl+F1 … Ctrl+F12 play the sequence bound to them, wherever the focus is, and bring the Sequences panel up.
void AppUi::runHotkeys() {
    if (!ImGui::GetIO().KeyCtrl) return;
    for (int n = 1; n <= 12; ++n) {
        if (!isFunctionKeyPressed(n - 1)) continue;
        const auto index = m_model.sequences().withHotkey(n);
        if (!index) continue;
        m_showSequences = true;
        m_sequencePanel.selected = *index;
        m_sequencePanel.message = m_model.sequences().run(*index, core::SequenceClock::now());
    }
}

void AppUi::draw() {
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("Socketeer", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_MenuBar |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
    UiProbe::beginText();
    drawMenuBar();
    const float treeWidth = std::min(em(width::SessionTree), io.DisplaySize.x * 0.3f);
    drawSessionTree(treeWidth);
    ImGui::SameLine();
    ImGui::BeginChild("##panel", ImVec2(0, 0), false);
    runHotkeys();
    if (m_showSequences) {
        drawSequencePanel(m_model, m_sequencePanel);
    } else if (auto* session = m_model.find(m_model.selected)) {
        drawSessionPanel(m_model, *session);
    } else {
        ImGui::TextUnformatted("No session yet. Create one with the buttons on the left, or start the demo:");
        if (ImGui::Button("Start the loopback demo (an echo server and a client)")) m_model.addDemo();
        UiProbe::mark("start-demo");
    }
    ImGui::EndChild();
    UiProbe::endText(); // before any popup: a popup's End() would end the capture
    drawPathPopup();
    if (!modalMessage.empty() && !ImGui::IsPopupOpen("Message")) ImGui::OpenPopup("Message");
    if (ImGui::BeginPopupModal("Message", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::TextUnformatted(modalMessage.c_str());
        const bool dismissed = ImGui::Button("OK");
        UiProbe::mark("message-ok");
        if (dismissed) {
            modalMessage.clear();
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    ImGui::End();
}

} // namespace socketeer::ui
