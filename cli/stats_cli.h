/*
 * stats_cli.h - what "kz colloc", "kz keyness" and "kz ngrams" share
 * (stats_common.c).
 */
#ifndef KZ_STATS_CLI_H
#define KZ_STATS_CLI_H

#include "cli.h"
#include "kz/stats.h"

/* A corpus to compute statistics on: an existing corpus directory, or a
 * temporary corpus indexed from raw articles (removed by
 * cli_stats_close()). */
typedef struct cli_stats_corpus {
  kz_corpus *c;
  char tmp[64];   /* the temporary directory, or "" */
  char dir[128];  /* the temporary corpus in it */
} cli_stats_corpus;

/* Open path: a corpus directory (holding a MANIFEST), else a directory of
 * article files, one article file or a .jsonl file indexed into a
 * temporary corpus.  flags: KZ_CORPUS_* bits of cli_args_open() for a
 * corpus directory.  Returns CLI_OK, or CLI_FAIL after reporting. */
int cli_stats_open(cli_stats_corpus *sc, const char *path, unsigned flags);
void cli_stats_close(cli_stats_corpus *sc);

/* Parse the number v of option opt into *out (lo..hi); a usage error
 * (reported) returns CLI_USAGE. */
int cli_parse_count(const char *opt, const char *v, unsigned long lo, unsigned long hi,
                    unsigned long *out);

/* Print the JSON lines of out (from a kz_*_to_json() call that returned
 * rc) and dispose of it.  Returns CLI_OK or CLI_FAIL. */
int cli_print_json(int rc, kz_buf *out);

/* Handle the current option of a if it is one the three commands share:
 * --min-freq, --limit, --stopwords, --json (into *json) and, when filter
 * is set, --filter.  Returns 1 when it was, 0 when it is not, -1 after
 * reporting a usage error (as cli_args_flag()). */
int cli_stats_option(cli_args *a, kz_stats_options *o, int *json, int filter);

/* Report the failure rc of a statistics call and close sc.  Returns the
 * exit status: CLI_USAGE for a bad query (and, with einval_usage, for
 * KZ_EINVAL), else CLI_FAIL. */
int cli_stats_failed(cli_stats_corpus *sc, int rc, int einval_usage);

/* Write a term (escaped) padded to the 24-column term cell of a table. */
void cli_term_cell(const char *term, size_t len);

#endif /* KZ_STATS_CLI_H */
