/*
 * test_stats.c - corpus statistics (kz/stats.h) against a naive model.
 *
 * The model re-tokenizes every stored document with a tokenizer of the
 * corpus's analyzer and counts windows, frequencies and n-grams by brute
 * force with plain arrays; the library's figures must agree exactly (the
 * integer counts) or to 1e-9 relative (the measures, computed here from
 * the textbook formulas, in another order than the library).  Both node
 * paths (the walker's own matching and the KWIC spans) must give the same
 * table.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "kz.h"
#include "test_fs.h"

/* ---------------------------------------------------------------------
 * Temporary corpora
 * --------------------------------------------------------------------- */

static char dirs[4][64];
static int ndirs;

static kz_corpus *create(unsigned aflags, const char *lang) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c = NULL;
  char *b = dirs[ndirs++ % 4];
  snprintf(b, 64, "/tmp/kzstatsXXXXXX");
  assert_non_null(mkdtemp(b));
  strcat(b, "/c");
  o.flags = KZ_CORPUS_CREATE;
  o.analyzer_flags = aflags;
  o.language = lang;
  assert_int_equal(kz_corpus_open(&c, b, &o), KZ_OK);
  return c;
}

static void destroy(kz_corpus *c) {
  kz_corpus_close(c);
  for (int i = 0; i < 4; i++)
    if (dirs[i][0]) {
      char parent[sizeof dirs[i]];
      kzt_rmtree(dirs[i]);
      memcpy(parent, dirs[i], sizeof parent);
      *strrchr(parent, '/') = 0;
      rmdir(parent);
      dirs[i][0] = 0;
    }
}

static void add(kz_corpus *c, const char *key, const char *title, const char *body, const char *source,
                const char *date) {
  kz_doc_meta m = KZ_DOC_META_INIT;
  m.title = title;
  m.source = source;
  m.date = date;
  assert_int_equal(kz_corpus_add_text(c, key, strlen(key), body, strlen(body), &m), KZ_OK);
}

static const char *const BODY[] = {
  "President Tokayev said the state of emergency would end soon. Tokayev said the troops, "
  "called peacekeepers, would leave. \"We will restore order,\" Tokayev said.",
  "The state of emergency was declared in Almaty. Protesters said the police fired. Tokayev "
  "Tokayev, the president, said nothing about the state of emergency.",
  "Oil prices rose sharply. Oil workers in Zhanaozen said prices of fuel doubled; the "
  "workers said they would strike.",
  "Russian paratroopers arrived. The CSTO said the mission was a peacekeeping one, and "
  "Tokayev thanked the CSTO.",
  "Fuel prices, oil prices and food prices rose in January. Nobody said why.",
};
static const char *const TITLE[] = {"Tokayev speaks", "Emergency in Almaty", "Oil workers strike",
                                    "CSTO troops arrive", "Prices rise"};
static const char *const SOURCE[] = {"RT DE", "BBC", "BBC", "RT DE", "Reuters"};
static const char *const DATE[] = {"2022-01-05", "2022-01-06", "2022-01-06", "2022-01-07", "2022-01-10"};

static kz_corpus *small_corpus(void) {
  kz_corpus *c = create(0, NULL);
  char key[16];
  for (int i = 0; i < 5; i++) {
    snprintf(key, sizeof key, "d%d", i);
    add(c, key, TITLE[i], BODY[i], SOURCE[i], DATE[i]);
  }
  add(c, "gone", "Tokayev Tokayev", "Tokayev said oil oil oil.", "BBC", "2022-01-08");
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_delete(c, "gone", 4), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  return c;
}

static kz_corpus *seed_corpus(void) {
  kz_corpus *c = create(0, NULL);
  uint64_t failed = 0;
  assert_int_equal(kz_corpus_add_dir(c, KZ_SOURCE_DIR "/examples/corpus", &failed, NULL, NULL), KZ_OK);
  assert_int_equal(failed, 0);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  return c;
}

/* ---------------------------------------------------------------------
 * The naive model
 * --------------------------------------------------------------------- */

typedef struct mtok { char *norm; uint32_t pos; int stop, brk; } mtok;
typedef struct mfield { mtok *t; size_t n, cap; } mfield;
typedef struct mdoc { char *key, *source; size_t tokens; mfield f[4]; } mdoc;
typedef struct model { mdoc *d; size_t n, cap; } model;

typedef struct mctx { mfield *f; int pending; } mctx;

static int model_tok(const kz_token *t, void *p) {
  mctx *x = p;
  mfield *f = x->f;
  if (t->kind == KZ_TOKEN_PUNCT) {
    x->pending = 1;
    return 0;
  }
  if (t->kind == KZ_TOKEN_SYMBOL || t->norm_len == 0) return 0;
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 64;
    f->t = realloc(f->t, f->cap * sizeof *f->t);
  }
  f->t[f->n].norm = strndup(t->norm, t->norm_len);
  f->t[f->n].pos = t->position;
  f->t[f->n].stop = (t->flags & KZ_TOKEN_STOPWORD) != 0;
  f->t[f->n].brk = x->pending && !(t->flags & KZ_TOKEN_HYPHENATED);
  x->pending = 0;
  f->n++;
  return 0;
}

