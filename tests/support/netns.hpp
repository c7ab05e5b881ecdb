// Network namespaces made and removed by a test (root and iproute2 needed): an isolated loopback on which faults are
// injected with nftables and tc, and two namespaces joined by a veth pair for IPv6 multicast.
#pragma once

#include <functional>
#include <string>

namespace socketeer::test {

/// Why namespaces cannot be used here (not root, no `ip`), or empty when they can.
std::string namespaceUnavailableReason();

/// Runs a shell command; true on exit status 0.
bool shell(const std::string& command);

/// One namespace with only `lo`, up. Its 127.0.0.1 is private to the test, so faults on it touch nothing else.
class LoopbackNamespace {
public:
    explicit LoopbackNamespace(const std::string& tag);
    ~LoopbackNamespace();
    LoopbackNamespace(const LoopbackNamespace&) = delete;
    LoopbackNamespace& operator=(const LoopbackNamespace&) = delete;

    bool ready() const { return m_ready; }
    const std::string& name() const { return m_name; }
    /// Runs `command` inside the namespace (`ip netns exec NAME sh -c command`).
    bool exec(const std::string& command) const;
    /// Runs `command` inside the namespace and returns its standard output.
    std::string output(const std::string& command) const;

private:
    std::string m_name;
    bool m_ready = false;
};

/// Two namespaces joined by a veth pair (interfaces vA<tag> and vB<tag>), each with `lo` up.
class NamespacePair {
public:
    NamespacePair();
    ~NamespacePair();
    NamespacePair(const NamespacePair&) = delete;
    NamespacePair& operator=(const NamespacePair&) = delete;

    bool ready() const { return m_ready; }
    const std::string& ifaceA() const { return m_ifaceA; }
    const std::string& ifaceB() const { return m_ifaceB; }
    const std::string& nameA() const { return m_a; }
    const std::string& nameB() const { return m_b; }
    /// Waits until both link-local addresses finished duplicate address detection (about 2 s).
    bool waitForLinkLocal() const;

private:
    std::string m_a, m_b, m_ifaceA, m_ifaceB;
    bool m_ready = false;
};

/// Runs fn on a thread that entered namespace `name`; threads it starts (a session's worker) inherit it.
/// False when the namespace could not be entered (fn did not run).
bool inNamespace(const std::string& name, const std::function<void()>& fn);

} // namespace socketeer::test
