/*
 * cmd_quotes.c - "kz quotes": who said what in each article.
 */
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "kz/analysis.h"
#include "kz/article.h"

const char cli_usage_quotes[] =
  "usage: kz quotes [--json] [--source NAME] [--language LANG] FILE...\n"
  "\n"
  "Find the quotations in each FILE (a scraped news article as text; '-' is\n"
  "standard input) and attribute each to its speaker: direct quotes, partial\n"
  "quotes inside the writer's sentence, and scare quotes (one or two words\n"
  "such as \"peacekeepers\", which have no speaker).  A quote with no\n"
  "attribution of its own takes the speaker of its close context only (its\n"
  "paragraph, the sentence before or after); otherwise the speaker is\n"
  "unknown.  Interview sections headed by a speaker's name and role are\n"
  "attributed to that speaker.\n"
  "\n"
  "Without --json, a table per file: byte offset, kind, speaker, role, verb\n"
  "and the quoted text, then the interview sections.\n"
  "\n"
  "Options:\n"
  "  --json           one JSON object per quote, one a line, with the fields\n"
  "                   doc (the FILE as given), speaker, role, verb, kind\n"
  "                   (direct, partial or scare), text, start, end (byte\n"
  "                   offsets into the article body); null when unknown\n"
  "  --source NAME    the outlet, used when the page names none\n"
  "  --language LANG  the body language, used when detection is unsure\n"
  "\n"
  "Exit status: 0 success, 1 a FILE could not be read or parsed (the other\n"
  "files are still processed), 2 a usage error.\n";

/* The first n lines of s[0..len). */
static size_t first_lines(const char *s, size_t len, size_t n) {
  size_t i;
  for (i = 0; i < len && n > 0; i++)
    if (s[i] == '\n') n--;
  return i;
}

static void show_table(const char *path, const kz_quotes *q) {
  size_t i, n = kz_quotes_count(q), ns = kz_quotes_section_count(q);
  printf("==> %s <==\n", path);
  if (n == 0) printf("(no quotes)\n");
  else printf("%7s  %-7s  %-22s  %-20s  %-10s  %s\n", "start", "kind", "speaker", "role", "verb",
              "text");
  for (i = 0; i < n; i++) {
    printf("%7zu  ", kz_quote_start(q, i));
    cli_cell(stdout, kz_quote_kind_name(kz_quote_kind(q, i)), 7, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_quote_speaker(q, i), 22, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_quote_role(q, i), 20, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_quote_verb(q, i), 10, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_quote_text(q, i), 60, 0);
    putchar('\n');
  }
  for (i = 0; i < ns; i++) {
    printf("section %zu-%zu: ", kz_quotes_section_start(q, i), kz_quotes_section_end(q, i));
    cli_cell(stdout, kz_quotes_section_speaker(q, i), 40, 0);
    fputs(", ", stdout);
    cli_cell(stdout, kz_quotes_section_role(q, i), 80, 0);
    putchar('\n');
  }
}

int cli_cmd_quotes(int argc, char **argv) {
  cli_args a;
  cli_analysis_opts o = CLI_ANALYSIS_OPTS_INIT;
  int status = CLI_OK, i, r;
  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    r = cli_analysis_option(&a, &o);
    if (r == CLI_USAGE) return CLI_USAGE;
    if (r == 0) return cli_usage_error("unknown option '%s'", a.opt);
  }
  if (a.nops == 0) return cli_usage_error("no FILE given");
  for (i = 0; i < a.nops; i++) {
    const char *path = a.ops[i];
    kz_article *art = NULL;
    kz_analysis *res = NULL;
    const kz_quotes *q;
    if (cli_analysis_load(&art, path, &o) != CLI_OK) {
      status = CLI_FAIL;
      continue;
    }
    if (kz_article_analyze(&res, art, KZ_ANALYZE_QUOTES) != KZ_OK) {
      cli_error("%s: %s", path, kz_last_errmsg());
      kz_article_free(art);
      status = CLI_FAIL;
      continue;
    }
    q = kz_analysis_quotes(res);
    if (o.json) {
      kz_buf out = KZ_BUF_INIT;
      /* kz_quotes_to_json() writes the quotes, then the interview
       * sections; only the quotes are printed here. */
      if (kz_quotes_to_json(q, path, &out) == KZ_OK) {
        if (out.len) fwrite(out.ptr, 1, first_lines(out.ptr, out.len, kz_quotes_count(q)), stdout);
      } else {
        cli_error("%s: %s", path, kz_last_errmsg());
        status = CLI_FAIL;
      }
      kz_buf_dispose(&out);
    } else {
      if (i) putchar('\n');
      show_table(path, q);
    }
    kz_analysis_free(res);
    kz_article_free(art);
  }
  return status;
}
