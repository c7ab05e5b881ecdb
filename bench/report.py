"""Number formatting and Markdown tables for bench/run-all."""

import math
import statistics


def median(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def median_ci(values, confidence=0.95):
    """Distribution-free confidence interval of the median (order statistics of a binomial(n, 1/2)):
    (low, high), or None with fewer than 6 values (too few for a 95 % interval)."""
    vals = sorted(v for v in values if v is not None)
    n = len(vals)
    if n < 6:
        return None
    # The largest k with P(Bin(n, 1/2) < k) <= (1 - confidence) / 2: the interval is [x_(k), x_(n+1-k)], 1-based.
    tail, k, below = (1 - confidence) / 2, 0, 0.0
    while below + math.comb(n, k) / 2 ** n <= tail:
        below += math.comb(n, k) / 2 ** n
        k += 1
    k = max(k, 1)
    return vals[k - 1], vals[n - k]


def bps(v):
    if v is None:
        return "—"
    for unit, div in (("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)):
        if v >= div:
            return "%.2f %s" % (v / div, unit)
    return "%.0f bit/s" % v


def pps(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return "%.2fM pps" % (v / 1e6)
    if v >= 1e3:
        return "%.1fk pps" % (v / 1e3)
    return "%.0f pps" % v


def us(v):
    return "—" if v is None else "%.1f µs" % v


def ms(v):
    return "—" if v is None else "%.2f ms" % v


def kib(v):
    return "—" if v is None else "%.2f KiB" % v


def rate(v):
    return "—" if v is None else "{:,.0f}/s".format(v)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r):
    return "—" if r is None else "%.2f×" % r


def verdict(r, target, higher_is_better=True):
    """'pass' / 'miss' for ratio r against target (≥ target, or ≤ target when lower is better)."""
    if target is None:
        return "—"
    if r is None:
        return "**no figure** (trials failed)"
    ok = r >= target if higher_is_better else r <= target
    return "**pass**" if ok else "**MISS**"


def code(cmd):
    return "`%s`" % cmd.replace("|", "\\|")


def cmds_cell(cmds):
    return "<br>".join(code(c) for c in cmds)


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)
