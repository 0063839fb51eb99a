/*
 * kz_example.c - a small program using the installed libkz.
 *
 * Tokenizes every file of a directory (default: examples/corpus) and prints,
 * per file, its size, its number of tokens and words, and its number of
 * sentences.
 *
 *   cc kz_example.c $(pkg-config --cflags --libs libkz) -o kz_example
 *   ./kz_example examples/corpus
 */
#define _POSIX_C_SOURCE 200809L /* strdup, opendir */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kz.h>

typedef struct counts {
  size_t tokens, words;
} counts;

static int on_token(const kz_token *t, void *payload) {
  counts *c = payload;
  c->tokens++;
  if (t->kind == KZ_TOKEN_WORD) c->words++;
  return 0;
}

static int on_sentence(size_t start, size_t end, void *payload) {
  (void)start;
  (void)end;
  ++*(size_t *)payload;
  return 0;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  buf = malloc(n > 0 ? (size_t)n : 1);
  *len = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  return buf;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "examples/corpus";
  kz_tokenizer_options opts = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk;
  struct dirent *e;
  char *names[256];
  size_t nnames = 0;
  DIR *d;
  int rc;

  printf("libkz %s\n", kz_version());
  opts.language = "en";
  if ((rc = kz_tokenizer_new(&tk, &opts)) != KZ_OK) {
    fprintf(stderr, "kz_tokenizer_new: %s: %s\n", kz_strerror(rc), kz_last_errmsg());
    return 1;
  }
  if ((d = opendir(dir)) == NULL) {
    perror(dir);
    return 1;
  }
  while ((e = readdir(d)) != NULL && nnames < 256)
    if (e->d_name[0] != '.') names[nnames++] = strdup(e->d_name);
  closedir(d);
  qsort(names, nnames, sizeof *names, by_name);
  for (size_t i = 0; i < nnames; i++) {
    char path[4096];
    size_t len, sentences = 0;
    counts c = {0, 0};
    char *text;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if ((text = slurp(path, &len)) == NULL) {
      perror(path);
      continue;
    }
    if ((rc = kz_tokenize(tk, text, len, on_token, &c)) != KZ_OK ||
        (rc = kz_sentences(tk, text, len, 0, on_sentence, &sentences)) != KZ_OK)
      fprintf(stderr, "%s: %s: %s\n", path, kz_strerror(rc), kz_tokenizer_errmsg(tk));
    printf("%-28s %6zu bytes %5zu tokens %5zu words %4zu sentences\n", names[i], len,
           c.tokens, c.words, sentences);
    free(text);
    free(names[i]);
  }
  kz_tokenizer_free(tk);
  return 0;
}
