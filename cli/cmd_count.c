/*
 * cmd_count.c - "kz count": matches grouped by source, date or document.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kz/corpus.h"
#include "kz/query.h"

const char cli_usage_count[] =
  "usage: kz count DIR QUERY [--by source|date|week|month|year|doc]\n"
  "                [--per-million] [--no-verify]\n"
  "\n"
  "Count the documents matching QUERY and the matches in them (a phrase\n"
  "counts once), grouped by source (the default), by day (date), ISO week,\n"
  "month, year or document.  Prints GROUP<TAB>DOCS<TAB>MATCHES, with\n"
  "--per-million also <TAB>WORDS<TAB>PER_MILLION: the matches per million\n"
  "words of all documents of the group, so groups of different sizes\n"
  "compare.  A last line gives the totals.\n" CLI_OPEN_HELP;

int cli_cmd_count(int argc, char **argv) {
  cli_args a;
  const char *v;
  int r, rc, by = KZ_COUNT_SOURCE, pm = 0;
  unsigned oflags = 0;
  kz_corpus *c;
  kz_counts *k;
  uint64_t docs = 0, matches = 0, words = 0;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (strcmp(a.opt, "--by") == 0) {
      static const struct { const char *n; int by; } m[] = {
          {"source", KZ_COUNT_SOURCE}, {"date", KZ_COUNT_DAY}, {"day", KZ_COUNT_DAY},
          {"week", KZ_COUNT_WEEK}, {"month", KZ_COUNT_MONTH}, {"year", KZ_COUNT_YEAR},
          {"doc", KZ_COUNT_DOC}, {"all", KZ_COUNT_ALL}};
      size_t i;
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      for (i = 0; i < sizeof m / sizeof m[0] && strcmp(m[i].n, v) != 0; i++) {}
      if (i == sizeof m / sizeof m[0])
        return cli_usage_error("bad --by '%s' (source, date, week, month, year or doc)", v);
      by = m[i].by;
    } else if ((r = cli_args_flag(&a, "--per-million")) != 0) {
      if (r < 0) return CLI_USAGE;
      pm = 1;
    } else if ((r = cli_args_open(&a, &oflags)) != 0) {
      if (r < 0) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 2) return cli_usage_error("expected DIR and QUERY");
  if (cli_corpus_open_ro(&c, a.ops[0], oflags)) return CLI_FAIL;
  rc = kz_corpus_count(&k, c, a.ops[1], strlen(a.ops[1]), by);
  if (rc) return cli_query_failed(c, rc);
  for (size_t i = 0; i < kz_counts_size(k); i++) {
    kz_count_row row;
    kz_counts_row(k, i, &row);
    if (row.group_len) cli_write_escaped(stdout, row.group, row.group_len);
    else fputs("(none)", stdout);
    printf("\t%llu\t%llu", (unsigned long long)row.docs, (unsigned long long)row.matches);
    if (pm) printf("\t%llu\t%.2f", (unsigned long long)row.group_words, row.per_million);
    putc('\n', stdout);
    docs += row.docs;
    matches += row.matches;
    words += row.group_words;
  }
  printf("total\t%llu\t%llu", (unsigned long long)docs, (unsigned long long)matches);
  if (pm) printf("\t%llu\t%.2f", (unsigned long long)words, words ? (double)matches * 1e6 / (double)words : 0.0);
  putc('\n', stdout);
  kz_counts_free(k);
  kz_corpus_close(c);
  return CLI_OK;
}
