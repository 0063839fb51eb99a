/*
 * lz.c - a small LZ77 compressor for the document store.
 *
 * Each stored document is compressed on its own (random access).  The
 * stream is a sequence of (varint literal count, literals, varint match
 * length, varint match distance) groups; a match length of 0 ends it (no
 * distance follows).  Matches are at least 4 bytes and at most 64 KiB
 * back, found greedily through a 4096-entry hash of 4-byte prefixes:
 * LZ4-like speed, about half the size on news text.  The decoder checks
 * every count and distance against the input and the declared output size.
 */
#include <string.h>

#include "corpus_int.h"

#define LZ_HASH_BITS 12
#define LZ_MIN 4
#define LZ_WINDOW 65535

static uint32_t rd32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

int kzi_lz_compress(const unsigned char *in, size_t n, kzi_buf *out) {
  uint32_t tab[1u << LZ_HASH_BITS];
  size_t i = 0, anchor = 0;
  int rc = 0;
  memset(tab, 0, sizeof tab);
  while (n >= LZ_MIN + 1 && i + LZ_MIN + 1 <= n && !rc) {
    uint32_t h = (rd32(in + i) * 2654435761u) >> (32 - LZ_HASH_BITS);
    size_t cand = tab[h];
    tab[h] = (uint32_t)i + 1;
    if (cand && i - (cand - 1) <= LZ_WINDOW && rd32(in + cand - 1) == rd32(in + i)) {
      size_t c = cand - 1, m = LZ_MIN;
      while (i + m < n && in[c + m] == in[i + m]) m++;
      kzi_vput(out, &rc, i - anchor);
      if (!rc && i > anchor) rc = kzi_buf_append(out, in + anchor, i - anchor);
      kzi_vput(out, &rc, m);
      kzi_vput(out, &rc, i - c);
      i += m;
      anchor = i;
    } else {
      i++;
    }
  }
  kzi_vput(out, &rc, n - anchor);
  if (!rc && n > anchor) rc = kzi_buf_append(out, in + anchor, n - anchor);
  kzi_vput(out, &rc, 0);
  return rc;
}

int kzi_lz_decompress(const unsigned char *p, size_t n, unsigned char *out, size_t raw) {
  const unsigned char *end = p + n;
  size_t o = 0;
  for (;;) {
    uint64_t lit = kzi_vget(&p, end), m, d;
    if (!p || lit > (uint64_t)(end - p) || lit > raw - o) return KZ_ECORRUPT;
    memcpy(out + o, p, (size_t)lit);
    o += (size_t)lit;
    p += lit;
    m = kzi_vget(&p, end);
    if (!p) return KZ_ECORRUPT;
    if (m == 0) return p == end && o == raw ? KZ_OK : KZ_ECORRUPT;
    d = kzi_vget(&p, end);
    if (!p || d == 0 || d > o || m > raw - o) return KZ_ECORRUPT;
    for (size_t k = 0; k < m; k++, o++) out[o] = out[o - d];
  }
}
