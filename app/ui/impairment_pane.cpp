// A proxy's impairments: one column per direction, sliders that apply while it runs, Hold with the next message to
// release, edit or drop, and what they did so far.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "panes.hpp"
#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/units_format.hpp"
#include "style.hpp"
#include "ui_probe.hpp"

namespace socketeer::ui {

using namespace core;

namespace {

TrafficUnits unitsOf(const ProxyConfig& c, ProxyDirection d) {
    if (c.udp) return TrafficUnits::Datagrams;
    const FrameSpec& framing = d == ProxyDirection::ToServer ? c.framingToServer : c.framingToClient;
    return framing.enabled() ? TrafficUnits::Messages : TrafficUnits::Stream;
}

/// One direction's controls; returns true when the user changed something that can apply.
bool drawDirection(app::SessionModel& session, ProxyDirection d) {
    const ProxyConfig& config = session.spec().proxy;
    ImpairmentSettings s = d == ProxyDirection::ToServer ? config.toServer : config.toClient;
    const TrafficUnits units = unitsOf(config, d);
    const std::string tag(proxyDirectionTag(d));
    ImGui::PushID(tag.c_str());
    bool changed = false;
    const auto slider = [&](const char* label, const char* name, int& value, int max, const char* format) {
        ImGui::SetNextItemWidth(em(width::Template));
        changed |= ImGui::SliderInt(label, &value, 0, max, format, ImGuiSliderFlags_AlwaysClamp);
        UiProbe::mark("impair/" + tag + "/" + name);
    };
    const auto percent = [&](const char* label, const char* name, double& value) {
        float v = static_cast<float>(value);
        ImGui::SetNextItemWidth(em(width::Template));
        if (ImGui::SliderFloat(label, &v, 0.0f, 100.0f, "%.1f %%", ImGuiSliderFlags_AlwaysClamp)) {
            value = v;
            changed = true;
        }
        UiProbe::mark("impair/" + tag + "/" + name);
    };
    int delay = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(s.delay).count());
    int jitter = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(s.jitter).count());
    slider("delay", "delay", delay, 5000, "%d ms");
    slider("jitter", "jitter", jitter, 2000, "± %d ms");
    s.delay = std::chrono::milliseconds(delay);
    s.jitter = std::chrono::milliseconds(jitter);
    // Loss, duplication and reordering need messages: a TCP stream as read has none.
    ImGui::BeginDisabled(units == TrafficUnits::Stream);
    percent("loss", "loss", s.lossPercent);
    percent("duplicate", "duplicate", s.duplicatePercent);
    percent("reorder", "reorder", s.reorderPercent);
    ImGui::EndDisabled();
    if (units == TrafficUnits::Stream) ImGui::TextDisabled("loss, duplicates, reordering: set a framing for %s", tag.c_str());
    if (units != TrafficUnits::Datagrams) {
        int split = static_cast<int>(std::min<std::size_t>(s.splitBytes, 1 << 20));
        slider("split (bytes per write)", "split", split, 65536, split ? "%d B" : "off");
        s.splitBytes = static_cast<std::size_t>(split);
    }
    int rateKiB = static_cast<int>(std::min<std::uint64_t>(s.rateBytesPerSecond / 1024, 1 << 20));
    slider("rate (KiB/s)", "rate", rateKiB, 102400, rateKiB ? "%d KiB/s" : "unlimited");
    if (changed) s.rateBytesPerSecond = static_cast<std::uint64_t>(rateKiB) * 1024;
    if (changed && checkImpairment(s, units).empty()) session.setImpairment(d, s);
    ImGui::PopID();
    return changed;
}

