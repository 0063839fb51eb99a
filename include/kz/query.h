/*
 * kz/query.h - searching a corpus: the query language, ranked results with
 * snippets, unranked keys, KWIC concordances, counts and vocabulary.
 *
 * The query language (docs/query.md):
 *   tokayev                 a word, analyzed as at indexing
 *   "state of emergency"    a phrase (consecutive positions)
 *   a AND b, a b            both (implicit AND)
 *   a OR b                  either
 *   a NOT b, a -b, NOT b    without b
 *   ( ... )                 grouping
 *   NEAR(a b "c d", 5)      all within 5 tokens, any order (FTS5 NEAR)
 *   a NEAR/5 b              the same for two operands
 *   terror*                 prefix
 *   Toqayev~  Toqayev~1     fuzzy: edit distance 1 (3-5 letters) or 2
 *                           (6 or more), or as given (0-2)
 *   =protesters             the exact, unstemmed form
 *   title: body: caption: heading:   restrict a word, phrase or group
 *   source:"RT DE" author:name lang:de
 *   date:2022-01-05  date:2022-01  date:2022
 *   date:2022-01-01..2022-01-31  date:>=2022-01-10 (also > < <=)
 *   entity:Tokayev  entity:"Kassym-Jomart Tokayev"
 *                           every spelling: the indexed words with the
 *                           same phonetic key (kz_entity_key()) as each
 *                           word of the name and a close spelling
 *                           (Tokayev, Toqayev, Tokaev), plus the names the
 *                           corpus's alias table merges with it
 *                           (kz_corpus_alias_merge())
 * Operators are uppercase; lowercase and/or/not are words.  A word the
 * analyzer splits into several tokens ("Kassym-Jomart") is a phrase.
 * Errors are KZ_EQUERY with a message "query error at byte N: problem";
 * kz_query_error_position() gives N.
 *
 * Every function here is a search-side call (see kz/corpus.h): several
 * threads may call them on one kz_corpus at once.  Objects returned
 * (kz_query, kz_results, kz_kwic, kz_counts) belong to the caller, hold a
 * reference to the snapshot they were computed on, and must be freed before
 * the corpus is closed.  Messages of failing calls are in kz_last_errmsg().
 */
#ifndef KZ_QUERY_H
#define KZ_QUERY_H

#include "common.h"
#include "corpus.h"

KZ_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Parsed queries                                                        */
/* ------------------------------------------------------------------ */

typedef struct kz_query kz_query;

/* Limits of the query language. */
#define KZ_QUERY_MAX_DEPTH 64      /* nesting of groups and operators */
#define KZ_QUERY_MAX_LEN 65536     /* bytes of query text */
#define KZ_QUERY_MAX_EXPANSION 4096 /* terms a prefix or fuzzy word becomes */

/* Parse text[0..len) with the analyzer of c (or, with c NULL, the default
 * analyzer without stemming).  *out is freed with kz_query_free().  Returns
 * KZ_OK, KZ_EQUERY (message names the byte position and the problem),
 * KZ_ELIMIT, KZ_EINVAL, KZ_ENOMEM. */
KZ_API int kz_query_parse(kz_query **out, kz_corpus *c, const char *text,
                          size_t len);

/* The parsed query in a canonical, fully parenthesized form, e.g.
 * (AND (TERM "tokayev") (PHRASE "state" "emergency")).  Borrowed from q. */
KZ_API const char *kz_query_describe(const kz_query *q);

/* The byte offset in the query text of the problem reported by the last
 * failing call on this thread, when that call failed on the query
 * (KZ_EQUERY, or KZ_ELIMIT for a prefix or fuzzy word matching too many
 * terms): the N of "query error at byte N" in kz_last_errmsg().  -1 when
 * the last failure was something else. */
KZ_API int64_t kz_query_error_position(void);

KZ_API void kz_query_free(kz_query *q);

/* ------------------------------------------------------------------ */
/* Ranked search                                                         */
/* ------------------------------------------------------------------ */

typedef struct kz_results kz_results;

typedef enum kz_sort {
  KZ_SORT_SCORE = 0,     /* BM25, best first */
  KZ_SORT_DATE_DESC = 1, /* newest first (undated last), ties by score */
  KZ_SORT_DATE_ASC = 2   /* oldest first (undated last), ties by score */
} kz_sort;

/* kz_search_options.flags */
#define KZ_SEARCH_NO_SNIPPETS 0x0001u /* do not compute snippets */
#define KZ_SEARCH_TOP_ONLY 0x0002u    /* allow early termination: the total
                                         is then a lower bound */

