/*
 * cmd_show.c - "kz show": print a stored document.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kz/corpus.h"

const char cli_usage_show[] =
  "usage: kz show DIR KEY [--no-verify]\n"
  "\n"
  "Print the document KEY of the corpus DIR as stored: its metadata lines\n"
  "(key, title, date, source, author, url, language), a blank line and the\n"
  "body; captions and headings follow when the document has them.\n" CLI_OPEN_HELP;

int cli_cmd_show(int argc, char **argv) {
  cli_args a;
  kz_corpus *c;
  kz_doc *d;
  int rc;
  unsigned oflags = 0;
  static const struct { const char *n; int f; } meta[] = {
      {"key", KZ_FIELD_KEY}, {"title", KZ_FIELD_TITLE}, {"date", KZ_FIELD_DATE},
      {"source", KZ_FIELD_SOURCE}, {"author", KZ_FIELD_AUTHOR}, {"url", KZ_FIELD_URL},
      {"language", KZ_FIELD_LANGUAGE}};

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    int r = cli_args_open(&a, &oflags);
    if (r < 0) return CLI_USAGE;
    if (r == 0) return cli_usage_error("unknown option '%s'", a.opt);
  }
  if (a.nops != 2) return cli_usage_error("expected DIR and KEY");
  if (cli_corpus_open_ro(&c, a.ops[0], oflags)) return CLI_FAIL;
  rc = kz_corpus_doc(&d, c, a.ops[1], strlen(a.ops[1]));
  if (rc) {
    cli_error("%s", kz_last_errmsg());
    kz_corpus_close(c);
    return CLI_FAIL;
  }
  for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
    size_t n;
    const char *s = kz_doc_field(d, meta[i].f, &n);
    if (!n) continue;
    printf("%s: ", meta[i].n);
    cli_write_escaped(stdout, s, n);
    putc('\n', stdout);
  }
  printf("\n%s\n", kz_doc_field(d, KZ_FIELD_BODY, NULL));
  if (*kz_doc_field(d, KZ_FIELD_CAPTION, NULL))
    printf("\n[captions]\n%s\n", kz_doc_field(d, KZ_FIELD_CAPTION, NULL));
  if (*kz_doc_field(d, KZ_FIELD_HEADING, NULL))
    printf("\n[headings]\n%s\n", kz_doc_field(d, KZ_FIELD_HEADING, NULL));
  kz_doc_free(d);
  kz_corpus_close(c);
  return CLI_OK;
}
