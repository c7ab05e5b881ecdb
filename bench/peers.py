"""The contenders of bench/run-all: exact command lines, one trial each, and parsers of their output.

Each command is a template (a list of argv words with {port}, {size}, {dur}, ... fields) so that the
command run and the command shown in the report are the same text; the report shows PORT where
the port is picked at run time.
"""

import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import procs
from procs import TrialError

CLI = None              # real path of socketeer-cli (set by run-all)
CLI_SHOW = None         # how the report spells it
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
HOST = "127.0.0.1"

T = {
    # -- Socketeer -------------------------------------------------------------------------
    "sk_tcp_sink": ["{cli}", "tcp-server", "--bind", HOST, "--port", "0", "--discard",
                    "--format", "jsonl", "--report-interval", "0"],
    "sk_tcp_sink_framed": ["{cli}", "tcp-server", "--bind", HOST, "--port", "0", "--discard", "--frame", "{frame}",
                           "--format", "jsonl", "--report-interval", "0"],
    "sk_udp_sink": ["{cli}", "udp-server", "--bind", HOST, "--port", "0", "--discard",
                    "--format", "jsonl", "--report-interval", "0"],
    "sk_bench_tcp": ["{cli}", "bench", "tcp", HOST, "{port}", "--connections", "1", "--size", "{size}",
                     "--duration", "{dur}", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_bench_udp": ["{cli}", "bench", "udp", HOST, "{port}", "--rate", "{rate}", "--size", "{size}",
                     "--duration", "{dur}", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_bench_udp_count": ["{cli}", "bench", "udp", HOST, "{port}", "--rate", "{rate}", "--size", "64",
                           "--count", "{count}", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_tcp_echo": ["{cli}", "tcp-server", "--bind", HOST, "--port", "0", "--echo", "--format", "hex"],
    "sk_udp_echo": ["{cli}", "udp-server", "--bind", HOST, "--port", "0", "--echo", "--format", "hex"],
    "sk_rtt_tcp": ["{cli}", "bench", "rtt", HOST, "{port}", "--size", "64", "--duration", "{dur}",
                   "--count", "0", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_rtt_udp": ["{cli}", "bench", "rtt", HOST, "{port}", "--udp", "--size", "64", "--duration", "{dur}",
                   "--count", "0", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_listen": ["{cli}", "tcp-server", "--bind", HOST, "--port", "0"],
    "sk_file_send": ["{cli}", "tcp-client", HOST, "{port}", "--send", "@{file}", "--wait", "0", "-q"],
    "sk_file_send_pcap": ["{cli}", "tcp-client", HOST, "{port}", "--send", "@{file}", "--wait", "0", "-q",
                          "--pcap", "{pcap}", "--force"],
    "sk_tls_sink": ["{cli}", "tcp-server", "--bind", HOST, "--port", "0", "--tls", "--cert", "{tlscert}", "--key", "{tlskey}",
                    "--discard", "--format", "jsonl", "--report-interval", "0"],
    "sk_bench_tls": ["{cli}", "bench", "tcp", HOST, "{port}", "--tls", "--ca", "{tlscert}", "--connections", "1",
                     "--size", "131072", "--duration", "{dur}", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_tls_echo": ["{cli}", "tcp-server", "--bind", HOST, "--port", "0", "--tls", "--cert", "{tlscert}", "--key",
                    "{tlskey}", "--echo", "--format", "hex"],
    "sk_rtt_tls": ["{cli}", "bench", "rtt", HOST, "{port}", "--tls", "--ca", "{tlscert}", "--size", "64", "--duration",
                   "{dur}", "--count", "0", "--format", "jsonl", "--report-interval", "0", "-q"],
    "sk_proxy": ["{cli}", "proxy", "--listen", HOST + ":0", "--to", HOST + ":{target}"],
    # Two rules each way that never match, one a substring search and one an RE2 regex: every byte is looked at.
    "sk_proxy_rules": ["{cli}", "proxy", "--listen", HOST + ":0", "--to", HOST + ":{target}",
                       "--rule", "contains:NEVER-SEEN => drop", "--rule", r"regex:NEVER\d{{4}}-SEEN => rewrite:x"],
    "socat_proxy": ["socat", "TCP-LISTEN:{port},bind=%s,fork,reuseaddr" % HOST, "TCP:%s:{target}" % HOST],
    "sk_rtt_tcp_count": ["{cli}", "bench", "rtt", HOST, "{port}", "--size", "64", "--duration", "{dur}",
                         "--count", "0", "--format", "jsonl", "--report-interval", "0", "-q"],
    # -- openssl ---------------------------------------------------------------------------
    # s_server ends when its stdin does: the bench gives it a pipe that stays open (shown as `< FIFO`).
    "openssl_sink": ["openssl", "s_server", "-quiet", "-accept", HOST + ":{port}", "-cert", "{tlscert}", "-key", "{tlskey}",
                     "-naccept", "1"],
    "openssl_src": ["sh", "-c", "head -c {nbytes} /dev/zero | openssl s_client -quiet -no_ign_eof -CAfile {tlscert} "
                    "-verify_return_error -connect " + HOST + ":{port}"],
    # -- iperf3 ----------------------------------------------------------------------------
    "iperf3_s": ["iperf3", "-s", "-B", HOST, "-p", "{port}", "-1"],
    "iperf3_tcp": ["iperf3", "-c", HOST, "-p", "{port}", "-t", "{dur}", "-J"],
    "iperf3_tcp_l": ["iperf3", "-c", HOST, "-p", "{port}", "-t", "{dur}", "-l", "{size}", "-J"],
    "iperf3_udp": ["iperf3", "-c", HOST, "-p", "{port}", "-u", "-b", "{bits}", "-l", "{size}", "-w", "4M",
                   "-t", "{dur}", "-J"],
    # -- socat -----------------------------------------------------------------------------
    "socat_sink": ["socat", "-u", "-b", "131072", "TCP-LISTEN:{port},bind=%s,reuseaddr" % HOST, "OPEN:/dev/null"],
    "socat_src": ["socat", "-u", "-b", "131072", "OPEN:/dev/zero,readbytes={nbytes}", "TCP:%s:{port}" % HOST],
    "socat_fork": ["socat", "TCP-LISTEN:{port},bind=%s,fork,reuseaddr" % HOST, "OPEN:/dev/null"],
    "socat_listen": ["socat", "-d", "-d", "TCP-LISTEN:0,bind=%s" % HOST, "OPEN:/dev/null"],
    "socat_file_send": ["socat", "-u", "OPEN:{file}", "TCP:%s:{port}" % HOST],
    # -- one-shot sends: the payload, and the whole process from spawn to exit -------------------
    "sk_oneshot_udp": ["{cli}", "udp-client", HOST, "{port}", "--send", "{payload}"],
    "sk_oneshot_tcp": ["{cli}", "tcp-client", HOST, "{port}", "--send", "{payload}", "--wait", "0"],
    "nc_oneshot_udp": ["nc", "-u", "-q0", HOST, "{port}"],
    "nc_oneshot_tcp": ["nc", "-N", HOST, "{port}"],
    # -- sockperf --------------------------------------------------------------------------
    "sockperf_sr_tcp": ["sockperf", "sr", "--tcp", "-i", HOST, "-p", "{port}"],
    "sockperf_sr_udp": ["sockperf", "sr", "-i", HOST, "-p", "{port}"],
    "sockperf_pp_tcp": ["sockperf", "pp", "--tcp", "-i", HOST, "-p", "{port}", "-m", "64", "-t", "{dur}",
                        "--full-rtt"],
    "sockperf_pp_udp": ["sockperf", "pp", "-i", HOST, "-p", "{port}", "-m", "64", "-t", "{dur}", "--full-rtt"],
    # -- Python helpers (bench/) -----------------------------------------------------------
    "py_hold_server": ["{py}", "{bench}/py_server.py", "--mode", "hold", "--backlog", "1024"],
    "py_close_server": ["{py}", "{bench}/py_server.py", "--mode", "close", "--backlog", "1024"],
    "client_hold": ["{py}", "{bench}/conn_client.py", "hold", HOST, "{port}", "{n}"],
    "client_churn": ["{py}", "{bench}/conn_client.py", "churn", HOST, "{port}", "{dur}"],
    "client_churn_wait": ["{py}", "{bench}/conn_client.py", "churn-wait", HOST, "{port}", "{dur}"],
}


def _fmt_num(v):
    return ("%g" % v) if isinstance(v, float) else str(v)


def argv(key, **kw):
    kw = {k: _fmt_num(v) for k, v in kw.items()}
    return [w.format(cli=CLI, py=PY, bench=BENCH_DIR, **kw) for w in T[key]]


def show(key, **kw):
    kw = {k: _fmt_num(v) for k, v in kw.items()}
    kw.setdefault("port", "PORT")
    words = [w.format(cli=CLI_SHOW, py="python3", bench="bench", **kw) for w in T[key]]
    return " ".join(w if w in ("PORT",) else shlex.quote(w) for w in words)


def have(tool):
    return shutil.which(tool) is not None


def _json_or_fail(child, what):
    try:
        return json.loads(child.out())
    except ValueError:
        raise TrialError("%s printed no JSON: %s" % (what, child.tail()))


def _stop_server_summary(server, what):
    rc = server.stop(signal.SIGINT, grace=5.0)
    s = procs.summary_of(server.out())
    if s is None:
        raise TrialError("%s printed no summary (exit %s): %s" % (what, rc, server.tail()))
    return s


# ===== 1. TCP bulk ============================================================================
def socketeer_tcp_bulk(size, dur):
    server, port = procs.start_announcing("sk-tcp-sink", argv("sk_tcp_sink"))
    try:
        cl = procs.run("sk-bench-tcp", argv("sk_bench_tcp", port=port, size=size, dur=dur), timeout=dur + 15)
        if cl.rc != 0:
            raise TrialError("bench tcp exit %s: %s" % (cl.rc, cl.tail()))
        time.sleep(0.1)
        s = _stop_server_summary(server, "tcp-server --discard")
    finally:
        server.stop()
    c = procs.summary_of(cl.out()) or {}
    return {"value": float(s["bits_per_second"]), "bytes": s.get("bytes_received"),
            "sender_bps": c.get("bits_per_second")}


def socketeer_tcp_bulk_cmds(size, dur):
    return [show("sk_tcp_sink"), show("sk_bench_tcp", size=size, dur=dur)]


def iperf3_run(client_key, proto, **kw):
    server, port = procs.start_on_free_port("iperf3-s", lambda p: argv("iperf3_s", port=p),
                                            "both" if proto == "udp" else "tcp", listen_proto="tcp")
    try:
        cl = procs.run("iperf3-c", argv(client_key, port=port, **kw), timeout=float(kw.get("dur", 2)) + 20)
        d = _json_or_fail(cl, "iperf3 -c")
        if "error" in d:
            raise TrialError("iperf3: %s" % d["error"])
        server.wait(3.0)
    finally:
        server.stop(signal.SIGTERM, grace=2.0)
    return d


def iperf3_tcp_bulk(size, dur):
    if size is None:
        d = iperf3_run("iperf3_tcp", "tcp", dur=dur)
    else:
        d = iperf3_run("iperf3_tcp_l", "tcp", dur=dur, size=size)
    return {"value": float(d["end"]["sum_received"]["bits_per_second"])}


def iperf3_tcp_bulk_cmds(size, dur):
    if size is None:
        return [show("iperf3_s"), show("iperf3_tcp", dur=dur)]
    return [show("iperf3_s"), show("iperf3_tcp_l", dur=dur, size=size)]


def socat_tcp_bulk(nbytes):
    server, port = procs.start_on_free_port("socat-sink", lambda p: argv("socat_sink", port=p), "tcp")
    try:
        t0 = time.perf_counter()
        src = procs.Child("socat-src", argv("socat_src", port=port, nbytes=nbytes))
        if src.wait(120) is None:
            raise TrialError("socat sender did not finish")
        if server.wait(30) is None:
            raise TrialError("socat receiver did not exit after EOF")
        wall = time.perf_counter() - t0
        if src.rc != 0 or server.rc != 0:
            raise TrialError("socat exit %s/%s: %s" % (src.rc, server.rc, src.tail() + server.tail()))
    finally:
        server.stop(signal.SIGTERM, grace=1.0)
    return {"value": nbytes * 8 / wall, "seconds": wall}


def socat_tcp_bulk_cmds(nbytes):
    return [show("socat_sink"), show("socat_src", nbytes=nbytes)]


# ===== 1e. Proxy ==============================================================================
def _start_relay(kind, target):
    """A relay in front of `target`: Socketeer's proxy (its transcript to /dev/null) or socat's fork relay."""
    if kind == "socketeer":
        return procs.start_announcing("sk-proxy", argv("sk_proxy", target=target), stdout="null")
    if kind == "socketeer-rules":
        return procs.start_announcing("sk-proxy-rules", argv("sk_proxy_rules", target=target), stdout="null")
    return procs.start_on_free_port("socat-proxy", lambda p: argv("socat_proxy", port=p, target=target), "tcp")


def relay_bulk(kind, dur):
    """bench tcp through a relay into tcp-server --discard: the receiver's bits/s."""
    sink, sink_port = procs.start_announcing("sk-tcp-sink", argv("sk_tcp_sink"))
    relay = None
    try:
        relay, port = _start_relay(kind, sink_port)
        cl = procs.run("sk-bench-tcp", argv("sk_bench_tcp", port=port, size=131072, dur=dur), timeout=dur + 15)
        if cl.rc != 0:
            raise TrialError("bench tcp exit %s: %s" % (cl.rc, cl.tail()))
        time.sleep(0.1)
        s = _stop_server_summary(sink, "tcp-server --discard")
    finally:
        if relay:
            relay.stop(signal.SIGTERM, grace=2.0)
        sink.stop()
    return {"value": float(s["bits_per_second"])}


def relay_rtt(kind, dur):
    """bench rtt through a relay (or straight, kind None) to Socketeer's echo server: p50 and p99."""
    echo, echo_port = procs.start_announcing("sk-echo", argv("sk_tcp_echo"), stdout="null")
    relay = None
    try:
        port = echo_port
        if kind:
            relay, port = _start_relay(kind, echo_port)
        cl = procs.run("sk-rtt", argv("sk_rtt_tcp", port=port, dur=dur), timeout=dur + 15)
    finally:
        if relay:
            relay.stop(signal.SIGTERM, grace=2.0)
        echo.stop()
    s = procs.summary_of(cl.out())
    if cl.rc != 0 or s is None or "rtt" not in s:
        raise TrialError("bench rtt exit %s: %s" % (cl.rc, cl.tail()))
    return {"p50": float(s["rtt"]["p50_us"]), "p99": float(s["rtt"]["p99_us"]), "count": int(s["rtt"]["count"])}


def relay_cmds(kind):
    if kind in ("socketeer", "socketeer-rules"):
        return [show("sk_proxy" if kind == "socketeer" else "sk_proxy_rules", target="TARGET") + " >/dev/null"]
    return [show("socat_proxy", target="TARGET")]


# ===== 1c. TLS bulk ===========================================================================
_TLS_FILES = {}


def tls_files():
    """A self-signed P-256 certificate for 127.0.0.1, made once per run with the openssl program."""
    if not _TLS_FILES:
        cert, key = os.path.join(procs.WORKDIR, "tls-cert.pem"), os.path.join(procs.WORKDIR, "tls-key.pem")
        made = procs.run("openssl-req", ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                          "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                                          "-addext", "subjectAltName=IP:127.0.0.1"], timeout=30)
        if made.rc != 0:
            raise TrialError("openssl req failed: %s" % made.tail())
        _TLS_FILES.update(tlscert=cert, tlskey=key)
    return _TLS_FILES


def _openssl_sink():
    f = tls_files()
    return procs.start_on_free_port("openssl-s-server", lambda p: argv("openssl_sink", port=p, **f), "tcp",
                                    stdout="null", stdin="pipe")


def socketeer_tls_bulk(sink, dur):
    """`bench tcp --tls` into `sink` ("openssl": s_server, or "socketeer": tcp-server --tls --discard); the sender's
    plaintext bits/s (records that left whole), the same figure for either sink."""
    f = tls_files()
    if sink == "openssl":
        server, port = _openssl_sink()
    else:
        server, port = procs.start_announcing("sk-tls-sink", argv("sk_tls_sink", **f))
    try:
        cl = procs.run("sk-bench-tls", argv("sk_bench_tls", port=port, dur=dur, **f), timeout=dur + 15)
    finally:
        server.stop(signal.SIGINT, grace=3.0)
    s = procs.summary_of(cl.out())
    if cl.rc != 0 or s is None or not s.get("ok"):
        raise TrialError("bench tcp --tls exit %s: %s" % (cl.rc, cl.tail()))
    return {"value": float(s["bits_per_second"]), "tls": s.get("tls")}


def openssl_tls_bulk(nbytes):
    """`head -c N /dev/zero | openssl s_client` into s_server: N×8 / the sender's wall time (spawn to exit)."""
    f = tls_files()
    server, port = _openssl_sink()
    try:
        t0 = time.perf_counter()
        src = procs.Child("openssl-s-client", argv("openssl_src", port=port, nbytes=nbytes, **f), stdout="null")
        if src.wait(120) is None:
            raise TrialError("openssl s_client did not finish")
        wall = time.perf_counter() - t0
        if src.rc != 0:
            raise TrialError("openssl s_client exit %s: %s" % (src.rc, src.tail()))
    finally:
        server.stop(signal.SIGTERM, grace=1.0)
    return {"value": nbytes * 8 / wall, "seconds": wall}


def socketeer_rtt_tls(dur):
    """bench rtt --tls against tcp-server --tls --echo: what TLS adds to a 64-byte round trip."""
    return _rtt_against(argv("sk_tls_echo", **tls_files()), "sk_rtt_tls", dur, **tls_files())


def socketeer_rtt_tls_cmds(dur):
    shown = {"tlscert": "cert.pem", "tlskey": "key.pem"}
    return [show("sk_tls_echo", **shown) + " >/dev/null", show("sk_rtt_tls", dur=dur, **shown)]


def tls_bulk_cmds(sink, dur=None, nbytes=None):
    shown = {"tlscert": "cert.pem", "tlskey": "key.pem"}
    sink_cmd = show("openssl_sink", **shown) + " >/dev/null < FIFO" if sink == "openssl" else show("sk_tls_sink", **shown)
    sender = show("sk_bench_tls", dur=dur, **shown) if nbytes is None else show("openssl_src", nbytes=nbytes, **shown)
    return [sink_cmd, sender]


# ===== 1b. A file sent whole ==================================================================
def file_send_captured(path, nbytes, directory):
    """file_send with the sender writing a pcapng of the transfer into `directory` (tmpfs: the capture's own cost;
    the scratch directory on disk: the disk's too): the capture must hold every byte, and is removed after the round."""
    pcap = os.path.join(directory, "socketeer-bench-file-send.pcapng")
    try:
        result = file_send("sk_file_send_pcap", path, nbytes, pcap=pcap)
        size = os.path.getsize(pcap)
        if size < nbytes:
            raise TrialError("the pcapng holds %d bytes, less than the %d sent" % (size, nbytes))
        result["pcap_bytes"] = size
        return result
    finally:
        if os.path.exists(pcap):
            os.remove(pcap)


def file_send(sender_key, path, nbytes, **extra):
    """One file into a fresh socat sink: the rate over the wall time from spawning the sender to the sink's exit
    (every byte received), and the sender's peak RSS: its VmHWM, read every 2 ms until it exits. (Not ru_maxrss:
    Linux counts the forking parent's resident set into a child's maximum at exec.)"""
    server, port = procs.start_on_free_port("socat-sink", lambda p: argv("socat_sink", port=p), "tcp")
    try:
        import subprocess
        t0 = time.perf_counter()
        sender = subprocess.Popen(argv(sender_key, port=port, file=path, **extra), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = None
        deadline = time.monotonic() + 120
        while sender.poll() is None and time.monotonic() < deadline:
            peak = procs.peak_kib(sender.pid) or peak
            time.sleep(0.002)  # the sampling interval of the peak, not synchronisation
        if sender.poll() is None:
            sender.kill()
            raise TrialError("the sender did not finish within 120 s")
        err = ""
        if server.wait(60) is None:
            raise TrialError("the sink did not exit after the sender's EOF")
        wall = time.perf_counter() - t0
        if sender.returncode != 0 or server.rc != 0:
            raise TrialError("exit %s/%s: %s" % (sender.returncode, server.rc, err[-400:] + server.tail()))
    finally:
        server.stop(signal.SIGTERM, grace=1.0)
    return {"value": nbytes * 8 / wall, "seconds": wall, "rss_kib": peak}


def framed_receive(sink_key, path, frame=None):
    """A file of messages sent flat out into a `tcp-server --discard` (framed or not) by Socketeer's own file send,
    the fastest sender here (socat's 8 KiB writes top out near 4 Gbit/s, which would hide the receiver): the
    receiver's own figures over the time data flowed (bits/s, messages/s) and the CPU time it spent."""
    server, port = procs.start_announcing("sk-sink", argv(sink_key, frame=frame or ""))
    try:
        cpu_at_start = server.cpu_seconds() or 0.0    # start-up is not the receive path
        sender = procs.run("sk-file-send", argv("sk_file_send", port=port, file=path), timeout=120)
        if sender.rc != 0:
            raise TrialError("tcp-client --send @FILE exit %s: %s" % (sender.rc, sender.tail()))
        time.sleep(0.1)
        cpu = server.cpu_seconds()    # before the stop: the summary and shutdown are not the receive path either
        if cpu is not None:
            cpu -= cpu_at_start
        s = _stop_server_summary(server, "tcp-server --discard")
    finally:
        server.stop()
    return {"value": float(s["bits_per_second"]), "messages_per_second": float(s.get("messages_per_second", 0.0)),
            "messages": int(s.get("messages_received", 0)), "bytes": int(s.get("bytes_received", 0)),
            "cpu_seconds": cpu}


def framed_receive_cmds(sink_key, frame=None):
    return [show(sink_key, frame=frame or ""), show("sk_file_send", file="FILE")]


def file_send_cmds(sender_key, shown_path):
    return [show("socat_sink"), show(sender_key, file=shown_path)]


# ===== 2. UDP =================================================================================
def _bench_udp_into_sink(gen_argv, timeout):
    """Runs a `bench udp` command line into a fresh `udp-server --discard`: (the generator's summary, the receiver's)."""
    server, port = procs.start_announcing("sk-udp-sink", argv("sk_udp_sink"))
    try:
        gen = procs.run("sk-bench-udp", gen_argv(port), timeout=timeout)
        if gen.rc != 0:
            raise TrialError("bench udp exit %s: %s" % (gen.rc, gen.tail()))
        time.sleep(0.3)         # let the receiver drain its buffer before it is stopped
        s = _stop_server_summary(server, "udp-server --discard")
    finally:
        server.stop()
    g = procs.summary_of(gen.out())
    if g is None:
        raise TrialError("bench udp printed no summary: %s" % gen.tail())
    return g, s


def socketeer_udp(size, rate, dur):
    g, s = _bench_udp_into_sink(lambda port: argv("sk_bench_udp", port=port, rate=rate, size=size, dur=dur), dur + 15)
    seq = s.get("sequence") or {}
    sent = int(g.get("messages_sent", 0))
    received = int(seq.get("received", s.get("messages_received", 0)))
    lost = int(seq.get("lost", 0))
    return {"value": float(seq.get("datagrams_per_second", s.get("messages_per_second", 0.0))),
            "sent": sent, "received": received, "lost": lost,
            "loss_pct": 100.0 * (sent - received) / sent if sent else 0.0,
            "seq_loss_pct": 100.0 * lost / (received + lost) if received + lost else 0.0,
            "sent_pps": float(g.get("messages_per_second", 0.0)),
            "send_errors": int(g.get("send_errors", 0)),
            "dup": int(seq.get("duplicated", 0)), "reordered": int(seq.get("reordered", 0)),
            # loss-free: the sequence check saw no gap AND everything sent arrived (stricter than
            # iperf3's own check, which cannot see datagrams still in flight when its test ends)
            "loss_free": lost == 0 and received == sent and sent > 0}


def socketeer_pacing(rate, count):
    """bench udp --rate RATE --count COUNT into udp-server --discard: how exactly the sender paces, seen by the
    receiver (its first-to-last arrival rate over the asked rate) and whether exactly COUNT datagrams left and arrived."""
    expected = (count - 1) / float(rate)
    g, s = _bench_udp_into_sink(lambda port: argv("sk_bench_udp_count", port=port, rate=rate, count=count),
                                expected + 15)
    seq = s.get("sequence") or {}
    received = int(seq.get("received", 0))
    return {"value": float(seq.get("datagrams_per_second", 0.0)) / rate, "sent": int(g.get("messages_sent", 0)),
            "received": received, "lost": int(seq.get("lost", 0)), "span_s": float(seq.get("seconds", 0.0)),
            "expected_s": expected}


def socketeer_pacing_cmds(rate, count):
    return [show("sk_udp_sink"), show("sk_bench_udp_count", rate=rate, count=count)]


def socketeer_udp_cmds(size, rate, dur):
    return [show("sk_udp_sink"), show("sk_bench_udp", size=size, rate=rate, dur=dur)]


def iperf3_udp(size, bits, dur):
    d = iperf3_run("iperf3_udp", "udp", size=size, bits=bits, dur=dur)
    end = d["end"]
    # end.sum_received holds the receiver's view: packets = highest sequence number seen,
    # lost_packets = gaps below it; end.sum_sent.packets = what the client sent.
    rx = end.get("sum_received") or end["sum"]
    packets, lost, secs = int(rx["packets"]), int(rx["lost_packets"]), float(rx["seconds"])
    sent = int((end.get("sum_sent") or end["sum"])["packets"])
    received = packets - lost
    return {"value": received / secs if secs else 0.0, "sent": sent, "received": received, "lost": lost,
            "loss_pct": 100.0 * lost / packets if packets else 0.0,
            "seq_loss_pct": 100.0 * lost / packets if packets else 0.0,
            "sent_pps": sent / float((end.get("sum_sent") or end["sum"])["seconds"]),
            "loss_free": lost == 0 and packets > 0}


def iperf3_udp_cmds(size, bits, dur):
    return [show("iperf3_s"), show("iperf3_udp", size=size, bits=bits, dur=dur)]


# ===== 3. Round trip ==========================================================================
def _rtt_against(server_argv, client_key, dur, **fields):
    """`bench rtt` (client_key) against a server started from server_argv: its p50, p99, count and losses."""
    server, port = procs.start_announcing("sk-echo", server_argv, stdout="null")
    try:
        cl = procs.run("sk-rtt", argv(client_key, port=port, dur=dur, **fields), timeout=dur + 15)
    finally:
        server.stop()
    s = procs.summary_of(cl.out())
    if cl.rc != 0 or s is None or "rtt" not in s:
        raise TrialError("bench rtt exit %s: %s" % (cl.rc, cl.tail()))
    r = s["rtt"]
    return {"p50": float(r["p50_us"]), "p99": float(r["p99_us"]), "count": int(r["count"]),
            "lost": int(s.get("probes_lost", 0)), "mean": float(r.get("mean_us", 0))}


def socketeer_rtt(udp, dur):
    return _rtt_against(argv("sk_udp_echo" if udp else "sk_tcp_echo"), "sk_rtt_udp" if udp else "sk_rtt_tcp", dur)


# The match rules' price: 19 rules that do not match a probe, then one that echoes it through a capture.
RULES_OF_THE_BENCH = ["prefix:no-match-%d => reply:x" % i for i in range(19)] + ["regex:(?s)^(.*)$ => reply:{1}"]


def _rules_server_argv(shown=False):
    words = (show("sk_tcp_echo").split() if shown else argv("sk_tcp_echo"))
    words = [w for w in words if w != "--echo"]
    for rule in RULES_OF_THE_BENCH:
        words += ["--rule", shlex.quote(rule) if shown else rule]
    return words


def socketeer_rtt_rules(dur):
    """bench rtt against a tcp-server answering by its 20th match rule (the same probe echoed)."""
    return _rtt_against(_rules_server_argv(), "sk_rtt_tcp", dur)


def socketeer_rtt_rules_cmds(dur):
    return [" ".join(_rules_server_argv(shown=True)) + " >/dev/null", show("sk_rtt_tcp", dur=dur)]


def socketeer_rtt_cmds(udp, dur):
    return [show("sk_udp_echo" if udp else "sk_tcp_echo") + " >/dev/null",
            show("sk_rtt_udp" if udp else "sk_rtt_tcp", dur=dur)]


_PCT_RE = re.compile(r"(<MEDIAN>|percentile\s+([0-9.]+))\s*(?:observation)?\s*=\s*([0-9.]+)")


def parse_sockperf(text):
    """p50 and p99 in microseconds from sockperf pp output (round trip with --full-rtt)."""
    vals = {}
    for m in _PCT_RE.finditer(text):
        if m.group(1) == "<MEDIAN>":
            vals["p50"] = float(m.group(3))
        else:
            pct = float(m.group(2))
            if abs(pct - 50.0) < 1e-9:
                vals.setdefault("p50", float(m.group(3)))
            elif abs(pct - 99.0) < 1e-9:
                vals["p99"] = float(m.group(3))
    if "p50" not in vals or "p99" not in vals:
        raise TrialError("no percentiles in sockperf output: %s" % text[-300:].replace("\n", " / "))
    # sockperf reports half the round trip ("Latency is") unless --full-rtt ("Round trip is").
    if "Round trip is" not in text and "Latency is" in text:
        vals = {k: 2 * v for k, v in vals.items()}
    m = re.search(r"\[Valid Duration\].*?ReceivedMessages=(\d+)", text)
    vals["count"] = int(m.group(1)) if m else 0
    m = re.search(r"# dropped messages = (\d+)", text)
    vals["lost"] = int(m.group(1)) if m else 0
    return vals


def sockperf_rtt(udp, dur):
    server, port = procs.start_on_free_port(
        "sockperf-sr", lambda p: argv("sockperf_sr_udp" if udp else "sockperf_sr_tcp", port=p),
        "udp" if udp else "tcp")
    try:
        cl = procs.run("sockperf-pp", argv("sockperf_pp_udp" if udp else "sockperf_pp_tcp", port=port, dur=dur),
                       timeout=dur + 15)
    finally:
        server.stop()
    if cl.rc != 0:
        raise TrialError("sockperf pp exit %s: %s" % (cl.rc, cl.tail()))
    return parse_sockperf(cl.out() + "\n" + cl.err())


def sockperf_rtt_cmds(udp, dur):
    return [show("sockperf_sr_udp" if udp else "sockperf_sr_tcp"),
            show("sockperf_pp_udp" if udp else "sockperf_pp_tcp", dur=dur)]


# ===== 4. Connections held ====================================================================
def hold_conns(server_key, n, settle=0.3):
    server, port = procs.start_announcing(server_key, argv(server_key))
    client = None
    try:
        client = procs.Child("client-hold", argv("client_hold", port=port, n=n))
        procs.wait_until(lambda: '"ready"' in client.out(), client, 15, "its `ready` line")
        time.sleep(settle)
        base_fds = procs.fd_count(server.pid)
        rss0, pss0 = procs.mem_kib(server.pid)
        t0 = time.perf_counter()
        os.kill(client.pid, signal.SIGUSR1)
        held_line = procs.wait_until(lambda: [e for e in procs.json_lines(client.out()) if e.get("event") == "held"],
                                     client, 60 + n / 100.0, "its `held` line")[0]
        # wait until the server has accepted every connection the client holds
        want = base_fds + int(held_line["held"])
        deadline = time.monotonic() + 10 + n / 500.0
        while procs.fd_count(server.pid) < want and time.monotonic() < deadline:
            if server.exited():
                raise TrialError("server exited while connections were opening: %s" % server.tail())
            time.sleep(0.02)
        accept_s = time.perf_counter() - t0
        time.sleep(settle)
        fds = procs.fd_count(server.pid)
        rss1, pss1 = procs.mem_kib(server.pid)
        alive = not server.exited()
    finally:
        if client is not None:
            client.stop(signal.SIGTERM, grace=5.0)
        server.stop(signal.SIGINT, grace=5.0)
    held = min(int(held_line["held"]), max(0, fds - base_fds))
    if held == 0:
        raise TrialError("no connection held (%s)" % held_line.get("error"))
    return {"value": (rss1 - rss0) / held, "pss": (pss1 - pss0) / held if pss0 is not None and pss1 is not None else None,
            "held": held, "wanted": n, "client_error": held_line.get("error"), "rss0": rss0, "rss1": rss1,
            "pss0": pss0, "pss1": pss1, "accept_s": accept_s, "alive": alive}


def hold_conns_cmds(server_key, n):
    return [show(server_key), show("client_hold", n=n)]


# ===== 5. Accept + close ======================================================================
def churn(server_key, dur, wait_close):
    if server_key == "socat_fork":
        server, port = procs.start_on_free_port("socat-fork", lambda p: argv("socat_fork", port=p), "tcp")
    else:
        server, port = procs.start_announcing(server_key, argv(server_key))
    try:
        cl = procs.run("client-churn", argv("client_churn_wait" if wait_close else "client_churn", port=port, dur=dur),
                       timeout=dur + 30)
        time.sleep(0.5)         # let the server drain its accept queue
        served = None
        if server_key != "socat_fork":
            s = procs.summary_of(server.out()) if server.exited() else None
            if s is None:
                server.stop(signal.SIGINT, grace=5.0)
                s = procs.summary_of(server.out())
            if s is not None:
                served = int(s.get("bytes_received", 0))
    finally:
        server.stop(signal.SIGTERM, grace=2.0)
    r = [e for e in procs.json_lines(cl.out()) if e.get("event") == "churn"]
    if cl.rc != 0 or not r:
        raise TrialError("churn client exit %s: %s" % (cl.rc, cl.tail()))
    r = r[0]
    return {"value": float(r["per_second"]), "connections": int(r["connections"]), "errors": int(r["errors"]),
            "last_error": r.get("last_error"), "stalls": int(r["stalls"]),
            "slowest_ms": float(r["slowest_connect_ms"]), "served": served}


def churn_cmds(server_key, dur, wait_close):
    return [show(server_key), show("client_churn_wait" if wait_close else "client_churn", dur=dur)]


# ===== 6. Start to `listening on` =============================================================
def time_to_listening(key, timeout=5.0):
    """Milliseconds from spawn to a `listening on` line on the child's stderr."""
    c = procs.Child(key, argv(key), stdout="null", stderr="pipe", pdeathsig=False)
    buf = b""
    try:
        fd = c.p.stderr.fileno()
        deadline = c.t_spawn + timeout
        while b"listening on" not in buf:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TrialError("%s: no `listening on` within %.0f s: %r" % (key, timeout, buf[-200:]))
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise TrialError("%s exited before `listening on`: %r" % (key, buf[-200:]))
                buf += chunk
        ms = (time.perf_counter() - c.t_spawn) * 1e3
    finally:
        c.stop(signal.SIGTERM, grace=2.0)
        c.p.stderr.close()
    return {"value": ms}


# ===== 6b. One-shot sends =====================================================================
ONESHOT_PAYLOAD = "hello device 0123456789"


def oneshot(key, udp):
    """One send as a script makes it: the whole process from spawn to exit (ms, GNU time's own start included, the
    same for both) and its peak RSS (KiB, GNU time's %M). The receiver, in this process, checks the
    payload; over TCP it reads to the end and closes (nc -N waits for that, Socketeer --wait 0 does not)."""
    import threading
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    got, failure = [], []

    def serve():
        try:
            conn, _ = rx.accept()
            conn.settimeout(5.0)
            data = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            got.append(data)
            conn.close()
        except OSError as e:
            failure.append(str(e))

    try:
        rx.bind((HOST, 0))
        rx.settimeout(5.0)
        port = rx.getsockname()[1]
        server = None
        if not udp:
            rx.listen(16)
            server = threading.Thread(target=serve, daemon=True)
            server.start()
        with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stderr:
            if key.startswith("nc_"):
                stdin.write(ONESHOT_PAYLOAD.encode())
                stdin.flush()
                stdin.seek(0)
            devnull = os.open(os.devnull, os.O_WRONLY)
            words = argv(key, port=port, payload=ONESHOT_PAYLOAD)
            words[0] = shutil.which(words[0]) or words[0]
            # GNU time reports its child's peak RSS: spawned from this Python the figure would be this Python's (the
            # high-water mark passes through exec); time's own few hundred KiB are the same for both contenders.
            rss_file = tempfile.NamedTemporaryFile(delete=False)
            rss_file.close()
            words = ["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + words
            path = words[0]
            try:
                t0 = time.perf_counter()
                pid = os.posix_spawn(path, words, os.environ, file_actions=[
                    (os.POSIX_SPAWN_DUP2, stdin.fileno(), 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                    (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2)])
                _, status = os.waitpid(pid, 0)
                ms = (time.perf_counter() - t0) * 1e3
            finally:
                os.close(devnull)
            with open(rss_file.name) as f:
                rss_text = f.read().strip().splitlines()
            os.unlink(rss_file.name)
            code = os.waitstatus_to_exitcode(status)
            stderr.seek(0)
            err = stderr.read().decode(errors="replace")
        if code != 0:
            raise TrialError("%s exit %s: %s" % (key, code, err[-300:]))
        if udp:
            got.append(rx.recv(65536))
        else:
            server.join(5.0)
        if failure or not got or got[0] != ONESHOT_PAYLOAD.encode():
            raise TrialError("%s: the receiver got %r %s" % (key, got[0][:100] if got else None, failure))
    finally:
        rx.close()
    try:
        rss = int(rss_text[-1])
    except (IndexError, ValueError):
        raise TrialError("%s: /usr/bin/time gave no peak RSS: %r" % (key, rss_text))
    return {"value": ms, "rss_kib": rss}


def oneshot_cmds(key):
    shown = show(key, payload=ONESHOT_PAYLOAD)
    return [shown if key.startswith("sk_") else "%s < FILE" % shown]
