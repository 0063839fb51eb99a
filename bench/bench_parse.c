/*
 * bench_parse.c - article parser throughput, and a JSON driver for the
 * evaluation scripts.
 *
 *   bench_parse [DIR]          MB/s on the seed articles (DIR, default
 *                              examples/corpus) repeated to 100 MB, and on a
 *                              single 10 MB line
 *   bench_parse --json FILE... one JSON article per line (like kz parse --json)
 *   bench_parse --jsonl        read JSON-lines {"id":..,"text":..} is not
 *                              supported; use --json with files
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kz.h"
#include "kz/article.h"

#ifndef KZ_SOURCE_DIR
#define KZ_SOURCE_DIR "."
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
  fclose(f);
  if (buf) { buf[n] = 0; *len = (size_t)n; }
  return buf;
}

static int json_mode(int argc, char **argv) {
  int i, st = 0;
  for (i = 2; i < argc; i++) {
    kz_article *a;
    kz_buf out = KZ_BUF_INIT;
    int rc = kz_article_parse_file(&a, argv[i], NULL);
    if (rc) { fprintf(stderr, "%s: %s\n", argv[i], kz_last_errmsg()); st = 1; puts("null"); continue; }
    if (kz_article_to_json(a, &out) == 0) { fwrite(out.ptr, 1, out.len, stdout); putchar('\n'); }
    kz_buf_dispose(&out);
    kz_article_free(a);
  }
  return st;
}

/* Parse data three times; print the best wall-clock time and the CPU time
 * of that run (on a shared machine the CPU time is the steadier figure). */
static double run(const char *data, size_t len, const char *what) {
  double best = 0, best_cpu = 0;
  size_t blocks = 0;
  int k;
  for (k = 0; k < 3; k++) {
    kz_article *a;
    double t0 = now(), c0 = cpu_now(), dt, dc;
    int rc = kz_article_parse(&a, data, len, NULL);
    dt = now() - t0;
    dc = cpu_now() - c0;
    if (rc) { fprintf(stderr, "%s: %s\n", what, kz_last_errmsg()); return 0; }
    blocks = kz_article_block_count(a);
    kz_article_free(a);
    if (k == 0 || dt < best) { best = dt; best_cpu = dc; }
  }
  printf("%-26s %7.1f MB  wall %6.3f s %7.1f MB/s  cpu %6.3f s %7.1f MB/s  (%zu blocks)\n",
         what, len / 1e6, best, len / 1e6 / best, best_cpu, len / 1e6 / best_cpu, blocks);
  return len / 1e6 / best;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : KZ_SOURCE_DIR "/examples/corpus";
  char *seeds = NULL, *big;
  size_t slen = 0, blen, target = 100u << 20, i;
  DIR *dh;
  struct dirent *de;
  if (argc > 1 && strcmp(argv[1], "--json") == 0) return json_mode(argc, argv);
  dh = opendir(dir);
  if (!dh) { fprintf(stderr, "cannot open %s\n", dir); return 1; }
  while ((de = readdir(dh))) {
    char path[4096];
    size_t n;
    char *t;
    if (!strstr(de->d_name, ".txt")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    t = slurp(path, &n);
    if (!t) continue;
    seeds = realloc(seeds, slen + n + 2);
    memcpy(seeds + slen, t, n);
    slen += n;
    seeds[slen++] = '\n';
    seeds[slen++] = '\n';
    free(t);
  }
  closedir(dh);
  if (!slen) { fprintf(stderr, "no seeds in %s\n", dir); return 1; }
  run(seeds, slen, "seeds once");
  big = malloc(target + slen);
  for (blen = 0; blen < target; blen += slen) memcpy(big + blen, seeds, slen);
  run(big, blen, "seeds repeated to 100 MB");
  /* one 10 MB line: the seeds' text with line breaks turned to spaces */
  blen = 10u << 20;
  for (i = 0; i < blen; i++) {
    char c = seeds[i % slen];
    big[i] = c == '\n' ? ' ' : c;
  }
  run(big, blen, "single 10 MB line");
  free(big);
  free(seeds);
  return 0;
}
