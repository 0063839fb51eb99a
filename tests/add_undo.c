/*
 * add_undo.c (tests/undo.cmake) - a document whose analysis fails leaves
 * no trace.  The writer appends each position to its term's chain as the
 * terms come and takes them back when the document fails; writer.c is
 * built here with a hook that fails the n-th position appended.  A corpus
 * whose adds fail at the first, a middle and the last position of some
 * documents (in the title or the body, new terms and old ones, slices
 * full or not) must equal one built without those documents: the same
 * vocabulary with the same frequencies, the same matches per document of
 * words and phrases, and the same documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kz.h"
#include "kz/corpus.h"
#include "kz/query.h"
#include "test_fs.h"

extern int kzi_test_fail_pos;

/* A growing string. */
typedef struct strbuf {
  char *p;
  size_t n, cap;
} strbuf;

static void sb_add(strbuf *b, const char *s) {
  size_t l = strlen(s);
  if (b->n + l + 1 > b->cap) {
    b->cap = (b->n + l + 1) * 2;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
  }
  memcpy(b->p + b->n, s, l + 1);
  b->n += l;
}

/* A new corpus path in a fresh temporary directory. */
static char *tmpdir(void) {
  char *b = malloc(64);
  assert_non_null(b);
  snprintf(b, 64, "/tmp/kz-undo-XXXXXX");
  assert_non_null(mkdtemp(b));
  strcat(b, "/c");
  return b;
}

static void cleanup(char *dir) {
  kzt_rmtree(dir);
  *strrchr(dir, '/') = 0;
  rmdir(dir);
  free(dir);
}

enum { NDOCS = 80, NWORDS = 300, BODY = 400 };

static void word(char *out, size_t cap, unsigned k) {
  snprintf(out, cap, "%s%u", k % 3 ? "w" : "term", k);
}

/* Document d's title and body, the same in both corpora. */
static void text(unsigned d, char *title, size_t tcap, char *body, size_t bcap) {
  unsigned seed = d * 2654435761u + 1;
  size_t l = 0;
  char w[32];
  title[0] = 0;
  for (int i = 0; i < 4; i++) {
    seed = seed * 1103515245 + 12345;
    word(w, sizeof w, (seed >> 16) % NWORDS);
    l += (size_t)snprintf(title + l, tcap - l, "%s ", w);
  }
  l = 0;
  for (int i = 0; i < BODY; i++) {
    seed = seed * 1103515245 + 12345;
    /* a few words new in each document, most shared */
    if (i % 50 == 7) snprintf(w, sizeof w, "new%ux%d", d, i);
    else word(w, sizeof w, (seed >> 16) % (i % 2 ? NWORDS : 40));
    l += (size_t)snprintf(body + l, bcap - l, "%s ", w);
  }
}

/* "term tf df" lines of the vocabulary. */
static int vocab_cb(const char *t, size_t n, uint64_t tf, uint64_t df, void *p) {
  strbuf *b = p;
  char line[128];
  snprintf(line, sizeof line, "%.*s %llu %llu\n", (int)n, t, (unsigned long long)tf,
           (unsigned long long)df);
  sb_add(b, line);
  return 0;
}

/* "key matches" lines of a query's counts by document. */
static void by_doc(kz_corpus *c, const char *q, strbuf *b) {
  kz_counts *k = NULL;
  char line[128];
  assert_int_equal(kz_corpus_count(&k, c, q, strlen(q), KZ_COUNT_DOC), KZ_OK);
  for (size_t i = 0; i < kz_counts_size(k); i++) {
    kz_count_row r;
    assert_int_equal(kz_counts_row(k, i, &r), KZ_OK);
    snprintf(line, sizeof line, "%.*s %llu\n", (int)r.group_len, r.group,
             (unsigned long long)r.matches);
    sb_add(b, line);
  }
  kz_counts_free(k);
}

static void test_failed_adds(void **state) {
  /* document -> the position at which its add fails (0: it does not) */
  static const struct { unsigned doc; int at; } fails[] = {
      {0, 3}, {5, 1}, {17, 200}, {18, BODY + 4}, {40, 399}, {41, 2}, {NDOCS - 1, 250}};
  char *da = tmpdir(), *db = tmpdir();
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *a, *b;
  static char title[512], body[8192];
  strbuf va = {0}, vb = {0};
  (void)state;
  o.flags = KZ_CORPUS_CREATE;
  o.memory_budget = 1 << 20; /* flushes between the failures too */
  assert_int_equal(kz_corpus_open(&a, da, &o), KZ_OK);
  assert_int_equal(kz_corpus_open(&b, db, &o), KZ_OK);
  for (unsigned d = 0; d < NDOCS; d++) {
    kz_doc_meta m = KZ_DOC_META_INIT;
    char key[32];
    int at = 0;
    for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++)
      if (fails[i].doc == d) at = fails[i].at;
    text(d, title, sizeof title, body, sizeof body);
    m.title = title;
    m.source = d % 2 ? "Odd" : "Even";
    snprintf(key, sizeof key, "d%u", d);
    kzi_test_fail_pos = at;
    if (at) {
      assert_int_equal(kz_corpus_add_text(a, key, strlen(key), body, strlen(body), &m), KZ_ENOMEM);
      assert_int_equal(kzi_test_fail_pos, 0); /* it did fail where asked */
      continue;
    }
    assert_int_equal(kz_corpus_add_text(a, key, strlen(key), body, strlen(body), &m), KZ_OK);
    assert_int_equal(kz_corpus_add_text(b, key, strlen(key), body, strlen(body), &m), KZ_OK);
  }
  assert_int_equal(kz_corpus_commit(a), KZ_OK);
  assert_int_equal(kz_corpus_commit(b), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(a), kz_corpus_count_docs(b));
  assert_int_equal(kz_corpus_vocabulary(a, NULL, 0, vocab_cb, &va), KZ_OK);
  assert_int_equal(kz_corpus_vocabulary(b, NULL, 0, vocab_cb, &vb), KZ_OK);
  assert_true(va.n > 1000);
  assert_string_equal(va.p, vb.p);
  for (unsigned k = 0; k < 40; k++) {
    static const char *const extra[] = {"\"w1 w2\"", "\"term3 w4\"", "NEAR(w7 w8, 3)", "source:Odd",
                                        "title:w10", "new17x7", "new18x57", "new0x7"};
    char q[128], w1[32], w2[32];
    strbuf ra = {0}, rb = {0};
    if (k < 8) {
      snprintf(q, sizeof q, "%s", extra[k]);
    } else if (k % 2) {
      word(q, sizeof q, k * 7 % NWORDS);
    } else {
      word(w1, sizeof w1, k % 40);
      word(w2, sizeof w2, (k * 3 + 1) % NWORDS);
      snprintf(q, sizeof q, "\"%s %s\"", w1, w2);
    }
    by_doc(a, q, &ra);
    by_doc(b, q, &rb);
    if (strcmp(ra.p ? ra.p : "", rb.p ? rb.p : "") != 0) fail_msg("query %s differs", q);
    free(ra.p);
    free(rb.p);
  }
  free(va.p);
  free(vb.p);
  kz_corpus_close(a);
  kz_corpus_close(b);
  cleanup(da);
  cleanup(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_failed_adds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
