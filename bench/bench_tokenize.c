/*
 * bench_tokenize.c - tokenizer throughput against raw libunistring.
 *
 *     bench_tokenize [-r REPS] [-m METHODS] [-S] [FILE.jsonl ...]
 *
 * -m runs only the listed methods (letters, e.g. -m ab, handy under a
 * profiler); -S skips the seed-article corpus.
 * With no file, reads news.jsonl and news_bbc.jsonl from
 * KZ_SHARED_DATA/news (not shipped with libkz: skipped with a message when
 * absent).  Always also runs on the five seed articles of examples/corpus,
 * copied over and over into ~20 MB, since they hold curly quotes, dashes and
 * other non-ASCII text that takes the tokenizer's slow path.
 *
 * Each corpus is a list of documents (the "text" fields); every method
 * processes each document in one call, on one thread.  The figure is the
 * median of REPS (default 7) timed passes over all documents, after one
 * untimed warm-up pass, in MB/s (10^6 bytes of input per second of the
 * thread's CPU time):
 *
 *   (a) peer: libunistring u8_wordbreaks() over each document, then the
 *       non-blank segments collected into an array of (start, end), as a
 *       user of libunistring would do;
 *   (b) libkz boundaries only: KZ_TOK_PLAIN (no normalization, no joining),
 *       a callback that counts;
 *   (c) libkz full tokenization, KZ_TOK_DEFAULT;
 *   (d) (c) plus Snowball stemming, language "en";
 *   (e) (c) plus diacritic folding;
 *   (f) only with -m f: libkz's word segmenter alone (the internal
 *       kzi_word_segments() with a callback that counts each batch), to
 *       tell segmentation from token emission in (b).
 *
 * (a) and (b) must find the same number of segments; a difference is
 * printed as an error (and the exit status is 1).  Results are recorded in
 * bench/RESULTS.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unictype.h>
#include <unistr.h>
#include <uniwbrk.h>

#include "kz.h"
#include "kz_int.h" /* kzi_wordbreak_simd(), kzi_word_segments() */
#include "newsdata.h"

#define SEED_TARGET (20u * 1000u * 1000u)

typedef struct span {
  size_t start, end;
} span;

/* A corpus: documents pointing into memory owned elsewhere. */
typedef struct corpus {
  const char *name;
  const char **text;
  size_t *len;
  size_t count;
  size_t bytes;
} corpus;

/* Scratch of the peer method, reused across documents. */
typedef struct peer {
  char *brk;
  size_t brk_cap;
  span *spans;
  size_t nspans, spans_cap;
} peer;

/* CPU time of this thread: the machines this runs on are shared, and wall
 * time would count the time other processes hold the core. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL) {
    fprintf(stderr, "bench_tokenize: out of memory\n");
    exit(2);
  }
  return p;
}

/* ---- (a) the peer ----------------------------------------------------- */

/* Does s[0..n) hold a character that is not white space? */
static int peer_nonblank(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      if (s[i] != ' ' && (s[i] < '\t' || s[i] > '\r')) return 1;
      i++;
    } else {
      ucs4_t c;
      int k = u8_mbtouc(&c, s + i, n - i);
      if (!uc_is_property_white_space(c)) return 1;
      i += (size_t)k;
    }
  }
  return 0;
}

static size_t peer_doc(peer *p, const char *text, size_t len) {
  const uint8_t *s = (const uint8_t *)text;
  size_t i, start = 0;
  if (len > p->brk_cap) {
    p->brk = xrealloc(p->brk, len);
    p->brk_cap = len;
  }
  p->nspans = 0;
  if (len == 0) return 0;
  u8_wordbreaks(s, len, p->brk);
  for (i = 1; i <= len; i++) {
    if (i < len && !p->brk[i]) continue;
    if (peer_nonblank(s + start, i - start)) {
      if (p->nspans == p->spans_cap) {
        p->spans_cap = p->spans_cap ? 2 * p->spans_cap : 1024;
        p->spans = xrealloc(p->spans, p->spans_cap * sizeof *p->spans);
      }
      p->spans[p->nspans].start = start;
      p->spans[p->nspans].end = i;
      p->nspans++;
    }
    start = i;
  }
  return p->nspans;
}

/* ---- (b)-(e) libkz ---------------------------------------------------- */

static int count_token(const kz_token *t, void *payload) {
  size_t *n = payload;
  (void)t;
  (*n)++;
  return 0;
}

