/*
 * stats_cli.h - what "kz colloc", "kz keyness" and "kz ngrams" share
 * (the helpers live in cmd_colloc.c).
 */
#ifndef KZ_STATS_CLI_H
#define KZ_STATS_CLI_H

#include "cli.h"

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
 * temporary corpus.  Returns CLI_OK, or CLI_FAIL after reporting. */
int cli_stats_open(cli_stats_corpus *sc, const char *path);
void cli_stats_close(cli_stats_corpus *sc);

/* Parse the number v of option opt into *out (lo..hi); a usage error
 * (reported) returns CLI_USAGE. */
int cli_parse_count(const char *opt, const char *v, unsigned long lo, unsigned long hi,
                    unsigned long *out);

/* Print the JSON lines of out (from a kz_*_to_json() call that returned
 * rc) and dispose of it.  Returns CLI_OK or CLI_FAIL. */
int cli_print_json(int rc, kz_buf *out);

#endif /* KZ_STATS_CLI_H */
