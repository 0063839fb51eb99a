"""Type stubs for kz, the Python binding of libkz (bindings/python/kzmodule.c)."""

import datetime
import os
from typing import Any, Final, Literal, TypeAlias, Union, final

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
class QueryError(Error, ValueError): ...
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
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as a dict (date as an ISO str)."""
    def to_json(self) -> str: ...
    def _repr_html_(self) -> str: ...

def parse(
    source: Union[str, os.PathLike[str], os.PathLike[bytes], _BytesLike],
    *,
    language: Union[str, None] = None,
    source_name: Union[str, None] = None,
    strict_utf8: bool = False,
) -> Article:
    """Parse a page: a path (os.PathLike, or a str without line breaks naming
    an existing file), the page's text (str) or its bytes."""
