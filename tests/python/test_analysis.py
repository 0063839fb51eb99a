"""Corpus analysis through the Python binding: collocations, keyness,
n-grams, dispersion, the document-term matrix, and quotes, numbers and
entities over a corpus.

The statistics are checked against references computed here from the
stored documents, re-tokenized with kz.tokenize():
  - collocation G2 against NLTK's BigramAssocMeasures.likelihood_ratio
    (and PMI, t-score) on the same marginals, and against NLTK's
    BigramCollocationFinder run on the same token streams;
  - keyness against the small implementation below;
every measure to 1e-9 relative, every count exactly.  Two corpora: the
five seed articles (examples/corpus) and, when ../shared/data/news is
there, 400 BBC News articles.
"""
import collections
import datetime
import math
import pathlib
import sys
import threading

import pytest

import kz

REPO = pathlib.Path(__file__).resolve().parents[2]
SEEDS = REPO / "examples" / "corpus"
BBC = REPO.parent / "shared" / "data" / "news" / "news_bbc.jsonl"
FIELDS = ("title", "body", "caption", "heading")
REL = 1e-9

try:
    from nltk.metrics import BigramAssocMeasures
    from nltk.collocations import BigramCollocationFinder
except ImportError:  # pragma: no cover - depends on the machine
    BigramAssocMeasures = None

needs_nltk = pytest.mark.skipif(
    BigramAssocMeasures is None,
    reason="NLTK is not installed (Debian: apt install python3-nltk)")


# ----------------------------------------------------------------------
# Corpora and the reference token streams

@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    c = kz.Corpus(tmp_path_factory.mktemp("seeds") / "c", create=True)
    c.add_dir(SEEDS, progress=False)
    c.commit()
    yield c
    c.close()


