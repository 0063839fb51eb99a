#!/usr/bin/python3
"""pair_time.py - which of two builds of `kz` indexes faster, on a noisy host.

On the shared VMs where libkz is measured, one build's CPU time moves by
+-25% from run to run, so two builds timed one after the other cannot be
told apart by a few percent.  This runs them side by side, one on each of
the two cores (swapping cores every round), so that both meet the same host
at the same moment, and reports the median of the per-round ratios of
their CPU times (user + system, from wait4()).

    bench/pair_time.py [--rounds N] [--input FILE.jsonl] KZ_A KZ_B

Each round runs `KZ index -o DIR --jsonl FILE` for both; a ratio B/A below
1 means B is faster.  Needs two cores and taskset (util-linux).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def start(kz, core, out, data):
    shutil.rmtree(out, ignore_errors=True)
    return subprocess.Popen(["taskset", "-c", str(core), kz, "index", "-o", out, "--jsonl", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_time(proc):
    _, status, ru = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit("pair_time: %s failed (status %d)" % (" ".join(proc.args), status))
    return ru.ru_utime + ru.ru_stime


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--input", default=os.path.join(here, "..", "..", "shared", "data", "news",
                                                    "news.jsonl"))
    ap.add_argument("kz_a")
    ap.add_argument("kz_b")
    a = ap.parse_args()
    if not os.path.exists(a.input):
        sys.exit("pair_time: %s is absent (shared/data is not on this machine)" % a.input)
    ta, tb, ratios = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.rounds):
            ca, cb = (0, 1) if r % 2 == 0 else (1, 0)
            pa = start(a.kz_a, ca, os.path.join(tmp, "a"), a.input)
            pb = start(a.kz_b, cb, os.path.join(tmp, "b"), a.input)
            x, y = cpu_time(pa), cpu_time(pb)
            ta.append(x)
            tb.append(y)
            ratios.append(y / x)
    s = sorted(ratios)
    print("A %s: median %.3f s, min %.3f s" % (a.kz_a, statistics.median(ta), min(ta)))
    print("B %s: median %.3f s, min %.3f s" % (a.kz_b, statistics.median(tb), min(tb)))
    print("B/A: median %.3f, quartiles %.3f-%.3f, %d rounds" %
          (statistics.median(s), s[len(s) // 4], s[3 * len(s) // 4], len(s)))


if __name__ == "__main__":
    main()
