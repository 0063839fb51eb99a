#!/usr/bin/python3
"""Score the article parser against hand annotations.

usage: parse_eval.py [--parser CMD] [--raw DIR] [--expected DIR] [-v]

For every DIR/NAME.json annotation (fields as in tests/data/expected: title,
date, source_accept, author_accept, first_body_sentence, last_body_sentence,
body_paragraphs, captions, headings, boilerplate, near_duplicate_pairs, ...)
the raw file RAW/NAME.txt is parsed with `CMD FILE` (which must print the
article JSON, e.g. `build-art/kz parse --json`) and compared.  Prints one line
per page and per-field accuracy, and body precision / recall / F1 over word
tokens (multiset overlap with the expected body paragraphs).
Standard library only.
"""
import argparse
import collections
import json
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def norm(s):
    return re.sub(r"\s+", " ", (s or "").replace("<p>", "").replace("</p>", "")).strip()


def tokens(s):
    return re.findall(r"\w+", (s or "").lower())


def parse(cmd, path):
    out = subprocess.run(shlex.split(cmd) + [path], capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError("%s failed: %s" % (cmd, out.stderr.strip()))
    return json.loads(out.stdout.splitlines()[0])


def check(exp, art, raw_lines):
    """Return {field: bool} for the checks that apply to this annotation."""
    r = {}
    body = norm(art.get("body"))
    blocks = art.get("blocks", [])
    r["title"] = norm(art.get("title")) == norm(exp.get("title"))
    if "date" in exp:
        r["date"] = art.get("date") == exp.get("date")
    if exp.get("time"):
        r["time"] = art.get("time") == exp["time"]
    if "source_accept" in exp:
        acc = [a.lower() if a else a for a in exp["source_accept"]]
        src = art.get("source")
        r["source"] = (src.lower() if src else None) in acc
    if "author_accept" in exp:
        acc = [a for a in exp["author_accept"]]
        authors = art.get("authors") or []
        r["authors"] = (not authors and None in acc) or (bool(authors) and all(a in acc for a in authors))
    if exp.get("lang"):
        r["language"] = art.get("language") == exp["lang"]
    if exp.get("title_lang"):
        r["title_language"] = art.get("title_language") == exp["title_lang"]
    if exp.get("dateline"):
        r["dateline"] = art.get("dateline") == exp["dateline"]
    firsts = exp.get("first_body_sentence_accept") or [exp.get("first_body_sentence")]
    if firsts[0]:
        r["first_sentence"] = any(body.startswith(norm(f)) for f in firsts)
    if exp.get("last_body_sentence"):
        r["last_sentence"] = body.endswith(norm(exp["last_body_sentence"]))
    paras = exp.get("body_paragraphs") or []
    if paras:
        r["paragraphs_once"] = all(body.count(norm(p)) == 1 for p in paras)
    for s in exp.get("body_must_include") or []:
        r.setdefault("must_include", True)
        r["must_include"] &= body.count(norm(s)) == 1
    caps = exp.get("captions") or []
    if caps:
        captexts = [norm(b["text"]) for b in blocks if b["kind"] == "caption"]
        r["captions"] = all(norm(c) in captexts for c in caps) and not any(norm(c) in body for c in caps)
    heads = exp.get("headings") or []
    if heads:
        htexts = [norm(b["text"]) for b in blocks if b["kind"] == "heading"]
        r["headings"] = all(norm(h) in htexts for h in heads)
    bps = [norm(b) for b in exp.get("boilerplate") or [] if norm(b)]
    if bps:
        title = norm(exp.get("title"))
        # a boilerplate line equal to the title may appear nowhere in the body
        r["no_boilerplate"] = not any(b in body for b in bps if b not in ("/>",))
    for a, b in exp.get("near_duplicate_pairs") or []:
        ta, tb = norm(raw_lines[a - 1]), norm(raw_lines[b - 1])
        r.setdefault("near_dups_once", True)
        r["near_dups_once"] &= (ta in body) + (tb in body) <= 1
    box = exp.get("box")
    if box:
        r["box_once"] = body.count(norm(box["text"])) <= 1
    rel = exp.get("related_links_heading_or_boilerplate") or []
    if rel:
        r["related_not_body"] = not any(norm(x) in body for x in rel)
    return r


def body_prf(exp, art):
    gold = collections.Counter(tokens(" ".join(exp.get("body_paragraphs") or [])))
    got = collections.Counter(tokens(art.get("body")))
    if not gold:
        return None
    tp = sum((gold & got).values())
    p = tp / max(1, sum(got.values()))
    r = tp / max(1, sum(gold.values()))
    return p, r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parser", default=os.path.join(ROOT, "build", "kz") + " parse --json")
    ap.add_argument("--raw", default=os.path.join(ROOT, "examples", "corpus"))
    ap.add_argument("--expected", default=os.path.join(ROOT, "tests", "data", "expected"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    names = sorted(f[:-5] for f in os.listdir(args.expected)
                   if f.endswith(".json") and os.path.exists(os.path.join(args.raw, f[:-5] + ".txt")))
    if not names:
        print("no annotated pages found in %s" % args.expected)
        return 0
    tot = collections.Counter()
    ok = collections.Counter()
    ps, rs = [], []
    for name in names:
        exp = json.load(open(os.path.join(args.expected, name + ".json"), encoding="utf-8"))
        path = os.path.join(args.raw, name + ".txt")
        raw_lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
        art = parse(args.parser, path)
        res = check(exp, art, raw_lines)
        pr = body_prf(exp, art)
        if pr:
            ps.append(pr[0])
            rs.append(pr[1])
        bad = [k for k, v in res.items() if not v]
        for k, v in res.items():
            tot[k] += 1
            ok[k] += bool(v)
        print("%-28s %s%s" % (name, "ok" if not bad else "FAIL: " + ", ".join(bad),
                              "  body P=%.3f R=%.3f" % pr if pr else ""))
        if args.verbose and bad:
            for k in ("title", "date", "source", "authors", "dateline"):
                print("    %s: %r" % (k, art.get(k)))
    print()
    for k in tot:
        print("%-18s %d/%d" % (k, ok[k], tot[k]))
    if ps:
        p, r = sum(ps) / len(ps), sum(rs) / len(rs)
        print("body tokens        P=%.3f R=%.3f F1=%.3f" % (p, r, 2 * p * r / (p + r) if p + r else 0))
    return 0 if all(ok[k] == tot[k] for k in tot) else 1


if __name__ == "__main__":
    sys.exit(main())
