/*
 * cmd_stats.c - "kz stats": what a corpus holds.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kz/corpus.h"

const char cli_usage_stats[] =
  "usage: kz stats DIR [--no-verify]\n"
  "\n"
  "Print the corpus DIR's generation, documents, segments, terms, tokens,\n"
  "sizes on disk and analyzer settings, one 'name: value' a line.\n" CLI_OPEN_HELP;

int cli_cmd_stats(int argc, char **argv) {
  cli_args a;
  kz_corpus *c;
  kz_corpus_stats st;
  unsigned flags = 0, oflags = 0;
  const char *lang;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    int r = cli_args_open(&a, &oflags);
    if (r < 0) return CLI_USAGE;
    if (r == 0) return cli_usage_error("unknown option '%s'", a.opt);
  }
  if (a.nops != 1) return cli_usage_error("expected DIR");
  if (cli_corpus_open_ro(&c, a.ops[0], oflags)) return CLI_FAIL;
  kz_corpus_stats_get(c, &st);
  lang = kz_corpus_analyzer(c, &flags);
  printf("generation: %llu\ndocuments: %llu\ndeleted: %llu\nsegments: %llu\nterms: %llu\n"
         "tokens: %llu\npostings bytes: %llu\nstore bytes: %llu\ntotal bytes: %llu\n",
         (unsigned long long)st.generation, (unsigned long long)st.docs,
         (unsigned long long)st.deleted, (unsigned long long)st.segments,
         (unsigned long long)st.terms, (unsigned long long)st.tokens,
         (unsigned long long)st.bytes_postings, (unsigned long long)st.bytes_store,
         (unsigned long long)st.bytes_total);
  printf("language: %s\nstemming: %s\ndiacritic folding: %s\n", *lang ? lang : "(none)",
         (flags & KZ_TOK_STEM) ? "yes" : "no", (flags & KZ_TOK_FOLD_DIACRITICS) ? "yes" : "no");
  kz_corpus_close(c);
  return CLI_OK;
}
