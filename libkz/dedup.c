/*
 * dedup.c - exact and near-duplicate blocks.
 *
 * Pages print things twice: the headline, a caption (once with a double
 * space), a teaser of the first paragraphs, a pull-quote box.  A block that
 * repeats an earlier one is kept once: the later copy gets duplicate_of =
 * the earlier block.
 *
 * Exact: blocks are compared by a 64-bit hash of their words, lowercased,
 * ignoring spacing and punctuation.
 * Near: each block of six words or more is described by its word 3-gram
 * shingles.  A bottom-k sketch (the K smallest shingle hashes) of every
 * block goes into one hash table, so the earlier blocks sharing sketch
 * entries with a new block are found in constant time per entry; the best
 * such candidate of similar size is then compared exactly, and Jaccard
 * similarity >= 0.5 makes the new block a duplicate.  Memory is K entries per
 * block and the work is linear in the text.
 */
#include <stdlib.h>
#include <string.h>

#include "article_int.h"

#define K 24
#define NEAR_MIN_WORDS 6

typedef struct hmap {
  uint64_t *keys;
  uint32_t *vals;
  size_t cap, n;
} hmap;

static int hmap_init(hmap *m, size_t want) {
  size_t cap = 64;
  while (cap < want * 2) cap <<= 1;
  m->keys = calloc(cap, sizeof *m->keys);
  m->vals = calloc(cap, sizeof *m->vals);
  m->cap = cap;
  m->n = 0;
  return m->keys && m->vals ? 0 : KZ_ENOMEM;
}

static void hmap_free(hmap *m) {
  free(m->keys);
  free(m->vals);
}

/* Look up key (never 0); returns the value or UINT32_MAX.  With put, inserts
 * val when absent. */
static uint32_t hmap_get(hmap *m, uint64_t key, int put, uint32_t val) {
  size_t i = (size_t)(key ^ (key >> 29)) & (m->cap - 1);
  while (m->keys[i]) {
    if (m->keys[i] == key) return m->vals[i];
    i = (i + 1) & (m->cap - 1);
  }
  if (put && m->n * 2 < m->cap) {
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
  }
  return UINT32_MAX;
}

static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h ? h : 1;
}

static uint64_t word_hash(const char *w, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  char lw[128];
  size_t m = kzi_word_lower(w, n, lw, sizeof lw), i;
  const char *p = m ? lw : w;
  if (!m) m = n;
  for (i = 0; i < m; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* Shingle hashes of a block into *out (malloc'd); returns the count. */
static size_t shingles(const char *t, size_t n, uint64_t **out, uint64_t *whole) {
  kzi_wordit it = {t, n, 0, 0, 0};
  uint64_t w0 = 0, w1 = 0, w2, h = 1469598103934665603ULL;
  size_t cnt = 0, cap = 0, words = 0;
  uint64_t *v = NULL;
  while (kzi_word_next(&it)) {
    w2 = word_hash(t + it.wstart, it.wlen);
    h = (h ^ w2) * 1099511628211ULL;
    words++;
    if (words >= 3 && out) {
      if (cnt == cap) {
        size_t nc = cap ? cap * 2 : 32;
        uint64_t *p = realloc(v, nc * sizeof *p);
        if (p == NULL) { free(v); *out = NULL; return (size_t)-1; }
        v = p;
        cap = nc;
      }
      v[cnt++] = mix(w0 * 31 + w1 * 17 + w2);
    }
    w0 = w1;
    w1 = w2;
  }
  *whole = words ? mix(h) : 0;
  if (out) *out = v;
  return cnt;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static size_t uniq(uint64_t *v, size_t n) {
  size_t i, o = 0;
  qsort(v, n, sizeof *v, cmp_u64);
  for (i = 0; i < n; i++)
    if (o == 0 || v[o - 1] != v[i]) v[o++] = v[i];
  return o;
}

static double jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb) {
  size_t i = 0, j = 0, inter = 0;
  while (i < na && j < nb) {
    if (a[i] == b[j]) { inter++; i++; j++; }
    else if (a[i] < b[j]) i++;
    else j++;
  }
  return na + nb - inter ? (double)inter / (double)(na + nb - inter) : 0.0;
}

int kzi_dedup(kzi_article_doc *d) {
  hmap exact, near;
  size_t i, n = d->nblocks;
  int rc;
  if (n == 0) return 0;
  if ((rc = hmap_init(&exact, n)) || (rc = hmap_init(&near, n * K))) {
    hmap_free(&exact);
    hmap_free(&near);
    return d->rc = rc;
  }
  for (i = 0; i < n && !d->rc; i++) {
    kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    uint64_t whole, *sh = NULL;
    size_t ns, j;
    uint32_t prev, cand[8], hits[8];
    unsigned nc = 0;
    ns = shingles(t, b->len, &sh, &whole);
    if (ns == (size_t)-1) { d->rc = KZ_ENOMEM; break; }
    if (whole == 0) { free(sh); continue; }
    prev = hmap_get(&exact, whole, 1, (uint32_t)i);
    if (prev != UINT32_MAX) {
      b->dup = (long)prev;
      free(sh);
      continue;
    }
    if (ns + 2 < NEAR_MIN_WORDS) { free(sh); continue; }
    ns = uniq(sh, ns);
    for (j = 0; j < ns && j < K; j++) {
      uint32_t v = hmap_get(&near, sh[j], 0, 0);
      unsigned c;
      if (v == UINT32_MAX) continue;
      for (c = 0; c < nc && cand[c] != v; c++) {}
      if (c == nc) {
        if (nc == 8) continue;
        cand[nc] = v;
        hits[nc++] = 0;
      }
      hits[c]++;
    }
    {
      unsigned c, best = 8;
      for (c = 0; c < nc; c++)
        if (hits[c] >= 2 && (best == 8 || hits[c] > hits[best])) best = c;
      if (best < 8) {
        kzi_block *o = &d->blocks[cand[best]];
        if (o->len <= b->len * 3 && b->len <= o->len * 3) {
          uint64_t *osh = NULL, ow;
          size_t ons = shingles(kzi_art_text(d, o->text), o->len, &osh, &ow);
          if (ons == (size_t)-1) { free(sh); d->rc = KZ_ENOMEM; break; }
          ons = uniq(osh, ons);
          if (jaccard(sh, ns, osh, ons) >= 0.5) {
            long root = (long)cand[best];
            while (d->blocks[root].dup >= 0) root = d->blocks[root].dup;
            b->dup = root;
          }
          free(osh);
        }
      }
    }
    if (b->dup < 0)
      for (j = 0; j < ns && j < K; j++) hmap_get(&near, sh[j], 1, (uint32_t)i);
    free(sh);
  }
  hmap_free(&exact);
  hmap_free(&near);
  return d->rc;
}
