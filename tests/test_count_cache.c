/*
 * test_count_cache.c - kz_corpus_count() group sizes (kept with each
 * snapshot) and search results with snippets (store blocks decoded once and
 * cached per snapshot) stay right across commits, deletions, a merge, a
 * refreshed reader, and several threads searching one corpus at once.
 *
 * The expected figures come from a model of the corpus kept by the test:
 * every word is a made-up ASCII word, so a document's word count is its
 * number of words in title and body.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kz.h"
#include "test_fs.h"
#include "kz/corpus.h"
#include "kz/query.h"

#define NDOCS 600
#define NSRC 5
#define NMARK 8   /* marker words "qmark0".."qmark7" */
#define NTHREADS 4

typedef struct mdoc {
  char key[16];
  int src;
  int y, m, d;
  unsigned words;       /* title + body */
  unsigned mark[NMARK]; /* occurrences of each marker */
  int live;
  char *title, *body;
} mdoc;

static mdoc D[2 * NDOCS];
static int ND;
static char dir[96], parent[64];
static kz_corpus *C;
static const char *SRC[NSRC] = {"alpha", "beta", "gamma", "delta", "epsilon"};

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* Append a filler word (no vowels but the leading q: never a stopword). */
static void filler(char *out, size_t cap, size_t *n) {
  static const char cons[] = "bcdfghjklmnprstvwxz";
  char w[8];
  w[0] = 'q';
  for (int i = 1; i < 6; i++) w[i] = cons[rnd() % (sizeof cons - 1)];
  w[6] = 0;
  *n += (size_t)snprintf(out + *n, cap - *n, "%s%s", *n ? " " : "", w);
}

static void make_doc(mdoc *d, int i) {
  char buf[4096];
  size_t n = 0;
  unsigned nw = 5 + rnd() % 120;
  memset(d, 0, sizeof *d);
  snprintf(d->key, sizeof d->key, "doc%04d", i);
  d->src = (int)(rnd() % NSRC);
  d->y = 2020 + (int)(rnd() % 3);
  d->m = 1 + (int)(rnd() % 12);
  d->d = 1 + (int)(rnd() % 28);
  d->live = 1;
  for (unsigned w = 0; w < nw; w++) {
    if (rnd() % 9 == 0) {
      unsigned k = rnd() % NMARK;
      n += (size_t)snprintf(buf + n, sizeof buf - n, "%sqmark%u", n ? " " : "", k);
      d->mark[k]++;
    } else {
      filler(buf, sizeof buf, &n);
    }
  }
  d->body = strdup(buf);
  n = 0;
  filler(buf, sizeof buf, &n);
  filler(buf, sizeof buf, &n);
  d->title = strdup(buf);
  d->words = nw + 2;
}

static void add_doc(kz_corpus *c, const mdoc *d) {
  kz_doc_meta m = KZ_DOC_META_INIT;
  char date[16];
  snprintf(date, sizeof date, "%04d-%02d-%02d", d->y, d->m, d->d);
  m.title = d->title;
  m.source = SRC[d->src];
  m.date = date;
  assert_int_equal(kz_corpus_add_text(c, d->key, strlen(d->key), d->body, strlen(d->body), &m),
                   KZ_OK);
}

static int setup(void **state) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  (void)state;
  snprintf(parent, sizeof parent, "/tmp/kzccXXXXXX");
  if (!mkdtemp(parent)) return -1;
  snprintf(dir, sizeof dir, "%s/c", parent);
  o.flags = KZ_CORPUS_CREATE;
  if (kz_corpus_open(&C, dir, &o)) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  kz_corpus_close(C);
  for (int i = 0; i < ND; i++) {
    free(D[i].title);
    free(D[i].body);
  }
  kzt_rmtree(dir);
  rmdir(parent);
  return 0;
}

/* The group of d under by, into out (>= 16 bytes); "" for KZ_COUNT_ALL. */
static void group_name(const mdoc *d, int by, char *out) {
  switch (by) {
    case KZ_COUNT_SOURCE: snprintf(out, 16, "%s", SRC[d->src]); break;
    case KZ_COUNT_DAY: snprintf(out, 16, "%04d-%02d-%02d", d->y, d->m, d->d); break;
    case KZ_COUNT_MONTH: snprintf(out, 16, "%04d-%02d", d->y, d->m); break;
    case KZ_COUNT_YEAR: snprintf(out, 16, "%04d", d->y); break;
    default: out[0] = 0; break;
  }
}

/* Compare one count() result with the model; returns the number of wrong
 * figures (no cmocka assertions: also called from threads). */
