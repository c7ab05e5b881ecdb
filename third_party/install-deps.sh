#!/bin/sh
# Installs the Debian/Ubuntu packages Socketeer needs to build, run and test; a quick no-op when all are there.
set -eu

# Build and test on Linux; then the packages (dpkg-dev for shlibdeps, file, lintian); then the Windows cross build,
# its installer and the tests that run it (mingw-w64 with posix threads, wine64, nsis).
packages="g++ cmake make pkg-config libasio-dev libboost-dev libre2-dev libssl-dev openssl libimgui-dev libstb-dev libglfw3-dev libgl-dev libsdbus-c++-dev
          nlohmann-json3-dev libcli11-dev libgtest-dev xvfb xauth dbus-daemon python3-dbus python3-gi iproute2 nftables socat netcat-openbsd
          python3-pymodbus python3-serial-asyncio python3-jsonschema ncat tshark fonts-dejavu-core
          dpkg-dev file lintian
          g++-mingw-w64-x86-64-posix wine64 nsis"

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
# --no-install-recommends: without it libasio-dev drags in all of boost.
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
