/*
 * cmd_ngrams.c - "kz ngrams": n-gram frequencies of a corpus or a part.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stats_cli.h"
#include "kz/stats.h"

const char cli_usage_ngrams[] =
  "usage: kz ngrams DIR [-n N] [--filter Q] [--min-freq N] [--limit N]\n"
  "                 [--stopwords | --stop-edges] [--punct] [--json]\n"
  "                 [--no-verify]\n"
  "\n"
  "The N-grams (N = 1 to 5, default 2) of the documents matching --filter,\n"
  "most frequent first: FREQ<TAB>DOCS<TAB>NGRAM, or with --json one object\n"
  "a line (ngram, freq, docs).  N-grams stay inside a field and do not span\n"
  "punctuation unless --punct.  --stopwords drops n-grams holding a\n"
  "stopword, --stop-edges those that begin or end with one.\n"
  "DIR is a corpus or raw articles (see kz help colloc).\n" CLI_OPEN_HELP;

int cli_cmd_ngrams(int argc, char **argv) {
  cli_args a;
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  cli_stats_corpus sc;
  kz_ngrams *g;
  const char *v;
  unsigned long n;
  int json = 0, r2, rc;
  unsigned oflags = 0;

  o.n = 2;
  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (!strcmp(a.opt, "-n") || !strcmp(a.opt, "--n")) {
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if (cli_parse_count("-n", v, 1, 5, &n)) return CLI_USAGE;
      o.n = (unsigned)n;
    } else if ((r2 = cli_stats_option(&a, &o, &json, 1)) != 0) {
      if (r2 < 0) return CLI_USAGE;
    } else if ((r2 = cli_args_flag(&a, "--stop-edges")) != 0) {
      if (r2 < 0) return CLI_USAGE;
      o.flags |= KZ_STATS_STOP_EDGES;
    } else if ((r2 = cli_args_flag(&a, "--punct")) != 0) {
      if (r2 < 0) return CLI_USAGE;
      o.flags |= KZ_STATS_ACROSS_PUNCT;
    } else if ((r2 = cli_args_open(&a, &oflags)) != 0) {
      if (r2 < 0) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 1) return cli_usage_error("expected DIR");
  if (cli_stats_open(&sc, a.ops[0], oflags)) return CLI_FAIL;
  rc = kz_corpus_ngrams(&g, sc.c, &o);
  if (rc) return cli_stats_failed(&sc, rc, 0);
  if (json) {
    kz_buf out = KZ_BUF_INIT;
    rc = cli_print_json(kz_ngrams_to_json(g, &out), &out);
  } else {
    for (size_t i = 0; i < kz_ngrams_count(g); i++) {
      kz_ngram_row w;
      kz_ngrams_row_get(g, i, &w);
      printf("%llu\t%llu\t", (unsigned long long)w.freq, (unsigned long long)w.docs);
      cli_write_escaped(stdout, w.text, w.text_len);
      putc('\n', stdout);
    }
    rc = CLI_OK;
  }
  kz_ngrams_free(g);
  cli_stats_close(&sc);
  return rc;
}
