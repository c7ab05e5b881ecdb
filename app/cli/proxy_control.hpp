// ProxyControl: a running `socketeer-cli proxy --control FILE` takes commands, one per line, from FILE (a FIFO a
// script writes to, or - for stdin), so impairments and Hold change without a restart:
//   delay|jitter|loss|duplicate|reorder|split|rate [c2s:|s2c:]VALUE   (a leading -- is allowed, as on the command line)
//   hold [c2s|s2c]   flow [c2s|s2c]   release ID c2s|s2c [DATA]   drop ID c2s|s2c   held   show   help
// Parsing and applying are here; the lines are read on a thread of their own and handed to the control loop.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "socketeer/core/codec/text_encoding.hpp"
#include "socketeer/core/net/proxy.hpp"

namespace socketeer::cli {

struct Inbox;

class ProxyControl {
public:
    /// hex: DATA of release is hex (as --hex says for every DATA argument).
    ProxyControl(core::Proxy& proxy, bool hex, core::TextEncoding encoding);

    struct Reply {
        bool ok = true;
        std::string text; ///< what was done, or what is wrong with the line ("" for a blank line or a comment)
    };
    /// Applies one line; the proxy says what changed in its own events as well.
    Reply apply(std::string_view line);

private:
    Reply impairment(std::string_view name, const std::string& value);
    Reply showTallies() const;
    Reply showHeld() const;

    core::Proxy& m_proxy;
    const bool m_hex;
    const core::TextEncoding m_encoding;
    core::ImpairmentSettings m_toServer, m_toClient; // what the proxy runs with now
};

/// "" when --control PATH can be read (a FIFO, a file, or - for stdin), else why not.
std::string checkControlPath(const std::string& path);

/// Reads lines from PATH on a detached thread into the inbox's control lines. A FIFO is opened again after each
/// writer closes it (every `echo loss 5 > FIFO` is one writer); a file or stdin ends at its end.
void startControlReader(std::shared_ptr<Inbox> inbox, const std::string& path);

} // namespace socketeer::cli
