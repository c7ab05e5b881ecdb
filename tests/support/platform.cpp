#include "platform.hpp"

#ifdef _WIN32
#include <windows.h>
#endif

namespace socketeer::test {

bool runningUnderWine() {
#ifdef _WIN32
    const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
    return false;
#endif
}

} // namespace socketeer::test
