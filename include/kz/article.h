/*
 * kz/article.h - the article parser: a scraped page in, a structured
 * article out.
 *
 * Input is a byte buffer (or a file) holding a plain-text dump of a news
 * page, possibly with leftover HTML fragments.  The parser splits it into
 * blocks in reading order, gives each block a kind (paragraph, heading,
 * caption, boilerplate, ...), keeps repeated blocks once, and extracts the
 * metadata a researcher needs: title, languages, publication date and time,
 * source, authors and dateline.  The rules look at general features of
 * lines and blocks (length, punctuation, capitalization, stopword density,
 * navigation vocabulary, position, repetition) plus date grammars and
 * attribution patterns; nothing is keyed to a particular site.
 *
 * Ownership: a kz_article is created by kz_article_parse*() and freed with
 * kz_article_free().  Every string an accessor returns is borrowed from the
 * article: NUL-terminated UTF-8, valid until kz_article_free().  The
 * article never refers to the caller's input buffer after parse returns.
 *
 * Threads: a kz_article is immutable after parsing; several threads may read
 * the same article.  Parsing different inputs concurrently is safe.
 *
 * Cost: linear in the input size; memory is a small constant multiple of it.
 */
#ifndef KZ_ARTICLE_H
#define KZ_ARTICLE_H

#include "common.h"

KZ_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Options                                                               */
/* ------------------------------------------------------------------ */

#define KZ_PARSE_OPTIONS_VERSION 1

typedef struct kz_parse_options {
  unsigned int version;    /* KZ_PARSE_OPTIONS_VERSION */
  const char *source_hint; /* the outlet, if the caller knows it; used when
                              the text names none.  NULL = none */
  const char *language_hint; /* ISO 639-1 code of the body ("en"), used when
                                detection is unsure.  NULL = detect */
  unsigned int flags;      /* KZ_PARSE_* bits; 0 = defaults */
} kz_parse_options;

#define KZ_PARSE_OPTIONS_INIT {KZ_PARSE_OPTIONS_VERSION, NULL, NULL, 0}

/* Flags. */
#define KZ_PARSE_STRICT_UTF8 0x1u /* fail with KZ_EUTF8 on invalid UTF-8
                                     instead of repairing it */
#define KZ_PARSE_ALLOW_BINARY 0x2u /* kz_article_parse_file(): parse a file
                                      that looks binary instead of failing
                                      with KZ_EFORMAT */

/* Initialize *opts to the defaults for `version` (FFI users who cannot use
 * KZ_PARSE_OPTIONS_INIT).  Returns KZ_OK, KZ_EINVAL for NULL or
 * KZ_EVERSION for an unknown version. */
KZ_API int kz_parse_options_init(kz_parse_options *opts, unsigned int version);

/* ------------------------------------------------------------------ */
/* Parsing                                                               */
/* ------------------------------------------------------------------ */

typedef struct kz_article kz_article;

/* Parse data[0..len) (need not be NUL-terminated) into a new article stored
 * in *out.  opts may be NULL for defaults.
 *
 * Bad input never crashes and is not silently lost:
 *  - empty or all-blank input gives a valid empty article (no blocks, NULL
 *    title and date) with the warning "empty input"; KZ_OK is returned;
 *  - text that is not UTF-8 but an 8-bit encoding (more invalid sequences
 *    than valid multibyte ones) is decoded as the charset the page
 *    declares (a leftover <meta charset>), or else as windows-1251, KOI8-R
 *    or windows-1252 guessed from its bytes; spans stay in the input's
 *    bytes, and a warning names the encoding;
 *  - NUL and other control bytes are dropped, invalid UTF-8 bytes are
 *    replaced by U+FFFD, unclosed tags are cut; each repair is reported by
 *    a warning naming the byte offset (see kz_article_warning());
 *  - with KZ_PARSE_STRICT_UTF8, invalid UTF-8 fails with KZ_EUTF8 (and
 *    nothing is decoded).
 *
 * Returns KZ_OK, KZ_EINVAL (out NULL, data NULL with len > 0), KZ_EVERSION
 * (unknown options version), KZ_EUTF8 (strict mode) or KZ_ENOMEM.  On
 * failure *out is NULL and kz_last_errmsg() says why. */
KZ_API int kz_article_parse(kz_article **out, const char *data, size_t len,
                            const kz_parse_options *opts);

/* The largest file kz_article_parse_file() reads: 256 MiB. */
#define KZ_ARTICLE_MAX_FILE ((size_t)256 << 20)

/* Read the file at path and parse it as kz_article_parse() does.  Only
 * regular files are read.  Returns in addition KZ_ENOTFOUND (no such file),
 * KZ_EIO (cannot read it, or not a regular file: a directory, device or
 * pipe), KZ_ELIMIT (larger than KZ_ARTICLE_MAX_FILE) or KZ_EFORMAT (the
 * file is not text: an image, PDF, archive or compressed file, UTF-16 or
 * UTF-32 text, a JSON or JSON Lines dataset (the message says to add it
 * with kz_corpus_add_jsonl()), or 5% control bytes in its first 64 KB; stray NUL bytes in
 * a text are repaired as by kz_article_parse(); KZ_PARSE_ALLOW_BINARY
 * parses such a file anyway); the message names the file and what it is. */
