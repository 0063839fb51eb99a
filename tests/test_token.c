/*
 * test_token.c - the tokenizer's kinds, joining, positions, flags and
 * normalized forms, through the public API only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kz.h"

#define MAXT 256

typedef struct tok {
  size_t start, end;
  char norm[128];
  int kind;
  unsigned flags;
  uint32_t position;
} tok;

typedef struct toks {
  tok v[MAXT];
  size_t n;
} toks;

static int collect(const kz_token *t, void *p) {
  toks *a = p;
  if (a->n == MAXT) return 99;
  a->v[a->n].start = t->start;
  a->v[a->n].end = t->end;
  snprintf(a->v[a->n].norm, sizeof a->v[a->n].norm, "%s", t->norm);
  assert_int_equal(strlen(t->norm), t->norm_len);
  a->v[a->n].kind = t->kind;
  a->v[a->n].flags = t->flags;
  a->v[a->n].position = t->position;
  a->n++;
  return 0;
}

static toks run(unsigned flags, const char *lang, const char *text) {
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk;
  toks t;
  memset(&t, 0, sizeof t);
  o.flags = flags;
  o.language = lang;
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_OK);
  assert_int_equal(kz_tokenize(tk, text, strlen(text), collect, &t), KZ_OK);
  kz_tokenizer_free(tk);
  return t;
}

/* The normalized forms joined by '|'. */
static const char *norms(const toks *t) {
  static char buf[4096];
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < t->n; i++)
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "|" : "", t->v[i].norm);
  return buf;
}

static void test_kinds(void **state) {
  const char *s = "Visit https://www.rferl.org/a/kazakhstan.html, mail press@voanews.com, "
                  "follow @KremlinRussia_E #Kazakhstan now: 32% of $2-$3 billion.";
  toks t = run(KZ_TOK_DEFAULT, "en", s);
  const char *want[][2] = {
      {"Visit", "word"}, {"https://www.rferl.org/a/kazakhstan.html", "url"}, {",", "punct"},
      {"mail", "word"}, {"press@voanews.com", "email"}, {",", "punct"}, {"follow", "word"},
      {"@KremlinRussia_E", "handle"}, {"#Kazakhstan", "hashtag"}, {"now", "word"},
      {":", "punct"}, {"32", "number"}, {"%", "punct"}, {"of", "word"}, {"$", "symbol"},
      {"2", "number"}, {"-", "punct"}, {"$", "symbol"}, {"3", "number"}, {"billion", "word"},
      {".", "punct"}};
  size_t n = sizeof want / sizeof want[0];
  assert_int_equal(t.n, n);
  for (size_t i = 0; i < n; i++) {
    char text[128];
    snprintf(text, sizeof text, "%.*s", (int)(t.v[i].end - t.v[i].start), s + t.v[i].start);
    assert_string_equal(text, want[i][0]);
    assert_string_equal(kz_token_kind_name(t.v[i].kind), want[i][1]);
  }
  assert_string_equal(kz_token_kind_name(0), "unknown");
  assert_string_equal(kz_token_kind_name(99), "unknown");
}

static void test_positions(void **state) {
  /* Punctuation does not advance positions; words and numbers do. */
  toks t = run(KZ_TOK_DEFAULT, NULL, "Hello, world - 3,000 times.");
  assert_int_equal(t.n, 7);
  assert_int_equal(t.v[0].position, 0); /* Hello */
  assert_int_equal(t.v[1].position, 1); /* , */
  assert_int_equal(t.v[2].position, 1); /* world */
  assert_int_equal(t.v[3].position, 2); /* - */
  assert_int_equal(t.v[4].position, 2); /* 3,000 */
  assert_int_equal(t.v[5].position, 3); /* times */
  assert_int_equal(t.v[6].position, 4); /* . */
  t = run(KZ_TOK_DEFAULT | KZ_TOK_SKIP_PUNCT, NULL, "Hello, world - 3,000 times.");
  assert_string_equal(norms(&t), "hello|world|3000|times");
  assert_int_equal(t.v[3].position, 3);
}

