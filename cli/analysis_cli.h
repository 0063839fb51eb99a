/*
 * analysis_cli.h - what "kz quotes", "kz numbers" and "kz entities" share
 * (analysis_common.c).
 */
#ifndef KZ_ANALYSIS_CLI_H
#define KZ_ANALYSIS_CLI_H

#include <stdio.h>

#include "cli.h"
#include "kz/analysis.h"
#include "kz/article.h"

/* The options of the three commands. */
typedef struct cli_analysis_opts {
  kz_parse_options parse; /* --source, --language */
  int json;               /* --json */
} cli_analysis_opts;

#define CLI_ANALYSIS_OPTS_INIT {KZ_PARSE_OPTIONS_INIT, 0}

/* Handle the current option of a if it is a shared one: returns 1 when it
 * was, 0 when it is not, CLI_USAGE after reporting a usage error. */
int cli_analysis_option(cli_args *a, cli_analysis_opts *o);

/* Parse the article in path ("-" is standard input) into *out (free with
 * kz_article_free()).  Returns CLI_OK, or CLI_FAIL after reporting the
 * error naming the file. */
int cli_analysis_load(kz_article **out, const char *path, const cli_analysis_opts *o);

/* A per-article command ("kz quotes", "kz numbers"): analyze each FILE
 * for `which` and print either the JSON lines or the table. */
typedef struct cli_analysis_cmd {
  unsigned int which; /* KZ_ANALYZE_QUOTES or KZ_ANALYZE_NUMBERS */
  /* Write the JSON lines of r into out; *shown gets how many bytes of it
   * to print.  Returns a kz status. */
  int (*json)(const kz_analysis *r, const char *path, kz_buf *out, size_t *shown);
  /* Print the table of r for the file path. */
  void (*table)(const char *path, const kz_analysis *r);
} cli_analysis_cmd;

/* Run such a command on its arguments; returns the exit status. */
int cli_analysis_run(int argc, char **argv, const cli_analysis_cmd *cmd);

/* Write s (NULL or "" as "-") in a table cell of width characters: longer
 * text is cut to width - 3 characters and "..."; with pad, shorter text is
 * padded with spaces.  Control characters are written as spaces. */
void cli_cell(FILE *f, const char *s, size_t width, int pad);

#endif /* KZ_ANALYSIS_CLI_H */
