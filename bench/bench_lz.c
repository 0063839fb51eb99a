/*
 * bench_lz.c - the store compressor on real store blocks: candidates for
 * kzi_lz_compress() side by side, in one run.
 *
 *   bench_lz [--jsonl PATH] [--block KB]... [--min-time S] [--only NAME]
 *
 * Blocks are made from ../shared/data/news/news.jsonl as segment.c makes
 * them: each document's record is its stored fields but the key (title,
 * body, caption, heading, date, source, author, url, language), each as a
 * varint length and the bytes, appended to a block that is flushed once it
 * holds STORE_BLOCK (16 KB) or more.  For each candidate: compress MB/s and
 * decompress MB/s (CPU time, raw bytes per second, best of 3), ratio
 * (compressed / raw), and the cost of a snippet's partial decode (from the
 * start of a block to its middle, kzi_lz_decompress_upto()), in µs per
 * block.  Every stream is checked by decoding it with libkz's decoder; the
 * liblz4 rows (when built with it) also check that each format decodes the
 * other's streams.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus_int.h"
#include "newsdata.h"

#ifdef KZ_BENCH_LZ4
#include <lz4.h>
#endif

/* The encoder of libkz/lz.c before this benchmark (commit c145341), kept to compare against. */
#define LZ_HASH_BITS 13
#define LZ_MIN 4
#define LZ_WINDOW 65535
#define LZ_LAST_LITERALS 5 /* no match starts in the last bytes */

static inline uint32_t rd32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline uint64_t rd64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint32_t lz_hash(uint32_t v) { return (v * 2654435761u) >> (32 - LZ_HASH_BITS); }

/* Append a length continuation (value already minus 15). */
static unsigned char *put_len(unsigned char *o, size_t v) {
  while (v >= 255) {
    *o++ = 255;
    v -= 255;
  }
  *o++ = (unsigned char)v;
  return o;
}

/* A sequence; lit + 16 must be readable when nlit <= 16 and `room`
 * (o then gets a straight 16-byte copy, up to 15 bytes past the literals,
 * which the caller's reserve covers). */
static inline unsigned char *put_seq(unsigned char *o, const unsigned char *lit, size_t nlit,
                                     size_t mlen, size_t dist, int room) {
  unsigned char *tok = o++;
  unsigned t = (unsigned)(nlit < 15 ? nlit : 15) << 4;
  if (nlit >= 15) o = put_len(o, nlit - 15);
  if (room && nlit <= 16) memcpy(o, lit, 16);
  else memcpy(o, lit, nlit);
  o += nlit;
  if (mlen) {
    size_t m = mlen - LZ_MIN;
    t |= (unsigned)(m < 15 ? m : 15);
    *o++ = (unsigned char)dist;
    *o++ = (unsigned char)(dist >> 8);
    if (m >= 15) o = put_len(o, m - 15);
  }
  *tok = (unsigned char)t;
  return o;
}

/* Length of the match at in + i against in + c (c < i), at least LZ_MIN
 * bytes known equal, not reaching `end`. */
static inline size_t match_len(const unsigned char *in, size_t c, size_t i, size_t end) {
  size_t m = LZ_MIN;
  while (i + m + 8 <= end) {
    uint64_t x = rd64(in + c + m) ^ rd64(in + i + m);
    if (x) return m + ((size_t)__builtin_ctzll(x) >> 3);
    m += 8;
  }
  while (i + m < end && in[c + m] == in[i + m]) m++;
  return m;
}

/* The compressor's loop, for a hash table of type T holding positions
 * (+ 1 when `plus`, so that 0 means empty; u16 tables hold positions of
 * inputs of at most 64 KB, where any candidate is in the window). */
