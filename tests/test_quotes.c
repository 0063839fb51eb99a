/*
 * test_quotes.c - quotations, speakers and interview sections.
 *
 * The seed annotations (tests/data/expected/NAME.json, field "quotes": speaker
 * and text_starts; "speakers_by_section": speaker, role, heading_line) are
 * checked against kz_article_quotes() on examples/corpus/; then small
 * synthetic texts exercise each rule through kz_text_quotes(), and hostile
 * inputs must not crash.
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

#include "test_json.h"

static const char *const seeds[] = {
  "000_263d34c5b9433d99", "001_ab822a0e62d101c9", "002_b03ce63f8eeabc7f",
  "003_fc91008267daa0a1", "004_bbc49ac9c8e5d2ae", NULL
};

/* Compare ignoring runs of white space and the apostrophe/quote style. */
static int starts_like(const char *text, const char *prefix) {
  while (*prefix) {
    if (*text == 0) return 0;
    if (*prefix == ' ' || *prefix == '\n') {
      while (*prefix == ' ' || *prefix == '\n') prefix++;
      if (*text != ' ' && *text != '\n') return 0;
      while (*text == ' ' || *text == '\n') text++;
      continue;
    }
    if (*prefix != *text) return 0;
    prefix++;
    text++;
  }
  return 1;
}

static void check_seed(const char *name) {
  char path[1024];
  jval doc;
  const jval *quotes, *secs;
  kz_article *a = NULL;
  kz_quotes *q = NULL;
  size_t i, j;
  snprintf(path, sizeof path, "%s/expected/%s.json", KZ_TEST_DATA, name);
  assert_int_equal(jload(path, &doc), 0);
  snprintf(path, sizeof path, "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, name);
  assert_int_equal(kz_article_parse_file(&a, path, NULL), KZ_OK);
  assert_int_equal(kz_article_quotes(&q, a), KZ_OK);
  quotes = jget(&doc, "quotes");
  for (i = 0; quotes && quotes->t == J_ARR && i < quotes->n; i++) {
    const char *speaker = jget(&quotes->items[i], "speaker")->str;
    const char *starts = jget(&quotes->items[i], "text_starts")->str;
    int found = 0;
    for (j = 0; j < kz_quotes_count(q); j++) {
      if (!starts_like(kz_quote_text(q, j), starts)) continue;
      found = 1;
      if (kz_quote_speaker(q, j) == NULL || strcmp(kz_quote_speaker(q, j), speaker) != 0) {
        print_error("%s: quote \"%s\" attributed to %s, expected %s\n", name, starts,
                    kz_quote_speaker(q, j) ? kz_quote_speaker(q, j) : "(none)", speaker);
        fail();
      }
      assert_int_equal(kz_quote_kind(q, j), KZ_QUOTE_DIRECT);
      break;
    }
    if (!found) {
      print_error("%s: quote \"%s\" (%s) not found\n", name, starts, speaker);
      fail();
    }
  }
  secs = jget(&doc, "speakers_by_section");
  if (secs && secs->t == J_ARR) {
    size_t rawlen = 0;
    char *raw = jslurp(path, &rawlen);
    assert_non_null(raw);
    assert_int_equal(kz_quotes_section_count(q), secs->n);
    for (i = 0; i < secs->n; i++) {
      const jval *s = &secs->items[i];
      size_t hs = kz_quotes_section_heading_start(q, i), line = 1, k;
      assert_string_equal(kz_quotes_section_speaker(q, i), jget(s, "speaker")->str);
      assert_string_equal(kz_quotes_section_role(q, i), jget(s, "role")->str);
      assert_true(hs < rawlen);
      for (k = 0; k < hs; k++)
        if (raw[k] == '\n') line++;
      assert_int_equal((int)line, (int)jget(s, "heading_line")->num);
    }
    free(raw);
  }
  kz_quotes_free(q);
  kz_article_free(a);
  jfree(&doc);
}

static void test_seeds(void **state) {
  int i;
  (void)state;
  for (i = 0; seeds[i]; i++) check_seed(seeds[i]);
}

/* ------------------------------------------------------------------ */

static kz_quotes *quotes_of(const char *text) {
  kz_quotes *q = NULL;
  assert_int_equal(kz_text_quotes(&q, text, strlen(text), "en"), KZ_OK);
  return q;
}

static void test_patterns(void **state) {
  kz_quotes *q;
  (void)state;
  /* said NAME, role. */
  q = quotes_of("\"We will win,\" said Maria Ivanova, head of the Union of Farmers. "
                "\"Nobody doubts it.\"");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_string_equal(kz_quote_text(q, 0), "We will win,");
  assert_string_equal(kz_quote_speaker(q, 0), "Maria Ivanova");
  assert_string_equal(kz_quote_role(q, 0), "head of the Union of Farmers");
  assert_string_equal(kz_quote_verb(q, 0), "said");
  assert_string_equal(kz_quote_speaker(q, 1), "Maria Ivanova"); /* broken quote */
  assert_int_equal(kz_quote_kind(q, 1), KZ_QUOTE_DIRECT);
  kz_quotes_free(q);
  /* NAME, role, told X; then a pronoun */
  q = quotes_of("\xe2\x80\x9cPrices went up,\xe2\x80\x9d Peter Olsen, an economist at the bank, "
                "told reporters.\n\nLater \xe2\x80\x9cthey will fall again,\xe2\x80\x9d he added.");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_string_equal(kz_quote_speaker(q, 0), "Peter Olsen");
  assert_string_equal(kz_quote_role(q, 0), "an economist at the bank");
  assert_string_equal(kz_quote_verb(q, 0), "told");
  assert_string_equal(kz_quote_speaker(q, 1), "Peter Olsen");
  kz_quotes_free(q);
  /* NAME argued: "..."; surname resolves to the full name */
  q = quotes_of("Anna Berg spoke first.\n\nBerg argued: \xe2\x80\x9cThe law is clear and we "
                "will defend it.\xe2\x80\x9d");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_speaker(q, 0), "Anna Berg");
  assert_int_equal(kz_quote_kind(q, 0), KZ_QUOTE_DIRECT);
  kz_quotes_free(q);
  /* according to */
  q = quotes_of("According to John Smith, \"the army is ready for anything now.\"");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_speaker(q, 0), "John Smith");
  assert_string_equal(kz_quote_verb(q, 0), "According to");
  kz_quotes_free(q);
  /* role words before the name */
  q = quotes_of("\"It is over,\" says political analyst Olga Petrova.");
  assert_string_equal(kz_quote_speaker(q, 0), "Olga Petrova");
  assert_string_equal(kz_quote_role(q, 0), "political analyst");
  kz_quotes_free(q);
}

