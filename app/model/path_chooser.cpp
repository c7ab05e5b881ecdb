// PathChooser: one dialog at a time, its answer kept for the field that asked.
#include "path_chooser.hpp"

namespace socketeer::app {

bool PathChooser::choose(const std::string& key, FileDialogRequest request) {
    if (!available() || busy()) return false;
    if (!m_service->start(std::move(request))) return false;
    m_waitingKey = key;
    m_lastError.clear();
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
    if (!answer->path.empty()) {
        m_answeredKey = m_waitingKey;
        m_answer = std::move(answer->path);
    }
    m_waitingKey.clear();
    return true;
}

} // namespace socketeer::app
