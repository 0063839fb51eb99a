/*
 * test_wordbreak.c - word boundaries against libunistring and Unicode.
 *
 * 1. Differential: the tokenizer in plain mode (pure UAX #29 segments, no
 *    joining, no normalization) must give exactly the non-blank segments of
 *    libunistring's u8_wordbreaks() over the whole text, on the news corpora
 *    of ../shared/data (skipped when absent), the bundled seed articles and
 *    random mixed strings (ASCII, Latin-1, Cyrillic, CJK, emoji, combining
 *    marks, format characters, invalid bytes).  Invalid bytes are read as
 *    U+FFFD on both sides.
 * 2. Conformance: Unicode's WordBreakTest.txt (15.0).  Every case where
 *    libkz disagrees with the file must be one where libunistring 1.0
 *    (Unicode 14 rules) disagrees too: such cases are known differences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unictype.h>
#include <uniwbrk.h>

#include "kz.h"
#include "kz_int.h" /* kzi_wordbreak_simd() */
#include "newsdata.h"

typedef struct span {
  size_t s, e;
} span;

typedef struct spans {
  span *v;
  size_t n, cap;
} spans;

static void push(spans *a, size_t s, size_t e) {
  if (a->n == a->cap) {
    a->cap = a->cap * 2 + 64;
    a->v = realloc(a->v, a->cap * sizeof *a->v);
    assert_non_null(a->v);
  }
  a->v[a->n].s = s;
  a->v[a->n].e = e;
  a->n++;
}

