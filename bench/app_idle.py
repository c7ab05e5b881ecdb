#!/usr/bin/env python3
"""Idle cost of the desktop app: 10 open, idle sessions in a real window under Xvfb, CPU share over a sample.

Usage: bench/app_idle.py [--app build/release/app/socketeer] [--seconds 10] [--json]
Prints the app's CPU use in percent of one core (user + system, from /proc/PID/stat) and its wake-ups
(voluntary context switches per second) while nothing happens on the network.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def workspace_with_idle_sessions(count):
    sessions = []
    for i in range(count):
        if i % 2 == 0:
            sessions.append({"kind": "tcp-server", "name": f"server {i}", "bindAddress": "127.0.0.1", "port": 0})
        else:
            sessions.append({"kind": "udp", "name": f"udp {i}", "bindAddress": "127.0.0.1", "port": 0})
    return {"format": "socketeer-workspace", "version": 1, "sessions": sessions, "payloads": []}


def find_app_pid(app_path, deadline):
    real = os.path.realpath(app_path)
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.path.realpath(f"/proc/{entry}/exe") == real:
                    return int(entry)
            except OSError:
                continue
        time.sleep(0.05)
    return None


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def voluntary_switches(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches"):
                    total += int(line.split()[1])
    return total


def measure(app, seconds, sessions=10):
    if not shutil.which("xvfb-run"):
        return {"skipped": "xvfb-run is not installed (Debian: xvfb xauth)"}
    with tempfile.TemporaryDirectory(prefix="socketeer-idle-") as tmp:
        path = os.path.join(tmp, "idle.json")
        with open(path, "w") as f:
            json.dump(workspace_with_idle_sessions(sessions), f)
        env = dict(os.environ, XDG_CONFIG_HOME=tmp)
        runner = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", app, "--workspace", path],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            pid = find_app_pid(app, time.monotonic() + 20)
            if pid is None:
                return {"error": "the app did not start"}
            time.sleep(3)  # sessions open, first frames drawn; then nothing happens
            hz = os.sysconf("SC_CLK_TCK")
            ticks0, switches0, t0 = cpu_ticks(pid), voluntary_switches(pid), time.monotonic()
            time.sleep(seconds)
            ticks1, switches1, t1 = cpu_ticks(pid), voluntary_switches(pid), time.monotonic()
            elapsed = t1 - t0
            return {"sessions": sessions, "seconds": elapsed,
                    "cpu_percent_of_core": 100.0 * (ticks1 - ticks0) / hz / elapsed,
                    "wakeups_per_second": (switches1 - switches0) / elapsed}
        finally:
            try:
                os.killpg(runner.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                runner.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(runner.pid, signal.SIGKILL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", default=os.path.join(REPO, "build/release/app/socketeer"))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.app, args.seconds)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main())
