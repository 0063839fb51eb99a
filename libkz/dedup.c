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
 * Contained: a page may also print the whole text again as one block (the
 * article body of the page's metadata, a print version run together).  One
 * shingle in eight (by hash) of every block goes into a second table with
 * the first block that had it; a long block whose sampled shingles were
 * nearly all (80%) seen before, in two or more earlier blocks, repeats them
 * and is a duplicate of the first.
 */
#include <stdlib.h>
#include <string.h>

#include "article_int.h"

#define K 24
#define NEAR_MIN_WORDS 6
#define CONTAIN_MIN_WORDS 60
#define SAMPLED(h) (((h) & 7) == 0)

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

static size_t hmap_slot(const hmap *m, uint64_t key) {
  size_t i = (size_t)(key ^ (key >> 29)) & (m->cap - 1);
  while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
  return i;
}

/* The value of key (never 0), or UINT32_MAX. */
static uint32_t hmap_find(const hmap *m, uint64_t key) {
  size_t i = hmap_slot(m, key);
  return m->keys[i] ? m->vals[i] : UINT32_MAX;
}

/* Insert key -> val unless key is present; the table doubles when half
 * full.  Returns the earlier value, UINT32_MAX when key was new, or
 * UINT32_MAX - 1 when out of memory. */
static uint32_t hmap_put(hmap *m, uint64_t key, uint32_t val) {
  size_t i = hmap_slot(m, key);
  if (m->keys[i]) return m->vals[i];
  if ((m->n + 1) * 2 > m->cap) {
    hmap big;
    size_t j;
    if (hmap_init(&big, m->cap)) {
      hmap_free(&big);
      return UINT32_MAX - 1;
    }
    for (j = 0; j < m->cap; j++)
      if (m->keys[j]) {
        size_t k = hmap_slot(&big, m->keys[j]);
        big.keys[k] = m->keys[j];
        big.vals[k] = m->vals[j];
      }
    big.n = m->n;
    hmap_free(m);
    *m = big;
    i = hmap_slot(m, key);
  }
  m->keys[i] = key;
  m->vals[i] = val;
  m->n++;
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

uint64_t kzi_word_hash(const char *w, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  char lw[128];
  size_t m, i;
  const char *p = w;
  for (i = 0; i < n && (unsigned char)w[i] < 0x80; i++) {
    unsigned char c = (unsigned char)w[i];
    h ^= c >= 'A' && c <= 'Z' ? c + 32u : c;
    h *= 1099511628211ULL;
  }
  if (i == n) return h; /* ASCII, lowercased on the fly */
  h = 1469598103934665603ULL;
  m = kzi_word_lower(w, n, lw, sizeof lw);
  if (m) p = lw;
  else m = n;
  for (i = 0; i < m; i++) {
    h ^= (unsigned char)p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Sort v[0..n) and drop repeats; returns the new count. */
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

struct kzi_dedup {
  kzi_article_doc *d;
  hmap exact, near, sample;
  uint64_t *sh, *osh, *owh; /* scratch: shingles, and a candidate's */
  size_t shcap, oshcap, owhcap;
};

static int grow(uint64_t **v, size_t *cap, size_t want) {
  uint64_t *p;
  size_t nc = *cap ? *cap : 64;
  if (want <= *cap) return 0;
  while (nc < want) nc *= 2;
  p = realloc(*v, nc * sizeof *p);
  if (p == NULL) return KZ_ENOMEM;
  *v = p;
  *cap = nc;
  return 0;
}

/* Word 3-gram shingles of the word hashes wh[0..nw) into sh (room for nw). */
static size_t shingle(const uint64_t *wh, size_t nw, uint64_t *sh) {
  size_t i, n = 0;
  for (i = 2; i < nw; i++) sh[n++] = mix(wh[i - 2] * 31 + wh[i - 1] * 17 + wh[i]);
  return n;
}

static uint64_t whole_hash(const uint64_t *wh, size_t nw) {
  uint64_t h = 1469598103934665603ULL;
  size_t i;
  for (i = 0; i < nw; i++) h = (h ^ wh[i]) * 1099511628211ULL;
  return nw ? mix(h) : 0;
}

int kzi_dedup_begin(kzi_article_doc *d, kzi_dedup **out) {
  kzi_dedup *x;
  size_t n = d->nblocks ? d->nblocks : 1;
  *out = NULL;
  if (d->rc) return d->rc;
  x = calloc(1, sizeof *x);
  if (x == NULL) return d->rc = KZ_ENOMEM;
  x->d = d;
  /* the tables grow as needed: start small */
  if (hmap_init(&x->exact, n < 4096 ? n : 4096) || hmap_init(&x->near, n < 4096 ? n * 4 : 16384) ||
      hmap_init(&x->sample, n < 4096 ? n * 4 : 16384)) {
    kzi_dedup_end(x);
    return d->rc = KZ_ENOMEM;
  }
  *out = x;
  return 0;
}

void kzi_dedup_end(kzi_dedup *x) {
  if (x == NULL) return;
  hmap_free(&x->exact);
  hmap_free(&x->near);
  hmap_free(&x->sample);
  free(x->sh);
  free(x->osh);
  free(x->owh);
  free(x);
}

/* The shingles of an earlier block, from its text, sorted and unique. */
static size_t block_shingles(kzi_dedup *x, const kzi_block *o) {
  kzi_article_doc *d = x->d;
  const char *t = kzi_art_text(d, o->text);
  kzi_wordit it = {t, o->len, 0, 0, 0};
  size_t nw = 0;
  while (kzi_word_next(&it)) {
    if (grow(&x->owh, &x->owhcap, nw + 1)) return (size_t)-1;
    x->owh[nw++] = kzi_word_hash(t + it.wstart, it.wlen);
  }
  if (grow(&x->osh, &x->oshcap, nw + 1)) return (size_t)-1;
  return uniq(x->osh, shingle(x->owh, nw, x->osh));
}

void kzi_dedup_block(kzi_dedup *x, size_t i, const uint64_t *wh, size_t nw) {
  kzi_article_doc *d = x->d;
  kzi_block *b = &d->blocks[i];
  uint64_t whole;
  size_t ns, j;
  uint32_t prev, cand[8], hits[8];
  unsigned nc = 0, c, best = 8;
  if (d->rc || (whole = whole_hash(wh, nw)) == 0) return;
  prev = hmap_put(&x->exact, whole, (uint32_t)i);
  if (prev == UINT32_MAX - 1) { d->rc = KZ_ENOMEM; return; }
  if (prev != UINT32_MAX) {
    long root = (long)prev;
    while (d->blocks[root].dup >= 0) root = d->blocks[root].dup;
    b->dup = root;
    return;
  }
  if (nw < NEAR_MIN_WORDS) return;
  if (grow(&x->sh, &x->shcap, nw)) { d->rc = KZ_ENOMEM; return; }
  ns = uniq(x->sh, shingle(wh, nw, x->sh));
  for (j = 0; j < ns && j < K; j++) {
    uint32_t v = hmap_find(&x->near, x->sh[j]);
    if (v == UINT32_MAX) continue;
    for (c = 0; c < nc && cand[c] != v; c++) {}
    if (c == nc) {
      if (nc == 8) continue;
      cand[nc] = v;
      hits[nc++] = 0;
    }
    hits[c]++;
  }
  for (c = 0; c < nc; c++)
    if (hits[c] >= 2 && (best == 8 || hits[c] > hits[best])) best = c;
  if (best < 8) {
    const kzi_block *o = &d->blocks[cand[best]];
    if (o->len <= b->len * 3 && b->len <= o->len * 3) {
      size_t ons = block_shingles(x, o);
      if (ons == (size_t)-1) { d->rc = KZ_ENOMEM; return; }
      if (jaccard(x->sh, ns, x->osh, ons) >= 0.5) {
        long root = (long)cand[best];
        while (d->blocks[root].dup >= 0) root = d->blocks[root].dup;
        b->dup = root;
      }
    }
  }
  if (b->dup < 0 && nw >= CONTAIN_MIN_WORDS) {
    /* several earlier blocks run together */
    size_t sampled = 0, seen = 0;
    uint32_t first = UINT32_MAX, other = UINT32_MAX;
    for (j = 0; j < ns; j++) {
      uint32_t v;
      if (!SAMPLED(x->sh[j])) continue;
      sampled++;
      if ((v = hmap_find(&x->sample, x->sh[j])) == UINT32_MAX) continue;
      seen++;
      if (first == UINT32_MAX || v < first) {
        if (first != UINT32_MAX) other = first;
        first = v;
      } else if (v != first) {
        other = v;
      }
    }
    if (sampled >= 6 && seen * 10 >= sampled * 8 && other != UINT32_MAX) {
      long root = (long)first;
      while (d->blocks[root].dup >= 0) root = d->blocks[root].dup;
      b->dup = root;
    }
  }
  if (b->dup < 0) {
    for (j = 0; j < ns && j < K; j++)
      if (hmap_put(&x->near, x->sh[j], (uint32_t)i) == UINT32_MAX - 1) d->rc = KZ_ENOMEM;
    for (j = 0; j < ns; j++)
      if (SAMPLED(x->sh[j]) && hmap_put(&x->sample, x->sh[j], (uint32_t)i) == UINT32_MAX - 1)
        d->rc = KZ_ENOMEM;
  }
}

/* After classification and metadata, make every duplicate point at a kept
 * block of its own kind.  Kinds are given after dedup, so a block may repeat
 * one that ended up with another kind ("By" over a boilerplate line that
 * held the same words, a paragraph whose first copy was a teaser outside the
 * article).  Such a block is detached: it becomes a kept block itself, and a
 * later copy of the same text with the same kind points at it.  The kept
 * blocks of one text are chained through `alt` (at most one per kind, so a
 * walk is short and the pass linear). */
int kzi_dedup_settle(kzi_article_doc *d) {
  size_t i, n = d->nblocks;
  long *head, *next;
  if (n == 0 || d->rc) return d->rc;
  head = malloc(n * sizeof *head);
  next = malloc(n * sizeof *next);
  if (head == NULL || next == NULL) {
    free(head);
    free(next);
    return d->rc = KZ_ENOMEM;
  }
  for (i = 0; i < n; i++) head[i] = next[i] = -1;
  for (i = 0; i < n; i++) {
    kzi_block *b = &d->blocks[i];
    long r, a, last = -1;
    if (b->dup < 0) continue;
    r = b->dup;
    while (d->blocks[r].dup >= 0) r = d->blocks[r].dup;
    if (d->blocks[r].kind == b->kind) { b->dup = r; continue; }
    for (a = head[r]; a >= 0; a = next[a]) {
      if (d->blocks[a].kind == b->kind) break;
      last = a;
    }
    if (a >= 0) { b->dup = a; continue; }
    b->dup = -1;
    if (last < 0) head[r] = (long)i;
    else next[last] = (long)i;
  }
  free(head);
  free(next);
  return 0;
}
