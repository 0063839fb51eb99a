"""Type stubs for kz, the Python binding of libkz (bindings/python/kzmodule.c)."""

import datetime
import os
from collections.abc import Callable, Iterator, Mapping
from typing import (Any, Final, Generic, Literal, TypeAlias, TypeVar, Union,
                    final, overload)

# Anything with the buffer protocol is accepted (bytes, bytearray, memoryview,
# array, mmap...); collections.abc.Buffer only exists from Python 3.12 on.
_BytesLike: TypeAlias = Union[bytes, bytearray, memoryview]
_Text: TypeAlias = Union[str, _BytesLike]

_Kind: TypeAlias = Literal[
    "word", "number", "punct", "symbol", "url", "email", "handle", "hashtag",
    "ideograph", "emoji", "unknown",
]

_BlockKind: TypeAlias = Literal[
    "paragraph", "heading", "caption", "credit", "standfirst", "box", "byline",
    "quote-box", "related-link", "comment", "boilerplate", "unknown",
]

__version__: Final[str]
version_number: Final[int]

TOKEN_HYPHENATED: Final[int]
TOKEN_STOPWORD: Final[int]
TOKEN_REPAIRED: Final[int]
TOKEN_CAPITALIZED: Final[int]
TOKEN_ALLCAPS: Final[int]
TOKEN_SPACE_BEFORE: Final[int]
TOKEN_NEWLINE_BEFORE: Final[int]

class Error(Exception):
    """Base class of the errors raised by libkz."""
    code: int

class InvalidArgument(Error, ValueError): ...
class Utf8Error(Error, ValueError): ...
class NotFound(Error, LookupError): ...
class BufferSizeError(Error): ...
class IOError(Error, OSError): ...
class CorruptError(Error): ...
class BusyError(Error): ...
class QueryError(Error, ValueError):
    """A query could not be parsed; position is a code point offset in a
    str query (a byte offset in a bytes query), or None."""
    query: Union[str, bytes]
    position: Union[int, None]
class VersionError(Error): ...
class UnsupportedError(Error): ...
class LimitError(Error, ValueError): ...
class FormatError(Error, ValueError): ...
class FileNotFound(FileNotFoundError, NotFound):
    """A missing file given to parse(): errno, strerror, filename are set."""

@final
class Token:
    """A token found by kz.tokenize() or kz.Tokenizer.tokenize() (immutable)."""
    @property
    def text(self) -> Union[str, bytes]:
        """The original slice: str for str input, bytes for bytes-like input."""
    @property
    def norm(self) -> str: ...
    @property
    def kind(self) -> _Kind: ...
    @property
    def start(self) -> int:
        """Byte offset into the UTF-8 input."""
    @property
    def end(self) -> int: ...
    @property
    def char_start(self) -> int:
        """Code point offset (str input); equal to start for bytes input."""
    @property
    def char_end(self) -> int: ...
    @property
    def position(self) -> int: ...
    @property
    def flags(self) -> int: ...
    @property
    def hyphenated(self) -> bool: ...
    @property
    def stopword(self) -> bool: ...
    @property
    def repaired(self) -> bool: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Tokenizer:
    """A reusable tokenizer with fixed options; safe to share between threads."""
    def __init__(
        self,
        *,
        stem: Union[None, bool, str] = None,
        fold_diacritics: bool = False,
        language: Union[str, None] = None,
        nfkc: bool = True,
        casefold: bool = True,
        quotes: bool = True,
        numbers: bool = True,
        possessive: bool = False,
        punct: bool = True,
        stopwords: bool = True,
        plain: bool = False,
    ) -> None: ...
    def tokenize(self, text: _Text, /) -> list[Token]: ...
    def sentences(
        self,
        text: _Text,
        /,
        *,
        abbreviations: bool = True,
        line_breaks: bool = False,
    ) -> list[tuple[int, int]]: ...
    @property
    def repaired(self) -> int:
        """Invalid UTF-8 bytes read as U+FFFD by the last call."""
    @property
    def flags(self) -> int: ...
    @property
    def language(self) -> Union[str, None]: ...

def tokenize(
    text: _Text,
    *,
    stem: Union[None, bool, str] = None,
    fold_diacritics: bool = False,
    language: Union[str, None] = None,
    nfkc: bool = True,
    casefold: bool = True,
    quotes: bool = True,
    numbers: bool = True,
    possessive: bool = False,
    punct: bool = True,
    stopwords: bool = True,
    plain: bool = False,
) -> list[Token]: ...

