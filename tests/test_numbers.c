/*
 * test_numbers.c - numeric claims.
 *
 * Every number of the seed annotations (value, qualifier, and the exact
 * phrase, located in the article body) must be found with that value and
 * qualifier and a span overlapping the phrase; synthetic texts check
 * separators, ranges, currencies, number words and what is skipped.
 */
#include <math.h>
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

#include "test_json.h"

static const char *const seeds[] = {
  "000_263d34c5b9433d99", "001_ab822a0e62d101c9", "002_b03ce63f8eeabc7f",
  "003_fc91008267daa0a1", "004_bbc49ac9c8e5d2ae", NULL
};

static void check_seed(const char *name) {
  char path[1024];
  jval doc;
  const jval *nums;
  kz_article *a = NULL;
  kz_numbers *n = NULL;
  const char *body;
  size_t i, j;
  snprintf(path, sizeof path, "%s/expected/%s.json", KZ_TEST_DATA, name);
  assert_int_equal(jload(path, &doc), 0);
  snprintf(path, sizeof path, "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, name);
  assert_int_equal(kz_article_parse_file(&a, path, NULL), KZ_OK);
  assert_int_equal(kz_article_numbers(&n, a), KZ_OK);
  body = kz_article_body(a);
  nums = jget(&doc, "numbers");
  for (i = 0; nums && nums->t == J_ARR && i < nums->n; i++) {
    const jval *e = &nums->items[i];
    double value = jget(e, "value")->num;
    const jval *qv = jget(e, "qualifier");
    const char *qual = qv && qv->t == J_STR ? qv->str : NULL;
    const char *exact = jget(e, "exact")->str;
    const char *at = strstr(body, exact);
    size_t es, ee;
    int found = 0;
    if (at == NULL) {
      print_error("%s: \"%s\" not in the body\n", name, exact);
      fail();
    }
    es = (size_t)(at - body);
    ee = es + strlen(exact);
    for (j = 0; j < kz_numbers_count(n); j++) {
      const char *q = kz_number_qualifier(n, j);
      if (fabs(kz_number_value(n, j) - value) > 1e-9 * (fabs(value) + 1)) continue;
      if (kz_number_start(n, j) >= ee || kz_number_end(n, j) <= es) continue;
      if ((q == NULL) != (qual == NULL) || (q && strcmp(q, qual) != 0)) {
        print_error("%s: %g in \"%s\": qualifier %s, expected %s\n", name, value, exact,
                    q ? q : "(none)", qual ? qual : "(none)");
        fail();
      }
      found = 1;
    }
    if (!found) {
      print_error("%s: %g in \"%s\" not found\n", name, value, exact);
      fail();
    }
  }
  kz_numbers_free(n);
  kz_article_free(a);
  jfree(&doc);
}

static void test_seeds(void **state) {
  int i;
  (void)state;
  for (i = 0; seeds[i]; i++) check_seed(seeds[i]);
}

static kz_numbers *nums(const char *text, const char *lang) {
  kz_numbers *n = NULL;
  assert_int_equal(kz_text_numbers(&n, text, strlen(text), lang), KZ_OK);
  return n;
}

static void test_digits(void **state) {
  kz_numbers *n;
  (void)state;
  n = nums("Damage could be $2-$3 billion, officials said.", "en");
  assert_int_equal(kz_numbers_count(n), 1);
  assert_true(kz_number_low(n, 0) == 2e9 && kz_number_high(n, 0) == 3e9);
  assert_true(kz_number_is_range(n, 0));
  assert_string_equal(kz_number_unit(n, 0), "USD");
  kz_numbers_free(n);
  n = nums("Prices rose from 60 Kazakh tenge ($ 0.14) to 120 Kazakh tenge.", "en");
  assert_int_equal(kz_numbers_count(n), 3);
  assert_true(kz_number_value(n, 0) == 60 && kz_number_value(n, 1) == 0.14 &&
              kz_number_value(n, 2) == 120);
  assert_string_equal(kz_number_unit(n, 0), "KZT");
  assert_string_equal(kz_number_unit(n, 1), "USD");
  assert_false(kz_number_is_range(n, 0));
  kz_numbers_free(n);
  n = nums("Turnout was 32.5% and some 1,200,000 people voted; 2.5 million stayed home.", "en");
  assert_int_equal(kz_numbers_count(n), 3);
  assert_true(kz_number_value(n, 0) == 32.5);
  assert_string_equal(kz_number_unit(n, 0), "%");
  assert_true(kz_number_value(n, 1) == 1200000);
  assert_string_equal(kz_number_qualifier(n, 1), "about");
  assert_string_equal(kz_number_counted(n, 1), "people voted");
  assert_true(kz_number_value(n, 2) == 2.5e6);
  kz_numbers_free(n);
  n = nums("Mehr als 3.000 Soldaten und 0,5 Prozent; 10\xc2\xa0" "000 Menschen.", "de");
  assert_int_equal(kz_numbers_count(n), 3);
  assert_true(kz_number_value(n, 0) == 3000);
  assert_string_equal(kz_number_qualifier(n, 0), "more than");
  assert_true(kz_number_value(n, 1) == 0.5);
  assert_true(kz_number_value(n, 2) == 10000);
  kz_numbers_free(n);
  /* not claims: years, dates, times, ordinals */
  n = nums("On January 11, 2022 at 10:29, the 10th session since 1989 began in 2019.", "en");
  assert_int_equal(kz_numbers_count(n), 0);
  kz_numbers_free(n);
  n = nums("In 2014 about 2000 troops were sent.", "en");
  assert_int_equal(kz_numbers_count(n), 1);
  assert_true(kz_number_value(n, 0) == 2000);
  kz_numbers_free(n);
}

static void test_words(void **state) {
  kz_numbers *n;
  (void)state;
  n = nums("At least twelve police officers have been killed and dozens hurt.", "en");
  assert_int_equal(kz_numbers_count(n), 2);
  assert_true(kz_number_value(n, 0) == 12);
  assert_string_equal(kz_number_qualifier(n, 0), "at least");
  assert_string_equal(kz_number_counted(n, 0), "police officers killed");
  assert_true(kz_number_is_range(n, 1));
  kz_numbers_free(n);
  n = nums("Nearly two hundred and forty people died; more than a dozen were hurt; "
           "twenty-five detained; tens of thousands marched.", "en");
  assert_int_equal(kz_numbers_count(n), 4);
  assert_true(kz_number_value(n, 0) == 240);
  assert_string_equal(kz_number_qualifier(n, 0), "almost");
  assert_string_equal(kz_number_counted(n, 0), "people died");
  assert_true(kz_number_value(n, 1) == 12);
  assert_string_equal(kz_number_qualifier(n, 1), "more than");
  assert_true(kz_number_value(n, 2) == 25);
  assert_true(kz_number_value(n, 3) == 20000);
  kz_numbers_free(n);
  n = nums("One of them said it once.", "en");
  assert_int_equal(kz_numbers_count(n), 0);
  kz_numbers_free(n);
  n = nums("Mindestens fünfundzwanzig Menschen starben.", "de");
  assert_int_equal(kz_numbers_count(n), 1);
  assert_true(kz_number_value(n, 0) == 25);
  assert_string_equal(kz_number_qualifier(n, 0), "at least");
  kz_numbers_free(n);
}

static void test_json_and_errors(void **state) {
  kz_numbers *n = NULL;
  kz_buf b = KZ_BUF_INIT;
  (void)state;
  assert_int_equal(kz_text_numbers(NULL, "1", 1, NULL), KZ_EINVAL);
  assert_int_equal(kz_article_numbers(&n, NULL), KZ_EINVAL);
  n = nums("Almost 6,000 arrested.", "en");
  assert_int_equal(kz_numbers_to_json(n, "x", &b), KZ_OK);
  assert_non_null(strstr(b.ptr, "\"value\":6000"));
  assert_non_null(strstr(b.ptr, "\"qualifier\":\"almost\""));
  assert_non_null(strstr(b.ptr, "\"counted\":\"arrested\""));
  kz_buf_dispose(&b);
  assert_true(isnan(kz_number_value(n, 9)));
  kz_numbers_free(n);
  kz_numbers_free(NULL);
  {
    static const char *const hostile[] = {
      "1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0",
      "$$$$-$-$-1-2-3-4 billion million", "99999999999999999999999999999999999999999999",
      "twenty-twenty-twenty hundred hundred thousand million billion trillion",
      "a a a a dozen dozens of of tens of", "\xff 5 \xc3", NULL
    };
    int i;
    for (i = 0; hostile[i]; i++) {
      n = nums(hostile[i], "en");
      kz_numbers_free(n);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_seeds),
    cmocka_unit_test(test_digits),
    cmocka_unit_test(test_words),
    cmocka_unit_test(test_json_and_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
