/*
 * test_lz_upto.c - kzi_lz_decompress_upto(), the resumable decoder the
 * search hits use to read a record without decoding the rest of its store
 * block: decoding in steps gives the bytes kzi_lz_decompress() gives, and
 * damaged streams give KZ_ECORRUPT without reading or writing out of
 * bounds (run under ASan); the encoder's edge cases round-trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus_int.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* Input of kind k: text-like words, random bytes, runs, or a mix. */
static void fill(unsigned char *p, size_t n, int k) {
  static const char *words[] = {"the ", "company ", "said ", "pct ", "oil ", "prices ",
                                "rose ", "in ", "March, ", "1987.\n"};
  size_t i = 0;
  while (i < n) {
    int kind = k == 3 ? (int)(rnd() % 3) : k;
    if (kind == 0) {
      const char *w = words[rnd() % 10];
      for (size_t j = 0; w[j] && i < n; j++) p[i++] = (unsigned char)w[j];
    } else if (kind == 1) {
      p[i++] = (unsigned char)rnd();
    } else {
      size_t run = 1 + rnd() % 40;
      unsigned char c = (unsigned char)rnd();
      while (run-- && i < n) p[i++] = c;
    }
  }
}

/* Decode stream z (decoding to raw bytes) in random steps into out. */
static int decode_steps(const unsigned char *z, size_t zn, unsigned char *out, size_t raw) {
  size_t ip = 0, op = 0;
  while (op < raw || ip < zn) {
    size_t want = op + 1 + rnd() % 3000;
    size_t before = op;
    int rc = kzi_lz_decompress_upto(z, zn, &ip, out, &op, raw, want);
    if (rc) return rc;
    if (op < raw && op < want) return -100; /* stopped short */
    if (op == before && op < raw) return -101; /* no progress */
    if (op >= raw) {
      /* at the end: one more call checks the stream's end */
      rc = kzi_lz_decompress_upto(z, zn, &ip, out, &op, raw, raw);
      return rc ? rc : ip == zn ? KZ_OK : -102;
    }
  }
  return KZ_OK;
}

static void test_steps_match_whole(void **state) {
  (void)state;
  for (int t = 0; t < 400; t++) {
    size_t n = t < 4 ? (size_t)t : rnd() % (t % 10 == 0 ? 70000 : 20000);
    unsigned char *in = malloc(n + 1), *a = malloc(n + 1), *b = malloc(n + KZI_LZ_PAD);
    kzi_buf z = {0};
    fill(in, n, t % 4);
    assert_int_equal(kzi_lz_compress(in, n, &z), KZ_OK);
    if (n) {
      assert_int_equal(kzi_lz_decompress((const unsigned char *)z.p, z.n, a, n), KZ_OK);
      assert_memory_equal(a, in, n);
    }
    assert_int_equal(decode_steps((const unsigned char *)z.p, z.n, b, n), KZ_OK);
    if (n) assert_memory_equal(b, in, n);
    kzi_buf_free(&z);
    free(in);
    free(a);
    free(b);
  }
}

/* Walk stream z of raw bytes: 0 when it keeps LZ4's end rules (no match
 * starts in the last 12 bytes, the last 5 are literals), -1 otherwise. */
static int lz4_end_rules(const unsigned char *z, size_t zn, size_t raw) {
  const unsigned char *p = z, *end = z + zn;
  size_t o = 0;
  while (p < end) {
    unsigned t = *p++;
    size_t lit = t >> 4, m = t & 15;
    if (lit == 15) do lit += *p; while (*p++ == 255);
    p += lit;
    o += lit;
    if (p == end) break;
    p += 2;
    if (m == 15) do m += *p; while (*p++ == 255);
    m += 4;
    if (raw < 12 || o > raw - 12 || o + m > raw - 5) return -1;
    o += m;
  }
  return o == raw ? 0 : -1;
}

