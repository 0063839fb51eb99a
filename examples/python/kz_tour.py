#!/usr/bin/env python3
"""A tour of libkz from Python: the main steps of examples/kazakhstan.ipynb
as plain text in a terminal.

    PYTHONPATH=build/python python3 examples/python/kz_tour.py [CORPUS_DIR]

CORPUS_DIR holds the scraped articles (one text file each); it defaults to
examples/corpus of the repository this script lives in.  The corpus index is
built in a temporary directory and removed at the end.

Steps: parse each article and print its metadata; build a corpus; search
with highlighted snippets; KWIC of terroris* and peacekeep* by outlet;
matches per million words by outlet; spellings of the president's name
found by a fuzzy query; who each outlet quotes; the numbers each reported;
the words that set each outlet apart (keyness); the collocates of "CSTO".
"""

import os
import sys
import tempfile
import textwrap

import kz

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "corpus"))


def heading(title):
    print()
    print(title)
    print("=" * len(title))


def mark(text, ranges, left="[", right="]"):
    """text with each (start, end) code point range wrapped in brackets."""
    out, last = [], 0
    for start, end in sorted(ranges):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(left + text[start:end] + right)
        last = end
    out.append(text[last:])
    return "".join(out)


def table(rows, header):
    """Print rows (sequences of str) as aligned columns."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    print(fmt.format(*header))
    print(fmt.format(*("-" * w for w in widths)))
    for r in rows:
        print(fmt.format(*r))


def short(s, n):
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def lshort(s, n):
    """The last n characters of s, for the left context of a KWIC line."""
    s = " ".join((s or "").split())
    return s if len(s) <= n else "\u2026" + s[-(n - 1):]


def main(argv):
    corpus_dir = argv[1] if len(argv) > 1 else DEFAULT_CORPUS
    files = sorted(
        os.path.join(corpus_dir, f)
        for f in os.listdir(corpus_dir)
        if os.path.isfile(os.path.join(corpus_dir, f)) and not f.startswith(".")
    )
    if not files:
        sys.exit("kz_tour: no articles in %s" % corpus_dir)
    print("libkz %s, %d articles in %s" % (kz.__version__, len(files), corpus_dir))

    # 1. Parse: the metadata of each article.
    heading("The articles")
    articles = {path: kz.parse(path) for path in files}
    table(
        [
            (
                os.path.basename(p),
                a.source or "?",
                a.date.isoformat() if a.date else "-",
                a.language,
                sum(t.kind == "word" for t in kz.tokenize(a.body)),
                short(a.title, 50),
            )
            for p, a in articles.items()
        ],
        ("file", "source", "date", "lang", "words", "title"),
    )

    with tempfile.TemporaryDirectory(prefix="kz_tour_") as tmp:
        # 2. Index them.
        with kz.Corpus(os.path.join(tmp, "corpus"), create=True, possessive=True) as corpus:
            added, failed = corpus.add_dir(corpus_dir, progress=False)
            corpus.commit()
            st = corpus.stats()
            print()
            print(
                "indexed %d articles (%d failed): %d tokens, %d distinct terms, "
                "%d bytes on disk" % (added, failed, st["tokens"], st["terms"],
                                      st["bytes_total"])
            )
            assert len(corpus) == added == len(files) - failed
            tour(corpus, {a.source or "?" for a in articles.values()})
    return 0


def tour(corpus, outlets):
    source_of = {}  # document key -> outlet

    def outlet(key):
        if key not in source_of:
            source_of[key] = corpus.doc(key).get("source") or "?"
        return source_of[key]

    # 3. Search, with the matches highlighted in the snippets.
    for q in ('CSTO peacekeep*', '"color revolution" OR Maidan', 'NEAR(Russia troops, 5)'):
        heading("Search: " + q)
        res = corpus.search(q, limit=5)
        print("%d matching documents" % res.total)
        for hit in res:
            print("%6.3f  %-18s %s" % (hit.score, hit.source or "?", short(hit.title, 60)))
            snippet = mark(hit.snippet, hit.highlights)
            print(textwrap.fill(" ".join(snippet.split()), 76,
                                initial_indent="        ", subsequent_indent="        "))

    # 4. Concordances by outlet.
    for q in ("terroris*", "peacekeep*"):
        heading("KWIC: " + q)
        rows = sorted(corpus.kwic(q, width=6), key=lambda r: (outlet(r.doc), r.start))
        for r in rows:
            assert r.match.lower().startswith(q.rstrip("*")), r
            print("%-18s %40s [%s] %s" % (short(outlet(r.doc), 18), lshort(r.left, 40),
                                          r.match, short(r.right, 40)))

    # 5. Matches per million words of each outlet.
    heading("Matches per million words, by outlet")
    groups = sorted(outlets)
    queries = ("terroris*", "peacekeep*", "protest*", '"color revolution" OR Maidan')
    counts = {q: corpus.count(q, by="source", per_million=True) for q in queries}
    table([[g] + ["%.0f" % counts[q].get(g, 0.0) for q in queries] for g in groups],
          ["outlet"] + list(queries))
    print()
    scale = max(max(c.values(), default=0) for c in counts.values()) or 1
    for q in queries[:2]:
        for g in groups:
            v = counts[q].get(g, 0.0)
            print("%-12s %-18s %s %.0f" % (q, g, "#" * round(40 * v / scale), v))

    # 6. The president's name under its spellings.
    heading("Spellings of the president's name (Toqayev~)")
    by = {}
    for r in corpus.kwic("Toqayev~", width=1):
        key = (outlet(r.doc), r.match)
        by[key] = by.get(key, 0) + 1
    table(sorted((o, m, n) for (o, m), n in by.items()), ("outlet", "spelling", "count"))
    for q in ("Massimov~", "Andrei~", "Kassym~"):
        print("%-10s -> %s" % (q, ", ".join(sorted({r.match for r in corpus.kwic(q, width=1)}))))
    hits = corpus.search("entity:Tokayev", limit=None)
    print("entity:Tokayev matches %d documents: %s"
          % (hits.total, ", ".join(sorted(outlet(h.key) for h in hits))))

    # 7. Who is quoted (scare quotes apart).
    heading("Who each outlet quotes")
    quotes = corpus.quotes()
    speakers = {}
    for q in quotes:
        if q.kind != "scare" and q.speaker:
            key = (q.source or "?", q.speaker)
            speakers[key] = speakers.get(key, 0) + 1
    table(sorted((o, s, n) for (o, s), n in speakers.items()), ("outlet", "speaker", "quotes"))
    print()
    for g in groups:
        scare = dict.fromkeys(q.text.strip(" ,.") for q in quotes
                              if q.kind == "scare" and q.source == g)
        print("%-18s scare quotes: %s" % (g, "; ".join(scare) or "-"))

    # 8. The numbers each outlet gave, with what they count.
    heading("Numbers reported (with what they count)")
    rows = [(n.source or "?", n.qualifier or "", "%g" % n.value, n.counted, short(n.exact, 40))
            for n in corpus.numbers() if n.counted]
    table(sorted(rows, key=lambda r: (r[0], r[3])),
          ("outlet", "qualifier", "value", "counted", "as written"))

    # 9. Keyness of each outlet against the rest.
    heading("Keyness: each outlet against the rest (G2, stopwords left out)")
    for g in groups:
        k = corpus.keyness('source:"%s"' % g, stopwords=True, limit=8)
        print("%-18s %s" % (g, ", ".join("%s (%.1f)" % (r.term, r.g2) for r in k)))

    # 10. Collocates of CSTO.
    heading("Collocates of CSTO (window 5, by logDice)")
    colloc = corpus.collocations("CSTO", window=5, measure="logdice", min_freq=2,
                                 stopwords=True, limit=12)
    table([(r.term, r.observed, "%.2f" % r.expected, "%.2f" % r.log_dice, "%.2f" % r.g2)
           for r in colloc], ("collocate", "observed", "expected", "logDice", "G2"))

if __name__ == "__main__":
    sys.exit(main(sys.argv))
