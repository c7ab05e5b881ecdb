"""Child processes for bench/run-all.

Every child is started in its own process group (so a server that forks, like socat's `fork`, is
stopped together with its children), is recorded, and is killed by kill_all() when the run ends,
fails, or is interrupted. Children also get PR_SET_PDEATHSIG=SIGKILL, so they do not outlive a
run-all that is killed outright. Output goes to files in a scratch directory (never to pipes that
nobody drains), except where a caller asks for a pipe to time a line.
"""

import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import time

WORKDIR = None          # set by run-all: scratch directory for the children's output files
_children = []
_seq = 0

try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:         # pragma: no cover
    _LIBC = None


def _child_setup():
    """preexec_fn: die with the parent (PR_SET_PDEATHSIG = 1)."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL, 0, 0, 0)


class StartError(RuntimeError):
    """A server did not come up (port taken, crashed, or too slow)."""


class TrialError(RuntimeError):
    """A trial ran but did not produce a usable figure."""


class Child:
    def __init__(self, name, argv, stdout="file", stderr="file", pdeathsig=True, env=None, stdin="null"):
        global _seq
        _seq += 1
        self.name = name
        self.argv = list(argv)
        self.out_path = self.err_path = None
        self.rc = None
        opened = []

        def target(mode, suffix):
            if mode == "file":
                safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
                path = os.path.join(WORKDIR, "%05d-%s.%s" % (_seq, safe, suffix))
                f = open(path, "wb")
                opened.append(f)
                return f, path
            if mode == "pipe":
                return subprocess.PIPE, None
            return subprocess.DEVNULL, None

        so, self.out_path = target(stdout, "out")
        se, self.err_path = target(stderr, "err")
        try:
            self.t_spawn = time.perf_counter()
            # stdin="pipe": a pipe never written nor closed, for peers that end at EOF on their input (s_server).
            self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE if stdin == "pipe" else subprocess.DEVNULL,
                                      stdout=so, stderr=se,
                                      start_new_session=True, close_fds=True, env=env,
                                      preexec_fn=_child_setup if pdeathsig else None)
        finally:
            for f in opened:
                f.close()
        self.pid = self.p.pid
        _children.append(self)

    # -- output -----------------------------------------------------------------------------
    @staticmethod
    def _read(path, limit):
        if not path:
            return ""
        with open(path, "rb") as f:
            data = f.read(limit) if limit else f.read()
        return data.decode("utf-8", "replace")

    def out(self, limit=0):
        return self._read(self.out_path, limit)

    def err(self, limit=0):
        return self._read(self.err_path, limit)

    def tail(self, n=400):
        """Last bytes of stderr then stdout, for error messages."""
        text = (self.err() + "\n" + self.out()).strip()
        return text[-n:].replace("\n", " / ")

    def cpu_seconds(self):
        """CPU time the process has used so far, summed over its live threads (Linux: schedstat's nanoseconds,
        finer than the 10 ms ticks of /proc/PID/stat). None where /proc does not say."""
        total = 0
        try:
            for tid in os.listdir("/proc/%d/task" % self.pid):
                with open("/proc/%d/task/%s/schedstat" % (self.pid, tid)) as f:
                    total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return total / 1e9

    # -- life cycle -------------------------------------------------------------------------
    def exited(self):
        """True once the process has exited; does not reap it (its group id stays reserved)."""
        if self.rc is not None:
            return True
        try:
            r = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        return r is not None

    def _killpg(self, sig):
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _reap(self):
        # The leader has exited but is not reaped yet, so its group id cannot have been reused:
        # kill whatever is left in the group (forked children), then reap.
        self._killpg(signal.SIGKILL)
        self.rc = self.p.wait()
        if self in _children:
            _children.remove(self)
        return self.rc

    def wait(self, timeout):
        """Wait up to timeout seconds for exit; return the exit code, or None if still running."""
        if self.rc is not None:
            return self.rc
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        return self._reap()

    def stop(self, sig=signal.SIGINT, grace=5.0):
        """Send sig to the group, wait up to grace seconds, then SIGKILL. Returns the exit code."""
        if self.rc is not None:
            return self.rc
        if not self.exited():
            self._killpg(sig)
            if self.wait(grace) is not None:
                return self.rc
            self._killpg(signal.SIGKILL)
        return self.wait(10.0)


def kill_all():
    """Stop every child still running (SIGTERM, then SIGKILL after a second)."""
    for c in list(reversed(_children)):
        try:
            c.stop(signal.SIGTERM, grace=1.0)
        except Exception:       # keep going: every child must go
            c._killpg(signal.SIGKILL)


def run(name, argv, timeout, stdout="file", stderr="file"):
    """Run a client to completion (killed after timeout seconds). Returns the Child."""
    c = Child(name, argv, stdout=stdout, stderr=stderr)
    if c.wait(timeout) is None:
        c.stop(signal.SIGINT, grace=2.0)
        raise TrialError("%s did not finish within %.0f s: %s" % (name, timeout, c.tail()))
    return c


# -- ports ------------------------------------------------------------------------------------
def free_port(proto="tcp"):
    """A port that is free right now on 127.0.0.1 (for proto tcp, udp or both)."""
    for _ in range(50):
        kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if proto != "both":
            return port
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            u.close()
    raise StartError("no free port found")


def _socket_inodes(pid):
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        pass
    return inodes


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


def is_listening(pid, port, proto):
    """Does process pid own a listening TCP socket (or a bound UDP socket) on port?"""
    names = ("tcp", "tcp6") if proto == "tcp" else ("udp", "udp6")
    state = "0A" if proto == "tcp" else "07"
    found = set()
    for n in names:
        try:
            with open("/proc/net/" + n) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == state and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        found.add(parts[9])
        except OSError:
            continue
    return bool(found and found & _socket_inodes(pid))


def wait_until(pred, child, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if child is not None and child.exited():
            raise StartError("%s exited before %s: %s" % (child.name, what, child.tail()))
        if time.monotonic() >= deadline:
            raise StartError("%s: no %s within %.0f s" % (child.name if child else "?", what, timeout))
        time.sleep(0.005)


def start_on_free_port(name, make_argv, proto, listen_proto=None, attempts=5, timeout=5.0, **kw):
    """Start a peer server on a port picked just before (retrying if someone took it meanwhile).
    make_argv(port) -> argv. Waits until the process owns the listening socket. Returns (child, port)."""
    last = None
    for _ in range(attempts):
        port = free_port(proto)
        c = Child(name, make_argv(port), **kw)
        try:
            wait_until(lambda: is_listening(c.pid, port, listen_proto or ("udp" if proto == "udp" else "tcp")),
                       c, timeout, "listening on port %d" % port)
            return c, port
        except StartError as e:
            last = e
            c.stop(signal.SIGTERM, grace=1.0)
    raise StartError("could not start %s: %s" % (name, last))


_LISTEN_RE = re.compile(r"listening on \[?[0-9A-Fa-f.:]*\]?:(\d+)")


def announced_port(child):
    """The port a Socketeer-style server announced: `listening on HOST:PORT` on stderr (text
    format) or a {"event":"listening","local":"HOST:PORT"} line on stdout (jsonl format)."""
    m = _LISTEN_RE.search(child.err(65536))
    if m:
        return int(m.group(1))
    for line in child.out(65536).splitlines():
        if '"listening"' in line:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("event") == "listening":
                return int(str(ev.get("local", "")).rsplit(":", 1)[1])
    return None


def start_announcing(name, argv, timeout=5.0, **kw):
    """Start a server that binds port 0 and announces its port. Returns (child, port)."""
    c = Child(name, argv, **kw)
    try:
        port = wait_until(lambda: announced_port(c), c, timeout, "a `listening on` line")
    except StartError:
        c.stop(signal.SIGTERM, grace=1.0)
        raise
    return c, port


def json_lines(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def summary_of(text):
    """The last {"event":"summary",...} object in jsonl output, or None."""
    found = None
    for ev in json_lines(text):
        if ev.get("event") == "summary":
            found = ev
    return found


def _proc_kib(path, field):
    """The value in KiB of a "Field:  N kB" line of a /proc file, or None."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_kib(pid):
    """VmHWM (the peak resident set so far) of pid in KiB, or None once it has exited."""
    return _proc_kib("/proc/%d/status" % pid, "VmHWM")


def mem_kib(pid):
    """(VmRSS, Pss) of pid in KiB (Pss from smaps_rollup; None if unavailable)."""
    return _proc_kib("/proc/%d/status" % pid, "VmRSS"), _proc_kib("/proc/%d/smaps_rollup" % pid, "Pss")
