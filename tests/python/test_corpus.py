"""kz.Corpus: building, searching, KWIC, counts and the rest of the corpus
API, over a corpus made from examples/corpus.

Expected results are not written down: they are computed from the stored
documents themselves, tokenized with kz.tokenize() (the analyzer a corpus
uses by default: NFKC, case folding, quote and number normalization,
punctuation left out).
"""
import collections.abc
import datetime
import json
import os
import re
import sys
import threading

import pytest

import kz


# ----------------------------------------------------------------------
# Helpers and fixtures

TEXT_FIELDS = ("title", "body", "caption", "heading")


def norms(text):
    """The indexed forms of text, in order (what a phrase must match)."""
    return [t.norm for t in kz.tokenize(text, punct=False)]


def doc_norms(doc, fields=TEXT_FIELDS):
    return [norms(doc[f] or "") for f in fields]


def has_word(doc, word, fields=TEXT_FIELDS):
    return any(word in ns for ns in doc_norms(doc, fields))


def has_prefix(doc, prefix):
    return any(n.startswith(prefix) for ns in doc_norms(doc) for n in ns)


def has_phrase(doc, words, fields=TEXT_FIELDS):
    k = len(words)
    return any(ns[i:i + k] == words
               for ns in doc_norms(doc, fields) for i in range(len(ns)))


def occurrences(doc, word):
    return sum(ns.count(word) for ns in doc_norms(doc))


def sorted_keys(corpus, query):
    return sorted(corpus.keys(query))


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus_files):
    """A committed corpus of the seed articles (closed); its path."""
    path = tmp_path_factory.mktemp("corpus") / "c"
    with kz.Corpus(path, create=True) as c:
        assert len(c) == 0
        added, failed = c.add_dir(corpus_files[0].parent, progress=False)
        assert (added, failed) == (len(corpus_files), 0)
        assert len(c) == 0  # not committed yet
        c.commit()
        assert len(c) == len(corpus_files)
    return path