static int check_counts(kz_corpus *c, unsigned mark, int by) {
  char q[16], g[16];
  kz_counts *k = NULL;
  size_t rows;
  int bad = 0;
  snprintf(q, sizeof q, "qmark%u", mark);
  if (kz_corpus_count(&k, c, q, strlen(q), by) != KZ_OK) return 1;
  rows = kz_counts_size(k);
  for (size_t i = 0; i < rows; i++) {
    kz_count_row r;
    uint64_t docs = 0, matches = 0, gdocs = 0, gwords = 0;
    if (kz_counts_row(k, i, &r) != KZ_OK || r.group_len >= sizeof g) {
      bad++;
      continue;
    }
    for (int j = 0; j < ND; j++) {
      if (!D[j].live) continue;
      group_name(&D[j], by, g);
      if (strlen(g) != r.group_len || memcmp(g, r.group, r.group_len) != 0) continue;
      gdocs++;
      gwords += D[j].words;
      if (D[j].mark[mark]) {
        docs++;
        matches += D[j].mark[mark];
      }
    }
    bad += r.docs != docs || r.matches != matches || r.group_docs != gdocs ||
           r.group_words != gwords || docs == 0;
    if (gwords) {
      double pm = (double)matches * 1e6 / (double)gwords;
      bad += r.per_million < pm * (1 - 1e-12) || r.per_million > pm * (1 + 1e-12);
    }
  }
  /* every group with a match is there */
  {
    size_t want = 0;
    for (int j = 0; j < ND; j++) {
      int seen = 0;
      if (!D[j].live || !D[j].mark[mark]) continue;
      group_name(&D[j], by, g);
      for (int i = 0; i < j && !seen; i++) {
        char h[16];
        if (!D[i].live || !D[i].mark[mark]) continue;
        group_name(&D[i], by, h);
        seen = strcmp(g, h) == 0;
      }
      want += !seen;
    }
    bad += rows != want;
  }
  kz_counts_free(k);
  return bad;
}

static const int BY[] = {KZ_COUNT_ALL, KZ_COUNT_SOURCE, KZ_COUNT_DAY, KZ_COUNT_MONTH,
                         KZ_COUNT_YEAR};
#define NBY (int)(sizeof BY / sizeof BY[0])

typedef struct vocab { uint64_t tf[NMARK], df[NMARK]; } vocab;
static int vocab_cb(const char *t, size_t n, uint64_t tf, uint64_t df, void *p) {
  vocab *v = p;
  if (n == 6 && memcmp(t, "qmark", 5) == 0 && t[5] >= '0' && t[5] < '0' + NMARK) {
    v->tf[t[5] - '0'] = tf;
    v->df[t[5] - '0'] = df;
  }
  return 0;
}

/* Counts, and the vocabulary's tf and df of the markers (without a filter,
 * and within the documents of another marker). */
static void check_all(kz_corpus *c) {
  vocab v;
  for (unsigned m = 0; m < NMARK; m++)
    for (int b = 0; b < NBY; b++) assert_int_equal(check_counts(c, m, BY[b]), 0);
  memset(&v, 0, sizeof v);
  assert_int_equal(kz_corpus_vocabulary(c, NULL, 0, vocab_cb, &v), KZ_OK);
  for (unsigned m = 0; m < NMARK; m++) {
    uint64_t tf = 0, df = 0;
    for (int j = 0; j < ND; j++)
      if (D[j].live) {
        tf += D[j].mark[m];
        df += D[j].mark[m] != 0;
      }
    assert_int_equal(v.tf[m], tf);
    assert_int_equal(v.df[m], df);
  }
  memset(&v, 0, sizeof v);
  assert_int_equal(kz_corpus_vocabulary(c, "qmark0", 6, vocab_cb, &v), KZ_OK);
  for (unsigned m = 0; m < NMARK; m++) {
    uint64_t tf = 0, df = 0;
    for (int j = 0; j < ND; j++)
      if (D[j].live && D[j].mark[0]) {
        tf += D[j].mark[m];
        df += D[j].mark[m] != 0;
      }
    assert_int_equal(v.tf[m], tf);
    assert_int_equal(v.df[m], df);
  }
}

static void delete_some(int every) {
  for (int i = 0; i < ND; i += every) {
    if (!D[i].live) continue;
    assert_int_equal(kz_corpus_delete(C, D[i].key, strlen(D[i].key)), KZ_OK);
    D[i].live = 0;
  }
}

/* ---------------------------------------------------------------------
 * Threads: counts and searches with snippets on one corpus handle
 * --------------------------------------------------------------------- */

typedef struct job {
  kz_corpus *c;
  int id;
  int bad;
} job;

