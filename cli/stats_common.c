/*
 * stats_common.c - what the statistics commands (colloc, keyness, ngrams)
 * share: opening a corpus directory, or indexing raw articles into a
 * temporary corpus; their common options; reporting and printing results.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "stats_cli.h"
#include "kz/corpus.h"
#include "kz/stats.h"

static void rm_tree(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char p[4200];
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

int cli_stats_open(cli_stats_corpus *sc, const char *path, unsigned flags) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  char manifest[4200];
  struct stat st;
  size_t n = strlen(path);
  int rc;

  memset(sc, 0, sizeof *sc);
  snprintf(manifest, sizeof manifest, "%s/MANIFEST", path);
  if (stat(manifest, &st) == 0) {
    o.flags = KZ_CORPUS_READONLY | flags;
    if (kz_corpus_open(&sc->c, path, &o) != KZ_OK) {
      cli_error("%s: %s", path, kz_last_errmsg());
      return CLI_FAIL;
    }
    return CLI_OK;
  }
  if (stat(path, &st) != 0) {
    cli_error("%s: %s", path, strerror(errno));
    return CLI_FAIL;
  }
  snprintf(sc->tmp, sizeof sc->tmp, "/tmp/kz-stats-XXXXXX");
  if (mkdtemp(sc->tmp) == NULL) {
    cli_error("cannot create a temporary directory: %s", strerror(errno));
    sc->tmp[0] = 0;
    return CLI_FAIL;
  }
  snprintf(sc->dir, sizeof sc->dir, "%s/corpus", sc->tmp);
  o.flags = KZ_CORPUS_CREATE;
  if (kz_corpus_open(&sc->c, sc->dir, &o) != KZ_OK) {
    cli_error("%s: %s", sc->dir, kz_last_errmsg());
    cli_stats_close(sc);
    return CLI_FAIL;
  }
  if (S_ISDIR(st.st_mode))
    rc = kz_corpus_add_dir(sc->c, path, NULL, NULL, NULL);
  else if (n > 6 && strcmp(path + n - 6, ".jsonl") == 0)
    rc = kz_corpus_add_jsonl(sc->c, path, 0, NULL, NULL, NULL);
  else
    rc = kz_corpus_add_file(sc->c, path);
  if (rc == KZ_OK) rc = kz_corpus_commit(sc->c);
  if (rc != KZ_OK) {
    cli_error("%s: %s", path, kz_last_errmsg());
    cli_stats_close(sc);
    return CLI_FAIL;
  }
  return CLI_OK;
}

void cli_stats_close(cli_stats_corpus *sc) {
  kz_corpus_close(sc->c);
  sc->c = NULL;
  if (sc->tmp[0]) {
    rm_tree(sc->dir);
    rmdir(sc->tmp);
    sc->tmp[0] = 0;
  }
}

int cli_parse_count(const char *opt, const char *v, unsigned long lo, unsigned long hi, unsigned long *out) {
  char *end;
  unsigned long n;
  errno = 0;
  n = strtoul(v, &end, 10);
  if (*v == '-' || *end || end == v || errno || n < lo || n > hi)
    return cli_usage_error("bad %s '%s' (%lu to %lu)", opt, v, lo, hi);
  *out = n;
  return CLI_OK;
}

/* Print a libkz JSON-lines buffer and free it. */
int cli_print_json(int rc, kz_buf *out) {
  if (rc != KZ_OK) {
    cli_error("%s", kz_last_errmsg());
    kz_buf_dispose(out);
    return CLI_FAIL;
  }
  if (out->len) fwrite(out->ptr, 1, out->len, stdout);
  kz_buf_dispose(out);
  return CLI_OK;
}

int cli_stats_option(cli_args *a, kz_stats_options *o, int *json, int filter) {
  const char *v;
  unsigned long n = 0; /* (gcc -O3 cannot see cli_parse_count() set it) */
  int r;
  if (!strcmp(a->opt, "--min-freq") || !strcmp(a->opt, "--limit")) {
    int lim = !strcmp(a->opt, "--limit");
    if ((v = cli_args_value(a)) == NULL) return -1;
    if (cli_parse_count(a->opt, v, lim, (unsigned long)-1 >> 1, &n)) return -1;
    if (lim) o->limit = n;
    else o->min_freq = n;
  } else if (filter && !strcmp(a->opt, "--filter")) {
    if ((v = cli_args_value(a)) == NULL) return -1;
    o->filter = v;
    o->filter_len = strlen(v);
  } else if ((r = cli_args_flag(a, "--stopwords")) != 0) {
    if (r < 0) return -1;
    o->flags |= KZ_STATS_SKIP_STOPWORDS;
  } else if ((r = cli_args_flag(a, "--json")) != 0) {
    if (r < 0) return -1;
    *json = 1;
  } else {
    return 0;
  }
  return 1;
}

int cli_stats_failed(cli_stats_corpus *sc, int rc, int einval_usage) {
  cli_error("%s", kz_last_errmsg());
  cli_stats_close(sc);
  return rc == KZ_EQUERY || (einval_usage && rc == KZ_EINVAL) ? CLI_USAGE : CLI_FAIL;
}

void cli_term_cell(const char *term, size_t len) {
  cli_write_escaped(stdout, term, len);
  for (size_t k = len; k < 24; k++) putc(' ', stdout);
}
