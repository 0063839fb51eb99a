/*
 * kz_int.h - libkz's private header, shared by the files in libkz/.
 *
 * Nothing here is installed or exported; internal functions shared across
 * files carry the kzi_ prefix.  Divided into "interface to X.c" sections.
 */
#ifndef KZ_INT_H
#define KZ_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kz.h"

#if defined(__GNUC__)
#  define KZI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define KZI_LIKELY(x) __builtin_expect(!!(x), 1)
#  define KZI_UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define KZI_ALWAYS_INLINE __attribute__((always_inline)) inline
#  define KZI_NOINLINE __attribute__((noinline))
#else
#  define KZI_PRINTF(f, a)
#  define KZI_LIKELY(x) (x)
#  define KZI_UNLIKELY(x) (x)
#  define KZI_ALWAYS_INLINE inline
#  define KZI_NOINLINE
#endif

/* ---------------------------------------------------------------------
 * Interface to error.c
 *
 * A kzi_errbuf is embedded in every handle; kzi_seterr() formats a message
 * into it and returns the code, so a failing path reads
 *     return kzi_seterr(&h->err, KZ_EINVAL, "bad value %d", v);
 * kzi_seterr(NULL, ...) writes the per-thread slot of kz_last_errmsg().
 * --------------------------------------------------------------------- */
typedef struct kzi_errbuf {
  char msg[512];
} kzi_errbuf;

int kzi_seterr(kzi_errbuf *eb, int code, const char *fmt, ...) KZI_PRINTF(3, 4);
void kzi_clearerr(kzi_errbuf *eb);

/* ---------------------------------------------------------------------
 * Interface to buf.c: a growable byte buffer (sticky on ENOMEM).
 * --------------------------------------------------------------------- */
typedef struct kzi_buf {
  char *p;
  size_t n;   /* bytes used */
  size_t cap; /* bytes allocated */
  int big;    /* set by its owner before first use: pages from bigbuf.c
                 (never free(p) such a buffer: kzi_buf_free() it) */
} kzi_buf;

int kzi_buf_reserve(kzi_buf *b, size_t extra);
int kzi_buf_append(kzi_buf *b, const void *data, size_t n);
/* kzi_buf_append() inline when the bytes fit (for loops that append many
 * short pieces, as a JSON string's runs between escapes). */
static inline int kzi_buf_add(kzi_buf *b, const void *data, size_t n) {
  if (n < b->cap - b->n) { /* room for the bytes and the NUL */
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
  }
  return kzi_buf_append(b, data, n);
}
void kzi_buf_free(kzi_buf *b);
/* The same for buffers of many MB (bigbuf.c; what kzi_buf_reserve() and
 * kzi_buf_free() do for a buffer with `big` set): grown without copying, in
 * huge pages where the system has them. */
int kzi_big_reserve(kzi_buf *b, size_t extra);
void kzi_big_free(kzi_buf *b);
/* n zeroed bytes of such pages (NULL when out of memory or n is 0); give
 * them back with kzi_big_release(p, n). */
void *kzi_big_alloc(size_t n);
void kzi_big_release(void *p, size_t n);

/* ---------------------------------------------------------------------
 * Interface to utf8.c
 * --------------------------------------------------------------------- */
/* Decode one code point at s[0..n) (n >= 1).  Sets *len to the bytes used
 * (1 for an invalid byte) and returns the code point, or -1 if s[0] does not
 * start a valid, complete, shortest-form sequence (then *len = 1). */
int32_t kzi_utf8_decode(const unsigned char *s, size_t n, size_t *len);
/* Encode c (< 0x110000) into out (>= 4 bytes); returns the bytes written. */
size_t kzi_utf8_encode(uint32_t c, char *out);

/* sniff.c: does data look like a binary file (an image, an archive, UTF-16,
 * or 5% control bytes in its first 64 KB) rather than text?  Returns 1 and
 * sets *what (a phrase for a message) and *at (the first control byte, or
 * 0), else 0. */
int kzi_sniff_binary(const char *data, size_t len, const char **what, size_t *at);
/* The compression data starts with: "gzip", "bzip2", "xz", "zstd" or "zip",
 * and *cmd (may be NULL) the command that decompresses it; NULL for none. */
const char *kzi_sniff_compression(const void *data, size_t len, const char **cmd);

