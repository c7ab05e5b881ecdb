#!/bin/sh
# start: a persistent wine server for this test run, its output detached (an inherited pipe would keep ctest waiting),
#        and the wine prefix initialised once. stop: ends the server and everything running in the prefix.
# Environment (set by tests/windows/CMakeLists.txt): WINEPREFIX, WINE64, WINESERVER, WINEDEBUG, WINEDLLOVERRIDES.
set -eu
case "${1:-}" in
start)
    mkdir -p "$WINEPREFIX"
    # A server left by an interrupted run would not be persistent: end it first.
    "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
    "$WINESERVER" -w </dev/null >/dev/null 2>&1 || true
    "$WINESERVER" -p </dev/null >/dev/null 2>&1
    "$WINE64" wineboot --init </dev/null >/dev/null 2>&1
    echo "wine server up, prefix $WINEPREFIX ready"
    ;;
stop)
    "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true
    echo "wine server stopped"
    ;;
*)
    echo "usage: wine_server.sh start|stop" >&2
    exit 2
    ;;
esac
