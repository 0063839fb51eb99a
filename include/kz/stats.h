/*
 * kz/stats.h - word statistics over a corpus: collocations, keyness,
 * n-grams, dispersion, document-term matrices, and the per-article
 * extractors (quotes, numbers, entities) run over the documents a filter
 * selects.
 *
 * Tokens.  Every statistic here counts the tokens the index holds: the
 * analyzed forms (the same normalization, stemming and folding as the
 * corpus's analyzer; see kz_corpus_analyzer()) of the words, numbers, URLs
 * and the like of the four text fields title, body, caption and heading,
 * without punctuation and symbols.  So the frequencies agree with
 * kz_corpus_vocabulary(), and a node or filter is written in the query
 * language of kz/query.h.  Windows and n-grams never cross from one field
 * into another.  The documents are re-tokenized from the document store,
 * so a statistic costs about one tokenizer pass over the documents it
 * reads (all documents matching the node or filter, not the whole corpus,
 * unless the filter selects it).
 *
 * Filters.  Wherever a filter is taken, it is a query (kz/query.h) that
 * selects documents: source:"RT DE", date:2022-01-01..2022-01-31,
 * lang:de, a word, or any combination; NULL or "" means every document.
 *
 * Formulas (docs/analysis.md gives them with their references):
 *   collocations  O = co-occurrences of node and collocate within the
 *                 window, R = tokens in all the node's windows, C = corpus
 *                 frequency of the collocate, N = corpus size (tokens);
 *                 E = R C / N; MI = log2(O / E) (Church & Hanks 1990);
 *                 t = (O - E) / sqrt(O); G2 = 2 sum O_ij ln(O_ij / E_ij)
 *                 over the 2x2 table (O, R-O, C-O, N-R-C+O) (Dunning 1993);
 *                 logDice = 14 + log2(2 O / (f_node + C)) (Rychly 2008).
 *   keyness       a, b: frequencies in target and reference, c, d: their
 *                 sizes; G2 over (a, b, c-a, d-b), signed + where a/c >
 *                 b/d; log ratio = log2((a/c) / (b/d)) with a zero
 *                 frequency read as 0.5 (Hardie 2014); %DIFF = 100 (a/c -
 *                 b/d) / (b/d) with b/d per million read as 1e-18 when b
 *                 is 0 (Gabrielatos & Marchi 2012).
 *
 * Threads.  These are search-side calls (see kz/corpus.h): several threads
 * may run them on one kz_corpus at once.  Result objects are immutable,
 * belong to the caller, are independent of the corpus (they may outlive
 * it) and are freed with their _free() function (NULL is fine).  Strings
 * returned by accessors are borrowed from the result object.
 *
 * Errors.  Calls return KZ_OK or a negative kz_status; the message is in
 * kz_last_errmsg().  A bad query or filter gives KZ_EQUERY.
 */
#ifndef KZ_STATS_H
#define KZ_STATS_H

#include "common.h"
#include "corpus.h"
#include "analysis.h"

KZ_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Options                                                               */
/* ------------------------------------------------------------------ */

/* kz_stats_options.flags */
#define KZ_STATS_SKIP_STOPWORDS 0x0001u /* leave stopwords out: collocates,
                                           keywords, DTM terms, and n-grams
                                           holding one */
#define KZ_STATS_SKIP_NUMBERS 0x0002u   /* the same for numbers */
#define KZ_STATS_STOP_EDGES 0x0004u     /* n-grams: leave out only those that
                                           begin or end with a stopword
                                           ("state of emergency" stays) */
#define KZ_STATS_ACROSS_PUNCT 0x0008u   /* n-grams may span punctuation
                                           (by default "said. The" is not
                                           a bigram) */
#define KZ_STATS_TFIDF 0x0010u          /* DTM: tf-idf instead of counts */
#define KZ_STATS_L2 0x0020u             /* DTM: scale each row to unit length */

