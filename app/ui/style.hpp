// The app's colours and widths, in one place. Widths are in font units (em), so the layout scales with the font,
// which follows the monitor's scale (a laptop at 150 % gets a 1.5× font and 1.5× fields).
#pragma once

#include <imgui.h>

namespace socketeer::ui {

namespace colour {
inline const ImVec4 Error(1.00f, 0.45f, 0.40f, 1.0f);
inline const ImVec4 Warning(1.00f, 0.80f, 0.40f, 1.0f);
inline const ImVec4 Open(0.45f, 0.85f, 0.45f, 1.0f);        ///< an open session, a good checksum
inline const ImVec4 Received(0.55f, 0.80f, 1.00f, 1.0f);    ///< RX rows
inline const ImVec4 Sent(1.00f, 0.75f, 0.45f, 1.0f);        ///< TX rows, the pause notice
inline const ImVec4 Computed(0.95f, 0.80f, 0.35f, 1.0f);    ///< bytes a template token computed, in the preview
} // namespace colour

/// n font units as pixels (the font size is one unit).
inline float em(float n) { return n * ImGui::GetFontSize(); }

namespace width {
constexpr float Port = 6.5f;        ///< a port number field
constexpr float Number = 7.5f;      ///< a count, a timeout, a size
constexpr float ShortCombo = 8.5f;  ///< "UTF-8", "+ CR LF"
constexpr float Combo = 10.0f;      ///< presets, checksum names, directions, line endings
constexpr float Field = 13.0f;      ///< a host, an address
constexpr float Filter = 9.0f;      ///< a receive-pane filter (four fit on one row of a 900 px window)
constexpr float Template = 20.0f;   ///< a payload template in the settings
constexpr float Path = 28.0f;       ///< a file path in a popup
constexpr float SessionTree = 15.0f; ///< "#12 127.0.0.1:54321" under its server fits
} // namespace width

} // namespace socketeer::ui