/* ---------------------------------------------------------------------
 * Interface to stopwords.c (lists in data/stopwords/, embedded at build)
 * --------------------------------------------------------------------- */
typedef struct kzi_stopword_list {
  const char *lang;  /* ISO 639-1 code */
  const char *words; /* NUL-separated, ends with an empty string */
  size_t count;
} kzi_stopword_list;
extern const kzi_stopword_list kzi_stopword_lists[]; /* NULL-terminated */

typedef struct kzi_wordset kzi_wordset; /* a hash set of UTF-8 strings */
/* Build the stopword set of `lang` (NULL if the language has no list). */
int kzi_stopwords_load(kzi_wordset **out, const char *lang);
bool kzi_wordset_has(const kzi_wordset *ws, const char *w, size_t n);
void kzi_wordset_free(kzi_wordset *ws);

/* Map a language name ("en", "eng", "english", "EN") to its ISO 639-1 code
 * ("en"), or NULL if unknown.  Static storage. */
const char *kzi_lang_code(const char *name);

/* Snowball algorithm name for an ISO 639-1 code ("en" -> "english"), or
 * NULL. */
const char *kzi_lang_snowball(const char *code);

/* ---------------------------------------------------------------------
 * Interface to normalize.c
 * --------------------------------------------------------------------- */
struct kzi_stemcache;
/* Normalize token text s[0..n) of kind `kind` (a kz_token_kind) into
 * tk->norm, as tk->flags ask; `ascii` when s is plain ASCII.  *stop is set
 * for stopwords of tk's language.  Returns KZ_OK or KZ_ENOMEM. */
int kzi_normalize(struct kz_tokenizer *tk, const char *s, size_t n, int kind,
                  int ascii, bool *stop);
/* The steps after case folding (possessive, stopword test, stemming, digit
 * groups, diacritics) on the form already in tk->norm.  token.c builds the
 * form of plain ASCII tokens itself (a copy, lowercased under
 * KZ_TOK_CASEFOLD except for URLs) and then calls this only for the kinds
 * that kzi_normalize_setup() lists. */
int kzi_normalize_tail(struct kz_tokenizer *tk, int kind, int ascii, bool *stop);
/* Set tk->tail_kinds and tk->tail_mid_kinds from tk's flags, stemmer and
 * stopwords. */
void kzi_normalize_setup(struct kz_tokenizer *tk);
/* Free a tokenizer's stem cache; NULL is allowed. */
void kzi_stemcache_free(struct kzi_stemcache *sc);

/* ---------------------------------------------------------------------
 * Interface to sentence.c
 * --------------------------------------------------------------------- */
/* True when the word w[0..n) (as written, without the final '.') is an
 * abbreviation of `lang` that does not end a sentence.  *title is set when it
 * is a title placed before names ("Mr", "Gen") which never ends one. */
bool kzi_is_abbreviation(const char *lang, const char *w, size_t n, bool *title);
/* True when w[0..n) is a capitalized word that usually starts a sentence in
 * lang ("The", "Der", "Он"); NULL or "" means any language (abbrev.c). */
bool kzi_is_sentence_opener(const char *lang, const char *w, size_t n);

/* ---------------------------------------------------------------------
 * Interface to wordbreak.c
 * --------------------------------------------------------------------- */
/* Segment flags, all in one byte.  Four are the KZ_TOKEN_* bits of the
 * same meaning, so token.c can copy them with one mask. */
#define KZI_SEG_CAPITALIZED KZ_TOKEN_CAPITALIZED     /* (ASCII) starts A-Z */
#define KZI_SEG_ALLCAPS KZ_TOKEN_ALLCAPS             /* (ASCII) >= 2 letters, all A-Z */
#define KZI_SEG_SPACE_BEFORE KZ_TOKEN_SPACE_BEFORE   /* white space (or the start) before */
#define KZI_SEG_NEWLINE_BEFORE KZ_TOKEN_NEWLINE_BEFORE /* a line break before */
#define KZI_SEG_TOKEN_FLAGS                                                  \
  (KZI_SEG_CAPITALIZED | KZI_SEG_ALLCAPS | KZI_SEG_SPACE_BEFORE |            \
   KZI_SEG_NEWLINE_BEFORE)
