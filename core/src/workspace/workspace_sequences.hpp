// A workspace's "sequences": read (each step parsed, every session it names checked) and written back.
#pragma once

#include <nlohmann/json.hpp>

#include "workspace/workspace_reader.hpp"

namespace socketeer::core {

/// Reads root["sequences"] into workspace.sequences; workspace.sessions must be read already.
void readSequences(WorkspaceReader& in, const nlohmann::json& root, Workspace& workspace);
nlohmann::json sequencesJson(const std::vector<Sequence>& sequences);

} // namespace socketeer::core
