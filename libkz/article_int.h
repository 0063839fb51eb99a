/*
 * article_int.h - internal interfaces of the article parser (article.c,
 * html_strip.c, blocks.c, classify.c, dedup.c, date.c, meta.c, json.c).
 *
 * Data flow:
 *   raw bytes --html_strip.c--> lines (raw span + clean text)
 *             --blocks.c------> blocks (groups of lines, hard wraps re-flowed)
 *             --classify.c----> features (one word pass per block, which
 *                               also feeds dedup.c: duplicate_of links)
 *             --classify.c----> kinds, main-text region
 *             --meta.c/date.c-> title, languages, date, source, authors
 *             --dedup.c-------> links kept only between blocks of one kind
 * All strings live in one arena (kzi_article_doc.text) and are referred to
 * by offset, so the arena may grow while parsing.
 */
#ifndef KZ_ARTICLE_INT_H
#define KZ_ARTICLE_INT_H

#include "kz_int.h"
#include "kz/article.h"

#define KZI_NONE ((size_t)-1)

/* A line of input after cleaning. */
typedef struct kzi_line {
  size_t start, end;  /* raw byte span */
  size_t text, len;   /* clean text in the arena (len 0 = blank) */
  unsigned hint;      /* KZI_HINT_* from tags seen on the line */
} kzi_line;

#define KZI_HINT_HEADING 0x1u  /* <h1>..<h6> */
#define KZI_HINT_CAPTION 0x2u  /* <figcaption> */
#define KZI_HINT_TAGS 0x4u     /* the line held HTML tags */
#define KZI_HINT_LI 0x8u       /* <li> */

/* Features of a block, computed once (classify.c). */
typedef struct kzi_feat {
  unsigned words, chars, stops, caps, digits_words, sentences;
  unsigned nav;       /* navigation-vocabulary hits */
  unsigned char end_punct; /* last significant char class: see classify.c */
  unsigned char first_upper, has_date, has_quote;
  unsigned char inbox;  /* a box of related links inside the article */
  long next_live;     /* next block that is not a duplicate, or -1 */
} kzi_feat;

typedef struct kzi_block {
  int kind;            /* kz_block_kind */
  size_t start, end;   /* raw byte span */
  size_t text, len;    /* clean text in the arena */
  long dup;            /* earlier block repeated, or -1 */
  size_t first_line, nlines;
  unsigned hint;
  int cls;             /* content class (classify.c) */
  kzi_feat f;
} kzi_block;

typedef struct kzi_article_doc {
  kzi_buf text;        /* arena of NUL-terminated strings */
  kzi_line *lines; size_t nlines, lcap;
  kzi_block *blocks; size_t nblocks, bcap;
  size_t *warn; size_t nwarn, wcap; size_t nwarn_dropped;
  size_t *authors; size_t nauthors, acap;
  size_t title, source, original_source, dateline, body; /* offsets */
  char title_lang[4], lang[4];
  char date[11], time[6];
  size_t date_start, date_end;
  int title_block;     /* block index or -1 */
  long region_lo, region_hi; /* main-text region [lo, hi] of blocks */
  long comments_from;  /* first block of the reader comments, or -1 */
  int weak_stops;      /* the stopword list fits the text badly */
  int rc;              /* sticky error code */
  size_t bad_utf8;     /* invalid UTF-8 bytes kzi_html_lines() replaced */
  unsigned flags;
  const char *lang_hint;
  const char *source_hint;
} kzi_article_doc;

/* article.c: arena helpers (sticky on error; return KZI_NONE on failure). */
size_t kzi_art_str(kzi_article_doc *d, const char *s, size_t n);
void kzi_art_warn(kzi_article_doc *d, const char *fmt, ...) KZI_PRINTF(2, 3);
const char *kzi_art_text(const kzi_article_doc *d, size_t off);
int kzi_art_add_author(kzi_article_doc *d, const char *s, size_t n);

/* html_strip.c: split raw input into cleaned lines. */
int kzi_html_lines(kzi_article_doc *d, const char *raw, size_t len);
/* Decode one entity at s[0..n) (s[0] == '&'): returns bytes consumed (0 if
 * not an entity) and writes the UTF-8 into out (>= 8 bytes), *outlen. */
size_t kzi_html_entity(const char *s, size_t n, char *out, size_t *outlen);

/* blocks.c: group lines into blocks. */
int kzi_blocks_build(kzi_article_doc *d);

