/*
 * lz.c - a fast LZ77 compressor for the document store.
 *
 * The store compresses blocks of about 16 KB of document records (see
 * segment.c).  The stream is a sequence of sequences, as in LZ4 (it is
 * LZ4's block format: liblz4 decodes what we write and we decode what it
 * writes):
 *
 *   token byte: literal count (high 4 bits), match length - 4 (low 4
 *   bits); 15 in either means more follows as bytes added until one is
 *   below 255; then the literals; then u16 little-endian match distance
 *   (1..65535) and the match.  The last sequence has literals only (the
 *   stream ends after them).
 *
 * The compressor is greedy, shaped like LZ4's fast loop, but tuned for
 * speed on news text, where most matches LZ4 finds are short words that
 * cost a sequence each and save little (bench/bench_lz.c measures it on
 * real store blocks; bench/RESULTS.md has the figures):
 *
 *   - it hashes 6 bytes, not 4, so that 4- and 5-byte matches are rarely
 *     found: fewer, longer sequences, faster to write and ~1.6x faster
 *     to read (snippets decode no slower);
 *   - the table has 2^13 u16 positions (16 KB, stays in L1; inputs of up
 *     to 64 KB, which store blocks nearly always are, so any candidate is
 *     within reach; u32 positions and a window check for longer inputs);
 *   - after 16 misses in a row the step grows by one every 16 misses,
 *     which skips quickly through stretches with nothing to find.
 *
 * Together that is ~1.5x the old encoder's speed (4-byte hash, gentler
 * skip) for ~8% more compressed bytes (ratio 0.644 -> 0.699 on store
 * blocks); a 2^12 table is ~7% faster again at 0.715, which indexing as a
 * whole did not show (bench/RESULTS.md).  As LZ4 requires, no match starts in
 * the last 12 bytes and the last 5 are literals.  The decoder checks
 * every count and distance against the input and the declared output
 * size.
 */
#include <string.h>

#include "corpus_int.h"

#define LZ_HASH_BITS 13
#define LZ_HASH_BYTES 6  /* 4..8 */
#define LZ_SKIP 4        /* the step grows by one every 2^LZ_SKIP misses */
#define LZ_MIN 4
#define LZ_WINDOW 65535
#define LZ_MFLIMIT 12    /* no match starts in the last 12 bytes */
#define LZ_LAST_LITERALS 5 /* and the last 5 are literals */

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

/* Hash of the LZ_HASH_BYTES bytes at p (the low ones of a little-endian
 * load; on a big-endian machine other bytes, which costs only matches). */
static inline uint32_t lz_hash(const unsigned char *p) {
  return (uint32_t)(((rd64(p) << (64 - 8 * LZ_HASH_BYTES)) * 889523592379ull) >>
                    (64 - LZ_HASH_BITS));
}

/* Append a length continuation (value already minus 15). */
static unsigned char *put_len(unsigned char *o, size_t v) {
  while (v >= 255) {
    *o++ = 255;
    v -= 255;
  }
  *o++ = (unsigned char)v;
  return o;
}

