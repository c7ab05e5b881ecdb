# Sourced by the shell-script tests (tests/packaging, tests/windows): a work directory removed at exit, with the
# background server (if any) stopped; fail(); eventually(); and start_server, which reads the port a socketeer-cli
# server announces ("listening on ADDR:PORT" on stderr; CR LF tolerated).
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# eventually COMMAND...: retries until COMMAND succeeds, at most 30 s (300 tries 0.1 s apart).
eventually() {
    tries=0
    until "$@"; do
        tries=$((tries + 1))
        [ $tries -lt 300 ] || return 1
        sleep 0.1
    done
}

announced_port() {
    port=$(tr -d '\r' <"$1" | sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' | head -n 1)
    [ -n "$port" ]
}

# start_server LABEL COMMAND...: runs COMMAND in the background (stdout in $work/LABEL.out, stderr in $work/LABEL.err),
# sets $server to its pid and $port to the port it announces.
start_server() {
    label=$1
    shift
    "$@" >"$work/$label.out" 2>"$work/$label.err" &
    server=$!
    eventually announced_port "$work/$label.err" || fail "$label did not announce its port: $(cat "$work/$label.err")"
}
