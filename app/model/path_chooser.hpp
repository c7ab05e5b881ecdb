// PathChooser: which path field asked the file dialog, and its answer when it comes. Fields are named by a key
// ("capture/3": the capture path of session 3) rather than by address: a session may be closed or its popup gone
// by the time the user has chosen, and the answer then waits for the field to be drawn again.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "file_dialog.hpp"

namespace socketeer::app {

class PathChooser {
public:
    void setService(std::unique_ptr<FileDialogService> service) { m_service = std::move(service); }
    /// A dialog can be offered (a service is set and has not shown it has none).
    [[nodiscard]] bool available() const { return m_service && m_service->available(); }
    /// Asks the dialog for `key`'s field. False (nothing starts) while another dialog is open.
    bool choose(const std::string& key, FileDialogRequest request);
    /// The field `key` is waiting for the dialog.
    [[nodiscard]] bool waiting(const std::string& key) const { return m_waitingKey == key; }
    [[nodiscard]] bool busy() const { return !m_waitingKey.empty(); }
    /// The path chosen for `key`, once; nullopt if none (yet, or the user cancelled).
    std::optional<std::string> take(const std::string& key);
    /// Why the last dialog `key` asked for could not be shown ("" for another field, or after a success).
    [[nodiscard]] std::string errorFor(const std::string& key) const { return key == m_errorKey ? m_lastError : std::string(); }
    /// The field is gone (its popup closed): an answer still to come, or not yet taken, is dropped.
    void forget(const std::string& key);
    /// Collects the service's answer; true when one arrived (worth a redraw). Call each loop pass.
    bool poll();

private:
    std::unique_ptr<FileDialogService> m_service;
    std::string m_waitingKey;
    std::string m_answeredKey;
    std::string m_answer;
    std::string m_lastError;
    std::string m_errorKey;
    std::string m_droppedKey; // the field that went away while its dialog was open: its answer is not kept
};

} // namespace socketeer::app
