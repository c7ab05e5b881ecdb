#!/bin/sh
# Builds the .deb and .tar.gz from a finished build tree, unpacks the .deb into a temporary root (dpkg-deb -x), checks
# its files and Depends, runs the unpacked programs (--version, a loopback echo) and asks lintian for errors.
# Usage: deb_package_test.sh BUILD_DIR VERSION CPACK
set -eu
build=$1
version=$2
cpack=$3
. "$(dirname "$0")/../support/script_support.sh"

"$cpack" --config "$build/CPackConfig.cmake" -G "DEB;TGZ" -B "$work/out" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack could not build the packages"; }
deb=$(ls "$work"/out/*.deb)
tgz=$(ls "$work"/out/*.tar.gz)
echo "built $(basename "$deb") ($(wc -c <"$deb") bytes) and $(basename "$tgz")"

# What the package installs.
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/files"
for path in ./usr/bin/socketeer ./usr/bin/socketeer-cli \
            ./usr/share/applications/socketeer.desktop \
            ./usr/share/metainfo/io.github.socketeer.Socketeer.metainfo.xml \
            ./usr/share/icons/hicolor/scalable/apps/socketeer.svg \
            ./usr/share/icons/hicolor/16x16/apps/socketeer.png \
            ./usr/share/icons/hicolor/256x256/apps/socketeer.png \
            ./usr/share/man/man1/socketeer-cli.1.gz ./usr/share/man/man1/socketeer.1.gz \
            ./usr/share/doc/socketeer/copyright ./usr/share/doc/socketeer/changelog.gz; do
    grep -qx "$path" "$work/files" || fail "the .deb lacks $path; it has: $(tr '\n' ' ' <"$work/files")"
done
if grep -v -e '^\./usr/' -e '^\./$' "$work/files"; then fail "the .deb installs outside /usr (listed above)"; fi

[ "$(dpkg-deb -f "$deb" Package)" = socketeer ] || fail "package name is '$(dpkg-deb -f "$deb" Package)'"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is '$(dpkg-deb -f "$deb" Version)', not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 libstdc++6 libglfw3; do
    echo "$depends" | grep -q "$library" || fail "Depends lacks $library: '$depends'"
done
echo "Depends: $depends"

tar -tzf "$tgz" | grep -q '/bin/socketeer-cli$' || fail "the .tar.gz lacks bin/socketeer-cli"

# The unpacked programs run and say who they are.
dpkg-deb -x "$deb" "$work/root"
cli="$work/root/usr/bin/socketeer-cli"
out=$("$cli" --version)
case "$out" in "socketeer-cli $version (git "*) ;; *) fail "socketeer-cli --version printed '$out'" ;; esac
out=$("$work/root/usr/bin/socketeer" --version)
case "$out" in "socketeer $version (git "*) ;; *) fail "socketeer --version printed '$out'" ;; esac

# A loopback echo between two unpacked socketeer-cli processes (port 0: the server announces its port).
start_server server "$cli" tcp-server --bind 127.0.0.1 --port 0 --echo
reply=$("$cli" tcp-client 127.0.0.1 "$port" --send 'from the package\n' 2>"$work/client.err") ||
    fail "the unpacked tcp-client failed: $(cat "$work/client.err")"
[ "$reply" = "from the package" ] || fail "echo through the unpacked CLI returned '$reply'"
kill -INT "$server"
wait "$server" || fail "the unpacked tcp-server exited with $? after SIGINT"
server=""
grep -qx "from the package" "$work/server.out" || fail "the server printed '$(cat "$work/server.out")'"
echo "echo on 127.0.0.1:$port through the unpacked socketeer-cli: ok"

# lintian: errors fail the test; warnings are printed for the log.
lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1 ||
    { cat "$work/lintian.log" >&2; fail "lintian reports errors"; }
cat "$work/lintian.log"
echo "lintian: no errors"