#define LZ_LOOP(T, plus, window_check)                                                \
  do {                                                                                \
    T tab[1u << LZ_HASH_BITS];                                                        \
    memset(tab, 0, sizeof tab);                                                       \
    while (i < limit) {                                                               \
      uint32_t v = rd32(in + i), h = lz_hash(v);                                      \
      size_t cand = tab[h];                                                           \
      tab[h] = (T)(i + plus);                                                         \
      if ((!plus || cand) && (!window_check || i - (cand - plus) <= LZ_WINDOW) &&      \
          rd32(in + cand - plus) == v && cand - plus < i) {                           \
        size_t c = cand - plus, m;                                                    \
        /* extend backwards over pending literals */                                  \
        size_t back = 0;                                                              \
        while (i - back > anchor && c > back && in[i - back - 1] == in[c - back - 1])  \
          back++;                                                                     \
        m = match_len(in, c, i, end) + back;                                          \
        i -= back;                                                                    \
        c -= back;                                                                    \
        o = put_seq(o, in + anchor, i - anchor, m, i - c, i + 16 <= n);               \
        /* index a position inside the match for the next search */                   \
        if (i + m - 2 < limit) tab[lz_hash(rd32(in + i + m - 2))] = (T)(i + m - 2 + plus); \
        i += m;                                                                       \
        anchor = i;                                                                   \
        miss = 0;                                                                     \
      } else {                                                                        \
        i += 1 + (miss++ >> 5); /* skip faster through incompressible data */         \
      }                                                                               \
    }                                                                                 \
  } while (0)