/* dedup.c: set blocks[].dup for exact and near duplicates (always a kept
 * block).  The blocks are fed in order with the hashes of their words
 * (kzi_word_hash(), from the one word pass of kzi_features()).  After the
 * kinds are final, kzi_dedup_settle() keeps only links between blocks of the
 * same kind. */
typedef struct kzi_dedup kzi_dedup;
int kzi_dedup_begin(kzi_article_doc *d, kzi_dedup **out);
void kzi_dedup_block(kzi_dedup *x, size_t i, const uint64_t *wh, size_t nw);
void kzi_dedup_end(kzi_dedup *x);
int kzi_dedup_settle(kzi_article_doc *d);
/* FNV-1a 64 of the word w[0..n) lowercased (as kzi_word_lower() does). */
uint64_t kzi_word_hash(const char *w, size_t n);

/* classify.c */
/* Split joined runs that are lists, not hard-wrapped text, back into one
 * block per line (before kzi_features()). */
int kzi_blocks_split_lists(kzi_article_doc *d);
void kzi_features(kzi_article_doc *d);
void kzi_classify(kzi_article_doc *d);

/* Words: iterate \w-like words of s[0..n).  Returns 0 when none is left. */
typedef struct kzi_wordit {
  const char *s; size_t n, pos;
  size_t wstart, wlen;
} kzi_wordit;
int kzi_word_next(kzi_wordit *it);
/* Lowercase the word into out (cap bytes); returns the length or 0 if it
 * does not fit. */
size_t kzi_word_lower(const char *w, size_t n, char *out, size_t cap);

/* meta.c */
const char *kzi_lang_detect(const char *s, size_t n, unsigned min_hits);
int kzi_is_stopword(const char *lang, const char *lw, size_t n);
/* The bit of lang in kzi_stop_mask() (0 for a language without a list), and
 * the languages whose list holds the lowercased word lw[0..n). */
unsigned kzi_stop_bit(const char *lang);
unsigned kzi_stop_mask(const char *lw, size_t n);
/* The same for a word given by its kzi_word_hash(). */
unsigned kzi_stop_mask_hash(uint64_t h);
/* Site-furniture vocabulary of a line: KZI_NAV_*. */
int kzi_nav_vocab(const char *s, size_t n);
#define KZI_NAV_NONE 0
#define KZI_NAV_FURNITURE 1 /* "Share", "All rights reserved", "Home | News" */
#define KZI_NAV_RELATED 2   /* a related link: "Read also: ..." */
#define KZI_NAV_END 3       /* opens an after-article section: "Related articles" */
#define KZI_NAV_COMMENTS 4  /* opens the reader comments: "34 Comments" */
void kzi_meta(kzi_article_doc *d);

/* date.c: find a date (and time) in s[0..n).  Returns 1 and fills iso
 * ("YYYY-MM-DD"), time ("HH:MM" or ""), the span [*ds, *de) and *cover
 * (bytes of s the date/time/weekday words cover) when found. */
int kzi_date_find(const char *s, size_t n, char iso[11], char tm[6],
                  size_t *ds, size_t *de, size_t *cover);
/* Is the word w[0..n) a weekday name ("Tuesday", "Di", "вторник")? */
int kzi_weekday_word(const char *w, size_t n);

/* charset.c: a buffer in a legacy 8-bit encoding, decoded to UTF-8. */
typedef struct kzi_decoded {
  char *p;             /* the UTF-8 text, NUL-terminated */
  size_t n;
  uint32_t *raw;       /* raw[i]: the input byte output byte i came from;
                          raw[n]: the input's length */
  char name[40];       /* the encoding */
  int declared;        /* named by the page (else guessed) */
} kzi_decoded;
/* 1 when data[0..len) is not UTF-8 but an 8-bit encoding and was decoded
 * into *out (free it with kzi_decoded_free()), 0 when it is left as it is
 * (UTF-8, maybe with stray bytes, or an encoding not guessed), -1 when out
 * of memory. */
int kzi_legacy_decode(const char *data, size_t len, kzi_decoded *out);
/* The input offset of output offset off (off <= n). */
size_t kzi_decoded_raw(const kzi_decoded *dec, size_t off);
void kzi_decoded_free(kzi_decoded *dec);

/* json.c: a small JSON writer appending to a kzi_buf (sticky rc). */
void kzi_json_str(kzi_buf *b, int *rc, const char *s, size_t n);
void kzi_json_cstr_or_null(kzi_buf *b, int *rc, const char *s);
void kzi_json_raw(kzi_buf *b, int *rc, const char *s);
void kzi_json_long(kzi_buf *b, int *rc, long long v);

#endif /* KZ_ARTICLE_INT_H */
