/*
 * cli_util.c - what the corpus commands (search, kwic, count, show, stats)
 * share: opening DIR read-only and reporting a failed query.
 */
#include "cli.h"
#include "kz/corpus.h"

int cli_args_open(cli_args *a, unsigned *flags) {
  int r = cli_args_flag(a, "--no-verify");
  if (r > 0) *flags |= KZ_CORPUS_NO_VERIFY;
  return r;
}

int cli_corpus_open_ro(kz_corpus **c, const char *dir, unsigned flags) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  o.flags = KZ_CORPUS_READONLY | flags;
  if (kz_corpus_open(c, dir, &o) != KZ_OK) {
    cli_error("%s: %s", dir, kz_last_errmsg());
    return CLI_FAIL;
  }
  return CLI_OK;
}

int cli_query_failed(kz_corpus *c, int rc) {
  cli_error("%s", kz_last_errmsg());
  kz_corpus_close(c);
  return rc == KZ_EQUERY ? CLI_USAGE : CLI_FAIL;
}
