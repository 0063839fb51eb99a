/*
 * demo_corpus.c - the corpus part of "kz demo": index the bundled articles
 * in a temporary directory, then show searches with highlighted snippets,
 * a concordance and counts by outlet.
 */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *f) {
  (void)st;
  (void)type;
  (void)f;
  return remove(path);
}

/* Print s[0..n) on one line with the highlighted ranges in [brackets]. */
static void print_highlighted(const char *s, size_t n, const kz_results *r) {
  size_t i, h = 0, nh = kz_results_highlight_count(r), hs = 0, he = 0;
  int open = 0;
  if (nh) kz_results_highlight(r, 0, &hs, &he);
  for (i = 0; i < n; i++) {
    if (h < nh && i == hs && !open) {
      putchar('[');
      open = 1;
    }
    putchar(s[i] == '\n' ? ' ' : s[i]);
    if (open && i + 1 == he) {
      putchar(']');
      open = 0;
      if (++h < nh) kz_results_highlight(r, h, &hs, &he);
    }
  }
}

static const char *field(const kz_results *r, int f) {
  size_t len;
  const char *s = kz_results_field(r, f, &len);
  return s && *s ? s : "-";
}

static int search(kz_corpus *c, const char *q) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  kz_results *r;
  int exact, rc;
  o.limit = 3;
  if ((rc = kz_corpus_search(&r, c, q, strlen(q), &o)) != KZ_OK) {
    cli_error("search %s: %s", q, kz_last_errmsg());
    return CLI_FAIL;
  }
  printf("\n  search %s: %llu documents\n", q,
         (unsigned long long)kz_results_total(r, &exact));
  while (kz_results_next(r) == KZ_OK) {
    size_t sl;
    const char *snip = kz_results_snippet(r, &sl);
    printf("    %5.2f  %s (%s, %s)\n           ", kz_results_score(r),
           field(r, KZ_FIELD_TITLE), field(r, KZ_FIELD_SOURCE), field(r, KZ_FIELD_DATE));
    if (snip) print_highlighted(snip, sl, r);
    putchar('\n');
  }
  kz_results_free(r);
  return CLI_OK;
}

/* Print the last `width` characters of s[0..n) right-aligned, UTF-8 safe. */
static void print_right(const char *s, size_t n, int width) {
  size_t i = n;
  int chars = 0;
  while (i > 0 && chars < width) {
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    chars++;
  }
  printf("%*s", width - chars, "");
  for (size_t k = i; k < n; k++) putchar(s[k] == '\n' ? ' ' : s[k]);
}

static void print_left(const char *s, size_t n, int width) {
  size_t i = 0;
  int chars = 0;
  while (i < n && chars < width) {
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    chars++;
  }
  for (size_t k = 0; k < i; k++) putchar(s[k] == '\n' ? ' ' : s[k]);
}

static int kwic(kz_corpus *c, const char *q) {
  kz_kwic_options o = KZ_KWIC_OPTIONS_INIT;
  kz_kwic *k;
  size_t i, n;
  o.width = 6;
  o.sort = KZ_KWIC_SORT_RIGHT;
  if (kz_corpus_kwic(&k, c, q, strlen(q), &o) != KZ_OK) {
    cli_error("kwic %s: %s", q, kz_last_errmsg());
    return CLI_FAIL;
  }
  n = kz_kwic_count(k);
  printf("\n  concordance of %s (%zu lines, sorted by right context)\n", q, n);
  for (i = 0; i < n && i < 12; i++) {
    kz_kwic_row row;
    if (kz_kwic_row_get(k, i, &row) != KZ_OK) break;
    size_t b = row.key_len;
    while (b > 0 && row.key[b - 1] != '/') b--; /* the file name */
    printf("    %-8.*s ", (int)(row.key_len - b < 8 ? row.key_len - b : 8), row.key + b);
    print_right(row.left, row.left_len, 34);
    printf(" [%.*s] ", (int)row.match_len, row.match);
    print_left(row.right, row.right_len, 34);
    putchar('\n');
  }
  kz_kwic_free(k);
  return CLI_OK;
}

static int counts(kz_corpus *c, const char *q) {
  kz_counts *k;
  size_t i, n;
  if (kz_corpus_count(&k, c, q, strlen(q), KZ_COUNT_SOURCE) != KZ_OK) {
    cli_error("count %s: %s", q, kz_last_errmsg());
    return CLI_FAIL;
  }
  n = kz_counts_size(k);
  printf("\n  %s by outlet (matches, per million words)\n", q);
  for (i = 0; i < n; i++) {
    kz_count_row row;
    if (kz_counts_row(k, i, &row) != KZ_OK) break;
    printf("    %-22.*s %4llu  %8.0f\n", (int)row.group_len, row.group_len ? row.group : "?",
           (unsigned long long)row.matches, row.per_million);
  }
  kz_counts_free(k);
  return CLI_OK;
}

int cli_demo_corpus(const char *dir, char **names, size_t n) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c = NULL;
  char tmpl[] = "/tmp/kz-demo-XXXXXX";
  char path[4096];
  int status = CLI_OK;
  size_t i;
  if (mkdtemp(tmpl) == NULL) {
    cli_error("cannot create a temporary directory: %s", strerror(errno));
    return CLI_FAIL;
  }
  snprintf(path, sizeof path, "%s/corpus", tmpl);
  o.flags = KZ_CORPUS_CREATE;
  o.analyzer_flags = KZ_TOK_POSSESSIVE; /* no stemming: keywords stay readable */
  o.language = "en";
  if (kz_corpus_open(&c, path, &o) != KZ_OK) {
    cli_error("%s: %s", path, kz_last_errmsg());
    status = CLI_FAIL;
    goto done;
  }
  for (i = 0; i < n; i++) {
    char file[4096];
    snprintf(file, sizeof file, "%s/%s", dir, names[i]);
    if (kz_corpus_add_file(c, file) != KZ_OK) {
      cli_error("%s: %s", file, kz_corpus_errmsg(c));
      status = CLI_FAIL;
    }
  }
  if (kz_corpus_commit(c) != KZ_OK) {
    cli_error("commit: %s", kz_corpus_errmsg(c));
    status = CLI_FAIL;
    goto done;
  }
  printf("\n== The corpus: %llu articles indexed in %s\n",
         (unsigned long long)kz_corpus_count_docs(c), path);
  if (search(c, "Tokayev OR Toqayev") || search(c, "\"color revolution\" OR Maidan") ||
      search(c, "terroris* NEAR/8 protest*") || kwic(c, "peacekeep*") ||
      counts(c, "terroris*") || counts(c, "peacekeep*"))
    status = CLI_FAIL;
  if (cli_demo_analysis(c, dir, names, n) != CLI_OK) status = CLI_FAIL;
done:
  kz_corpus_close(c);
  nftw(tmpl, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return status;
}
