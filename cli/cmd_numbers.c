/*
 * cmd_numbers.c - "kz numbers": the numeric claims of each article.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "kz/analysis.h"
#include "kz/article.h"

const char cli_usage_numbers[] =
  "usage: kz numbers [--json] [--source NAME] [--language LANG] FILE...\n"
  "\n"
  "Find the numeric claims in each FILE (a scraped news article as text; '-'\n"
  "is standard input): numbers in digits or words (\"2,500\", \"twelve\", \"a\n"
  "dozen\", \"hundreds\"), percentages, amounts of money and ranges, with\n"
  "their qualifier (\"more than\", \"at least\", \"almost\", \"about\", \"up to\"\n"
  "...) and what they count (\"people died\", \"detained\", \"paratroopers\").\n"
  "Years, dates, times of day and ordinals are left out.\n"
  "\n"
  "Without --json, a table per file: value (low-high for a range),\n"
  "qualifier, unit, what is counted and the claim as written.\n"
  "\n"
  "Options:\n"
  "  --json           one JSON object per claim, one a line, with the fields\n"
  "                   doc (the FILE as given), value, low, high, qualifier,\n"
  "                   unit (\"%\" or a currency code), counted, exact (the\n"
  "                   claim as written), start, end (byte offsets into the\n"
  "                   article body); null when absent\n"
  "  --source NAME    the outlet, used when the page names none\n"
  "  --language LANG  the body language, used when detection is unsure\n"
  "\n"
  "Exit status: 0 success, 1 a FILE could not be read or parsed (the other\n"
  "files are still processed), 2 a usage error.\n";

/* A value for people: whole numbers with thousands separators, others
 * with up to six significant digits. */
static void format_value(char *buf, size_t cap, double v) {
  if (v != v) {
    snprintf(buf, cap, "-");
  } else if (fabs(v) < 1e15 && v == floor(v)) {
    char digits[32], *o = buf;
    size_t n, i;
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    n = strlen(digits);
    if (v < 0 && cap > 1) *o++ = '-';
    for (i = 0; i < n && (size_t)(o - buf) + 2 < cap; i++) {
      if (i > 0 && (n - i) % 3 == 0) *o++ = ',';
      *o++ = digits[i];
    }
    *o = '\0';
  } else {
    snprintf(buf, cap, "%.6g", v);
  }
}

static void show_table(const char *path, const kz_analysis *r) {
  const kz_numbers *nb = kz_analysis_numbers(r);
  size_t i, n = kz_numbers_count(nb);
  printf("==> %s <==\n", path);
  if (n == 0) {
    printf("(no numbers)\n");
    return;
  }
  printf("%-27s  %-10s  %-4s  %-28s  %s\n", "value", "qualifier", "unit", "counted", "exact");
  for (i = 0; i < n; i++) {
    char lo[40], hi[40], cell[84];
    format_value(lo, sizeof lo, kz_number_low(nb, i));
    format_value(hi, sizeof hi, kz_number_high(nb, i));
    if (kz_number_low(nb, i) < kz_number_high(nb, i))
      snprintf(cell, sizeof cell, "%s-%s", lo, hi);
    else
      format_value(cell, sizeof cell, kz_number_value(nb, i));
    cli_cell(stdout, cell, 27, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_number_qualifier(nb, i), 10, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_number_unit(nb, i), 4, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_number_counted(nb, i), 28, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_number_exact(nb, i), 60, 0);
    putchar('\n');
  }
}

static int write_json(const kz_analysis *r, const char *path, kz_buf *out, size_t *shown) {
  int rc = kz_numbers_to_json(kz_analysis_numbers(r), path, out);
  *shown = out->len;
  return rc;
}

int cli_cmd_numbers(int argc, char **argv) {
  static const cli_analysis_cmd cmd = {KZ_ANALYZE_NUMBERS, write_json, show_table};
  return cli_analysis_run(argc, argv, &cmd);
}
