// SequenceBook: scripts to sequences and back, and the host each playing sequence sends through: the session's
// model, after checking that the session can take it (open, connected, a server with a client).
#include "sequence_book.hpp"

#include <algorithm>
#include <cstdio>

#include "session_model.hpp"
#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/units_format.hpp"

namespace socketeer::app {

using namespace core;

namespace {

std::vector<std::string> splitLines(const std::string& script) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = script.find('\n', start);
        std::string line = script.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (lines.size() > 1 && lines.back().empty()) lines.pop_back(); // the newline after the last step
    return lines;
}


} // namespace

struct SequenceEntry::Host : SequenceHost {
    Host(const SequenceBook::SessionFinder& find, std::function<void(std::string)> say) : m_find(find), m_say(std::move(say)) {}

    std::string send(const std::string& name, Bytes bytes) override {
        SessionModel* session = m_find(name);
        if (!session) return "no session is named '" + name + "'";
        if (session->state() != SessionState::Open || !session->session())
            return "'" + name + "' is not " + (session->kind() == SessionKind::TcpClient ? "connected" : "open");
        if (session->kind() == SessionKind::TcpServer && session->session()->peers().empty())
            return "'" + name + "' has no client connected";
        session->session()->send(std::move(bytes)); // not through the send pane: its history stays the user's
        return {};
    }
    std::uint64_t nextCounter(const std::string& name) override {
        SessionModel* session = m_find(name);
        return session && session->session() ? session->session()->nextPayloadCounter() : 1;
    }
    void log(std::string_view text) override { m_say(formatEscaped(toBytes(text))); }

private:
    const SequenceBook::SessionFinder& m_find;
    std::function<void(std::string)> m_say;
};

SequenceBook::SequenceBook(SessionFinder find, std::function<std::vector<std::string>()> names)
    : m_find(std::move(find)), m_names(std::move(names)) {}

SequenceBook::~SequenceBook() = default;

void SequenceBook::say(SequenceEntry& entry, std::string line) const {
    entry.log.push_back(std::move(line));
    while (entry.log.size() > MaxLogLines) entry.log.pop_front();
}

void SequenceBook::reparse(SequenceEntry& entry) const {
    std::vector<StepLine> lines = entry.mixedLines;
    if (!entry.mixedSyntax)
        for (std::string& text : splitLines(entry.script))
            lines.push_back({std::move(text), entry.hex ? PayloadSyntax::Hex : PayloadSyntax::Text});
    auto parsed = parseSequence(entry.name, lines);
    entry.sequence.reset();
    entry.error.clear();
    if (!parsed) {
        entry.error = parsed.error().describe();
        return;
    }
    entry.error = checkSessions(parsed.value(), m_names());
    if (!entry.error.empty()) return;
    parsed.value().hotkey = entry.hotkey;
    entry.sequence = std::move(parsed).value();
}

std::size_t SequenceBook::add() {
    auto entry = std::make_unique<SequenceEntry>();
    for (int n = 1;; ++n) {
        entry->name = "Sequence " + std::to_string(n);
        if (std::none_of(m_entries.begin(), m_entries.end(), [&](const auto& e) { return e->name == entry->name; })) break;
    }
    entry->script = "# send SESSION DATA, expect SESSION MATCHER within MS, delay MS, repeat N { ... }, set, log\n";
    reparse(*entry);
    m_entries.push_back(std::move(entry));
    return m_entries.size() - 1;
}

void SequenceBook::remove(std::size_t index) {
    if (index < m_entries.size()) m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(index));
}

void SequenceBook::load(const std::vector<Sequence>& sequences) {
    m_entries.clear();
    for (const Sequence& sequence : sequences) {
        auto entry = std::make_unique<SequenceEntry>();
        entry->name = sequence.name;
        entry->hotkey = sequence.hotkey;
        const auto lines = sequence.lines();
        const bool anyHex = std::any_of(lines.begin(), lines.end(), [](const StepLine& l) { return l.syntax == PayloadSyntax::Hex; });
        const bool allHex = !lines.empty() && std::all_of(lines.begin(), lines.end(), [](const StepLine& l) { return l.syntax == PayloadSyntax::Hex; });
        entry->hex = allHex;
        entry->mixedSyntax = anyHex && !allHex;
        if (entry->mixedSyntax) entry->mixedLines = lines;
        for (std::size_t i = 0; i < lines.size(); ++i) entry->script += (i ? "\n" : "") + lines[i].text;
        reparse(*entry);
        m_entries.push_back(std::move(entry));
    }
}

std::string SequenceBook::collect(std::vector<Sequence>& out) const {
    out.clear();
    for (const auto& entry : m_entries) {
        reparse(*entry); // against the sessions as they are named now
        if (!entry->sequence) return "sequence '" + entry->name + "': " + entry->error;
        for (const Sequence& earlier : out)
            if (earlier.name == entry->name) return "two sequences are named '" + entry->name + "'";
        out.push_back(*entry->sequence);
    }
    return {};
}

