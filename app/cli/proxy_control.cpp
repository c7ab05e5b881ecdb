// ProxyControl: a control line split into its words, checked as the command line's options are, and applied to
// the running proxy; the reader thread that feeds the lines.
#include "proxy_control.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <thread>
#include <vector>

#include "inbox.hpp"
#include "proxy_options.hpp"
#include "socketeer/core/codec/escape_codec.hpp"
#include "socketeer/core/codec/hex_codec.hpp"
#include "socketeer/core/units_format.hpp"

namespace socketeer::cli {

namespace {

using core::ProxyDirection;

constexpr std::string_view Commands = "delay, jitter, loss, duplicate, reorder, split, rate, hold, flow, release, drop, "
                                      "held, show, help";
constexpr std::size_t MaxQueuedLines = 1000;
constexpr std::size_t MaxLineBytes = 64u << 10;

/// The words of `text` and where each begins: "release 1 c2s DATA" keeps DATA (the rest of the line) as it is.
struct Words {
    std::vector<std::string_view> words;
    std::vector<std::size_t> starts;
};
Words split(std::string_view text) {
    Words out;
    for (std::size_t i = 0; i < text.size();) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i >= text.size()) break;
        const std::size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
        out.words.push_back(text.substr(start, i - start));
        out.starts.push_back(start);
    }
    return out;
}

std::optional<ProxyDirection> directionNamed(std::string_view word) {
    if (word == "c2s" || word == "c>s") return ProxyDirection::ToServer;
    if (word == "s2c" || word == "s>c") return ProxyDirection::ToClient;
    return std::nullopt;
}

/// "c2s", "s2c", or none for both: the directions a hold or flow names.
std::optional<std::vector<ProxyDirection>> directionsNamed(const Words& w) {
    if (w.words.size() == 1) return std::vector{ProxyDirection::ToServer, ProxyDirection::ToClient};
    if (w.words.size() == 2)
        if (auto d = directionNamed(w.words[1])) return std::vector{*d};
    return std::nullopt;
}

ProxyControl::Reply refused(std::string text) { return {false, std::move(text)}; }

std::string tallyLine(const char* tag, const core::ImpairmentTally& d, const core::RuleTally* r) {
    std::string text = std::string(tag) + ": " + std::to_string(d.unitsIn) + " in (" + core::formatByteCount(d.bytesIn) + "), " +
                       std::to_string(d.unitsOut) + " out, " + std::to_string(d.dropped) + " dropped, " +
                       std::to_string(d.duplicated) + " duplicated, " + std::to_string(d.reordered) + " reordered, " +
                       std::to_string(d.delayed) + " delayed";
    if (r)
        text += "; rules matched " + std::to_string(r->matched) + ", rewrote " + std::to_string(r->rewritten) + ", dropped " +
                std::to_string(r->dropped) + ", replied " + std::to_string(r->replies);
    return text;
}

} // namespace

ProxyControl::ProxyControl(core::Proxy& proxy, bool hex, core::TextEncoding encoding)
    : m_proxy(proxy), m_hex(hex), m_encoding(encoding), m_toServer(proxy.config().toServer),
      m_toClient(proxy.config().toClient) {}

ProxyControl::Reply ProxyControl::apply(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const Words w = split(line);
    if (w.words.empty() || w.words[0].front() == '#') return {true, {}};
    std::string_view command = w.words[0];
    if (command.starts_with("--")) command.remove_prefix(2);
    if (command == "delay" || command == "jitter" || command == "loss" || command == "duplicate" || command == "reorder" ||
        command == "split" || command == "rate") {
        if (w.words.size() != 2) return refused(std::string(command) + " needs one [c2s:|s2c:]VALUE");
        return impairment(command, std::string(w.words[1]));
    }
    if (command == "hold" || command == "flow") {
        const auto directions = directionsNamed(w);
        if (!directions) return refused(std::string(command) + " takes c2s, s2c, or nothing for both");
        for (ProxyDirection d : *directions) m_proxy.setHold(d, command == "hold");
        return {true, command == "hold" ? "holding" : "flowing"};
    }
    if (command == "release" || command == "drop") {
        if (w.words.size() < 3 || (command == "drop" && w.words.size() != 3))
            return refused(std::string(command) + " needs the client's number and c2s or s2c" +
                           (command == "release" ? " (then, to send other bytes in its place, DATA)" : ""));
        core::ConnectionId id = 0;
        const auto [end, ec] = std::from_chars(w.words[1].data(), w.words[1].data() + w.words[1].size(), id);
        if (ec != std::errc{} || end != w.words[1].data() + w.words[1].size() || id == 0)
            return refused("'" + std::string(w.words[1]) + "' is not a client's number (the #N of its events)");
        const auto direction = directionNamed(w.words[2]);
        if (!direction) return refused("'" + std::string(w.words[2]) + "' is not c2s or s2c");
        if (command == "drop") {
            m_proxy.dropHeld(id, *direction);
            return {true, "dropping the next held message of #" + std::to_string(id)};
        }
        std::optional<core::Bytes> replacement;
        if (w.words.size() > 3) {
            const std::size_t at = w.starts[3];
            const std::string_view data = line.substr(at);
            auto bytes = m_hex ? core::parseHex(data) : core::parseEscaped(data, m_encoding);
            if (!bytes) {
                core::ParseError error = bytes.error();
                error.column += at; // where it is in the line
                return refused("release DATA: " + error.describe());
            }
            replacement = std::move(bytes).value();
        }
        m_proxy.releaseHeld(id, *direction, std::move(replacement));
        return {true, "releasing the next held message of #" + std::to_string(id)};
    }
    if (command == "held") return showHeld();
    if (command == "show") return showTallies();
    if (command == "help")
        return {true, "commands: delay|jitter|loss|duplicate|reorder|split|rate [c2s:|s2c:]VALUE; hold|flow [c2s|s2c]; "
                      "release ID c2s|s2c [DATA]; drop ID c2s|s2c; held; show"};
    return refused("unknown command '" + std::string(w.words[0]) + "' (" + std::string(Commands) + ")");
}

