/*
 * rank.c - ranked search (BM25F, top-k), the results cursor, and the
 * unranked walk over matching documents shared by keys, KWIC and counts.
 *
 * Top-k keeps a min-heap of the k = offset + limit best hits.  With
 * KZ_SEARCH_TOP_ONLY a document whose best possible score (the sum of the
 * upper bounds of the query's terms, see kzi_it_maxscore()) cannot beat the
 * heap's worst hit is not scored, and a segment stops once the bound of the
 * whole query is below that threshold (max-score pruning); the total is
 * then a lower bound.  Otherwise every match is counted.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

typedef struct hit {
  double score;
  int32_t date;
  uint32_t seg, doc;
  char *mem;        /* the stored fields, once loaded */
  char *key;        /* the key, NUL-terminated */
  const char *f[KZ_FIELD_COUNT];
  size_t n[KZ_FIELD_COUNT];
  kzi_buf snip;
  kzi_tokpos *hl, *bhl;
  size_t nhl, nbhl;
  kzi_span *bsp;    /* the body's matches, until bhl is made from them */
  size_t nbsp;
  int sfield;       /* kz_field the snippet was taken from */
} hit;

struct kz_results {
  hit *h;
  size_t n;
  size_t cur;       /* 1-based; 0 before the first */
  uint64_t total;
  int exact;
  kz_corpus *c;
  kzi_snapshot *snap; /* held for fields loaded on first use */
};

/* ---------------------------------------------------------------------
 * The unranked walk
 * --------------------------------------------------------------------- */

int kzi_each_match(kz_corpus *c, kzi_snapshot *s, const kz_query *q,
                   kzi_match_cb cb, void *payload) {
  int rc = KZ_OK;
  for (uint32_t i = 0; i < s->nseg && !rc; i++) {
    kzi_exec ex;
    kzi_it *it = NULL;
    uint32_t d;
    memset(&ex, 0, sizeof ex);
    ex.snap = s;
    ex.seg = s->seg[i];
    ex.c = c;
    rc = kzi_exec_build(&it, &ex, q->root);
    if (rc) break;
    for (d = kzi_it_seek(&ex, it, 0); d != KZI_NO_DOC && !rc; d = kzi_it_seek(&ex, it, d + 1)) {
      if (kzi_seg_deleted(s->seg[i], d)) continue;
      rc = cb(&ex, it, i, d, payload);
    }
    if (!rc) rc = ex.rc;
    kzi_it_free(it);
  }
  return rc;
}

static int compile(kz_corpus *c, const char *query, size_t len, kz_query **q) {
  if (!c || (!query && len)) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  return kz_query_parse(q, c, query ? query : "", len);
}

/* ---------------------------------------------------------------------
 * Top-k
 * --------------------------------------------------------------------- */

/* A candidate in the top-k heap (the hit is made for the winners only). */
typedef struct cand {
  double score;
  int32_t date;
  uint32_t seg, doc;
} cand;

typedef struct topk {
  cand *h;
  size_t n, k;
  int sort;
  uint64_t total;
  int pruned;
} topk;

/* Does a rank before b? */
static int better(const cand *a, const cand *b, int sort) {
  if (sort != KZ_SORT_SCORE) {
    int ad = a->date != KZI_NO_DATE, bd = b->date != KZI_NO_DATE;
    if (ad != bd) return ad;
    if (a->date != b->date)
      return sort == KZ_SORT_DATE_DESC ? a->date > b->date : a->date < b->date;
  }
  if (a->score != b->score) return a->score > b->score;
  if (a->seg != b->seg) return a->seg < b->seg;
  return a->doc < b->doc;
}

static void tk_down(topk *t, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < t->n && better(&t->h[m], &t->h[l], t->sort)) m = l;
    if (r < t->n && better(&t->h[m], &t->h[r], t->sort)) m = r;
    if (m == i) return;
    cand x = t->h[i]; t->h[i] = t->h[m]; t->h[m] = x;
    i = m;
  }
}

static void tk_up(topk *t, size_t i) {
  while (i) {
    size_t p = (i - 1) / 2;
    if (!better(&t->h[p], &t->h[i], t->sort)) return;
    cand x = t->h[i]; t->h[i] = t->h[p]; t->h[p] = x;
    i = p;
  }
}

