/*
 * test_dates.c - the corpus's day numbers (corpus.c): kzi_format_date()
 * writes YYYY-MM-DD digit by digit; for every day of years 1 to 9999 it
 * must give what printf gives for the civil date, and kzi_parse_date() of
 * that text must give the day back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "corpus_int.h"

static void test_every_day(void **state) {
  int32_t first = kzi_days(1, 1, 1), last = kzi_days(9999, 12, 31);
  (void)state;
  assert_true(first < last);
  for (int32_t d = first; d <= last; d++) {
    char got[11], want[40];
    int y, m, dd;
    kzi_civil(d, &y, &m, &dd);
    snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
    kzi_format_date(d, got);
    if (strcmp(got, want) != 0) fail_msg("day %ld: \"%s\", want \"%s\"", (long)d, got, want);
    if (kzi_parse_date(got, strlen(got)) != d) fail_msg("day %ld: \"%s\" parses back to another day", (long)d, got);
  }
}

static void test_edges(void **state) {
  char s[11] = "xxxxxxxxxx";
  (void)state;
  kzi_format_date(KZI_NO_DATE, s);
  assert_string_equal(s, "");
  kzi_format_date(kzi_days(2022, 1, 5), s);
  assert_string_equal(s, "2022-01-05");
  kzi_format_date(kzi_days(2000, 2, 29), s);
  assert_string_equal(s, "2000-02-29");
  assert_int_equal(kzi_parse_date("2022-01-05T10:00:00", 19), kzi_days(2022, 1, 5));
  assert_int_equal(kzi_parse_date("1900-02-29", 10), KZI_NO_DATE);
  assert_int_equal(kzi_parse_date("2022-1-05", 9), KZI_NO_DATE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_day),
      cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