def sentences(
    text: _Text,
    *,
    language: Union[str, None] = None,
    abbreviations: bool = True,
    line_breaks: bool = False,
) -> list[tuple[int, int]]:
    """Sentence spans: code point offsets for str, byte offsets for bytes."""

@final
class Block:
    """A block of an Article, in reading order (immutable)."""
    @property
    def kind(self) -> _BlockKind: ...
    @property
    def text(self) -> str:
        """Clean text: tags stripped, entities decoded, wraps re-flowed."""
    @property
    def start(self) -> int:
        """Byte offset of the block's lines in the raw input."""
    @property
    def end(self) -> int: ...
    @property
    def duplicate_of(self) -> Union[int, None]:
        """Index of the earlier block this one repeats, or None."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Article:
    """A parsed news article, returned by parse() (immutable)."""
    @property
    def title(self) -> Union[str, None]: ...
    @property
    def title_language(self) -> str:
        """ISO 639-1 code, or 'und'."""
    @property
    def language(self) -> str:
        """ISO 639-1 code of the body, or 'und'."""
    @property
    def date(self) -> Union[datetime.date, None]:
        """Publication date, or None when the page states none."""
    @property
    def time(self) -> Union[str, None]:
        """Publication time 'HH:MM' as written, or None."""
    @property
    def date_span(self) -> Union[tuple[int, int], None]:
        """Byte offsets of the date in the raw input, or None."""
    @property
    def source(self) -> Union[str, None]: ...
    @property
    def original_source(self) -> Union[str, None]: ...
    @property
    def authors(self) -> list[str]: ...
    @property
    def dateline(self) -> Union[str, None]: ...
    @property
    def blocks(self) -> list[Block]: ...
    @property
    def paragraphs(self) -> list[str]:
        """Texts of the paragraph blocks that are not duplicates."""
    @property
    def captions(self) -> list[str]: ...
    @property
    def headings(self) -> list[str]: ...
    @property
    def body(self) -> str:
        """Kept standfirst and paragraph texts joined by blank lines."""
    @property
    def warnings(self) -> list[str]: ...
    @property
    def key(self) -> Union[str, None]:
        """Its key in a corpus (Corpus.doc()), else None."""
    @property
    def url(self) -> Union[str, None]: ...
    def __getitem__(self, name: str) -> Any:
        """The values of the dict Corpus.doc() returned before (keys())."""
    def __contains__(self, name: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def get(self, name: str, default: Any = None, /) -> Any: ...
    def keys(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as a dict (date as an ISO str)."""
    def to_json(self) -> str: ...
    def _repr_html_(self) -> str: ...
    def quotes(self) -> Quotes:
        """Quotations with speakers; start/end are code point offsets into body."""
    def numbers(self) -> Numbers: ...
    def mentions(self) -> Mentions: ...

def parse(
    source: Union[str, os.PathLike[str], os.PathLike[bytes], _BytesLike],
    *,
    language: Union[str, None] = None,
    source_name: Union[str, None] = None,
    strict_utf8: bool = False,
    allow_binary: bool = False,
) -> Article:
    """Parse a page: a path (os.PathLike, or a str without line breaks naming
    an existing file), the page's text (str) or its bytes."""

# ----------------------------------------------------------------------
# The corpus

_Path: TypeAlias = Union[str, os.PathLike[str], os.PathLike[bytes]]
_Key: TypeAlias = Union[str, bytes, os.PathLike[str]]
_Query: TypeAlias = Union[str, _BytesLike]
_Field: TypeAlias = Literal["title", "body", "caption", "heading"]
_Progress: TypeAlias = Union[bool, None, Callable[[int, int, int], Any]]

