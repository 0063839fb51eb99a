/*
 * cmd_parse.c - "kz parse": parse scraped articles and show their structure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kz/article.h"

const char cli_usage_parse[] =
  "usage: kz parse [--json] [--source NAME] [--language LANG] FILE...\n"
  "\n"
  "Parse each FILE (a scraped news page as text, possibly with HTML\n"
  "fragments; '-' is standard input) into an article and print its\n"
  "metadata and blocks.  Files larger than 256 MiB, and files that are not\n"
  "regular files, are refused.\n"
  "\n"
  "Options:\n"
  "  --json           print one JSON object per file, one per line (null for\n"
  "                   a file that cannot be read or parsed), with the\n"
  "                   fields title, title_language, language, date, time,\n"
  "                   source, original_source, authors, dateline,\n"
  "                   blocks [{kind, text, start, end, duplicate_of}], body,\n"
  "                   warnings\n"
  "  --source NAME    the outlet, used when the page names none\n"
  "  --language LANG  the body language, used when detection is unsure\n";

/* Read standard input, at most KZ_ARTICLE_MAX_FILE bytes (EFBIG beyond). */
static int read_stdin(char **out, size_t *len) {
  size_t n = 0, cap = 0;
  char *buf = NULL;
  *out = NULL;
  *len = 0;
  for (;;) {
    size_t got;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 65536;
      char *p;
      if (cap > KZ_ARTICLE_MAX_FILE) {
        free(buf);
        return EFBIG;
      }
      if ((p = realloc(buf, nc)) == NULL) {
        free(buf);
        return ENOMEM;
      }
      buf = p;
      cap = nc;
    }
    got = fread(buf + n, 1, cap - n, stdin);
    n += got;
    if (got == 0) break;
  }
  if (ferror(stdin)) {
    free(buf);
    return EIO;
  }
  if (n > KZ_ARTICLE_MAX_FILE) {
    free(buf);
    return EFBIG;
  }
  *out = buf;
  *len = n;
  return 0;
}

static void show_field(const char *name, const char *v) {
  printf("%-16s%s\n", name, v ? v : "-");
}

static void show_readable(const char *path, const kz_article *a) {
  size_t i, n;
  printf("==> %s <==\n", path);
  show_field("title:", kz_article_title(a));
  printf("%-16s%s / %s\n", "language:", kz_article_title_language(a), kz_article_language(a));
  show_field("date:", kz_article_date(a));
  show_field("time:", kz_article_time(a));
  show_field("source:", kz_article_source(a));
  show_field("original source:", kz_article_original_source(a));
  show_field("dateline:", kz_article_dateline(a));
  printf("%-16s", "authors:");
  n = kz_article_author_count(a);
  for (i = 0; i < n; i++) printf("%s%s", i ? "; " : "", kz_article_author(a, i));
  printf("%s\n", n ? "" : "-");
  printf("blocks:\n");
  n = kz_article_block_count(a);
  for (i = 0; i < n; i++) {
    const char *t = kz_article_block_text(a, i);
    size_t len = strlen(t), show = len;
    long dup = kz_article_block_duplicate_of(a, i);
    if (show > 72) {
      show = 72;
      while (show > 0 && ((unsigned char)t[show] & 0xc0) == 0x80) show--; /* whole characters */
    }
    printf("  %3zu %-12s ", i, kz_block_kind_name(kz_article_block_kind(a, i)));
    if (dup >= 0) printf("(= %ld) ", dup);
    cli_write_escaped(stdout, t, show);
    printf("%s\n", show < len ? "..." : "");
  }
  n = kz_article_warning_count(a);
  for (i = 0; i < n; i++) printf("warning: %s\n", kz_article_warning(a, i));
}

int cli_cmd_parse(int argc, char **argv) {
  cli_args a;
  kz_parse_options opts = KZ_PARSE_OPTIONS_INIT;
  int json = 0, status = CLI_OK, i, r;
  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if ((r = cli_args_flag(&a, "--json")) != 0) {
      if (r < 0) return CLI_USAGE;
      json = 1;
    } else if (strcmp(a.opt, "--source") == 0) {
      if ((opts.source_hint = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else if (strcmp(a.opt, "--language") == 0) {
      if ((opts.language_hint = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops == 0) return cli_usage_error("no FILE given");
  for (i = 0; i < a.nops; i++) {
    const char *path = a.ops[i];
    kz_article *art = NULL;
    if (strcmp(path, "-") == 0) {
      char *data = NULL;
      size_t len = 0;
      int e = read_stdin(&data, &len);
      if (e) {
        if (e == EFBIG)
          cli_error("%s: standard input exceeds the limit of %zu bytes", path,
                    (size_t)KZ_ARTICLE_MAX_FILE);
        else
          cli_error("%s: %s", path, strerror(e));
        r = KZ_EIO;
      } else {
        r = kz_article_parse(&art, data, len, &opts);
        if (r != KZ_OK) cli_error("%s: %s", path, kz_last_errmsg());
      }
      free(data);
    } else {
      /* regular files only, at most KZ_ARTICLE_MAX_FILE bytes */
      r = kz_article_parse_file(&art, path, &opts);
      if (r != KZ_OK) cli_error("%s", kz_last_errmsg());
    }
    if (r != KZ_OK) {
      if (json) puts("null"); /* one line per FILE, in order */
      status = CLI_FAIL;
      continue;
    }
    if (json) {
      kz_buf out = KZ_BUF_INIT;
      r = kz_article_to_json(art, &out);
      if (r == KZ_OK) {
        fwrite(out.ptr, 1, out.len, stdout);
        putchar('\n');
      } else {
        cli_error("%s: %s", path, kz_last_errmsg());
        status = CLI_FAIL;
      }
      kz_buf_dispose(&out);
    } else {
      if (i) putchar('\n');
      show_readable(path, art);
    }
    kz_article_free(art);
  }
  if (fflush(stdout) != 0) {
    cli_error("write error: %s", strerror(errno));
    return CLI_FAIL;
  }
  return status;
}