static void test_apostrophes(void **state) {
  toks a = run(KZ_TOK_DEFAULT, "en", "Kazakhstan\xE2\x80\x99s");
  toks b = run(KZ_TOK_DEFAULT, "en", "Kazakhstan's");
  assert_int_equal(a.n, 1);
  assert_int_equal(b.n, 1);
  assert_string_equal(a.v[0].norm, b.v[0].norm);
  assert_string_equal(a.v[0].norm, "kazakhstan's");
  a = run(KZ_TOK_DEFAULT | KZ_TOK_POSSESSIVE, "en", "Kazakhstan\xE2\x80\x99s Tokayev's");
  assert_string_equal(norms(&a), "kazakhstan|tokayev");
  /* Curly and guillemet quotes unify to the straight ones. */
  a = run(KZ_TOK_DEFAULT, NULL, "\xE2\x80\x9C" "a" "\xE2\x80\x9D \xC2\xAB" "b" "\xC2\xBB");
  assert_string_equal(norms(&a), "\"|a|\"|\"|b|\"");
  /* Without KZ_TOK_QUOTES the forms differ. */
  a = run(KZ_TOK_CASEFOLD, NULL, "Kazakhstan\xE2\x80\x99s");
  assert_string_equal(a.v[0].norm, "kazakhstan\xE2\x80\x99s");
}

static void test_numbers(void **state) {
  toks t = run(KZ_TOK_DEFAULT, NULL, "3,000 3000 6,000 0.14 1,234,567.89 12,34 10:29");
  assert_string_equal(norms(&t), "3000|3000|6000|0.14|1234567.89|12,34|10|:|29");
  for (size_t i = 0; i < 6; i++) assert_int_equal(t.v[i].kind, KZ_TOKEN_NUMBER);
  t = run(KZ_TOK_CASEFOLD, NULL, "3,000");
  assert_string_equal(t.v[0].norm, "3,000");
  /* Full-width digits become ASCII under NFKC. */
  t = run(KZ_TOK_DEFAULT, NULL, "\xEF\xBC\x93\xEF\xBC\x90");
  assert_string_equal(t.v[0].norm, "30");
  assert_int_equal(t.v[0].kind, KZ_TOKEN_NUMBER);
}

static void test_hyphens(void **state) {
  toks t = run(KZ_TOK_DEFAULT, NULL, "Kassym-Jomart Tokayev, post-Soviet Nur-Sultan - not");
  assert_string_equal(norms(&t), "kassym|-|jomart|tokayev|,|post|-|soviet|nur|-|sultan|-|not");
  assert_false(t.v[0].flags & KZ_TOKEN_HYPHENATED);
  assert_true(t.v[2].flags & KZ_TOKEN_HYPHENATED);
  assert_false(t.v[3].flags & KZ_TOKEN_HYPHENATED);
  assert_true(t.v[7].flags & KZ_TOKEN_HYPHENATED);
  assert_true(t.v[10].flags & KZ_TOKEN_HYPHENATED);
  assert_false(t.v[12].flags & KZ_TOKEN_HYPHENATED); /* " - not" is a dash */
  /* Parts are consecutive positions, so the phrase "kassym jomart" matches. */
  assert_int_equal(t.v[2].position, t.v[0].position + 1);
}

static void test_case_and_flags(void **state) {
  toks t = run(KZ_TOK_DEFAULT, "en", "The CSTO and Stra\xC3\x9F" "e \xC3\x89" "COLE");
  assert_string_equal(norms(&t), "the|csto|and|strasse|\xC3\xA9" "cole");
  assert_true(t.v[0].flags & KZ_TOKEN_CAPITALIZED);
  assert_true(t.v[0].flags & KZ_TOKEN_STOPWORD);
  assert_true(t.v[1].flags & KZ_TOKEN_ALLCAPS);
  assert_true(t.v[2].flags & KZ_TOKEN_STOPWORD);
  assert_false(t.v[3].flags & KZ_TOKEN_STOPWORD);
  assert_true(t.v[4].flags & KZ_TOKEN_ALLCAPS);
  assert_true(t.v[0].flags & KZ_TOKEN_SPACE_BEFORE);
  t = run(KZ_TOK_DEFAULT | KZ_TOK_SKIP_STOPWORDS, "en", "The CSTO and the troops");
  assert_string_equal(norms(&t), "csto|troops");
  assert_int_equal(t.v[1].position, 4);
  t = run(KZ_TOK_DEFAULT, NULL, "a\nb");
  assert_true(t.v[1].flags & KZ_TOKEN_NEWLINE_BEFORE);
  assert_false(t.v[0].flags & KZ_TOKEN_NEWLINE_BEFORE);
}

