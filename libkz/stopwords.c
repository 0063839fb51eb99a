/*
 * stopwords.c - language names and stopword sets.
 *
 * The lists themselves are data (data/stopwords/LANG.txt, one lowercase
 * word a line), embedded by the build as kzi_stopword_lists.  A set is an
 * open-addressing hash table over pointers into that static storage, so
 * loading one costs a single allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "kz_int.h"

/* ISO 639-1 code, then the other names accepted for it (Snowball's first). */
static const char *const lang_names[][4] = {
    {"en", "english", "eng", NULL},   {"de", "german", "deu", "ger"},
    {"ru", "russian", "rus", NULL},   {"fr", "french", "fra", "fre"},
    {"es", "spanish", "spa", NULL},   {"it", "italian", "ita", NULL},
    {"pt", "portuguese", "por", NULL}, {"nl", "dutch", "nld", "dut"},
    {"sv", "swedish", "swe", NULL},   {"no", "norwegian", "nor", NULL},
    {"da", "danish", "dan", NULL},    {"fi", "finnish", "fin", NULL},
    {"hu", "hungarian", "hun", NULL}, {"ro", "romanian", "ron", "rum"},
    {"tr", "turkish", "tur", NULL},   {"ar", "arabic", "ara", NULL},
    {"el", "greek", "ell", "gre"},    {"hy", "armenian", "hye", "arm"},
    {"eu", "basque", "eus", "baq"},   {"ca", "catalan", "cat", NULL},
    {"hi", "hindi", "hin", NULL},     {"id", "indonesian", "ind", NULL},
    {"ga", "irish", "gle", NULL},     {"lt", "lithuanian", "lit", NULL},
    {"ne", "nepali", "nep", NULL},    {"sr", "serbian", "srp", NULL},
    {"ta", "tamil", "tam", NULL},     {"yi", "yiddish", "yid", NULL},
    {"kk", "kazakh", "kaz", NULL},    {"uk", "ukrainian", "ukr", NULL},
};

const char *kzi_lang_code(const char *name) {
  char low[16];
  size_t i, n;
  if (name == NULL) return NULL;
  n = strlen(name);
  if (n == 0 || n >= sizeof low) return NULL;
  for (i = 0; i < n; i++) {
    char c = name[i];
    low[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
  }
  low[n] = '\0';
  /* Accept region subtags: "en-US", "pt_BR". */
  for (i = 0; i < n; i++)
    if (low[i] == '-' || low[i] == '_') low[i] = '\0';
  for (i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++)
    for (size_t j = 0; j < 4 && lang_names[i][j]; j++)
      if (strcmp(low, lang_names[i][j]) == 0) return lang_names[i][0];
  return NULL;
}

struct kzi_wordset {
  size_t mask;        /* table size - 1 (a power of two) */
  const char **slot;  /* NULL or a pointer to a NUL-terminated word */
};

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

int kzi_stopwords_load(kzi_wordset **out, const char *lang) {
  const kzi_stopword_list *l;
  kzi_wordset *ws;
  size_t size = 16;
  *out = NULL;
  if (lang == NULL) return KZ_OK;
  for (l = kzi_stopword_lists; l->lang; l++)
    if (strcmp(l->lang, lang) == 0) break;
  if (l->lang == NULL) return KZ_OK;
  while (size < l->count * 2) size *= 2;
  ws = malloc(sizeof *ws);
  if (ws == NULL) return KZ_ENOMEM;
  ws->slot = calloc(size, sizeof *ws->slot);
  if (ws->slot == NULL) {
    free(ws);
    return KZ_ENOMEM;
  }
  ws->mask = size - 1;
  for (const char *w = l->words; *w; w += strlen(w) + 1) {
    size_t n = strlen(w), i = hash_bytes(w, n) & ws->mask;
    while (ws->slot[i] && strcmp(ws->slot[i], w) != 0) i = (i + 1) & ws->mask;
    ws->slot[i] = w;
  }
  *out = ws;
  return KZ_OK;
}

bool kzi_wordset_has(const kzi_wordset *ws, const char *w, size_t n) {
  size_t i;
  if (ws == NULL) return false;
  i = hash_bytes(w, n) & ws->mask;
  while (ws->slot[i]) {
    if (strncmp(ws->slot[i], w, n) == 0 && ws->slot[i][n] == '\0') return true;
    i = (i + 1) & ws->mask;
  }
  return false;
}

void kzi_wordset_free(kzi_wordset *ws) {
  if (ws == NULL) return;
  free(ws->slot);
  free(ws);
}

const char *kzi_lang_snowball(const char *code) {
  if (code == NULL) return NULL;
  for (size_t i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++)
    if (strcmp(code, lang_names[i][0]) == 0) return lang_names[i][1];
  return NULL;
}
