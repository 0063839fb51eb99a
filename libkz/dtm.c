/*
 * dtm.c - the document-term matrix of a filter, in compressed sparse row
 * form (indptr, indices, data), for scikit-learn, gensim and topic models.
 *
 * One pass over the documents counts each document's terms (pairs of term
 * id and count, kept back to back) and the document frequencies.  Then the
 * kept terms are chosen (min_df, max_df, max_features), numbered in byte
 * order, and the rows are written with their columns increasing.  The
 * arrays are allocated once at their final size and handed out as they
 * are: a binding can wrap them without a copy.
 *
 * Weights, as scikit-learn's TfidfVectorizer(smooth_idf=True): idf(t) =
 * ln((1 + n) / (1 + df(t))) + 1 with n the number of rows; tf-idf = count *
 * idf; KZ_STATS_L2 divides each row by its Euclidean norm.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

struct kz_dtm {
  size_t rows, cols, nnz;
  int64_t *indptr;
  int32_t *indices;
  double *data;
  kzi_buf terms;            /* NUL-terminated, back to back */
  size_t *toff;
  uint64_t *df;
  kzs_keys keys;
};

typedef struct pair { uint32_t term, count; } pair;

typedef struct dctx {
  kzs_walk w;
  pair *p; size_t np, pcap;         /* every document's counts */
  size_t *dstart;                   /* first pair of row i; rows + 1 */
  uint64_t *df, *tf; size_t nterm;  /* per term id */
  uint32_t *cnt; size_t ncnt;       /* scratch per term id */
  uint32_t *touched; size_t ntouch, tcap;
} dctx;

static int grow_terms(dctx *x) {
  size_t need = x->w.terms.n;
  if (need <= x->nterm) return KZ_OK;
  {
    size_t nc = x->nterm ? x->nterm : 4096;
    uint64_t *ndf, *ntf;
    uint32_t *nc2;
    while (nc < need) nc *= 2;
    ndf = realloc(x->df, nc * sizeof *ndf);
    if (!ndf) return KZ_ENOMEM;
    x->df = ndf;
    ntf = realloc(x->tf, nc * sizeof *ntf);
    if (!ntf) return KZ_ENOMEM;
    x->tf = ntf;
    nc2 = realloc(x->cnt, nc * sizeof *nc2);
    if (!nc2) return KZ_ENOMEM;
    x->cnt = nc2;
    memset(x->df + x->nterm, 0, (nc - x->nterm) * sizeof *x->df);
    memset(x->tf + x->nterm, 0, (nc - x->nterm) * sizeof *x->tf);
    memset(x->cnt + x->nterm, 0, (nc - x->nterm) * sizeof *x->cnt);
    x->nterm = nc;
  }
  return KZ_OK;
}

/* Count the loaded document into x->p. */
static int count_doc(dctx *x) {
  kzs_walk *w = &x->w;
  x->ntouch = 0;
  for (size_t i = 0; i < w->ntok; i++) {
    uint32_t t = w->tok[i].term;
    if (kzs_skip(&w->o, &w->tok[i])) continue;
    if (x->cnt[t]++ == 0) {
      if (x->ntouch == x->tcap) {
        size_t nc = x->tcap ? x->tcap * 2 : 1024;
        uint32_t *nt = realloc(x->touched, nc * sizeof *nt);
        if (!nt) return KZ_ENOMEM;
        x->touched = nt;
        x->tcap = nc;
      }
      x->touched[x->ntouch++] = t;
    }
  }
  if (x->np + x->ntouch > x->pcap) {
    size_t nc = x->pcap ? x->pcap : 4096;
    pair *npr;
    while (nc < x->np + x->ntouch) nc *= 2;
    npr = realloc(x->p, nc * sizeof *npr);
    if (!npr) return KZ_ENOMEM;
    x->p = npr;
    x->pcap = nc;
  }
  for (size_t i = 0; i < x->ntouch; i++) {
    uint32_t t = x->touched[i];
    x->p[x->np].term = t;
    x->p[x->np].count = x->cnt[t];
    x->np++;
    x->df[t]++;
    x->tf[t] += x->cnt[t];
    x->cnt[t] = 0;
  }
  return KZ_OK;
}

