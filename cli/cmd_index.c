/*
 * cmd_index.c - "kz index": build or extend a corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kz/corpus.h"

const char cli_usage_index[] =
  "usage: kz index -o DIR [--jsonl] [--stem LANG|none] [--fold-diacritics]\n"
  "                [--memory MB] PATH...\n"
  "\n"
  "Add documents to the corpus in directory DIR (created when missing) and\n"
  "commit.  Each PATH is a raw article file (parsed by the article parser,\n"
  "keyed by its path), a directory (every file below it, recursively), or\n"
  "with --jsonl a JSON Lines file, plain or compressed with gzip or zstd\n"
  "(one object a line with id, title, text and optional date, source,\n"
  "author, url, language; without an id the url is the key; news-please's, NewsAPI's\n"
  "and CC-News's member names are read too; bad lines are skipped and\n"
  "reported).  Adding a key that exists replaces the document.\n"
  "\n"
  "Options:\n"
  "  -o, --output DIR    the corpus directory (required)\n"
  "  --jsonl             the PATHs are JSON Lines files\n"
  "  --stem LANG|none    Snowball stemming for LANG (new corpus only)\n"
  "  --fold-diacritics   fold diacritics (new corpus only)\n"
  "  --memory MB         indexing memory budget (default 256)\n"
  "A progress line is shown on a terminal; a summary is printed at the end.\n"
  "Exit status 1 when a PATH could not be read or nothing of it could be\n"
  "added (every line or file bad); the documents of the others are still\n"
  "committed.\n";

typedef struct progress {
  int tty;
  uint64_t done;        /* bytes read of the current PATH, as last reported */
  uint64_t docs;        /* documents added from it, as last reported */
  double t0;
  uint64_t base_docs;   /* documents added from the PATHs before it */
  time_t last;
} progress;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_progress(uint64_t done, uint64_t total, uint64_t docs, void *payload) {
  progress *p = payload;
  time_t t;
  p->done = done;
  p->docs = docs;
  if (!p->tty || (t = time(NULL)) == p->last) return 0;
  p->last = t;
  if (total)
    fprintf(stderr, "\r  %llu documents, %.1f / %.1f MB (%3.0f%%)   ",
            (unsigned long long)(p->base_docs + docs), (double)done / 1e6, (double)total / 1e6,
            100.0 * (double)done / (double)total);
  else
    fprintf(stderr, "\r  %llu documents, %.1f MB   ", (unsigned long long)(p->base_docs + docs),
            (double)done / 1e6);
  return 0;
}

int cli_cmd_index(int argc, char **argv) {
  cli_args a;
  const char *out = NULL, *stem = NULL, *v;
  int jsonl = 0, fold = 0, r, status = CLI_OK;
  unsigned long mem = 0;
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  progress pg = {0};
  uint64_t before, bytes = 0, bad = 0;
  double t0;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (strcmp(a.opt, "-o") == 0 || strcmp(a.opt, "--output") == 0) {
      if ((out = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else if (strcmp(a.opt, "--stem") == 0) {
      if ((stem = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else if (strcmp(a.opt, "--memory") == 0) {
      char *end;
      if ((v = cli_args_value(&a)) == NULL) return CLI_USAGE;
      mem = strtoul(v, &end, 10);
      if (*end || mem == 0 || mem > 1000000) return cli_usage_error("bad --memory '%s'", v);
    } else if ((r = cli_args_flag(&a, "--jsonl")) != 0) {
      if (r < 0) return CLI_USAGE;
      jsonl = 1;
    } else if ((r = cli_args_flag(&a, "--fold-diacritics")) != 0) {
      if (r < 0) return CLI_USAGE;
      fold = 1;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (!out) return cli_usage_error("no corpus directory (-o DIR)");
  if (a.nops == 0) return cli_usage_error("nothing to index");
  o.flags = KZ_CORPUS_CREATE;
  if (stem && strcmp(stem, "none") != 0) {
    o.analyzer_flags |= KZ_TOK_STEM;
    o.language = stem;
  }
  if (fold) o.analyzer_flags |= KZ_TOK_FOLD_DIACRITICS;
  o.memory_budget = (size_t)mem << 20;
  if (kz_corpus_open(&c, out, &o) != KZ_OK) {
    cli_error("%s: %s", out, kz_last_errmsg());
    return CLI_FAIL;
  }
  pg.tty = isatty(STDERR_FILENO);
  before = kz_corpus_count_docs(c);
  t0 = now();
  for (int i = 0; i < a.nops; i++) {
    const char *path = a.ops[i];
    struct stat st;
    uint64_t skipped = 0;
    int rc;
    if (stat(path, &st) != 0) {
      cli_error("%s: no such file or directory", path);
      status = CLI_FAIL;
      continue;
    }
    pg.docs = 0;
    if (jsonl) {
      rc = kz_corpus_add_jsonl(c, path, 0, &skipped, on_progress, &pg);
      if (rc == KZ_OK && skipped) cli_error("%s", kz_last_errmsg());
      bad += skipped;
      bytes += (uint64_t)st.st_size;
    } else if (S_ISDIR(st.st_mode)) {
      pg.done = 0;
      rc = kz_corpus_add_dir(c, path, &skipped, on_progress, &pg);
      if (rc == KZ_OK && skipped) cli_error("%s: %s", path, kz_last_errmsg());
      bad += skipped;
      bytes += pg.done;
    } else {
      rc = kz_corpus_add_file(c, path);
      if (rc == KZ_OK) bytes += (uint64_t)st.st_size;
    }
    if (rc != KZ_OK) {
      const char *m = kz_last_errmsg();
      /* the parser's messages name the file already */
      if (strncmp(m, path, strlen(path)) == 0) cli_error("%s", m);
      else cli_error("%s: %s", path, m);
      status = CLI_FAIL;
      if (rc == KZ_EBUSY || rc == KZ_ENOMEM) break;
    } else if (skipped && pg.docs == 0) {
      /* nothing of it could be added: the wrong file, not a partial one */
      cli_error("%s: nothing added (%llu bad %s)", path, (unsigned long long)skipped,
                jsonl ? "line(s)" : "file(s)");
      status = CLI_FAIL;
    }
    pg.base_docs += pg.docs;
  }
  if (pg.tty) fputs("\r\033[K", stderr);
  if (kz_corpus_commit(c) != KZ_OK) {
    cli_error("commit: %s", kz_last_errmsg());
    kz_corpus_close(c);
    return CLI_FAIL;
  }
  {
    kz_corpus_stats st;
    double dt = now() - t0;
    kz_corpus_stats_get(c, &st);
    fprintf(stderr,
            "indexed %llu input(s) in %.2f s (%.1f MB/s); %llu bad line(s) or file(s) skipped\n"
            "corpus %s: %llu documents (%+lld), %llu segment(s), %.1f MB on disk\n",
            (unsigned long long)a.nops, dt, bytes && dt > 0 ? (double)bytes / 1e6 / dt : 0.0,
            (unsigned long long)bad, out, (unsigned long long)st.docs,
            (long long)st.docs - (long long)before, (unsigned long long)st.segments,
            (double)st.bytes_total / 1e6);
  }
  kz_corpus_close(c);
  return status;
}