void SequenceBook::setScript(std::size_t index, std::string script) {
    if (index >= m_entries.size() || m_entries[index]->mixedSyntax) return;
    m_entries[index]->script = std::move(script);
    reparse(*m_entries[index]);
}

void SequenceBook::setHex(std::size_t index, bool hex) {
    if (index >= m_entries.size() || m_entries[index]->mixedSyntax) return;
    m_entries[index]->hex = hex;
    reparse(*m_entries[index]);
}

void SequenceBook::rename(std::size_t index, std::string name) {
    if (index >= m_entries.size() || name.empty()) return;
    m_entries[index]->name = std::move(name);
    reparse(*m_entries[index]);
}

std::string SequenceBook::setHotkey(std::size_t index, std::string hotkey) {
    if (index >= m_entries.size()) return {};
    if (!hotkey.empty()) {
        if (sequenceHotkeyNumber(hotkey) == 0) return "'" + hotkey + "' is not Ctrl+F1 ... Ctrl+F12";
        for (std::size_t i = 0; i < m_entries.size(); ++i)
            if (i != index && m_entries[i]->hotkey == hotkey) return hotkey + " already runs '" + m_entries[i]->name + "'";
    }
    m_entries[index]->hotkey = std::move(hotkey);
    reparse(*m_entries[index]);
    return {};
}

std::string SequenceBook::run(std::size_t index, Clock::time_point now, bool stepping) {
    if (index >= m_entries.size()) return "no such sequence";
    SequenceEntry& entry = *m_entries[index];
    if (entry.runner && entry.runner->active()) return "'" + entry.name + "' is already playing";
    reparse(entry); // sessions may have been renamed since it was typed
    if (!entry.sequence) return entry.error;
    entry.host = std::make_unique<SequenceEntry::Host>(m_find, [this, &entry](std::string line) { say(entry, std::move(line)); });
    entry.runner = std::make_unique<SequenceRunner>(*entry.sequence);
    entry.outcomeSaid = false;
    say(entry, "started" + std::string(stepping ? ", stepping" : ""));
    entry.runner->start(*entry.host, now, stepping);
    advance(now);
    return {};
}

void SequenceBook::stop(std::size_t index, Clock::time_point now) {
    if (index >= m_entries.size() || !m_entries[index]->runner) return;
    SequenceEntry& entry = *m_entries[index];
    if (!entry.runner->active()) return;
    entry.runner->stop(now);
    entry.outcomeSaid = true;
    say(entry, "stopped at " + entry.runner->sequence().describeStep(entry.runner->currentStep()));
}

void SequenceBook::step(std::size_t index) {
    if (index < m_entries.size() && m_entries[index]->runner) m_entries[index]->runner->step();
}

void SequenceBook::resume(std::size_t index) {
    if (index < m_entries.size() && m_entries[index]->runner) m_entries[index]->runner->resume();
}

std::optional<std::size_t> SequenceBook::withHotkey(int number) const {
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        if (!m_entries[i]->hotkey.empty() && sequenceHotkeyNumber(m_entries[i]->hotkey) == number) return i;
    return std::nullopt;
}

void SequenceBook::onEvent(const std::string& session, const SessionEvent& event) {
    for (auto& entry : m_entries) {
        if (!entry->runner || !entry->runner->active()) continue;
        if (const auto* data = std::get_if<EventData>(&event.body); data && data->direction == Direction::Rx && data->bytes)
            entry->runner->onMessage(session, *data->bytes);
        else if (const auto* rejected = std::get_if<EventSendRejected>(&event.body))
            entry->runner->onSendFailed(session, rejected->reason);
    }
}

bool SequenceBook::advance(Clock::time_point now) {
    bool changed = false;
    m_nextDeadline = Clock::time_point::max();
    for (auto& entry : m_entries) {
        SequenceRunner* runner = entry->runner.get();
        if (!runner || entry->outcomeSaid) continue;
        const std::size_t step = runner->currentStep();
        const RunState state = runner->state();
        const auto wake = runner->advance(now);
        changed = changed || step != runner->currentStep() || state != runner->state();
        if (runner->active()) {
            m_nextDeadline = std::min(m_nextDeadline, wake);
            continue;
        }
        entry->outcomeSaid = true;
        changed = true;
        if (runner->state() == RunState::Passed) say(*entry, "passed in " + formatSeconds(runner->elapsed(now)));
        else say(*entry, std::string(runStateName(runner->state())) + ": " + runner->failure());
    }
    return changed;
}

bool SequenceBook::anyPlaying() const {
    return std::any_of(m_entries.begin(), m_entries.end(), [](const auto& e) { return e->runner && e->runner->active(); });
}

} // namespace socketeer::app
