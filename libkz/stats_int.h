/*
 * stats_int.h - internal interface of the corpus statistics (stats_walk.c,
 * colloc.c, keyness.c, ngrams.c, dispersion.c, dtm.c, corpus_analysis.c).
 *
 * Only the public corpus API is used: documents are selected with
 * kz_corpus_keys() (or, for a node query the fast path cannot handle, with
 * kz_corpus_kwic()), fetched with kz_corpus_doc() and re-tokenized with a
 * tokenizer built from kz_corpus_analyzer(), so token positions and forms
 * are those of the index.
 *
 * The walker keeps, for the document it has loaded, every indexed token of
 * the four text fields in field order: its term (an id in a table of
 * interned forms shared by the whole walk), its position in the field, its
 * byte span and a few flags.
 */
#ifndef KZ_STATS_INT_H
#define KZ_STATS_INT_H

#include "kz_int.h"
#include "kz/corpus.h"
#include "kz/query.h"
#include "kz/stats.h"

#define KZS_NFIELDS 4
#define KZS_NO_TERM UINT32_MAX

/* ---------------------------------------------------------------------
 * Interned terms (stats_walk.c)
 * --------------------------------------------------------------------- */
typedef struct kzs_term {
  size_t off;       /* in arena; NUL-terminated */
  uint32_t len;
  uint32_t hash;
} kzs_term;

typedef struct kzs_terms {
  kzi_buf arena;
  kzs_term *t; uint32_t n, cap;
  uint32_t *tab; size_t mask;  /* open addressing: id + 1, 0 empty */
} kzs_terms;

uint32_t kzs_hash(const char *s, size_t n);
/* The id of s (added when new): KZ_OK or KZ_ENOMEM. */
int kzs_terms_intern(kzs_terms *t, const char *s, size_t n, uint32_t *id);
/* The id of s, or KZS_NO_TERM. */
uint32_t kzs_terms_find(const kzs_terms *t, const char *s, size_t n);
static inline const char *kzs_terms_str(const kzs_terms *t, uint32_t id) {
  return t->arena.p + t->t[id].off;
}
void kzs_terms_free(kzs_terms *t);

/* ---------------------------------------------------------------------
 * Document keys: a list filled by kz_corpus_keys()
 * --------------------------------------------------------------------- */
typedef struct kzs_keys {
  kzi_buf arena;           /* keys, each NUL-terminated */
  size_t *off, *len; size_t n, cap;
  /* optional hash set over the keys (kzs_keys_index) */
  uint32_t *tab; size_t mask;
} kzs_keys;

int kzs_keys_push(kzs_keys *k, const char *key, size_t n);
/* Append the keys of the documents matching q[0..qlen) (NULL: all). */
int kzs_keys_collect(kzs_keys *k, kz_corpus *c, const char *q, size_t qlen);
int kzs_keys_index(kzs_keys *k);
int kzs_keys_has(const kzs_keys *k, const char *key, size_t n);
void kzs_keys_free(kzs_keys *k);

/* ---------------------------------------------------------------------
 * The walker
 * --------------------------------------------------------------------- */
#define KZS_STOP 0x01u   /* a stopword */
#define KZS_NUM 0x02u    /* a number */
#define KZS_BREAK 0x04u  /* punctuation since the previous token of the field */

typedef struct kzs_tok {
  uint32_t term;
  uint32_t pos;           /* position in its field */
  uint32_t start, end;    /* byte span in the stored field */
  uint8_t field;          /* 0..3 */
  uint8_t flags;          /* KZS_* */
} kzs_tok;

typedef struct kzs_walk {
  kz_corpus *c;
  kz_tokenizer *tk;
  kzs_terms terms;
  kz_stats_options o;     /* checked, defaults filled in */
  /* the loaded document */
  kz_doc *doc;
  kzs_tok *tok; size_t ntok, cap;
  size_t fbeg[KZS_NFIELDS + 1]; /* tokens of field f: [fbeg[f], fbeg[f+1]) */
  uint32_t flen[KZS_NFIELDS];   /* positions in field f */
  uint64_t doc_tokens;          /* tokens of the document */
  uint8_t cur_field;
  int pending_break;
  int rc;
} kzs_walk;