static int model_key(const char *key, size_t n, void *p) {
  model *m = p;
  if (m->n == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 16;
    m->d = realloc(m->d, m->cap * sizeof *m->d);
  }
  memset(&m->d[m->n], 0, sizeof *m->d);
  m->d[m->n++].key = strndup(key, n);
  return 0;
}

static void model_build(model *m, kz_corpus *c) {
  kz_tokenizer_options to = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk;
  unsigned flags;
  const char *lang = kz_corpus_analyzer(c, &flags);
  memset(m, 0, sizeof *m);
  to.flags = flags & ~KZ_TOK_SKIP_PUNCT;
  to.language = lang[0] ? lang : "en";
  assert_int_equal(kz_tokenizer_new(&tk, &to), KZ_OK);
  assert_int_equal(kz_corpus_keys(c, "NOT zzzqqq", 10, model_key, m), KZ_OK);
  for (size_t i = 0; i < m->n; i++) {
    kz_doc *d;
    assert_int_equal(kz_corpus_doc(&d, c, m->d[i].key, strlen(m->d[i].key)), KZ_OK);
    m->d[i].source = strdup(kz_doc_field(d, KZ_FIELD_SOURCE, NULL));
    for (int f = 0; f < 4; f++) {
      size_t n;
      const char *s = kz_doc_field(d, f, &n);
      mctx x = {&m->d[i].f[f], 0};
      assert_int_equal(kz_tokenize(tk, s, n, model_tok, &x), KZ_OK);
      m->d[i].tokens += m->d[i].f[f].n;
    }
    kz_doc_free(d);
  }
  kz_tokenizer_free(tk);
}

static void model_free(model *m) {
  for (size_t i = 0; i < m->n; i++) {
    for (int f = 0; f < 4; f++) {
      for (size_t k = 0; k < m->d[i].f[f].n; k++) free(m->d[i].f[f].t[k].norm);
      free(m->d[i].f[f].t);
    }
    free(m->d[i].key);
    free(m->d[i].source);
  }
  free(m->d);
}

/* A term -> count table, linear (the corpora are small). */
typedef struct tcount { char *term; uint64_t n; } tcount;
typedef struct tcounts { tcount *v; size_t n, cap; } tcounts;

static uint64_t *tc_slot(tcounts *t, const char *term) {
  for (size_t i = 0; i < t->n; i++)
    if (!strcmp(t->v[i].term, term)) return &t->v[i].n;
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 64;
    t->v = realloc(t->v, t->cap * sizeof *t->v);
  }
  t->v[t->n].term = strdup(term);
  t->v[t->n].n = 0;
  return &t->v[t->n++].n;
}

static uint64_t tc_get(const tcounts *t, const char *term) {
  for (size_t i = 0; i < t->n; i++)
    if (!strcmp(t->v[i].term, term)) return t->v[i].n;
  return 0;
}

static void tc_free(tcounts *t) {
  for (size_t i = 0; i < t->n; i++) free(t->v[i].term);
  free(t->v);
}

static int in_source(const mdoc *d, const char *source) {
  return !source || !strcmp(d->source, source);
}

/* Frequencies of every term (and the total) in the documents of source. */
static uint64_t model_freqs(const model *m, const char *source, tcounts *out) {
  uint64_t n = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (!in_source(&m->d[i], source)) continue;
    for (int f = 0; f < 4; f++)
      for (size_t k = 0; k < m->d[i].f[f].n; k++) {
        (*tc_slot(out, m->d[i].f[f].t[k].norm))++;
        n++;
      }
  }
  return n;
}

/* Brute-force windows around the single-word node: O per term in *obs,
 * returns R; *nodes gets the node count. */
static uint64_t model_colloc(const model *m, const char *node, unsigned L, unsigned R, const char *source,
                             tcounts *obs, uint64_t *nodes) {
  uint64_t win = 0;
  *nodes = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (!in_source(&m->d[i], source)) continue;
    for (int f = 0; f < 4; f++) {
      const mfield *fl = &m->d[i].f[f];
      for (size_t k = 0; k < fl->n; k++) {
        int isnode = !strcmp(fl->t[k].norm, node), inwin = 0;
        if (isnode) {
          (*nodes)++;
          continue;
        }
        for (size_t j = 0; j < fl->n && !inwin; j++) {
          uint32_t p = fl->t[j].pos, q = fl->t[k].pos;
          if (strcmp(fl->t[j].norm, node)) continue;
          if ((q < p && p - q <= L) || (q > p && q - p <= R)) inwin = 1;
        }
        if (inwin) {
          win++;
          (*tc_slot(obs, fl->t[k].norm))++;
        }
      }
    }
  }
  return win;
}

/* G2 of the 2x2 table, written out cell by cell. */
static double ref_g2(double o11, double o12, double o21, double o22) {
  double n = o11 + o12 + o21 + o22, r1 = o11 + o12, r2 = o21 + o22, c1 = o11 + o21, c2 = o12 + o22;
  double o[4] = {o11, o12, o21, o22}, e[4] = {r1 * c1 / n, r1 * c2 / n, r2 * c1 / n, r2 * c2 / n}, s = 0;
  for (int i = 0; i < 4; i++)
    if (o[i] > 0) s += o[i] * log(o[i] / e[i]);
  return 2 * s;
}

