// Capture every byte to a file, from the session's worker: nothing is lost whatever the display drops.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "layout.hpp"
#include "panes.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

void drawCaptureControls(app::AppModel& model, app::SessionModel& session) {
    if (session.capturing()) {
        if (ImGui::SmallButton("stop capture")) session.stopCapture();
        UiProbe::mark("capture/stop");
        ImGui::SameLine();
        ImGui::TextDisabled("capturing to %s", session.capturePath().c_str());
        return;
    }
    if (ImGui::SmallButton("capture...")) ImGui::OpenPopup("##capture");
    UiProbe::mark("capture");
    if (!ImGui::BeginPopup("##capture")) return;
    app::SessionUiState& ui = session.ui();
    pathField(model.paths(), "capture/" + std::to_string(session.uiId()), "capture/path", "file", ui.capturePath,
              app::FileDialogKind::Save, "Capture to");
    ImGui::Checkbox("pcapng for Wireshark (both directions as packets, notices as comments)", &ui.capturePcapng);
    UiProbe::mark("capture/pcapng");
    if (!ui.capturePcapng) {
        ImGui::Checkbox("timestamped records of both directions (else raw received bytes)", &ui.captureRecords);
        UiProbe::mark("capture/records");
    }
    ImGui::Checkbox("replace an existing file", &ui.captureOverwrite);
    UiProbe::mark("capture/overwrite");
    const bool start = ImGui::Button("Start capture");
    UiProbe::mark("capture/start");
    if (start) {
        const CaptureFormat format = ui.capturePcapng    ? CaptureFormat::Pcapng
                                     : ui.captureRecords ? CaptureFormat::Records
                                                         : CaptureFormat::Raw;
        const CaptureSpec spec{ui.capturePath, format, true, format != CaptureFormat::Raw, ui.captureOverwrite};
        session.startCapture(spec); // a refusal (file exists, cannot open) lands in the status line and the log
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

} // namespace socketeer::ui
