/*
 * cmd_search.c - "kz search": ranked search with snippets, or every
 * matching key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kz/corpus.h"
#include "kz/query.h"

const char cli_usage_search[] =
  "usage: kz search DIR QUERY [--limit N] [--sort score|date|date-asc] [--json]\n"
  "                [--no-verify]\n"
  "       kz search DIR QUERY --keys [--no-verify]\n"
  "\n"
  "Search the corpus in DIR (query language: docs/query.md).  Prints the\n"
  "best hits with key, score, date, source, title and a snippet (matches\n"
  "in bold on a terminal).  --json prints one JSON object with the total\n"
  "and the hits (highlights as [start, end) byte ranges of the snippet,\n"
  "body_highlights of the whole body that 'kz show' prints).\n"
  "--keys prints every matching document key, one a line, unranked.\n"
  "A query starting with '-' must follow '--'.\n" CLI_OPEN_HELP;

static void json_str(FILE *f, const char *s, size_t n) {
  putc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
    else if (ch == '\n') fputs("\\n", f);
    else if (ch == '\t') fputs("\\t", f);
    else if (ch == '\r') fputs("\\r", f);
    else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
    else putc(ch, f);
  }
  putc('"', f);
}

static int print_key(const char *k, size_t n, void *p) {
  (void)p;
  cli_write_escaped(stdout, k, n);
  putc('\n', stdout);
  return 0;
}

int cli_cmd_search(int argc, char **argv) {
  cli_args a;
  kz_search_options so = KZ_SEARCH_OPTIONS_INIT;
  int json = 0, keys = 0, r, rc, tty = isatty(STDOUT_FILENO);
  unsigned oflags = 0;
  const char *v;
  kz_corpus *c;
  kz_results *res;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (strcmp(a.opt, "--limit") == 0 || strcmp(a.opt, "-n") == 0) {
      char *end;
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      so.limit = strtoul(v, &end, 10);
      if (*end || so.limit == 0 || so.limit > 1000000) return cli_usage_error("bad --limit '%s'", v);
    } else if (strcmp(a.opt, "--sort") == 0) {
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if (strcmp(v, "score") == 0) so.sort = KZ_SORT_SCORE;
      else if (strcmp(v, "date") == 0) so.sort = KZ_SORT_DATE_DESC;
      else if (strcmp(v, "date-asc") == 0) so.sort = KZ_SORT_DATE_ASC;
      else return cli_usage_error("bad --sort '%s' (score, date or date-asc)", v);
    } else if ((r = cli_args_flag(&a, "--json")) != 0) {
      if (r < 0) return CLI_USAGE;
      json = 1;
    } else if ((r = cli_args_flag(&a, "--keys")) != 0) {
      if (r < 0) return CLI_USAGE;
      keys = 1;
    } else if ((r = cli_args_open(&a, &oflags)) != 0) {
      if (r < 0) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 2) return cli_usage_error("expected DIR and QUERY");
  if (cli_corpus_open_ro(&c, a.ops[0], oflags)) return CLI_FAIL;
  if (keys) {
    rc = kz_corpus_keys(c, a.ops[1], strlen(a.ops[1]), print_key, NULL);
    if (rc) cli_error("%s", kz_last_errmsg());
    kz_corpus_close(c);
    return rc ? CLI_FAIL : CLI_OK;
  }
  rc = kz_corpus_search(&res, c, a.ops[1], strlen(a.ops[1]), &so);
  if (rc) return cli_query_failed(c, rc);
  if (json) {
    int first = 1;
    printf("{\"total\": %llu, \"hits\": [", (unsigned long long)kz_results_total(res, NULL));
    while (kz_results_next(res) == KZ_OK) {
      size_t n, s, e;
      static const struct { const char *name; int f; } fl[] = {
          {"key", KZ_FIELD_KEY}, {"title", KZ_FIELD_TITLE}, {"source", KZ_FIELD_SOURCE},
          {"date", KZ_FIELD_DATE}, {"author", KZ_FIELD_AUTHOR}, {"url", KZ_FIELD_URL}};
      printf("%s\n  {", first ? "" : ",");
      first = 0;
      for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        const char *t = kz_results_field(res, fl[i].f, &n);
        printf("\"%s\": ", fl[i].name);
        json_str(stdout, t, n);
        fputs(", ", stdout);
      }
      printf("\"score\": %.6f, \"snippet\": ", kz_results_score(res));
      v = kz_results_snippet(res, &n);
      json_str(stdout, v, n);
      fputs(", \"highlights\": [", stdout);
      for (size_t i = 0; kz_results_highlight(res, i, &s, &e) == KZ_OK; i++)
        printf("%s[%zu, %zu]", i ? ", " : "", s, e);
      fputs("], \"body_highlights\": [", stdout);
      for (size_t i = 0; kz_results_body_highlight(res, i, &s, &e) == KZ_OK; i++)
        printf("%s[%zu, %zu]", i ? ", " : "", s, e);
      fputs("]}", stdout);
    }
    printf("\n]}\n");
  } else {
    size_t rank = 0;
    printf("%llu matching document(s)\n", (unsigned long long)kz_results_total(res, NULL));
    while (kz_results_next(res) == KZ_OK) {
      size_t n, s, e, at = 0;
      const char *snip = kz_results_snippet(res, &n);
      printf("\n%zu. ", ++rank);
      cli_write_escaped(stdout, kz_results_field(res, KZ_FIELD_KEY, NULL),
                        strlen(kz_results_field(res, KZ_FIELD_KEY, NULL)));
      printf("  score %.3f  %s  %s\n   %s\n   ", kz_results_score(res),
             kz_results_field(res, KZ_FIELD_DATE, NULL), kz_results_field(res, KZ_FIELD_SOURCE, NULL),
             kz_results_field(res, KZ_FIELD_TITLE, NULL));
      for (size_t i = 0; kz_results_highlight(res, i, &s, &e) == KZ_OK; i++) {
        for (; at < s; at++) putc(snip[at] == '\n' ? ' ' : snip[at], stdout);
        fputs(tty ? "\033[1m" : "[", stdout);
        for (; at < e; at++) putc(snip[at] == '\n' ? ' ' : snip[at], stdout);
        fputs(tty ? "\033[0m" : "]", stdout);
      }
      for (; at < n; at++) putc(snip[at] == '\n' ? ' ' : snip[at], stdout);
      putc('\n', stdout);
    }
  }
  kz_results_free(res);
  kz_corpus_close(c);
  return CLI_OK;
}