static void assert_close(double a, double b) {
  double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  if (!(fabs(a - b) <= 1e-9 * scale + 1e-12)) {
    fprintf(stderr, "not close: %.17g vs %.17g\n", a, b);
    fail();
  }
}

/* ---------------------------------------------------------------------
 * Collocations
 * --------------------------------------------------------------------- */

static kz_colloc *colloc(kz_corpus *c, const char *q, unsigned L, unsigned R, const char *filter, int measure) {
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_colloc *r = NULL;
  int rc;
  o.left = L;
  o.right = R;
  o.filter = filter;
  o.filter_len = filter ? strlen(filter) : 0;
  o.measure = measure;
  rc = kz_corpus_collocations(&r, c, q, strlen(q), &o);
  if (rc) fprintf(stderr, "collocations %s: %s\n", q, kz_last_errmsg());
  assert_int_equal(rc, KZ_OK);
  return r;
}

static void check_colloc(kz_corpus *c, const model *m, const char *node, unsigned L, unsigned R,
                         const char *source) {
  tcounts obs = {0}, freq = {0};
  uint64_t nodes, win = model_colloc(m, node, L, R, source, &obs, &nodes), N = model_freqs(m, source, &freq);
  char filter[64] = "";
  kz_colloc *r;
  if (source) snprintf(filter, sizeof filter, "source:\"%s\"", source);
  r = colloc(c, node, L, R, source ? filter : NULL, KZ_MEASURE_G2);
  assert_int_equal(kz_colloc_node_freq(r), nodes);
  assert_int_equal(kz_colloc_window_tokens(r), win);
  assert_int_equal(kz_colloc_corpus_tokens(r), N);
  assert_int_equal(kz_colloc_count(r), obs.n);
  for (size_t i = 0; i < kz_colloc_count(r); i++) {
    kz_colloc_row w;
    double O, E, C;
    assert_int_equal(kz_colloc_row_get(r, i, &w), KZ_OK);
    assert_int_equal(strlen(w.term), w.term_len);
    assert_int_equal(w.observed, tc_get(&obs, w.term));
    assert_int_equal(w.left + w.right, w.observed);
    assert_int_equal(w.freq, tc_get(&freq, w.term));
    O = (double)w.observed;
    C = (double)w.freq;
    E = (double)win * C / (double)N;
    assert_close(w.expected, E);
    assert_close(w.mi, log2(O / E));
    assert_close(w.t_score, (O - E) / sqrt(O));
    assert_close(w.log_dice, 14 + log2(2 * O / ((double)nodes + C)));
    assert_close(w.g2, ref_g2(O, (double)win - O, C - O, (double)N - (double)win - C + O));
    if (i) { /* sorted by signed G2 */
      kz_colloc_row p;
      kz_colloc_row_get(r, i - 1, &p);
      assert_true((p.observed >= p.expected ? p.g2 : -p.g2) >= (w.observed >= w.expected ? w.g2 : -w.g2));
    }
  }
  kz_colloc_free(r);
  tc_free(&obs);
  tc_free(&freq);
}

static void test_colloc_model(void **state) {
  kz_corpus *c = small_corpus();
  model m;
  (void)state;
  model_build(&m, c);
  assert_int_equal(m.n, 5); /* the deleted document is gone */
  check_colloc(c, &m, "tokayev", 5, 5, NULL);
  check_colloc(c, &m, "tokayev", 2, 3, NULL);
  check_colloc(c, &m, "said", 0, 1, NULL);
  check_colloc(c, &m, "said", 3, 0, NULL);
  check_colloc(c, &m, "prices", 4, 4, "BBC");
  check_colloc(c, &m, "the", 1, 1, "RT DE");
  model_free(&m);
  destroy(c);

  c = seed_corpus();
  model_build(&m, c);
  check_colloc(c, &m, "tokayev", 5, 5, NULL);
  check_colloc(c, &m, "said", 2, 2, NULL);
  check_colloc(c, &m, "kazakhstan", 0, 1, NULL);
  model_free(&m);
  destroy(c);
}

/* The same table from both node paths. */
static void same_tables(kz_colloc *a, kz_colloc *b) {
  assert_int_equal(kz_colloc_node_freq(a), kz_colloc_node_freq(b));
  assert_int_equal(kz_colloc_window_tokens(a), kz_colloc_window_tokens(b));
  assert_int_equal(kz_colloc_corpus_tokens(a), kz_colloc_corpus_tokens(b));
  assert_int_equal(kz_colloc_node_docs(a), kz_colloc_node_docs(b));
  assert_int_equal(kz_colloc_count(a), kz_colloc_count(b));
  for (size_t i = 0; i < kz_colloc_count(a); i++) {
    kz_colloc_row x, y;
    kz_colloc_row_get(a, i, &x);
    kz_colloc_row_get(b, i, &y);
    assert_string_equal(x.term, y.term);
    assert_int_equal(x.observed, y.observed);
    assert_int_equal(x.left, y.left);
    assert_int_equal(x.freq, y.freq);
    assert_int_equal(x.docs, y.docs);
    assert_true(x.g2 == y.g2);
  }
}

