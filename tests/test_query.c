/*
 * test_query.c - KWIC concordances, counts and vocabulary over a small
 * corpus, through the public API.
 */
#include <dirent.h>
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

static char dir[96], parent[64];
static kz_corpus *C;

static void add(const char *key, const char *title, const char *body, const char *source,
                const char *date) {
  kz_doc_meta m = KZ_DOC_META_INIT;
  m.title = title;
  m.source = source;
  m.date = date;
  assert_int_equal(kz_corpus_add_text(C, key, strlen(key), body, strlen(body), &m), KZ_OK);
}

static int setup(void **state) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  (void)state;
  snprintf(parent, sizeof parent, "/tmp/kzqueryXXXXXX");
  if (!mkdtemp(parent)) return -1;
  snprintf(dir, sizeof dir, "%s/c", parent);
  o.flags = KZ_CORPUS_CREATE;
  if (kz_corpus_open(&C, dir, &o)) return -1;
  add("a", "Terrorists in Almaty", "Officials called the protesters terrorists. Later the word terrorists was "
      "repeated by state media.", "RT DE", "2022-01-05");
  add("b", "Calm returns", "Witnesses said the crowd were ordinary people, not terrorists at all.",
      "BBC", "2022-01-06");
  add("c", "Prices", "Fuel prices rose sharply in the west of the country.", "BBC", "2022-02-01");
  return kz_corpus_commit(C);
}

static int teardown(void **state) {
  DIR *d;
  struct dirent *e;
  char p[512];
  (void)state;
  kz_corpus_close(C);
  d = opendir(dir);
  while (d && (e = readdir(d)) != NULL) {
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (e->d_name[0] != '.') unlink(p);
  }
  if (d) closedir(d);
  rmdir(dir);
  rmdir(parent);
  return 0;
}

static void test_kwic(void **state) {
  kz_kwic *k;
  kz_kwic_row r;
  kz_kwic_options o = KZ_KWIC_OPTIONS_INIT;
  (void)state;
  o.width = 2;
  assert_int_equal(kz_corpus_kwic(&k, C, "terrorists", 10, &o), KZ_OK);
  assert_int_equal(kz_kwic_count(k), 4); /* title a, body a x2, body b */
  assert_int_equal(kz_kwic_row_get(k, 0, &r), KZ_OK);
  assert_int_equal(r.field, KZ_FIELD_TITLE);
  assert_memory_equal(r.match, "Terrorists", r.match_len);
  assert_int_equal(kz_kwic_row_get(k, 1, &r), KZ_OK);
  assert_int_equal(r.field, KZ_FIELD_BODY);
  assert_int_equal(r.left_len, strlen("the protesters"));
  assert_memory_equal(r.left, "the protesters", r.left_len);
  assert_memory_equal(r.right, ". Later the", r.right_len);
  assert_int_equal(r.end - r.start, strlen("terrorists"));
  assert_int_equal(kz_kwic_row_get(k, 4, &r), KZ_ITEROVER);
  kz_kwic_free(k);
  /* sorted by the word to the left: (in) < people/not < protesters < word */
  o.sort = KZ_KWIC_SORT_LEFT;
  assert_int_equal(kz_corpus_kwic(&k, C, "terrorists", 10, &o), KZ_OK);
  {
    const char *want[] = {"Terrorists in", "not", "protesters", "word"};
    (void)want;
    assert_int_equal(kz_kwic_row_get(k, 0, &r), KZ_OK);
    assert_int_equal(r.left_len, 0); /* title: nothing on the left sorts first */
    assert_int_equal(kz_kwic_row_get(k, 1, &r), KZ_OK);
    assert_memory_equal(r.left + r.left_len - 3, "not", 3);
    assert_int_equal(kz_kwic_row_get(k, 2, &r), KZ_OK);
    assert_memory_equal(r.left + r.left_len - 10, "protesters", 10);
    assert_int_equal(kz_kwic_row_get(k, 3, &r), KZ_OK);
    assert_memory_equal(r.left + r.left_len - 4, "word", 4);
  }
  kz_kwic_free(k);
  /* a phrase is one match */
  o.sort = KZ_KWIC_SORT_NONE;
  assert_int_equal(kz_corpus_kwic(&k, C, "\"state media\"", 13, &o), KZ_OK);
  assert_int_equal(kz_kwic_count(k), 1);
  kz_kwic_row_get(k, 0, &r);
  assert_memory_equal(r.match, "state media", r.match_len);
  kz_kwic_free(k);
  /* character width */
  o.flags = KZ_KWIC_CHARS;
  o.width = 6;
  o.limit = 1;
  assert_int_equal(kz_corpus_kwic(&k, C, "body:terrorists", 15, &o), KZ_OK);
  assert_int_equal(kz_kwic_count(k), 1);
  kz_kwic_row_get(k, 0, &r);
  assert_int_equal(r.left_len, 5); /* 6 characters back, the space trimmed */
  assert_memory_equal(r.left, "sters", r.left_len);
  kz_kwic_free(k);
}