@pytest.fixture(scope="module")
def corpus(built):
    c = kz.Corpus(built, readonly=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def docs(corpus, corpus_files):
    """key -> stored document, for every seed article."""
    return {str(p): corpus.doc(str(p)) for p in corpus_files}


@pytest.fixture
def fresh(tmp_path):
    """An empty writable corpus."""
    c = kz.Corpus(tmp_path / "c", create=True)
    yield c
    c.close()


# ----------------------------------------------------------------------
# Building, documents, statistics


def test_built_corpus(corpus, docs, corpus_files):
    assert len(corpus) == len(corpus_files)
    assert corpus.readonly and not corpus.closed
    st = corpus.stats()
    assert st["docs"] == len(corpus_files)
    assert st["deleted"] == 0
    assert st["tokens"] > 1000
    assert 0 < st["bytes_postings"] <= st["bytes_total"]
    assert corpus.analyzer == {"language": None, "stem": False,
                               "fold_diacritics": False, "possessive": False}
    assert "docs=%d" % len(corpus_files) in repr(corpus)
    for path in corpus_files:
        d = docs[str(path)]
        art = kz.parse(path)
        assert d["key"] == str(path)
        assert d["title"] == art.title
        assert d["source"] == art.source
        assert d["date"] == art.date
        assert d["body"] == art.body
        assert set(d) == {"key", "title", "body", "caption", "heading",
                          "date", "source", "author", "url", "language"}


def test_doc_is_article(corpus, docs, corpus_files):
    """Corpus.doc() gives a kz.Article: the parsed page's fields, its body
    in paragraphs, the analyses on the stored text; and the dict's keys."""
    for path in corpus_files:
        d, art = docs[str(path)], kz.parse(path)
        assert isinstance(d, kz.Article)
        assert (d.key, d.url) == (str(path), None)
        assert (d.title, d.date, d.source, d.authors, d.language) == \
            (art.title, art.date, art.source, art.authors, art.language)
        assert "\n\n".join(d.paragraphs) == d.body == art.body
        assert d.captions == art.captions
        # headings and captions where they stood among the paragraphs
        assert [(b.kind, b.text) for b in d.blocks
                if b.kind in ("heading", "caption") and b.text != d.title] == \
            [(b.kind, b.text) for b in art.blocks
             if b.kind in ("heading", "caption") and b.duplicate_of is None
             and b.text != art.title]
        # the same quotations and claims, at the same offsets of the body,
        # with the same speakers (a section heading can name one)
        assert [(q.start, q.end, q.text, q.speaker) for q in d.quotes()] == \
            [(q.start, q.end, q.text, q.speaker) for q in art.quotes()]
        assert [(n.start, n.end, n.value) for n in d.numbers()] == \
            [(n.start, n.end, n.value) for n in art.numbers()]
        # the mapping view
        assert d["title"] == d.get("title") == art.title
        assert "url" in d and "nope" not in d and d.get("nope", 1) == 1
        assert dict(d)["key"] == str(path)
        with pytest.raises(KeyError):
            d["nope"]
        # a parsed page answers to the same keys
        assert set(art) == set(d)
        assert art["author"] == ("; ".join(art.authors) or None)


def test_doc_missing(corpus):
    with pytest.raises(kz.NotFound) as e:
        corpus.doc("no/such/key")
    assert isinstance(e.value, LookupError)
    assert e.value.code == -5


def test_add_dir_trailing_slash(fresh, corpus_files):
    added, failed = fresh.add_dir(str(corpus_files[0].parent) + "/",
                                  progress=False)
    assert added == len(corpus_files) and failed == 0
    fresh.commit()
    assert sorted(fresh.keys("-zzzqqqnotaword")) == \
        sorted(str(p) for p in corpus_files)


# ----------------------------------------------------------------------
# Searching


def test_search_word(corpus, docs):
    want = {k for k, d in docs.items() if has_word(d, "tokayev")}
    assert want, "the seed articles mention Tokayev"
    r = corpus.search("Tokayev", limit=None)
    assert isinstance(r, kz.Results)
    assert r.total == len(want) == len(r) and r.exact
    assert {h.key for h in r} == want
    scores = [h.score for h in r]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert r[0] is r[0] and r[-1].key == list(r)[-1].key
    assert [h.key for h in r[:2]] == [h.key for h in list(r)[:2]]
    for h in r:
        d = docs[h.key]
        assert isinstance(h, kz.Hit)
        assert h.title == d["title"] and h.source == d["source"]
        assert h.date == d["date"]
        assert h.date is None or isinstance(h.date, datetime.date)
        assert h.body is None
        # every highlight slices the snippet to a matching word; the
        # snippet comes from the body, or the title when only it matches
        assert h.snippet
        if has_word(d, "tokayev", ("body", "title")):
            assert h.highlights
        for s, e in h.highlights:
            assert norms(h.snippet[s:e]) == ["tokayev"]
        for s, e in h.body_highlights:
            assert norms(d["body"][s:e]) == ["tokayev"]
        assert len(h.body_highlights) == norms(d["body"]).count("tokayev")
    assert repr(r).startswith("<kz.Results 'Tokayev'")


def test_search_body_option(corpus, docs):
    r = corpus.search("tokayev", limit=2, body=True, snippets=False)
    for h in r:
        assert h.body == docs[h.key]["body"]
        assert h.snippet == "" and h.highlights == []
        for s, e in h.body_highlights:
            assert norms(h.body[s:e]) == ["tokayev"]


def test_search_limit_offset_sort(corpus, docs):
    q = "kazakhstan"
    every = corpus.search(q, limit=None)
    assert len(every) == every.total >= 3
    top = corpus.search(q, limit=2)
    assert [h.key for h in top] == [h.key for h in every][:2]
    assert top.total == every.total
    skip = corpus.search(q, limit=2, offset=1)
    assert [h.key for h in skip] == [h.key for h in every][1:3]
    assert len(corpus.search(q)) == min(10, every.total)

    newest = corpus.search(q, limit=None, sort="newest")
    dates = [h.date for h in newest]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert dates[:len(dated)] == dated  # undated last
    oldest = corpus.search(q, limit=None, sort="oldest")
    assert [h.date for h in oldest if h.date] == sorted(dated)
    assert {h.key for h in newest} == {h.key for h in every}

    with pytest.raises(ValueError, match="sort must be one of"):
        corpus.search(q, sort="random")
    with pytest.raises(ValueError):
        corpus.search(q, limit=0)
    with pytest.raises(TypeError):
        corpus.search(42)


def test_phrase(corpus, docs):
    words = ["collective", "security", "treaty"]
    want = {k for k, d in docs.items() if has_phrase(d, words)}
    assert want
    r = corpus.search('"Collective Security Treaty"', limit=None)
    assert {h.key for h in r} == want
    for h in r:
        # a phrase is highlighted as one range
        for s, e in h.highlights:
            assert norms(h.snippet[s:e]) == words
    reversed_ = {k for k, d in docs.items()
                 if has_phrase(d, list(reversed(words)))}
    assert set(corpus.keys('"treaty security collective"')) == reversed_
    # a hyphenated word is a phrase
    jomart = {k for k, d in docs.items()
              if has_phrase(d, ["kassym", "jomart"])}
    assert set(corpus.keys("Kassym-Jomart")) == jomart


def test_boolean(corpus, docs):
    a = {k for k, d in docs.items() if has_word(d, "tokayev")}
    b = {k for k, d in docs.items() if has_word(d, "csto")}
    c = {k for k, d in docs.items() if has_word(d, "moscow")}
    every = set(docs)
    assert set(corpus.keys("tokayev AND csto")) == a & b
    assert set(corpus.keys("tokayev csto")) == a & b
    assert set(corpus.keys("tokayev OR csto")) == a | b
    assert set(corpus.keys("tokayev NOT csto")) == a - b
    assert set(corpus.keys("tokayev -csto")) == a - b
    assert set(corpus.keys("-tokayev")) == every - a
    assert set(corpus.keys("(tokayev OR csto) AND -moscow")) == (a | b) - c
    assert set(corpus.keys("nosuchwordanywhere")) == set()
    assert corpus.search("nosuchwordanywhere").total == 0


def test_prefix_and_near(corpus, docs):
    want = {k for k, d in docs.items() if has_prefix(d, "terror")}
    assert want
    assert set(corpus.keys("terror*")) == want
    for row in corpus.kwic("terror*"):
        assert norms(row.match)[0].startswith("terror")
    # NEAR(a b, N) holds when some pair lies within N tokens
    def near(d, x, y, n):
        for ns in doc_norms(d):
            px = [i for i, w in enumerate(ns) if w == x]
            py = [i for i, w in enumerate(ns) if w == y]
            if any(abs(i - j) - 1 <= n for i in px for j in py):
                return True
        return False
    for n in (1, 3, 10):
        want = {k for k, d in docs.items() if near(d, "tokayev", "president", n)}
        assert set(corpus.keys("NEAR(tokayev president, %d)" % n)) == want
        assert set(corpus.keys("tokayev NEAR/%d president" % n)) == want


def test_fields(corpus, docs):
    for field in ("title", "body"):
        for word in ("kazakhstan", "russia", "crisis"):
            want = {k for k, d in docs.items()
                    if has_word(d, word, fields=(field,))}
            assert set(corpus.keys("%s:%s" % (field, word))) == want, \
                (field, word)
    want = {k for k, d in docs.items()
            if has_word(d, "crisis", ("title",)) or
            has_word(d, "unrest", ("title",))}
    assert set(corpus.keys("title:(crisis OR unrest)")) == want


def test_source_and_date_filters(corpus, docs):
    sources = {d["source"] for d in docs.values() if d["source"]}
    assert sources
    for src in sources:
        want = {k for k, d in docs.items() if d["source"] == src}
        assert set(corpus.keys('source:"%s"' % src)) == want
        assert set(corpus.keys('source:"%s"' % src.lower())) == want
    dates = sorted({d["date"] for d in docs.values() if d["date"]})
    assert dates
    for day in dates:
        iso = day.isoformat()
        assert set(corpus.keys("date:" + iso)) == \
            {k for k, d in docs.items() if d["date"] == day}
        assert set(corpus.keys("date:>=" + iso)) == \
            {k for k, d in docs.items() if d["date"] and d["date"] >= day}
        assert set(corpus.keys("date:<" + iso)) == \
            {k for k, d in docs.items() if d["date"] and d["date"] < day}
        month = iso[:7]
        assert set(corpus.keys("date:" + month)) == \
            {k for k, d in docs.items()
             if d["date"] and d["date"].isoformat()[:7] == month}
    lo, hi = dates[0], dates[-1]
    assert set(corpus.keys("date:%s..%s" % (lo, hi))) == \
        {k for k, d in docs.items() if d["date"]}
    tok = {k for k, d in docs.items() if has_word(d, "tokayev")}
    assert set(corpus.keys("tokayev date:>=%s" % lo)) == \
        {k for k in tok if docs[k]["date"]}


def test_query_errors(corpus):
    for q in ['"state of', "(tokayev", "tokayev)", "foo:bar",
              "date:2022-13-01", "tokayev AND", "NEAR(a b, x)"]:
        with pytest.raises(kz.QueryError) as e:
            corpus.search(q)
        err = e.value
        assert isinstance(err, ValueError) and err.code == -12
        assert err.query == q
        assert isinstance(err.position, int) and 0 <= err.position <= len(q)
        assert "at byte" in str(err)
    # the position is in code points for a str query
    q = "Ärger (tokayev"
    with pytest.raises(kz.QueryError) as e:
        corpus.keys(q)
    assert q[e.value.position] == "("
    with pytest.raises(kz.QueryError, match="unknown field"):
        corpus.count("foo:bar")
    with pytest.raises(kz.QueryError):
        corpus.kwic("(a")
    with pytest.raises(kz.QueryError):
        corpus.vocabulary("(a")


# ----------------------------------------------------------------------
# KWIC, counts, vocabulary


def test_kwic(corpus, docs):
    k = corpus.kwic("tokayev", width=3)
    assert isinstance(k, kz.Concordance)
    assert len(k) == sum(occurrences(d, "tokayev") for d in docs.values())
    for row in k:
        doc, left, match, right, start, end = row
        assert isinstance(row, kz.KwicRow) and len(row) == 6
        assert norms(match) == ["tokayev"]
        assert len(norms(left)) <= 3 and len(norms(right)) <= 3
        assert row.field in TEXT_FIELDS
        text = docs[doc][row.field].encode()
        assert text[start:end].decode() == match
    # sorting keeps the rows
    by_left = corpus.kwic("tokayev", width=3, sort="left")
    assert sorted(by_left) == sorted(k)
    lefts = [norms(r.left)[-1] if norms(r.left) else "" for r in by_left]
    assert lefts == sorted(lefts)
    rights = [norms(r.right)[0] if norms(r.right) else ""
              for r in corpus.kwic("tokayev", sort="right")]
    assert rights == sorted(rights)
    assert len(corpus.kwic("tokayev", limit=2)) == 2
    # a phrase is one match
    for row in corpus.kwic('"collective security"'):
        assert norms(row.match) == ["collective", "security"]
    # characters of context
    for row in corpus.kwic("tokayev", width=10, chars=True):
        assert len(row.left) <= 10 and len(row.right) <= 10
    with pytest.raises(ValueError):
        corpus.kwic("tokayev", sort="sideways")
    assert "[" in repr(k) and repr(k).startswith("<kz.Concordance")


def test_count(corpus, docs):
    total = corpus.search("tokayev").total
    kwic = corpus.kwic("tokayev")
    c = corpus.count("tokayev", by="source")
    assert isinstance(c, kz.Counts)
    assert isinstance(c, collections.abc.Mapping)
    assert c.by == "source" and not c.per_million
    assert sum(c.docs.values()) == c.total_docs == total
    assert sum(c.values()) == sum(c.matches.values()) == c.total_matches
    assert c.total_matches == len(kwic)
    for src, n in c.items():
        assert n == sum(occurrences(d, "tokayev") for d in docs.values()
                        if (d["source"] or None) == src)
        assert c[src] == n and src in c and c.get(src) == n
    with pytest.raises(KeyError):
        c["no such outlet"]
    assert c.get("no such outlet", 0) == 0
    for row in c.rows:
        assert row.per_million == pytest.approx(
            row.matches * 1e6 / row.group_words)
        assert row.docs <= row.group_docs
    pm = corpus.count("tokayev", by="source", per_million=True)
    assert set(pm) == set(c)
    for src in pm:
        assert isinstance(pm[src], float) and pm[src] > 0
    months = corpus.count("kazakhstan", by="month")
    assert months.by == "month"
    for m in months:
        assert m is None or re.fullmatch(r"\d{4}-\d{2}", m)
    dated = [m for m in months if m is not None]
    assert dated == sorted(dated)
    by_doc = corpus.count("tokayev", by="doc")
    assert set(by_doc) == set(corpus.keys("tokayev"))
    everything = corpus.count("tokayev", by=None)
    assert everything.total_docs == total
    with pytest.raises(ValueError, match="by must be one of"):
        corpus.count("tokayev", by="planet")


def test_vocabulary(corpus, docs):
    v = corpus.vocabulary()
    assert len(v) > 500
    terms = [t.term for t in v]
    assert terms == sorted(terms, key=lambda s: s.encode())
    entry = {t.term: t for t in v}["tokayev"]
    assert isinstance(entry, kz.Term)
    assert entry.tf == sum(occurrences(d, "tokayev") for d in docs.values())
    assert entry.df == sum(has_word(d, "tokayev") for d in docs.values())
    term, tf, df = entry
    assert (term, tf, df) == (entry.term, entry.tf, entry.df)
    src = next(d["source"] for d in docs.values() if d["source"])
    sub = {t.term: t for t in corpus.vocabulary('source:"%s"' % src)}
    mine = [d for d in docs.values() if d["source"] == src]
    for word in ("kazakhstan", "russia"):
        n = sum(occurrences(d, word) for d in mine)
        assert (sub[word].tf if word in sub else 0) == n


# ----------------------------------------------------------------------
# Notebook display and pandas


def test_repr_html_escapes(fresh):
    fresh.add("Tokayev <b>met</b> & greeted \"them\" <script>x</script>",
              key="k<1>", title="<i>Tokayev</i> & co", source="A&B")
    fresh.commit()
    r = fresh.search("tokayev")
    html = r._repr_html_()
    assert "<script>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "&lt;i&gt;" in html and "k&lt;1&gt;" in html
    assert re.search(r"<mark>Tokayev</mark>", html)
    k = fresh.kwic("tokayev")
    khtml = k._repr_html_()
    assert "<b>Tokayev</b>" in khtml and "text-align:right" in khtml
    assert "<script>" not in khtml


def test_to_pandas(corpus):
    pd = pytest.importorskip("pandas",
                             reason="pandas is not installed "
                                    "(python3-pandas)")
    r = corpus.search("tokayev", limit=None)
    df = r.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == len(r)
    assert list(df.columns[:8]) == ["key", "score", "title", "source",
                                    "date", "snippet", "highlights",
                                    "body_highlights"]
    assert list(df["key"]) == [h.key for h in r]
    kdf = corpus.kwic("tokayev").to_pandas()
    assert list(kdf.columns) == ["doc", "left", "match", "right", "start",
                                 "end", "field"]
    cdf = corpus.count("tokayev", by="source").to_pandas()
    assert cdf.index.name == "group"
    assert int(cdf["docs"].sum()) == r.total
    v = pd.DataFrame(corpus.vocabulary(), columns=["term", "tf", "df"])
    assert len(v) > 500


# ----------------------------------------------------------------------
# Writing: text, metadata, replace, delete, commit, persistence


def test_add_dates_as_written(fresh):
    # dates as feeds and datasets write them; an ambiguous one gives none
    fresh.add("One.", key="rss", date="Wed, 05 Jan 2022 10:00:00 GMT")
    fresh.add("Two.", key="long", date="January 5, 2022")
    fresh.add("Three.", key="unix", date="1641459600")  # 2022-01-06 09:00 UTC
    fresh.add("Four.", key="slash", date="05/01/2022")
    fresh.commit()
    assert sorted(fresh.keys("date:2022-01-05")) == ["long", "rss"]
    assert fresh.keys("date:2022-01-06") == ["unix"]
    assert fresh.doc("slash")["date"] is None


def test_add_text_delete_commit_reopen(tmp_path):
    path = tmp_path / "c"
    with kz.Corpus(path, create=True) as c:
        c.add("Protesters stormed the akimat in Almaty.", key="n1",
              title="Almaty unrest", date=datetime.date(2022, 1, 5),
              source="Example Wire", author=["Ann Lee", "Bo Ma"],
              url="https://example.org/n1", language="en")
        c.add(b"Fuel prices doubled in Zhanaozen.", key="n2",
              date="2022-01-02", source="Example Wire")
        c.add("A first version.", key="n3")
        c.add("The second version replaces it.", key="n3")
        c.commit()
        assert len(c) == 3
        assert c.keys("version") == ["n3"]
        assert c.keys("first") == []
        h = c.search("almaty")[0]
        assert (h.key, h.title, h.source, h.date, h.url, h.language) == \
            ("n1", "Almaty unrest", "Example Wire",
             datetime.date(2022, 1, 5), "https://example.org/n1", "en")
        assert c.doc("n1")["author"] == "Ann Lee; Bo Ma"
        assert c.keys('author:"bo ma"') == ["n1"]
        assert c.doc("n2")["title"] is None
        c.delete("n2")
        assert c.keys("zhanaozen") == ["n2"]  # until the commit
        c.commit()
        assert c.keys("zhanaozen") == []
        with pytest.raises(kz.NotFound):
            c.delete("n2")
        c.add("Pending only.", key="n4")  # never committed
    with kz.Corpus(path) as c:
        assert len(c) == 2
        assert sorted(c.keys("-nosuchword")) == ["n1", "n3"]
        assert c.keys("pending") == []
        c.optimize()
        st = c.stats()
        assert st["segments"] == 1 and st["deleted"] == 0


def test_open_errors(tmp_path):
    with pytest.raises(kz.FileNotFound) as e:
        kz.Corpus(tmp_path / "missing")
    assert isinstance(e.value, FileNotFoundError)
    with pytest.raises(ValueError):
        kz.Corpus(tmp_path / "x", create=True, readonly=True)
    with pytest.raises(TypeError):
        kz.Corpus(42)
    with pytest.raises(kz.InvalidArgument):
        kz.Corpus(tmp_path / "y", create=True, stem=True)  # no language
    with pytest.raises(ValueError):
        kz.Corpus(tmp_path / "z", create=True, field_weights={"nope": 1})


def test_add_errors(fresh, corpus_files, tmp_path):
    with pytest.raises(TypeError, match="key="):
        fresh.add("a text\nwith two lines")
    with pytest.raises(TypeError, match="key="):
        fresh.add(b"bytes are text")
    with pytest.raises(FileNotFoundError):
        fresh.add(str(tmp_path / "no-such-file.txt"))
    with pytest.raises(kz.FileNotFound):
        fresh.add(tmp_path / "no-such-file.txt")
    with pytest.raises(IsADirectoryError):
        fresh.add(str(tmp_path))
    with pytest.raises(TypeError, match="metadata"):
        fresh.add(corpus_files[0], title="x")
    with pytest.raises(TypeError, match="unexpected keyword"):
        fresh.add("x", key="k", colour="red")
    with pytest.raises(TypeError):
        fresh.add(corpus_files[0], key="k")
    with pytest.raises(TypeError):
        fresh.add("x", key="k", date=20220105)  # a str or a datetime.date
    fresh.add(corpus_files[0])  # a pathlib.Path: key is its path
    fresh.add(str(corpus_files[1]))
    fresh.commit()
    assert sorted(fresh.keys("-nosuchword")) == \
        sorted([str(corpus_files[0]), str(corpus_files[1])])


def test_second_writer_is_busy(tmp_path):
    path = tmp_path / "c"
    with kz.Corpus(path, create=True) as w1:
        w1.add("one", key="1")
        with kz.Corpus(path) as w2:
            with pytest.raises(kz.BusyError, match="locked") as e:
                w2.add("two", key="2")
            assert e.value.code == -11
            with pytest.raises(kz.BusyError):
                w2.commit()
            assert len(w2) == 0  # reading is fine
        w1.commit()
    with kz.Corpus(path, readonly=True) as r:
        assert r.keys("one") == ["1"]


def test_analyzer_is_fixed(tmp_path):
    path = tmp_path / "c"
    with kz.Corpus(path, create=True, stem="en", fold_diacritics=True) as c:
        assert c.analyzer == {"language": "en", "stem": True,
                              "fold_diacritics": True, "possessive": False}
        c.add("The protesters were protesting at the café.", key="p")
        c.add("A protest happened.", key="q")
        c.commit()
    with kz.Corpus(path) as c:
        assert c.analyzer["stem"] is True
        assert sorted(c.keys("protest")) == ["p", "q"]
        assert c.keys("cafe") == ["p"]
        assert c.keys("=protest") == ["q"]
    with pytest.raises(kz.InvalidArgument, match="fixed at creation"):
        kz.Corpus(path, stem=False)
    with pytest.raises(kz.InvalidArgument):
        kz.Corpus(path, language="de", stem=True)
    kz.Corpus(path, language="en", stem=True).close()  # agrees


def test_closed_corpus(built):
    c = kz.Corpus(built, readonly=True)
    r = c.search("tokayev")
    k = c.kwic("tokayev")
    with c:
        pass
    assert c.closed and "closed" in repr(c)
    c.close()  # twice is fine
    for call in (lambda: c.search("x"), lambda: c.keys("x"),
                 lambda: len(c), lambda: c.add("x", key="k"),
                 lambda: c.commit(), lambda: c.doc("x"),
                 lambda: c.stats(), lambda: c.__enter__()):
        with pytest.raises(ValueError, match="closed"):
            call()
    # results outlive the corpus
    assert len(r) > 0 and r[0].snippet and len(k) > 0


# ----------------------------------------------------------------------
# JSON Lines and progress


def write_jsonl(path, n):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": "j%d" % i, "title": "Item %d" % i,
                                "text": "Tokayev spoke on day %d." % i,
                                "source": "Wire %d" % (i % 3),
                                "date": "2022-01-%02d" % (i % 28 + 1)}) + "\n")


