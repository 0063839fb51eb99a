/*
 * test_spans.c - kzi_spans_normalize() (qexec.c): spans sorted by start
 * and end, overlapping and touching-inside ones merged.  Its sort merges
 * the sorted runs the spans come in; on inputs of every shape (one run,
 * a few, many, reversed, duplicates, more than its stack buffer) it must
 * give what sorting with qsort() and merging gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus_int.h"

static uint64_t rng = 0x853c49e6748fea9bull;
static uint32_t next32(uint32_t lim) { /* xorshift64*, [0, lim) */
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32) % lim;
}

static int cmp(const void *a, const void *b) {
  const kzi_span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* The reference: qsort, then each group of spans that overlap the group's
 * reach (start before its furthest end) becomes one, written to out. */
static size_t reference(kzi_span *sp, size_t n, kzi_span *out) {
  size_t i = 0, w = 0;
  qsort(sp, n, sizeof *sp, cmp);
  while (i < n) {
    kzi_span g = sp[i++];
    while (i < n && sp[i].start < g.end) {
      g.end = sp[i].end > g.end ? sp[i].end : g.end;
      i++;
    }
    out[w++] = g;
  }
  return w;
}

/* kzi_spans_normalize() of a[0..n) against the reference. */
static void compare(kzi_span *a, size_t n) {
  kzi_span *b = malloc((n + 1) * sizeof *b), *r = malloc((n + 1) * sizeof *r);
  size_t na, nr;
  assert_non_null(b);
  assert_non_null(r);
  memcpy(b, a, n * sizeof *a);
  na = kzi_spans_normalize(a, n);
  nr = reference(b, n, r);
  assert_int_equal(na, nr);
  assert_memory_equal(a, r, na * sizeof *a);
  free(b);
  free(r);
}

/* n spans in `runs` sorted runs (0: random order), positions below lim,
 * lengths 1..maxlen. */
static void make(kzi_span *v, size_t n, size_t runs, uint32_t lim, uint32_t maxlen) {
  for (size_t i = 0; i < n; i++) {
    v[i].start = next32(lim);
    v[i].end = v[i].start + 1 + next32(maxlen);
  }
  if (runs == 0) return;
  for (size_t r = 0; r < runs; r++) {
    size_t a = n * r / runs, b = n * (r + 1) / runs;
    qsort(v + a, b - a, sizeof *v, cmp);
  }
}

static void check(size_t n, size_t runs, uint32_t lim, uint32_t maxlen) {
  kzi_span *a = malloc((n + 1) * sizeof *a);
  assert_non_null(a);
  make(a, n, runs, lim, maxlen);
  compare(a, n);
  free(a);
}

static void test_shapes(void **state) {
  (void)state;
  const size_t sizes[] = {0, 1, 2, 3, 17, 255, 256, 257, 1000, 5000};
  const size_t runs[] = {0, 1, 2, 3, 7, 64};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++)
      for (int rep = 0; rep < 5; rep++) {
        check(sizes[i], runs[r], 1000000, 1);  /* single words, few overlaps */
        check(sizes[i], runs[r], 50, 1);       /* many duplicates */
        check(sizes[i], runs[r], 2000, 6);     /* phrases and windows overlapping */
      }
}

/* Reversed input: one run per span. */
static void test_reversed(void **state) {
  (void)state;
  for (size_t n = 0; n < 700; n += 33) {
    kzi_span *a = malloc((n + 1) * sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++) {
      a[i].start = (uint32_t)(2 * (n - i));
      a[i].end = a[i].start + 1 + (uint32_t)(i % 3);
    }
    compare(a, n);
    free(a);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shapes),
      cmocka_unit_test(test_reversed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
