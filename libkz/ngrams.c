/*
 * ngrams.c - n-gram frequencies (n = 1..5) of the documents of a filter.
 *
 * An n-gram is n consecutive index tokens of one field; unless
 * KZ_STATS_ACROSS_PUNCT it may not contain a punctuation break (a hyphen
 * joining the parts of a word is no break).  Stopword flags drop n-grams
 * holding a stopword (SKIP_STOPWORDS) or beginning or ending with one
 * (STOP_EDGES); SKIP_NUMBERS those holding a number.  N-grams are counted
 * in a hash table keyed by the n term ids of the walker.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

typedef struct gent {
  uint32_t ids[5];            /* the n words (term ids) */
  uint32_t docs;
  uint64_t freq, lastdoc;
} gent;

typedef struct grow_ {
  size_t text, len;           /* in arena */
  uint64_t freq, docs;
  const char *p;              /* the text, once the arena is complete */
} grow_;

struct kz_ngrams {
  grow_ *rows; size_t n;
  kzi_buf arena;
  unsigned int gram;
  uint64_t total;
};

/* Open addressing; a slot holds hash << 32 | (entry + 1), so a probe
 * touches the entry only when the hashes agree. */
typedef struct gtab {
  unsigned n;                 /* words per n-gram */
  gent *e; size_t ne, cap;
  uint64_t *tab; size_t mask;
} gtab;

static int gtab_grow(gtab *g) {
  size_t ncap = g->mask ? (g->mask + 1) * 2 : 4096, nmask = ncap - 1;
  uint64_t *nt = calloc(ncap, sizeof *nt);
  if (!nt) return KZ_ENOMEM;
  for (size_t i = 0; i <= g->mask && g->tab; i++) {
    size_t j;
    if (!g->tab[i]) continue;
    for (j = (g->tab[i] >> 32) & nmask; nt[j]; j = (j + 1) & nmask) {}
    nt[j] = g->tab[i];
  }
  free(g->tab);
  g->tab = nt;
  g->mask = nmask;
  return KZ_OK;
}

static int gtab_add(gtab *g, const uint32_t *ids, uint64_t docno) {
  uint32_t h = kzs_hash((const char *)ids, g->n * sizeof *ids);
  size_t j;
  gent *e;
  if (g->ne * 2 >= g->mask) {
    int rc;
    if (g->ne >= UINT32_MAX - 1) return KZ_ELIMIT;
    if ((rc = gtab_grow(g)) != KZ_OK) return rc;
  }
  for (j = h & g->mask; g->tab[j]; j = (j + 1) & g->mask) {
    if ((uint32_t)(g->tab[j] >> 32) != h) continue;
    unsigned k;
    e = &g->e[(uint32_t)g->tab[j] - 1];
    for (k = 0; k < g->n && e->ids[k] == ids[k]; k++) {}
    if (k == g->n) goto found;
  }
  if (g->ne == g->cap) {
    size_t nc = g->cap ? g->cap * 2 : 4096;
    gent *ne = realloc(g->e, nc * sizeof *ne);
    if (!ne) return KZ_ENOMEM;
    g->e = ne;
    g->cap = nc;
  }
  e = &g->e[g->ne];
  memset(e, 0, sizeof *e);
  memcpy(e->ids, ids, g->n * sizeof *ids);
  g->tab[j] = (uint64_t)h << 32 | (uint32_t)++g->ne;
found:
  e->freq++;
  if (e->lastdoc != docno + 1) {
    e->lastdoc = docno + 1;
    e->docs++;
  }
  return KZ_OK;
}

