// FramePacer: when the desktop app's loop draws. A few frames after any input or worker wake-up (popups and tab
// bars settle over two), then one whenever a figure the panel shows changed (rates decay for a second after traffic
// stops, counters move without events); nothing once all is still, so an idle app uses no CPU.
#pragma once

#include <cstddef>

namespace socketeer::app {

class FramePacer {
public:
    /// How long the loop may sleep waiting for input before its next pass (seconds).
    [[nodiscard]] double waitSeconds() const { return m_activeFrames > 0 ? 1.0 / 60.0 : 1.0; }

    /// After a pass: `woken` when input or a wake-up ended the wait early, `changes` as AppModel::drainAll returned
    /// (events taken plus figures changed). True: draw a frame now.
    bool shouldDraw(bool woken, std::size_t changes) {
        if (woken || changes > 0) {
            m_activeFrames = FramesAfterActivity;
            return true;
        }
        if (m_activeFrames == 0) return false;
        --m_activeFrames;
        return true;
    }

private:
    static constexpr int FramesAfterActivity = 3;
    int m_activeFrames = FramesAfterActivity;
};

} // namespace socketeer::app