/// Hold: the checkbox, and the first message held for one client, editable (text with escapes) before it goes.
void drawHold(app::SessionModel& session, ProxyDirection d, const std::vector<HeldMessages>& held) {
    const std::string tag(proxyDirectionTag(d));
    ImGui::PushID(("hold" + tag).c_str());
    bool hold = session.holding(d);
    if (ImGui::Checkbox("Hold (each message waits for you)", &hold)) session.setHold(d, hold);
    UiProbe::mark("impair/" + tag + "/hold");
    // The selected client's, else the first that holds something.
    const HeldMessages* shown = nullptr;
    for (const auto& h : held)
        if (h.direction == d && (!shown || h.id == session.ui().selectedPeer)) shown = &h;
    app::SessionUiState& ui = session.ui();
    std::string& draft = ui.heldDraft[d == ProxyDirection::ToServer ? 0 : 1];
    std::string& draftOf = ui.heldDraftOf[d == ProxyDirection::ToServer ? 0 : 1];
    if (shown) {
        const std::string original = formatEscaped(*shown->next);
        const std::string key = std::to_string(shown->id) + ":" + original;
        if (draftOf != key) {
            draftOf = key;
            draft = original; // a new message at the front: start from its bytes
        }
        ImGui::Text("client #%llu: %zu held; the next, %zu bytes:", static_cast<unsigned long long>(shown->id),
                    shown->waiting, shown->next->size());
        ImGui::SetNextItemWidth(em(width::Template));
        ImGui::InputText("##next", &draft);
        UiProbe::mark("impair/" + tag + "/next");
        auto parsed = parseEscaped(draft);
        if (!parsed) ImGui::TextColored(colour::Error, "%s", parsed.error().describe().c_str());
        ImGui::BeginDisabled(!parsed);
        if (ImGui::SmallButton(draft == original ? "Release" : "Release edited")) {
            session.releaseHeld(shown->id, d, draft == original ? std::nullopt : std::optional<Bytes>(parsed.value()));
            draftOf.clear();
        }
        ImGui::EndDisabled();
        UiProbe::mark("impair/" + tag + "/release");
        ImGui::SameLine();
        if (ImGui::SmallButton("Drop")) {
            session.dropHeld(shown->id, d);
            draftOf.clear();
        }
        UiProbe::mark("impair/" + tag + "/drop");
    } else if (hold) {
        ImGui::TextDisabled("nothing held yet");
    }
    ImGui::PopID();
}

void drawTally(const char* title, const ImpairmentTally& t, const RuleTally* rules) {
    ImGui::TextUnformatted(title);
    ImGui::Text("in %llu (%s), out %llu in %llu writes", static_cast<unsigned long long>(t.unitsIn),
                formatByteCount(t.bytesIn).c_str(), static_cast<unsigned long long>(t.unitsOut),
                static_cast<unsigned long long>(t.writesOut));
    ImGui::Text("dropped %llu, duplicated %llu, reordered %llu, delayed %llu", static_cast<unsigned long long>(t.dropped),
                static_cast<unsigned long long>(t.duplicated), static_cast<unsigned long long>(t.reordered),
                static_cast<unsigned long long>(t.delayed));
    if (rules) // what the Rules tab's rules did before the impairments saw it
        ImGui::Text("rules: matched %llu, rewrote %llu, dropped %llu, replied %llu", static_cast<unsigned long long>(rules->matched),
                    static_cast<unsigned long long>(rules->rewritten), static_cast<unsigned long long>(rules->dropped),
                    static_cast<unsigned long long>(rules->replies));
}

} // namespace

void drawImpairmentPane(app::SessionModel& session) {
    ImGui::TextDisabled("Changes apply at once to every client (what is already on its way keeps its own); seed %llu.",
                        static_cast<unsigned long long>(session.spec().proxy.seed));
    const ProxyTallies tallies = session.proxyTallies();
    const bool rules = !session.spec().proxy.rules.empty();
    const std::vector<HeldMessages> held = session.heldMessages();
    if (ImGui::BeginTable("##impairments", 2, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableSetupColumn("c>s (client to target)");
        ImGui::TableSetupColumn("s>c (target to client)");
        ImGui::TableHeadersRow();
        ImGui::TableNextColumn();
        drawDirection(session, ProxyDirection::ToServer);
        drawHold(session, ProxyDirection::ToServer, held);
        ImGui::Separator();
        drawTally("c>s so far", tallies.toServer, rules ? &tallies.rulesToServer : nullptr);
        UiProbe::mark("impair/c>s/tally");
        ImGui::TableNextColumn();
        drawDirection(session, ProxyDirection::ToClient);
        drawHold(session, ProxyDirection::ToClient, held);
        ImGui::Separator();
        drawTally("s>c so far", tallies.toClient, rules ? &tallies.rulesToClient : nullptr);
        UiProbe::mark("impair/s>c/tally");
        ImGui::EndTable();
    }
}

} // namespace socketeer::ui