/* Sorting term ids: by text, or by total count then text. */
typedef struct tref { const char *s; uint32_t len, id; uint64_t tf; } tref;

static int by_text(const void *pa, const void *pb) {
  const tref *a = pa, *b = pb;
  uint32_t m = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, m);
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int by_tf(const void *pa, const void *pb) {
  const tref *a = pa, *b = pb;
  if (a->tf != b->tf) return a->tf > b->tf ? -1 : 1;
  return by_text(pa, pb);
}

static int by_col(const void *pa, const void *pb) {
  const pair *a = pa, *b = pb;
  return a->term < b->term ? -1 : a->term > b->term;
}

static int build(kz_dtm *m, dctx *x, size_t rows) {
  const kz_stats_options *o = &x->w.o;
  tref *refs = NULL;
  uint32_t *col = NULL;   /* term id -> column + 1, 0 dropped */
  size_t nref = 0, nnz = 0;
  double n = (double)rows, lo, hi;
  int rc = KZ_OK;

  lo = o->min_df < 1 ? o->min_df * n : o->min_df;
  hi = o->max_df == 0 ? HUGE_VAL : o->max_df <= 1 ? o->max_df * n : o->max_df;
  refs = malloc((x->w.terms.n ? x->w.terms.n : 1) * sizeof *refs);
  col = calloc(x->w.terms.n ? x->w.terms.n : 1, sizeof *col);
  if (!refs || !col) {
    rc = KZ_ENOMEM;
    goto done;
  }
  for (uint32_t t = 0; t < x->w.terms.n; t++) {
    double df = (double)x->df[t];
    if (x->df[t] == 0 || df < lo || df > hi) continue;
    refs[nref].s = kzs_terms_str(&x->w.terms, t);
    refs[nref].len = x->w.terms.t[t].len;
    refs[nref].id = t;
    refs[nref].tf = x->tf[t];
    nref++;
  }
  if (o->max_features && nref > o->max_features) {
    qsort(refs, nref, sizeof *refs, by_tf);
    nref = o->max_features;
  }
  if (nref > INT32_MAX) {
    rc = kzi_seterr(NULL, KZ_ELIMIT, "the matrix would have %zu columns, over 2^31-1", nref);
    goto done;
  }
  qsort(refs, nref, sizeof *refs, by_text);
  m->cols = nref;
  m->toff = malloc((nref ? nref : 1) * sizeof *m->toff);
  m->df = malloc((nref ? nref : 1) * sizeof *m->df);
  if (!m->toff || !m->df) {
    rc = KZ_ENOMEM;
    goto done;
  }
  for (size_t j = 0; j < nref && !rc; j++) {
    col[refs[j].id] = (uint32_t)j + 1;
    m->toff[j] = m->terms.n;
    m->df[j] = x->df[refs[j].id];
    rc = kzi_buf_append(&m->terms, refs[j].s, (size_t)refs[j].len + 1);
  }
  if (rc) goto done;
  for (size_t i = 0; i < x->np; i++) nnz += col[x->p[i].term] != 0;
  m->rows = rows;
  m->nnz = nnz;
  m->indptr = malloc((rows + 1) * sizeof *m->indptr);
  m->indices = malloc((nnz ? nnz : 1) * sizeof *m->indices);
  m->data = malloc((nnz ? nnz : 1) * sizeof *m->data);
  if (!m->indptr || !m->indices || !m->data) {
    rc = KZ_ENOMEM;
    goto done;
  }
  nnz = 0;
  for (size_t r = 0; r < rows; r++) {
    size_t a = x->dstart[r], b = x->dstart[r + 1], k = 0, first = nnz;
    double norm = 0;
    /* reuse the pair array: keep this row's kept pairs, as columns */
    for (size_t i = a; i < b; i++)
      if (col[x->p[i].term]) {
        x->p[a + k].term = col[x->p[i].term] - 1;
        x->p[a + k].count = x->p[i].count;
        k++;
      }
    qsort(x->p + a, k, sizeof *x->p, by_col);
    m->indptr[r] = (int64_t)first;
    for (size_t i = 0; i < k; i++) {
      double v = x->p[a + i].count;
      if (o->flags & KZ_STATS_TFIDF)
        v *= log((1 + n) / (1 + (double)m->df[x->p[a + i].term])) + 1;
      m->indices[nnz] = (int32_t)x->p[a + i].term;
      m->data[nnz] = v;
      norm += v * v;
      nnz++;
    }
    if ((o->flags & KZ_STATS_L2) && norm > 0) {
      norm = sqrt(norm);
      for (size_t i = first; i < nnz; i++) m->data[i] /= norm;
    }
  }
  m->indptr[rows] = (int64_t)nnz;
done:
  free(refs);
  free(col);
  return rc;
}

