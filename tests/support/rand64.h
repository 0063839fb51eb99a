/*
 * rand64.h - a deterministic 64-bit generator (splitmix64) and a u64
 * comparison for qsort(), shared by the tests and benchmarks that build
 * random tables.
 */
#ifndef KZ_TEST_RAND64_H
#define KZ_TEST_RAND64_H

#include <stdint.h>

/* The next value of the sequence in *state (any seed). */
static inline uint64_t kzt_next64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline int kzt_cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

#endif
