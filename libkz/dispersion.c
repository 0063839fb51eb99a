/*
 * dispersion.c - where the matches of a query fall: per document and per
 * match (token positions, for a dispersion plot), with two summary
 * measures over the documents of the filter.
 *
 * With N tokens in the filter's documents, H matches, and for document i
 * its size n_i and its matches h_i:
 *   DP (Gries 2008)   0.5 sum_i |h_i / H - n_i / N| over every document; the
 *                     documents without a match add up to 1 - sum n_i / N
 *                     over those with one, so only these are read;
 *   D (Juilland 1964) 1 - V / sqrt(k - 1) over the k documents, V the
 *                     coefficient of variation of the relative frequencies
 *                     h_i / n_i (zero where there is no match).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

typedef struct ddoc {
  size_t key, key_len, date, date_len, src, src_len; /* in arena */
  uint64_t tokens, hits;
} ddoc;

struct kz_dispersion {
  ddoc *docs; size_t ndocs, dcap;
  kz_dispersion_hit *hits; size_t nhits, hcap;
  kzi_buf arena;
  kz_dispersion_summary sum;
};

static int vocab_fn(void *p, const char *term, size_t len, uint64_t tf, uint64_t df) {
  (void)term;
  (void)len;
  (void)df;
  *(uint64_t *)p += tf;
  return 0;
}

static int put(kzi_buf *a, const char *s, size_t n, size_t *off, size_t *len) {
  int rc;
  *off = a->n;
  *len = n;
  rc = kzi_buf_append(a, n ? s : "", n);
  return rc ? rc : kzi_buf_append(a, "", 1);
}

static int add_doc(kz_dispersion *r, const kzs_walk *w, const kzs_span *sp, size_t n) {
  ddoc *d;
  size_t kl = 0, dl = 0, sl = 0;
  const char *k = kz_doc_field(w->doc, KZ_FIELD_KEY, &kl);
  const char *dt = kz_doc_field(w->doc, KZ_FIELD_DATE, &dl);
  const char *src = kz_doc_field(w->doc, KZ_FIELD_SOURCE, &sl);
  int rc;
  if (r->ndocs == r->dcap) {
    size_t nc = r->dcap ? r->dcap * 2 : 64;
    ddoc *nd = realloc(r->docs, nc * sizeof *nd);
    if (!nd) return KZ_ENOMEM;
    r->docs = nd;
    r->dcap = nc;
  }
  if (r->nhits + n > r->hcap) {
    size_t nc = r->hcap ? r->hcap : 256;
    kz_dispersion_hit *nh;
    while (nc < r->nhits + n) nc *= 2;
    nh = realloc(r->hits, nc * sizeof *nh);
    if (!nh) return KZ_ENOMEM;
    r->hits = nh;
    r->hcap = nc;
  }
  d = &r->docs[r->ndocs];
  if ((rc = put(&r->arena, k, kl, &d->key, &d->key_len)) != KZ_OK ||
      (rc = put(&r->arena, dt, dl > 10 ? 10 : dl, &d->date, &d->date_len)) != KZ_OK ||
      (rc = put(&r->arena, src, sl, &d->src, &d->src_len)) != KZ_OK)
    return rc;
  d->tokens = w->doc_tokens;
  d->hits = n;
  for (size_t i = 0; i < n; i++) {
    kz_dispersion_hit *h = &r->hits[r->nhits++];
    const kzs_tok *a = &w->tok[sp[i].first], *b = &w->tok[sp[i].last];
    h->doc = r->ndocs;
    h->field = a->field;
    h->position = a->pos;
    h->field_tokens = w->flen[a->field];
    h->start = a->start;
    h->end = b->end;
  }
  r->ndocs++;
  return KZ_OK;
}