#define KZI_SEG_LETTER 0x01u /* (ASCII) holds a letter */
#define KZI_SEG_DIGIT 0x02u  /* (ASCII) holds a digit */
#define KZI_SEG_MID 0x04u    /* (ASCII) holds a joining . ' : , or ; */
#define KZI_SEG_ASCII 0x80u  /* the segment is plain ASCII */

/* One UAX #29 word segment [start, end) of the input. */
typedef struct kzi_seg {
  size_t start, end;
  unsigned flags; /* KZI_SEG_* */
} kzi_seg;

/* Segments are handed over in batches of at most KZI_SEG_BATCH, in order. */
#define KZI_SEG_BATCH 64

struct kz_tokenizer;
/* Called with the next n >= 1 word segments that are not blank (white
 * space, controls and format characters only).  Nonzero stops the walk and
 * is returned by kzi_word_segments(). */
typedef int (*kzi_seg_cb)(void *payload, const kzi_seg *seg, size_t n);
/* Segment text[0..len); uses tk's scratch buffers and adds the number of
 * invalid bytes to tk->repaired. */
int kzi_word_segments(struct kz_tokenizer *tk, const char *text, size_t len,
                      kzi_seg_cb cb, void *payload);
/* Which ASCII segmenter this machine runs: "avx2", "sse2" or "portable"
 * (for benchmarks). */
const char *kzi_wordbreak_simd(void);

/* ---------------------------------------------------------------------
 * The tokenizer handle (token.c), visible to the other modules.
 * --------------------------------------------------------------------- */
struct sb_stemmer;
struct kz_tokenizer {
  kzi_errbuf err;
  unsigned int flags;          /* KZ_TOK_* */
  unsigned int tail_kinds;     /* bits 1 << kind: ASCII forms that need */
  unsigned int tail_mid_kinds; /* kzi_normalize_tail(), always or when the */
                               /* segment has KZI_SEG_MID */
  char lang[8];                /* ISO 639-1 code or "" */
  struct sb_stemmer *stemmer;  /* when KZ_TOK_STEM */
  struct kzi_stemcache *stemcache; /* recent stems, made on first use */
  kzi_wordset *stopwords;      /* of lang, or NULL */
  size_t repaired;             /* invalid bytes in the last call */
  kzi_buf norm;                /* normalized form of the current token */
  kzi_buf tmp;                 /* scratch for normalization */
  kzi_buf tmp2;
  kzi_buf breaks;              /* scratch for u8_wordbreaks */
  kzi_buf fixed;               /* scratch: a region with bad bytes repaired */
  kzi_buf offmap;              /* scratch: repaired offsets -> input offsets */
};

/* ---------------------------------------------------------------------
 * The indexer's entry point to token.c
 *
 * kzi_tokenize_terms() tokenizes as kz_tokenize() with tk's flags but
 * reports only the terms an index keeps (every token but punctuation,
 * symbols and empty forms), in batches of at most KZI_TERM_BATCH, with no
 * kz_token and no call per token: term k is text.p[off[k] .. off[k] +
 * len[k]) at position pos[k], and 16 bytes can be read past the end of
 * every term.  Each term also comes with the words and hash of its key in
 * the term table (termkey.h: key_hash() of space + the form, cut to
 * KZI_MAX_KEY bytes), worked out while the form is in registers; the
 * caller sets `space` before the call.
 * --------------------------------------------------------------------- */
#define KZI_MAX_KEY 4096 /* bytes of a term key (space byte + form) */
#define KZI_TERM_BATCH 64
typedef struct kzi_terms {
  kzi_buf text;                      /* the forms (owned by the caller) */
  size_t n;                          /* terms in the batch */
  char space;                        /* the keys' space byte (set by the caller) */
  uint32_t off[KZI_TERM_BATCH], len[KZI_TERM_BATCH], pos[KZI_TERM_BATCH];
  uint64_t h[KZI_TERM_BATCH], k8[KZI_TERM_BATCH], k16[KZI_TERM_BATCH];
} kzi_terms;
/* Called with each full batch and the last one; nonzero stops the walk
 * and is returned. */
typedef int (*kzi_terms_cb)(void *payload, kzi_terms *tb);
int kzi_tokenize_terms(struct kz_tokenizer *tk, const char *text, size_t len,
                       kzi_terms *tb, kzi_terms_cb cb, void *payload);

#endif /* KZ_INT_H */