static void test_nfkc(void **state) {
  /* Ligature ﬁ and full-width letters fold under NFKC. */
  toks t = run(KZ_TOK_DEFAULT, NULL, "\xEF\xAC\x81nal \xEF\xBC\xA1\xEF\xBC\xA2");
  assert_string_equal(norms(&t), "final|ab");
  t = run(KZ_TOK_CASEFOLD, NULL, "\xEF\xAC\x81nal");
  assert_string_equal(t.v[0].norm, "fi" "nal"); /* case folding expands ﬁ too */
  t = run(0, NULL, "\xEF\xAC\x81nal ABC");
  assert_string_equal(norms(&t), "\xEF\xAC\x81nal|ABC");
}

static void test_diacritics(void **state) {
  unsigned f = KZ_TOK_DEFAULT | KZ_TOK_FOLD_DIACRITICS;
  /* Latin, Cyrillic (й -> и, ё -> е), Kazakh letters, Greek, stroke letters. */
  toks t = run(f, NULL, "Qazaq\xCA\xBC \xC3\xA9t\xC3\xA9 \xD0\x99\xD1\x91\xD0\xBB \xD2\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B "
                        "\xCE\x86\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1 \xC5\x81\xC3\xB3\x64\xC5\xBA");
  assert_string_equal(norms(&t), "qazaq'|ete|\xD0\xB8\xD0\xB5\xD0\xBB|\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xBA|"
                                 "\xCE\xB1\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1|lodz");
  t = run(KZ_TOK_DEFAULT, NULL, "\xC3\xA9t\xC3\xA9");
  assert_string_equal(t.v[0].norm, "\xC3\xA9t\xC3\xA9");
}

static void test_stemming(void **state) {
  toks t = run(KZ_TOK_DEFAULT | KZ_TOK_STEM, "en", "protesters protested peacekeeping running");
  assert_string_equal(norms(&t), "protest|protest|peacekeep|run");
  t = run(KZ_TOK_DEFAULT | KZ_TOK_STEM, "de", "Unruhen Kasachstans");
  assert_string_equal(norms(&t), "unruh|kasachstan");
  t = run(KZ_TOK_DEFAULT | KZ_TOK_STEM, "russian",
          "\xD0\xBF\xD1\x80\xD0\xBE\xD1\x82\xD0\xB5\xD1\x81\xD1\x82\xD1\x8B");
  assert_string_equal(t.v[0].norm, "\xD0\xBF\xD1\x80\xD0\xBE\xD1\x82\xD0\xB5\xD1\x81\xD1\x82");
  /* Numbers and URLs are not stemmed. */
  t = run(KZ_TOK_DEFAULT | KZ_TOK_STEM, "en", "1990s http://example.org/Running");
  assert_string_equal(norms(&t), "1990s|http://example.org/Running");
}

static void test_scripts(void **state) {
  toks t = run(KZ_TOK_DEFAULT, NULL, "\xE5\x93\x88\xE8\x90\xA8\xE5\x85\x8B \xF0\x9F\x98\x80 \xD8\xA7\xD9\x84\xD9\x85 \xD9\xA3\xD9\xA4");
  assert_int_equal(t.n, 6);
  assert_int_equal(t.v[0].kind, KZ_TOKEN_IDEOGRAPH);
  assert_int_equal(t.v[3].kind, KZ_TOKEN_EMOJI);
  assert_int_equal(t.v[4].kind, KZ_TOKEN_WORD);
  assert_int_equal(t.v[5].kind, KZ_TOKEN_NUMBER);
}

static void test_invalid_utf8(void **state) {
  const char s[] = "ab\xFF" "cd \xE2\x82 caf\xC3\xA9 \xC0\xAF\x00z";
  kz_tokenizer *tk;
  toks t;
  memset(&t, 0, sizeof t);
  assert_int_equal(kz_tokenizer_new(&tk, NULL), KZ_OK);
  assert_int_equal(kz_tokenize(tk, s, sizeof s - 1, collect, &t), KZ_OK);
  assert_int_equal(kz_tokenizer_repaired(tk), 5);
  for (size_t i = 0; i < t.n; i++) {
    assert_true(t.v[i].start < t.v[i].end);
    assert_true(t.v[i].end <= sizeof s - 1);
    if (i) assert_true(t.v[i].start >= t.v[i - 1].end);
  }
  /* "ab" U+FFFD "cd" splits around the bad byte; the bad byte is a token. */
  assert_string_equal(t.v[0].norm, "ab");
  assert_string_equal(t.v[1].norm, "\xEF\xBF\xBD");
  assert_true(t.v[1].flags & KZ_TOKEN_REPAIRED);
  assert_int_equal(t.v[1].start, 2);
  assert_int_equal(t.v[1].end, 3);
  assert_string_equal(t.v[t.n - 1].norm, "z"); /* past the NUL byte */
  kz_tokenizer_free(tk);
}

