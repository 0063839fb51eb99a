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
 * The compressor is greedy with a 4-byte hash of 2^13 positions (u16 for
 * inputs of up to 64 KB, which store blocks nearly always are: half the
 * table, and any candidate is within reach; u32 for longer ones), copies
 * short literal runs 16 bytes at a time, and skips faster through
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

int kzi_lz_compress(const unsigned char *in, size_t n, kzi_buf *out) {
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