/* Collocation measures (kz_stats_options.measure): the sort order. */
typedef enum kz_measure {
  KZ_MEASURE_LOGDICE = 0,
  KZ_MEASURE_MI = 1,
  KZ_MEASURE_TSCORE = 2,
  KZ_MEASURE_G2 = 3,     /* attraction first: G2 signed by O - E */
  KZ_MEASURE_FREQ = 4    /* observed co-occurrences */
} kz_measure;

/* "logdice", "mi", "t", "g2", "freq"; "unknown" otherwise.  Static. */
KZ_API const char *kz_measure_name(int measure);
/* The measure named s (also "log_dice", "tscore", "t-score", "ll",
 * "loglik", "frequency"), or -1. */
KZ_API int kz_measure_from_name(const char *s);

#define KZ_STATS_OPTIONS_VERSION 1

/* Options of every call below; each reads the fields it names.  NULL
 * options mean the defaults. */
typedef struct kz_stats_options {
  unsigned int version;  /* KZ_STATS_OPTIONS_VERSION */
  unsigned int flags;    /* KZ_STATS_* */
  /* Documents to count (a query; NULL or len 0: all).  Collocations, n-grams,
   * dispersion, DTM.  Keyness takes its target and reference instead. */
  const char *filter;
  size_t filter_len;
  /* Collocations: tokens before and after the node (both 0: 5 and 5; at
   * most 1000 each) and the measure the rows are sorted by. */
  unsigned int left, right;
  int measure;           /* a kz_measure */
  /* Rows whose frequency (collocations: co-occurrences; keyness: target
   * plus reference frequency; n-grams: frequency) is below are left out.
   * 0 means 1. */
  uint64_t min_freq;
  size_t limit;          /* rows at most after sorting; 0: all */
  unsigned int n;        /* n-grams: 1 to 5 (0 means 1) */
  /* DTM: keep terms whose document frequency is at least min_df and at
   * most max_df.  min_df < 1 and max_df <= 1 are proportions of the
   * documents; larger values are numbers of documents.  0 means no
   * bound.  max_features (0: all) keeps the most frequent terms. */
  double min_df, max_df;
  size_t max_features;
  /* Stopword list for the SKIP_STOPWORDS and STOP_EDGES flags: an ISO
   * 639-1 code; NULL means the corpus's language, or "en" when it has
   * none. */
  const char *stopwords;
} kz_stats_options;

#define KZ_STATS_OPTIONS_INIT \
  { KZ_STATS_OPTIONS_VERSION, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL }

/* Fill *opts with the defaults of `version`.  Returns KZ_OK, KZ_EINVAL or
 * KZ_EVERSION. */
KZ_API int kz_stats_options_init(kz_stats_options *opts, unsigned int version);

/* ------------------------------------------------------------------ */
/* Collocations                                                          */
/* ------------------------------------------------------------------ */

typedef struct kz_colloc kz_colloc;

/* One collocate.  A plain record frozen like kz_kwic_row; the term is
 * borrowed from the kz_colloc (NUL-terminated). */
typedef struct kz_colloc_row {
  const char *term; size_t term_len; /* analyzed form */
  uint64_t observed;   /* O: co-occurrences within the window */
  uint64_t left;       /* of which before the node */
  uint64_t right;      /* and after it */
  uint64_t freq;       /* C: frequency in the filtered corpus */
  uint64_t docs;       /* documents where they co-occur */
  double expected;     /* E = R C / N */
  double mi;           /* log2(O / E) */
  double t_score;      /* (O - E) / sqrt(O) */
  double g2;           /* log-likelihood, >= 0 (as NLTK's likelihood_ratio) */
  double log_dice;     /* 14 + log2(2 O / (f_node + C)) */
} kz_colloc_row;

/*
 * Collocates of the node query[0..len): every match of the query (a word,
 * a "phrase", a prefix*, an OR of spellings...) in the documents that
 * match opts->filter is a node; the tokens up to opts->left before and
 * opts->right after it, inside the same field and outside any node, are
 * its window (overlapping windows are counted once).  Collocates occurring
 * fewer than opts->min_freq times in the windows are left out; rows are
 * sorted by opts->measure, best first.  Returns KZ_OK, KZ_EQUERY,
 * KZ_EINVAL, KZ_EVERSION, KZ_ECORRUPT, KZ_ENOMEM.
 */