KZ_API int kz_article_parse_file(kz_article **out, const char *path,
                                 const kz_parse_options *opts);

/* Free an article and every string borrowed from it.  NULL is fine. */
KZ_API void kz_article_free(kz_article *a);

/* ------------------------------------------------------------------ */
/* Metadata.  Each returns a borrowed string or NULL when unknown.       */
/* ------------------------------------------------------------------ */

KZ_API const char *kz_article_title(const kz_article *a);
/* ISO 639-1 code of the title's / the body's language, or "und". */
KZ_API const char *kz_article_title_language(const kz_article *a);
KZ_API const char *kz_article_language(const kz_article *a);
/* Publication date as "YYYY-MM-DD", or NULL when the page states none.
 * Dates inside captions, body sentences or related links are never used. */
KZ_API const char *kz_article_date(const kz_article *a);
/* Publication time "HH:MM" (24-hour, as written, no time zone) or NULL. */
KZ_API const char *kz_article_time(const kz_article *a);
/* Byte span [*start, *end) of the date in the input; returns 0 when there is
 * a date in it, KZ_ENOTFOUND otherwise (then the outputs are untouched; an
 * article of a stored document, kz_doc_article(), has no input). */
KZ_API int kz_article_date_span(const kz_article *a, size_t *start,
                                size_t *end);
/* The outlet the page names or credits, and the outlet it republishes. */
KZ_API const char *kz_article_source(const kz_article *a);
KZ_API const char *kz_article_original_source(const kz_article *a);
/* The place line ("Moscow") that opens the report, or NULL. */
KZ_API const char *kz_article_dateline(const kz_article *a);

/* Authors (people only; desk and agency names are not authors). */
KZ_API size_t kz_article_author_count(const kz_article *a);
KZ_API const char *kz_article_author(const kz_article *a, size_t i);

/* ------------------------------------------------------------------ */
/* Blocks                                                                */
/* ------------------------------------------------------------------ */

typedef enum kz_block_kind {
  KZ_BLOCK_PARAGRAPH = 0,
  KZ_BLOCK_HEADING = 1,      /* the headline and section headings */
  KZ_BLOCK_CAPTION = 2,      /* photo caption */
  KZ_BLOCK_CREDIT = 3,       /* photo credit, "From X:", republication note */
  KZ_BLOCK_STANDFIRST = 4,   /* summary block above the full text */
  KZ_BLOCK_BOX = 5,          /* a side box (label + text) */
  KZ_BLOCK_BYLINE = 6,       /* author line, date line, dateline */
  KZ_BLOCK_QUOTE_BOX = 7,    /* a pull quote set apart from the text */
  KZ_BLOCK_RELATED_LINK = 8, /* a link to another article */
  KZ_BLOCK_COMMENT = 9,      /* a reader's or reposter's comment */
  KZ_BLOCK_BOILERPLATE = 10  /* site furniture, disclaimers, navigation */
} kz_block_kind;

/* "paragraph", "heading", "caption", "credit", "standfirst", "box",
 * "byline", "quote-box", "related-link", "comment", "boilerplate";
 * "unknown" for anything else.  Static storage. */
KZ_API const char *kz_block_kind_name(int kind);

KZ_API size_t kz_article_block_count(const kz_article *a);
/* For i >= block count: kind -1, text NULL, start/end 0, duplicate_of -1. */
KZ_API int kz_article_block_kind(const kz_article *a, size_t i);
/* The clean text: tags stripped, entities decoded, hard wraps re-flowed,
 * white space collapsed. */
KZ_API const char *kz_article_block_text(const kz_article *a, size_t i);
/* Byte span [start, end) of the block in the input (the lines it came from). */
KZ_API size_t kz_article_block_start(const kz_article *a, size_t i);
KZ_API size_t kz_article_block_end(const kz_article *a, size_t i);
/* Index of the earlier block this one repeats (exactly or nearly), or -1.
 * That block is always kept (its own duplicate_of is -1) and of the same
 * kind. */
KZ_API long kz_article_block_duplicate_of(const kz_article *a, size_t i);

/* The body: the texts of the non-duplicate standfirst and paragraph blocks,
 * in order, joined by blank lines ("\n\n").  "" when there are none. */
KZ_API const char *kz_article_body(const kz_article *a);

/* ------------------------------------------------------------------ */
/* Warnings and JSON                                                     */
/* ------------------------------------------------------------------ */

KZ_API size_t kz_article_warning_count(const kz_article *a);
KZ_API const char *kz_article_warning(const kz_article *a, size_t i);

/* Render the article as one JSON object with the fields title,
 * title_language, language, date, time, source, original_source, authors,
 * dateline, blocks [{kind, text, start, end, duplicate_of}], body, warnings
 * (unknown values are null; so is duplicate_of for a kept block).  On
 * success *out holds the text (caller frees it with kz_buf_dispose()).
 * Returns KZ_OK, KZ_EINVAL or KZ_ENOMEM. */
KZ_API int kz_article_to_json(const kz_article *a, kz_buf *out);

KZ_END_DECLS

#endif /* KZ_ARTICLE_H */
