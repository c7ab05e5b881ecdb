#include "netns.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sched.h>
#include <thread>
#include <unistd.h>

#include "wait.hpp"

namespace socketeer::test {

std::string namespaceUnavailableReason() {
    if (::geteuid() != 0) return "needs root to create network namespaces (ip netns add)";
    if (!shell("command -v ip >/dev/null 2>&1")) return "needs iproute2's 'ip' command";
    return {};
}

bool shell(const std::string& command) {
    return std::system(command.c_str()) == 0;
}

LoopbackNamespace::LoopbackNamespace(const std::string& tag)
    : m_name("skt" + tag + std::to_string(::getpid())) {
    // A namespace left by a run that was killed (same pid, reused) is removed first.
    m_ready = shell("ip netns del " + m_name + " 2>/dev/null; ip netns add " + m_name + " 2>/dev/null && ip -n " + m_name +
                    " link set lo up");
}

LoopbackNamespace::~LoopbackNamespace() {
    shell("ip netns del " + m_name + " 2>/dev/null");
}

namespace {

std::string inNamespaceCommand(const std::string& name, const std::string& command) {
    std::string quoted;
    for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return "ip netns exec " + name + " sh -c '" + quoted + "'";
}

} // namespace

bool LoopbackNamespace::exec(const std::string& command) const {
    return shell(inNamespaceCommand(m_name, command));
}

std::string LoopbackNamespace::output(const std::string& command) const {
    std::string text;
    if (FILE* pipe = ::popen(inNamespaceCommand(m_name, command).c_str(), "r")) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
        ::pclose(pipe);
    }
    return text;
}

NamespacePair::NamespacePair() {
    const std::string tag = std::to_string(::getpid());
    m_a = "sktA" + tag;
    m_b = "sktB" + tag;
    m_ifaceA = "vA" + tag;
    m_ifaceB = "vB" + tag;
    m_ready = shell("ip netns add " + m_a + " && ip netns add " + m_b + " && ip link add " + m_ifaceA + " netns " + m_a +
                    " type veth peer name " + m_ifaceB + " netns " + m_b + " && ip -n " + m_a +
                    " link set lo up && ip -n " + m_b + " link set lo up && ip -n " + m_a + " link set " + m_ifaceA +
                    " up && ip -n " + m_b + " link set " + m_ifaceB + " up 2>/dev/null");
}

NamespacePair::~NamespacePair() {
    shell("ip netns del " + m_a + " 2>/dev/null; ip netns del " + m_b + " 2>/dev/null");
}

bool NamespacePair::waitForLinkLocal() const {
    const auto usable = [](const std::string& ns, const std::string& iface) {
        return "ip -n " + ns + " -6 addr show dev " + iface + " scope link | grep -q inet6 && ! ip -n " + ns +
               " -6 addr show dev " + iface + " | grep -q tentative";
    };
    const std::string check = usable(m_a, m_ifaceA) + " && " + usable(m_b, m_ifaceB);
    return eventually([&] { return shell(check); }, std::chrono::seconds(10));
}

bool inNamespace(const std::string& name, const std::function<void()>& fn) {
    bool entered = false;
    std::thread([&] {
        const int fd = ::open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        entered = ::setns(fd, CLONE_NEWNET) == 0;
        ::close(fd);
        if (entered) fn();
    }).join();
    return entered;
}

} // namespace socketeer::test
