/*
 * demo_analysis.c - the closing part of "kz demo": the five outlets side by
 * side.  Who each quotes, the numbers each gives, and the words that set
 * each apart from the others (keyness, G2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_SPEAKERS 6
#define MAX_NUMBERS 6
#define MAX_KEYWORDS 8

/* Speakers of the direct quotes, most quoted first, on one line. */
static void print_speakers(const kz_quotes *q) {
  const char *name[64];
  size_t count[64], n = 0, i, k, total = 0;
  for (i = 0; i < kz_quotes_count(q); i++) {
    const char *s = kz_quote_speaker(q, i);
    if (kz_quote_kind(q, i) == KZ_QUOTE_SCARE) continue;
    total++;
    if (s == NULL || !*s) continue;
    for (k = 0; k < n && strcmp(name[k], s) != 0; k++) {}
    if (k == n && n < 64) name[n] = s, count[n++] = 0;
    if (k < n) count[k]++;
  }
  printf("    quotes    %zu; speakers:", total);
  for (size_t shown = 0; shown < MAX_SPEAKERS && shown < n; shown++) {
    size_t best = 0;
    for (k = 1; k < n; k++)
      if (count[k] > count[best]) best = k;
    printf("%s %s (%zu)", shown ? "," : "", name[best], count[best]);
    count[best] = 0;
  }
  for (i = 0; i < kz_quotes_section_count(q); i++)
    printf("%s %s (interview section)", n || i ? "," : "", kz_quotes_section_speaker(q, i));
  putchar('\n');
}

/* Numbers that count something, with their qualifier. */
static void print_numbers(const kz_numbers *nb) {
  size_t i, shown = 0;
  for (i = 0; i < kz_numbers_count(nb) && shown < MAX_NUMBERS; i++) {
    const char *counted = kz_number_counted(nb, i), *q = kz_number_qualifier(nb, i);
    size_t k;
    if (counted == NULL || !*counted) continue;
    for (k = 0; k < i; k++) /* the same claim again (a teaser, a caption) */
      if (kz_number_value(nb, k) == kz_number_value(nb, i) && kz_number_counted(nb, k) &&
          strcmp(kz_number_counted(nb, k), counted) == 0)
        break;
    if (k < i) continue;
    printf("    %s %s%s%g %s\n", shown++ ? "         " : "numbers ", q && *q ? q : "",
           q && *q ? " " : "", kz_number_value(nb, i), counted);
  }
}

static void print_keywords(kz_corpus *c, const char *source) {
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_keyness *k;
  char q[512];
  size_t i, n, shown = 0;
  snprintf(q, sizeof q, "source:\"%s\"", source);
  o.flags = KZ_STATS_SKIP_STOPWORDS | KZ_STATS_SKIP_NUMBERS;
  o.min_freq = 3;
  if (kz_corpus_keyness(&k, c, q, strlen(q), NULL, 0, &o) != KZ_OK) return;
  n = kz_keyness_count(k);
  printf("    keywords ");
  for (i = 0; i < n && shown < MAX_KEYWORDS; i++) {
    kz_keyword_row r;
    if (kz_keyness_row_get(k, i, &r) != KZ_OK || r.g2 <= 0) break;
    printf("%s %.*s (G2 %.1f)", shown++ ? "," : "", (int)r.term_len, r.term, r.g2);
  }
  printf("%s\n", shown ? "" : " -");
  kz_keyness_free(k);
}

int cli_demo_analysis(kz_corpus *c, const char *dir, char **names, size_t n) {
  size_t i;
  int status = CLI_OK;
  printf("\n== The outlets side by side: who they quote, the numbers they give, "
         "their distinctive words\n");
  for (i = 0; i < n; i++) {
    char path[4096];
    kz_article *a = NULL;
    kz_analysis *r = NULL;
    const char *source;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (kz_article_parse_file(&a, path, NULL) != KZ_OK ||
        kz_article_analyze(&r, a, 0) != KZ_OK) {
      cli_error("%s: %s", path, kz_last_errmsg());
      kz_article_free(a);
      status = CLI_FAIL;
      continue;
    }
    source = kz_article_source(a);
    printf("\n  %s  (%s)\n", source ? source : "unknown outlet", names[i]);
    print_speakers(kz_analysis_quotes(r));
    print_numbers(kz_analysis_numbers(r));
    if (source) print_keywords(c, source);
    kz_analysis_free(r);
    kz_article_free(a);
  }
  return status;
}
