/*
 * colloc.c - collocations of a node query within a window.
 *
 * Counting (Evert 2008, "surface co-occurrence"): every match of the node
 * query is a node; its window is the `left` tokens before and the `right`
 * tokens after it in the same field, except tokens that are themselves
 * part of a node.  A token inside several windows is counted once (for
 * the left/right split, by the first node that claims it).  For every
 * collocate w:
 *   O = tokens of w inside windows           (observed)
 *   R = tokens inside windows                (the window size, summed)
 *   C = frequency of w in the filtered corpus (kz_corpus_vocabulary)
 *   N = tokens of the filtered corpus
 * which makes the 2x2 table (O, R - O, C - O, N - R - C + O) valid: the
 * tokens outside windows and the collocate's tokens outside windows are
 * disjoint.  The measures: E = R C / N, MI = log2(O / E), t = (O - E) /
 * sqrt(O), G2 (kzs_g2), logDice = 14 + log2(2 O / (f_node + C)) with
 * f_node the number of node matches.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

typedef struct crow {
  uint32_t term;
  const char *s;           /* the term, in the walker's table */
  uint64_t obs, left, right, freq, docs;
  double e, mi, t, g2, ld, key;
} crow;

struct kz_colloc {
  crow *rows; size_t n;
  kzi_buf arena;           /* terms */
  size_t *toff;            /* offset of row i's term in arena */
  uint64_t node_freq, window, corpus, node_docs;
};

typedef struct cstat {
  uint64_t obs, left, right, freq, docs;
  uint64_t lastdoc;        /* doc ordinal + 1 of the last co-occurrence */
} cstat;

typedef struct cctx {
  kzs_walk w;
  cstat *st; size_t nst;   /* indexed by term id */
  uint32_t *mark; size_t nmark; /* per token of the document: stamp */
  uint64_t corpus;
  int rc;
} cctx;

static int grow_stats(cctx *x) {
  size_t need = x->w.terms.n;
  if (need <= x->nst) return KZ_OK;
  {
    size_t nc = x->nst ? x->nst : 1024;
    cstat *ns;
    while (nc < need) nc *= 2;
    ns = realloc(x->st, nc * sizeof *ns);
    if (!ns) return KZ_ENOMEM;
    memset(ns + x->nst, 0, (nc - x->nst) * sizeof *ns);
    x->st = ns;
    x->nst = nc;
  }
  return KZ_OK;
}

static int vocab_fn(void *p, const char *term, size_t len, uint64_t tf, uint64_t df) {
  cctx *x = p;
  uint32_t id = kzs_terms_find(&x->w.terms, term, len);
  (void)df;
  x->corpus += tf;
  if (id != KZS_NO_TERM && id < x->nst) x->st[id].freq = tf;
  return 0;
}

/* Count the windows of the spans sp[0..n) of the loaded document. */
static int count_doc(cctx *x, const kzs_span *sp, size_t n, uint64_t docno, uint64_t *window) {
  kzs_walk *w = &x->w;
  const kz_stats_options *o = &w->o;
  /* mark: 1 node token, 2 counted window token (per document) */
  if (w->ntok > x->nmark) {
    uint32_t *nm = realloc(x->mark, w->ntok * sizeof *nm);
    if (!nm) return KZ_ENOMEM;
    x->mark = nm;
    x->nmark = w->ntok;
  }
  memset(x->mark, 0, w->ntok * sizeof *x->mark);
  for (size_t i = 0; i < n; i++)
    for (size_t k = sp[i].first; k <= sp[i].last; k++) x->mark[k] = 1;
  for (size_t i = 0; i < n; i++) {
    const kzs_tok *a = &w->tok[sp[i].first], *b = &w->tok[sp[i].last];
    size_t fb = w->fbeg[a->field], fe = w->fbeg[a->field + 1];
    for (int side = 0; side < 2; side++) {
      size_t k = side ? sp[i].last + 1 : sp[i].first;
      for (;;) {
        const kzs_tok *t;
        cstat *s;
        if (side) {
          if (k >= fe || w->tok[k].pos > b->pos + o->right) break;
        } else {
          if (k == fb) break;
          k--;
          if (a->pos - w->tok[k].pos > o->left) break;
        }
        t = &w->tok[k];
        if (x->mark[k] == 0) {
          x->mark[k] = 2;
          (*window)++;
          if (!kzs_skip(o, t)) {
            s = &x->st[t->term];
            s->obs++;
            if (side) s->right++;
            else s->left++;
            if (s->lastdoc != docno + 1) {
              s->lastdoc = docno + 1;
              s->docs++;
            }
          }
        }
        if (side) k++;
      }
    }
  }
  return KZ_OK;
}

