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

static void show_table(const char *path, const kz_analysis *r) {
  const kz_quotes *q = kz_analysis_quotes(r);
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

/* kz_quotes_to_json() writes the quotes, then the interview sections;
 * only the quotes are printed. */
static int write_json(const kz_analysis *r, const char *path, kz_buf *out, size_t *shown) {
  const kz_quotes *q = kz_analysis_quotes(r);
  int rc = kz_quotes_to_json(q, path, out);
  *shown = first_lines(out->ptr, out->len, kz_quotes_count(q));
  return rc;
}

int cli_cmd_quotes(int argc, char **argv) {
  static const cli_analysis_cmd cmd = {KZ_ANALYZE_QUOTES, write_json, show_table};
  return cli_analysis_run(argc, argv, &cmd);
}
