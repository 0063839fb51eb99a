/*
 * cmd_colloc.c - "kz colloc": collocates of a word or query; and the
 * helpers the statistics commands (colloc, keyness, ngrams) share: opening
 * a corpus directory, or indexing raw articles into a temporary corpus.
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
#include "kz/query.h"
#include "kz/stats.h"

const char cli_usage_colloc[] =
  "usage: kz colloc DIR QUERY [--window N | --left N --right N]\n"
  "                 [--measure logdice|mi|t|g2|freq] [--min-freq N]\n"
  "                 [--filter Q] [--stopwords] [--limit N] [--json]\n"
  "\n"
  "Collocates of QUERY (a word, \"a phrase\", prefix*, any query) within N\n"
  "words (default 5) on each side, in the documents matching --filter\n"
  "(e.g. 'source:\"RT DE\"' or date:2022-01): observed and expected\n"
  "co-occurrences, corpus frequency, MI, t-score, log-likelihood G2 and\n"
  "logDice, sorted by --measure (default logdice), for collocates seen at\n"
  "least --min-freq times (default 3).  --stopwords leaves stopwords out.\n"
  "--json prints one object a line: term, observed, left, right, freq,\n"
  "docs, expected, mi, t, g2, logdice.\n"
  "\n"
  "DIR is a corpus (see kz index) or raw articles: a directory of article\n"
  "files, one article file, or a JSON Lines file (.jsonl), indexed into a\n"
  "temporary corpus first.  docs/analysis.md gives the formulas.\n";

/* ------------------------------------------------------------------------
 * Shared: open DIR as a corpus, or index raw articles
 * ------------------------------------------------------------------------ */

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

int cli_stats_open(cli_stats_corpus *sc, const char *path) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  char manifest[4200];
  struct stat st;
  size_t n = strlen(path);
  int rc;

  memset(sc, 0, sizeof *sc);
  snprintf(manifest, sizeof manifest, "%s/MANIFEST", path);
  if (stat(manifest, &st) == 0) {
    o.flags = KZ_CORPUS_READONLY;
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

/* ------------------------------------------------------------------------
 * kz colloc
 * ------------------------------------------------------------------------ */

int cli_cmd_colloc(int argc, char **argv) {
  cli_args a;
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  cli_stats_corpus sc;
  kz_colloc *r;
  const char *v;
  unsigned long n, win = 5, left = 0, right = 0;
  int json = 0, r2, rc, have_lr = 0;

  o.min_freq = 3;
  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (!strcmp(a.opt, "--window") || !strcmp(a.opt, "--left") || !strcmp(a.opt, "--right")) {
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if (cli_parse_count(a.opt, v, a.opt[2] == 'w', 1000, &n)) return CLI_USAGE;
      if (a.opt[2] == 'w') win = n;
      else if (a.opt[2] == 'l') left = n, have_lr |= 1;
      else right = n, have_lr |= 2;
    } else if (!strcmp(a.opt, "--measure")) {
      int m;
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if ((m = kz_measure_from_name(v)) < 0)
        return cli_usage_error("bad --measure '%s' (logdice, mi, t, g2 or freq)", v);
      o.measure = m;
    } else if (!strcmp(a.opt, "--min-freq") || !strcmp(a.opt, "--limit")) {
      int lim = !strcmp(a.opt, "--limit");
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      if (cli_parse_count(a.opt, v, lim, (unsigned long)-1 >> 1, &n)) return CLI_USAGE;
      if (lim) o.limit = n;
      else o.min_freq = n;
    } else if (!strcmp(a.opt, "--filter")) {
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      o.filter = v;
      o.filter_len = strlen(v);
    } else if ((r2 = cli_args_flag(&a, "--stopwords")) != 0) {
      if (r2 < 0) return CLI_USAGE;
      o.flags |= KZ_STATS_SKIP_STOPWORDS;
    } else if ((r2 = cli_args_flag(&a, "--json")) != 0) {
      if (r2 < 0) return CLI_USAGE;
      json = 1;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops != 2) return cli_usage_error("expected DIR and QUERY");
  o.left = have_lr & 1 ? (unsigned)left : (unsigned)win;
  o.right = have_lr & 2 ? (unsigned)right : (unsigned)win;
  if (o.left == 0 && o.right == 0) return cli_usage_error("the window holds no word");
  if (cli_stats_open(&sc, a.ops[0])) return CLI_FAIL;
  rc = kz_corpus_collocations(&r, sc.c, a.ops[1], strlen(a.ops[1]), &o);
  if (rc) {
    cli_error("%s", kz_last_errmsg());
    cli_stats_close(&sc);
    return rc == KZ_EQUERY ? CLI_USAGE : CLI_FAIL;
  }
  if (json) {
    kz_buf out = KZ_BUF_INIT;
    rc = cli_print_json(kz_colloc_to_json(r, &out), &out);
  } else {
    printf("# %s: %llu matches in %llu documents; window %u/%u: %llu words of %llu\n", a.ops[1],
           (unsigned long long)kz_colloc_node_freq(r), (unsigned long long)kz_colloc_node_docs(r), o.left,
           o.right, (unsigned long long)kz_colloc_window_tokens(r),
           (unsigned long long)kz_colloc_corpus_tokens(r));
    printf("%-24s %8s %9s %8s %8s %8s %9s %8s\n", "term", "observed", "expected", "freq", "mi", "t",
           "g2", "logdice");
    for (size_t i = 0; i < kz_colloc_count(r); i++) {
      kz_colloc_row w;
      kz_colloc_row_get(r, i, &w);
      cli_write_escaped(stdout, w.term, w.term_len);
      for (size_t k = w.term_len; k < 24; k++) putc(' ', stdout);
      printf(" %8llu %9.3f %8llu %8.3f %8.3f %9.3f %8.3f\n", (unsigned long long)w.observed, w.expected,
             (unsigned long long)w.freq, w.mi, w.t_score, w.g2, w.log_dice);
    }
    rc = CLI_OK;
  }
  kz_colloc_free(r);
  cli_stats_close(&sc);
  return rc;
}