KZ_API int kz_corpus_collocations(kz_colloc **out, kz_corpus *c,
                                  const char *query, size_t len,
                                  const kz_stats_options *opts);
KZ_API size_t kz_colloc_count(const kz_colloc *r);
/* Fill *row with row i: KZ_OK or KZ_ITEROVER. */
KZ_API int kz_colloc_row_get(const kz_colloc *r, size_t i, kz_colloc_row *row);
/* The marginals: node matches (f_node), window tokens (R), corpus tokens
 * (N) and documents with a node. */
KZ_API uint64_t kz_colloc_node_freq(const kz_colloc *r);
KZ_API uint64_t kz_colloc_window_tokens(const kz_colloc *r);
KZ_API uint64_t kz_colloc_corpus_tokens(const kz_colloc *r);
KZ_API uint64_t kz_colloc_node_docs(const kz_colloc *r);
/* One JSON object a line: term, observed, left, right, freq, docs,
 * expected, mi, t, g2, logdice.  Appended to *out.  Returns KZ_OK,
 * KZ_EINVAL or KZ_ENOMEM. */
KZ_API int kz_colloc_to_json(const kz_colloc *r, kz_buf *out);
KZ_API void kz_colloc_free(kz_colloc *r);

/* ------------------------------------------------------------------ */
/* Keyness                                                               */
/* ------------------------------------------------------------------ */

typedef struct kz_keyness kz_keyness;

/* One word of a keyness table.  Frozen plain record; term borrowed. */
typedef struct kz_keyword_row {
  const char *term; size_t term_len;
  uint64_t freq_target;     /* a */
  uint64_t freq_reference;  /* b */
  uint64_t docs_target;     /* documents of the target holding it */
  uint64_t docs_reference;
  double expected;          /* expected target frequency c (a+b) / (c+d) */
  double g2;                /* signed: > 0 overused in the target */
  double p;                 /* p-value of |g2| (chi-squared, 1 df) */
  double log_ratio;         /* binary log of the ratio of relative freqs */
  double pct_diff;          /* %DIFF */
} kz_keyword_row;

/*
 * Keyness of the words of the documents matching target[0..tlen) against
 * those matching reference[0..rlen) (NULL or rlen 0: every document that
 * does not match the target).  Words whose frequency in target and
 * reference together is below opts->min_freq are left out; rows are sorted
 * by signed G2, most overused first, most underused last.  Reads flags,
 * min_freq, limit and stopwords of opts (the filter is not used; with a
 * stemmed corpus the SKIP flags test the stems).  Returns KZ_OK, KZ_EQUERY,
 * KZ_EINVAL, KZ_EVERSION, KZ_ECORRUPT, KZ_ENOMEM.
 */
KZ_API int kz_corpus_keyness(kz_keyness **out, kz_corpus *c,
                             const char *target, size_t tlen,
                             const char *reference, size_t rlen,
                             const kz_stats_options *opts);
KZ_API size_t kz_keyness_count(const kz_keyness *k);
KZ_API int kz_keyness_row_get(const kz_keyness *k, size_t i,
                              kz_keyword_row *row);
/* Sizes in tokens (c, d) and documents of target and reference. */
KZ_API uint64_t kz_keyness_target_tokens(const kz_keyness *k);
KZ_API uint64_t kz_keyness_reference_tokens(const kz_keyness *k);
KZ_API uint64_t kz_keyness_target_docs(const kz_keyness *k);
KZ_API uint64_t kz_keyness_reference_docs(const kz_keyness *k);
/* One JSON object a line: term, freq_target, freq_reference, docs_target,
 * docs_reference, expected, g2, p, log_ratio, pct_diff. */
KZ_API int kz_keyness_to_json(const kz_keyness *k, kz_buf *out);
KZ_API void kz_keyness_free(kz_keyness *k);

/* ------------------------------------------------------------------ */
/* N-grams                                                               */
/* ------------------------------------------------------------------ */