static void test_colloc_paths(void **state) {
  kz_corpus *c = seed_corpus();
  kz_colloc *a, *b;
  (void)state;
  /* a word: the walker's matching against KWIC spans (the same word in
   * every field, spelled out) */
  a = colloc(c, "tokayev", 4, 4, NULL, KZ_MEASURE_LOGDICE);
  b = colloc(c, "title:tokayev OR body:tokayev OR caption:tokayev OR heading:tokayev", 4, 4, NULL,
             KZ_MEASURE_LOGDICE);
  assert_true(kz_colloc_node_freq(a) > 10);
  same_tables(a, b);
  kz_colloc_free(a);
  kz_colloc_free(b);
  /* a phrase against an OR of the same phrase, with a filter */
  a = colloc(c, "\"state of emergency\"", 3, 3, "kazakhstan", KZ_MEASURE_MI);
  b = colloc(c, "\"state of emergency\" OR \"state of emergency\"", 3, 3, "kazakhstan", KZ_MEASURE_MI);
  assert_true(kz_colloc_node_freq(a) > 0);
  same_tables(a, b);
  kz_colloc_free(a);
  kz_colloc_free(b);
  destroy(c);
}

static void test_colloc_options(void **state) {
  kz_corpus *c = small_corpus();
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_colloc *r;
  kz_colloc_row w;
  kz_buf json = KZ_BUF_INIT;
  (void)state;
  /* min_freq, stopwords, limit and the measures' order */
  o.min_freq = 2;
  o.flags = KZ_STATS_SKIP_STOPWORDS;
  o.measure = KZ_MEASURE_FREQ;
  assert_int_equal(kz_corpus_collocations(&r, c, "tokayev", 7, &o), KZ_OK);
  assert_true(kz_colloc_count(r) > 0);
  for (size_t i = 0; i < kz_colloc_count(r); i++) {
    kz_colloc_row_get(r, i, &w);
    assert_true(w.observed >= 2);
    assert_string_not_equal(w.term, "the");
    if (i) {
      kz_colloc_row p;
      kz_colloc_row_get(r, i - 1, &p);
      assert_true(p.observed >= w.observed);
    }
  }
  kz_colloc_row_get(r, 0, &w);
  assert_string_equal(w.term, "said");
  assert_int_equal(kz_colloc_to_json(r, &json), KZ_OK);
  assert_non_null(strstr(json.ptr, "{\"term\":\"said\",\"observed\":"));
  kz_buf_dispose(&json);
  kz_colloc_free(r);
  o.limit = 1;
  o.measure = KZ_MEASURE_LOGDICE;
  assert_int_equal(kz_corpus_collocations(&r, c, "tokayev", 7, &o), KZ_OK);
  assert_int_equal(kz_colloc_count(r), 1);
  assert_int_equal(kz_colloc_row_get(r, 1, &w), KZ_ITEROVER);
  kz_colloc_free(r);
  /* a node that never occurs, a node that is only metadata */
  assert_int_equal(kz_corpus_collocations(&r, c, "zebra", 5, NULL), KZ_OK);
  assert_int_equal(kz_colloc_count(r), 0);
  assert_int_equal(kz_colloc_node_freq(r), 0);
  kz_colloc_free(r);
  assert_int_equal(kz_corpus_collocations(&r, c, "source:BBC", 10, NULL), KZ_OK);
  assert_int_equal(kz_colloc_node_freq(r), 0);
  kz_colloc_free(r);
  /* errors */
  assert_int_equal(kz_corpus_collocations(&r, c, "(tokayev", 8, NULL), KZ_EQUERY);
  assert_null(r);
  assert_int_equal(kz_corpus_collocations(&r, c, "", 0, NULL), KZ_EINVAL);
  assert_int_equal(kz_corpus_collocations(NULL, c, "a", 1, NULL), KZ_EINVAL);
  o = (kz_stats_options)KZ_STATS_OPTIONS_INIT;
  o.filter = "date:>>";
  o.filter_len = 7;
  assert_int_equal(kz_corpus_collocations(&r, c, "tokayev", 7, &o), KZ_EQUERY);
  o = (kz_stats_options)KZ_STATS_OPTIONS_INIT;
  o.left = 5000;
  assert_int_equal(kz_corpus_collocations(&r, c, "tokayev", 7, &o), KZ_EINVAL);
  o = (kz_stats_options)KZ_STATS_OPTIONS_INIT;
  o.measure = 99;
  assert_int_equal(kz_corpus_collocations(&r, c, "tokayev", 7, &o), KZ_EINVAL);
  o.measure = 0;
  o.version = 99;
  assert_int_equal(kz_corpus_collocations(&r, c, "tokayev", 7, &o), KZ_EVERSION);
  assert_int_equal(kz_stats_options_init(&o, 99), KZ_EVERSION);
  assert_int_equal(kz_stats_options_init(&o, KZ_STATS_OPTIONS_VERSION), KZ_OK);
  assert_int_equal(kz_measure_from_name("logdice"), KZ_MEASURE_LOGDICE);
  assert_int_equal(kz_measure_from_name("ll"), KZ_MEASURE_G2);
  assert_int_equal(kz_measure_from_name("nope"), -1);
  assert_string_equal(kz_measure_name(KZ_MEASURE_TSCORE), "t");
  kz_colloc_free(NULL);
  destroy(c);
}