def test_add_jsonl(fresh, tmp_path):
    p = tmp_path / "a.jsonl"
    write_jsonl(p, 300)
    with open(p, "a", encoding="utf-8") as f:
        f.write("not json\n")
        f.write('{"title": "no id", "text": "x"}\n')
    with pytest.warns(RuntimeWarning, match="skipped 2"):
        added, skipped = fresh.add_jsonl(p, progress=False)
    assert (added, skipped) == (300, 2)
    fresh.commit()
    assert len(fresh) == 300
    c = fresh.count("tokayev", by="source")
    assert dict(c) == {"Wire 0": 100, "Wire 1": 100, "Wire 2": 100}
    with pytest.raises(kz.FormatError, match=":301:"):
        fresh.add_jsonl(p, progress=False, strict=True)
    with pytest.raises(kz.FileNotFound):
        fresh.add_jsonl(tmp_path / "missing.jsonl", progress=False)


def test_add_jsonl_gzip(fresh, tmp_path):
    import gzip
    p = tmp_path / "a.jsonl"
    write_jsonl(p, 300)
    gz = tmp_path / "a.jsonl.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    calls = []
    added, skipped = fresh.add_jsonl(gz, progress=lambda done, total, docs:
                                     calls.append((done, total, docs)))
    assert (added, skipped) == (300, 0)
    size = gz.stat().st_size
    assert calls[-1] == (size, size, 300)
    fresh.commit()
    assert dict(fresh.count("tokayev", by="source")) == {"Wire 0": 100, "Wire 1": 100,
                                                         "Wire 2": 100}
    # cut short: an error naming the file, the lines before it kept
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gz.read_bytes()[: size // 2])
    with pytest.raises(kz.FormatError, match="cut.jsonl.gz.*truncated"):
        fresh.add_jsonl(cut, progress=False)


def test_progress(fresh, tmp_path, capsys, corpus_files, monkeypatch):
    p = tmp_path / "a.jsonl"
    write_jsonl(p, 600)
    calls = []
    fresh.add_jsonl(p, progress=lambda done, total, docs:
                    calls.append((done, total, docs)))
    size = p.stat().st_size
    assert len(calls) >= 2 and calls[-1] == (size, size, 600)
    assert [c[2] for c in calls] == sorted(c[2] for c in calls)
    # a bar on stderr: tqdm's when it is installed...
    fresh.add_dir(corpus_files[0].parent, progress=True)
    assert "add_dir" in capsys.readouterr().err
    # ... else a plain one
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    fresh.add_dir(corpus_files[0].parent, progress=True)
    err = capsys.readouterr().err
    assert "add_dir" in err and "%d docs" % len(corpus_files) in err
    fresh.add_jsonl(p, progress=True)
    err = capsys.readouterr().err
    assert "add_jsonl 100%" in err and "600 docs" in err
    fresh.add_jsonl(p, progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError):
        fresh.add_jsonl(p, progress="yes")

    # an exception in the callback stops the add and comes back
    def boom(done, total, docs):
        raise RuntimeError("stop here")
    big = tmp_path / "big.jsonl"
    write_jsonl(big, 2000)
    with pytest.raises(RuntimeError, match="stop here"):
        fresh.add_jsonl(big, progress=boom)
    # returning False stops quietly
    added, _ = fresh.add_jsonl(big, progress=lambda *a: False)
    assert 0 < added < 2000
    # the callback may search, but not write to or close its corpus
    seen = []

    def reenter(done, total, docs):
        seen.append(len(fresh.keys("tokayev")))
        fresh.commit()
    with pytest.raises(RuntimeError, match="progress callback"):
        fresh.add_jsonl(big, progress=reenter)
    with pytest.raises(RuntimeError, match="progress callback"):
        fresh.add_jsonl(big, progress=lambda *a: fresh.close())
    assert seen and not fresh.closed


# ----------------------------------------------------------------------
# Threads


def test_threads_search_concurrently(corpus):
    queries = ["tokayev", '"collective security"', "terror*", "russia -csto",
               "kazakhstan OR moscow", "title:crisis"]
    expect = {q: [(h.key, h.score) for h in corpus.search(q, limit=None)]
              for q in queries}
    errors = []

    def worker(seed):
        try:
            for i in range(40):
                q = queries[(seed + i) % len(queries)]
                got = [(h.key, h.score) for h in corpus.search(q, limit=None)]
                assert got == expect[q], q
                assert len(corpus.kwic(q)) >= len(got)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_threads_search_while_committing(tmp_path):
    c = kz.Corpus(tmp_path / "c", create=True)
    for i in range(50):
        c.add("Tokayev spoke in Almaty, report %d." % i, key="base%d" % i)
    c.commit()
    stop = threading.Event()
    errors = []

    def searcher():
        try:
            while not stop.is_set():
                assert len(c.keys("almaty")) == 50
                assert c.search("tokayev").total >= 50
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for round_ in range(10):
            for i in range(20):
                c.add("Tokayev again, round %d item %d." % (round_, i),
                      key="r%d-%d" % (round_, i))
            c.commit()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    assert len(c) == 250
    c.close()


def test_close_waits_for_searches(built):
    c = kz.Corpus(built, readonly=True)
    started = threading.Event()
    results = []

    def searcher():
        started.set()
        try:
            for _ in range(200):
                results.append(len(c.search("kazakhstan", limit=None)))
        except ValueError:  # closed under us: the only acceptable error
            pass

    t = threading.Thread(target=searcher)
    t.start()
    started.wait()
    c.close()
    t.join()
    assert c.closed
    assert all(n == results[0] for n in results)