static void summarize(kz_dispersion *r, uint64_t docs, uint64_t tokens) {
  kz_dispersion_summary *s = &r->sum;
  double sum_abs = 0, sum_s = 0, sp = 0, sp2 = 0;
  s->docs = docs;
  s->tokens = tokens;
  s->hits = r->nhits;
  s->range = r->ndocs;
  s->per_million = tokens ? (double)r->nhits * 1e6 / (double)tokens : 0;
  s->dp = NAN;
  s->juilland_d = NAN;
  if (!r->nhits || !tokens || !docs) return;
  for (size_t i = 0; i < r->ndocs; i++) {
    const ddoc *d = &r->docs[i];
    double si = (double)d->tokens / (double)tokens, vi = (double)d->hits / (double)r->nhits;
    sum_abs += fabs(vi - si);
    sum_s += si;
    if (d->tokens) {
      double p = (double)d->hits / (double)d->tokens;
      sp += p;
      sp2 += p * p;
    }
  }
  s->dp = 0.5 * (sum_abs + (sum_s < 1 ? 1 - sum_s : 0));
  if (docs > 1) {
    double mean = sp / (double)docs, var = sp2 / (double)docs - mean * mean;
    double v = mean > 0 ? sqrt(var > 0 ? var : 0) / mean : 0;
    s->juilland_d = 1 - v / sqrt((double)(docs - 1));
  }
}

int kz_corpus_dispersion(kz_dispersion **out, kz_corpus *c, const char *query, size_t len,
                         const kz_stats_options *opts) {
  kz_stats_options o;
  kzs_walk w;
  kzs_nodes nd;
  kz_dispersion *r = NULL;
  kzs_span *sp = NULL;
  size_t nsp = 0, spcap = 0;
  uint64_t docs = 0, tokens = 0;
  int rc;

  if (!out || !c || (!query && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_dispersion: NULL argument");
  *out = NULL;
  if ((rc = kzs_options(&o, opts)) != KZ_OK) return rc;
  memset(&nd, 0, sizeof nd);
  if ((rc = kzs_walk_init(&w, c, &o)) != KZ_OK) return rc;
  r = calloc(1, sizeof *r);
  rc = r ? kzs_nodes_prepare(&nd, &w, query, len) : KZ_ENOMEM;
  for (size_t d = 0; d < nd.docs.n && !rc; d++) {
    rc = kzs_walk_load(&w, nd.docs.arena.p + nd.docs.off[d], nd.docs.len[d]);
    if (rc == KZ_ENOTFOUND) {
      rc = KZ_OK;
      continue;
    }
    if (!rc) rc = kzs_nodes_find(&nd, &w, d, &sp, &nsp, &spcap);
    if (!rc && nsp) rc = add_doc(r, &w, sp, nsp);
  }
  if (!rc) rc = kzs_vocabulary(c, o.filter, o.filter_len, vocab_fn, &tokens);
  if (!rc) {
    if (o.filter_len) {
      kzs_keys k = {0};
      rc = kzs_keys_collect(&k, c, o.filter, o.filter_len);
      docs = k.n;
      kzs_keys_free(&k);
    } else {
      docs = kz_corpus_count_docs(c);
    }
  }
  if (!rc) summarize(r, docs, tokens);
  free(sp);
  kzs_nodes_free(&nd);
  kzs_walk_free(&w);
  if (rc) {
    kz_dispersion_free(r);
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    return rc;
  }
  *out = r;
  return KZ_OK;
}

size_t kz_dispersion_doc_count(const kz_dispersion *d) { return d ? d->ndocs : 0; }
size_t kz_dispersion_hit_count(const kz_dispersion *d) { return d ? d->nhits : 0; }

int kz_dispersion_doc_get(const kz_dispersion *d, size_t i, kz_dispersion_doc *row) {
  const ddoc *x;
  if (!d || !row || i >= d->ndocs) return KZ_ITEROVER;
  x = &d->docs[i];
  row->key = d->arena.p + x->key;
  row->key_len = x->key_len;
  row->date = d->arena.p + x->date;
  row->date_len = x->date_len;
  row->source = d->arena.p + x->src;
  row->source_len = x->src_len;
  row->tokens = x->tokens;
  row->hits = x->hits;
  return KZ_OK;
}

int kz_dispersion_hit_get(const kz_dispersion *d, size_t i, kz_dispersion_hit *row) {
  if (!d || !row || i >= d->nhits) return KZ_ITEROVER;
  *row = d->hits[i];
  return KZ_OK;
}

int kz_dispersion_summary_get(const kz_dispersion *d, kz_dispersion_summary *out) {
  if (!d || !out) return kzi_seterr(NULL, KZ_EINVAL, "kz_dispersion_summary_get: NULL argument");
  *out = d->sum;
  return KZ_OK;
}

void kz_dispersion_free(kz_dispersion *d) {
  if (!d) return;
  free(d->docs);
  free(d->hits);
  kzi_buf_free(&d->arena);
  free(d);
}