typedef struct kz_ngrams kz_ngrams;

/* One n-gram: its words joined by one space.  Frozen; text borrowed. */
typedef struct kz_ngram_row {
  const char *text; size_t text_len;
  uint64_t freq;   /* occurrences */
  uint64_t docs;   /* documents holding it */
} kz_ngram_row;

/* The opts->n-grams (1 to 5) of the documents matching opts->filter,
 * sorted by frequency (then text).  N-grams span neither fields nor, unless
 * KZ_STATS_ACROSS_PUNCT, punctuation (a hyphen inside a word does not
 * count).  Returns KZ_OK, KZ_EQUERY, KZ_EINVAL, KZ_EVERSION, KZ_ECORRUPT,
 * KZ_ENOMEM. */
KZ_API int kz_corpus_ngrams(kz_ngrams **out, kz_corpus *c,
                            const kz_stats_options *opts);
KZ_API size_t kz_ngrams_count(const kz_ngrams *g);
KZ_API int kz_ngrams_row_get(const kz_ngrams *g, size_t i, kz_ngram_row *row);
/* n, and the number of n-grams counted in all (before min_freq). */
KZ_API unsigned int kz_ngrams_n(const kz_ngrams *g);
KZ_API uint64_t kz_ngrams_total(const kz_ngrams *g);
/* One JSON object a line: ngram, freq, docs. */
KZ_API int kz_ngrams_to_json(const kz_ngrams *g, kz_buf *out);
KZ_API void kz_ngrams_free(kz_ngrams *g);

/* ------------------------------------------------------------------ */
/* Dispersion                                                            */
/* ------------------------------------------------------------------ */

typedef struct kz_dispersion kz_dispersion;

/* A document of the filter holding a match.  Frozen; strings borrowed. */
typedef struct kz_dispersion_doc {
  const char *key; size_t key_len;
  const char *date; size_t date_len;     /* "YYYY-MM-DD" or "" */
  const char *source; size_t source_len;
  uint64_t tokens;   /* indexed tokens of the document */
  uint64_t hits;     /* matches in it */
} kz_dispersion_doc;

/* One match: for a dispersion plot, position / field_tokens is where it
 * falls in its field.  Frozen. */
typedef struct kz_dispersion_hit {
  size_t doc;            /* index in the documents (kz_dispersion_doc_get) */
  int field;             /* a kz_field: title, body, caption or heading */
  uint32_t position;     /* token position of the match's first token */
  uint32_t field_tokens; /* positions in that field */
  size_t start, end;     /* byte span in the stored field */
} kz_dispersion_hit;

/* Figures over every document of the filter (with or without a match). */
typedef struct kz_dispersion_summary {
  uint64_t docs;        /* documents of the filter */
  uint64_t tokens;      /* their tokens */
  uint64_t hits;        /* matches */
  uint64_t range;       /* documents with a match */
  double per_million;   /* hits per million tokens */
  double dp;            /* Gries's DP (0: even, 1: all in one spot) */
  double juilland_d;    /* Juilland's D over documents (1: even) */
} kz_dispersion_summary;

/* Where the matches of query[0..len) fall: per document of opts->filter
 * and per match, documents in index order.  Returns like
 * kz_corpus_collocations(). */
KZ_API int kz_corpus_dispersion(kz_dispersion **out, kz_corpus *c,
                                const char *query, size_t len,
                                const kz_stats_options *opts);
KZ_API size_t kz_dispersion_doc_count(const kz_dispersion *d);
KZ_API int kz_dispersion_doc_get(const kz_dispersion *d, size_t i,
                                 kz_dispersion_doc *row);
KZ_API size_t kz_dispersion_hit_count(const kz_dispersion *d);
KZ_API int kz_dispersion_hit_get(const kz_dispersion *d, size_t i,
                                 kz_dispersion_hit *row);
KZ_API int kz_dispersion_summary_get(const kz_dispersion *d,
                                     kz_dispersion_summary *out);
KZ_API void kz_dispersion_free(kz_dispersion *d);

