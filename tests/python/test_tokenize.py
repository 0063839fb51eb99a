"""Tests of the Python binding (bindings/python/kzmodule.c): tokens, offsets,
normalization switches, errors, sentences, threads and the seed corpus."""
import array
import threading
import time

import pytest

import kz

KINDS = {"word", "number", "punct", "symbol", "url", "email", "handle",
         "hashtag", "ideograph", "emoji"}

MIXED = ("Президент Kassym-Jomart Tokayev said “it’s fine” on 11 January; "
         "«Ёлки» — 2,500 troops 🇰🇿 arrived 👍🏽. Café naïve 東京 ok.")


def check_tokens(text, tokens):
    """Every token slices back to its text, in order, without overlap."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    prev_end = 0
    prev_pos = 0
    for t in tokens:
        assert 0 <= t.start < t.end <= len(data), t
        assert t.start >= prev_end, (t, prev_end)
        assert t.position >= prev_pos, t
        assert t.kind in KINDS, t
        if isinstance(text, str):
            assert isinstance(t.text, str)
            assert text[t.char_start:t.char_end] == t.text
            assert data[t.start:t.end].decode("utf-8") == t.text
        else:
            assert isinstance(t.text, bytes)
            assert (t.char_start, t.char_end) == (t.start, t.end)
            assert data[t.start:t.end] == t.text
        assert isinstance(t.norm, str)
        prev_end, prev_pos = t.end, t.position


def norms(text, **kw):
    return [t.norm for t in kz.tokenize(text, **kw)]


def words(text, **kw):
    return [t.norm for t in kz.tokenize(text, **kw)
            if t.kind not in ("punct", "symbol")]


# --- module -------------------------------------------------------------------

def test_version():
    assert isinstance(kz.__version__, str)
    major, minor, patch = (int(x) for x in kz.__version__.split("."))
    assert kz.version_number == major * 10000 + minor * 100 + patch


def test_error_hierarchy():
    for name in ("InvalidArgument", "NotFound", "Utf8Error", "CorruptError",
                 "BusyError", "QueryError", "VersionError", "IOError",
                 "BufferSizeError", "UnsupportedError", "LimitError",
                 "FormatError"):
        cls = getattr(kz, name)
        assert issubclass(cls, kz.Error) and cls is not kz.Error, name
    assert issubclass(kz.Error, Exception)
    assert issubclass(kz.InvalidArgument, ValueError)
    assert issubclass(kz.NotFound, LookupError)


def test_module_instances_are_independent():
    # Multi-phase init: a second instance of the module gets its own types
    # and exceptions in its own state.
    import importlib.util
    spec = importlib.util.find_spec("kz")
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    assert other.Token is not kz.Token and other.Error is not kz.Error
    assert type(other.tokenize("a")[0]) is other.Token
    with pytest.raises(other.NotFound):
        other.Tokenizer(stem="zz")


def test_docstrings():
    for obj in (kz, kz.tokenize, kz.sentences, kz.Token, kz.Tokenizer,
                kz.Tokenizer.tokenize, kz.Tokenizer.sentences, kz.Error):
        assert obj.__doc__ and len(obj.__doc__) > 20, obj
    assert "byte offsets" in kz.sentences.__doc__


def test_signatures():
    import inspect
    params = inspect.signature(kz.tokenize).parameters
    assert list(params) == ["text", "stem", "fold_diacritics", "language",
                            "nfkc", "casefold", "quotes", "numbers",
                            "possessive", "punct", "stopwords", "plain"]
    assert all(p.kind is p.KEYWORD_ONLY for p in list(params.values())[1:])
    assert params["stem"].default is None and params["nfkc"].default is True
    assert list(inspect.signature(kz.Tokenizer).parameters) == list(params)[1:]
    assert list(inspect.signature(kz.sentences).parameters) == \
        ["text", "language", "abbreviations", "line_breaks"]
    assert list(inspect.signature(kz.Tokenizer.sentences).parameters) == \
        ["self", "text", "abbreviations", "line_breaks"]


# --- offsets --------------------------------------------------------------------

def test_offsets_slice_back_str_non_ascii():
    toks = kz.tokenize(MIXED)
    check_tokens(MIXED, toks)
    texts = [t.text for t in toks]
    for w in ("Президент", "Kassym", "Jomart", "Tokayev", "it’s", "Ёлки",
              "2,500", "Café", "naïve"):
        assert w in texts, w
    # Offsets differ between bytes and code points once non-ASCII is seen.
    t = toks[texts.index("Tokayev")]
    assert t.char_start < t.start
    assert t.end - t.start == len("Tokayev")


def test_bytes_input_matches_str_input():
    data = MIXED.encode("utf-8")
    from_str = kz.tokenize(MIXED)
    from_bytes = kz.tokenize(data)
    check_tokens(data, from_bytes)
    assert [(t.start, t.end, t.norm, t.kind, t.position, t.flags)
            for t in from_str] == \
        [(t.start, t.end, t.norm, t.kind, t.position, t.flags)
         for t in from_bytes]
    assert [t.text.encode("utf-8") for t in from_str] == \
        [t.text for t in from_bytes]


@pytest.mark.parametrize("make", [bytearray, memoryview,
                                  lambda b: array.array("B", b)])
def test_bytes_like_input(make):
    data = "Астана, 11 January: Tokayev’s speech".encode("utf-8")
    toks = kz.tokenize(make(data))
    check_tokens(data, toks)
    assert [t.norm for t in toks] == norms(data)
    assert all(type(t.text) is bytes for t in toks)


def test_empty_and_nul():
    assert kz.tokenize("") == []
    assert kz.tokenize(b"") == []
    assert kz.sentences("") == []
    toks = kz.tokenize("alpha\x00beta")
    check_tokens("alpha\x00beta", toks)
    assert "alpha" in [t.text for t in toks] and "beta" in [t.text for t in toks]


def test_text_type_errors():
    with pytest.raises(TypeError):
        kz.tokenize(42)
    with pytest.raises(TypeError):
        kz.tokenize(None)
    with pytest.raises(TypeError):
        kz.sentences(["a"])
    with pytest.raises(TypeError):
        kz.tokenize("a", "b")  # options are keyword-only
    with pytest.raises(TypeError):
        kz.tokenize("a", colour=True)
    # A lone surrogate has no UTF-8 form: a clear error, not a crash.
    with pytest.raises(UnicodeEncodeError):
        kz.tokenize("abc\ud800def")


def test_large_non_ascii_is_linear():
    # Char offsets come from one pass; per-token rescans would take minutes.
    text = "Казахстан’s президент Токаев — 3,000 тенге. " * 20000  # ~1 MB
    t0 = time.perf_counter()
    toks = kz.tokenize(text)
    elapsed = time.perf_counter() - t0
    last = toks[-1]
    assert text[last.char_start:last.char_end] == last.text
    assert last.char_end == len(text.rstrip())
    assert elapsed < 30, elapsed


# --- normalization ----------------------------------------------------------------

def test_apostrophes_unified():
    assert norms("Kazakhstan’s") == norms("Kazakhstan's")
    assert norms("Kazakhstan’s", quotes=False) != \
        norms("Kazakhstan's", quotes=False)


def test_possessive():
    assert words("Tokayev’s plan", possessive=True) == \
        words("Tokayev plan", possessive=True)
    assert words("Tokayev’s plan") != words("Tokayev plan")


def test_casefold_and_nfkc():
    assert words("ТОКАЕВ Straße") == words("токаев strasse")
    assert words("ТОКАЕВ", casefold=False) == ["ТОКАЕВ"]
    # NFKC: the ligature and full-width digits become plain letters/digits.
    assert words("ﬁnal ２０２２") == ["final", "2022"]
    assert words("２０２２", nfkc=False) != ["2022"]


def test_numbers():
    [a] = kz.tokenize("3,000")
    [b] = kz.tokenize("3000")
    assert a.kind == b.kind == "number"
    assert a.norm == b.norm == "3000"
    assert kz.tokenize("3,000", numbers=False)[0].norm == "3,000"
    for s in ("0.14", "6,000", "10:29"):
        toks = [t for t in kz.tokenize(s) if t.kind == "number"]
        assert toks, s
    pct = kz.tokenize("32%")
    assert pct[0].kind == "number" and pct[0].text == "32"
    assert any(t.text == "%" and t.kind in ("symbol", "punct") for t in pct)


@pytest.mark.parametrize("lang,forms,stem", [
    ("en", ["connections", "connected"], "connect"),
    ("de", ["Häuser", "Häusern"], "haus"),
    ("ru", ["президента", "президентом"], "президент"),
])
def test_stemming(lang, forms, stem):
    for form in forms:
        [plain] = words(form)
        [stemmed] = words(form, stem=lang)
        assert stemmed != plain
        assert stemmed == stem
        assert words(form, stem=True, language=lang) == [stemmed]
        assert kz.Tokenizer(stem=lang).tokenize(form)[0].norm == stemmed


def test_fold_diacritics():
    assert words("Café naïve") == ["café", "naïve"]
    assert words("Café naïve", fold_diacritics=True) == ["cafe", "naive"]
    # Not only Latin: й -> и, ё -> е.
    assert words("Ёлка Йошкар", fold_diacritics=True) == words("Елка Иошкар")


# --- kinds and flags ------------------------------------------------------------------

def test_kinds():
    text = ("Read https://example.org/news?id=7 or write to "
            "press@akorda.kz, follow @Tokayev_Kz and #Kazakhstan now")
    toks = kz.tokenize(text)
    check_tokens(text, toks)
    by_kind = {t.kind: t.text for t in toks}
    assert by_kind["url"] == "https://example.org/news?id=7"
    assert by_kind["email"] == "press@akorda.kz"
    assert by_kind["handle"] == "@Tokayev_Kz"
    assert by_kind["hashtag"] == "#Kazakhstan"
    assert by_kind["word"] in text
    assert by_kind["punct"] == ","
    # plain=True: pure UAX #29, nothing joined.
    plain_kinds = {t.kind for t in kz.tokenize(text, plain=True)}
    assert not plain_kinds & {"url", "email", "handle", "hashtag"}


def test_hyphenated():
    toks = kz.tokenize("President Kassym-Jomart Tokayev")
    by_text = {t.text: t for t in toks}
    assert by_text["Jomart"].hyphenated
    assert by_text["Jomart"].flags & kz.TOKEN_HYPHENATED
    assert not by_text["Kassym"].hyphenated
    assert not by_text["Tokayev"].hyphenated
    assert not by_text["President"].hyphenated
    # The parts stay consecutive positions, so the phrase can be found.
    assert by_text["Jomart"].position == by_text["Kassym"].position + 1


def test_positions_skip_punctuation():
    toks = kz.tokenize("Astana, Almaty; Shymkent")
    words_ = [t for t in toks if t.kind == "word"]
    assert [t.position for t in words_] == [0, 1, 2]
    comma = next(t for t in toks if t.text == ",")
    assert comma.position == 1  # the position the next word gets


def test_punct_and_stopwords_switches():
    text = "The president of Kazakhstan, Tokayev, spoke."
    kinds = {t.kind for t in kz.tokenize(text, punct=False)}
    assert not kinds & {"punct", "symbol"}
    toks = kz.tokenize(text, language="en")
    the = next(t for t in toks if t.text == "The")
    assert the.stopword and the.flags & kz.TOKEN_STOPWORD
    assert not next(t for t in toks if t.text == "Tokayev").stopword
    kept = [t.text for t in kz.tokenize(text, language="en", stopwords=False)]
    assert "The" not in kept and "of" not in kept
    assert "Tokayev" in kept and "Kazakhstan" in kept


# --- invalid UTF-8 ------------------------------------------------------------------------

def test_invalid_utf8_bytes():
    data = b"Astana \xff\xfe city \xc3( and \xe2\x82 end \x80"
    tk = kz.Tokenizer()
    toks = tk.tokenize(data)
    check_tokens(data, toks)
    # Bad bytes: ff, fe, c3 (before "("), e2 82 (truncated), 80 -> 6.
    assert tk.repaired == 6
    texts = [t.text for t in toks]
    for w in (b"Astana", b"city", b"and", b"end"):
        assert w in texts
    bad = [t for t in toks if t.repaired]
    assert bad
    for t in bad:
        with pytest.raises(UnicodeDecodeError):
            t.text.decode("utf-8")
    tk.tokenize(b"valid text")
    assert tk.repaired == 0


def test_invalid_utf8_random_no_crash():
    import random
    rng = random.Random(1234)
    tk = kz.Tokenizer(stem="en", fold_diacritics=True, possessive=True)
    for _ in range(300):
        n = rng.randrange(0, 64)
        data = bytes(rng.choice(b"ab \xc3\xa9\xe2\x80\x99\xff\x80.,-@#:/3")
                     for _ in range(n))
        toks = tk.tokenize(data)
        check_tokens(data, toks)
        for s, e in tk.sentences(data):
            assert 0 <= s <= e <= len(data)


# --- errors ----------------------------------------------------------------------------------

def test_unknown_stem_language():
    with pytest.raises(kz.Error) as info:
        kz.tokenize("text", stem="klingon")
    assert type(info.value) is not kz.Error  # a specific subclass
    assert "klingon" in str(info.value)
    assert isinstance(info.value.code, int) and info.value.code < 0
    with pytest.raises(kz.Error) as info:
        kz.Tokenizer(stem=True, language="xx")
    assert "xx" in str(info.value)


def test_bad_options():
    with pytest.raises(kz.InvalidArgument):
        kz.tokenize("text", stem=True)  # no language to stem in
    with pytest.raises(kz.InvalidArgument):
        kz.tokenize("text", stem="en", language="de")
    with pytest.raises(TypeError):
        kz.tokenize("text", stem=3)
    with pytest.raises(TypeError):
        kz.tokenize("text", language=b"en")
    with pytest.raises(ValueError):
        kz.tokenize("text", language="e\x00n")


# --- Token and Tokenizer objects -------------------------------------------------------------

def test_token_object():
    [t] = kz.tokenize("Kazakhstan")
    assert repr(t) == ("Token('Kazakhstan', norm='kazakhstan', kind='word', "
                       "start=0, end=10)")
    with pytest.raises(AttributeError):
        t.norm = "x"
    with pytest.raises(AttributeError):
        t.extra = 1
    with pytest.raises(TypeError):
        kz.Token()
    [u] = kz.tokenize("Kazakhstan")
    assert t == u and hash(t) == hash(u)
    assert t != kz.tokenize("Kazakhstan", casefold=False)[0]
    assert len({t, u}) == 1


ALL_OPTIONS = dict(stem="en", fold_diacritics=True, language="en",
                   nfkc=False, casefold=False, quotes=False, numbers=False,
                   possessive=True, punct=False, stopwords=False, plain=True)


def test_all_options_accepted():
    text = "the Café’s 3,000 ﬁles, @Tokayev"
    toks = kz.tokenize(text, **ALL_OPTIONS)
    check_tokens(text, toks)
    assert toks == kz.Tokenizer(**ALL_OPTIONS).tokenize(text)
    assert not {t.kind for t in toks} & {"punct", "symbol", "handle"}
    assert "3,000" in [t.norm for t in toks]  # numbers=False
    assert "the" not in [t.text for t in toks]  # stopwords=False
    assert "ﬁles" in [t.text for t in toks]
    r = repr(kz.Tokenizer(**ALL_OPTIONS))
    for name in ALL_OPTIONS:
        assert name + "=" in r, (name, r)


def test_tokenizer_reuse():
    tk = kz.Tokenizer(language="en", stem=True, punct=False)
    assert tk.language == "en"
    assert "stem=True" in repr(tk) and "punct=False" in repr(tk)
    for text in (MIXED, "Connections connected.", MIXED.encode()):
        assert tk.tokenize(text) == kz.tokenize(text, language="en",
                                                stem=True, punct=False)
    with pytest.raises(TypeError):
        tk.tokenize()
    with pytest.raises(TypeError):
        tk.tokenize("a", stem="en")
    with pytest.raises(TypeError):
        kz.Tokenizer("en")


# --- sentences -------------------------------------------------------------------------------

SENTENCES = [
    "Mr. Smith went to Washington on Jan. 5.",
    "He met the U.S. envoy at 10 a.m. and left!",
    "Tokayev said: “We agree.”",
    "Президент сказал: «Да».",
]


def test_sentences_str():
    text = "  " + " ".join(SENTENCES[:3]) + "\n\n" + SENTENCES[3] + "\n"
    spans = kz.sentences(text, language="en")
    assert [text[s:e] for s, e in spans] == SENTENCES
    tk = kz.Tokenizer(language="en")
    assert tk.sentences(text) == spans


def test_sentences_bytes_offsets():
    text = " ".join(SENTENCES)
    data = text.encode("utf-8")
    char_spans = kz.sentences(text, language="en")
    byte_spans = kz.sentences(data, language="en")
    assert len(char_spans) == len(byte_spans)
    for (cs, ce), (bs, be) in zip(char_spans, byte_spans):
        assert text[cs:ce].encode("utf-8") == data[bs:be]
    assert byte_spans[-1][1] > char_spans[-1][1]  # Cyrillic: 2 bytes a char


def test_sentence_options():
    text = "Mr. Smith arrived. He left."
    assert len(kz.sentences(text, language="en")) == 2
    assert len(kz.sentences(text, language="en", abbreviations=False)) > 2
    wrapped = "The president spoke\nto the press today."
    assert len(kz.sentences(wrapped)) == 1
    assert len(kz.sentences(wrapped, line_breaks=True)) == 2
    tk = kz.Tokenizer(language="en")
    assert tk.sentences(wrapped, line_breaks=True) == \
        kz.sentences(wrapped, line_breaks=True, language="en")
    with pytest.raises(TypeError):
        tk.sentences(wrapped, colour=True)


# --- threads -----------------------------------------------------------------------------------

def test_threads_share_and_own_tokenizers(corpus_files):
    texts = [f.read_text(encoding="utf-8") for f in corpus_files]
    expected = [kz.tokenize(t, language="en", stem=True) for t in texts]
    shared = kz.Tokenizer(language="en", stem=True)
    errors = []

    def work(tk):
        try:
            for _ in range(5):
                for text, exp in zip(texts, expected):
                    assert (tk or shared).tokenize(text) == exp
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(tk,))
               for tk in [None] * 4 + [kz.Tokenizer(language="en", stem=True)
                                       for _ in range(4)]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_gil_released_during_c_work():
    # Sentence splitting of a long text without full stops is long C work
    # with a tiny result.  A thread that ticks every millisecond can only
    # tick during that work if the call releases the GIL.
    tk = kz.Tokenizer()
    unit = "word " * 200_000  # 1 MB
    t0 = time.perf_counter()
    tk.sentences(unit)
    per_mb = max(time.perf_counter() - t0, 1e-4)
    text = unit * max(1, min(200, int(0.3 / per_mb)))

    ticks = 0
    stop = False

    def ticker():
        nonlocal ticks
        while not stop:
            time.sleep(0.001)
            ticks += 1

    th = threading.Thread(target=ticker)
    th.start()
    try:
        time.sleep(0.02)
        before = ticks
        t0 = time.perf_counter()
        spans = tk.sentences(text)
        elapsed = time.perf_counter() - t0
        during = ticks - before
    finally:
        stop = True
        th.join()
    assert len(spans) == 1
    if elapsed >= 0.1:
        assert during >= 10, (during, elapsed)


# --- the seed corpus -----------------------------------------------------------------------------

def test_corpus(corpus_files):
    tk = kz.Tokenizer(language="en")
    for path in corpus_files:
        text = path.read_text(encoding="utf-8")
        toks = tk.tokenize(text)
        check_tokens(text, toks)
        assert tk.repaired == 0
        assert sum(t.kind == "word" for t in toks) > 200, path.name
        assert all(t.norm for t in toks if t.kind == "word")
        data = path.read_bytes()
        assert [(t.start, t.end, t.norm) for t in tk.tokenize(data)] == \
            [(t.start, t.end, t.norm) for t in toks]
        spans = tk.sentences(text)
        assert len(spans) > 10
        prev = 0
        for s, e in spans:
            assert prev <= s < e <= len(text)
            assert text[s:e] == text[s:e].strip()
            prev = e
