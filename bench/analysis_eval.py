#!/usr/bin/python3
"""Score quote and number extraction against annotation files.

Usage:
  analysis_eval.py [--bin BUILD/bench/bench_analysis] [--expected DIR]
                   [--corpus DIR] [--json] [--verbose]

Each annotation file DIR/*.json (the format of tests/data/expected/*.json)
names its raw article in "file"; the raw file is looked up in --corpus.
Files without "quotes" or "numbers" are skipped for that part.  The
extractor is run as `bench_analysis --quotes FILE...` and
`bench_analysis --numbers FILE...`, which print one JSON object a line.

Quotes (direct and partial quotes are candidates; scare quotes are not):
  recall     = annotated quotes found (found text starts with text_starts,
               ignoring white space, quote style and case) / annotated;
  speaker    = found quotes whose speaker equals the annotation (same
               normalization; a speaker that is the annotated name's last
               word or vice versa counts as a half-right "surname" match,
               reported apart) / found;
  speaker_unknown = found quotes left without a speaker / found (the
               extractor prefers no speaker to a guess from far away);
  speaker_precision = right speakers / found quotes that have one;
  precision  = found *direct* quotes matching an annotation / found direct
               quotes, only over files whose "quotes_complete" is true (the
               seed files annotate a selection, so precision is reported
               there for information only).
  sections   = speakers_by_section entries with the same speaker and role.
Numbers: recall of annotated numbers with the same value (value, low or
  high) and the same qualifier (missing = none); also value-only recall.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def norm(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = re.sub("[\u2018\u2019\u02bc`]", "'", s)
    s = re.sub("[\u201c\u201d\u201e\u00ab\u00bb]", '"', s)
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return s


def run(binary, mode, files):
    out = subprocess.run([binary, mode] + files, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
    rows = []
    for line in out.stdout.splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def find_bin(arg):
    if arg:
        return arg
    for cand in sorted(glob.glob(os.path.join(ROOT, "build*", "bench", "bench_analysis")),
                       key=os.path.getmtime, reverse=True):
        return cand
    sys.exit("bench_analysis not found; build it or pass --bin")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin")
    ap.add_argument("--expected", default=os.path.join(ROOT, "tests", "data", "expected"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "examples", "corpus"))
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    binary = find_bin(args.bin)

    ann = {}
    for path in sorted(glob.glob(os.path.join(args.expected, "*.json"))):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        if isinstance(d, dict) and d.get("file"):
            raw = os.path.join(args.corpus, d["file"])
            if os.path.exists(raw):
                ann[d["file"]] = (raw, d)
            else:
                sys.stderr.write("missing raw file %s\n" % raw)
    files = [raw for raw, _ in ann.values()]
    if not files:
        sys.exit("no annotated files")
    quotes = run(binary, "--quotes", files)
    numbers = run(binary, "--numbers", files)
    by_doc_q, by_doc_s, by_doc_n = {}, {}, {}
    for q in quotes:
        (by_doc_s if q.get("section") else by_doc_q).setdefault(q["doc"], []).append(q)
    for n in numbers:
        by_doc_n.setdefault(n["doc"], []).append(n)

    st = dict(q_total=0, q_found=0, q_speaker=0, q_surname=0, q_unknown=0, p_direct=0, p_match=0,
              s_total=0, s_right=0, n_total=0, n_found=0, n_value=0)
    for name, (raw, d) in sorted(ann.items()):
        found = [q for q in by_doc_q.get(name, []) if q["kind"] != "scare"]
        used = set()
        for e in d.get("quotes") or []:
            st["q_total"] += 1
            want = norm(e["text_starts"])
            hit = None
            for i, q in enumerate(found):
                if i not in used and norm(q["text"]).startswith(want):
                    hit = i
                    break
            if hit is None:
                if args.verbose:
                    print("MISS quote %s: %s (%s)" % (name, e["text_starts"][:60], e["speaker"]))
                continue
            used.add(hit)
            st["q_found"] += 1
            got, exp = norm(found[hit]["speaker"]), norm(e["speaker"])
            if not got:
                st["q_unknown"] += 1
                if args.verbose:
                    print("UNKNOWN speaker %s: %s (want %s)" % (name, e["text_starts"][:40], e["speaker"]))
            elif got == exp:
                st["q_speaker"] += 1
            elif got and (got.split()[-1] == exp.split()[-1]):
                st["q_surname"] += 1
            elif args.verbose:
                print("WRONG speaker %s: %s -> %s (want %s)" % (name, e["text_starts"][:40],
                                                             found[hit]["speaker"], e["speaker"]))
        if d.get("quotes_complete"):
            for i, q in enumerate(found):
                if q["kind"] == "direct":
                    st["p_direct"] += 1
                    st["p_match"] += i in used
        for e in d.get("speakers_by_section") or []:
            st["s_total"] += 1
            ok = any(norm(s["speaker"]) == norm(e["speaker"]) and norm(s["role"]) == norm(e.get("role"))
                     for s in by_doc_s.get(name, []))
            st["s_right"] += ok
            if not ok and args.verbose:
                print("MISS section %s: %s" % (name, e["speaker"]))
        for e in d.get("numbers") or []:
            st["n_total"] += 1
            val = float(e["value"])
            qual = e.get("qualifier")
            cands = [n for n in by_doc_n.get(name, [])
                     if any(n.get(k) is not None and abs(float(n[k]) - val) <= 1e-9 * (abs(val) + 1)
                            for k in ("value", "low", "high"))]
            if cands:
                st["n_value"] += 1
            if any((n.get("qualifier") or None) == (qual or None) for n in cands):
                st["n_found"] += 1
            elif args.verbose:
                print("MISS number %s: %s %s (%s)" % (name, qual or "", e["value"], e.get("exact")))

    def ratio(a, b):
        return round(a / b, 4) if b else None

    scores = {
        "quote_recall": ratio(st["q_found"], st["q_total"]),
        "speaker_accuracy": ratio(st["q_speaker"], st["q_found"]),
        "speaker_surname_only": ratio(st["q_surname"], st["q_found"]),
        "speaker_unknown": ratio(st["q_unknown"], st["q_found"]),
        "speaker_precision": ratio(st["q_speaker"], st["q_found"] - st["q_unknown"]),
        "quote_precision_direct": ratio(st["p_match"], st["p_direct"]),
        "section_accuracy": ratio(st["s_right"], st["s_total"]),
        "number_recall": ratio(st["n_found"], st["n_total"]),
        "number_value_recall": ratio(st["n_value"], st["n_total"]),
        "counts": st,
    }
    if args.json:
        print(json.dumps(scores, indent=1))
    else:
        for k, v in scores.items():
            if k != "counts":
                print("%-24s %s" % (k, "n/a" if v is None else "%.3f" % v))
        print("counts: %s" % json.dumps(st))


if __name__ == "__main__":
    main()
