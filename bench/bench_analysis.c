/*
 * bench_analysis.c - speed of quote, number and mention extraction, and a
 * JSON dump used by bench/analysis_eval.py.
 *
 *   bench_analysis [--seconds S] [FILE...]
 *       Parse each file (default: the seed articles) once, then run
 *       quotes + numbers + mentions over the parsed articles repeatedly for
 *       about S seconds (default 2) and print MB/s of body text (and of the
 *       raw input), then each extractor alone.  Parsing is not timed.
 *   bench_analysis --quotes|--numbers|--mentions|--entities FILE...
 *       Print JSON lines (kz_quotes_to_json() etc.; doc = file name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kz.h"
#include "kz/article.h"
#include "kz/analysis.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *base(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static int dump(const char *mode, int argc, char **argv) {
  int i, rc = 0;
  kz_entities *es = NULL;
  if (strcmp(mode, "--entities") == 0 && kz_entities_new(&es) != KZ_OK) return 1;
  for (i = 0; i < argc; i++) {
    kz_article *a = NULL;
    kz_buf out = KZ_BUF_INIT;
    int r = kz_article_parse_file(&a, argv[i], NULL);
    if (r != KZ_OK) {
      fprintf(stderr, "%s: %s\n", argv[i], kz_last_errmsg());
      rc = 1;
      continue;
    }
    if (strcmp(mode, "--quotes") == 0) {
      kz_quotes *q = NULL;
      r = kz_article_quotes(&q, a);
      if (r == KZ_OK) r = kz_quotes_to_json(q, base(argv[i]), &out);
      kz_quotes_free(q);
    } else if (strcmp(mode, "--numbers") == 0) {
      kz_numbers *n = NULL;
      r = kz_article_numbers(&n, a);
      if (r == KZ_OK) r = kz_numbers_to_json(n, base(argv[i]), &out);
      kz_numbers_free(n);
    } else if (strcmp(mode, "--mentions") == 0) {
      kz_mentions *m = NULL;
      size_t j;
      r = kz_article_mentions(&m, a);
      for (j = 0; r == KZ_OK && j < kz_mentions_count(m); j++)
        printf("%s\t%s\t%s\t%zd\n", base(argv[i]), kz_entity_kind_name(kz_mention_kind(m, j)),
               kz_mention_text(m, j), (ssize_t)kz_mention_start(m, j));
      kz_mentions_free(m);
    } else if (es) {
      r = kz_entities_add_article(es, a, base(argv[i]));
    }
    if (r != KZ_OK) {
      fprintf(stderr, "%s: %s\n", argv[i], kz_last_errmsg());
      rc = 1;
    }
    if (out.ptr) fputs(out.ptr, stdout);
    kz_buf_dispose(&out);
    kz_article_free(a);
  }
  if (es) {
    kz_buf out = KZ_BUF_INIT;
    if (kz_entities_cluster(es) == KZ_OK && kz_entities_to_json(es, &out) == KZ_OK)
      fputs(out.ptr ? out.ptr : "", stdout);
    else
      rc = 1;
    kz_buf_dispose(&out);
    kz_entities_free(es);
  }
  return rc;
}

int main(int argc, char **argv) {
  double secs = 2.0, t0, t;
  int i, nfiles = 0;
  const char *files[64];
  kz_article *arts[64];
  size_t body = 0, raw = 0, rounds = 0;
  char seedpath[8][512];
  if (argc > 1 && (strcmp(argv[1], "--quotes") == 0 || strcmp(argv[1], "--numbers") == 0 ||
                   strcmp(argv[1], "--mentions") == 0 || strcmp(argv[1], "--entities") == 0))
    return dump(argv[1], argc - 2, argv + 2);
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) secs = atof(argv[++i]);
    else if (nfiles < 64) files[nfiles++] = argv[i];
  }
  if (nfiles == 0) {
    static const char *seeds[] = {"000_263d34c5b9433d99", "001_ab822a0e62d101c9",
                                  "002_b03ce63f8eeabc7f", "003_fc91008267daa0a1",
                                  "004_bbc49ac9c8e5d2ae"};
    for (i = 0; i < 5; i++) {
      snprintf(seedpath[i], sizeof seedpath[i], "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, seeds[i]);
      files[nfiles++] = seedpath[i];
    }
  }
  for (i = 0; i < nfiles; i++) {
    FILE *f = fopen(files[i], "rb");
    if (f) { fseek(f, 0, SEEK_END); raw += (size_t)ftell(f); fclose(f); }
    if (kz_article_parse_file(&arts[i], files[i], NULL) != KZ_OK) {
      fprintf(stderr, "%s: %s\n", files[i], kz_last_errmsg());
      return 1;
    }
    body += strlen(kz_article_body(arts[i]));
  }
  {
    static const char *const what[] = {"quotes+numbers+mentions", "quotes", "numbers", "mentions"};
    int w;
    for (w = 0; w < 4; w++) {
      rounds = 0;
      t0 = now();
      do {
        for (i = 0; i < nfiles; i++) {
          kz_quotes *q = NULL;
          kz_numbers *n = NULL;
          kz_mentions *m = NULL;
          if (((w == 0 || w == 1) && kz_article_quotes(&q, arts[i])) ||
              ((w == 0 || w == 2) && kz_article_numbers(&n, arts[i])) ||
              ((w == 0 || w == 3) && kz_article_mentions(&m, arts[i]))) {
            fprintf(stderr, "extraction failed: %s\n", kz_last_errmsg());
            return 1;
          }
          kz_quotes_free(q);
          kz_numbers_free(n);
          kz_mentions_free(m);
        }
        rounds++;
        t = now() - t0;
      } while (t < secs / 4);
      printf("%-24s %6.1f MB/s of body text, %6.1f MB/s of raw input (%zu x %d articles)\n", what[w],
             (double)(body * rounds) / 1e6 / t, (double)(raw * rounds) / 1e6 / t, rounds, nfiles);
    }
  }
  for (i = 0; i < nfiles; i++) kz_article_free(arts[i]);
  return 0;
}