static void tk_push(topk *t, const cand *x) {
  if (t->n < t->k) {
    t->h[t->n++] = *x;
    tk_up(t, t->n - 1);
  } else if (t->k && better(x, &t->h[0], t->sort)) {
    t->h[0] = *x;
    tk_down(t, 0);
  }
}

typedef struct tpush {
  topk *t;
  uint32_t seg;
} tpush;

static int push_cb(void *payload, uint32_t doc, double score, double *theta) {
  tpush *x = payload;
  cand h;
  h.seg = x->seg;
  h.doc = doc;
  h.score = score;
  h.date = 0;
  tk_push(x->t, &h);
  if (x->t->n == x->t->k) *theta = x->t->h[0].score;
  return 0;
}

static int search_segment(kz_corpus *c, kzi_snapshot *s, const kz_query *q, uint32_t si,
                          topk *t, int top_only) {
  kzi_exec ex;
  kzi_it *it = NULL;
  uint32_t d;
  int rc;
  double bound;
  memset(&ex, 0, sizeof ex);
  ex.snap = s;
  ex.seg = s->seg[si];
  ex.c = c;
  rc = kzi_exec_build(&it, &ex, q->root);
  if (rc) return rc;
  bound = kzi_it_maxscore(it);
  if (top_only && t->sort == KZ_SORT_SCORE && t->k && (kzi_it_is_term(it) || kzi_it_is_conj(it))) {
    tpush x = {t, si};
    ex.topk = 1;
    rc = kzi_it_is_term(it) ? kzi_it_topk_term(&ex, it, push_cb, &x, &t->total)
                            : kzi_it_topk_conj(&ex, it, push_cb, &x, &t->total);
    if (ex.skipped) t->pruned = 1;
    kzi_it_free(it);
    return rc;
  }
  if (top_only && t->sort == KZ_SORT_SCORE && t->k && kzi_it_maxscore_ok(it)) {
    double sc;
    t->pruned = 1;
    for (d = 0;; d++) {
      cand h;
      double theta = t->n == t->k ? t->h[0].score : 0;
      d = kzi_it_next_maxscore(&ex, it, d, theta, &sc);
      if (d == KZI_NO_DOC) break;
      t->total++;
      h.date = 0;
      h.seg = si;
      h.doc = d;
      h.score = sc;
      tk_push(t, &h);
    }
    rc = ex.rc;
    kzi_it_free(it);
    return rc;
  }
  /* block-max pruning below the root once the heap is full */
  ex.topk = top_only && t->sort == KZ_SORT_SCORE && t->k;
  ex.theta = ex.topk && t->n == t->k ? t->h[0].score : -1;
  for (d = kzi_it_seek(&ex, it, 0); d != KZI_NO_DOC; d = kzi_it_seek(&ex, it, d + 1)) {
    cand h;
    if (kzi_seg_deleted(ex.seg, d)) continue;
    t->total++;
    if (top_only && t->sort == KZ_SORT_SCORE && t->n == t->k && t->k &&
        bound <= t->h[0].score) {
      /* nothing left in this segment can enter the top k */
      t->pruned = 1;
      break;
    }
    h.date = 0;
    h.seg = si;
    h.doc = d;
    h.score = kzi_it_score(&ex, it, d);
    if (t->sort != KZ_SORT_SCORE) {
      kzi_cols cols;
      if ((rc = kzi_seg_cols(ex.seg, d, &cols))) break;
      h.date = cols.date;
    }
    tk_push(t, &h);
    if (ex.topk && t->n == t->k) ex.theta = t->h[0].score;
  }
  if (ex.skipped) t->pruned = 1;
  if (!rc) rc = ex.rc;
  kzi_it_free(it);
  return rc;
}

/* Copy the stored fields of h into h->mem (the key is there already),
 * through the snapshot's cache of store blocks (store_cache.c). */
