// "sequences": [{"name": "poll", "hex": false, "hotkey": "Ctrl+F1", "steps": ["send plc ...", {"step": "...",
// "hex": true}]}]. A string step's DATA is written as the sequence's "hex" says; an object may say otherwise.
#include "workspace/workspace_sequences.hpp"

#include <algorithm>

namespace socketeer::core {

using nlohmann::json;

void readSequences(WorkspaceReader& in, const json& root, Workspace& workspace) {
    if (in.failed() || !root.contains("sequences")) return;
    const json& list = root.at("sequences");
    if (!list.is_array()) return (void)in.fail("sequences", "expected a list");
    if (list.size() > in.limits().maxSequences)
        return (void)in.fail("sequences", std::to_string(list.size()) + " sequences is more than the " +
                                              std::to_string(in.limits().maxSequences) + " allowed");
    std::vector<std::string> sessionNames;
    for (const SessionSpec& spec : workspace.sessions) sessionNames.push_back(spec.name);
    const SequenceLimits sequenceLimits;
    for (std::size_t i = 0; !in.failed() && i < list.size(); ++i) {
        const std::string path = "sequences[" + std::to_string(i) + "]";
        const json& object = list[i];
        if (!in.expectObject(object, path) || !in.onlyKeys(object, path, {"name", "hex", "hotkey", "steps"})) return;
        std::string name, hotkey;
        bool hex = false;
        in.string(object, path, "name", name);
        in.boolean(object, path, "hex", hex);
        in.string(object, path, "hotkey", hotkey);
        if (in.failed()) return;
        if (name.empty()) return (void)in.fail(WorkspaceReader::join(path, "name"), "a sequence needs a name");
        for (const Sequence& earlier : workspace.sequences) {
            if (earlier.name == name)
                return (void)in.fail(WorkspaceReader::join(path, "name"), "another sequence is named '" + name + "'");
            if (!hotkey.empty() && earlier.hotkey == hotkey)
                return (void)in.fail(WorkspaceReader::join(path, "hotkey"), hotkey + " already runs sequence '" + earlier.name + "'");
        }
        if (!hotkey.empty() && sequenceHotkeyNumber(hotkey) == 0)
            return (void)in.fail(WorkspaceReader::join(path, "hotkey"), "'" + hotkey + "' is not Ctrl+F1 ... Ctrl+F12");
        const std::string stepsPath = WorkspaceReader::join(path, "steps");
        if (!object.contains("steps")) return (void)in.fail(stepsPath, "missing (a list of steps, one per line)");
        const json& steps = object.at("steps");
        if (!steps.is_array()) return (void)in.fail(stepsPath, "expected a list of steps");
        if (steps.size() > sequenceLimits.maxSteps)
            return (void)in.fail(stepsPath, "more than " + std::to_string(sequenceLimits.maxSteps) + " steps");
        std::vector<StepLine> lines;
        for (std::size_t j = 0; j < steps.size(); ++j) {
            const std::string stepPath = stepsPath + "[" + std::to_string(j) + "]";
            StepLine line{{}, hex ? PayloadSyntax::Hex : PayloadSyntax::Text};
            if (steps[j].is_string()) {
                in.stringValue(steps[j], stepPath, line.text);
            } else if (steps[j].is_object()) {
                bool stepHex = hex;
                if (!in.onlyKeys(steps[j], stepPath, {"step", "hex"})) return;
                if (!steps[j].contains("step")) return (void)in.fail(stepPath, "a step object needs \"step\": its text");
                in.string(steps[j], stepPath, "step", line.text);
                in.boolean(steps[j], stepPath, "hex", stepHex);
                line.syntax = stepHex ? PayloadSyntax::Hex : PayloadSyntax::Text;
            } else {
                return (void)in.fail(stepPath, "expected a step: \"TEXT\" or {\"step\": \"TEXT\", \"hex\": true}");
            }
            if (in.failed()) return;
            lines.push_back(std::move(line));
        }
        auto sequence = parseSequence(name, lines);
        if (!sequence) return (void)in.fail(path + " (" + name + ")", sequence.error().describe());
        if (const std::string error = checkSessions(sequence.value(), sessionNames); !error.empty())
            return (void)in.fail(path + " (" + name + ")", error);
        sequence.value().hotkey = hotkey;
        workspace.sequences.push_back(std::move(sequence).value());
    }
}

json sequencesJson(const std::vector<Sequence>& sequences) {
    json list = json::array();
    for (const Sequence& sequence : sequences) {
        const auto lines = sequence.lines();
        // All hex: the sequence says so once; otherwise each hex step says so itself.
        const bool allHex = !lines.empty() && std::all_of(lines.begin(), lines.end(), [](const StepLine& line) {
            return line.syntax == PayloadSyntax::Hex;
        });
        json steps = json::array();
        for (const StepLine& line : lines) {
            if (allHex || line.syntax == PayloadSyntax::Text) steps.push_back(line.text);
            else steps.push_back({{"step", line.text}, {"hex", true}});
        }
        json object = {{"name", sequence.name}, {"steps", std::move(steps)}};
        if (allHex) object["hex"] = true;
        if (!sequence.hotkey.empty()) object["hotkey"] = sequence.hotkey;
        list.push_back(std::move(object));
    }
    return list;
}

} // namespace socketeer::core