/* Bytes equal at p and m (m < p), not reaching lim. */
static inline size_t match_count(const unsigned char *p, const unsigned char *m,
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

/* A sequence's token and literals: literals are copied 8 bytes at a time
 * (reading at most 7 bytes past them, still inside the input before the
 * last literals, and writing into the caller's reserve). */
static inline unsigned char *put_literals(unsigned char *o, unsigned char **tok,
                                          const unsigned char *lit, size_t n) {
  *tok = o++;
  if (n >= 15) {
    **tok = 15 << 4;
    o = put_len(o, n - 15);
  } else {
    **tok = (unsigned char)(n << 4);
  }
  for (size_t k = 0; k < n; k += 8) memcpy(o + k, lit + k, 8);
  return o + n;
}

/* The compressor, for a hash table of T (u16 when n <= 64 KB: every
 * position fits and is within the window; u32 otherwise, where `far`
 * checks the distance and positions past 4 GB just lose matches).  A
 * table only holds earlier positions, so a candidate is always behind ip.
 * Returns the end of the output. */
static inline __attribute__((always_inline)) unsigned char *
lz_encode(const unsigned char *in, size_t n, unsigned char *o, void *table, int far) {
  uint16_t *t16 = table;
  uint32_t *t32 = table;
  const unsigned char *ip = in, *anchor = in, *iend = in + n;
  const unsigned char *mflimit = iend - LZ_MFLIMIT, *mlimit = iend - LZ_LAST_LITERALS;
  unsigned char *tok;
  size_t lit;
#define TAB_GET(h) (far ? (size_t)t32[h] : (size_t)t16[h])
#define TAB_SET(h, pos)                  \
  do {                                   \
    if (far) t32[h] = (uint32_t)(pos);   \
    else t16[h] = (uint16_t)(pos);       \
  } while (0)
  if (n < LZ_MFLIMIT + 1) goto last;
  ip++;
  for (;;) {
    const unsigned char *match, *next = ip;
    size_t step = 1, miss = 0, ml;
    uint32_t h = lz_hash(next);
    /* look for a match, hashing the next position while this one is
     * checked */
    for (;;) {
      uint32_t hn;
      ip = next;
      next += step;
      step = 1 + (miss++ >> LZ_SKIP);
      if (next > mflimit) goto last;
      match = in + TAB_GET(h);
      hn = lz_hash(next);
      TAB_SET(h, ip - in);
      h = hn;
      if ((!far || (size_t)(ip - match) <= LZ_WINDOW) && rd32(match) == rd32(ip))
        break;
    }
    while (ip > anchor && match > in && ip[-1] == match[-1]) ip--, match--;
    o = put_literals(o, &tok, anchor, (size_t)(ip - anchor));
    /* the match, and as long as the position right after it has one,
     * that one with no literals */
    for (;;) {
      size_t d = (size_t)(ip - match);
      o[0] = (unsigned char)d;
      o[1] = (unsigned char)(d >> 8);
      o += 2;
      ml = match_count(ip + LZ_MIN, match + LZ_MIN, mlimit);
      ip += ml + LZ_MIN;
      if (ml >= 15) {
        *tok += 15;
        o = put_len(o, ml - 15);
      } else {
        *tok += (unsigned char)ml;
      }
      anchor = ip;
      if (ip > mflimit) goto last;
      TAB_SET(lz_hash(ip - 2), ip - 2 - in);
      h = lz_hash(ip);
      match = in + TAB_GET(h);
      TAB_SET(h, ip - in);
      if ((far && (size_t)(ip - match) > LZ_WINDOW) || rd32(match) != rd32(ip))
        break;
      tok = o++;
      *tok = 0;
    }
    ip++;
  }
#undef TAB_GET
#undef TAB_SET
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
  return o + lit;
}

int kzi_lz_compress(const unsigned char *in, size_t n, kzi_buf *out) {
  unsigned char *o0, *o;
  /* worst case: literals plus one length byte per 255 and the token, and
   * slack for put_literals()'s 8-byte steps */
  if (kzi_buf_reserve(out, n + n / 255 + 32)) return KZ_ENOMEM;
  o0 = (unsigned char *)out->p + out->n;
  if (n <= 65536) {
    uint16_t tab[1u << LZ_HASH_BITS];
    memset(tab, 0, sizeof tab);
    o = lz_encode(in, n, o0, tab, 0);
  } else {
    uint32_t tab[1u << LZ_HASH_BITS];
    memset(tab, 0, sizeof tab);
    o = lz_encode(in, n, o0, tab, 1);
  }
  out->n += (size_t)(o - o0);
  return KZ_OK;
}

/* Read a length continuation. */
static int get_len(const unsigned char **p, const unsigned char *end, size_t *v) {
  unsigned b;
  do {
    if (*p >= end) return KZ_ECORRUPT;
    b = *(*p)++;
    *v += b;
  } while (b == 255);
  return KZ_OK;
}

int kzi_lz_decompress(const unsigned char *p, size_t n, unsigned char *out, size_t raw) {
  const unsigned char *end = p + n;
  size_t o = 0;
  for (;;) {
    unsigned t;
    size_t lit, m, d;
    if (p >= end) return KZ_ECORRUPT;
    t = *p++;
    lit = t >> 4;
    if (lit == 15 && get_len(&p, end, &lit)) return KZ_ECORRUPT;
    if (lit > (size_t)(end - p) || lit > raw - o) return KZ_ECORRUPT;
    memcpy(out + o, p, lit);
    o += lit;
    p += lit;
    if (p == end) return o == raw && (t & 15) == 0 ? KZ_OK : KZ_ECORRUPT;
    if (end - p < 2) return KZ_ECORRUPT;
    d = (size_t)p[0] | (size_t)p[1] << 8;
    p += 2;
    m = (t & 15);
    if (m == 15 && get_len(&p, end, &m)) return KZ_ECORRUPT;
    m += LZ_MIN;
    if (d == 0 || d > o || m > raw - o) return KZ_ECORRUPT;
    if (d >= 8 && o + m + 8 <= raw) {
      /* non-overlapping 8-byte steps (may write up to 7 bytes past the
       * match, inside the output) */
      unsigned char *q = out + o;
      const unsigned char *s = q - d;
      for (size_t k = 0; k < m; k += 8) memcpy(q + k, s + k, 8);
    } else {
      for (size_t k = 0; k < m; k++) out[o + k] = out[o + k - d];
    }
    o += m;
  }
}

/* ---------------------------------------------------------------------
 * Partial, resumable decoding (store_cache.c reads a record without
 * decoding the rest of its block).
 * --------------------------------------------------------------------- */

/* Go on decoding p[0..n) (a stream of raw bytes) from input offset *ip and
 * output offset *op, a sequence at a time, until at least want bytes are
 * out or the stream ends; *ip and *op then say where to resume.  out holds
 * raw + KZI_LZ_PAD bytes: copies run in 16-byte steps and may write into
 * the pad (and past *op).  KZ_OK or KZ_ECORRUPT. */
int kzi_lz_decompress_upto(const unsigned char *p0, size_t n, size_t *ip, unsigned char *out,
                           size_t *op, size_t raw, size_t want) {
  const unsigned char *p = p0 + *ip, *end = p0 + n;
  size_t o = *op;
  if (*ip > n || o > raw) return KZ_ECORRUPT;
  for (;;) {
    unsigned t;
    size_t lit, m, d;
    if (p == end) {
      if (o != raw) return KZ_ECORRUPT;
      break;
    }
    if (o >= want && o < raw) break;
    t = *p++;
    lit = t >> 4;
    if (lit == 15 && get_len(&p, end, &lit)) return KZ_ECORRUPT;
    if (lit > (size_t)(end - p) || lit > raw - o) return KZ_ECORRUPT;
    if (lit <= 16 && end - p >= 16) memcpy(out + o, p, 16);
    else memcpy(out + o, p, lit);
    o += lit;
    p += lit;
    if (p == end) {
      if ((t & 15) != 0) return KZ_ECORRUPT;
      continue; /* checks o == raw */
    }
    if (end - p < 2) return KZ_ECORRUPT;
    d = (size_t)p[0] | (size_t)p[1] << 8;
    p += 2;
    m = (t & 15);
    if (m == 15 && get_len(&p, end, &m)) return KZ_ECORRUPT;
    m += LZ_MIN;
    if (d == 0 || d > o || m > raw - o) return KZ_ECORRUPT;
    {
      unsigned char *q = out + o;
      const unsigned char *s = q - d;
      if (d >= 16) {
        for (size_t k = 0; k < m; k += 16) memcpy(q + k, s + k, 16);
      } else if (d >= 8) {
        for (size_t k = 0; k < m; k += 8) memcpy(q + k, s + k, 8);
      } else {
        for (size_t k = 0; k < m; k++) q[k] = s[k];
      }
    }
    o += m;
  }
  *ip = (size_t)(p - p0);
  *op = o;
  return KZ_OK;
}