/* Strict decoding, written here again so the test does not trust libkz's. */
static long dec(const unsigned char *s, size_t n, size_t *len) {
  unsigned c = s[0];
  *len = 1;
  if (c < 0x80) return c;
  if (c >= 0xC2 && c < 0xE0 && n >= 2 && (s[1] & 0xC0) == 0x80) {
    *len = 2;
    return ((c & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if (c >= 0xE0 && c < 0xF0 && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
    long v = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if (v < 0x800 || (v >= 0xD800 && v < 0xE000)) return -1;
    *len = 3;
    return v;
  }
  if (c >= 0xF0 && c < 0xF5 && n >= 4 && (s[1] & 0xC0) == 0x80 &&
      (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
    long v = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF) return -1;
    *len = 4;
    return v;
  }
  return -1;
}

static int blank(const unsigned char *s, size_t n) {
  size_t i, len;
  for (i = 0; i < n; i += len) {
    long c = dec(s + i, n - i, &len);
    if (c < 0 || c == 0xFFFD) return 0;
    if (!uc_is_property_white_space((ucs4_t)c) &&
        !uc_is_general_category((ucs4_t)c, UC_CATEGORY_Cc) &&
        !uc_is_general_category((ucs4_t)c, UC_CATEGORY_Cf))
      return 0;
  }
  return 1;
}

/* The reference: u8_wordbreaks over the whole (repaired) text. */
static void reference(const char *text, size_t len, spans *out) {
  const unsigned char *s = (const unsigned char *)text;
  unsigned char *fx = malloc(len * 3 + 1);
  assert_non_null(fx);
  size_t *map = malloc((len * 3 + 1) * sizeof *map);
  char *brk;
  size_t i, o = 0, l, st = 0;
  for (i = 0; i < len; i += l) {
    if (dec(s + i, len - i, &l) < 0) {
      memcpy(fx + o, "\xEF\xBF\xBD", 3);
      map[o] = map[o + 1] = map[o + 2] = i;
      o += 3;
    } else {
      memcpy(fx + o, s + i, l);
      for (size_t k = 0; k < l; k++) map[o + k] = i + k;
      o += l;
    }
  }
  map[o] = len;
  brk = malloc(o + 1);
  u8_wordbreaks(fx, o, brk);
  for (i = 1; i <= o; i++) {
    if (i < o && !brk[i]) continue;
    if (!blank(fx + st, i - st)) push(out, map[st], map[i]);
    st = i;
  }
  free(fx);
  free(map);
  free(brk);
}

static int collect(const kz_token *t, void *p) {
  push(p, t->start, t->end);
  return 0;
}

static kz_tokenizer *plain_tokenizer(void) {
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk;
  o.flags = KZ_TOK_PLAIN;
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_OK);
  return tk;
}

/* Compare one text; returns 1 when equal, prints the first difference. */
static int compare(kz_tokenizer *tk, const char *text, size_t len, const char *what) {
  spans a = {0}, b = {0};
  size_t i;
  int ok = 1;
  reference(text, len, &a);
  assert_int_equal(kz_tokenize(tk, text, len, collect, &b), KZ_OK);
  if (a.n != b.n) ok = 0;
  for (i = 0; ok && i < a.n; i++)
    if (a.v[i].s != b.v[i].s || a.v[i].e != b.v[i].e) ok = 0;
  if (!ok) {
    for (i = 0; i < a.n && i < b.n; i++)
      if (a.v[i].s != b.v[i].s || a.v[i].e != b.v[i].e) break;
    if (i < a.n)
      print_message("%s: segment %zu differs: libunistring [%zu,%zu) '%.*s'\n", what, i,
                    a.v[i].s, a.v[i].e, (int)(a.v[i].e - a.v[i].s), text + a.v[i].s);
    if (i < b.n)
      print_message("%s: libkz [%zu,%zu) '%.*s'\n", what, b.v[i].s, b.v[i].e,
                    (int)(b.v[i].e - b.v[i].s), text + b.v[i].s);
  }
  free(a.v);
  free(b.v);
  return ok;
}

static void corpus_file(const char *name) {
  char path[1024];
  nd_corpus c;
  kz_tokenizer *tk;
  size_t i, bad = 0;
  snprintf(path, sizeof path, "%s/news/%s", KZ_SHARED_DATA, name);
  if (nd_load(&c, path) != 0) {
    print_message("SKIP: %s not found (the news corpora live in ../shared/data, "
                  "outside the project)\n", path);
    skip();
  }
  tk = plain_tokenizer();
  for (i = 0; i < c.count; i++) {
    if (!compare(tk, c.docs[i].text, c.docs[i].text_len, "text")) bad++;
    if (c.docs[i].title && !compare(tk, c.docs[i].title, c.docs[i].title_len, "title")) bad++;
  }
  print_message("%s: %zu documents, %zu bytes, %zu differences\n", name, c.count, c.bytes, bad);
  kz_tokenizer_free(tk);
  nd_free(&c);
  assert_int_equal(bad, 0);
}

static void test_reuters(void **state) { corpus_file("news.jsonl"); }
static void test_bbc(void **state) { corpus_file("news_bbc.jsonl"); }

static void test_seeds(void **state) {
  static const char *names[] = {"000_263d34c5b9433d99.txt", "001_ab822a0e62d101c9.txt",
                                "002_b03ce63f8eeabc7f.txt", "003_fc91008267daa0a1.txt",
                                "004_bbc49ac9c8e5d2ae.txt"};
  kz_tokenizer *tk = plain_tokenizer();
  for (size_t i = 0; i < 5; i++) {
    char path[1024];
    size_t len;
    char *t;
    snprintf(path, sizeof path, "%s/examples/corpus/%s", KZ_SOURCE_DIR, names[i]);
    t = nd_read_file(path, &len);
    assert_non_null(t);
    assert_true(len > 1000);
    assert_true(compare(tk, t, len, names[i]));
    free(t);
  }
  kz_tokenizer_free(tk);
}

/* Pieces random strings are made of. */
static const char *const pieces[] = {
    "a", "Z", "word", "Kazakhstan", "9", "3,000", "0.14", "10:29", "U.S.", ".", "'", ":",
    ",", ";", "_", " ", "  ", "\t", "\n", "\r\n", "\r", "-", "\"", "(", "$", "%", "@", "#",
    "http://x.org/a", "\xC3\xA9", "\xC3\x9F", "\xC2\xA0", "\xC2\xBF", "\xC3\xA6",
    "\xD0\x9A\xD0\xB0\xD0\xB7", "\xD0\xB9", "\xE4\xB8\xAD\xE6\x96\x87", "\xE3\x82\xAB\xE3\x82\xBF",
    "\xF0\x9F\x98\x80", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "\xE2\x80\x8D", "\xF0\x9F\x87\xB0",
    "\xF0\x9F\x87\xBF", "\xCC\x81", "\xE2\x80\x99", "\xE2\x80\x98", "\xE2\x80\x9C", "\xE2\x80\x94",
    "\xC2\xAD", "\xE2\x80\x8B", "\xEF\xBB\xBF", "\xD7\x90", "\xD7\xB3", "\xE3\x80\x80",
    "\xE2\x80\x83", "\xEF\xBC\x8E", "\xE2\x80\xA4", "\x80", "\xFF", "\xE2\x82", "\xF0\x9F",
    "\xED\xA0\x80", "\xC0\xAF", "\x01", "\x7F", "\xD9\xA3", "\xE0\xA4\x95\xE0\xA5\x8D",
};

static void test_random(void **state) {
  kz_tokenizer *tk = plain_tokenizer();
  unsigned long seed = 12345;
  size_t np = sizeof pieces / sizeof pieces[0], bad = 0, cases = 50000;
  char buf[1024];
  for (size_t k = 0; k < cases; k++) {
    size_t len = 0, n;
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    n = 1 + (seed >> 33) % 24;
    for (size_t j = 0; j < n; j++) {
      const char *p;
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      p = pieces[(seed >> 33) % np];
      memcpy(buf + len, p, strlen(p));
      len += strlen(p);
    }
    if (!compare(tk, buf, len, "random")) bad++;
  }
  print_message("random: %zu cases, %zu differences\n", cases, bad);
  kz_tokenizer_free(tk);
  assert_int_equal(bad, 0);
}

/* ---- WordBreakTest.txt ---------------------------------------------------- */

static size_t enc(unsigned long c, char *o) {
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
  if (c < 0x10000) {
    o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (char)(0x80 | (c & 0x3F)); return 3;
  }
  o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

static void test_conformance(void **state) {
  char path[1024], line[4096];
  FILE *f;
  kz_tokenizer *tk = plain_tokenizer();
  size_t total = 0, pass = 0, known = 0, lineno = 0;
  snprintf(path, sizeof path, "%s/unicode/WordBreakTest.txt", KZ_TEST_DATA);
  f = fopen(path, "r");
  assert_non_null(f);
  while (fgets(line, sizeof line, f)) {
    char text[1024], *p = line, brk_at[1024];
    size_t len = 0;
    spans want = {0}, got = {0}, uni = {0};
    int ok, uni_ok;
    lineno++;
    if (strncmp(line, "\xC3\xB7", 2) != 0) continue; /* lines start with ÷ */
    memset(brk_at, 0, sizeof brk_at);
    while (*p && *p != '#') {
      if (strncmp(p, "\xC3\xB7", 2) == 0) { brk_at[len] = 1; p += 2; }
      else if (strncmp(p, "\xC3\x97", 2) == 0) { p += 2; }
      else if (*p == ' ' || *p == '\t') { p++; }
      else {
        unsigned long c = strtoul(p, &p, 16);
        len += enc(c, text + len);
      }
    }
    total++;
    {
      size_t st = 0;
      for (size_t i = 1; i <= len; i++) {
        if (i < len && !brk_at[i]) continue;
        if (!blank((unsigned char *)text + st, i - st)) push(&want, st, i);
        st = i;
      }
    }
    assert_int_equal(kz_tokenize(tk, text, len, collect, &got), KZ_OK);
    reference(text, len, &uni);
    ok = want.n == got.n;
    for (size_t i = 0; ok && i < want.n; i++)
      ok = want.v[i].s == got.v[i].s && want.v[i].e == got.v[i].e;
    uni_ok = want.n == uni.n;
    for (size_t i = 0; uni_ok && i < want.n; i++)
      uni_ok = want.v[i].s == uni.v[i].s && want.v[i].e == uni.v[i].e;
    if (ok) {
      pass++;
    } else if (!uni_ok) {
      /* libunistring 1.0 implements Unicode 14 word breaking; the file is
       * Unicode 15.0.  The known differences: WB4/WB3c with Extended
       * Pictographic characters newly assigned in 15.0, and property changes
       * of characters (e.g. U+0FD5-0FD8 symbols, new Extend marks). */
      known++;
      print_message("known difference (libunistring 1.0 disagrees too), line %zu: %.60s",
                    lineno, line);
    } else {
      print_message("FAIL line %zu: %s", lineno, line);
    }
    free(want.v);
    free(got.v);
    free(uni.v);
  }
  fclose(f);
  kz_tokenizer_free(tk);
  print_message("WordBreakTest.txt: %zu cases, %zu pass, %zu known differences of "
                "libunistring 1.0, %zu failures\n", total, pass, known, total - pass - known);
  assert_true(total > 1800);
  assert_int_equal(pass + known, total);
}

/* Which ASCII segmenter runs (tests/segmenters.cmake builds the variants). */
static void test_segmenter(void **state) {
  const char *which = kzi_wordbreak_simd();
  print_message("ASCII segmenter: %s\n", which);
#if defined(KZ_NO_SIMD)
  assert_string_equal(which, "portable");
#elif defined(KZ_NO_AVX2)
  assert_true(strcmp(which, "sse2") == 0 || strcmp(which, "portable") == 0);
#endif
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_segmenter),
      cmocka_unit_test(test_conformance), cmocka_unit_test(test_seeds),
      cmocka_unit_test(test_random),      cmocka_unit_test(test_reuters),
      cmocka_unit_test(test_bbc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
