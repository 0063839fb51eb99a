/*
 * bench_keys.c - looking a document key up in a segment's key table
 * (12-byte entries sorted by the key's 64-bit hash): through the table's
 * directory of hash prefixes (kzi_key_dir(), kzi_key_lower_bound()) against
 * plain bisection (what libkz did before) and a branch-free bisection, in
 * one run, on tables from 10 thousand to 10 million entries.  Every added
 * document is looked up in every segment (to replace an older copy), so
 * this is on the indexing path of a corpus with several segments; tables
 * larger than the caches are where the two differ.
 *
 *   bench_keys [--lookups N]
 *
 * Lookups are of random hashes (the keys of new documents miss), each
 * table built fresh; ns per lookup, best of 5 passes (CPU time).  The
 * directory's build time is shown per table (it is built once, on a
 * segment's first key lookup).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus_int.h"
#include "rand64.h"

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t next64(void) { return kzt_next64(&rng); }

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What kzi_seg_find_key() did before: bisection over the whole table
 * (kzi_key_lower_bound() without a directory). */
static size_t bisect(const unsigned char *keys, size_t n, uint64_t h) {
  return kzi_key_lower_bound(keys, n, NULL, 0, h);
}

/* Bisection without branches (a conditional move per level), the
 * prefetch of both possible next probes. */
static size_t bisect_bl(const unsigned char *keys, size_t n, uint64_t h) {
  const unsigned char *base = keys;
  size_t len = n;
  if (n == 0) return 0;
  while (len > 1) {
    size_t half = len / 2;
    __builtin_prefetch(base + 12 * (half / 2));
    __builtin_prefetch(base + 12 * (half + half / 2));
    base = kzi_get64(base + 12 * (half - 1)) < h ? base + 12 * half : base;
    len -= half;
  }
  return (size_t)(base - keys) / 12 + (kzi_get64(base) < h);
}

int main(int argc, char **argv) {
  size_t lookups = 1000000;
  const size_t sizes[] = {10000, 100000, 1000000, 10000000};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--lookups") && i + 1 < argc) lookups = strtoul(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench_keys [--lookups N]\n");
      return 2;
    }
  }
  printf("## bench_keys: key table lookups, ns per lookup (best of 5, %zu random lookups)\n\n", lookups);
  printf("| entries | table MB | bisection | branch-free bisection | directory | speed-up (directory) | directory build ms |\n|---:|---:|---:|---:|---:|---:|---:|\n");
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    uint64_t *h = malloc(n * sizeof *h), *q = malloc(lookups * sizeof *q);
    unsigned char *t = malloc(n * 12);
    double best[3] = {1e30, 1e30, 1e30}, tb;
    uint32_t *dir;
    unsigned bits;
    size_t sink = 0;
    if (!h || !q || !t) {
      fprintf(stderr, "bench_keys: out of memory\n");
      return 1;
    }
    for (size_t i = 0; i < n; i++) h[i] = next64();
    qsort(h, n, sizeof *h, kzt_cmp_u64);
    for (size_t i = 0; i < n; i++) {
      kzi_put64(t + 12 * i, h[i]);
      kzi_put32(t + 12 * i + 8, (uint32_t)i);
    }
    for (size_t i = 0; i < lookups; i++) q[i] = next64();
    tb = cpu_now();
    dir = kzi_key_dir(t, n, &bits);
    tb = cpu_now() - tb;
    for (int rep = 0; rep < 5; rep++)
      for (int which = 0; which < 3; which++) {
        double t0 = cpu_now();
        for (size_t i = 0; i < lookups; i++)
          sink += which == 2 ? bisect_bl(t, n, q[i]) : which ? kzi_key_lower_bound(t, n, dir, bits, q[i]) : bisect(t, n, q[i]);
        t0 = cpu_now() - t0;
        if (t0 < best[which]) best[which] = t0;
      }
    /* the same answers */
    for (size_t i = 0; i < 10000 && i < lookups; i++)
      if (bisect(t, n, q[i]) != kzi_key_lower_bound(t, n, dir, bits, q[i]) || bisect(t, n, q[i]) != bisect_bl(t, n, q[i])) {
        fprintf(stderr, "bench_keys: different answers\n");
        return 1;
      }
    printf("| %zu | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2f |\n", n, (double)n * 12 / 1e6,
           best[0] * 1e9 / (double)lookups, best[2] * 1e9 / (double)lookups, best[1] * 1e9 / (double)lookups,
           best[0] / best[1], tb * 1e3);
    if (sink == 42) printf(" ");
    free(dir);
    free(h);
    free(q);
    free(t);
  }
  return 0;
}