/* Inputs at the encoder's edges: empty, tiny, around the 12 bytes under
 * which nothing is matched, incompressible, long runs and short periods,
 * and sizes around 64 KB (u16 vs u32 positions, the 65535-byte window).
 * Each round-trips, keeps LZ4's end rules, and every truncation of it is
 * rejected by both decoders. */
static void test_edges(void **state) {
  static const size_t sizes[] = {0,     1,     2,     5,     11,    12,     13,    14,   17,
                                 100,   4096,  16384, 65535, 65536, 65537,  70000, 131072, 200000};
  (void)state;
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    for (int kind = 0; kind < 6; kind++) {
      size_t n = sizes[si];
      unsigned char *in = malloc(n + 1), *a = malloc(n + KZI_LZ_PAD);
      kzi_buf z = {0};
      for (size_t i = 0; i < n; i++) {
        switch (kind) {
          case 0: in[i] = 0; break;                                   /* one run */
          case 1: in[i] = (unsigned char)rnd(); break;                /* incompressible */
          case 2: in[i] = "ab"[i % 2]; break;                         /* period 2 */
          case 3: in[i] = "abcdefg"[i % 7]; break;                    /* period 7 */
          case 4: in[i] = (unsigned char)(i < n / 2 ? rnd() : in[i - n / 2]); break; /* far copy */
          default: in[i] = (unsigned char)((i / 70000) + (i % 65536 < 20 ? 'x' : rnd() % 4)); break;
        }
      }
      assert_int_equal(kzi_lz_compress(in, n, &z), KZ_OK);
      assert_true(z.n <= n + n / 255 + 16);
      if (kind == 0 || kind == 2 || kind == 3) assert_true(z.n <= 32 + n / 200);
      assert_int_equal(lz4_end_rules((const unsigned char *)z.p, z.n, n), 0);
      assert_int_equal(kzi_lz_decompress((const unsigned char *)z.p, z.n, a, n), KZ_OK);
      if (n) assert_memory_equal(a, in, n);
      assert_int_equal(decode_steps((const unsigned char *)z.p, z.n, a, n), KZ_OK);
      if (n) assert_memory_equal(a, in, n);
      /* every truncation (a sample of them for long streams) */
      for (size_t cut = 0; cut < z.n; cut += z.n < 300 ? 1 : 1 + rnd() % 97) {
        unsigned char *zc = malloc(cut + 1);
        memcpy(zc, z.p, cut);
        assert_int_equal(kzi_lz_decompress(zc, cut, a, n), KZ_ECORRUPT);
        /* (an empty stream is a whole one for an empty input, to it) */
        if (n) assert_int_equal(decode_steps(zc, cut, a, n), KZ_ECORRUPT);
        free(zc);
      }
      kzi_buf_free(&z);
      free(in);
      free(a);
    }
  }
}

static void test_damage(void **state) {
  (void)state;
  for (int t = 0; t < 300; t++) {
    size_t n = 1 + rnd() % 20000;
    unsigned char *in = malloc(n), *out, *zc;
    kzi_buf z = {0};
    size_t zn, raw;
    int rc;
    fill(in, n, t % 4);
    assert_int_equal(kzi_lz_compress(in, n, &z), KZ_OK);
    zn = z.n;
    raw = n;
    zc = malloc(zn);
    memcpy(zc, z.p, zn);
    switch (t % 3) {
      case 0: zn = rnd() % zn; break;                       /* truncated */
      case 1: zc[rnd() % zn] ^= (unsigned char)(1 + rnd() % 255); break; /* flipped */
      default: raw = rnd() % (2 * n + 1); break;            /* wrong size */
    }
    /* exactly sized buffers: ASan catches any write past the pad */
    out = malloc(raw + KZI_LZ_PAD);
    rc = decode_steps(zc, zn, out, raw);
    assert_true(rc == KZ_OK || rc == KZ_ECORRUPT);
    if (t % 3 == 0 || (t % 3 == 2 && raw != n)) assert_int_equal(rc, KZ_ECORRUPT);
    kzi_buf_free(&z);
    free(zc);
    free(out);
    free(in);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_steps_match_whole),
      cmocka_unit_test(test_damage),
      cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
