/*
 * cmd_kwic.c - "kz kwic": a keyword-in-context concordance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kz/corpus.h"
#include "kz/query.h"

const char cli_usage_kwic[] =
  "usage: kz kwic DIR QUERY [--width N] [--chars] [--sort left|right|match]\n"
  "               [--limit N] [--no-verify]\n"
  "\n"
  "Print every match of QUERY in the corpus DIR with N words (default 5)\n"
  "of context on each side (--chars: N characters), one a line:\n"
  "\n"
  "    KEY<TAB>LEFT<TAB>MATCH<TAB>RIGHT\n"
  "\n"
  "(on a terminal, aligned on the match).  --sort left orders the lines by\n"
  "the words left of the match, nearest first; --sort right by the words\n"
  "after it.\n" CLI_OPEN_HELP;

static size_t chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

static void flat(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) putc(s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i], stdout);
}

int cli_cmd_kwic(int argc, char **argv) {
  cli_args a;
  kz_kwic_options ko = KZ_KWIC_OPTIONS_INIT;
  const char *v;
  int r, rc, tty = isatty(STDOUT_FILENO);
  unsigned oflags = 0;
  kz_corpus *c;
  kz_kwic *k;
  size_t maxleft = 0;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (strcmp(a.opt, "--width") == 0 || strcmp(a.opt, "--limit") == 0) {
      char *end;
      int w = strcmp(a.opt, "--width") == 0;
      unsigned long n;
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      n = strtoul(v, &end, 10);
      if (*end || n == 0 || n > 1000000) return cli_usage_error("bad %s '%s'", w ? "--width" : "--limit", v);
      if (w) ko.width = (unsigned)n;
      else ko.limit = n;
    } else if (strcmp(a.opt, "--sort") == 0) {
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if (strcmp(v, "left") == 0) ko.sort = KZ_KWIC_SORT_LEFT;
      else if (strcmp(v, "right") == 0) ko.sort = KZ_KWIC_SORT_RIGHT;
      else if (strcmp(v, "match") == 0) ko.sort = KZ_KWIC_SORT_MATCH;
      else if (strcmp(v, "none") == 0) ko.sort = KZ_KWIC_SORT_NONE;
      else return cli_usage_error("bad --sort '%s' (left, right or match)", v);
    } else if ((r = cli_args_flag(&a, "--chars")) != 0) {
      if (r < 0) return CLI_USAGE;
      ko.flags |= KZ_KWIC_CHARS;
    } else if ((r = cli_args_open(&a, &oflags)) != 0) {
      if (r < 0) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 2) return cli_usage_error("expected DIR and QUERY");
  if (cli_corpus_open_ro(&c, a.ops[0], oflags)) return CLI_FAIL;
  rc = kz_corpus_kwic(&k, c, a.ops[1], strlen(a.ops[1]), &ko);
  if (rc) return cli_query_failed(c, rc);
  for (size_t i = 0; i < kz_kwic_count(k); i++) {
    kz_kwic_row row;
    kz_kwic_row_get(k, i, &row);
    if (chars(row.left, row.left_len) > maxleft) maxleft = chars(row.left, row.left_len);
  }
  for (size_t i = 0; i < kz_kwic_count(k); i++) {
    kz_kwic_row row;
    kz_kwic_row_get(k, i, &row);
    if (tty) {
      for (size_t p = chars(row.left, row.left_len); p < maxleft; p++) putc(' ', stdout);
      flat(row.left, row.left_len);
      fputs("  \033[1m", stdout);
      flat(row.match, row.match_len);
      fputs("\033[0m  ", stdout);
      flat(row.right, row.right_len);
      fputs("  (", stdout);
      flat(row.key, row.key_len);
      fputs(")\n", stdout);
    } else {
      cli_write_escaped(stdout, row.key, row.key_len);
      putc('\t', stdout);
      cli_write_escaped(stdout, row.left, row.left_len);
      putc('\t', stdout);
      cli_write_escaped(stdout, row.match, row.match_len);
      putc('\t', stdout);
      cli_write_escaped(stdout, row.right, row.right_len);
      putc('\n', stdout);
    }
  }
  kz_kwic_free(k);
  kz_corpus_close(c);
  return CLI_OK;
}