/* ------------------------------------------------------------------ */
/* Document-term matrix                                                  */
/* ------------------------------------------------------------------ */

typedef struct kz_dtm kz_dtm;

/*
 * The document-term matrix of the documents matching opts->filter: one
 * row per document (in index order), one column per kept term (in byte
 * order), in compressed sparse row form.  Values are counts, or with
 * KZ_STATS_TFIDF tf * idf with idf = ln((1 + n) / (1 + df)) + 1 (the
 * smoothed idf of scikit-learn), and with KZ_STATS_L2 each row is scaled to
 * unit Euclidean length.  Reads flags, filter, min_df, max_df, max_features
 * and stopwords.  Returns KZ_OK, KZ_EQUERY, KZ_EINVAL, KZ_EVERSION,
 * KZ_ECORRUPT, KZ_ELIMIT (more than 2^31-1 terms), KZ_ENOMEM.
 */
KZ_API int kz_corpus_dtm(kz_dtm **out, kz_corpus *c,
                         const kz_stats_options *opts);
KZ_API size_t kz_dtm_rows(const kz_dtm *m);
KZ_API size_t kz_dtm_cols(const kz_dtm *m);
KZ_API size_t kz_dtm_nnz(const kz_dtm *m);
/* The CSR arrays, borrowed from m (valid until kz_dtm_free()): indptr has
 * rows + 1 entries, indices and data nnz; the columns of a row are
 * increasing.  Any output pointer may be NULL. */
KZ_API void kz_dtm_csr(const kz_dtm *m, const int64_t **indptr,
                       const int32_t **indices, const double **data);
/* Term j (NUL-terminated, borrowed), its document frequency; NULL / 0 out
 * of range. */
KZ_API const char *kz_dtm_term(const kz_dtm *m, size_t j, size_t *len);
KZ_API uint64_t kz_dtm_df(const kz_dtm *m, size_t j);
/* Key of row i (borrowed, NUL-terminated), or NULL. */
KZ_API const char *kz_dtm_key(const kz_dtm *m, size_t i, size_t *len);
KZ_API void kz_dtm_free(kz_dtm *m);

/* ------------------------------------------------------------------ */
/* Quotes, numbers and entities over a corpus                            */
/* ------------------------------------------------------------------ */

/* kz_corpus_analyze() flag, besides KZ_ANALYZE_*: never re-read the files
 * documents were added from (see below). */
#define KZ_ANALYZE_STORED_ONLY 0x100u

/* Called per document with its stored fields (kz_doc_field()) and the
 * extractors' results (kz_analysis_quotes() ...), both borrowed for the
 * call.  Offsets in the results are byte offsets into the stored body.
 * Nonzero stops and is returned. */
typedef int (*kz_doc_analysis_cb)(const kz_doc *doc, const kz_analysis *r,
                                  void *payload);

/*
 * Run the extractors named by flags (KZ_ANALYZE_*; 0: all) over every
 * document matching filter[0..len) (NULL or 0: all), in index order.  A
 * document added from a file (kz_corpus_add_file(): its key is the path)
 * whose file still parses to the stored body is re-read, so the article's
 * structure (headings opening interview sections) is used; other documents
 * are analyzed from their stored body and title, in their stored language.
 * Returns KZ_OK, the callback's value, KZ_EQUERY, KZ_EINVAL, KZ_ECORRUPT,
 * KZ_ENOMEM.
 */
KZ_API int kz_corpus_analyze(kz_corpus *c, const char *filter, size_t len,
                             unsigned int flags, kz_doc_analysis_cb cb,
                             void *payload);

/* The mentions of every document matching the filter, each under its
 * stored source ("unknown" when none), clustered into entities: *out is a
 * new set (kz_entities_free()) on which kz_entities_cluster() has run.
 * flags: 0 or KZ_ANALYZE_STORED_ONLY. */
KZ_API int kz_corpus_entities(kz_entities **out, kz_corpus *c,
                              const char *filter, size_t len,
                              unsigned int flags);

KZ_END_DECLS

#endif /* KZ_STATS_H */