int kz_corpus_dtm(kz_dtm **out, kz_corpus *c, const kz_stats_options *opts) {
  kz_stats_options o;
  kzs_keys keys = {0};
  dctx x;
  kz_dtm *m = NULL;
  size_t rows = 0, dcap = 0;
  int rc;

  if (!out || !c) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_dtm: NULL argument");
  *out = NULL;
  if ((rc = kzs_options(&o, opts)) != KZ_OK) return rc;
  memset(&x, 0, sizeof x);
  if ((rc = kzs_walk_init(&x.w, c, &o)) != KZ_OK) return rc;
  m = calloc(1, sizeof *m);
  if (!m) rc = KZ_ENOMEM;
  if (!rc) rc = kzs_keys_collect(&keys, c, o.filter, o.filter_len);
  if (!rc) {
    dcap = keys.n + 1;
    x.dstart = malloc(dcap * sizeof *x.dstart);
    if (!x.dstart) rc = KZ_ENOMEM;
  }
  for (size_t d = 0; d < keys.n && !rc; d++) {
    rc = kzs_walk_load(&x.w, keys.arena.p + keys.off[d], keys.len[d]);
    if (rc == KZ_ENOTFOUND) {
      rc = KZ_OK;
      continue;
    }
    if (!rc) rc = grow_terms(&x);
    if (rc) break;
    x.dstart[rows] = x.np;
    rc = count_doc(&x);
    if (!rc) rc = kzs_keys_push(&m->keys, keys.arena.p + keys.off[d], keys.len[d]);
    if (!rc) rows++;
  }
  if (!rc) {
    x.dstart[rows] = x.np;
    rc = build(m, &x, rows);
  }
  kzs_keys_free(&keys);
  kzs_walk_free(&x.w);
  free(x.p);
  free(x.dstart);
  free(x.df);
  free(x.tf);
  free(x.cnt);
  free(x.touched);
  if (rc) {
    kz_dtm_free(m);
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    return rc;
  }
  *out = m;
  return KZ_OK;
}

size_t kz_dtm_rows(const kz_dtm *m) { return m ? m->rows : 0; }
size_t kz_dtm_cols(const kz_dtm *m) { return m ? m->cols : 0; }
size_t kz_dtm_nnz(const kz_dtm *m) { return m ? m->nnz : 0; }

void kz_dtm_csr(const kz_dtm *m, const int64_t **indptr, const int32_t **indices, const double **data) {
  if (indptr) *indptr = m ? m->indptr : NULL;
  if (indices) *indices = m ? m->indices : NULL;
  if (data) *data = m ? m->data : NULL;
}

const char *kz_dtm_term(const kz_dtm *m, size_t j, size_t *len) {
  const char *s;
  if (!m || j >= m->cols) {
    if (len) *len = 0;
    return NULL;
  }
  s = m->terms.p + m->toff[j];
  if (len) *len = strlen(s);
  return s;
}

uint64_t kz_dtm_df(const kz_dtm *m, size_t j) { return m && j < m->cols ? m->df[j] : 0; }

const char *kz_dtm_key(const kz_dtm *m, size_t i, size_t *len) {
  if (!m || i >= m->keys.n) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = m->keys.len[i];
  return m->keys.arena.p + m->keys.off[i];
}

void kz_dtm_free(kz_dtm *m) {
  if (!m) return;
  free(m->indptr);
  free(m->indices);
  free(m->data);
  kzi_buf_free(&m->terms);
  free(m->toff);
  free(m->df);
  kzs_keys_free(&m->keys);
  free(m);
}
