// PathChooser: one dialog at a time, its answer kept for the field that asked.
#include "path_chooser.hpp"

namespace socketeer::app {

bool PathChooser::choose(const std::string& key, FileDialogRequest request) {
    if (!available() || busy()) return false;
    if (!m_service->start(std::move(request))) return false;
    m_waitingKey = key;
    m_lastError.clear();
    m_errorKey.clear();
    m_droppedKey.clear();
    return true;
}

std::optional<std::string> PathChooser::take(const std::string& key) {
    if (m_answeredKey != key) return std::nullopt;
    m_answeredKey.clear();
    return std::move(m_answer);
}

bool PathChooser::poll() {
    if (!m_service || !busy()) return false;
    auto answer = m_service->poll();
    if (!answer) return false;
    m_lastError = answer->error;
    m_errorKey = m_waitingKey;
    if (!answer->path.empty() && m_droppedKey != m_waitingKey) {
        m_answeredKey = m_waitingKey;
        m_answer = std::move(answer->path);
    }
    m_waitingKey.clear();
    m_droppedKey.clear();
    return true;
}

void PathChooser::forget(const std::string& key) {
    if (m_answeredKey == key) m_answeredKey.clear();
    if (m_waitingKey == key) m_droppedKey = key;
    if (m_errorKey == key) m_errorKey.clear();
}

} // namespace socketeer::app
