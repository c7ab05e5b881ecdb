// JUnit XML of a sequence's run: one test case per step (comments, on-timeout lines and closing braces aside), the
// format CI systems (GitLab, Jenkins, GitHub's test reporters) display.
#pragma once

#include <chrono>
#include <string>

#include "socketeer/core/sequence/sequence_runner.hpp"

namespace socketeer::core {

/// A failed expect is a <failure>; a network or script error an <error> (on its step and the repeats around it); a
/// step never reached is <skipped>; an expect that timed out and went on passes with the reason in <system-out>.
/// `startedAt` is the run's wall time. `interruption` says why a run never started (one <error> case: "open the
/// sessions") or was cut short (an <error> on the step it was in: "--timeout reached").
[[nodiscard]] std::string junitReport(const SequenceRunner& runner, std::chrono::system_clock::time_point startedAt,
                                      SequenceClock::time_point now = SequenceClock::now(),
                                      const std::string& interruption = {});

} // namespace socketeer::core