static void test_count(void **state) {
  kz_counts *k;
  kz_count_row r;
  (void)state;
  assert_int_equal(kz_corpus_count(&k, C, "terrorists", 10, KZ_COUNT_SOURCE), KZ_OK);
  assert_int_equal(kz_counts_size(k), 2);
  assert_int_equal(kz_counts_row(k, 0, &r), KZ_OK);
  assert_memory_equal(r.group, "BBC", 3);
  assert_int_equal(r.docs, 1);
  assert_int_equal(r.matches, 1);
  assert_int_equal(r.group_docs, 2);
  assert_true(r.group_words > 15);
  assert_true(r.per_million > 0);
  assert_int_equal(kz_counts_row(k, 1, &r), KZ_OK);
  assert_memory_equal(r.group, "RT DE", 5);
  assert_int_equal(r.docs, 1);
  assert_int_equal(r.matches, 3);
  kz_counts_free(k);
  assert_int_equal(kz_corpus_count(&k, C, "terrorists OR fuel", 18, KZ_COUNT_MONTH), KZ_OK);
  assert_int_equal(kz_counts_size(k), 2);
  kz_counts_row(k, 0, &r);
  assert_memory_equal(r.group, "2022-01", 7);
  assert_int_equal(r.docs, 2);
  kz_counts_row(k, 1, &r);
  assert_memory_equal(r.group, "2022-02", 7);
  kz_counts_free(k);
  assert_int_equal(kz_corpus_count(&k, C, "terrorists", 10, KZ_COUNT_WEEK), KZ_OK);
  kz_counts_row(k, 0, &r);
  assert_memory_equal(r.group, "2022-W01", 8);
  kz_counts_free(k);
  assert_int_equal(kz_corpus_count(&k, C, "terrorists", 10, KZ_COUNT_DOC), KZ_OK);
  assert_int_equal(kz_counts_size(k), 2);
  kz_counts_free(k);
  assert_int_equal(kz_corpus_count(&k, C, "(bad", 4, KZ_COUNT_DOC), KZ_EQUERY);
}

typedef struct voc { uint64_t tf, df; int n; } voc;
static int voc_cb(const char *t, size_t n, uint64_t tf, uint64_t df, void *p) {
  voc *v = p;
  v->n++;
  if (n == 10 && memcmp(t, "terrorists", 10) == 0) {
    v->tf = tf;
    v->df = df;
  }
  return 0;
}

static void test_vocabulary(void **state) {
  voc v = {0, 0, 0};
  (void)state;
  assert_int_equal(kz_corpus_vocabulary(C, NULL, 0, voc_cb, &v), KZ_OK);
  assert_int_equal(v.tf, 4);
  assert_int_equal(v.df, 2);
  assert_true(v.n > 20);
  memset(&v, 0, sizeof v);
  assert_int_equal(kz_corpus_vocabulary(C, "source:bbc", 10, voc_cb, &v), KZ_OK);
  assert_int_equal(v.tf, 1);
  assert_int_equal(v.df, 1);
}

/* ---------------------------------------------------------------------
 * Top-k pruning (KZ_SEARCH_TOP_ONLY: block-max, max-score) returns the
 * same hits and scores as scoring every match, on a synthetic corpus big
 * enough for many postings blocks, in several segments, with deletions.
 * --------------------------------------------------------------------- */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

/* A word of a Zipf-like vocabulary: w0 is very common, w999 rare. */
static void word(char *out, size_t cap) {
  uint32_t r = rnd() % 1000000;
  unsigned k = 0;
  while (k < 999 && r < 1000000u / (k + 2) * 1) {
    if (rnd() % 4 == 0) break;
    k++;
  }
  if (rnd() % 3 == 0) k = rnd() % 1000;
  snprintf(out, cap, "w%u", k);
}

