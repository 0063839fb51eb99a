/*
 * analysis_common.c - what "kz quotes", "kz numbers" and "kz entities"
 * share: their common options, reading FILE operands into articles, and
 * table cells.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_cli.h"
#include "kz/article.h"

int cli_analysis_option(cli_args *a, cli_analysis_opts *o) {
  int r;
  if ((r = cli_args_flag(a, "--json")) != 0) {
    if (r < 0) return CLI_USAGE;
    o->json = 1;
    return 1;
  }
  if (strcmp(a->opt, "--source") == 0) {
    if ((o->parse.source_hint = cli_args_value(a)) == NULL) return CLI_USAGE;
    return 1;
  }
  if (strcmp(a->opt, "--language") == 0) {
    if ((o->parse.language_hint = cli_args_value(a)) == NULL) return CLI_USAGE;
    return 1;
  }
  return 0;
}

int cli_analysis_load(kz_article **out, const char *path, const cli_analysis_opts *o) {
  int rc;
  *out = NULL;
  if (strcmp(path, "-") == 0) {
    char *data = NULL;
    size_t len = 0;
    int e = cli_read_file(path, &data, &len);
    if (e) {
      cli_error("%s: %s", path, strerror(e));
      return CLI_FAIL;
    }
    rc = kz_article_parse(out, data, len, &o->parse);
    free(data);
    if (rc != KZ_OK) {
      cli_error("%s: %s", path, kz_last_errmsg());
      return CLI_FAIL;
    }
    return CLI_OK;
  }
  /* regular files only, at most KZ_ARTICLE_MAX_FILE bytes; the message
   * names the file */
  rc = kz_article_parse_file(out, path, &o->parse);
  if (rc != KZ_OK) {
    cli_error("%s", kz_last_errmsg());
    return CLI_FAIL;
  }
  return CLI_OK;
}

int cli_analysis_run(int argc, char **argv, const cli_analysis_cmd *cmd) {
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
    if (cli_analysis_load(&art, path, &o) != CLI_OK) {
      status = CLI_FAIL;
      continue;
    }
    if (kz_article_analyze(&res, art, cmd->which) != KZ_OK) {
      cli_error("%s: %s", path, kz_last_errmsg());
      kz_article_free(art);
      status = CLI_FAIL;
      continue;
    }
    if (o.json) {
      kz_buf out = KZ_BUF_INIT;
      size_t shown = 0;
      if (cmd->json(res, path, &out, &shown) == KZ_OK) {
        if (out.len) fwrite(out.ptr, 1, shown, stdout);
      } else {
        cli_error("%s: %s", path, kz_last_errmsg());
        status = CLI_FAIL;
      }
      kz_buf_dispose(&out);
    } else {
      if (i) putchar('\n');
      cmd->table(path, res);
    }
    kz_analysis_free(res);
    kz_article_free(art);
  }
  return status;
}

/* Write s[0..n) with control characters (line breaks of a quote over
 * several paragraphs) shown as spaces. */
static void put_flat(FILE *f, const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
  }
}

void cli_cell(FILE *f, const char *s, size_t width, int pad) {
  size_t i = 0, chars = 0;
  if (s == NULL || *s == '\0') s = "-";
  /* Count characters (not bytes) up to the width. */
  while (s[i] && chars < width) {
    i++;
    while (((unsigned char)s[i] & 0xc0) == 0x80) i++;
    chars++;
  }
  if (s[i] != '\0' && width >= 3) {
    /* too long: the first width - 3 characters and "..." */
    size_t k = 0, c = 0;
    while (c < width - 3) {
      k++;
      while (((unsigned char)s[k] & 0xc0) == 0x80) k++;
      c++;
    }
    put_flat(f, s, k);
    fputs("...", f);
    return;
  }
  put_flat(f, s, i);
  if (pad)
    for (; chars < width; chars++) fputc(' ', f);
}
