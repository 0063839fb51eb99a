/*
 * test_analyze.c - kz_article_analyze() / kz_text_analyze(): one pass over
 * an article gives the same quotes, numbers and mentions as the three
 * single calls, only what the flags ask for, and clean errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kz.h"
#include "kz/article.h"
#include "kz/analysis.h"

static const char *const seeds[] = {
  "000_263d34c5b9433d99", "001_ab822a0e62d101c9", "002_b03ce63f8eeabc7f",
  "003_fc91008267daa0a1", "004_bbc49ac9c8e5d2ae", NULL
};

/* Mentions as text, one a line. */
static void mentions_text(const kz_mentions *m, kz_buf *out) {
  size_t i, n = kz_mentions_count(m);
  for (i = 0; i < n; i++) {
    const char *x = kz_mention_expansion(m, i);
    char line[1024];
    int k = snprintf(line, sizeof line, "%s|%d|%s|%zu|%zu\n", kz_mention_text(m, i),
                     kz_mention_kind(m, i), x ? x : "-", kz_mention_start(m, i),
                     kz_mention_end(m, i));
    char *p;
    assert_true(k > 0 && (size_t)k < sizeof line);
    p = realloc(out->ptr, out->len + (size_t)k + 1);
    assert_non_null(p);
    memcpy(p + out->len, line, (size_t)k + 1);
    out->ptr = p;
    out->len += (size_t)k;
  }
}

/* The three results of r against the single calls on the same input. */
static void check_same(const kz_analysis *r, const kz_quotes *q, const kz_numbers *n,
                       const kz_mentions *m) {
  kz_buf a = KZ_BUF_INIT, b = KZ_BUF_INIT;
  assert_int_equal(kz_quotes_to_json(kz_analysis_quotes(r), "d", &a), KZ_OK);
  assert_int_equal(kz_quotes_to_json(q, "d", &b), KZ_OK);
  assert_int_equal(a.len, b.len);
  if (a.len) assert_string_equal(a.ptr, b.ptr);
  kz_buf_dispose(&a);
  kz_buf_dispose(&b);
  assert_int_equal(kz_numbers_to_json(kz_analysis_numbers(r), "d", &a), KZ_OK);
  assert_int_equal(kz_numbers_to_json(n, "d", &b), KZ_OK);
  assert_int_equal(a.len, b.len);
  if (a.len) assert_string_equal(a.ptr, b.ptr);
  kz_buf_dispose(&a);
  kz_buf_dispose(&b);
  mentions_text(kz_analysis_mentions(r), &a);
  mentions_text(m, &b);
  assert_int_equal(a.len, b.len);
  if (a.len) assert_string_equal(a.ptr, b.ptr);
  kz_buf_dispose(&a);
  kz_buf_dispose(&b);
}

