#!/bin/sh
# socketeer-cli.exe under wine on loopback: a TCP echo whose bytes (CR LF included) come back exactly, hex records on
# stdout with CR LF line ends, the largest IPv4 UDP datagram echoed intact, an IPv6 UDP echo, and Winsock errors in
# the same words as on Linux.
# Usage: cli_loopback_test.sh CLI_EXE VERSION   (environment: WINE64, WINEPREFIX and the rest from CMake)
set -eu
cli=$1
version=$2
. "$(dirname "$0")/../support/script_support.sh"
run() { "$WINE64" "$cli" "$@"; }

out=$(run --version | tr -d '\r')
case "$out" in "socketeer-cli $version (git "*) ;; *) fail "--version printed '$out'" ;; esac
echo "version: $out"

# 1. TCP echo: what comes back is byte for byte what was sent (no CR added or dropped by the C runtime).
start_server tcp run tcp-server --bind 127.0.0.1 --port 0 --echo --format hex --count 1 --timeout 30
run tcp-client 127.0.0.1 "$port" --send 'line one\r\nline two\n' >"$work/tcp.reply" 2>"$work/tcp.client.err" ||
    fail "tcp-client failed: $(cat "$work/tcp.client.err")"
printf 'line one\r\nline two\n' >"$work/tcp.expected"
cmp "$work/tcp.reply" "$work/tcp.expected" ||
    fail "the echo differs: $(od -c "$work/tcp.reply" | head -n 3)"
wait "$server" || fail "tcp-server exited with $?: $(cat "$work/tcp.err")"
server=""
# Its hex records are lines of its own: CR LF on Windows, and no bare LF.
grep -q '6c 69 6e 65 20 6f 6e 65  0d 0a' "$work/tcp.out" || fail "no hex record of the data: $(cat "$work/tcp.out")"
lines=$(wc -l <"$work/tcp.out")
crlf=$(grep -c "$(printf '\r')\$" "$work/tcp.out" || true)
[ "$lines" -gt 0 ] && [ "$lines" = "$crlf" ] || fail "$crlf of $lines stdout lines end in CR LF: $(od -c "$work/tcp.out" | head)"
echo "tcp echo on 127.0.0.1:$port: exact; $lines hex lines with CR LF"
closed_tcp_port=$port

# 2. UDP: the largest IPv4 datagram (65,507 bytes) is echoed intact.
start_server udp run udp-server --bind 127.0.0.1 --port 0 --echo --count 1 --timeout 30
head -c 65507 /dev/urandom >"$work/big.bin"
run udp-client 127.0.0.1 "$port" --send "@Z:$work/big.bin" \
    --count 1 --timeout 10 >"$work/udp.reply" 2>"$work/udp.client.err" ||
    fail "udp-client failed: $(cat "$work/udp.client.err")"
cmp "$work/udp.reply" "$work/big.bin" || fail "the 65,507-byte datagram came back different ($(wc -c <"$work/udp.reply") bytes)"
wait "$server" || fail "udp-server exited with $?: $(cat "$work/udp.err")"
server=""
echo "udp echo of 65,507 bytes on 127.0.0.1:$port: exact"

# 3. A file name outside ASCII. On Windows the embedded manifest makes UTF-8 the code page of argv and file names
#    (wine with a UTF-8 locale uses UTF-8 anyway, so here the manifest's presence is checked on its own).
grep -q '<activeCodePage[^>]*>UTF-8</activeCodePage>' "$cli" || fail "$cli has no manifest with activeCodePage UTF-8"
printf 'from a file' >"$work/données ünïcode.txt"
start_server name run udp-server --bind 127.0.0.1 --port 0 --echo --count 1 --timeout 30
reply=$(run udp-client 127.0.0.1 "$port" --send "@Z:$work/données ünïcode.txt" --count 1 --timeout 10 2>"$work/name.client.err") ||
    fail "udp-client could not send a file with a UTF-8 name: $(cat "$work/name.client.err")"
[ "$reply" = "from a file" ] || fail "the file with a UTF-8 name came back as '$reply'"
wait "$server" || fail "udp-server exited with $?"
server=""
echo "file with a UTF-8 name sent: ok"

# 4. IPv6 loopback.
start_server udp6 run udp-server --bind ::1 --port 0 --echo --count 1 --timeout 30
reply=$(run udp-client ::1 "$port" --send 'over ipv6' --count 1 --timeout 10 2>"$work/udp6.client.err") ||
    fail "udp-client over IPv6 failed: $(cat "$work/udp6.client.err")"
[ "$reply" = "over ipv6" ] || fail "IPv6 echo returned '$reply'"
wait "$server" || fail "udp-server on ::1 exited with $?"
server=""
echo "udp echo on [::1]:$port: exact"

# 5. A refused connection is named in the same words as on Linux.
if run tcp-client 127.0.0.1 "$closed_tcp_port" --send x >/dev/null 2>"$work/refused.err"; then fail "connecting to a closed port succeeded"; fi
tr -d '\r' <"$work/refused.err" | grep -q "127.0.0.1:$closed_tcp_port.*Connection refused" ||
    fail "refused connection reported as: $(cat "$work/refused.err")"
echo "refused: $(tr -d '\r' <"$work/refused.err" | grep -m1 refused)"