static int row_cmp(const void *pa, const void *pb) {
  const crow *a = pa, *b = pb;
  if (a->key != b->key) return a->key > b->key ? -1 : 1;
  if (a->obs != b->obs) return a->obs > b->obs ? -1 : 1;
  return strcmp(a->s, b->s);
}

static double measure_key(int m, const crow *r) {
  switch (m) {
  case KZ_MEASURE_MI: return r->mi;
  case KZ_MEASURE_TSCORE: return r->t;
  case KZ_MEASURE_G2: return (double)r->obs >= r->e ? r->g2 : -r->g2;
  case KZ_MEASURE_FREQ: return (double)r->obs;
  default: return r->ld;
  }
}

int kz_corpus_collocations(kz_colloc **out, kz_corpus *c, const char *query, size_t len,
                           const kz_stats_options *opts) {
  kz_stats_options o;
  kzs_nodes nd;
  cctx x;
  kz_colloc *r = NULL;
  kzs_span *sp = NULL;
  size_t nsp = 0, spcap = 0, nrows = 0;
  uint64_t window = 0, nodes = 0, ndocs = 0;
  int rc;

  if (!out || !c || (!query && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_collocations: NULL argument");
  *out = NULL;
  if ((rc = kzs_options(&o, opts)) != KZ_OK) return rc;
  memset(&x, 0, sizeof x);
  memset(&nd, 0, sizeof nd);
  if ((rc = kzs_walk_init(&x.w, c, &o)) != KZ_OK) return rc;
  rc = kzs_nodes_prepare(&nd, &x.w, query, len);
  for (size_t d = 0; d < nd.docs.n && !rc; d++) {
    rc = kzs_walk_load(&x.w, nd.docs.arena.p + nd.docs.off[d], nd.docs.len[d]);
    if (rc == KZ_ENOTFOUND) { /* deleted since listed */
      rc = KZ_OK;
      continue;
    }
    if (!rc) rc = grow_stats(&x);
    if (!rc) rc = kzs_nodes_find(&nd, &x.w, d, &sp, &nsp, &spcap);
    if (rc || nsp == 0) continue;
    nodes += nsp;
    ndocs++;
    rc = count_doc(&x, sp, nsp, d, &window);
  }
  if (!rc) rc = grow_stats(&x);
  if (!rc) rc = kzs_vocabulary(c, o.filter, o.filter_len, vocab_fn, &x);
  if (!rc) {
    r = calloc(1, sizeof *r);
    if (!r) rc = KZ_ENOMEM;
  }
  if (!rc) {
    for (uint32_t id = 0; id < x.w.terms.n; id++)
      if (x.st[id].obs >= o.min_freq) nrows++;
    r->rows = malloc((nrows ? nrows : 1) * sizeof *r->rows);
    r->toff = malloc((nrows ? nrows : 1) * sizeof *r->toff);
    if (!r->rows || !r->toff) rc = KZ_ENOMEM;
  }
  if (!rc) {
    uint64_t N = x.corpus;
    r->node_freq = nodes;
    r->window = window;
    r->corpus = N;
    r->node_docs = ndocs;
    for (uint32_t id = 0; id < x.w.terms.n; id++) {
      const cstat *s = &x.st[id];
      crow *w;
      uint64_t C;
      if (s->obs < o.min_freq) continue;
      w = &r->rows[r->n++];
      C = s->freq < s->obs ? s->obs : s->freq; /* a document changed meanwhile */
      w->term = id;
      w->s = kzs_terms_str(&x.w.terms, id);
      w->obs = s->obs;
      w->left = s->left;
      w->right = s->right;
      w->freq = C;
      w->docs = s->docs;
      w->e = N ? (double)window * (double)C / (double)N : 0;
      w->mi = w->e > 0 ? log2((double)s->obs / w->e) : 0;
      w->t = ((double)s->obs - w->e) / sqrt((double)s->obs);
      w->g2 = kzs_g2(s->obs, window, C, N > window + C - s->obs ? N : window + C - s->obs);
      w->ld = 14 + log2(2.0 * (double)s->obs / (double)(nodes + C));
      w->key = measure_key(o.measure, w);
    }
    qsort(r->rows, r->n, sizeof *r->rows, row_cmp);
    if (o.limit && r->n > o.limit) r->n = o.limit;
    for (size_t i = 0; i < r->n && !rc; i++) {
      r->toff[i] = r->arena.n;
      rc = kzi_buf_append(&r->arena, kzs_terms_str(&x.w.terms, r->rows[i].term),
                          (size_t)x.w.terms.t[r->rows[i].term].len + 1);
    }
  }
  free(sp);
  free(x.st);
  free(x.mark);
  kzs_nodes_free(&nd);
  kzs_walk_free(&x.w);
  if (rc) {
    kz_colloc_free(r);
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    return rc;
  }
  *out = r;
  return KZ_OK;
}

size_t kz_colloc_count(const kz_colloc *r) { return r ? r->n : 0; }

int kz_colloc_row_get(const kz_colloc *r, size_t i, kz_colloc_row *row) {
  const crow *w;
  if (!r || !row || i >= r->n) return KZ_ITEROVER;
  w = &r->rows[i];
  row->term = r->arena.p + r->toff[i];
  row->term_len = strlen(row->term);
  row->observed = w->obs;
  row->left = w->left;
  row->right = w->right;
  row->freq = w->freq;
  row->docs = w->docs;
  row->expected = w->e;
  row->mi = w->mi;
  row->t_score = w->t;
  row->g2 = w->g2;
  row->log_dice = w->ld;
  return KZ_OK;
}

uint64_t kz_colloc_node_freq(const kz_colloc *r) { return r ? r->node_freq : 0; }
uint64_t kz_colloc_window_tokens(const kz_colloc *r) { return r ? r->window : 0; }
uint64_t kz_colloc_corpus_tokens(const kz_colloc *r) { return r ? r->corpus : 0; }
uint64_t kz_colloc_node_docs(const kz_colloc *r) { return r ? r->node_docs : 0; }

int kz_colloc_to_json(const kz_colloc *r, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  if (!r || !out) return kzi_seterr(NULL, KZ_EINVAL, "kz_colloc_to_json: NULL argument");
  for (size_t i = 0; i < r->n; i++) {
    kz_colloc_row w;
    kz_colloc_row_get(r, i, &w);
    kzs_json_raw(&b, &rc, "{\"term\":");
    kzs_json_str(&b, &rc, w.term, w.term_len);
    kzs_json_raw(&b, &rc, ",\"observed\":");
    kzs_json_u64(&b, &rc, w.observed);
    kzs_json_raw(&b, &rc, ",\"left\":");
    kzs_json_u64(&b, &rc, w.left);
    kzs_json_raw(&b, &rc, ",\"right\":");
    kzs_json_u64(&b, &rc, w.right);
    kzs_json_raw(&b, &rc, ",\"freq\":");
    kzs_json_u64(&b, &rc, w.freq);
    kzs_json_raw(&b, &rc, ",\"docs\":");
    kzs_json_u64(&b, &rc, w.docs);
    kzs_json_raw(&b, &rc, ",\"expected\":");
    kzs_json_num(&b, &rc, w.expected);
    kzs_json_raw(&b, &rc, ",\"mi\":");
    kzs_json_num(&b, &rc, w.mi);
    kzs_json_raw(&b, &rc, ",\"t\":");
    kzs_json_num(&b, &rc, w.t_score);
    kzs_json_raw(&b, &rc, ",\"g2\":");
    kzs_json_num(&b, &rc, w.g2);
    kzs_json_raw(&b, &rc, ",\"logdice\":");
    kzs_json_num(&b, &rc, w.log_dice);
    kzs_json_raw(&b, &rc, "}\n");
  }
  return kzs_json_out(&b, rc, out);
}

void kz_colloc_free(kz_colloc *r) {
  if (!r) return;
  free(r->rows);
  free(r->toff);
  kzi_buf_free(&r->arena);
  free(r);
}
