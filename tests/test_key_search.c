/*
 * test_key_search.c - kzi_key_dir() and kzi_key_lower_bound(), the search
 * of a segment's key table (segment.c) through a directory of its hashes'
 * top bits.  On tables of every shape it must give what a linear scan
 * gives; on a damaged (unsorted) table it must stay within [0, n].
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus_int.h"
#include "rand64.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next64(void) { return kzt_next64(&rng); }

/* The table of the n hashes h (sorted here unless `keep`). */
static unsigned char *table(uint64_t *h, size_t n, int keep) {
  unsigned char *t = malloc(n * 12 + 1);
  assert_non_null(t);
  if (!keep) qsort(h, n, sizeof *h, kzt_cmp_u64);
  for (size_t i = 0; i < n; i++) {
    kzi_put64(t + 12 * i, h[i]);
    kzi_put32(t + 12 * i + 8, (uint32_t)i);
  }
  return t;
}

static size_t linear(const uint64_t *h, size_t n, uint64_t x) {
  size_t i = 0;
  while (i < n && h[i] < x) i++;
  return i;
}

static const uint32_t *cur_dir; /* the directory of the table being checked */
static unsigned cur_bits;

static size_t lb(const unsigned char *t, size_t n, uint64_t x) {
  size_t r = kzi_key_lower_bound(t, n, cur_dir, cur_bits, x);
  /* without the directory: the same answer */
  assert_int_equal(r, kzi_key_lower_bound(t, n, NULL, 0, x));
  return r;
}

/* Every hash of the table, its neighbours, and random values. */
static void check(uint64_t *h, size_t n) {
  unsigned char *t = table(h, n, 0);
  uint32_t *dir = kzi_key_dir(t, n, &cur_bits);
  cur_dir = dir;
  assert_true(n < 64 || dir != NULL); /* (no directory for small tables) */
  uint64_t probes[] = {0, 1, UINT64_MAX, UINT64_MAX - 1, UINT64_MAX / 2};
  for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
    assert_int_equal(lb(t, n, probes[i]), linear(h, n, probes[i]));
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(lb(t, n, h[i]), linear(h, n, h[i]));
    if (h[i] > 0)
      assert_int_equal(lb(t, n, h[i] - 1), linear(h, n, h[i] - 1));
    if (h[i] < UINT64_MAX)
      assert_int_equal(lb(t, n, h[i] + 1), linear(h, n, h[i] + 1));
  }
  for (int i = 0; i < 2000; i++) {
    uint64_t x = next64();
    assert_int_equal(lb(t, n, x), linear(h, n, x));
  }
  free(dir);
  free(t);
}

static void test_uniform(void **state) {
  (void)state;
  size_t sizes[] = {0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 1000, 5000, 70000};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    uint64_t *h = malloc((n + 1) * sizeof *h);
    for (size_t i = 0; i < n; i++) h[i] = next64();
    check(h, n);
    free(h);
  }
}

/* Shapes far from uniform: empty buckets, one bucket holding everything,
 * runs of equal hashes across bucket edges. */
static void test_skewed(void **state) {
  (void)state;
  const size_t n = 4000;
  uint64_t *h = malloc(n * sizeof *h);
  /* all equal */
  for (size_t i = 0; i < n; i++) h[i] = 42;
  check(h, n);
  /* runs of duplicates */
  for (size_t i = 0; i < n; i++) h[i] = (next64() % 50) << 40;
  check(h, n);
  /* small consecutive values, then a few huge ones */
  for (size_t i = 0; i < n; i++) h[i] = i < n - 5 ? i : UINT64_MAX - i;
  check(h, n);
  /* two tight clusters at the ends */
  for (size_t i = 0; i < n; i++)
    h[i] = i % 2 ? next64() % 1000 : UINT64_MAX - next64() % 1000;
  check(h, n);
  /* exponential: most hashes tiny, a few spread over the range */
  for (size_t i = 0; i < n; i++) h[i] = next64() >> (next64() % 64);
  check(h, n);
  free(h);
}

/* A damaged table: unsorted hashes.  Any answer in [0, n] will do; the
 * directory's bounds must stay within the table (ASan). */
static void test_unsorted(void **state) {
  (void)state;
  const size_t n = 3000;
  uint64_t *h = malloc(n * sizeof *h);
  for (int round = 0; round < 3; round++) {
    unsigned char *t;
    uint32_t *dir;
    unsigned bits;
    for (size_t i = 0; i < n; i++)
      h[i] = round == 0 ? next64() : round == 1 ? (uint64_t)(n - i) << 50 : (i % 2 ? 0 : UINT64_MAX);
    t = table(h, n, 1);
    dir = kzi_key_dir(t, n, &bits);
    assert_non_null(dir);
    for (int i = 0; i < 3000; i++) {
      uint64_t x = (size_t)i < n ? h[i] : next64();
      assert_true(kzi_key_lower_bound(t, n, dir, bits, x) <= n);
    }
    free(dir);
    free(t);
  }
  free(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uniform),
      cmocka_unit_test(test_skewed),
      cmocka_unit_test(test_unsorted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