/* ---------------------------------------------------------------------
 * Keyness
 * --------------------------------------------------------------------- */

static void check_keyness(kz_corpus *c, const model *m, const char *tsrc, const char *rsrc) {
  tcounts ta = {0}, tb = {0}, all = {0};
  uint64_t C = model_freqs(m, tsrc, &ta), D, Nall = model_freqs(m, NULL, &all);
  char tq[64], rq[64];
  kz_keyness *k;
  size_t rows = 0;
  if (rsrc) D = model_freqs(m, rsrc, &tb);
  else D = Nall - C;
  snprintf(tq, sizeof tq, "source:\"%s\"", tsrc);
  if (rsrc) snprintf(rq, sizeof rq, "source:\"%s\"", rsrc);
  assert_int_equal(kz_corpus_keyness(&k, c, tq, strlen(tq), rsrc ? rq : NULL, rsrc ? strlen(rq) : 0, NULL),
                   KZ_OK);
  assert_int_equal(kz_keyness_target_tokens(k), C);
  assert_int_equal(kz_keyness_reference_tokens(k), D);
  for (size_t i = 0; i < all.n; i++) {
    uint64_t a = tc_get(&ta, all.v[i].term), b = rsrc ? tc_get(&tb, all.v[i].term) : all.v[i].n - a;
    rows += a + b > 0;
  }
  assert_int_equal(kz_keyness_count(k), rows);
  for (size_t i = 0; i < kz_keyness_count(k); i++) {
    kz_keyword_row w;
    double a, b, g, lr, na, nb;
    assert_int_equal(kz_keyness_row_get(k, i, &w), KZ_OK);
    a = (double)tc_get(&ta, w.term);
    b = rsrc ? (double)tc_get(&tb, w.term) : (double)(tc_get(&all, w.term) - (uint64_t)a);
    assert_true(w.freq_target == (uint64_t)a);
    assert_true(w.freq_reference == (uint64_t)b);
    g = ref_g2(a, b, (double)C - a, (double)D - b);
    if (a / (double)C < b / (double)D) g = -g;
    assert_close(w.g2, g);
    assert_close(w.expected, (double)C * (a + b) / (double)(C + D));
    na = (a > 0 ? a : 0.5) / (double)C;
    nb = (b > 0 ? b : 0.5) / (double)D;
    lr = log2(na / nb);
    assert_close(w.log_ratio, lr);
    if (b > 0) assert_close(w.pct_diff, (a / (double)C - b / (double)D) / (b / (double)D) * 100);
    assert_close(w.p, erfc(sqrt(fabs(g) / 2)));
    if (i) {
      kz_keyword_row p;
      kz_keyness_row_get(k, i - 1, &p);
      assert_true(p.g2 >= w.g2);
    }
  }
  kz_keyness_free(k);
  tc_free(&ta);
  tc_free(&tb);
  tc_free(&all);
}

static void test_keyness(void **state) {
  kz_corpus *c = small_corpus();
  model m;
  kz_keyness *k;
  kz_keyword_row w;
  kz_buf json = KZ_BUF_INIT;
  (void)state;
  model_build(&m, c);
  check_keyness(c, &m, "RT DE", NULL);
  check_keyness(c, &m, "BBC", "RT DE");
  check_keyness(c, &m, "Reuters", NULL);
  assert_int_equal(kz_corpus_keyness(&k, c, "source:\"RT DE\"", 14, NULL, 0, NULL), KZ_OK);
  assert_int_equal(kz_keyness_target_docs(k), 2);
  assert_int_equal(kz_keyness_reference_docs(k), 3);
  kz_keyness_row_get(k, 0, &w);
  assert_string_equal(w.term, "csto"); /* three times in RT DE, nowhere else */
  assert_true(w.g2 > 0 && w.log_ratio > 0 && w.pct_diff > 0);
  kz_keyness_row_get(k, kz_keyness_count(k) - 1, &w);
  assert_true(w.g2 < 0);
  assert_int_equal(kz_keyness_to_json(k, &json), KZ_OK);
  assert_non_null(strstr(json.ptr, "{\"term\":\"tokayev\",\"freq_target\":"));
  kz_buf_dispose(&json);
  kz_keyness_free(k);
  assert_int_equal(kz_corpus_keyness(&k, c, NULL, 0, NULL, 0, NULL), KZ_EINVAL);
  assert_int_equal(kz_corpus_keyness(&k, c, "(", 1, NULL, 0, NULL), KZ_EQUERY);
  model_free(&m);
  destroy(c);

  c = seed_corpus();
  model_build(&m, c);
  check_keyness(c, &m, m.d[0].source, NULL);
  model_free(&m);
  destroy(c);
}

/* ---------------------------------------------------------------------
 * N-grams
 * --------------------------------------------------------------------- */