@final
class Hit:
    """One search hit (immutable), an item of kz.Results."""
    @property
    def key(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def title(self) -> Union[str, None]: ...
    @property
    def source(self) -> Union[str, None]: ...
    @property
    def date(self) -> Union[datetime.date, None]: ...
    @property
    def author(self) -> Union[str, None]:
        """Authors joined by '; '."""
    @property
    def url(self) -> Union[str, None]: ...
    @property
    def language(self) -> Union[str, None]: ...
    @property
    def snippet(self) -> str: ...
    @property
    def highlights(self) -> list[tuple[int, int]]:
        """Code point ranges of the matches in the snippet."""
    @property
    def body_highlights(self) -> list[tuple[int, int]]:
        """Code point ranges of the matches in the stored body."""
    @property
    def body(self) -> Union[str, None]:
        """The stored body with search(..., body=True), else None."""

@final
class Results:
    """The hits of Corpus.search(), in rank order."""
    @property
    def total(self) -> int:
        """Number of matching documents."""
    @property
    def exact(self) -> bool: ...
    @property
    def query(self) -> _Query: ...
    @overload
    def __getitem__(self, i: int) -> Hit: ...
    @overload
    def __getitem__(self, s: slice) -> tuple[Hit, ...]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Hit]: ...
    def to_pandas(self) -> Any:
        """A pandas.DataFrame, one row per hit."""
    def _repr_html_(self) -> str: ...

@final
class KwicRow(tuple[str, str, str, str, int, int]):
    """(doc, left, match, right, start, end); start/end are byte offsets of
    the match in the stored field."""
    @property
    def doc(self) -> str: ...
    @property
    def left(self) -> str: ...
    @property
    def match(self) -> str: ...
    @property
    def right(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def field(self) -> _Field: ...

@final
class Concordance:
    """The KWIC concordance of Corpus.kwic()."""
    @property
    def query(self) -> _Query: ...
    @overload
    def __getitem__(self, i: int) -> KwicRow: ...
    @overload
    def __getitem__(self, s: slice) -> tuple[KwicRow, ...]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[KwicRow]: ...
    def to_pandas(self) -> Any: ...
    def _repr_html_(self) -> str: ...

@final
class CountRow(tuple[Union[str, None], int, int, int, int, float]):
    """(group, docs, matches, group_docs, group_words, per_million)."""
    @property
    def group(self) -> Union[str, None]: ...
    @property
    def docs(self) -> int: ...
    @property
    def matches(self) -> int: ...
    @property
    def group_docs(self) -> int: ...
    @property
    def group_words(self) -> int: ...
    @property
    def per_million(self) -> float: ...

@final
class Counts(Mapping[Union[str, None], Union[int, float]]):
    """group -> matches (or matches per million words with per_million)."""
    @property
    def by(self) -> Literal["all", "source", "day", "week", "month", "year", "doc"]: ...
    @property
    def query(self) -> _Query: ...
    @property
    def per_million(self) -> bool: ...
    @property
    def docs(self) -> dict[Union[str, None], int]: ...
    @property
    def matches(self) -> dict[Union[str, None], int]: ...
    @property
    def total_docs(self) -> int: ...
    @property
    def total_matches(self) -> int: ...
    @property
    def rows(self) -> list[CountRow]: ...
    def __getitem__(self, group: Union[str, None]) -> Union[int, float]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Union[str, None]]: ...
    def to_pandas(self) -> Any: ...

@final
class Term(tuple[str, int, int]):
    """(term, tf, df): a vocabulary entry."""
    @property
    def term(self) -> str: ...
    @property
    def tf(self) -> int: ...
    @property
    def df(self) -> int: ...