static void test_seeds_same(void **state) {
  int i;
  (void)state;
  for (i = 0; seeds[i]; i++) {
    char path[1024];
    kz_article *a = NULL;
    kz_analysis *r = NULL;
    kz_quotes *q = NULL;
    kz_numbers *n = NULL;
    kz_mentions *m = NULL;
    snprintf(path, sizeof path, "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, seeds[i]);
    assert_int_equal(kz_article_parse_file(&a, path, NULL), KZ_OK);
    assert_int_equal(kz_article_analyze(&r, a, KZ_ANALYZE_ALL), KZ_OK);
    assert_int_equal(kz_article_quotes(&q, a), KZ_OK);
    assert_int_equal(kz_article_numbers(&n, a), KZ_OK);
    assert_int_equal(kz_article_mentions(&m, a), KZ_OK);
    assert_true(kz_quotes_count(kz_analysis_quotes(r)) > 0);
    assert_true(kz_numbers_count(kz_analysis_numbers(r)) > 0);
    assert_true(kz_mentions_count(kz_analysis_mentions(r)) > 0);
    check_same(r, q, n, m);
    kz_analysis_free(r);
    kz_quotes_free(q);
    kz_numbers_free(n);
    kz_mentions_free(m);
    kz_article_free(a);
  }
}

static void test_text_same(void **state) {
  static const char text[] =
    "\"We will win,\" said Maria Ivanova, head of the Union of Farmers. \"Nobody doubts it.\"\n\n"
    "More than 160 people died and almost 6,000 were detained, the Interior Ministry said.\n\n"
    "The Collective Security Treaty Organization (CSTO) sent 2,500 \"peacekeepers\".";
  kz_analysis *r = NULL;
  kz_quotes *q = NULL;
  kz_numbers *n = NULL;
  kz_mentions *m = NULL;
  (void)state;
  assert_int_equal(kz_text_analyze(&r, text, strlen(text), "en", 0), KZ_OK);
  assert_int_equal(kz_text_quotes(&q, text, strlen(text), "en"), KZ_OK);
  assert_int_equal(kz_text_numbers(&n, text, strlen(text), "en"), KZ_OK);
  assert_int_equal(kz_text_mentions(&m, text, strlen(text), "en"), KZ_OK);
  assert_int_equal(kz_quotes_count(kz_analysis_quotes(r)), 3);
  assert_string_equal(kz_quote_speaker(kz_analysis_quotes(r), 1), "Maria Ivanova");
  check_same(r, q, n, m);
  kz_analysis_free(r);
  kz_quotes_free(q);
  kz_numbers_free(n);
  kz_mentions_free(m);
}

static void test_flags(void **state) {
  static const char text[] = "\"We will win the fight,\" said Maria Ivanova. 2,500 troops came.";
  kz_analysis *r = NULL;
  (void)state;
  assert_int_equal(kz_text_analyze(&r, text, strlen(text), NULL, KZ_ANALYZE_NUMBERS), KZ_OK);
  assert_null(kz_analysis_quotes(r));
  assert_null(kz_analysis_mentions(r));
  assert_int_equal(kz_numbers_count(kz_analysis_numbers(r)), 1);
  assert_true(kz_number_value(kz_analysis_numbers(r), 0) == 2500);
  kz_analysis_free(r);
  assert_int_equal(kz_text_analyze(&r, text, strlen(text), NULL,
                                   KZ_ANALYZE_QUOTES | KZ_ANALYZE_MENTIONS), KZ_OK);
  assert_null(kz_analysis_numbers(r));
  assert_int_equal(kz_quotes_count(kz_analysis_quotes(r)), 1);
  assert_true(kz_mentions_count(kz_analysis_mentions(r)) >= 1);
  kz_analysis_free(r);
}

static void test_errors(void **state) {
  static int dummy;
  kz_analysis *r = (kz_analysis *)&dummy; /* failures must reset it */
  (void)state;
  assert_int_equal(kz_text_analyze(NULL, "x", 1, NULL, 0), KZ_EINVAL);
  assert_int_equal(kz_text_analyze(&r, NULL, 4, NULL, 0), KZ_EINVAL);
  assert_null(r);
  assert_int_equal(kz_text_analyze(&r, "x", 1, NULL, 0x100), KZ_EINVAL);
  assert_non_null(strstr(kz_last_errmsg(), "flags"));
  assert_null(r);
  assert_int_equal(kz_article_analyze(&r, NULL, 0), KZ_EINVAL);
  assert_int_equal(kz_text_analyze(&r, "", 0, NULL, 0), KZ_OK);
  assert_int_equal(kz_quotes_count(kz_analysis_quotes(r)), 0);
  assert_int_equal(kz_numbers_count(kz_analysis_numbers(r)), 0);
  assert_int_equal(kz_mentions_count(kz_analysis_mentions(r)), 0);
  kz_analysis_free(r);
  kz_analysis_free(NULL);
  assert_null(kz_analysis_quotes(NULL));
  assert_null(kz_analysis_numbers(NULL));
  assert_null(kz_analysis_mentions(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_seeds_same),
    cmocka_unit_test(test_text_same),
    cmocka_unit_test(test_flags),
    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