static void test_structure(void **state) {
  kz_quotes *q;
  (void)state;
  /* scare quotes */
  q = quotes_of("The so-called \xe2\x80\x9cpeacekeepers\xe2\x80\x9d arrived, and the \xe2\x80\x9c"
                "color revolution\xe2\x80\x9d talk began.");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_int_equal(kz_quote_kind(q, 0), KZ_QUOTE_SCARE);
  assert_int_equal(kz_quote_kind(q, 1), KZ_QUOTE_SCARE);
  assert_null(kz_quote_speaker(q, 0));
  kz_quotes_free(q);
  /* a quote over two paragraphs */
  q = quotes_of("Ivan Popov said: \xe2\x80\x9cThe first part is long.\n\n"
                "\xe2\x80\x9c" "And the second part ends here.\xe2\x80\x9d\n\nNext paragraph.");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_text(q, 0), "The first part is long.\n\nAnd the second part ends here.");
  assert_string_equal(kz_quote_speaker(q, 0), "Ivan Popov");
  kz_quotes_free(q);
  /* nested quotes and apostrophes */
  q = quotes_of("\xe2\x80\x9cThey called it \xe2\x80\x98" "a mistake\xe2\x80\x99 and didn\xe2\x80\x99t "
                "apologize for the Kazakhs\xe2\x80\x99 " "losses,\xe2\x80\x9d said Lena Kim.");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_speaker(q, 0), "Lena Kim");
  assert_true(strstr(kz_quote_text(q, 0), "losses,") != NULL);
  kz_quotes_free(q);
  /* German marks, partial quote */
  q = quotes_of("Der Minister Hans Weber sagte, die Lage sei \xe2\x80\x9e" "unter Kontrolle und "
                "stabil\xe2\x80\x9c.");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_text(q, 0), "unter Kontrolle und stabil");
  assert_int_equal(kz_quote_kind(q, 0), KZ_QUOTE_PARTIAL);
  kz_quotes_free(q);
  /* an unclosed quote ends with its paragraph */
  q = quotes_of("\xe2\x80\x9cThis never closes and goes on\n\nPlain text here.");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_text(q, 0), "This never closes and goes on");
  kz_quotes_free(q);
}

/* A quote without an attribution of its own takes its speaker only from
 * its close context; otherwise the speaker stays unknown. */
