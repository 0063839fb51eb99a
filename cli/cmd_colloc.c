/*
 * cmd_colloc.c - "kz colloc": collocates of a word or query.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stats_cli.h"
#include "kz/corpus.h"
#include "kz/query.h"
#include "kz/stats.h"

const char cli_usage_colloc[] =
  "usage: kz colloc DIR QUERY [--window N | --left N --right N]\n"
  "                 [--measure logdice|mi|t|g2|freq] [--min-freq N]\n"
  "                 [--filter Q] [--stopwords] [--limit N] [--json]\n"
  "                 [--no-verify]\n"
  "\n"
  "Collocates of QUERY (a word, \"a phrase\", prefix*, any query) within N\n"
  "words (default 5) on each side, in the documents matching --filter\n"
  "(e.g. 'source:\"RT DE\"' or date:2022-01): observed and expected\n"
  "co-occurrences, corpus frequency, MI, t-score, log-likelihood G2 and\n"
  "logDice, sorted by --measure (default logdice), for collocates seen at\n"
  "least --min-freq times (default 3).  --stopwords leaves stopwords out.\n"
  "--json prints one object a line: term, observed, left, right, freq,\n"
  "docs, expected, mi, t, g2, logdice.\n"
  "\n"
  "DIR is a corpus (see kz index) or raw articles: a directory of article\n"
  "files, one article file, or a JSON Lines file (.jsonl), indexed into a\n"
  "temporary corpus first.  docs/analysis.md gives the formulas.\n" CLI_OPEN_HELP;

int cli_cmd_colloc(int argc, char **argv) {
  cli_args a;
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  cli_stats_corpus sc;
  kz_colloc *r;
  const char *v;
  unsigned long n, win = 5, left = 0, right = 0;
  int json = 0, r2, rc, have_lr = 0;
  unsigned oflags = 0;

  o.min_freq = 3;
  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (!strcmp(a.opt, "--window") || !strcmp(a.opt, "--left") || !strcmp(a.opt, "--right")) {
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if (cli_parse_count(a.opt, v, a.opt[2] == 'w', 1000, &n)) return CLI_USAGE;
      if (a.opt[2] == 'w') win = n;
      else if (a.opt[2] == 'l') left = n, have_lr |= 1;
      else right = n, have_lr |= 2;
    } else if (!strcmp(a.opt, "--measure")) {
      int m;
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if ((m = kz_measure_from_name(v)) < 0)
        return cli_usage_error("bad --measure '%s' (logdice, mi, t, g2 or freq)", v);
      o.measure = m;
    } else if ((r2 = cli_stats_option(&a, &o, &json, 1)) != 0) {
      if (r2 < 0) return CLI_USAGE;
    } else if ((r2 = cli_args_open(&a, &oflags)) != 0) {
      if (r2 < 0) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 2) return cli_usage_error("expected DIR and QUERY");
  o.left = have_lr & 1 ? (unsigned)left : (unsigned)win;
  o.right = have_lr & 2 ? (unsigned)right : (unsigned)win;
  if (o.left == 0 && o.right == 0) return cli_usage_error("the window holds no word");
  if (cli_stats_open(&sc, a.ops[0], oflags)) return CLI_FAIL;
  rc = kz_corpus_collocations(&r, sc.c, a.ops[1], strlen(a.ops[1]), &o);
  if (rc) return cli_stats_failed(&sc, rc, 0);
  if (json) {
    kz_buf out = KZ_BUF_INIT;
    rc = cli_print_json(kz_colloc_to_json(r, &out), &out);
  } else {
    printf("# %s: %llu matches in %llu documents; window %u/%u: %llu words of %llu\n", a.ops[1],
           (unsigned long long)kz_colloc_node_freq(r), (unsigned long long)kz_colloc_node_docs(r), o.left,
           o.right, (unsigned long long)kz_colloc_window_tokens(r),
           (unsigned long long)kz_colloc_corpus_tokens(r));
    printf("%-24s %8s %9s %8s %8s %8s %9s %8s\n", "term", "observed", "expected", "freq", "mi", "t",
           "g2", "logdice");
    for (size_t i = 0; i < kz_colloc_count(r); i++) {
      kz_colloc_row w;
      kz_colloc_row_get(r, i, &w);
      cli_term_cell(w.term, w.term_len);
      printf(" %8llu %9.3f %8llu %8.3f %8.3f %9.3f %8.3f\n", (unsigned long long)w.observed, w.expected,
             (unsigned long long)w.freq, w.mi, w.t_score, w.g2, w.log_dice);
    }
    rc = CLI_OK;
  }
  kz_colloc_free(r);
  cli_stats_close(&sc);
  return rc;
}
