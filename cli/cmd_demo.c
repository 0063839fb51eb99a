/*
 * cmd_demo.c - "kz demo": a tour of libkz on the bundled corpus.
 *
 * For each article of the corpus: parse it and print its metadata (title,
 * date, source, authors, language, dateline) and an outline of its blocks
 * (kind, the start of the text, duplicates marked); then tokenize the
 * cleaned body and print bytes, tokens, words, sentences and the most
 * frequent content words (not English stopwords, possessives stripped);
 * finally the same counts for the whole corpus.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

#define TOP_WORDS 8

const char cli_usage_demo[] =
  "usage: kz demo [DIR]\n"
  "\n"
  "Parse every *.txt article of the corpus directory and print its\n"
  "metadata and block outline; tokenize its body and print, for each and\n"
  "in total: bytes, tokens, words, sentences, the top content words\n"
  "(non-stopwords, English) and the repaired invalid UTF-8 bytes.\n"
  "\n"
  "The corpus is DIR if given, else $KZ_CORPUS, else the examples/corpus\n"
  "directory of the source tree kz was built from, else the installed\n"
  "copy in " KZ_DATADIR "/corpus.\n";

/* ------------------------------------------------------------------------
 * A word counter: an open-addressing hash table of malloc'd strings.
 * ------------------------------------------------------------------------ */

typedef struct wc_entry {
  char *word; /* NULL in an empty slot */
  size_t len;
  size_t count;
} wc_entry;

typedef struct wordcount {
  wc_entry *slots;
  size_t cap; /* a power of two, or 0 */
  size_t n;
} wordcount;

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  size_t i;
  for (i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211u;
  }
  return h;
}