static void check_ngrams(kz_corpus *c, const model *m, unsigned n, unsigned flags) {
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  tcounts want = {0};
  kz_ngrams *g;
  uint64_t total = 0;
  char buf[512];
  for (size_t i = 0; i < m->n; i++)
    for (int f = 0; f < 4; f++) {
      const mfield *fl = &m->d[i].f[f];
      for (size_t k = 0; k + n <= fl->n; k++) {
        size_t j, len = 0;
        for (j = 0; j < n; j++) {
          const mtok *t = &fl->t[k + j];
          if (j && t->brk && !(flags & KZ_STATS_ACROSS_PUNCT)) break;
          if ((flags & KZ_STATS_SKIP_STOPWORDS) && t->stop) break;
          if ((flags & KZ_STATS_STOP_EDGES) && (j == 0 || j == n - 1) && t->stop) break;
          len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? " " : "", t->norm);
        }
        if (j < n) continue;
        (*tc_slot(&want, buf))++;
        total++;
      }
    }
  o.n = n;
  o.flags = flags;
  assert_int_equal(kz_corpus_ngrams(&g, c, &o), KZ_OK);
  assert_int_equal(kz_ngrams_n(g), n);
  assert_int_equal(kz_ngrams_total(g), total);
  assert_int_equal(kz_ngrams_count(g), want.n);
  for (size_t i = 0; i < kz_ngrams_count(g); i++) {
    kz_ngram_row r;
    assert_int_equal(kz_ngrams_row_get(g, i, &r), KZ_OK);
    assert_int_equal(r.freq, tc_get(&want, r.text));
    assert_true(r.docs >= 1 && r.docs <= r.freq);
    if (i) {
      kz_ngram_row p;
      kz_ngrams_row_get(g, i - 1, &p);
      assert_true(p.freq > r.freq || (p.freq == r.freq && strcmp(p.text, r.text) < 0));
    }
  }
  kz_ngrams_free(g);
  tc_free(&want);
}

static void test_ngrams(void **state) {
  kz_corpus *c = seed_corpus();
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_ngrams *g;
  kz_ngram_row r;
  kz_buf json = KZ_BUF_INIT;
  model m;
  (void)state;
  model_build(&m, c);
  for (unsigned n = 1; n <= 5; n++) check_ngrams(c, &m, n, 0);
  check_ngrams(c, &m, 2, KZ_STATS_ACROSS_PUNCT);
  check_ngrams(c, &m, 2, KZ_STATS_SKIP_STOPWORDS);
  check_ngrams(c, &m, 3, KZ_STATS_STOP_EDGES);
  model_free(&m);
  o.n = 3;
  o.min_freq = 3;
  o.limit = 5;
  assert_int_equal(kz_corpus_ngrams(&g, c, &o), KZ_OK);
  assert_true(kz_ngrams_count(g) <= 5 && kz_ngrams_count(g) > 0);
  kz_ngrams_row_get(g, 0, &r);
  assert_true(r.freq >= 3);
  assert_int_equal(kz_ngrams_to_json(g, &json), KZ_OK);
  assert_non_null(strstr(json.ptr, "{\"ngram\":\""));
  kz_buf_dispose(&json);
  kz_ngrams_free(g);
  o.n = 6;
  assert_int_equal(kz_corpus_ngrams(&g, c, &o), KZ_EINVAL);
  o.n = 2;
  o.filter = "tokayev AND NOT zzz";
  o.filter_len = strlen(o.filter);
  o.min_freq = 1;
  o.limit = 0;
  assert_int_equal(kz_corpus_ngrams(&g, c, &o), KZ_OK);
  kz_ngrams_free(g);
  destroy(c);
}

/* ---------------------------------------------------------------------
 * Dispersion
 * --------------------------------------------------------------------- */

static void test_dispersion(void **state) {
  kz_corpus *c = small_corpus();
  kz_dispersion *d;
  kz_dispersion_summary s;
  kz_counts *k;
  kz_count_row cr;
  model m;
  double dp = 0, sum_s = 0, N = 0;
  uint64_t hits = 0;
  (void)state;
  model_build(&m, c);
  assert_int_equal(kz_corpus_dispersion(&d, c, "tokayev", 7, NULL), KZ_OK);
  assert_int_equal(kz_dispersion_summary_get(d, &s), KZ_OK);
  assert_int_equal(kz_corpus_count(&k, c, "tokayev", 7, KZ_COUNT_ALL), KZ_OK);
  kz_counts_row(k, 0, &cr);
  assert_int_equal(s.hits, cr.matches);
  assert_int_equal(s.range, cr.docs);
  assert_int_equal(s.docs, 5);
  kz_counts_free(k);
  for (size_t i = 0; i < m.n; i++) N += (double)m.d[i].tokens;
  assert_int_equal(s.tokens, (uint64_t)N);
  /* DP over every document, the naive way */
  for (size_t i = 0; i < m.n; i++) {
    uint64_t h = 0;
    for (int f = 0; f < 4; f++)
      for (size_t t = 0; t < m.d[i].f[f].n; t++) h += !strcmp(m.d[i].f[f].t[t].norm, "tokayev");
    hits += h;
    dp += fabs((double)h / (double)s.hits - (double)m.d[i].tokens / N);
    sum_s += (double)m.d[i].tokens / N;
  }
  assert_int_equal(hits, s.hits);
  assert_close(s.dp, 0.5 * dp);
  assert_true(s.juilland_d > 0 && s.juilland_d < 1);
  assert_int_equal(kz_dispersion_doc_count(d), s.range);
  for (size_t i = 0; i < kz_dispersion_hit_count(d); i++) {
    kz_dispersion_hit h;
    kz_dispersion_doc dd;
    kz_doc *doc;
    size_t n;
    const char *text;
    assert_int_equal(kz_dispersion_hit_get(d, i, &h), KZ_OK);
    assert_int_equal(kz_dispersion_doc_get(d, h.doc, &dd), KZ_OK);
    assert_true(h.position < h.field_tokens);
    assert_int_equal(kz_corpus_doc(&doc, c, dd.key, dd.key_len), KZ_OK);
    text = kz_doc_field(doc, h.field, &n);
    assert_true(h.end <= n);
    assert_true(strncasecmp(text + h.start, "tokayev", 7) == 0);
    kz_doc_free(doc);
  }
  kz_dispersion_free(d);
  model_free(&m);
  destroy(c);
}