/* The fields and snippet of every hit agree with the model. */
static int check_search(kz_corpus *c, unsigned mark) {
  char q[16];
  kz_results *r = NULL;
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  int bad = 0;
  size_t n = 0, want = 0;
  o.limit = 40;
  snprintf(q, sizeof q, "qmark%u", mark);
  for (int j = 0; j < ND; j++) want += D[j].live && D[j].mark[mark];
  if (kz_corpus_search(&r, c, q, strlen(q), &o) != KZ_OK) return 1;
  while (kz_results_next(r) == KZ_OK) {
    size_t kl, tl, bl, sl;
    const char *key = kz_results_field(r, KZ_FIELD_KEY, &kl);
    const char *title = kz_results_field(r, KZ_FIELD_TITLE, &tl);
    const char *body = kz_results_field(r, KZ_FIELD_BODY, &bl);
    const char *snip = kz_results_snippet(r, &sl);
    const mdoc *d = NULL;
    n++;
    for (int j = 0; j < ND && !d; j++)
      if (strlen(D[j].key) == kl && memcmp(D[j].key, key, kl) == 0) d = &D[j];
    if (!d || !d->live || !d->mark[mark]) {
      bad++;
      continue;
    }
    bad += tl != strlen(d->title) || memcmp(title, d->title, tl) != 0;
    bad += bl != strlen(d->body) || memcmp(body, d->body, bl) != 0;
    bad += kz_results_snippet_field(r) != KZ_FIELD_BODY || kz_results_highlight_count(r) == 0;
    for (size_t i = 0; i < kz_results_highlight_count(r); i++) {
      size_t a, b;
      kz_results_highlight(r, i, &a, &b);
      bad += b > sl || b - a != 6 || memcmp(snip + a, q, 6) != 0;
    }
    bad += kz_results_body_highlight_count(r) != d->mark[mark];
    for (size_t i = 0; i < kz_results_body_highlight_count(r); i++) {
      size_t a, b;
      kz_results_body_highlight(r, i, &a, &b);
      bad += b > bl || b - a != strlen(q) || memcmp(body + a, q, b - a) != 0;
    }
  }
  bad += n != (want < 40 ? want : 40);
  kz_results_free(r);
  return bad;
}

static void *worker(void *p) {
  job *j = p;
  for (int round = 0; round < 3; round++)
    for (unsigned m = 0; m < NMARK; m++) {
      unsigned mm = (m + (unsigned)j->id) % NMARK;
      j->bad += check_counts(j->c, mm, BY[(j->id + (int)m) % NBY]);
      j->bad += check_search(j->c, mm);
    }
  return NULL;
}

static void run_threads(kz_corpus *c) {
  pthread_t t[NTHREADS];
  job j[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    j[i].c = c;
    j[i].id = i;
    j[i].bad = 0;
    assert_int_equal(pthread_create(&t[i], NULL, worker, &j[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(j[i].bad, 0);
  }
}

static void test_counts_across_commits(void **state) {
  kz_corpus *r = NULL;
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  (void)state;
  for (; ND < NDOCS / 2; ND++) {
    make_doc(&D[ND], ND);
    add_doc(C, &D[ND]);
  }
  assert_int_equal(kz_corpus_commit(C), KZ_OK);
  check_all(C);
  /* a reader on its own handle keeps its snapshot until refreshed */
  o.flags = KZ_CORPUS_READONLY;
  assert_int_equal(kz_corpus_open(&r, dir, &o), KZ_OK);
  check_all(r);
  for (unsigned m = 0; m < NMARK; m++) assert_int_equal(check_search(r, m), 0);
  /* deletions: the sizes of the next snapshot leave them out */
  delete_some(7);
  assert_int_equal(kz_corpus_commit(C), KZ_OK);
  check_all(C);
  assert_int_equal(kz_corpus_refresh(r), KZ_OK);
  check_all(r);
  /* a second segment, more deletions, replacements of live documents */
  for (; ND < NDOCS; ND++) {
    make_doc(&D[ND], ND);
    add_doc(C, &D[ND]);
  }
  delete_some(5);
  assert_int_equal(kz_corpus_commit(C), KZ_OK);
  check_all(C);
  for (int i = 3; i < ND; i += 11) {
    if (!D[i].live) continue;
    free(D[i].title);
    free(D[i].body);
    {
      char key[16];
      memcpy(key, D[i].key, sizeof key);
      make_doc(&D[i], 0);
      memcpy(D[i].key, key, sizeof key);
    }
    add_doc(C, &D[i]);
  }
  assert_int_equal(kz_corpus_commit(C), KZ_OK);
  check_all(C);
  for (unsigned m = 0; m < NMARK; m++) assert_int_equal(check_search(C, m), 0);
  /* a fresh snapshot (empty caches) used by several threads at once */
  assert_int_equal(kz_corpus_refresh(r), KZ_OK);
  run_threads(r);
  check_all(r);
  /* merged into one segment */
  assert_int_equal(kz_corpus_optimize(C), KZ_OK);
  run_threads(C);
  check_all(C);
  kz_corpus_close(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts_across_commits),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
