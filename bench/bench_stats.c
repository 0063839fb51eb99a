/*
 * bench_stats.c - speed of the corpus statistics (kz/stats.h).
 *
 *   bench_stats [--corpus DIR] [--reps N] [FILE.jsonl]
 *
 * Indexes FILE.jsonl (default ../shared/data/news/news.jsonl) into a
 * temporary corpus (or opens the existing corpus DIR, which is then kept),
 * then times collocations, keyness, n-grams, dispersion and the
 * document-term matrix on it.  Each figure is the median of N runs
 * (default 5) after one warm-up run, in milliseconds of process CPU time
 * and of wall time.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kz.h"

static double now(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef int (*job_fn)(kz_corpus *c, const void *arg, char *what, size_t cap);

static int reps = 5;

static void run(kz_corpus *c, const char *name, job_fn fn, const void *arg) {
  double cpu[64], wall[64];
  char what[256] = "";
  int n = reps < 64 ? reps : 64;
  if (fn(c, arg, what, sizeof what)) {
    printf("%-44s  FAILED: %s\n", name, kz_last_errmsg());
    return;
  }
  for (int i = 0; i < n; i++) {
    double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
    fn(c, arg, what, sizeof what);
    cpu[i] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    wall[i] = now(CLOCK_MONOTONIC) - w0;
  }
  qsort(cpu, (size_t)n, sizeof *cpu, cmpd);
  qsort(wall, (size_t)n, sizeof *wall, cmpd);
  printf("%-44s %8.1f ms CPU %8.1f ms wall   %s\n", name, cpu[n / 2], wall[n / 2], what);
}

typedef struct colloc_arg { const char *q, *filter; int measure; } colloc_arg;

static int job_colloc(kz_corpus *c, const void *p, char *what, size_t cap) {
  const colloc_arg *a = p;
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_colloc *r;
  kz_colloc_row row;
  int rc;
  o.filter = a->filter;
  o.filter_len = a->filter ? strlen(a->filter) : 0;
  o.measure = a->measure;
  o.min_freq = 3;
  rc = kz_corpus_collocations(&r, c, a->q, strlen(a->q), &o);
  if (rc) return rc;
  snprintf(what, cap, "%llu nodes, %zu collocates, top: %s", (unsigned long long)kz_colloc_node_freq(r),
           kz_colloc_count(r), kz_colloc_row_get(r, 0, &row) == KZ_OK ? row.term : "-");
  kz_colloc_free(r);
  return 0;
}

typedef struct key_arg { const char *t, *r; } key_arg;

static int job_keyness(kz_corpus *c, const void *p, char *what, size_t cap) {
  const key_arg *a = p;
  kz_keyness *k;
  kz_keyword_row row;
  int rc = kz_corpus_keyness(&k, c, a->t, strlen(a->t), a->r, a->r ? strlen(a->r) : 0, NULL);
  if (rc) return rc;
  snprintf(what, cap, "%zu words, %llu vs %llu tokens, top: %s", kz_keyness_count(k),
           (unsigned long long)kz_keyness_target_tokens(k), (unsigned long long)kz_keyness_reference_tokens(k),
           kz_keyness_row_get(k, 0, &row) == KZ_OK ? row.term : "-");
  kz_keyness_free(k);
  return 0;
}

static int job_ngrams(kz_corpus *c, const void *p, char *what, size_t cap) {
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_ngrams *g;
  kz_ngram_row row;
  int rc;
  o.n = *(const unsigned *)p;
  o.min_freq = 2;
  rc = kz_corpus_ngrams(&g, c, &o);
  if (rc) return rc;
  snprintf(what, cap, "%llu %u-grams, %zu with freq >= 2, top: %s", (unsigned long long)kz_ngrams_total(g), o.n,
           kz_ngrams_count(g), kz_ngrams_row_get(g, 0, &row) == KZ_OK ? row.text : "-");
  kz_ngrams_free(g);
  return 0;
}

static int job_dispersion(kz_corpus *c, const void *p, char *what, size_t cap) {
  const char *q = p;
  kz_dispersion *d;
  kz_dispersion_summary s;
  int rc = kz_corpus_dispersion(&d, c, q, strlen(q), NULL);
  if (rc) return rc;
  kz_dispersion_summary_get(d, &s);
  snprintf(what, cap, "%llu hits in %llu docs, DP %.3f, D %.3f", (unsigned long long)s.hits,
           (unsigned long long)s.range, s.dp, s.juilland_d);
  kz_dispersion_free(d);
  return 0;
}

static int job_dtm(kz_corpus *c, const void *p, char *what, size_t cap) {
  kz_stats_options o = KZ_STATS_OPTIONS_INIT;
  kz_dtm *m;
  int rc;
  (void)p;
  o.flags = KZ_STATS_TFIDF | KZ_STATS_L2;
  o.min_df = 2;
  rc = kz_corpus_dtm(&m, c, &o);
  if (rc) return rc;
  snprintf(what, cap, "%zu x %zu, %zu nonzero (tf-idf, l2, min_df 2)", kz_dtm_rows(m), kz_dtm_cols(m),
           kz_dtm_nnz(m));
  kz_dtm_free(m);
  return 0;
}

static void rmrf(const char *dir) {
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

int main(int argc, char **argv) {
  const char *file = KZ_SHARED_DATA "/news/news.jsonl", *dir = NULL;
  char tmp[64] = "", cdir[128];
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  int i;
  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--corpus") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else file = argv[i];
  }
  if (reps < 1) reps = 1;
  if (!dir) {
    double t0 = now(CLOCK_MONOTONIC);
    uint64_t skipped = 0;
    snprintf(tmp, sizeof tmp, "/tmp/kzbenchstatsXXXXXX");
    if (!mkdtemp(tmp)) return 1;
    snprintf(cdir, sizeof cdir, "%s/c", tmp);
    dir = cdir;
    o.flags = KZ_CORPUS_CREATE;
    if (kz_corpus_open(&c, dir, &o) || kz_corpus_add_jsonl(c, file, 0, &skipped, NULL, NULL) ||
        kz_corpus_optimize(c)) {
      fprintf(stderr, "indexing %s: %s\n", file, kz_last_errmsg());
      return 1;
    }
    kz_corpus_close(c);
    printf("indexed %s in %.1f s\n", file, (now(CLOCK_MONOTONIC) - t0) / 1e3);
  }
  o.flags = KZ_CORPUS_READONLY;
  if (kz_corpus_open(&c, dir, &o)) {
    fprintf(stderr, "%s: %s\n", dir, kz_last_errmsg());
    return 1;
  }
  printf("%llu documents; median of %d runs\n", (unsigned long long)kz_corpus_count_docs(c), reps);
  {
    static const colloc_arg ca[] = {
      {"oil", NULL, KZ_MEASURE_LOGDICE},        {"said", NULL, KZ_MEASURE_LOGDICE},
      {"prices", NULL, KZ_MEASURE_G2},          {"\"interest rates\"", NULL, KZ_MEASURE_MI},
      {"bank*", NULL, KZ_MEASURE_LOGDICE},      {"oil", "date:1987-03", KZ_MEASURE_LOGDICE},
      {"dollar NEAR/3 yen", NULL, KZ_MEASURE_LOGDICE}};
    static const key_arg ka[] = {{"date:1987-04", NULL}, {"oil", NULL}, {"date:1987-03", "date:1987-04"},
                                 {"title:bank*", NULL}};
    static const unsigned ng[] = {1, 2, 3};
    char name[96];
    for (size_t k = 0; k < sizeof ca / sizeof ca[0]; k++) {
      snprintf(name, sizeof name, "collocations %s%s%s (%s)", ca[k].q, ca[k].filter ? " in " : "",
               ca[k].filter ? ca[k].filter : "", kz_measure_name(ca[k].measure));
      run(c, name, job_colloc, &ca[k]);
    }
    for (size_t k = 0; k < sizeof ka / sizeof ka[0]; k++) {
      snprintf(name, sizeof name, "keyness %s vs %s", ka[k].t, ka[k].r ? ka[k].r : "rest");
      run(c, name, job_keyness, &ka[k]);
    }
    for (size_t k = 0; k < sizeof ng / sizeof ng[0]; k++) {
      snprintf(name, sizeof name, "ngrams n=%u (all documents)", ng[k]);
      run(c, name, job_ngrams, &ng[k]);
    }
    run(c, "dispersion oil", job_dispersion, "oil");
    run(c, "dtm (all documents)", job_dtm, NULL);
  }
  kz_corpus_close(c);
  if (tmp[0]) {
    rmrf(cdir);
    rmdir(tmp);
  }
  return 0;
}
