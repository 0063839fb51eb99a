/*
 * analysis_int.h - internal interfaces of the per-article analysis
 * (entities.c, quotes.c, speakers.c, numbers.c, numwords.c,
 * entity_cluster.c).
 *
 * Data flow:
 *   kz_article --entities.c--> kzi_adoc: the body (plus headings) cut into
 *                              paragraphs, a light token stream with case
 *                              and sentence flags, and name mentions
 *              --quotes.c----> quotation spans (pairs of marks, paragraph
 *                              continuation, nesting), kinds
 *              --speakers.c--> speaker, role and verb of each quote;
 *                              interview sections
 *              --numbers.c---> numeric claims (numwords.c reads number words)
 * analyze.c builds the document once and runs all three over it.
 * entity_cluster.c collects mentions of many documents and clusters them.
 *
 * The token stream is our own, not kz_tokenize()'s: names need hyphenated
 * parts and possessives handled differently, and it must be cheap.  Offsets
 * are uint32_t (inputs are limited to KZ_ANALYSIS_MAX_TEXT bytes).
 */
#ifndef KZ_ANALYSIS_INT_H
#define KZ_ANALYSIS_INT_H

#include "kz_int.h"
#include "kz/article.h"
#include "kz/analysis.h"

#define KZI_NIL UINT32_MAX

/* ---------------------------------------------------------------------
 * Tokens (entities.c)
 * --------------------------------------------------------------------- */
enum { KZI_AT_WORD = 1, KZI_AT_NUM = 2, KZI_AT_PUNCT = 3, KZI_AT_SYM = 4 };

#define KZI_AF_CAP 0x0001u     /* first letter uppercase */
#define KZI_AF_ALLCAPS 0x0002u /* two or more letters, all uppercase */
#define KZI_AF_LOWER 0x0004u   /* first letter lowercase */
#define KZI_AF_HYPH 0x0008u    /* joined to the previous word by a hyphen */
#define KZI_AF_POSS 0x0010u    /* followed by a possessive 's (skipped) */
#define KZI_AF_SENT 0x0020u    /* first word of a sentence */
#define KZI_AF_SPACE 0x0040u   /* white space (or paragraph start) before */
#define KZI_AF_SENTEND 0x0080u /* (punct) this mark ends a sentence */
#define KZI_AF_INQUOTE 0x0100u /* inside a quotation (set by quotes.c) */
#define KZI_AF_ASCII 0x0200u   /* the token is plain ASCII */

typedef struct kzi_atok {
  uint64_t h;          /* hash of the lowercased word (0 for others) */
  uint32_t start, end; /* bytes in kzi_adoc.text */
  uint32_t cp;         /* code point of a punct/symbol token */
  uint32_t para;       /* paragraph index */
  uint16_t kind;       /* KZI_AT_* */
  uint16_t flags;      /* KZI_AF_* */
} kzi_atok;

typedef struct kzi_apara {
  uint32_t start, end; /* bytes in kzi_adoc.text */
  uint32_t tok0, tok1; /* its tokens [tok0, tok1) */
  int heading;         /* 1: a heading (not in the body) */
  long block;          /* article block index, or -1 */
  size_t raw_start;    /* kz_article_block_start() or KZ_NO_OFFSET */
} kzi_apara;

#define KZI_MF_SUBJECT 0x01u /* subject of a speech verb (speakers.c) */
#define KZI_MF_TITLED 0x02u  /* preceded by a title ("President") */
#define KZI_MF_ACRONYM 0x04u /* an all-caps acronym */

typedef struct kzi_amention {
  uint32_t tok0, tok1;   /* name tokens [tok0, tok1) */
  uint32_t title0;       /* first token of a title prefix, or KZI_NIL */
  uint32_t start, end;   /* bytes of the name */
  uint32_t text;         /* offset of the normalized name in adoc.strs */
  uint32_t expansion;    /* mention index of an acronym's long form */
  uint32_t para;
  int kind;              /* kz_entity_kind_t */
  unsigned flags;        /* KZI_MF_* */
} kzi_amention;