#define KZ_SEARCH_OPTIONS_VERSION 1

typedef struct kz_search_options {
  unsigned int version;  /* KZ_SEARCH_OPTIONS_VERSION */
  unsigned int flags;    /* KZ_SEARCH_* */
  size_t limit;          /* hits to return; 0 means 10 */
  size_t offset;         /* hits to skip first */
  int sort;              /* a kz_sort */
  unsigned int snippet_tokens; /* snippet window in tokens; 0 means 24 */
} kz_search_options;

#define KZ_SEARCH_OPTIONS_INIT { KZ_SEARCH_OPTIONS_VERSION, 0, 10, 0, 0, 0 }

KZ_API int kz_search_options_init(kz_search_options *opts,
                                  unsigned int version);

/*
 * Search: parse query[0..len) and return the best hits in a cursor *out
 * (kz_results_free()).  opts may be NULL.  The cursor starts before the
 * first hit: call kz_results_next() to move to each one.
 * Returns KZ_OK, KZ_EQUERY, KZ_ELIMIT, KZ_ECORRUPT, KZ_EINVAL, KZ_ENOMEM.
 */
KZ_API int kz_corpus_search(kz_results **out, kz_corpus *c, const char *query,
                            size_t len, const kz_search_options *opts);

/* Hits in the cursor (at most limit). */
KZ_API size_t kz_results_count(const kz_results *r);
/* Documents that matched in all; exact unless KZ_SEARCH_TOP_ONLY cut the
 * search short (then *exact, if not NULL, is set to 0). */
KZ_API uint64_t kz_results_total(const kz_results *r, int *exact);
/* Move to the next hit: KZ_OK, or KZ_ITEROVER after the last. */
KZ_API int kz_results_next(kz_results *r);
/* Move to hit i (0-based): KZ_OK or KZ_ITEROVER. */
KZ_API int kz_results_seek(kz_results *r, size_t i);

/* Accessors of the current hit (NULL / 0 before the first next()). */
KZ_API double kz_results_score(const kz_results *r);
/* A stored field (kz_field) of the hit, NUL-terminated, borrowed from r
 * until it moves; "" when absent. */
KZ_API const char *kz_results_field(const kz_results *r, int field,
                                    size_t *len);
/* The snippet: a window around the best cluster of matches of the field
 * kz_results_snippet_field() names: the body when it has a match, else the
 * first of title, heading, caption that has one, else the start of the
 * body (a match in metadata only); "..." marks cut ends. */
KZ_API const char *kz_results_snippet(const kz_results *r, size_t *len);
/* The kz_field the snippet was taken from (KZ_FIELD_BODY, KZ_FIELD_TITLE,
 * KZ_FIELD_HEADING or KZ_FIELD_CAPTION); -1 before the first next(). */
KZ_API int kz_results_snippet_field(const kz_results *r);
/* Highlights: whole phrases and NEAR groups are one range each.  In the
 * snippet text: */
KZ_API size_t kz_results_highlight_count(const kz_results *r);
KZ_API int kz_results_highlight(const kz_results *r, size_t i, size_t *start,
                                size_t *end);
/* In the whole stored body (kz_results_field(r, KZ_FIELD_BODY)): */
KZ_API size_t kz_results_body_highlight_count(const kz_results *r);
KZ_API int kz_results_body_highlight(const kz_results *r, size_t i,
                                     size_t *start, size_t *end);

KZ_API void kz_results_free(kz_results *r);

/* Called once per matching document key (unranked, in index order).  The
 * key is borrowed for the call.  Nonzero stops and is returned. */
typedef int (*kz_key_cb)(const char *key, size_t len, void *payload);

/* Every document matching the query, unranked.  Returns KZ_OK, the
 * callback's value, or the errors of kz_corpus_search(). */
KZ_API int kz_corpus_keys(kz_corpus *c, const char *query, size_t len,
                          kz_key_cb cb, void *payload);

/* ------------------------------------------------------------------ */
/* KWIC concordance                                                      */
/* ------------------------------------------------------------------ */

typedef struct kz_kwic kz_kwic;

typedef enum kz_kwic_sort {
  KZ_KWIC_SORT_NONE = 0,  /* document order, then position */
  KZ_KWIC_SORT_LEFT = 1,  /* by the words left of the match, nearest first */
  KZ_KWIC_SORT_RIGHT = 2, /* by the words right of the match, nearest first */
  KZ_KWIC_SORT_MATCH = 3  /* by the match, then the right context */
} kz_kwic_sort;

