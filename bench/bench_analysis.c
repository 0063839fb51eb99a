/*
 * bench_analysis.c - speed of quote, number and mention extraction, and a
 * JSON dump used by bench/analysis_eval.py.
 *
 *   bench_analysis [--seconds S] [FILE...]
 *       Parse each file (default: the seed articles) once, then run
 *       quotes + numbers + mentions over the parsed articles repeatedly for
 *       about S/5 seconds each (default S = 2) and print MB/s of body text
 *       (and of the raw input): first kz_article_analyze() (one pass), then
 *       the three single calls in turn, then each extractor alone.  Parsing
 *       is not timed.  Rates are given by the wall clock and by the
 *       process's CPU time (the honest figure when other jobs share the
 *       cores).
 *   bench_analysis [--seconds S] --jsonl FILE
 *       The same over the "text" field of each line of a JSON Lines file
 *       (shared/data/news/news.jsonl): kz_text_analyze() against the three
 *       kz_text_* calls, each for at least one pass or S/2 seconds.
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

/* CPU time of this process: on a loaded machine the wall clock measures
 * the other processes too. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
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

/* ---------------------------------------------------------------------
 * --jsonl: the "text" field of each line of a JSON Lines file
 * --------------------------------------------------------------------- */

static void put_utf8(char **o, unsigned long c) {
  char *p = *o;
  if (c < 0x80) *p++ = (char)c;
  else if (c < 0x800) { *p++ = (char)(0xc0 | (c >> 6)); *p++ = (char)(0x80 | (c & 0x3f)); }
  else if (c < 0x10000) {
    *p++ = (char)(0xe0 | (c >> 12));
    *p++ = (char)(0x80 | ((c >> 6) & 0x3f));
    *p++ = (char)(0x80 | (c & 0x3f));
  } else {
    *p++ = (char)(0xf0 | (c >> 18));
    *p++ = (char)(0x80 | ((c >> 12) & 0x3f));
    *p++ = (char)(0x80 | ((c >> 6) & 0x3f));
    *p++ = (char)(0x80 | (c & 0x3f));
  }
  *o = p;
}

/* Decode the JSON string value of "text" in line (in place); NULL when the
 * line has none. */
static char *text_field(char *line, size_t *len) {
  char *p = strstr(line, "\"text\":"), *o, *start;
  if (p == NULL) return NULL;
  p += 7;
  while (*p == ' ') p++;
  if (*p != '"') return NULL;
  start = o = ++p;
  while (*p && *p != '"') {
    if (*p != '\\') { *o++ = *p++; continue; }
    p++;
    switch (*p) {
      case 'n': *o++ = '\n'; p++; break;
      case 't': *o++ = '\t'; p++; break;
      case 'r': *o++ = '\r'; p++; break;
      case 'b': case 'f': *o++ = ' '; p++; break;
      case 'u': {
        unsigned long c = strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
        p += 5;
        if (c >= 0xd800 && c < 0xdc00 && p[0] == '\\' && p[1] == 'u') {
          unsigned long lo = strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
          if (lo >= 0xdc00 && lo < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00); p += 6; }
        }
        put_utf8(&o, c);
        break;
      }
      case 0: break;
      default: *o++ = *p++; break;
    }
  }
  *len = (size_t)(o - start);
  return start;
}

static int bench_jsonl(const char *path, double secs) {
  FILE *f = fopen(path, "rb");
  char *line = NULL, **texts = NULL;
  size_t cap = 0, *lens = NULL, n = 0, ncap = 0, total = 0, i;
  ssize_t got;
  int w;
  if (f == NULL) { perror(path); return 1; }
  while ((got = getline(&line, &cap, f)) > 0) {
    size_t len;
    char *t = text_field(line, &len);
    if (t == NULL) continue;
    if (n == ncap) {
      ncap = ncap ? ncap * 2 : 1024;
      texts = realloc(texts, ncap * sizeof *texts);
      lens = realloc(lens, ncap * sizeof *lens);
      if (texts == NULL || lens == NULL) return 1;
    }
    texts[n] = malloc(len + 1);
    if (texts[n] == NULL) return 1;
    memcpy(texts[n], t, len);
    texts[n][len] = 0;
    lens[n++] = len;
    total += len;
  }
  free(line);
  fclose(f);
  for (w = 0; w < 2; w++) {
    double t0 = now(), c0 = cpu_now(), t, c;
    size_t rounds = 0, done = 0;
    do {
      for (i = 0; i < n; i++) {
        kz_analysis *r = NULL;
        kz_quotes *q = NULL;
        kz_numbers *nb = NULL;
        kz_mentions *m = NULL;
        if ((w == 0 && kz_text_analyze(&r, texts[i], lens[i], "en", KZ_ANALYZE_ALL)) ||
            (w == 1 && (kz_text_quotes(&q, texts[i], lens[i], "en") ||
                        kz_text_numbers(&nb, texts[i], lens[i], "en") ||
                        kz_text_mentions(&m, texts[i], lens[i], "en")))) {
          fprintf(stderr, "extraction failed: %s\n", kz_last_errmsg());
          return 1;
        }
        kz_analysis_free(r);
        kz_quotes_free(q);
        kz_numbers_free(nb);
        kz_mentions_free(m);
        done += lens[i];
      }
      rounds++;
      t = now() - t0;
    } while (t < secs / 2);
    c = cpu_now() - c0;
    printf("%-26s %6.1f MB/s (%6.1f MB/s CPU time) over %zu texts, %.1f MB, %zu round(s)\n",
           w == 0 ? "kz_text_analyze (all)" : "three calls in turn", (double)done / 1e6 / t,
           (double)done / 1e6 / c, n, (double)total / 1e6, rounds);
  }
  for (i = 0; i < n; i++) free(texts[i]);
  free(texts);
  free(lens);
  return 0;
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
    else if (strcmp(argv[i], "--jsonl") == 0 && i + 1 < argc) return bench_jsonl(argv[i + 1], secs);
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
    static const char *const what[] = {"kz_article_analyze (all)", "three calls in turn", "quotes",
                                       "numbers", "mentions"};
    int w;
    for (w = 0; w < 5; w++) {
      double c0 = cpu_now(), c;
      rounds = 0;
      t0 = now();
      do {
        for (i = 0; i < nfiles; i++) {
          kz_analysis *r = NULL;
          kz_quotes *q = NULL;
          kz_numbers *n = NULL;
          kz_mentions *m = NULL;
          if ((w == 0 && kz_article_analyze(&r, arts[i], KZ_ANALYZE_ALL)) ||
              ((w == 1 || w == 2) && kz_article_quotes(&q, arts[i])) ||
              ((w == 1 || w == 3) && kz_article_numbers(&n, arts[i])) ||
              ((w == 1 || w == 4) && kz_article_mentions(&m, arts[i]))) {
            fprintf(stderr, "extraction failed: %s\n", kz_last_errmsg());
            return 1;
          }
          kz_analysis_free(r);
          kz_quotes_free(q);
          kz_numbers_free(n);
          kz_mentions_free(m);
        }
        rounds++;
        t = now() - t0;
      } while (t < secs / 5);
      c = cpu_now() - c0;
      printf("%-26s %6.1f MB/s of body text (%6.1f MB/s CPU time), %6.1f MB/s of raw input"
             " (%zu x %d articles)\n",
             what[w], (double)(body * rounds) / 1e6 / t, (double)(body * rounds) / 1e6 / c,
             (double)(raw * rounds) / 1e6 / t, rounds, nfiles);
    }
  }
  for (i = 0; i < nfiles; i++) kz_article_free(arts[i]);
  return 0;
}