static int orig_lz_compress(const unsigned char *in, size_t n, kzi_buf *out) {
  size_t i = 0, anchor = 0, limit, miss = 0, end = n - LZ_LAST_LITERALS;
  unsigned char *o, *o0;
  /* worst case: literals plus one length byte per 255 and the token, and
   * 16 bytes of slack for put_seq()'s straight copies */
  if (kzi_buf_reserve(out, n + n / 255 + 32)) return KZ_ENOMEM;
  o0 = o = (unsigned char *)out->p + out->n;
  limit = n > LZ_LAST_LITERALS + LZ_MIN ? n - LZ_LAST_LITERALS - LZ_MIN : 0;
  if (n <= 65536) {
    LZ_LOOP(uint16_t, 0, 0);
  } else {
    /* positions beyond 32 bits are not needed: longer inputs just lose
     * old matches */
    LZ_LOOP(uint32_t, 1, 1);
  }
  o = put_seq(o, in + anchor, n - anchor, 0, 0, 0);
  out->n += (size_t)(o - o0);
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Candidates in the same format: an LZ4-style greedy loop (the next
 * position's hash is computed while the current one is checked, a match
 * is looked for at once right after the previous one, literals are copied
 * 8 bytes at a time), with the hash table size, the bytes hashed and the
 * skip acceleration as parameters.
 * --------------------------------------------------------------------- */
#define C_MFLIMIT 12 /* no match starts in the last 12 bytes (as LZ4) */
#define C_LASTLIT 5  /* the last 5 bytes are literals */

static inline __attribute__((always_inline)) uint32_t c_hash(const unsigned char *p, unsigned hb,
                                                             unsigned hlen) {
  if (hlen == 4) return (rd32(p) * 2654435761u) >> (32 - hb);
  return (uint32_t)(((rd64(p) << (64 - 8 * hlen)) * 889523592379ull) >> (64 - hb));
}

static inline __attribute__((always_inline)) size_t c_count(const unsigned char *p,
                                                             const unsigned char *m,
                                                             const unsigned char *lim) {
  const unsigned char *p0 = p;
  while (p + 8 <= lim) {
    uint64_t x = rd64(m) ^ rd64(p);
    if (x) return (size_t)(p - p0) + ((size_t)__builtin_ctzll(x) >> 3);
    p += 8;
    m += 8;
  }
  while (p < lim && *m == *p) p++, m++;
  return (size_t)(p - p0);
}

static inline __attribute__((always_inline)) size_t c_enc(const unsigned char *in, size_t n,
                                                           unsigned char *out, unsigned hb,
                                                           unsigned hlen, unsigned acc) { /* acc: the step grows by 1 every 2^acc misses */
  uint16_t tab[1u << 14];
  const unsigned char *ip = in, *anchor = in, *iend = in + n;
  const unsigned char *mflimit = iend - C_MFLIMIT, *mlimit = iend - C_LASTLIT;
  unsigned char *o = out, *tok;
  size_t lit;
  if (n > 65536) return 0;
  memset(tab, 0, sizeof(uint16_t) << hb);
  if (n < C_MFLIMIT + 1) goto last;
  ip++;
  for (;;) {
    const unsigned char *match, *fwd = ip;
    size_t step = 1, miss = 0;
    uint32_t h = c_hash(fwd, hb, hlen);
    size_t ml;
    do {
      uint32_t hn;
      ip = fwd;
      fwd += step;
      step = 1 + (miss++ >> acc);
      if (fwd > mflimit) goto last;
      match = in + tab[h];
      hn = c_hash(fwd, hb, hlen);
      tab[h] = (uint16_t)(ip - in);
      h = hn;
    } while (rd32(match) != rd32(ip));
    while (ip > anchor && match > in && ip[-1] == match[-1]) ip--, match--;
    lit = (size_t)(ip - anchor);
    tok = o++;
    if (lit >= 15) {
      *tok = 15 << 4;
      o = put_len(o, lit - 15);
    } else {
      *tok = (unsigned char)(lit << 4);
    }
    for (size_t k = 0; k < lit; k += 8) memcpy(o + k, anchor + k, 8);
    o += lit;
    for (;;) {
      o[0] = (unsigned char)(ip - match);
      o[1] = (unsigned char)((ip - match) >> 8);
      o += 2;
      ml = c_count(ip + 4, match + 4, mlimit);
      ip += ml + 4;
      if (ml >= 15) {
        *tok += 15;
        o = put_len(o, ml - 15);
      } else {
        *tok += (unsigned char)ml;
      }
      anchor = ip;
      if (ip > mflimit) goto last;
      tab[c_hash(ip - 2, hb, hlen)] = (uint16_t)(ip - 2 - in);
      h = c_hash(ip, hb, hlen);
      match = in + tab[h];
      tab[h] = (uint16_t)(ip - in);
      if (rd32(match) != rd32(ip)) break;
      tok = o++;
      *tok = 0;
    }
    ip++;
  }
last:
  lit = (size_t)(iend - anchor);
  tok = o++;
  if (lit >= 15) {
    *tok = 15 << 4;
    o = put_len(o, lit - 15);
  } else {
    *tok = (unsigned char)(lit << 4);
  }
  memcpy(o, anchor, lit);
  return (size_t)(o + lit - out);
}

#define CAND(name, hb, hlen, acc) \
  static size_t name(const unsigned char *in, size_t n, unsigned char *out) { return c_enc(in, n, out, hb, hlen, acc); }
CAND(c12_4_6, 12, 4, 6)
CAND(c12_4_4, 12, 4, 4)
CAND(c12_4_3, 12, 4, 3)
CAND(c12_5_6, 12, 5, 6)
CAND(c12_5_4, 12, 5, 4)
CAND(c12_5_3, 12, 5, 3)
CAND(c12_6_6, 12, 6, 6)
CAND(c12_6_4, 12, 6, 4)
CAND(c12_6_3, 12, 6, 3)
CAND(c13_4_6, 13, 4, 6)
CAND(c13_4_4, 13, 4, 4)
CAND(c13_4_3, 13, 4, 3)
CAND(c13_5_6, 13, 5, 6)
CAND(c13_5_4, 13, 5, 4)
CAND(c13_5_3, 13, 5, 3)
CAND(c13_6_6, 13, 6, 6)
CAND(c13_6_4, 13, 6, 4)
CAND(c13_6_3, 13, 6, 3)
CAND(c14_4_6, 14, 4, 6)
CAND(c14_4_4, 14, 4, 4)
CAND(c14_4_3, 14, 4, 3)
CAND(c14_5_6, 14, 5, 6)
CAND(c14_5_4, 14, 5, 4)
CAND(c14_5_3, 14, 5, 3)
CAND(c14_6_6, 14, 6, 6)
CAND(c14_6_4, 14, 6, 4)
CAND(c14_6_3, 14, 6, 3)
CAND(c12_6_5, 12, 6, 5)
CAND(c12_7_5, 12, 7, 5)
CAND(c12_8_5, 12, 8, 5)
CAND(c12_7_6, 12, 7, 6)
CAND(c12_7_4, 12, 7, 4)
CAND(c12_8_6, 12, 8, 6)
CAND(c12_8_4, 12, 8, 4)
CAND(c13_6_5, 13, 6, 5)
CAND(c13_7_5, 13, 7, 5)
CAND(c13_8_5, 13, 8, 5)
CAND(c13_7_6, 13, 7, 6)
CAND(c13_7_4, 13, 7, 4)
CAND(c13_8_6, 13, 8, 6)
CAND(c13_8_4, 13, 8, 4)

static size_t k_orig(const unsigned char *in, size_t n, unsigned char *out) {
  static kzi_buf b; /* reused, as segment.c reuses its buffer */
  b.n = 0;
  orig_lz_compress(in, n, &b);
  memcpy(out, b.p, b.n);
  return b.n;
}

static size_t k_lib(const unsigned char *in, size_t n, unsigned char *out) {
  static kzi_buf b; /* reused, as segment.c reuses its buffer */
  b.n = 0;
  kzi_lz_compress(in, n, &b);
  memcpy(out, b.p, b.n);
  return b.n;
}

#ifdef KZ_BENCH_LZ4
static void *lz4_state;
#define L4(name, a)                                                                         \
  static size_t name(const unsigned char *in, size_t n, unsigned char *out) {               \
    return (size_t)LZ4_compress_fast_extState(lz4_state, (const char *)in, (char *)out, (int)n, \
                                              LZ4_compressBound((int)n), a);                \
  }
L4(l4_1, 1)
L4(l4_2, 2)
L4(l4_4, 4)
L4(l4_8, 8)
#endif

typedef struct cand {
  const char *name;
  size_t (*enc)(const unsigned char *, size_t, unsigned char *);
  int lz4; /* liblz4's own encoder */
} cand;

static const cand cands[] = {
    {"kz before (greedy, 4B hash, 2^13)", k_orig, 0},
    {"kz libkz now (kzi_lz_compress)", k_lib, 0},
    {"same fmt 2^12 4B step 1+miss>>6", c12_4_6, 0},
    {"same fmt 2^12 4B step 1+miss>>4", c12_4_4, 0},
    {"same fmt 2^12 4B step 1+miss>>3", c12_4_3, 0},
    {"same fmt 2^12 5B step 1+miss>>6", c12_5_6, 0},
    {"same fmt 2^12 5B step 1+miss>>4", c12_5_4, 0},
    {"same fmt 2^12 5B step 1+miss>>3", c12_5_3, 0},
    {"same fmt 2^12 6B step 1+miss>>6", c12_6_6, 0},
    {"same fmt 2^12 6B step 1+miss>>4", c12_6_4, 0},
    {"same fmt 2^12 6B step 1+miss>>3", c12_6_3, 0},
    {"same fmt 2^13 4B step 1+miss>>6", c13_4_6, 0},
    {"same fmt 2^13 4B step 1+miss>>4", c13_4_4, 0},
    {"same fmt 2^13 4B step 1+miss>>3", c13_4_3, 0},
    {"same fmt 2^13 5B step 1+miss>>6", c13_5_6, 0},
    {"same fmt 2^13 5B step 1+miss>>4", c13_5_4, 0},
    {"same fmt 2^13 5B step 1+miss>>3", c13_5_3, 0},
    {"same fmt 2^13 6B step 1+miss>>6", c13_6_6, 0},
    {"same fmt 2^13 6B step 1+miss>>4", c13_6_4, 0},
    {"same fmt 2^13 6B step 1+miss>>3", c13_6_3, 0},
    {"same fmt 2^14 4B step 1+miss>>6", c14_4_6, 0},
    {"same fmt 2^14 4B step 1+miss>>4", c14_4_4, 0},
    {"same fmt 2^14 4B step 1+miss>>3", c14_4_3, 0},
    {"same fmt 2^14 5B step 1+miss>>6", c14_5_6, 0},
    {"same fmt 2^14 5B step 1+miss>>4", c14_5_4, 0},
    {"same fmt 2^14 5B step 1+miss>>3", c14_5_3, 0},
    {"same fmt 2^14 6B step 1+miss>>6", c14_6_6, 0},
    {"same fmt 2^14 6B step 1+miss>>4", c14_6_4, 0},
    {"same fmt 2^14 6B step 1+miss>>3", c14_6_3, 0},
    {"same fmt 2^12 6B step 1+miss>>5", c12_6_5, 0},
    {"same fmt 2^12 7B step 1+miss>>5", c12_7_5, 0},
    {"same fmt 2^12 8B step 1+miss>>5", c12_8_5, 0},
    {"same fmt 2^12 7B step 1+miss>>6", c12_7_6, 0},
    {"same fmt 2^12 7B step 1+miss>>4", c12_7_4, 0},
    {"same fmt 2^12 8B step 1+miss>>6", c12_8_6, 0},
    {"same fmt 2^12 8B step 1+miss>>4", c12_8_4, 0},
    {"same fmt 2^13 6B step 1+miss>>5", c13_6_5, 0},
    {"same fmt 2^13 7B step 1+miss>>5", c13_7_5, 0},
    {"same fmt 2^13 8B step 1+miss>>5", c13_8_5, 0},
    {"same fmt 2^13 7B step 1+miss>>6", c13_7_6, 0},
    {"same fmt 2^13 7B step 1+miss>>4", c13_7_4, 0},
    {"same fmt 2^13 8B step 1+miss>>6", c13_8_6, 0},
    {"same fmt 2^13 8B step 1+miss>>4", c13_8_4, 0},
#ifdef KZ_BENCH_LZ4
    {"liblz4 fast a=1", l4_1, 1},
    {"liblz4 fast a=2", l4_2, 1},
    {"liblz4 fast a=4", l4_4, 1},
    {"liblz4 fast a=8", l4_8, 1},
#endif
};

/* ---------------------------------------------------------------------
 * The harness.
 * --------------------------------------------------------------------- */
typedef struct blocks {
  size_t count, raw;     /* blocks, raw bytes in all */
  unsigned char **p;     /* each block, raw */
  size_t *n;
} blocks;

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put_field(kzi_buf *b, const char *s, size_t n) {
  int rc = 0;
  kzi_vput(b, &rc, n);
  if (rc || kzi_buf_append(b, s, n)) {
    fprintf(stderr, "bench_lz: out of memory\n");
    exit(1);
  }
}

static void add_block(blocks *bs, kzi_buf *b) {
  bs->p = realloc(bs->p, (bs->count + 1) * sizeof *bs->p);
  bs->n = realloc(bs->n, (bs->count + 1) * sizeof *bs->n);
  bs->p[bs->count] = malloc(b->n + 64);
  memcpy(bs->p[bs->count], b->p, b->n);
  bs->n[bs->count++] = b->n;
  bs->raw += b->n;
  b->n = 0;
}

/* The records of segment.c's kzi_segw_doc(): fields 0..9 but the key. */
static void make_blocks(const nd_corpus *c, size_t block, blocks *bs) {
  kzi_buf b = {0};
  memset(bs, 0, sizeof *bs);
  for (size_t d = 0; d < c->count; d++) {
    char date[16];
    snprintf(date, sizeof date, "1987-%02u-%02u", 2 + (unsigned)(d * 3 / c->count),
             1 + (unsigned)(d % 28));
    put_field(&b, c->docs[d].title, c->docs[d].title_len); /* title */
    put_field(&b, c->docs[d].text, c->docs[d].text_len);   /* body */
    put_field(&b, "", 0);                                  /* caption */
    put_field(&b, "", 0);                                  /* heading */
    put_field(&b, date, 10);                               /* date */
    put_field(&b, "reuters-21578", 13);                    /* source */
    put_field(&b, "", 0);                                  /* author */
    put_field(&b, "", 0);                                  /* url */
    put_field(&b, "", 0);                                  /* language */
    if (b.n >= block) add_block(bs, &b);
  }
  if (b.n) add_block(bs, &b);
  kzi_buf_free(&b);
}

static double min_time = 0.25;
static const char *only; /* --only: the candidates whose name has this */
static volatile size_t sink;

static void run(const cand *cd, const blocks *bs, int cross) {
  unsigned char **z = malloc(bs->count * sizeof *z);
  size_t *zn = malloc(bs->count * sizeof *zn), ztotal = 0;
  unsigned char *out = malloc(65536 * 8 + KZI_LZ_PAD);
  double best_c = 1e9, best_d = 1e9, best_u = 1e9, best_l = 1e9;
  int lz4_reads_it = 1;
  for (size_t b = 0; b < bs->count; b++) {
    z[b] = malloc(bs->n[b] + bs->n[b] / 255 + 64);
    zn[b] = cd->enc(bs->p[b], bs->n[b], z[b]);
    ztotal += zn[b];
    /* libkz's decoder reads every stream */
    if (kzi_lz_decompress(z[b], zn[b], out, bs->n[b]) || memcmp(out, bs->p[b], bs->n[b])) {
      fprintf(stderr, "bench_lz: %s: block %zu does not round-trip\n", cd->name, b);
      exit(1);
    }
#ifdef KZ_BENCH_LZ4
    if (LZ4_decompress_safe((const char *)z[b], (char *)out, (int)zn[b], (int)bs->n[b]) != (int)bs->n[b] ||
        memcmp(out, bs->p[b], bs->n[b]))
      lz4_reads_it = 0;
#endif
  }
  for (int r = 0; r < 3; r++) {
    double t0 = cpu_now(), t;
    size_t reps = 0;
    do {
      for (size_t b = 0; b < bs->count; b++) sink += cd->enc(bs->p[b], bs->n[b], z[b]);
      reps++;
    } while ((t = cpu_now() - t0) < min_time);
    if (t / (double)reps < best_c) best_c = t / (double)reps;
    t0 = cpu_now();
    reps = 0;
    do {
      for (size_t b = 0; b < bs->count; b++) sink += (size_t)kzi_lz_decompress(z[b], zn[b], out, bs->n[b]);
      reps++;
    } while ((t = cpu_now() - t0) < min_time);
    if (t / (double)reps < best_d) best_d = t / (double)reps;
    /* a snippet: decode from the start to the middle of the block */
    t0 = cpu_now();
    reps = 0;
    do {
      for (size_t b = 0; b < bs->count; b++) {
        size_t ip = 0, op = 0;
        sink += (size_t)kzi_lz_decompress_upto(z[b], zn[b], &ip, out, &op, bs->n[b], bs->n[b] / 2);
      }
      reps++;
    } while ((t = cpu_now() - t0) < min_time);
    if (t / (double)reps < best_u) best_u = t / (double)reps;
#ifdef KZ_BENCH_LZ4
    if (cd->lz4) {
      t0 = cpu_now();
      reps = 0;
      do {
        for (size_t b = 0; b < bs->count; b++)
          sink += (size_t)LZ4_decompress_safe((const char *)z[b], (char *)out, (int)zn[b], (int)bs->n[b]);
        reps++;
      } while ((t = cpu_now() - t0) < min_time);
      if (t / (double)reps < best_l) best_l = t / (double)reps;
    }
#endif
  }
  {
    char l4[32] = "-";
    if (best_l < 1e9) snprintf(l4, sizeof l4, "%.0f", (double)bs->raw / best_l / 1e6);
    printf("| %-34s | %7.0f | %7.0f | %7s | %6.1f | %.4f |%s\n", cd->name, (double)bs->raw / best_c / 1e6,
           (double)bs->raw / best_d / 1e6, l4, best_u / (double)bs->count * 1e6,
           (double)ztotal / (double)bs->raw, cross && !cd->lz4 ? (lz4_reads_it ? " lz4 reads it" : " lz4 rejects it") : "");
  }
  for (size_t b = 0; b < bs->count; b++) free(z[b]);
  free(z);
  free(zn);
  free(out);
}

int main(int argc, char **argv) {
  const char *path = KZ_SHARED_DATA "/news/news.jsonl";
  size_t sizes[8] = {0}, nsizes = 0;
  nd_corpus c;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--jsonl") && i + 1 < argc) path = argv[++i];
    else if (!strcmp(argv[i], "--block") && i + 1 < argc && nsizes < 8) sizes[nsizes++] = (size_t)atoi(argv[++i]) * 1024;
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!strcmp(argv[i], "--min-time") && i + 1 < argc) min_time = atof(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_lz [--jsonl PATH] [--block KB]... [--min-time S] [--only NAME]\n");
      return 2;
    }
  }
  if (!nsizes) sizes[nsizes++] = 16 * 1024;
  if (nd_load(&c, path) != 0) {
    printf("bench_lz: %s is absent; nothing to measure (it is not shipped with libkz)\n", path);
    return 0;
  }
#ifdef KZ_BENCH_LZ4
  lz4_state = malloc((size_t)LZ4_sizeofState());
#endif
  for (size_t s = 0; s < nsizes; s++) {
    blocks bs;
    make_blocks(&c, sizes[s], &bs);
    printf("\n### %zu KB store blocks: %zu blocks, %.1f MB of records\n\n", sizes[s] / 1024, bs.count,
           (double)bs.raw / 1e6);
    printf("| encoder | comp MB/s | dec MB/s | lz4 dec MB/s | half-block decode µs | ratio |\n");
    printf("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (size_t k = 0; k < sizeof cands / sizeof cands[0]; k++)
      if (!only || strstr(cands[k].name, only)) run(&cands[k], &bs, 1);
    for (size_t b = 0; b < bs.count; b++) free(bs.p[b]);
    free(bs.p);
    free(bs.n);
  }
  nd_free(&c);
  return 0;
}