#define KZ_KWIC_CHARS 0x0001u /* width counts characters, not tokens */

#define KZ_KWIC_OPTIONS_VERSION 1

typedef struct kz_kwic_options {
  unsigned int version; /* KZ_KWIC_OPTIONS_VERSION */
  unsigned int flags;   /* KZ_KWIC_* */
  unsigned int width;   /* context on each side; 0 means 5 tokens (or 40
                           characters with KZ_KWIC_CHARS) */
  int sort;             /* a kz_kwic_sort */
  size_t limit;         /* rows at most; 0 means no limit */
} kz_kwic_options;

#define KZ_KWIC_OPTIONS_INIT { KZ_KWIC_OPTIONS_VERSION, 0, 5, 0, 0 }

KZ_API int kz_kwic_options_init(kz_kwic_options *opts, unsigned int version);

/* One concordance row.  A plain record frozen like kz_token: strings are
 * borrowed from the kz_kwic (not NUL-terminated within the field text; use
 * the lengths); offsets are bytes in the stored field. */
typedef struct kz_kwic_row {
  const char *key;   size_t key_len;
  const char *left;  size_t left_len;  /* context before the match */
  const char *match; size_t match_len;
  const char *right; size_t right_len; /* context after it */
  size_t start, end; /* the match's byte span in the field */
  int field;         /* a kz_field (title, body, caption, heading) */
} kz_kwic_row;

/* Every match of the query as concordance rows.  Returns KZ_OK or the
 * errors of kz_corpus_search(). */
KZ_API int kz_corpus_kwic(kz_kwic **out, kz_corpus *c, const char *query,
                          size_t len, const kz_kwic_options *opts);
KZ_API size_t kz_kwic_count(const kz_kwic *k);
/* Fill *row with row i: KZ_OK or KZ_ITEROVER. */
KZ_API int kz_kwic_row_get(const kz_kwic *k, size_t i, kz_kwic_row *row);
KZ_API void kz_kwic_free(kz_kwic *k);

/* ------------------------------------------------------------------ */
/* Counts                                                                */
/* ------------------------------------------------------------------ */

typedef struct kz_counts kz_counts;

typedef enum kz_count_by {
  KZ_COUNT_ALL = 0,    /* one group "" */
  KZ_COUNT_SOURCE = 1, /* by source ("" when unknown) */
  KZ_COUNT_DAY = 2,    /* "YYYY-MM-DD" ("" when undated) */
  KZ_COUNT_WEEK = 3,   /* ISO week "YYYY-Www" */
  KZ_COUNT_MONTH = 4,  /* "YYYY-MM" */
  KZ_COUNT_YEAR = 5,   /* "YYYY" */
  KZ_COUNT_DOC = 6     /* by document key */
} kz_count_by;

/* One group.  Plain frozen record; `group` borrowed from the kz_counts. */
typedef struct kz_count_row {
  const char *group; size_t group_len;
  uint64_t docs;       /* matching documents in the group */
  uint64_t matches;    /* matches (phrases count once) in those documents */
  uint64_t group_docs; /* all documents of the group */
  uint64_t group_words; /* indexed tokens of all documents of the group */
  double per_million;  /* matches per million words of the group */
} kz_count_row;

/* Count matches of the query grouped by `by`; groups are sorted by name
 * (dates ascending); groups without a match are left out.  Returns KZ_OK
 * or the errors of kz_corpus_search(). */
KZ_API int kz_corpus_count(kz_counts **out, kz_corpus *c, const char *query,
                           size_t len, int by);
KZ_API size_t kz_counts_size(const kz_counts *k);
KZ_API int kz_counts_row(const kz_counts *k, size_t i, kz_count_row *row);
KZ_API void kz_counts_free(kz_counts *k);

/* ------------------------------------------------------------------ */
/* Vocabulary                                                            */
/* ------------------------------------------------------------------ */

/* Called per indexed term (analyzed form, in byte order) with its total
 * frequency and document frequency over the live documents (or those
 * matching the filter).  The term is borrowed for the call. */
typedef int (*kz_vocab_cb)(const char *term, size_t len, uint64_t tf,
                           uint64_t df, void *payload);

/* The vocabulary of the text fields.  filter (NULL or len 0: every
 * document) is a query selecting documents.  Returns KZ_OK, the callback's
 * value or the errors of kz_corpus_search(). */
KZ_API int kz_corpus_vocabulary(kz_corpus *c, const char *filter, size_t len,
                                kz_vocab_cb cb, void *payload);

KZ_END_DECLS

#endif /* KZ_QUERY_H */