static int stop_at_3(const kz_token *t, void *p) {
  (void)t;
  return ++*(int *)p == 3 ? 42 : 0;
}

static void test_api_errors(void **state) {
  kz_tokenizer_options o;
  kz_tokenizer *tk = NULL;
  int count = 0;
  assert_int_equal(kz_tokenizer_options_init(&o, 999), KZ_EVERSION);
  assert_int_equal(kz_tokenizer_options_init(&o, KZ_TOKENIZER_OPTIONS_VERSION), KZ_OK);
  assert_int_equal(o.flags, KZ_TOK_DEFAULT);
  o.version = 7;
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_EVERSION);
  assert_null(tk);
  assert_non_null(strstr(kz_last_errmsg(), "version 7"));
  o.version = KZ_TOKENIZER_OPTIONS_VERSION;
  o.flags |= KZ_TOK_STEM;
  o.language = "klingon";
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_ENOTFOUND);
  assert_non_null(strstr(kz_last_errmsg(), "klingon"));
  o.language = "kk"; /* a language libkz knows, with no Snowball stemmer */
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_ENOTFOUND);
  o.language = NULL;
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_EINVAL);
  o.flags = 0x80000000u;
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_EINVAL);
  assert_int_equal(kz_tokenizer_new(NULL, NULL), KZ_EINVAL);
  assert_int_equal(kz_tokenizer_new(&tk, NULL), KZ_OK);
  assert_int_equal(kz_tokenize(tk, NULL, 5, stop_at_3, &count), KZ_EINVAL);
  assert_non_null(strstr(kz_tokenizer_errmsg(tk), "NULL"));
  assert_int_equal(kz_tokenize(tk, NULL, 0, stop_at_3, &count), KZ_OK);
  assert_int_equal(kz_tokenize(tk, "a b c d e", 9, stop_at_3, &count), 42);
  assert_int_equal(count, 3);
  assert_int_equal(kz_tokenize(tk, "a", 1, NULL, NULL), KZ_EINVAL);
  assert_int_equal(kz_tokenize(NULL, "a", 1, stop_at_3, &count), KZ_EINVAL);
  kz_tokenizer_free(tk);
  kz_tokenizer_free(NULL);
  assert_string_equal(kz_strerror(KZ_ENOMEM), "out of memory");
  assert_string_equal(kz_strerror(12345), "unknown error");
  assert_string_equal(kz_version(), KZ_VERSION_STRING);
  assert_int_equal(kz_version_number(), KZ_VERSION_NUMBER);
}

static void test_huge_line(void **state) {
  /* 10 MB without white space and 10 MB of one word: linear, no crash. */
  size_t n = 10u << 20;
  char *s = malloc(n);
  kz_tokenizer *tk;
  int count = 0;
  assert_non_null(s);
  for (size_t i = 0; i < n; i++) s[i] = (char)("ab.\xC3\xA9"[i % 5]);
  assert_int_equal(kz_tokenizer_new(&tk, NULL), KZ_OK);
  assert_int_equal(kz_tokenize(tk, s, n, stop_at_3, &count), KZ_OK + 0 * count);
  memset(s, 'x', n);
  count = 0;
  assert_int_equal(kz_tokenize(tk, s, n, stop_at_3, &count), KZ_OK);
  assert_int_equal(count, 1);
  kz_tokenizer_free(tk);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinds),      cmocka_unit_test(test_positions),
      cmocka_unit_test(test_apostrophes), cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_hyphens),    cmocka_unit_test(test_case_and_flags),
      cmocka_unit_test(test_nfkc),       cmocka_unit_test(test_diacritics),
      cmocka_unit_test(test_stemming),   cmocka_unit_test(test_scripts),
      cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_api_errors),
      cmocka_unit_test(test_huge_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