ProxyControl::Reply ProxyControl::impairment(std::string_view name, const std::string& value) {
    core::ImpairmentSettings toServer = m_toServer, toClient = m_toClient;
    if (auto problem = applyImpairment(name, value, toServer, toClient); !problem.empty()) return refused(problem);
    // Checked here as the proxy would: what a direction's units cannot take is refused before it is sent.
    const core::ProxyConfig& config = m_proxy.config();
    std::string done;
    for (ProxyDirection d : {ProxyDirection::ToServer, ProxyDirection::ToClient}) {
        const core::ImpairmentSettings& next = d == ProxyDirection::ToServer ? toServer : toClient;
        core::ImpairmentSettings& now = d == ProxyDirection::ToServer ? m_toServer : m_toClient;
        if (next == now) continue;
        if (auto problem = core::checkImpairment(next, core::proxyUnits(config, d)); !problem.empty())
            return refused(std::string(core::proxyDirectionTag(d)) + ": " + problem);
    }
    for (ProxyDirection d : {ProxyDirection::ToServer, ProxyDirection::ToClient}) {
        const core::ImpairmentSettings& next = d == ProxyDirection::ToServer ? toServer : toClient;
        core::ImpairmentSettings& now = d == ProxyDirection::ToServer ? m_toServer : m_toClient;
        if (next == now) continue;
        now = next;
        m_proxy.setImpairment(d, next);
        done += (done.empty() ? "" : "; ") + std::string(core::proxyDirectionTag(d)) + " " + core::describeImpairment(next);
    }
    return {true, done.empty() ? "unchanged" : done};
}

ProxyControl::Reply ProxyControl::showTallies() const {
    const core::ProxyTallies t = m_proxy.tallies();
    const bool rules = !m_proxy.config().rules.empty();
    return {true, "c>s impairments " + core::describeImpairment(m_toServer) + ", s>c " + core::describeImpairment(m_toClient) +
                      "; " + tallyLine("c>s", t.toServer, rules ? &t.rulesToServer : nullptr) + "; " +
                      tallyLine("s>c", t.toClient, rules ? &t.rulesToClient : nullptr)};
}

ProxyControl::Reply ProxyControl::showHeld() const {
    const auto held = m_proxy.held();
    if (held.empty()) return {true, "nothing is held"};
    std::string text;
    for (const core::HeldMessages& h : held) {
        const core::ByteView next = *h.next;
        text += (text.empty() ? "" : "; ") + std::string("#") + std::to_string(h.id) + " " +
                std::string(core::proxyDirectionTag(h.direction)) + ": " + std::to_string(h.waiting) + " held, next \"" +
                core::formatEscaped(next.first(std::min<std::size_t>(next.size(), 64)), m_encoding) +
                (next.size() > 64 ? "\"..." : "\"");
    }
    return {true, text};
}

std::string checkControlPath(const std::string& path) {
    if (path == "-") return {};
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return "--control '" + path + "': no such file (make a FIFO with mkfifo, or give - for stdin)";
    if (S_ISDIR(info.st_mode)) return "--control '" + path + "': a directory, not a file or FIFO";
    return {};
}

void startControlReader(std::shared_ptr<Inbox> inbox, const std::string& path) {
    std::thread([inbox, path] {
        const auto push = [&](std::string line) {
            std::unique_lock lock(inbox->mutex);
            inbox->changed.wait(lock, [&] { return inbox->stopRequested || inbox->controlLines.size() < MaxQueuedLines; });
            if (inbox->stopRequested) return false;
            inbox->controlLines.push_back(std::move(line));
            inbox->notifyLocked();
            return true;
        };
        const bool fromStdin = path == "-";
        struct stat info {};
        const bool fifo = !fromStdin && ::stat(path.c_str(), &info) == 0 && S_ISFIFO(info.st_mode);
        for (;;) {
            // A FIFO's open waits for a writer: a thread of its own never holds up the control loop.
            std::FILE* in = fromStdin ? stdin : std::fopen(path.c_str(), "r");
            if (!in) {
                std::lock_guard lock(inbox->mutex);
                inbox->controlFailure = "--control '" + path + "': cannot be opened";
                inbox->notifyLocked();
                return;
            }
            std::string line;
            for (int c = 0; (c = std::fgetc(in)) != EOF;) {
                if (c != '\n') {
                    if (line.size() < MaxLineBytes) line.push_back(static_cast<char>(c));
                    continue;
                }
                if (!push(std::move(line))) return;
                line.clear();
            }
            if (!line.empty() && !push(std::move(line))) return;
            if (!fromStdin) std::fclose(in);
            if (!fifo) return; // a file or stdin: read to its end
            std::lock_guard lock(inbox->mutex);
            if (inbox->stopRequested) return;
        }
    }).detach();
}

} // namespace socketeer::cli
