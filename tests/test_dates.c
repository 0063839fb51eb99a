/*
 * test_dates.c - the corpus's day numbers (corpus.c): kzi_format_date()
 * writes YYYY-MM-DD digit by digit; for every day of years 1 to 9999 it
 * must give what printf gives for the civil date, and kzi_parse_date() of
 * that text must give the day back.  kzi_meta_date() (date.c) takes the
 * forms datasets write a date in.
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

/* A date as a dataset gives it: every accepted form of 2022-01-05, and
 * forms that must give no date rather than a wrong one. */
static void test_meta_dates(void **state) {
  static const char *const same[] = {
      "2022-01-05", "2022-01-05T23:30:00+06:00", "2022-01-05 10:00:00", " 2022-01-05 ",
      "20220105", "1641376800", "1641376800.25", "1641376800000", "2022/01/05", "2022/1/5",
      "2022.01.05 10:00", "Wed, 05 Jan 2022 10:00:00 GMT", "January 5, 2022", "Jan. 5, 2022",
      "5 January 2022", "Wednesday, January 5, 2022 4:00 PM", "05.01.2022", "5 января 2022 г.",
      "5. Januar 2022", "5 de enero de 2022"};
  static const char *const none[] = {
      "", "   ", "05/01/2022", "2022", "20221305", "2022/13/05", "2022/02/30", "123",
      "-1641376800", "12345678901", "yesterday", "2022-01-05x", "0000/01/05", "99999999"};
  const int32_t want = kzi_days(2022, 1, 5);
  (void)state;
  for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
    if (kzi_meta_date(same[i], strlen(same[i])) != want) fail_msg("\"%s\" is not 2022-01-05", same[i]);
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
    if (kzi_meta_date(none[i], strlen(none[i])) != KZI_NO_DATE) fail_msg("\"%s\" gave a date", none[i]);
  assert_int_equal(kzi_meta_date(NULL, 0), KZI_NO_DATE);
  /* Unix time is UTC: 23:59:59 and the next second */
  assert_int_equal(kzi_meta_date("1641427199", 10), want);
  assert_int_equal(kzi_meta_date("1641427200", 10), want + 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_day),
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_meta_dates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
