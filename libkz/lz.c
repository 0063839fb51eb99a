/*
 * lz.c - a fast LZ77 compressor for the document store.
 *
 * The store compresses blocks of about 16 KB of document records (see
 * segment.c).  The stream is a sequence of sequences, as in LZ4:
 *
 *   token byte: literal count (high 4 bits), match length - 4 (low 4
 *   bits); 15 in either means more follows as bytes added until one is
 *   below 255; then the literals; then u16 little-endian match distance
 *   (1..65535) and the match.  The last sequence has literals only (the
 *   stream ends after them).
 *
 * The compressor is greedy with a 4-byte hash of 2^13 u16 positions (the
 * block is at most 64 KB of history away) and skips faster through
 * incompressible stretches.  The decoder checks every count and distance
 * against the input and the declared output size.
 */
#include <string.h>

#include "corpus_int.h"

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

static unsigned char *put_seq(unsigned char *o, const unsigned char *lit, size_t nlit,
                              size_t mlen, size_t dist) {
  unsigned char *tok = o++;
  unsigned t = (unsigned)(nlit < 15 ? nlit : 15) << 4;
  if (nlit >= 15) o = put_len(o, nlit - 15);
  memcpy(o, lit, nlit);
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

int kzi_lz_compress(const unsigned char *in, size_t n, kzi_buf *out) {
  uint32_t tab[1u << LZ_HASH_BITS];
  size_t i = 0, anchor = 0, limit, miss = 0;
  unsigned char *o, *o0;
  /* worst case: literals plus one length byte per 255 and the token */
  if (kzi_buf_reserve(out, n + n / 255 + 16)) return KZ_ENOMEM;
  o0 = o = (unsigned char *)out->p + out->n;
  limit = n > LZ_LAST_LITERALS + LZ_MIN ? n - LZ_LAST_LITERALS - LZ_MIN : 0;
  memset(tab, 0, sizeof tab);
  /* tab holds position + 1 (0 = empty); positions beyond 32 bits are not
   * needed: blocks are small, and longer inputs just lose old matches */
  while (i < limit) {
    uint32_t v = rd32(in + i), h = lz_hash(v);
    size_t cand = tab[h];
    tab[h] = (uint32_t)(i + 1);
    if (cand && i - (cand - 1) <= LZ_WINDOW && rd32(in + cand - 1) == v) {
      size_t c = cand - 1, m = LZ_MIN, end = n - LZ_LAST_LITERALS;
      /* extend backwards over pending literals */
      while (i > anchor && c > 0 && in[i - 1] == in[c - 1]) {
        i--;
        c--;
        m++;
      }
      while (i + m + 8 <= end) {
        uint64_t x = rd64(in + c + m) ^ rd64(in + i + m);
        if (x) {
          m += (size_t)__builtin_ctzll(x) >> 3;
          goto found;
        }
        m += 8;
      }
      while (i + m < end && in[c + m] == in[i + m]) m++;
    found:
      o = put_seq(o, in + anchor, i - anchor, m, i - c);
      /* index a position inside the match for the next search */
      if (i + m - 2 < limit) tab[lz_hash(rd32(in + i + m - 2))] = (uint32_t)(i + m - 2 + 1);
      i += m;
      anchor = i;
      miss = 0;
    } else {
      i += 1 + (miss++ >> 5); /* skip faster through incompressible data */
    }
  }
  o = put_seq(o, in + anchor, n - anchor, 0, 0);
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