/* Check opts (NULL: defaults) into *out.  KZ_OK, KZ_EINVAL, KZ_EVERSION. */
int kzs_options(kz_stats_options *out, const kz_stats_options *opts);
/* Start a walk over c (opts already checked). */
int kzs_walk_init(kzs_walk *w, kz_corpus *c, const kz_stats_options *o);
/* Load and tokenize the document key: KZ_OK, KZ_ENOTFOUND (deleted since
 * its key was listed), KZ_ECORRUPT, KZ_ENOMEM. */
int kzs_walk_load(kzs_walk *w, const char *key, size_t n);
void kzs_walk_free(kzs_walk *w);

/* Does the token count as a word for the SKIP flags of o? */
static inline int kzs_skip(const kz_stats_options *o, const kzs_tok *t) {
  return ((o->flags & KZ_STATS_SKIP_STOPWORDS) && (t->flags & KZS_STOP)) ||
         ((o->flags & KZ_STATS_SKIP_NUMBERS) && (t->flags & KZS_NUM));
}

/* ---------------------------------------------------------------------
 * Node matches (collocations, dispersion)
 * --------------------------------------------------------------------- */
typedef struct kzs_span { size_t first, last; } kzs_span; /* token indices */

typedef struct kzs_kspan {   /* a KWIC match: document, field, byte span */
  size_t doc;                /* index in the nodes' key list */
  int field;
  size_t start, end;
} kzs_kspan;

typedef struct kzs_nodes {
  int fast;                  /* 1: the query is a term or a phrase of terms */
  uint32_t *ids; size_t nids;/* fast: the terms, in phrase order */
  kzs_keys docs;             /* documents to read, in index order */
  kzs_kspan *ks; size_t nks; /* slow path: matches, by document */
  size_t *kfirst;            /* slow path: first match of document i */
} kzs_nodes;

/* Find the documents with a match of query in the filter of w->o, and how
 * to find the matches in them. */
int kzs_nodes_prepare(kzs_nodes *nd, kzs_walk *w, const char *query, size_t len);
/* The matches in document i of nd->docs, loaded in w, as token ranges in
 * order (*sp grown as needed). */
int kzs_nodes_find(kzs_nodes *nd, kzs_walk *w, size_t i, kzs_span **sp,
                   size_t *n, size_t *cap);
void kzs_nodes_free(kzs_nodes *nd);

/* ---------------------------------------------------------------------
 * Sizes: tokens (and, through vocabulary, term frequencies) of a filter
 * --------------------------------------------------------------------- */
/* Called per term of the filter's vocabulary. */
typedef int (*kzs_vocab_fn)(void *payload, const char *term, size_t len,
                            uint64_t tf, uint64_t df);
int kzs_vocabulary(kz_corpus *c, const char *filter, size_t len,
                   kzs_vocab_fn fn, void *payload);

/* ---------------------------------------------------------------------
 * JSON lines and misc
 * --------------------------------------------------------------------- */
void kzs_json_raw(kzi_buf *b, int *rc, const char *s);
void kzs_json_str(kzi_buf *b, int *rc, const char *s, size_t n);
void kzs_json_u64(kzi_buf *b, int *rc, uint64_t v);
void kzs_json_num(kzi_buf *b, int *rc, double v); /* null when not finite */
/* Append b to the public buffer out and free b. */
int kzs_json_out(kzi_buf *b, int rc, kz_buf *out);

/* 2 sum O ln(O / E) over the 2x2 table of o11 in a row of r1 and a column
 * of c1 out of n, in the order of NLTK's likelihood_ratio. */
double kzs_g2(uint64_t o11, uint64_t r1, uint64_t c1, uint64_t n);

/* "(a) AND (b)" into out (either may be empty). */
int kzs_and(kzi_buf *out, const char *a, size_t alen, const char *b, size_t blen);

#endif /* KZ_STATS_INT_H */