static void same_hits(kz_corpus *c, const char *q, size_t limit, size_t offset) {
  kz_search_options a = KZ_SEARCH_OPTIONS_INIT, b = KZ_SEARCH_OPTIONS_INIT;
  kz_results *ra, *rb;
  a.flags = KZ_SEARCH_NO_SNIPPETS;
  b.flags = KZ_SEARCH_NO_SNIPPETS | KZ_SEARCH_TOP_ONLY;
  a.limit = b.limit = limit;
  a.offset = b.offset = offset;
  assert_int_equal(kz_corpus_search(&ra, c, q, strlen(q), &a), KZ_OK);
  assert_int_equal(kz_corpus_search(&rb, c, q, strlen(q), &b), KZ_OK);
  if (kz_results_count(ra) != kz_results_count(rb))
    fprintf(stderr, "query %s: %zu vs %zu hits\n", q, kz_results_count(ra), kz_results_count(rb));
  assert_int_equal(kz_results_count(ra), kz_results_count(rb));
  assert_true(kz_results_total(rb, NULL) <= kz_results_total(ra, NULL));
  while (kz_results_next(ra) == KZ_OK) {
    assert_int_equal(kz_results_next(rb), KZ_OK);
    if (kz_results_score(ra) != kz_results_score(rb) ||
        strcmp(kz_results_field(ra, KZ_FIELD_KEY, NULL), kz_results_field(rb, KZ_FIELD_KEY, NULL)))
      fprintf(stderr, "query %s: %s %.17g vs %s %.17g\n", q, kz_results_field(ra, KZ_FIELD_KEY, NULL),
              kz_results_score(ra), kz_results_field(rb, KZ_FIELD_KEY, NULL), kz_results_score(rb));
    assert_true(kz_results_score(ra) == kz_results_score(rb));
    assert_string_equal(kz_results_field(ra, KZ_FIELD_KEY, NULL),
                        kz_results_field(rb, KZ_FIELD_KEY, NULL));
  }
  kz_results_free(ra);
  kz_results_free(rb);
}

static void test_topk_pruning(void **state) {
  char par[64], d[96], *body = malloc(20000), title[256], key[32], w[16];
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  static const char *srcs[] = {"RT DE", "BBC", "Reuters", "TASS"};
  static const char *qs[] = {
      "w0", "w1", "w3", "w7", "w20", "w150", "w999", "title:w2", "body:w5", "w1 w2", "w0 AND w4",
      "w2 AND w9 AND w30", "w1 OR w2", "w5 OR w40 OR w300", "w0 OR w999", "\"w1 w2\"",
      "\"w0 w0\"", "\"w3 w1 w0\"", "NEAR(w1 w6, 3)", "w2 NEAR/1 w3", "w1 -w2", "w4 NOT w0",
      "(w1 OR w3) AND w2", "w1 source:bbc", "source:tass", "w1* ", "w999*", "title:w99*", "w9~", "w2 date:2021",
      "title:(w1 OR w2) w3", "w11 OR title:w12"};
  (void)state;
  snprintf(par, sizeof par, "/tmp/kztopkXXXXXX");
  assert_non_null(mkdtemp(par));
  snprintf(d, sizeof d, "%s/c", par);
  o.flags = KZ_CORPUS_CREATE;
  o.memory_budget = 1 << 20; /* several segments */
  assert_int_equal(kz_corpus_open(&c, d, &o), KZ_OK);
  for (int i = 0; i < 6000; i++) {
    kz_doc_meta m = KZ_DOC_META_INIT;
    size_t n = 0, len = 3 + rnd() % (rnd() % 8 == 0 ? 600 : 80);
    char date[16];
    for (size_t k = 0; k < len; k++) {
      word(w, sizeof w);
      n += (size_t)snprintf(body + n, 20000 - n, "%s%s", k ? " " : "", w);
    }
    title[0] = 0;
    for (size_t k = 0, tn = 0; k < 1 + rnd() % 5; k++) {
      word(w, sizeof w);
      tn += (size_t)snprintf(title + tn, sizeof title - tn, "%s%s", k ? " " : "", w);
    }
    snprintf(key, sizeof key, "d%d", i);
    snprintf(date, sizeof date, "%d-0%d-1%d", 2020 + i % 3, 1 + i % 9, i % 10);
    m.title = title;
    m.source = srcs[i % 4];
    m.date = date;
    assert_int_equal(kz_corpus_add_text(c, key, strlen(key), body, n, &m), KZ_OK);
    if (i % 2500 == 2499) assert_int_equal(kz_corpus_commit(c), KZ_OK);
  }
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  for (int i = 0; i < 6000; i += 7) {
    snprintf(key, sizeof key, "d%d", i);
    assert_int_equal(kz_corpus_delete(c, key, strlen(key)), KZ_OK);
  }
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
      same_hits(c, qs[i], 10, 0);
      same_hits(c, qs[i], 1, 0);
      same_hits(c, qs[i], 50, 5);
    }
    assert_int_equal(kz_corpus_optimize(c), KZ_OK); /* then again on one segment */
  }
  kz_corpus_close(c);
  free(body);
  kzt_rmtree(d);
  rmdir(par);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kwic),
      cmocka_unit_test(test_count),
      cmocka_unit_test(test_vocabulary),
      cmocka_unit_test(test_topk_pruning),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
