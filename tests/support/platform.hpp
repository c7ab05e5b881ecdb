// Facts about the system the tests run on, for the few checks that depend on it.
#pragma once

namespace socketeer::test {

/// True when a Windows build runs under wine (its ntdll exports wine_get_version). Used only where wine is known to
/// differ from Windows, and each such place says how.
bool runningUnderWine();

} // namespace socketeer::test