typedef struct kzi_adoc {
  char *own;             /* owned text (plain-text input, or body+headings) */
  const char *text;
  size_t len;
  size_t body_len;       /* paragraphs at offsets < body_len are the body */
  char lang[8];
  kzi_apara *paras; size_t npara, pcap;
  kzi_atok *toks; size_t ntok, tcap;
  kzi_amention *ment; size_t nment, mcap;
  uint32_t *tok_ment;    /* per token: mention index or KZI_NIL (lazily) */
  kzi_buf strs;          /* NUL-terminated strings */
  uint64_t *lower; size_t lower_cap, lower_n; /* lowercase word hashes */
  int want_lower;        /* collect lowercase words (mentions) */
  int rc;                /* sticky */
} kzi_adoc;

#define KZI_ADOC_MENTIONS 0x1u /* detect mentions too */

int kzi_adoc_from_article(kzi_adoc *d, const kz_article *a, unsigned what);
int kzi_adoc_from_text(kzi_adoc *d, const char *text, size_t len,
                       const char *lang, unsigned what);
void kzi_adoc_free(kzi_adoc *d);

/* Token text helpers. */
static inline const char *kzi_tok_s(const kzi_adoc *d, uint32_t t) {
  return d->text + d->toks[t].start;
}
static inline size_t kzi_tok_n(const kzi_adoc *d, uint32_t t) {
  return d->toks[t].end - d->toks[t].start;
}
/* Case-insensitive (ASCII) comparison of token t with w. */
bool kzi_tok_is(const kzi_adoc *d, uint32_t t, const char *w);
/* Lowercase token t into buf (NUL-terminated); its length, 0 on failure. */
size_t kzi_tok_lower(const kzi_adoc *d, uint32_t t, char *buf, size_t cap);
/* A static word list (lowercase UTF-8), looked up through a hash table built
 * on first use (lock-free: racing builders keep one table and free the
 * other).  `base` points at the first string pointer, `stride` is the
 * distance between entries (a plain array of strings, or a field of a
 * struct array); the list ends with a NULL string. */
typedef struct kzi_wordlist {
  const void *base;
  size_t stride;
  _Atomic(uint64_t *) tab; /* slots: hash with the low 16 bits = index + 1 */
  uint64_t mask;
} kzi_wordlist;
#define KZI_WORDLIST(arr) {(arr), sizeof((arr)[0]), NULL, 0}
#define KZI_WORDLIST_FIELD(arr, field) \
  {&(arr)[0].field, sizeof((arr)[0]), NULL, 0}
/* Hash of a lowercase word as the token stream computes it. */
uint64_t kzi_aword_hash(const char *s, size_t n);
/* Index in the list of the word equal to token t (case folded), or -1. */
int kzi_tok_in(const kzi_adoc *d, uint32_t t, kzi_wordlist *list);
/* True for a word token that is a quotation mark-free punctuation cp. */
static inline bool kzi_tok_punct(const kzi_adoc *d, uint32_t t, uint32_t cp) {
  return t < d->ntok && d->toks[t].kind == KZI_AT_PUNCT && d->toks[t].cp == cp;
}
/* Append s[0..n) + NUL to d->strs; returns its offset (sticky on error). */
uint32_t kzi_adoc_str(kzi_adoc *d, const char *s, size_t n);
static inline const char *kzi_adoc_cstr(const kzi_adoc *d, uint32_t off) {
  return off == KZI_NIL ? NULL : d->strs.p + off;
}
/* Mention covering token t, or KZI_NIL. */
uint32_t kzi_adoc_mention_at(kzi_adoc *d, uint32_t t);
/* The fullest person name in d for mention m (a surname-only mention
 * resolves to the earlier or later full name ending in that surname). */
uint32_t kzi_adoc_fullname(const kzi_adoc *d, uint32_t m);
/* Lowercased word seen in the document? */
bool kzi_adoc_has_lower(const kzi_adoc *d, const char *s, size_t n);
/* Title words ("President", "Minister", "Mr"). */
bool kzi_is_title_word(const char *s, size_t n);

