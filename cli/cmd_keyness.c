/*
 * cmd_keyness.c - "kz keyness": the words a subcorpus over- and under-uses
 * against a reference.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stats_cli.h"
#include "kz/stats.h"

const char cli_usage_keyness[] =
  "usage: kz keyness DIR TARGET [REFERENCE] [--min-freq N] [--limit N]\n"
  "                  [--stopwords] [--json] [--no-verify]\n"
  "\n"
  "Keywords of the documents matching the query TARGET (e.g.\n"
  "'source:\"RT DE\"') against those matching REFERENCE (default: every\n"
  "other document): frequencies in both, log-likelihood G2 (signed: > 0\n"
  "overused in the target), its p-value, log ratio and %DIFF, most overused\n"
  "first, for words seen at least --min-freq times in both together.\n"
  "--json prints one object a line: term, freq_target, freq_reference,\n"
  "docs_target, docs_reference, expected, g2, p, log_ratio, pct_diff.\n"
  "DIR is a corpus or raw articles (see kz help colloc).\n" CLI_OPEN_HELP;

int cli_cmd_keyness(int argc, char **argv) {
  cli_args a;
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  cli_stats_corpus sc;
  kz_keyness *k;
  const char *ref = NULL;
  int json = 0, r2, rc;
  unsigned oflags = 0;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if ((r2 = cli_stats_option(&a, &o, &json, 0)) != 0) {
      if (r2 < 0) return CLI_USAGE;
    } else if ((r2 = cli_args_open(&a, &oflags)) != 0) {
      if (r2 < 0) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 2 && a.nops != 3) return cli_usage_error("expected DIR, TARGET and maybe REFERENCE");
  if (a.nops == 3) ref = a.ops[2];
  if (cli_stats_open(&sc, a.ops[0], oflags)) return CLI_FAIL;
  rc = kz_corpus_keyness(&k, sc.c, a.ops[1], strlen(a.ops[1]), ref, ref ? strlen(ref) : 0, &o);
  if (rc) return cli_stats_failed(&sc, rc, 1);
  if (json) {
    kz_buf out = KZ_BUF_INIT;
    rc = cli_print_json(kz_keyness_to_json(k, &out), &out);
  } else {
    printf("# %s: %llu words in %llu documents; against %s: %llu words in %llu documents\n", a.ops[1],
           (unsigned long long)kz_keyness_target_tokens(k), (unsigned long long)kz_keyness_target_docs(k),
           ref ? ref : "the rest", (unsigned long long)kz_keyness_reference_tokens(k),
           (unsigned long long)kz_keyness_reference_docs(k));
    printf("%-24s %8s %8s %10s %10s %9s %12s\n", "term", "target", "ref", "g2", "p", "log_ratio", "%diff");
    for (size_t i = 0; i < kz_keyness_count(k); i++) {
      kz_keyword_row w;
      kz_keyness_row_get(k, i, &w);
      cli_term_cell(w.term, w.term_len);
      printf(" %8llu %8llu %10.3f %10.3g %9.3f %12.4g\n", (unsigned long long)w.freq_target,
             (unsigned long long)w.freq_reference, w.g2, w.p, w.log_ratio, w.pct_diff);
    }
    rc = CLI_OK;
  }
  kz_keyness_free(k);
  cli_stats_close(&sc);
  return rc;
}
