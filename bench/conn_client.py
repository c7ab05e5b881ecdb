#!/usr/bin/env python3
"""Connection load for bench/run-all (stdlib only, blocking sockets, one process).

  conn_client.py hold HOST PORT N
      Prints {"event":"ready"}, waits for SIGUSR1, then opens N TCP connections one after
      another (blocking connects) and keeps them open. Prints one JSON line
      {"event":"held","held":K,"wanted":N,"error":...,"seconds":...} once done (K < N if a connect
      failed), then holds them until SIGTERM or SIGINT.

  conn_client.py churn HOST PORT SECONDS
      Loop for SECONDS: connect, send 1 byte, close. Prints one JSON line
      {"event":"churn","connections":C,"errors":E,"seconds":S,"per_second":C/S,
       "slowest_connect_ms":M,"stalls":K}   (stalls = iterations slower than 0.5 s, i.e. a dropped SYN)

  conn_client.py churn-wait HOST PORT SECONDS
      The same, but after sending its byte the client half-closes (SHUT_WR) and reads until the
      server has closed too, so exactly one connection is in flight and the server's accept queue
      never overflows.
"""

import json
import resource
import signal
import socket
import sys
import time


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass


def hold(host, port, n):
    signals = {signal.SIGTERM, signal.SIGINT, signal.SIGUSR1}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    raise_nofile()
    # Start up first, then wait for the go (SIGUSR1): the caller measures the server's memory
    # while this process already exists (it shares Python's pages with a Python server's PSS).
    print(json.dumps({"event": "ready"}), flush=True)
    if signal.sigwait(signals) != signal.SIGUSR1:
        return
    socks, error = [], None
    t0 = time.perf_counter()
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect((host, port))
        except OSError as e:
            s.close()
            error = "%s after %d connections" % (e, len(socks))
            break
        socks.append(s)
    print(json.dumps({"event": "held", "held": len(socks), "wanted": n, "error": error,
                      "seconds": time.perf_counter() - t0}), flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    for s in socks:
        s.close()


def churn(host, port, seconds, wait_close=False):
    addr = (host, port)
    payload = b"x"
    n = errors = stalls = 0
    slowest = 0.0
    last_error = None
    t0 = time.perf_counter()
    deadline = t0 + seconds
    now = t0
    while now < deadline:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect(addr)
            s.send(payload)
            if wait_close:
                s.shutdown(socket.SHUT_WR)
                while s.recv(4096):
                    pass
        except OSError as e:
            errors += 1
            last_error = str(e)
        else:
            n += 1
        finally:
            s.close()
        t = time.perf_counter()
        if t - now > slowest:
            slowest = t - now
        if t - now > 0.5:
            stalls += 1
        now = t
    elapsed = now - t0
    print(json.dumps({"event": "churn", "connections": n, "errors": errors, "last_error": last_error,
                      "seconds": elapsed, "per_second": n / elapsed if elapsed > 0 else 0.0,
                      "slowest_connect_ms": slowest * 1e3, "stalls": stalls}), flush=True)


def main(argv):
    if len(argv) != 5 or argv[1] not in ("hold", "churn", "churn-wait"):
        sys.stderr.write(__doc__)
        return 2
    host, port = argv[2], int(argv[3])
    if argv[1] == "hold":
        hold(host, port, int(argv[4]))
    else:
        churn(host, port, float(argv[4]), wait_close=argv[1] == "churn-wait")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