/* ---------------------------------------------------------------------
 * Phonetic key (entity_cluster.c)
 * --------------------------------------------------------------------- */
/* Append the key of s[0..n) to b (no NUL).  Returns KZ_OK or KZ_ENOMEM. */
int kzi_name_key(kzi_buf *b, const char *s, size_t n);

/* ---------------------------------------------------------------------
 * Quotes (quotes.c) and speakers (speakers.c)
 * --------------------------------------------------------------------- */
typedef struct kzi_rquote {
  uint32_t open, close;  /* tokens of the marks; close KZI_NIL if unclosed */
  uint32_t last;         /* last token inside the quote (para of the end) */
  uint32_t start, end;   /* bytes, marks included */
  uint32_t text;         /* content, offset in doc strs */
  uint32_t nwords;
  uint32_t para0, para1;
  int kind;
  int end_punct;         /* last content char: ',', '.', '?', '!', 0 */
  uint32_t speaker, role, verb; /* strs offsets or KZI_NIL */
  uint32_t speaker_ment; /* mention index or KZI_NIL */
} kzi_rquote;

typedef struct kzi_section {
  uint32_t speaker, role; /* strs offsets */
  uint32_t para0, para1;  /* paragraphs [para0, para1) */
  size_t heading_start;
} kzi_section;

typedef struct kzi_quoteset {
  kzi_rquote *q; size_t n, cap;
  kzi_section *sec; size_t nsec, seccap;
} kzi_quoteset;

/* Find quotation spans in d (marks tokens as KZI_AF_INQUOTE). */
int kzi_find_quotes(kzi_adoc *d, kzi_quoteset *qs);
/* Attribute them; find interview sections. */
int kzi_attribute_quotes(kzi_adoc *d, kzi_quoteset *qs);
/* Speech verb starting at token t: number of tokens (0 = none). */
int kzi_speech_verb(const kzi_adoc *d, uint32_t t);

/* ---------------------------------------------------------------------
 * Number words (numwords.c)
 * --------------------------------------------------------------------- */
/* Read a number written in words starting at token t ("twelve", "twenty-
 * five", "two hundred and forty", "a dozen", "dozens", "tens of
 * thousands").  On success returns the tokens used (> 0) and sets *value,
 * *low, *high (*vague for plural amounts); 0 when t starts no number. */
uint32_t kzi_number_words(const kzi_adoc *d, uint32_t t, double *value,
                          double *low, double *high, int *vague);
/* A scale word at t ("million", "bn", "Milliarden"): its factor, or 0. */
double kzi_scale_word(const kzi_adoc *d, uint32_t t);

/* ---------------------------------------------------------------------
 * Public result objects from a built document (quotes.c, numbers.c,
 * entities.c), used by the single-call extractors and by analyze.c, which
 * builds one document for all three.  Each copies what it keeps; d stays
 * owned by the caller.  On failure they set the error message and return
 * a kz_status.  Quotes mark tokens KZI_AF_INQUOTE and add strings; numbers
 * and mentions read neither, so the order of calls does not matter.
 * --------------------------------------------------------------------- */
int kzi_quotes_from_adoc(kz_quotes **out, kzi_adoc *d);
int kzi_numbers_from_adoc(kz_numbers **out, kzi_adoc *d);
int kzi_mentions_from_adoc(kz_mentions **out, kzi_adoc *d);

/* ---------------------------------------------------------------------
 * Small JSON writer helpers (entities.c)
 * --------------------------------------------------------------------- */
void kzi_ajson_str(kzi_buf *b, int *rc, const char *s);  /* NULL -> null */
void kzi_ajson_raw(kzi_buf *b, int *rc, const char *s);
void kzi_ajson_num(kzi_buf *b, int *rc, double v);
void kzi_ajson_size(kzi_buf *b, int *rc, size_t v);      /* NO_OFFSET -> null */
/* Move the buffer into a public kz_buf (appending to what it holds). */
int kzi_ajson_out(kzi_buf *b, int rc, kz_buf *out);

#endif /* KZ_ANALYSIS_INT_H */
