/*
 * test_lz_upto.c - kzi_lz_decompress_upto(), the resumable decoder the
 * search hits use to read a record without decoding the rest of its store
 * block: decoding in steps gives the bytes kzi_lz_decompress() gives, and
 * damaged streams give KZ_ECORRUPT without reading or writing out of
 * bounds (run under ASan).
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
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