typedef struct method {
  const char *label;
  int peer;            /* 1: the libunistring peer; 2: the segmenter; 0: kz_tokenize */
  unsigned flags;
  const char *language;
} method;

static const method methods[] = {
    {"(a) libunistring u8_wordbreaks + spans", 1, 0, NULL},
    {"(b) libkz boundaries (KZ_TOK_PLAIN)", 0, KZ_TOK_PLAIN, NULL},
    {"(c) libkz KZ_TOK_DEFAULT", 0, KZ_TOK_DEFAULT, NULL},
    {"(d) libkz DEFAULT + STEM (en)", 0, KZ_TOK_DEFAULT | KZ_TOK_STEM, "en"},
    {"(e) libkz DEFAULT + FOLD_DIACRITICS", 0, KZ_TOK_DEFAULT | KZ_TOK_FOLD_DIACRITICS,
     NULL},
    {"(f) libkz segmenter alone (internal)", 2, KZ_TOK_PLAIN, NULL},
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static int count_segments(void *payload, const kzi_seg *seg, size_t n) {
  size_t *total = payload;
  (void)seg;
  *total += n;
  return 0;
}

/* One pass of method m over the corpus; returns the tokens found. */
static size_t one_pass(const method *m, const corpus *c, peer *p, kz_tokenizer *tk) {
  size_t d, total = 0;
  for (d = 0; d < c->count; d++) {
    if (m->peer == 1) {
      total += peer_doc(p, c->text[d], c->len[d]);
    } else if (m->peer == 2) {
      kzi_word_segments(tk, c->text[d], c->len[d], count_segments, &total);
    } else {
      int rc = kz_tokenize(tk, c->text[d], c->len[d], count_token, &total);
      if (rc != KZ_OK) {
        fprintf(stderr, "bench_tokenize: kz_tokenize: %s\n", kz_tokenizer_errmsg(tk));
        exit(2);
      }
    }
  }
  return total;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Time every method on c and print a table; returns 0, or 1 when (a) and
 * (b) disagree on the number of segments. */
static int bench_corpus(const corpus *c, int reps, const char *which) {
  double mbs[NMETHODS] = {0};
  size_t tokens[NMETHODS] = {0};
  double *t = xrealloc(NULL, (size_t)reps * sizeof *t);
  peer p;
  size_t mi;
  int r, bad = 0;

  memset(&p, 0, sizeof p);
  printf("\n%s: %zu documents, %.2f MB of text, median of %d passes\n", c->name,
         c->count, (double)c->bytes / 1e6, reps);
  printf("  %-42s %9s %8s %10s\n", "method", "MB/s", "vs (a)", "tokens");
  for (mi = 0; mi < NMETHODS; mi++) {
    const method *m = &methods[mi];
    kz_tokenizer *tk = NULL;
    if (strchr(which, (int)('a' + mi)) == NULL) continue;
    if (m->peer != 1) {
      kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
      o.flags = m->flags;
      o.language = m->language;
      if (kz_tokenizer_new(&tk, &o) != KZ_OK) {
        fprintf(stderr, "bench_tokenize: kz_tokenizer_new: %s\n", kz_last_errmsg());
        exit(2);
      }
    }
    tokens[mi] = one_pass(m, c, &p, tk); /* warm-up */
    for (r = 0; r < reps; r++) {
      double t0 = now();
      size_t n = one_pass(m, c, &p, tk);
      t[r] = now() - t0;
      if (n != tokens[mi]) {
        fprintf(stderr, "bench_tokenize: %s: token count changed between passes\n",
                m->label);
        exit(2);
      }
    }
    kz_tokenizer_free(tk);
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    mbs[mi] = (double)c->bytes / 1e6 / t[reps / 2];
    if (mbs[0] > 0)
      printf("  %-42s %9.1f %7.2fx %10zu\n", m->label, mbs[mi], mbs[mi] / mbs[0],
             tokens[mi]);
    else
      printf("  %-42s %9.1f %8s %10zu\n", m->label, mbs[mi], "-", tokens[mi]);
    fflush(stdout);
  }
  if (mbs[0] == 0 || mbs[1] == 0 || mbs[2] == 0) goto done;
  if (tokens[0] != tokens[1]) {
    fprintf(stderr, "bench_tokenize: ERROR: %s: libunistring found %zu segments, "
            "libkz KZ_TOK_PLAIN %zu\n", c->name, tokens[0], tokens[1]);
    bad = 1;
  }
  printf("  goal boundaries >= 5x: %.2fx %s; full normalization >= 2x: %.2fx %s\n",
         mbs[1] / mbs[0], mbs[1] / mbs[0] >= 5.0 ? "met" : "MISSED",
         mbs[2] / mbs[0], mbs[2] / mbs[0] >= 2.0 ? "met" : "MISSED");
done:
  free(p.brk);
  free(p.spans);
  free(t);
  return bad;
}

/* ---- corpora ---------------------------------------------------------- */

static void corpus_add(corpus *c, const char *text, size_t len) {
  c->text = xrealloc(c->text, (c->count + 1) * sizeof *c->text);
  c->len = xrealloc(c->len, (c->count + 1) * sizeof *c->len);
  c->text[c->count] = text;
  c->len[c->count] = len;
  c->count++;
  c->bytes += len;
}

static void corpus_free(corpus *c) {
  free(c->text);
  free(c->len);
}

/* The seed articles, copied into one buffer until it holds ~20 MB, so the
 * passes stream through memory like a real corpus. */
static char *seed_corpus(corpus *c) {
  static const char *const names[] = {
      "000_263d34c5b9433d99.txt", "001_ab822a0e62d101c9.txt",
      "002_b03ce63f8eeabc7f.txt", "003_fc91008267daa0a1.txt",
      "004_bbc49ac9c8e5d2ae.txt"};
  char *art[5], *buf, *o;
  size_t alen[5], once = 0, copies, i, k;
  char path[4096];
  for (i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "%s/examples/corpus/%s", KZ_SOURCE_DIR, names[i]);
    if ((art[i] = nd_read_file(path, &alen[i])) == NULL) {
      fprintf(stderr, "bench_tokenize: cannot read %s\n", path);
      exit(2);
    }
    once += alen[i];
  }
  copies = (SEED_TARGET + once - 1) / once;
  o = buf = xrealloc(NULL, copies * once);
  for (k = 0; k < copies; k++)
    for (i = 0; i < 5; i++) {
      memcpy(o, art[i], alen[i]);
      corpus_add(c, o, alen[i]);
      o += alen[i];
    }
  for (i = 0; i < 5; i++) free(art[i]);
  return buf;
}

int main(int argc, char **argv) {
  static char defaults[2][4096];
  const char *files[64];
  size_t nfiles = 0, f;
  const char *which = "abcde";
  int reps = 7, i, bad = 0, seed_too = 1;
  corpus seed;
  char *seedbuf;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
      reps = atoi(argv[++i]);
      if (reps < 1) reps = 1;
    } else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
      which = argv[++i];
    } else if (strcmp(argv[i], "-S") == 0) {
      seed_too = 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: %s [-r REPS] [-m METHODS] [-S] [FILE.jsonl ...]\n",
              argv[0]);
      return 2;
    } else if (nfiles < sizeof files / sizeof files[0]) {
      files[nfiles++] = argv[i];
    }
  }
  if (nfiles == 0) {
    snprintf(defaults[0], sizeof defaults[0], "%s/news/news.jsonl", KZ_SHARED_DATA);
    snprintf(defaults[1], sizeof defaults[1], "%s/news/news_bbc.jsonl", KZ_SHARED_DATA);
    files[0] = defaults[0];
    files[1] = defaults[1];
    nfiles = 2;
  }
  printf("bench_tokenize: libkz %s, one thread, ASCII segmenter: %s\n", kz_version(),
         kzi_wordbreak_simd());

  for (f = 0; f < nfiles; f++) {
    nd_corpus nc;
    corpus c;
    size_t d;
    if (nd_load(&nc, files[f]) != 0) {
      printf("\n%s: not found, skipped (the news corpora are not shipped with "
             "libkz; pass a JSONL path to use another)\n", files[f]);
      continue;
    }
    memset(&c, 0, sizeof c);
    c.name = files[f];
    for (d = 0; d < nc.count; d++) corpus_add(&c, nc.docs[d].text, nc.docs[d].text_len);
    bad |= bench_corpus(&c, reps, which);
    corpus_free(&c);
    nd_free(&nc);
  }

  if (seed_too) {
    memset(&seed, 0, sizeof seed);
    seed.name = "examples/corpus (5 seed articles, repeated)";
    seedbuf = seed_corpus(&seed);
    bad |= bench_corpus(&seed, reps, which);
    corpus_free(&seed);
    free(seedbuf);
  }
  return bad;
}