@pytest.fixture(scope="module")
def bbc(tmp_path_factory):
    if not BBC.exists():
        pytest.skip(f"{BBC} is not there")
    d = tmp_path_factory.mktemp("bbc")
    part = d / "part.jsonl"
    with open(BBC, encoding="utf-8") as f, open(part, "w",
                                                encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i >= 400:
                break
            out.write(line)
    c = kz.Corpus(d / "c", create=True)
    c.add_jsonl(part, progress=False)
    c.commit()
    yield c
    c.close()


@pytest.fixture(params=["seeds", "bbc"])
def corpus(request):
    return request.getfixturevalue(request.param)


class Doc:
    """A stored document as the index sees it: per field, the (norm,
    position, stopword, break-before) of every indexed token."""

    def __init__(self, key, stored, tokenizer):
        self.key = key
        self.source = stored["source"]
        self.fields = []
        for f in FIELDS:
            toks, brk = [], False
            for t in tokenizer.tokenize(stored[f] or ""):
                if t.kind == "punct":
                    brk = True
                    continue
                if t.kind == "symbol" or not t.norm:
                    continue
                toks.append((t.norm, t.position, t.stopword,
                             brk and not t.hyphenated))
                brk = False
            self.fields.append(toks)

    @property
    def tokens(self):
        return sum(len(f) for f in self.fields)


_models = {}


def model(c):
    """Every live document of c, re-tokenized (cached per corpus)."""
    if id(c) not in _models:
        a = c.analyzer
        tk = kz.Tokenizer(language=a["language"] or "en",
                          stem=a["stem"] or None,
                          fold_diacritics=a["fold_diacritics"],
                          possessive=a["possessive"])
        keys = c.keys("NOT zzzqqqxx")
        _models[id(c)] = [Doc(k, c.doc(k), tk) for k in keys]
    return _models[id(c)]


def freqs(docs):
    n = collections.Counter()
    for d in docs:
        for f in d.fields:
            n.update(t[0] for t in f)
    return n


def windows(docs, node, left, right):
    """Brute force: (collocate counts O, window size R, node count)."""
    obs, win, nodes = collections.Counter(), 0, 0
    for d in docs:
        for f in d.fields:
            where = [t[1] for t in f if t[0] == node]
            nodes += len(where)
            for norm, pos, _, _ in f:
                if norm == node:
                    continue
                if any((pos < p and p - pos <= left) or
                       (pos > p and pos - p <= right) for p in where):
                    win += 1
                    obs[norm] += 1
    return obs, win, nodes


def close(a, b, rel=REL):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


# ----------------------------------------------------------------------
# Collocations

NODES = {"seeds": ["tokayev", "said", "kazakhstan", "russia"],
         "bbc": ["said", "government", "film", "mr", "market"]}


def nodes_of(c):
    return NODES["seeds"] if len(c) < 10 else NODES["bbc"]


@needs_nltk
@pytest.mark.parametrize("window", [(5, 5), (2, 3), (0, 1)])
def test_collocation_g2_against_nltk(corpus, window):
    bam = BigramAssocMeasures
    checked = 0
    for node in nodes_of(corpus):
        co = corpus.collocations(node, window=window, min_freq=1,
                                 measure="g2")
        R, N = co.window_tokens, co.corpus_tokens
        assert co.node_freq > 0 and R > 0
        for r in co:
            assert close(r.g2, bam.likelihood_ratio(r.observed, (R, r.freq),
                                                    N)), (node, r)
            assert close(r.mi, bam.pmi(r.observed, (R, r.freq), N)), r
            assert close(r.t_score,
                         bam.student_t(r.observed, (R, r.freq), N)), r
            checked += 1
    assert checked > 50


def test_collocation_counts(corpus):
    docs = model(corpus)
    fr = freqs(docs)
    N = sum(fr.values())
    for node in nodes_of(corpus):
        for left, right in [(5, 5), (3, 0), (1, 4)]:
            obs, R, nodes = windows(docs, node, left, right)
            co = corpus.collocations(node, window=(left, right), min_freq=1)
            assert (co.node_freq, co.window_tokens, co.corpus_tokens) == \
                (nodes, R, N)
            got = {r.term: r for r in co}
            assert {t: r.observed for t, r in got.items()} == dict(obs)
            for t, r in got.items():
                assert r.freq == fr[t]
                assert r.left + r.right == r.observed
                E = R * fr[t] / N
                assert close(r.expected, E)
                assert close(r.log_dice,
                             14 + math.log2(2 * r.observed / (nodes + fr[t])))


@needs_nltk
def test_collocation_nltk_finder(corpus):
    """Right-hand bigrams: with window (0, 1) and a node that never ends a
    field nor follows itself, R is the node's frequency and the table is
    exactly NLTK's BigramCollocationFinder's on the same token streams."""
    docs = model(corpus)
    streams = [[t[0] for t in f] for d in docs for f in d.fields if f]
    finder = BigramCollocationFinder.from_documents(streams)
    bad = set()
    for s in streams:
        bad.add(s[-1])
        bad.update(a for a, b in zip(s, s[1:]) if a == b)
    # positions must be consecutive for NLTK's neighbours to be ours
    for d in docs:
        for f in d.fields:
            bad.update(a[0] for a, b in zip(f, f[1:]) if b[1] != a[1] + 1)
    fr = freqs(docs)
    nodes = [w for w, n in fr.most_common(200) if w not in bad][:5]
    assert nodes
    for node in nodes:
        co = corpus.collocations(node, window=(0, 1), min_freq=1)
        assert co.window_tokens == fr[node]
        assert co.corpus_tokens == finder.N
        for r in co:
            assert finder.ngram_fd[(node, r.term)] == r.observed
            want = finder.score_ngram(BigramAssocMeasures.likelihood_ratio,
                                      node, r.term)
            assert close(r.g2, want), (node, r.term, r.g2, want)


def test_collocation_options(seeds):
    co = seeds.collocations("tokayev", min_freq=2, stopwords=True,
                            measure="freq", limit=3)
    assert len(co) <= 3
    assert all(r.observed >= 2 for r in co)
    assert [r.observed for r in co] == sorted((r.observed for r in co),
                                              reverse=True)
    assert "the" not in {r.term for r in co}
    for m in ["logdice", "mi", "t", "g2"]:
        rows = seeds.collocations("kazakhstan", measure=m, min_freq=2)
        key = {"logdice": lambda r: r.log_dice, "mi": lambda r: r.mi,
               "t": lambda r: r.t_score,
               "g2": lambda r: r.g2 if r.observed >= r.expected else -r.g2}[m]
        vals = [key(r) for r in rows]
        assert vals == sorted(vals, reverse=True)
    # a phrase, a prefix, a filter
    assert seeds.collocations('"state of emergency"', min_freq=1).node_freq > 0
    f = seeds.collocations("tokayev", filter='source:"Nation World News"',
                            min_freq=1)
    assert 0 < f.node_freq < seeds.collocations("tokayev").node_freq
    assert f.info["filter"] == 'source:"Nation World News"'
    assert seeds.collocations(b"tokayev").node_freq == \
        seeds.collocations("tokayev").node_freq
    assert len(seeds.collocations("zebra")) == 0


def test_collocation_errors(seeds):
    with pytest.raises(kz.QueryError) as e:
        seeds.collocations("(tokayev")
    assert e.value.position is not None
    with pytest.raises(kz.QueryError) as e:
        seeds.collocations("tokayev", filter="date:>>")
    assert e.value.query == "date:>>"
    with pytest.raises(ValueError):
        seeds.collocations("tokayev", measure="nope")
    with pytest.raises(ValueError):
        seeds.collocations("tokayev", window=0)
    with pytest.raises(ValueError):
        seeds.collocations("tokayev", window=(0, 0))
    with pytest.raises(TypeError):
        seeds.collocations(None)
    with pytest.raises(ValueError):
        seeds.collocations("tokayev", min_freq=-1)


# ----------------------------------------------------------------------
# Keyness: a small independent implementation

def ref_keyness(a, b, c, d):
    """G2 over (a, b, c-a, d-b) signed, log ratio, %DIFF, p."""
    cells = [(a, c * (a + b) / (c + d)), (b, d * (a + b) / (c + d)),
             (c - a, c * (c + d - a - b) / (c + d)),
             (d - b, d * (c + d - a - b) / (c + d))]
    g2 = 2 * math.fsum(o * math.log(o / e) for o, e in cells if o > 0)
    if a / c < b / d:
        g2 = -g2
    lr = math.log2(((a or 0.5) / c) / ((b or 0.5) / d))
    na, nb = a / c * 1e6, b / d * 1e6
    pct = (na - nb) * 100 / (nb if nb > 0 else 1e-18)
    return g2, lr, pct, math.erfc(math.sqrt(abs(g2) / 2))


def check_keyness(k, ta, tb):
    c, d = sum(ta.values()), sum(tb.values())
    assert (k.target_tokens, k.reference_tokens) == (c, d)
    words = set(ta) | set(tb)
    assert len(k) == len(words)
    prev = math.inf
    for r in k:
        a, b = ta[r.term], tb[r.term]
        assert (r.freq_target, r.freq_reference) == (a, b)
        g2, lr, pct, p = ref_keyness(a, b, c, d)
        assert close(r.g2, g2), (r, g2)
        assert close(r.log_ratio, lr)
        assert close(r.pct_diff, pct)
        assert close(r.p, p)
        assert close(r.expected, c * (a + b) / (c + d))
        assert r.g2 <= prev
        prev = r.g2


def test_keyness_against_rest(corpus):
    docs = model(corpus)
    src = collections.Counter(d.source for d in docs).most_common()[-1][0]
    target = [d for d in docs if d.source == src]
    rest = [d for d in docs if d.source != src]
    q = f'source:"{src}"'
    if not rest:  # one source: compare a word's documents with the others
        word = freqs(docs).most_common(40)[-1][0]
        target = [d for d in docs if any(t[0] == word for f in d.fields
                                         for t in f)]
        rest = [d for d in docs if d not in target]
        q = word
    k = corpus.keyness(q)
    check_keyness(k, freqs(target), freqs(rest))
    assert k.target_docs == len(target)
    assert k.reference_docs == len(rest)


def test_keyness_two_filters(seeds):
    docs = model(seeds)
    k = seeds.keyness('source:"RT DE"', 'source:MT OR source:"Global Times"')
    t = [d for d in docs if d.source == "RT DE"]
    r = [d for d in docs if d.source in ("MT", "Global Times")]
    check_keyness(k, freqs(t), freqs(r))
    top = k[0]
    assert top.g2 > 0 and top.log_ratio > 0
    assert k[-1].g2 <= 0
    assert k.info["reference"] == 'source:MT OR source:"Global Times"'


def test_keyness_options(seeds):
    k = seeds.keyness('source:"RT DE"', min_freq=3, stopwords=True, limit=10)
    assert len(k) == 10
    assert all(r.freq_target + r.freq_reference >= 3 for r in k)
    stop = {t.norm for t in kz.tokenize("the and of to a in", language="en")}
    assert not stop & {r.term for r in k}
    with pytest.raises(kz.QueryError):
        seeds.keyness("(")
    with pytest.raises(TypeError):
        seeds.keyness(None)


# ----------------------------------------------------------------------
# N-grams, dispersion

def ref_ngrams(docs, n, punct=False):
    out = collections.Counter()
    for d in docs:
        for f in d.fields:
            for i in range(len(f) - n + 1):
                g = f[i:i + n]
                if not punct and any(t[3] for t in g[1:]):
                    continue
                out[" ".join(t[0] for t in g)] += 1
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_ngrams(corpus, n):
    want = ref_ngrams(model(corpus), n)
    g = corpus.ngrams(n)
    assert {r.ngram: r.freq for r in g} == dict(want)
    assert g.total == sum(want.values())
    freqs_ = [r.freq for r in g]
    assert freqs_ == sorted(freqs_, reverse=True)
    if n == 1:
        assert {t.term: t.tf for t in corpus.vocabulary()} == dict(want)


def test_ngram_options(seeds):
    docs = model(seeds)
    assert {r.ngram: r.freq for r in seeds.ngrams(2, punct=True)} == \
        dict(ref_ngrams(docs, 2, punct=True))
    g = seeds.ngrams(3, stopwords="edges", min_freq=2)
    stop = {t[0] for d in docs for f in d.fields for t in f if t[2]}
    for r in g:
        w = r.ngram.split()
        assert w[0] not in stop and w[-1] not in stop and r.freq >= 2
    assert any(len(set(r.ngram.split()[1:-1]) & stop) for r in
               seeds.ngrams(3, stopwords="edges"))
    assert not any(set(r.ngram.split()) & stop
                   for r in seeds.ngrams(2, stopwords=True))
    assert len(seeds.ngrams(2, limit=4)) == 4
    f = seeds.ngrams(1, filter="tokayev")
    assert 0 < f.total < seeds.ngrams(1).total
    with pytest.raises(ValueError):
        seeds.ngrams(6)
    with pytest.raises(ValueError):
        seeds.ngrams(2, stopwords="middle")


def test_dispersion(seeds):
    d = seeds.dispersion("tokayev")
    counts = seeds.count("tokayev", by="all")
    assert d.hits == len(d) == counts.total_matches
    assert d.range == counts.total_docs == len(d.documents)
    docs = model(seeds)
    N = sum(x.tokens for x in docs)
    assert d.tokens == N and d.docs == len(docs)
    hits = {x.key: sum(t[0] == "tokayev" for f in x.fields for t in f)
            for x in docs}
    H = sum(hits.values())
    dp = 0.5 * sum(abs(hits[x.key] / H - x.tokens / N) for x in docs)
    assert close(d.dp, dp)
    p = [hits[x.key] / x.tokens for x in docs]
    mean = sum(p) / len(p)
    sd = math.sqrt(sum((v - mean) ** 2 for v in p) / len(p))
    assert close(d.juilland_d, 1 - sd / mean / math.sqrt(len(p) - 1))
    for h in d:
        doc = seeds.doc(h.doc)
        text = doc[h.field].encode()
        assert text[h.start:h.end].decode().lower() == "tokayev"
        assert 0 <= h.relative < 1 and h.position < h.field_tokens
    assert {x.doc: x.hits for x in d.documents} == \
        {k: v for k, v in hits.items() if v}
    df = d.to_pandas()
    assert list(df.columns)[:4] == ["doc", "date", "source", "field"]


# ----------------------------------------------------------------------
# Document-term matrix

def test_dtm_counts(corpus):
    np = pytest.importorskip("numpy")
    pytest.importorskip("scipy")
    docs = {d.key: d for d in model(corpus)}
    m = corpus.dtm()
    X = m.matrix
    assert X.shape == m.shape == (len(docs), len(m.vocabulary))
    assert m.vocabulary == sorted(m.vocabulary, key=lambda s: s.encode())
    col = {t: j for j, t in enumerate(m.vocabulary)}
    for i, key in enumerate(m.keys):
        want = collections.Counter(t[0] for f in docs[key].fields for t in f)
        row = X.getrow(i)
        got = {m.vocabulary[j]: v for j, v in zip(row.indices, row.data)}
        assert got == dict(want)
        assert list(row.indices) == sorted(row.indices)
    # the data is libkz's memory, not a copy
    assert np.shares_memory(X.data, np.frombuffer(m.data, dtype="float64"))
    assert np.shares_memory(X.indices, np.frombuffer(m.indices, "int32"))
    assert m.indptr.format == "q" and m.indices.format == "i"
    dfs = np.diff(X.tocsc().indptr)
    assert list(dfs) == m.df
    del col


def test_dtm_tfidf(seeds):
    np = pytest.importorskip("numpy")
    pytest.importorskip("scipy")
    counts = seeds.dtm()
    m = seeds.dtm(weighting="tfidf", norm="l2", min_df=2, max_df=0.8)
    n = counts.shape[0]
    keep = [j for j, df in enumerate(counts.df) if 2 <= df <= 0.8 * n]
    assert m.vocabulary == [counts.vocabulary[j] for j in keep]
    C = counts.matrix.toarray()[:, keep]
    idf = np.log((1 + n) / (1 + np.array([counts.df[j] for j in keep]))) + 1
    W = C * idf
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    assert np.allclose(m.matrix.toarray(), W, rtol=1e-12, atol=0)
    top = seeds.dtm(max_features=7, stopwords=True)
    assert len(top.vocabulary) == 7
    stop = {t[0] for d in model(seeds) for f in d.fields for t in f if t[2]}
    tf = dict(zip(counts.vocabulary, np.asarray(counts.matrix.sum(axis=0))[0]))
    ranked = sorted((v for t, v in tf.items() if t not in stop), reverse=True)
    assert sorted((tf[t] for t in top.vocabulary), reverse=True) == ranked[:7]
    assert seeds.dtm(min_df=5).shape[1] < counts.shape[1]
    assert seeds.dtm(max_df=1).shape[1] < counts.shape[1]  # 1 document
    with pytest.raises(ValueError):
        seeds.dtm(min_df=1.5)
    with pytest.raises(ValueError):
        seeds.dtm(weighting="bm25")


def test_dtm_without_scipy(seeds, monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.sparse", None)
    m = seeds.dtm()
    data, indices, indptr = m.matrix
    assert isinstance(data, memoryview) and data.format == "d"
    assert len(indptr) == m.shape[0] + 1 and indptr[-1] == len(data)
    assert len(indices) == len(data)
    assert "no SciPy" in repr(m)


def test_dtm_buffers_outlive_the_object(seeds):
    np = pytest.importorskip("numpy")
    m = seeds.dtm()
    a = np.frombuffer(m.data, dtype="float64")
    total = a.sum()
    del m
    import gc
    gc.collect()
    assert a.sum() == total


def test_dtm_display(seeds):
    pytest.importorskip("scipy")
    pd = pytest.importorskip("pandas")
    m = seeds.dtm(filter="tokayev")
    assert "documents x" in repr(m)
    assert "kz.DocumentTermMatrix" in m._repr_html_()
    df = m.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == m.keys and list(df.columns) == m.vocabulary


# ----------------------------------------------------------------------
# Quotes, numbers, entities

def test_article_quotes_and_numbers():
    for path in sorted(SEEDS.glob("*.txt")):
        a = kz.parse(path)
        qs = a.quotes()
        for q in qs:
            assert q.doc is None and q.source == a.source
            assert q.kind in ("direct", "partial", "scare")
            span = a.body[q.start:q.end]
            assert q.text.split()[0].strip("“”\"'‘’,.") in span
        for n in a.numbers():
            assert n.low <= n.value <= n.high
            if n.start is not None:
                assert a.body[n.start:n.end] == n.exact
        ms = a.mentions()
        assert len(ms) > 0


def test_corpus_quotes_match_articles(seeds):
    qs = seeds.quotes()
    by_doc = collections.defaultdict(list)
    for q in qs:
        by_doc[q.doc].append((q.speaker, q.text, q.kind))
        body = seeds.doc(q.doc)["body"]
        assert q.text.split()[0].strip("“”\"'‘’,.") in body[q.start:q.end]
    for path in sorted(SEEDS.glob("*.txt")):
        a = kz.parse(path)
        assert by_doc[str(path)] == [(q.speaker, q.text, q.kind)
                                     for q in a.quotes()]
    assert len(seeds.quotes(stored_only=True)) > 0
    rt = seeds.quotes('source:"RT DE"')
    assert rt and all(q.source == "RT DE" for q in rt)
    assert all(isinstance(q.date, (datetime.date, type(None))) for q in qs)


def test_corpus_numbers_and_entities(seeds):
    ns = seeds.numbers()
    assert len(ns) > 10
    values = {(n.value, n.qualifier) for n in ns}
    assert any(v >= 2500 for v, _ in values)
    assert {n.source for n in ns} >= {"RT DE", "MT"}
    df = ns.to_pandas()
    assert list(df.columns) == ["doc", "source", "date", "value", "low",
                                "high", "qualifier", "unit", "counted",
                                "exact", "start", "end"]
    es = seeds.entities()
    tok = [e for e in es if "Tokayev" in e.variants]
    assert len(tok) == 1
    assert "Toqayev" in tok[0].variants and tok[0].kind == "person"
    assert sum(tok[0].by_source.values()) == tok[0].count
    assert len(seeds.entities(stored_only=True)) > 0


# ----------------------------------------------------------------------
# Display and threads

def test_tables_display(seeds):
    pd = pytest.importorskip("pandas")
    results = [seeds.collocations("tokayev"), seeds.keyness('source:MT'),
               seeds.ngrams(2), seeds.dispersion("tokayev"), seeds.quotes(),
               seeds.numbers(), seeds.entities(),
               kz.parse(sorted(SEEDS.glob("*.txt"))[0]).mentions()]
    for r in results:
        text = repr(r)
        assert text.startswith("<kz.") and "\n" in text
        html = r._repr_html_()
        assert html.startswith("<div") and "<table" in html
        assert "<script" not in html
        df = r.to_pandas()
        assert isinstance(df, pd.DataFrame) and len(df) == len(r)
        assert list(df.columns) == r.columns
        assert r[0] == list(r)[0] and r[-1] == r[len(r) - 1]
        assert isinstance(r.info, dict)
    co = results[0]
    assert co.node_freq == co.info["node_freq"]
    with pytest.raises(AttributeError):
        co.no_such_thing


def test_html_is_escaped(tmp_path):
    c = kz.Corpus(tmp_path / "c", create=True)
    c.add('The minister said: "<script>alert(1)</script> is what we fear," '
          'and left.', key="<k>", title="<i>t</i>", source="<S>")
    c.commit()
    for r in (c.quotes(), c.dispersion("said"), c.collocations("said",
                                                                min_freq=1)):
        html = r._repr_html_()
        assert "<script>" not in html and "<k>" not in html
        assert "<S>" not in html
    assert "&lt;script&gt;" in c.quotes()._repr_html_()
    assert "&lt;k&gt;" in c.dispersion("said")._repr_html_()
    c.close()
    with pytest.raises(ValueError):
        c.collocations("said")


def test_threads(seeds):
    want = [r.g2 for r in seeds.collocations("said", min_freq=1)]
    out, errors = [], []

    def work():
        try:
            for _ in range(5):
                out.append([r.g2 for r in seeds.collocations("said",
                                                             min_freq=1)])
                seeds.keyness("source:MT")
        except Exception as e:  # pragma: no cover
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors and all(o == want for o in out) and len(out) == 20
