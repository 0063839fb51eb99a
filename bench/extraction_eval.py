#!/usr/bin/python3
"""Score the article parser on the scrapinghub article-extraction benchmark.

usage: extraction_eval.py [--parser CMD] [--data DIR] [--worst N]

Input: DIR/baseline-outputs/html-text.json (the full visible text of each of
181 news pages, no cleaning) and DIR/ground-truth.json (the gold article
body).  Each page's text is written to a temporary file and parsed with
`CMD FILE...` (which prints one article JSON per line, e.g.
`build-art/kz parse --json`); the article's body is scored with the
benchmark's metric: tokens are \\w+ runs, each body becomes a multiset of word
4-gram shingles, per page precision and recall of the extracted shingles
against the gold ones, both averaged over pages, F1 from the two averages.
DIR defaults to ../shared/data/extraction/scrapinghub next to the project;
the script exits 0 with a message when the data set is absent.  Nothing from
the data set is copied into the project.  Standard library only.
"""
import argparse
import collections
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "data", "extraction", "scrapinghub")


def shingles(text, n=4):
    toks = re.findall(r"\w+", text or "", re.UNICODE)
    return collections.Counter(tuple(toks[i:i + n]) for i in range(max(0, len(toks) - n + 1)))


def prf(gold, got):
    g, e = shingles(gold), shingles(got)
    if not g and not e:
        return 1.0, 1.0
    tp = sum((g & e).values())
    fp = sum(e.values()) - tp
    fn = sum(g.values()) - tp
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r


def load(path):
    d = json.load(open(path, encoding="utf-8"))
    if isinstance(d, dict) and "output" in d and isinstance(d["output"], dict):
        d = d["output"]
    return {k: (v.get("articleBody") if isinstance(v, dict) else v) or "" for k, v in d.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parser", default=os.path.join(ROOT, "build", "kz") + " parse --json")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    ap.add_argument("--baseline", action="store_true", help="score the raw dump itself")
    args = ap.parse_args()
    gt_path = os.path.join(args.data, "ground-truth.json")
    dump_path = os.path.join(args.data, "baseline-outputs", "html-text.json")
    if not (os.path.exists(gt_path) and os.path.exists(dump_path)):
        print("extraction_eval: data set not found in %s; skipped" % args.data)
        return 0
    gold = load(gt_path)
    dump = load(dump_path)
    ids = sorted(k for k in gold if k in dump)
    bodies = {}
    if args.baseline:
        bodies = {k: dump[k] for k in ids}
    else:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for k in ids:
                p = os.path.join(tmp, k + ".txt")
                with open(p, "w", encoding="utf-8") as f:
                    f.write(dump[k])
                paths.append(p)
            out = subprocess.run(shlex.split(args.parser) + paths, capture_output=True, text=True)
            lines = out.stdout.splitlines()
            if len(lines) != len(ids):
                print("parser printed %d objects for %d pages: %s" % (len(lines), len(ids), out.stderr[:500]))
                return 1
            for k, line in zip(ids, lines):
                art = json.loads(line) if line.strip() != "null" else {}
                bodies[k] = art.get("body") or ""
    ps, rs, rows = [], [], []
    for k in ids:
        p, r = prf(gold[k], bodies[k])
        ps.append(p)
        rs.append(r)
        rows.append((2 * p * r / (p + r) if p + r else 0.0, p, r, k))
    P, R = sum(ps) / len(ps), sum(rs) / len(rs)
    F = 2 * P * R / (P + R) if P + R else 0.0
    print("pages %d  precision %.3f  recall %.3f  F1 %.3f" % (len(ids), P, R, F))
    for f1, p, r, k in sorted(rows)[:args.worst]:
        print("  %.3f  P=%.3f R=%.3f  %s" % (f1, p, r, k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
