// Network namespaces are a Linux facility: on Windows every namespace test reports why it is skipped.
#include "netns.hpp"

#include <cstdlib>

namespace socketeer::test {

std::string namespaceUnavailableReason() { return "network namespaces exist only on Linux"; }

bool shell(const std::string& command) { return std::system(command.c_str()) == 0; }

LoopbackNamespace::LoopbackNamespace(const std::string& tag) : m_name("skt" + tag) {}
LoopbackNamespace::~LoopbackNamespace() = default;
bool LoopbackNamespace::exec(const std::string&) const { return false; }
std::string LoopbackNamespace::output(const std::string&) const { return {}; }

NamespacePair::NamespacePair() = default;
NamespacePair::~NamespacePair() = default;
bool NamespacePair::waitForLinkLocal() const { return false; }

bool inNamespace(const std::string&, const std::function<void()>&) { return false; }

} // namespace socketeer::test