static wc_entry *wc_slot(wc_entry *slots, size_t cap, const char *w,
                         size_t n) {
  size_t i = (size_t)hash_bytes(w, n) & (cap - 1);
  while (slots[i].word != NULL &&
         !(slots[i].len == n && memcmp(slots[i].word, w, n) == 0))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

/* Add `by` to the count of w[0..n).  Returns 0 or KZ_ENOMEM. */
static int wc_add(wordcount *wc, const char *w, size_t n, size_t by) {
  wc_entry *e;
  if (wc->n + 1 > wc->cap / 4 * 3) {
    size_t ncap = wc->cap ? wc->cap * 2 : 256, i;
    wc_entry *ns;
    if (ncap > SIZE_MAX / sizeof *ns) return KZ_ENOMEM;
    ns = calloc(ncap, sizeof *ns);
    if (ns == NULL) return KZ_ENOMEM;
    for (i = 0; i < wc->cap; i++)
      if (wc->slots[i].word != NULL)
        *wc_slot(ns, ncap, wc->slots[i].word, wc->slots[i].len) =
          wc->slots[i];
    free(wc->slots);
    wc->slots = ns;
    wc->cap = ncap;
  }
  e = wc_slot(wc->slots, wc->cap, w, n);
  if (e->word == NULL) {
    e->word = malloc(n + 1);
    if (e->word == NULL) return KZ_ENOMEM;
    memcpy(e->word, w, n);
    e->word[n] = '\0';
    e->len = n;
    e->count = 0;
    wc->n++;
  }
  e->count += by;
  return 0;
}

static void wc_free(wordcount *wc) {
  size_t i;
  for (i = 0; i < wc->cap; i++) free(wc->slots[i].word);
  free(wc->slots);
  memset(wc, 0, sizeof *wc);
}

/* Most frequent first, then in byte order, so the output is stable. */
static int cmp_entry(const void *pa, const void *pb) {
  const wc_entry *a = *(const wc_entry *const *)pa;
  const wc_entry *b = *(const wc_entry *const *)pb;
  if (a->count != b->count) return a->count > b->count ? -1 : 1;
  return strcmp(a->word, b->word);
}

/* Print "  top words: w (n), ..." for the k most frequent words. */
static int print_top(const wordcount *wc, size_t k) {
  wc_entry **all;
  size_t i, m = 0;
  if (wc->n == 0) {
    puts("  top words: (none)");
    return 0;
  }
  all = malloc(wc->n * sizeof *all);
  if (all == NULL) return KZ_ENOMEM;
  for (i = 0; i < wc->cap; i++)
    if (wc->slots[i].word != NULL) all[m++] = &wc->slots[i];
  qsort(all, m, sizeof *all, cmp_entry);
  fputs("  top words:", stdout);
  for (i = 0; i < m && i < k; i++)
    printf("%s %s (%zu)", i ? "," : "", all[i]->word, all[i]->count);
  putchar('\n');
  free(all);
  return 0;
}

/* ------------------------------------------------------------------------
 * Per-article statistics
 * ------------------------------------------------------------------------ */

typedef struct stats {
  size_t raw, bytes, tokens, words, sentences, repaired; /* raw: page bytes */
  wordcount top;
} stats;

static int on_token(const kz_token *t, void *payload) {
  stats *s = payload;
  s->tokens++;
  if (t->kind != KZ_TOKEN_WORD) return 0;
  s->words++;
  if (t->flags & KZ_TOKEN_STOPWORD) return 0;
  return wc_add(&s->top, t->norm, t->norm_len, 1);
}

static int on_sentence(size_t start, size_t end, void *payload) {
  (void)start;
  (void)end;
  ((stats *)payload)->sentences++;
  return 0;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_counts(const stats *s) {
  printf(" %zu bytes, %zu tokens, %zu words, %zu sentences, "
         "%zu repaired bytes\n",
         s->bytes, s->tokens, s->words, s->sentences, s->repaired);
}

/* Add the article statistics a to the totals t. */
static int add_stats(stats *t, const stats *a) {
  size_t i;
  t->raw += a->raw;
  t->bytes += a->bytes;
  t->tokens += a->tokens;
  t->words += a->words;
  t->sentences += a->sentences;
  t->repaired += a->repaired;
  for (i = 0; i < a->top.cap; i++) {
    const wc_entry *e = &a->top.slots[i];
    if (e->word != NULL && wc_add(&t->top, e->word, e->len, e->count) != 0)
      return KZ_ENOMEM;
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * Finding and listing the corpus
 * ------------------------------------------------------------------------ */

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *find_corpus(const char *arg) {
  const char *env;
  if (arg != NULL) return arg;
  env = getenv("KZ_CORPUS");
  if (env != NULL && *env) return env;
  if (is_dir(KZ_SOURCE_DIR "/examples/corpus"))
    return KZ_SOURCE_DIR "/examples/corpus";
  return KZ_DATADIR "/corpus";
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* The sorted names of the *.txt files in dir; returns 0 or an errno. */
static int list_articles(const char *dir, char ***out, size_t *nout) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0;
  int err = 0;
  *out = NULL;
  *nout = 0;
  if (d == NULL) return errno;
  for (;;) {
    size_t len;
    errno = 0;
    de = readdir(d);
    if (de == NULL) {
      err = errno;
      break;
    }
    len = strlen(de->d_name);
    if (len <= 4 || de->d_name[0] == '.' ||
        strcmp(de->d_name + len - 4, ".txt") != 0)
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char **nn = realloc(names, ncap * sizeof *nn);
      if (nn == NULL) {
        err = ENOMEM;
        break;
      }
      names = nn;
      cap = ncap;
    }
    if ((names[n] = malloc(len + 1)) == NULL) {
      err = ENOMEM;
      break;
    }
    memcpy(names[n++], de->d_name, len + 1);
  }
  closedir(d);
  if (err) {
    free_names(names, n);
    return err;
  }
  if (n) qsort(names, n, sizeof *names, cmp_name);
  *out = names;
  *nout = n;
  return 0;
}

/* ------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------ */

/* Print at most `chars` characters of s (UTF-8), on one line, with "..."
 * when cut. */
static void print_start(const char *s, size_t chars) {
  size_t i = 0, n = 0;
  while (s[i] && n < chars) {
    unsigned char c = (unsigned char)s[i];
    i++;
    while ((s[i] & 0xC0) == 0x80) i++;
    if (c != '\n') n++;
  }
  for (size_t k = 0; k < i; k++) putchar(s[k] == '\n' ? ' ' : s[k]);
  if (s[i]) fputs("...", stdout);
}

static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

/* Print the metadata and block outline of a parsed article. */
static void print_article(const kz_article *art) {
  size_t i, nb = kz_article_block_count(art), na = kz_article_author_count(art);
  printf("  title     %s\n", or_dash(kz_article_title(art)));
  printf("  date      %s%s%s   language %s (title %s)\n", or_dash(kz_article_date(art)),
         kz_article_time(art) ? " " : "", kz_article_time(art) ? kz_article_time(art) : "",
         or_dash(kz_article_language(art)), or_dash(kz_article_title_language(art)));
  printf("  source    %s", or_dash(kz_article_source(art)));
  if (kz_article_original_source(art))
    printf(" (republishing %s)", kz_article_original_source(art));
  printf("   dateline %s\n  authors   ", or_dash(kz_article_dateline(art)));
  for (i = 0; i < na; i++) printf("%s%s", i ? ", " : "", kz_article_author(art, i));
  printf("%s\n  blocks\n", na ? "" : "-");
  for (i = 0; i < nb; i++) {
    long dup = kz_article_block_duplicate_of(art, i);
    printf("    %3zu %-13s ", i, kz_block_kind_name(kz_article_block_kind(art, i)));
    if (dup >= 0)
      printf("(duplicate of %ld)", dup);
    else
      print_start(kz_article_block_text(art, i), 58);
    putchar('\n');
  }
  for (i = 0; i < kz_article_warning_count(art); i++)
    printf("  warning   %s\n", kz_article_warning(art, i));
}

/* Parse one article, print it, tokenize and split its body; fills *s.
 * Returns a CLI_ status. */
static int demo_article(kz_tokenizer *tk, const char *dir, const char *name,
                        stats *s, double *seconds) {
  size_t plen = strlen(dir) + strlen(name) + 2;
  char *path = malloc(plen), *text;
  const char *body;
  kz_article *art = NULL;
  size_t len, blen;
  double t0;
  int err, rc;
  if (path == NULL) {
    cli_error("out of memory");
    return CLI_FAIL;
  }
  snprintf(path, plen, "%s/%s", dir, name);
  err = cli_read_file(path, &text, &len);
  if (err != 0) {
    cli_error("%s: %s", path, strerror(err));
    free(path);
    return CLI_FAIL;
  }
  s->raw = len;
  t0 = now_seconds();
  rc = kz_article_parse(&art, text, len, NULL);
  if (rc != KZ_OK) {
    cli_error("%s: %s", path, kz_last_errmsg());
    free(text);
    free(path);
    return CLI_FAIL;
  }
  body = kz_article_body(art);
  blen = strlen(body);
  s->bytes = blen;
  rc = kz_tokenize(tk, body, blen, on_token, s);
  if (rc == 0) {
    s->repaired = kz_tokenizer_repaired(tk);
    rc = kz_sentences(tk, body, blen, 0, on_sentence, s);
  }
  *seconds += now_seconds() - t0;
  printf("\n%s\n", name);
  print_article(art);
  kz_article_free(art);
  free(text);
  if (rc != 0) {
    const char *msg = kz_tokenizer_errmsg(tk);
    cli_error("%s: %s", path, *msg ? msg : kz_strerror(rc));
    free(path);
    return CLI_FAIL;
  }
  free(path);
  return CLI_OK;
}

int cli_cmd_demo(int argc, char **argv) {
  cli_args a;
  cli_tok_opts o = {KZ_TOK_DEFAULT | KZ_TOK_POSSESSIVE, "en"};
  const char *dir;
  char **names;
  size_t n, i, done = 0;
  stats total;
  double seconds = 0;
  int err, status = CLI_OK;
  kz_tokenizer *tk;

  cli_args_init(&a, argc, argv);
  if (cli_args_next(&a)) return cli_usage_error("unknown option '%s'", a.opt);
  if (a.nops > 1) return cli_usage_error("too many arguments");
  dir = find_corpus(a.nops ? a.ops[0] : NULL);

  err = list_articles(dir, &names, &n);
  if (err != 0) {
    cli_error("%s: %s", dir, strerror(err));
    return CLI_FAIL;
  }
  if (n == 0) {
    cli_error("%s: no *.txt articles", dir);
    free_names(names, n);
    return CLI_FAIL;
  }
  tk = cli_tokenizer_new(&o);
  if (tk == NULL) {
    free_names(names, n);
    return CLI_FAIL;
  }

  printf("kz demo (libkz %s): %zu article%s in %s\n", kz_version(), n,
         n == 1 ? "" : "s", dir);
  memset(&total, 0, sizeof total);
  for (i = 0; i < n; i++) {
    stats s;
    memset(&s, 0, sizeof s);
    if (demo_article(tk, dir, names[i], &s, &seconds) == CLI_OK) {
      printf("  body:");
      print_counts(&s);
      if (print_top(&s.top, TOP_WORDS) != 0 || add_stats(&total, &s) != 0) {
        cli_error("out of memory");
        status = CLI_FAIL;
      }
      done++;
    } else {
      status = CLI_FAIL;
    }
    wc_free(&s.top);
  }

  printf("\ntotal: %zu of %zu articles, bodies:", done, n);
  print_counts(&total);
  if (print_top(&total.top, TOP_WORDS) != 0) {
    cli_error("out of memory");
    status = CLI_FAIL;
  }
  if (seconds > 0)
    printf("  parsed, tokenized and split in %.2f ms (%.1f MB/s of raw pages)\n", seconds * 1e3,
           (double)total.raw / seconds / 1e6);
  wc_free(&total.top);
  if (cli_demo_corpus(dir, names, n) != CLI_OK) status = CLI_FAIL;
  kz_tokenizer_free(tk);
  free_names(names, n);
  return status;
}
