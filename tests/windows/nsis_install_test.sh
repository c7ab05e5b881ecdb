#!/bin/sh
# Builds the Windows packages (64-bit NSIS installer and ZIP) from the cross build, checks the ZIP's files, then under
# wine installs silently, runs the installed socketeer-cli, checks the 64-bit uninstall entry, uninstalls silently and
# checks that the files and the entry are gone.
# Usage: nsis_install_test.sh BUILD_DIR VERSION CPACK   (environment: WINE64, WINEPREFIX and the rest from CMake)
set -eu
build=$1
version=$2
cpack=$3
. "$(dirname "$0")/../support/script_support.sh"
wine() { "$WINE64" "$@"; }

"$cpack" --config "$build/CPackConfig.cmake" -G "NSIS;ZIP" -B "$work/out" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack could not build the Windows packages"; }
installer="$work/out/socketeer-$version-win64.exe"
zip="$work/out/socketeer-$version-win64.zip"
[ -f "$installer" ] && [ -f "$zip" ] || fail "expected $installer and $zip; got: $(ls "$work/out")"
echo "built $(basename "$installer") ($(wc -c <"$installer") bytes) and $(basename "$zip") ($(wc -c <"$zip") bytes)"

(cd "$work" && cmake -E tar tf "$zip") >"$work/zip.files"
for path in "socketeer-$version-win64/bin/socketeer-cli.exe" "socketeer-$version-win64/LICENSE.txt"; do
    grep -qx "$path" "$work/zip.files" || fail "the ZIP lacks $path; it has: $(tr '\n' ' ' <"$work/zip.files")"
done

# The PE header says x86-64 (machine 0x8664) for the installer itself, not only for what it installs.
machine=$(od -An -tx1 -j "$(od -An -tu4 -j 60 -N 4 "$installer" | tr -d ' ')" -N 6 "$installer" | tr -d ' \n')
[ "$machine" = "504500006486" ] || fail "the installer is not a 64-bit program (PE signature and machine: $machine)"

# The default folder is the 64-bit Program Files (CPack's own template would pick "Program Files (x86)").
target='C:\Program Files\Socketeer'
target_unix="$WINEPREFIX/drive_c/Program Files/Socketeer"
key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Socketeer'
rm -rf "$target_unix" # left by an interrupted run
wine reg delete "$key" /f /reg:64 >/dev/null 2>&1 || true
wine "$installer" /S >"$work/install.log" 2>&1 || fail "the silent install failed: $(cat "$work/install.log")"
eventually test -f "$target_unix/bin/socketeer-cli.exe" || fail "no bin/socketeer-cli.exe in $target_unix"
for path in LICENSE.txt Uninstall.exe; do [ -f "$target_unix/$path" ] || fail "the install lacks $path"; done
out=$(wine "$target_unix/bin/socketeer-cli.exe" --version | tr -d '\r')
case "$out" in "socketeer-cli $version (git "*) ;; *) fail "the installed socketeer-cli --version printed '$out'" ;; esac
echo "installed in $target: $out"

wine reg query "$key" /v DisplayVersion /reg:64 2>/dev/null | tr -d '\r' | grep -q "DisplayVersion.*$version" ||
    fail "no 64-bit uninstall entry with DisplayVersion $version: $(wine reg query "$key" /reg:64 2>&1 | tr -d '\r')"
wine reg query "$key" /v InstallLocation /reg:64 2>/dev/null | tr -d '\r' | grep -qF "$target" ||
    fail "the uninstall entry does not point at $target"

# The uninstaller copies itself away and runs from there, so completion is waited for, not assumed.
wine "$target_unix/Uninstall.exe" /S >"$work/uninstall.log" 2>&1 || fail "the silent uninstall failed: $(cat "$work/uninstall.log")"
eventually test ! -e "$target_unix" || fail "after uninstalling, left behind: $(find "$target_unix" | head)"
if wine reg query "$key" /reg:64 >/dev/null 2>&1; then fail "the uninstall entry is still there"; fi
echo "uninstalled: files and the uninstall entry are gone"