/* ---------------------------------------------------------------------
 * Document-term matrix
 * --------------------------------------------------------------------- */

static void test_dtm(void **state) {
  kz_corpus *c = small_corpus();
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  const int64_t *ip;
  const int32_t *ix;
  const double *v;
  kz_dtm *m, *t;
  model md;
  (void)state;
  model_build(&md, c);
  assert_int_equal(kz_corpus_dtm(&m, c, NULL), KZ_OK);
  assert_int_equal(kz_dtm_rows(m), 5);
  kz_dtm_csr(m, &ip, &ix, &v);
  assert_int_equal(ip[0], 0);
  assert_int_equal((size_t)ip[5], kz_dtm_nnz(m));
  for (size_t r = 0; r < kz_dtm_rows(m); r++) {
    size_t kl;
    const char *key = kz_dtm_key(m, r, &kl);
    double sum = 0;
    const mdoc *d = NULL;
    for (size_t i = 0; i < md.n; i++)
      if (!strcmp(md.d[i].key, key)) d = &md.d[i];
    assert_non_null(d);
    for (int64_t k = ip[r]; k < ip[r + 1]; k++) {
      const char *term = kz_dtm_term(m, (size_t)ix[k], NULL);
      uint64_t want = 0;
      if (k > ip[r]) assert_true(ix[k] > ix[k - 1]);
      for (int f = 0; f < 4; f++)
        for (size_t j = 0; j < d->f[f].n; j++) want += !strcmp(d->f[f].t[j].norm, term);
      assert_true(v[k] == (double)want);
      sum += v[k];
    }
    assert_true(sum == (double)d->tokens);
  }
  for (size_t j = 1; j < kz_dtm_cols(m); j++)
    assert_true(strcmp(kz_dtm_term(m, j - 1, NULL), kz_dtm_term(m, j, NULL)) < 0);
  assert_null(kz_dtm_term(m, kz_dtm_cols(m), NULL));
  assert_null(kz_dtm_key(m, 5, NULL));
  /* tf-idf + l2, min_df 2, max_df 0.8: every kept term in 2..4 documents */
  o.flags = KZ_STATS_TFIDF | KZ_STATS_L2;
  o.min_df = 2;
  o.max_df = 0.8;
  assert_int_equal(kz_corpus_dtm(&t, c, &o), KZ_OK);
  assert_true(kz_dtm_cols(t) > 0 && kz_dtm_cols(t) < kz_dtm_cols(m));
  for (size_t j = 0; j < kz_dtm_cols(t); j++) assert_true(kz_dtm_df(t, j) >= 2 && kz_dtm_df(t, j) <= 4);
  kz_dtm_csr(t, &ip, &ix, &v);
  for (size_t r = 0; r < kz_dtm_rows(t); r++) {
    double norm = 0;
    for (int64_t k = ip[r]; k < ip[r + 1]; k++) norm += v[k] * v[k];
    if (ip[r + 1] > ip[r]) assert_close(norm, 1.0);
  }
  kz_dtm_free(t);
  /* one cell of tf-idf without l2 */
  o.flags = KZ_STATS_TFIDF;
  o.min_df = 0;
  o.max_df = 0;
  o.max_features = 10;
  assert_int_equal(kz_corpus_dtm(&t, c, &o), KZ_OK);
  assert_int_equal(kz_dtm_cols(t), 10);
  kz_dtm_csr(t, &ip, &ix, &v);
  {
    const char *term = kz_dtm_term(t, (size_t)ix[0], NULL);
    double tf = 0;
    size_t j0 = 0;
    const kz_dtm *base = m;
    const int64_t *bip;
    const int32_t *bix;
    const double *bv;
    kz_dtm_csr(base, &bip, &bix, &bv);
    for (int64_t k = bip[0]; k < bip[1]; k++)
      if (!strcmp(kz_dtm_term(base, (size_t)bix[k], NULL), term)) tf = bv[k];
    for (size_t j = 0; j < kz_dtm_cols(base); j++)
      if (!strcmp(kz_dtm_term(base, j, NULL), term)) j0 = j;
    assert_close(v[0], tf * (log(6.0 / (1.0 + (double)kz_dtm_df(base, j0))) + 1));
  }
  kz_dtm_free(t);
  kz_dtm_free(m);
  o = (kz_stats_options)KZ_STATS_OPTIONS_INIT;
  o.min_df = -1;
  assert_int_equal(kz_corpus_dtm(&m, c, &o), KZ_EINVAL);
  model_free(&md);
  destroy(c);
}