static void test_context(void **state) {
  kz_quotes *q;
  (void)state;
  /* the next paragraph continues the speaker of the one before */
  q = quotes_of("\"We will win this fight,\" said Maria Ivanova.\n\n"
                "\"Nobody doubts it here at all.\"");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_string_equal(kz_quote_speaker(q, 1), "Maria Ivanova");
  assert_null(kz_quote_verb(q, 1));
  kz_quotes_free(q);
  /* ... but not when the writer's own sentence comes between */
  q = quotes_of("\"We will win this fight,\" said Maria Ivanova. The weather was fine.\n\n"
                "\"Nobody doubts it here at all.\"");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_null(kz_quote_speaker(q, 1));
  kz_quotes_free(q);
  /* nor from a paragraph further away */
  q = quotes_of("\"We will win this fight,\" said Maria Ivanova.\n\n"
                "The government met on Monday.\n\n"
                "\"Nobody doubts it here at all.\"");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_null(kz_quote_speaker(q, 1));
  kz_quotes_free(q);
  /* a quote inside a paragraph does not reach into the previous one */
  q = quotes_of("\"We will win this fight,\" said Maria Ivanova.\n\n"
                "The talks went on. \"Nobody doubts it here at all.\"");
  assert_null(kz_quote_speaker(q, 1));
  kz_quotes_free(q);
  /* a speech verb earlier in the same paragraph, with a pronoun */
  q = quotes_of("Maria Ivanova arrived late. She said the talks had failed. "
                "\"Nobody wanted a deal at all.\"");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_speaker(q, 0), "Maria Ivanova");
  kz_quotes_free(q);
  /* the nearest speaker wins over an earlier quote's */
  q = quotes_of("\"We will win this fight,\" said Maria Ivanova. Peter Olsen disagreed "
                "and said so. \"Nobody believes that any more.\"");
  assert_int_equal(kz_quotes_count(q), 2);
  assert_string_equal(kz_quote_speaker(q, 1), "Peter Olsen");
  kz_quotes_free(q);
  /* the sentence right after */
  q = quotes_of("\"The plan will fail for sure.\" On Monday, Peter Olsen told reporters "
                "the same.");
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_speaker(q, 0), "Peter Olsen");
  kz_quotes_free(q);
  /* an attribution with no subject to be found: unknown, not a guess */
  q = quotes_of("\"We will win this fight,\" said Maria Ivanova.\n\n"
                "The ministry offered its support to the \"trusted friend.\" \"We believe "
                "in the people and their strength,\" tweeted this.");
  assert_int_equal(kz_quotes_count(q), 3);
  assert_int_equal(kz_quote_kind(q, 1), KZ_QUOTE_SCARE);
  assert_null(kz_quote_speaker(q, 2));
  kz_quotes_free(q);
}

static void test_json_and_errors(void **state) {
  kz_quotes *q = NULL;
  kz_buf b = KZ_BUF_INIT;
  (void)state;
  assert_int_equal(kz_text_quotes(NULL, "x", 1, NULL), KZ_EINVAL);
  assert_int_equal(kz_text_quotes(&q, NULL, 5, NULL), KZ_EINVAL);
  assert_int_equal(kz_article_quotes(&q, NULL), KZ_EINVAL);
  assert_int_equal(kz_text_quotes(&q, "", 0, NULL), KZ_OK);
  assert_int_equal(kz_quotes_count(q), 0);
  assert_null(kz_quote_text(q, 3));
  assert_int_equal(kz_quote_kind(q, 3), -1);
  kz_quotes_free(q);
  kz_quotes_free(NULL);
  q = quotes_of("\"A \\ b\nc,\" said Tom Hill.");
  assert_int_equal(kz_quotes_to_json(q, "d\"1", &b), KZ_OK);
  assert_non_null(strstr(b.ptr, "\"doc\":\"d\\\"1\""));
  assert_non_null(strstr(b.ptr, "\"speaker\":\"Tom Hill\""));
  assert_non_null(strstr(b.ptr, "\"kind\":\"direct\""));
  kz_buf_dispose(&b);
  kz_quotes_free(q);
}

static void test_hostile(void **state) {
  static const char *const cases[] = {
    "\"\"\"\"\"\"\"\"", "\xe2\x80\x9c\xe2\x80\x9c\xe2\x80\x9c\xe2\x80\x9d\xe2\x80\x9d",
    "\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98"
    "\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98"
    "\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98\xe2\x80\x98x",
    "said said said he he \" , \" said", "\xff\xfe\x80\"abc\xc3", "\"\n\n\"\n\n\"\n\n\"",
    "(\"\xe2\x80\x9d) said X Y, , , \"", NULL
  };
  int i;
  size_t k;
  char *big;
  (void)state;
  for (i = 0; cases[i]; i++) {
    kz_quotes *q = NULL;
    assert_int_equal(kz_text_quotes(&q, cases[i], strlen(cases[i]), "en"), KZ_OK);
    kz_quotes_free(q);
  }
  /* long run of marks and words */
  big = malloc(200001);
  assert_non_null(big);
  for (k = 0; k < 200000; k++) big[k] = "\"ab, said Cd Ef.\n"[k % 17];
  big[200000] = 0;
  {
    kz_quotes *q = NULL;
    assert_int_equal(kz_text_quotes(&q, big, 200000, NULL), KZ_OK);
    kz_quotes_free(q);
  }
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_seeds),
    cmocka_unit_test(test_patterns),
    cmocka_unit_test(test_structure),
    cmocka_unit_test(test_context),
    cmocka_unit_test(test_json_and_errors),
    cmocka_unit_test(test_hostile),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