static int row_cmp(const void *pa, const void *pb) {
  const grow_ *a = pa, *b = pb;
  size_t m;
  int c;
  if (a->freq != b->freq) return a->freq > b->freq ? -1 : 1;
  m = a->len < b->len ? a->len : b->len;
  c = memcmp(a->p, b->p, m);
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

/* Count the n-grams of the loaded document. */
static int count_doc(gtab *g, const kzs_walk *w, uint64_t docno, uint64_t *total) {
  const kz_stats_options *o = &w->o;
  unsigned n = g->n;
  uint32_t ids[5];
  for (unsigned f = 0; f < KZS_NFIELDS; f++) {
    size_t a = w->fbeg[f], b = w->fbeg[f + 1];
    for (size_t i = a; i + n <= b; i++) {
      unsigned k;
      int rc;
      for (k = 0; k < n; k++) {
        const kzs_tok *t = &w->tok[i + k];
        if (k && (t->flags & KZS_BREAK) && !(o->flags & KZ_STATS_ACROSS_PUNCT)) break;
        if (kzs_skip(o, t)) break;
        if ((o->flags & KZ_STATS_STOP_EDGES) && (k == 0 || k == n - 1) && (t->flags & KZS_STOP)) break;
        ids[k] = t->term;
      }
      if (k < n) continue;
      (*total)++;
      if ((rc = gtab_add(g, ids, docno)) != KZ_OK) return rc;
    }
  }
  return KZ_OK;
}

int kz_corpus_ngrams(kz_ngrams **out, kz_corpus *c, const kz_stats_options *opts) {
  kz_stats_options o;
  kzs_walk w;
  kzs_keys keys = {0};
  gtab g;
  kz_ngrams *r = NULL;
  uint64_t total = 0;
  size_t kept = 0;
  int rc;

  if (!out || !c) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_ngrams: NULL argument");
  *out = NULL;
  if ((rc = kzs_options(&o, opts)) != KZ_OK) return rc;
  if ((rc = kzs_walk_init(&w, c, &o)) != KZ_OK) return rc;
  memset(&g, 0, sizeof g);
  g.n = o.n;
  rc = kzs_keys_collect(&keys, c, o.filter, o.filter_len);
  for (size_t d = 0; d < keys.n && !rc; d++) {
    rc = kzs_walk_load(&w, keys.arena.p + keys.off[d], keys.len[d]);
    if (rc == KZ_ENOTFOUND) {
      rc = KZ_OK;
      continue;
    }
    if (!rc) rc = count_doc(&g, &w, d, &total);
  }
  if (!rc) {
    r = calloc(1, sizeof *r);
    if (!r) rc = KZ_ENOMEM;
  }
  if (!rc) {
    for (size_t i = 0; i < g.ne; i++) kept += g.e[i].freq >= o.min_freq;
    r->rows = malloc((kept ? kept : 1) * sizeof *r->rows);
    if (!r->rows) rc = KZ_ENOMEM;
    r->gram = g.n;
    r->total = total;
  }
  for (size_t i = 0; i < g.ne && !rc; i++) {
    grow_ *row;
    if (g.e[i].freq < o.min_freq) continue;
    row = &r->rows[r->n++];
    row->text = r->arena.n;
    row->freq = g.e[i].freq;
    row->docs = g.e[i].docs;
    for (unsigned k = 0; k < g.n && !rc; k++) {
      uint32_t id = g.e[i].ids[k];
      if (k) rc = kzi_buf_append(&r->arena, " ", 1);
      if (!rc) rc = kzi_buf_append(&r->arena, kzs_terms_str(&w.terms, id), w.terms.t[id].len);
    }
    row->len = r->arena.n - row->text;
    if (!rc) rc = kzi_buf_append(&r->arena, "", 1);
  }
  if (!rc) {
    for (size_t i = 0; i < r->n; i++) r->rows[i].p = r->arena.p + r->rows[i].text;
    qsort(r->rows, r->n, sizeof *r->rows, row_cmp);
  }
  if (!rc && o.limit && r->n > o.limit) r->n = o.limit;
  free(g.e);
  free(g.tab);
  kzs_keys_free(&keys);
  kzs_walk_free(&w);
  if (rc) {
    kz_ngrams_free(r);
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    return rc;
  }
  *out = r;
  return KZ_OK;
}

size_t kz_ngrams_count(const kz_ngrams *g) { return g ? g->n : 0; }

int kz_ngrams_row_get(const kz_ngrams *g, size_t i, kz_ngram_row *row) {
  if (!g || !row || i >= g->n) return KZ_ITEROVER;
  row->text = g->arena.p + g->rows[i].text;
  row->text_len = g->rows[i].len;
  row->freq = g->rows[i].freq;
  row->docs = g->rows[i].docs;
  return KZ_OK;
}

unsigned int kz_ngrams_n(const kz_ngrams *g) { return g ? g->gram : 0; }
uint64_t kz_ngrams_total(const kz_ngrams *g) { return g ? g->total : 0; }

int kz_ngrams_to_json(const kz_ngrams *g, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  if (!g || !out) return kzi_seterr(NULL, KZ_EINVAL, "kz_ngrams_to_json: NULL argument");
  for (size_t i = 0; i < g->n; i++) {
    kzs_json_raw(&b, &rc, "{\"ngram\":");
    kzs_json_str(&b, &rc, g->arena.p + g->rows[i].text, g->rows[i].len);
    kzs_json_raw(&b, &rc, ",\"freq\":");
    kzs_json_u64(&b, &rc, g->rows[i].freq);
    kzs_json_raw(&b, &rc, ",\"docs\":");
    kzs_json_u64(&b, &rc, g->rows[i].docs);
    kzs_json_raw(&b, &rc, "}\n");
  }
  return kzs_json_out(&b, rc, out);
}

void kz_ngrams_free(kz_ngrams *g) {
  if (!g) return;
  free(g->rows);
  kzi_buf_free(&g->arena);
  free(g);
}