/* ---------------------------------------------------------------------
 * Quotes, numbers and entities over a corpus
 * --------------------------------------------------------------------- */

typedef struct qctx { size_t docs, quotes, numbers, parsed_quotes; int stored; } qctx;

static int count_cb(const kz_doc *doc, const kz_analysis *r, void *p) {
  qctx *x = p;
  size_t kl, bl;
  const char *key = kz_doc_field(doc, KZ_FIELD_KEY, &kl);
  const char *body = kz_doc_field(doc, KZ_FIELD_BODY, &bl);
  const kz_quotes *q = kz_analysis_quotes(r);
  kz_quotes *want = NULL;
  x->docs++;
  x->quotes += kz_quotes_count(q);
  x->numbers += kz_numbers_count(kz_analysis_numbers(r));
  for (size_t i = 0; i < kz_quotes_count(q); i++) assert_true(kz_quote_end(q, i) <= bl);
  if (x->stored) {
    assert_int_equal(kz_text_quotes(&want, body, bl, kz_doc_field(doc, KZ_FIELD_LANGUAGE, NULL)), KZ_OK);
  } else {
    kz_article *a;
    assert_int_equal(kz_article_parse_file(&a, key, NULL), KZ_OK);
    assert_int_equal(kz_article_quotes(&want, a), KZ_OK);
    kz_article_free(a);
  }
  assert_int_equal(kz_quotes_count(q), kz_quotes_count(want));
  for (size_t i = 0; i < kz_quotes_count(q); i++) assert_string_equal(kz_quote_text(q, i), kz_quote_text(want, i));
  kz_quotes_free(want);
  return 0;
}

static int stop_cb(const kz_doc *doc, const kz_analysis *r, void *p) {
  (void)doc;
  (void)r;
  (void)p;
  return 42;
}

static void test_corpus_analysis(void **state) {
  kz_corpus *c = seed_corpus();
  qctx x = {0, 0, 0, 0, 0};
  kz_entities *es;
  size_t idx;
  (void)state;
  assert_int_equal(kz_corpus_analyze(c, NULL, 0, 0, count_cb, &x), KZ_OK);
  assert_int_equal(x.docs, 5);
  assert_true(x.quotes > 10 && x.numbers > 10);
  memset(&x, 0, sizeof x);
  x.stored = 1;
  assert_int_equal(kz_corpus_analyze(c, NULL, 0, KZ_ANALYZE_QUOTES | KZ_ANALYZE_STORED_ONLY, count_cb, &x), KZ_OK);
  assert_int_equal(x.docs, 5);
  assert_int_equal(x.numbers, 0); /* not asked for */
  memset(&x, 0, sizeof x);
  assert_int_equal(kz_corpus_analyze(c, "tokayev", 7, KZ_ANALYZE_QUOTES, count_cb, &x), KZ_OK);
  assert_true(x.docs >= 1 && x.docs <= 5);
  assert_int_equal(kz_corpus_analyze(c, NULL, 0, 0, stop_cb, NULL), 42);
  assert_int_equal(kz_corpus_analyze(c, NULL, 0, 0x8000, stop_cb, NULL), KZ_EINVAL);
  assert_int_equal(kz_corpus_analyze(c, "(", 1, 0, stop_cb, NULL), KZ_EQUERY);

  assert_int_equal(kz_corpus_entities(&es, c, NULL, 0, 0), KZ_OK);
  assert_true(kz_entities_count(es) > 10);
  assert_int_equal(kz_entities_lookup(es, "Tokayev", 7, &idx), KZ_OK);
  assert_true(kz_entity_count(es, idx) > 5);
  assert_true(kz_entity_source_count(es, idx) >= 2);
  kz_entities_free(es);
  assert_int_equal(kz_corpus_entities(&es, c, NULL, 0, KZ_ANALYZE_STORED_ONLY), KZ_OK);
  assert_int_equal(kz_entities_lookup(es, "Tokayev", 7, &idx), KZ_OK);
  kz_entities_free(es);
  assert_int_equal(kz_corpus_entities(&es, c, NULL, 0, KZ_ANALYZE_QUOTES), KZ_EINVAL);
  destroy(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_colloc_model),
    cmocka_unit_test(test_colloc_paths),
    cmocka_unit_test(test_colloc_options),
    cmocka_unit_test(test_keyness),
    cmocka_unit_test(test_ngrams),
    cmocka_unit_test(test_dispersion),
    cmocka_unit_test(test_dtm),
    cmocka_unit_test(test_corpus_analysis),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