@final
class Corpus:
    """An on-disk corpus of articles: add, commit, search, KWIC, counts."""
    def __init__(
        self,
        path: _Path,
        create: bool = False,
        *,
        readonly: bool = False,
        language: Union[str, None] = None,
        stem: Union[None, bool, str] = None,
        fold_diacritics: Union[bool, None] = None,
        possessive: Union[bool, None] = None,
        memory_budget: int = 0,
        k1: float = 0.0,
        b: float = 0.0,
        field_weights: Union[dict[_Field, float], None] = None,
        verify: bool = True,
    ) -> None: ...
    @property
    def path(self) -> Union[str, bytes]: ...
    @property
    def readonly(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
    @property
    def analyzer(self) -> dict[str, Any]: ...
    def __enter__(self) -> "Corpus": ...
    def __exit__(self, *exc: object) -> Literal[False]: ...
    def __len__(self) -> int: ...
    def close(self) -> None: ...
    def add(
        self,
        path_or_text: Union[_Path, _Text],
        /,
        *,
        key: Union[_Key, None] = None,
        title: Union[str, None] = None,
        date: Union[str, datetime.date, None] = None,
        source: Union[str, None] = None,
        author: Union[str, list[str], tuple[str, ...], None] = None,
        url: Union[str, None] = None,
        language: Union[str, None] = None,
        caption: Union[str, None] = None,
        heading: Union[str, None] = None,
    ) -> None:
        """A file (no key=) or a text with key= and metadata keywords."""
    def add_jsonl(self, path: _Path, progress: _Progress = True, *,
                  strict: bool = False) -> tuple[int, int]:
        """Returns (added, skipped)."""
    def add_dir(self, path: _Path, progress: _Progress = True) -> tuple[int, int]:
        """Returns (added, failed)."""
    def delete(self, key: _Key, /) -> None: ...
    def commit(self) -> None: ...
    def optimize(self) -> None: ...
    def refresh(self) -> None: ...
    def search(
        self,
        query: _Query,
        limit: Union[int, None] = 10,
        sort: Literal["score", "date", "newest", "oldest"] = "score",
        *,
        offset: int = 0,
        snippets: bool = True,
        body: bool = False,
    ) -> Results: ...
    def keys(self, query: _Query, /) -> list[str]: ...
    def kwic(
        self,
        query: _Query,
        width: Union[int, None] = None,
        sort: Union[Literal["none", "left", "right", "match"], None] = None,
        *,
        chars: bool = False,
        limit: Union[int, None] = None,
    ) -> Concordance: ...
    def count(
        self,
        query: _Query,
        by: Union[Literal["all", "source", "day", "date", "week", "month",
                          "year", "doc", "key"], None] = "source",
        per_million: bool = False,
    ) -> Counts: ...
    def doc(self, key: _Key, /) -> Article:
        """The stored document as an Article (a['title'] etc. still work)."""
    def vocabulary(self, filter: Union[_Query, None] = None) -> list[Term]: ...
    def collocations(
        self,
        query: _Query,
        window: Union[int, tuple[int, int]] = 5,
        measure: Literal["logdice", "mi", "t", "g2", "freq", "log_dice",
                         "tscore", "t_score", "ll", "frequency"] = "logdice",
        min_freq: int = 3,
        *,
        filter: Union[_Query, None] = None,
        stopwords: bool = False,
        numbers: bool = True,
        limit: Union[int, None] = None,
    ) -> Collocations: ...
    def keyness(
        self,
        target: _Query,
        reference: Union[_Query, None] = None,
        *,
        min_freq: int = 1,
        stopwords: bool = False,
        numbers: bool = True,
        limit: Union[int, None] = None,
    ) -> Keyness: ...
    def ngrams(
        self,
        n: int = 2,
        filter: Union[_Query, None] = None,
        *,
        min_freq: int = 1,
        stopwords: Union[bool, Literal["edges"]] = False,
        numbers: bool = True,
        punct: bool = False,
        limit: Union[int, None] = None,
    ) -> Ngrams: ...
    def dispersion(self, query: _Query,
                   filter: Union[_Query, None] = None) -> Dispersion: ...
    def dtm(
        self,
        filter: Union[_Query, None] = None,
        *,
        weighting: Literal["count", "tfidf", "tf-idf"] = "count",
        norm: Union[Literal["l2"], None] = None,
        min_df: Union[int, float] = 1,
        max_df: Union[int, float] = 1.0,
        max_features: Union[int, None] = None,
        stopwords: bool = False,
        numbers: bool = True,
    ) -> DocumentTermMatrix: ...
    def quotes(self, filter: Union[_Query, None] = None, *,
               stored_only: bool = False) -> Quotes: ...
    def numbers(self, filter: Union[_Query, None] = None, *,
                stored_only: bool = False) -> Numbers: ...
    def entities(self, filter: Union[_Query, None] = None, *,
                 stored_only: bool = False) -> Entities: ...
    def stats(self) -> dict[str, int]: ...

# ----------------------------------------------------------------------
# Analysis results (rows are struct sequences: tuples with named fields)

_Date: TypeAlias = Union[datetime.date, None]
_Opt: TypeAlias = Union[str, None]

@final
class Quote(tuple[Any, ...]):
    """(doc, source, date, speaker, role, verb, kind, text, start, end)."""
    doc: _Opt
    source: _Opt
    date: _Date
    speaker: _Opt
    role: _Opt
    verb: _Opt
    kind: Literal["direct", "partial", "scare"]
    text: str
    start: int
    end: int

@final
class Number(tuple[Any, ...]):
    """(doc, source, date, value, low, high, qualifier, unit, counted, exact,
    start, end)."""
    doc: _Opt
    source: _Opt
    date: _Date
    value: float
    low: float
    high: float
    qualifier: _Opt
    unit: _Opt
    counted: _Opt
    exact: str
    start: Union[int, None]
    end: Union[int, None]

@final
class Mention(tuple[Any, ...]):
    """(text, kind, expansion, start, end)."""
    text: str
    kind: Literal["person", "org", "place", "other"]
    expansion: _Opt
    start: Union[int, None]
    end: Union[int, None]

@final
class Entity(tuple[Any, ...]):
    """(name, kind, count, variants, by_source)."""
    name: str
    kind: Literal["person", "org", "place", "other"]
    count: int
    variants: dict[str, int]
    by_source: dict[str, int]

@final
class Collocate(tuple[Any, ...]):
    """(term, observed, expected, mi, t_score, g2, log_dice, freq, left,
    right, docs)."""
    term: str
    observed: int
    expected: float
    mi: float
    t_score: float
    g2: float
    log_dice: float
    freq: int
    left: int
    right: int
    docs: int

@final
class Keyword(tuple[Any, ...]):
    """(term, freq_target, freq_reference, g2, p, log_ratio, pct_diff,
    expected, docs_target, docs_reference)."""
    term: str
    freq_target: int
    freq_reference: int
    g2: float
    p: float
    log_ratio: float
    pct_diff: float
    expected: float
    docs_target: int
    docs_reference: int

@final
class Ngram(tuple[Any, ...]):
    """(ngram, freq, docs)."""
    ngram: str
    freq: int
    docs: int

@final
class DispersionHit(tuple[Any, ...]):
    """(doc, date, source, field, position, field_tokens, relative, start,
    end)."""
    doc: str
    date: _Date
    source: _Opt
    field: _Field
    position: int
    field_tokens: int
    relative: float
    start: int
    end: int

@final
class DispersionDoc(tuple[Any, ...]):
    """(doc, date, source, tokens, hits)."""
    doc: str
    date: _Date
    source: _Opt
    tokens: int
    hits: int

_Row = TypeVar("_Row", bound=tuple[Any, ...])

class _Table(Generic[_Row]):
    """Shared shape of the analysis results: a read-only sequence of rows
    (of type _Row) with .info (also as attributes), .columns, .title,
    to_pandas() and _repr_html_()."""
    @property
    def info(self) -> dict[str, Any]: ...
    @property
    def columns(self) -> list[str]: ...
    @property
    def title(self) -> str: ...
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> _Row: ...
    def __iter__(self) -> Iterator[_Row]: ...
    def to_pandas(self) -> Any: ...
    def _repr_html_(self) -> str: ...
    def __getattr__(self, name: str) -> Any: ...

@final
class Quotes(_Table[Quote]): ...

@final
class Numbers(_Table[Number]): ...

@final
class Mentions(_Table[Mention]): ...

@final
class Entities(_Table[Entity]): ...

@final
class Collocations(_Table[Collocate]):
    """info: query, filter, window, measure, node_freq, node_docs,
    window_tokens, corpus_tokens."""
    node_freq: int
    node_docs: int
    window_tokens: int
    corpus_tokens: int

@final
class Keyness(_Table[Keyword]):
    """info: target, reference, target_tokens, reference_tokens,
    target_docs, reference_docs."""
    target_tokens: int
    reference_tokens: int
    target_docs: int
    reference_docs: int

@final
class Ngrams(_Table[Ngram]):
    """info: n, filter, total."""
    total: int

@final
class Dispersion(_Table[DispersionHit]):
    """info: query, filter, docs, tokens, hits, range, per_million, dp,
    juilland_d, documents."""
    docs: int
    tokens: int
    hits: int
    range: int
    per_million: float
    dp: Union[float, None]
    juilland_d: Union[float, None]
    documents: list[DispersionDoc]

@final
class DocumentTermMatrix:
    """Corpus.dtm(): .matrix is a scipy.sparse.csr_matrix when SciPy is
    installed, else (data, indices, indptr) memoryviews of libkz's arrays."""
    @property
    def matrix(self) -> Any: ...
    @property
    def vocabulary(self) -> list[str]: ...
    @property
    def keys(self) -> list[str]: ...
    @property
    def data(self) -> memoryview: ...
    @property
    def indices(self) -> memoryview: ...
    @property
    def indptr(self) -> memoryview: ...
    @property
    def shape(self) -> tuple[int, int]: ...
    @property
    def df(self) -> list[int]: ...
    @property
    def info(self) -> dict[str, Any]: ...
    def to_pandas(self) -> Any: ...
    def _repr_html_(self) -> str: ...