static int load_fields(kzi_snapshot *s, hit *h) {
  kzi_stored st;
  int rc;
  if (h->mem) return KZ_OK;
  rc = kzi_snap_record(s, h->seg, h->doc, &st, &h->mem);
  if (rc) return rc;
  for (int f = 0; f < KZ_FIELD_COUNT; f++) {
    if (f == KZ_FIELD_KEY) continue;
    h->f[f] = st.f[f];
    h->n[f] = st.n[f];
  }
  return KZ_OK;
}

/* The key of h. */
static int load_key(kzi_snapshot *s, hit *h) {
  const char *key;
  size_t kn;
  int rc = kzi_seg_key(s->seg[h->seg], h->doc, &key, &kn);
  if (rc) return rc;
  h->key = malloc(kn + 1);
  if (!h->key) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  memcpy(h->key, key, kn);
  h->key[kn] = 0;
  h->f[KZ_FIELD_KEY] = h->key;
  h->n[KZ_FIELD_KEY] = kn;
  h->sfield = KZ_FIELD_BODY;
  return KZ_OK;
}

typedef struct hord { uint32_t seg, doc; size_t i; } hord;
static int hord_cmp(const void *a, const void *b) {
  const hord *x = a, *y = b;
  if (x->seg != y->seg) return x->seg < y->seg ? -1 : 1;
  return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* The snippet of h, whose iterator `it` (over h's segment) may move to
 * h->doc.  The snippet comes from the body when it has a match, else from
 * the first of title, heading, caption that has one (else the body's
 * start).  The body's matches are kept for its highlights, which are
 * mapped to bytes on first use (body_hits()). */
static int snippet_of(kz_corpus *c, kzi_exec *ex, kzi_it *it, hit *h, unsigned window,
                      kzi_span **sp, size_t *cap) {
  static const unsigned order[KZI_NFIELDS] = {KZ_FIELD_BODY, KZ_FIELD_TITLE, KZ_FIELD_HEADING,
                                              KZ_FIELD_CAPTION};
  size_t nsp = 0;
  unsigned field = KZ_FIELD_BODY;
  int rc = KZ_OK;
  if (kzi_it_seek(ex, it, h->doc) == h->doc) {
    for (unsigned i = 0; i < KZI_NFIELDS && !rc; i++) {
      nsp = 0;
      rc = kzi_it_spans(ex, it, h->doc, order[i], sp, &nsp, cap);
      nsp = kzi_spans_normalize(*sp, nsp);
      if (nsp) {
        field = order[i];
        break;
      }
    }
  }
  if (!rc && ex->rc) rc = ex->rc;
  if (rc) return rc;
  h->sfield = (int)field;
  if (field == KZ_FIELD_BODY && nsp) {
    h->bsp = malloc(nsp * sizeof *h->bsp);
    if (!h->bsp) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    memcpy(h->bsp, *sp, nsp * sizeof *h->bsp);
    h->nbsp = nsp;
  }
  return kzi_snippet(c, h->f[field], h->n[field], *sp, nsp, window, &h->snip, &h->hl, &h->nhl);
}

/* The stored fields and snippets of the n hits h: in segment and document
 * order, so that one iterator per segment serves all its hits (and hits of
 * one store block follow each other). */
static int snippets(kz_corpus *c, kzi_snapshot *s, const kz_query *q, hit *h, size_t n,
                    const kz_search_options *o) {
  hord *ord = malloc((n ? n : 1) * sizeof *ord);
  size_t cap = 0;
  kzi_span *sp = NULL;
  kzi_exec ex;
  kzi_it *it = NULL;
  int rc = KZ_OK;
  if (!ord) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    ord[i].seg = h[i].seg;
    ord[i].doc = h[i].doc;
    ord[i].i = i;
  }
  qsort(ord, n, sizeof *ord, hord_cmp);
  memset(&ex, 0, sizeof ex);
  for (size_t i = 0; i < n && !rc; i++) {
    hit *x = &h[ord[i].i];
    if (!it || ex.seg != s->seg[x->seg]) {
      kzi_it_free(it);
      it = NULL;
      memset(&ex, 0, sizeof ex);
      ex.snap = s;
      ex.seg = s->seg[x->seg];
      ex.c = c;
      rc = kzi_exec_build(&it, &ex, q->root);
      if (rc) break;
    }
    rc = load_fields(s, x);
    if (!rc) rc = snippet_of(c, &ex, it, x, o->snippet_tokens, &sp, &cap);
  }
  kzi_it_free(it);
  free(sp);
  free(ord);
  return rc;
}

int kz_search_options_init(kz_search_options *opts, unsigned int version) {
  static const kz_search_options init = KZ_SEARCH_OPTIONS_INIT;
  if (!opts) return kzi_seterr(NULL, KZ_EINVAL, "options is NULL");
  if (version != KZ_SEARCH_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_search_options version %u", version);
  *opts = init;
  return KZ_OK;
}

static void hit_clear(hit *h) {
  free(h->mem);
  free(h->key);
  kzi_buf_free(&h->snip);
  free(h->hl);
  free(h->bhl);
  free(h->bsp);
}

int kz_corpus_search(kz_results **out, kz_corpus *c, const char *query, size_t len,
                     const kz_search_options *opts) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  kz_query *q = NULL;
  kzi_snapshot *s;
  kz_results *r;
  topk t;
  int rc;
  if (!out) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  *out = NULL;
  if (opts) {
    if (opts->version != KZ_SEARCH_OPTIONS_VERSION)
      return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_search_options version %u", opts->version);
    o = *opts;
  }
  if (o.limit == 0) o.limit = 10;
  if (o.sort < KZ_SORT_SCORE || o.sort > KZ_SORT_DATE_ASC)
    return kzi_seterr(NULL, KZ_EINVAL, "unknown sort %d", o.sort);
  if (o.limit > 1000000 || o.offset > 1000000)
    return kzi_seterr(NULL, KZ_ELIMIT, "limit and offset must be at most 1000000");
  rc = compile(c, query, len, &q);
  if (rc) return rc;
  memset(&t, 0, sizeof t);
  t.k = o.offset + o.limit;
  t.sort = o.sort;
  t.h = malloc(t.k * sizeof *t.h);
  r = calloc(1, sizeof *r);
  if (!t.h || !r) {
    free(t.h);
    free(r);
    kz_query_free(q);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  s = kzi_snap_acquire(c);
  for (uint32_t i = 0; i < s->nseg && !rc; i++)
    rc = search_segment(c, s, q, i, &t, (o.flags & KZ_SEARCH_TOP_ONLY) != 0);
  if (!rc) {
    {
      /* heap sort: popping the worst to the end leaves best first */
      size_t n = t.n;
      while (t.n > 1) {
        cand x = t.h[0];
        t.h[0] = t.h[t.n - 1];
        t.h[t.n - 1] = x;
        t.n--;
        tk_down(&t, 0);
      }
      t.n = n; /* now best first */
    }
    r->total = t.total;
    r->exact = !t.pruned;
    if (t.n > o.offset) {
      r->n = t.n - o.offset;
      r->h = calloc(r->n, sizeof *r->h);
      if (!r->h) {
        r->n = 0;
        rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      }
      for (size_t i = 0; i < r->n && !rc; i++) {
        r->h[i].score = t.h[o.offset + i].score;
        r->h[i].date = t.h[o.offset + i].date;
        r->h[i].seg = t.h[o.offset + i].seg;
        r->h[i].doc = t.h[o.offset + i].doc;
        rc = load_key(s, &r->h[i]);
      }
      if (!rc && !(o.flags & KZ_SEARCH_NO_SNIPPETS)) rc = snippets(c, s, q, r->h, r->n, &o);
    }
  }
  r->c = c;
  r->snap = s; /* released by kz_results_free() */
  free(t.h);
  kz_query_free(q);
  if (rc) {
    kz_results_free(r);
    return rc;
  }
  *out = r;
  return KZ_OK;
}

size_t kz_results_count(const kz_results *r) { return r ? r->n : 0; }

uint64_t kz_results_total(const kz_results *r, int *exact) {
  if (exact) *exact = r ? r->exact : 1;
  return r ? r->total : 0;
}

int kz_results_next(kz_results *r) {
  if (!r || r->cur >= r->n) {
    if (r) r->cur = r->n + 1;
    return KZ_ITEROVER;
  }
  r->cur++;
  return KZ_OK;
}

int kz_results_seek(kz_results *r, size_t i) {
  if (!r || i >= r->n) return KZ_ITEROVER;
  r->cur = i + 1;
  return KZ_OK;
}

static const hit *cur(const kz_results *r) {
  if (!r || r->cur == 0 || r->cur > r->n) return NULL;
  return &r->h[r->cur - 1];
}

double kz_results_score(const kz_results *r) {
  const hit *h = cur(r);
  return h ? h->score : 0;
}

const char *kz_results_field(const kz_results *r, int field, size_t *len) {
  hit *h = (hit *)cur(r);
  if (!h || field < 0 || field >= KZ_FIELD_COUNT) {
    if (len) *len = 0;
    return h ? "" : NULL;
  }
  /* loaded on first use (a cursor is used by one thread at a time) */
  if (field != KZ_FIELD_KEY && !h->mem && load_fields(r->snap, h) != KZ_OK) {
    if (len) *len = 0;
    return "";
  }
  if (len) *len = h->n[field];
  return h->f[field];
}

const char *kz_results_snippet(const kz_results *r, size_t *len) {
  const hit *h = cur(r);
  if (len) *len = h ? h->snip.n : 0;
  if (!h) return NULL;
  return h->snip.p ? h->snip.p : "";
}

int kz_results_snippet_field(const kz_results *r) {
  const hit *h = cur(r);
  return h ? h->sfield : -1;
}

size_t kz_results_highlight_count(const kz_results *r) {
  const hit *h = cur(r);
  return h ? h->nhl : 0;
}

int kz_results_highlight(const kz_results *r, size_t i, size_t *start, size_t *end) {
  const hit *h = cur(r);
  if (!h || i >= h->nhl) return KZ_ITEROVER;
  if (start) *start = h->hl[i].start;
  if (end) *end = h->hl[i].end;
  return KZ_OK;
}

/* The current hit with its body highlights mapped to bytes (on first use:
 * a cursor is used by one thread at a time). */
static const hit *body_hits(const kz_results *r) {
  hit *h = (hit *)cur(r);
  if (h && h->bsp) {
    if (kzi_span_bytes(r->c, h->f[KZ_FIELD_BODY], h->n[KZ_FIELD_BODY], h->bsp, h->nbsp, &h->bhl,
                       &h->nbhl) != KZ_OK)
      h->nbhl = 0;
    free(h->bsp);
    h->bsp = NULL;
    h->nbsp = 0;
  }
  return h;
}

size_t kz_results_body_highlight_count(const kz_results *r) {
  const hit *h = body_hits(r);
  return h ? h->nbhl : 0;
}

int kz_results_body_highlight(const kz_results *r, size_t i, size_t *start, size_t *end) {
  const hit *h = body_hits(r);
  if (!h || i >= h->nbhl) return KZ_ITEROVER;
  if (start) *start = h->bhl[i].start;
  if (end) *end = h->bhl[i].end;
  return KZ_OK;
}

void kz_results_free(kz_results *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n; i++) hit_clear(&r->h[i]);
  if (r->snap) kzi_snap_release(r->c, r->snap);
  free(r->h);
  free(r);
}

/* ---------------------------------------------------------------------
 * Keys
 * --------------------------------------------------------------------- */

typedef struct keyctx {
  kz_key_cb cb;
  void *payload;
} keyctx;

static int key_visit(kzi_exec *ex, kzi_it *it, uint32_t seg, uint32_t doc, void *p) {
  keyctx *k = p;
  const char *key;
  size_t n;
  int rc = kzi_seg_key(ex->seg, doc, &key, &n);
  (void)it;
  (void)seg;
  if (rc) return rc;
  return k->cb(key, n, k->payload);
}

int kz_corpus_keys(kz_corpus *c, const char *query, size_t len, kz_key_cb cb, void *payload) {
  kz_query *q = NULL;
  kzi_snapshot *s;
  keyctx k = {cb, payload};
  int rc;
  if (!cb) return kzi_seterr(NULL, KZ_EINVAL, "callback is NULL");
  rc = compile(c, query, len, &q);
  if (rc) return rc;
  s = kzi_snap_acquire(c);
  rc = kzi_each_match(c, s, q, key_visit, &k);
  kzi_snap_release(c, s);
  kz_query_free(q);
  return rc;
}
