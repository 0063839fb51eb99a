/*
 * qexec.c - evaluating a query over one segment, document at a time.
 *
 * The AST is turned into a tree of iterators.  kzi_it_seek(it, t) moves an
 * iterator to the first document >= t that it matches and returns it
 * (KZI_NO_DOC at the end); an iterator never moves backwards.
 *   TERM   a postings list, filtered by the text fields asked for
 *   OR     a min-heap of its children (also the expansion of a prefix or
 *          fuzzy word in this segment's dictionary)
 *   AND    leapfrog over the children, rarest first
 *   NOT    the first child, skipping documents any other child matches
 *   PHRASE AND, then a position check: consecutive positions in one field
 *   NEAR   AND, then a window check (FTS5 semantics: between the end of the
 *          first and the start of the last operand at most N tokens)
 *   DATE   a scan of the date column; ALL every document; NONE nothing
 * Deleted documents are skipped by the callers.  Scores are BM25F sums over
 * the positive terms present in the document.
 *
 * Top-k pruning.  Every postings block and term carries a bound (maximum
 * frequency and minimum field length per field) from which an upper bound
 * of the term's score in the block follows for the current parameters.
 * When ranking with KZ_SEARCH_TOP_ONLY the caller keeps ex->theta at the
 * score of the k-th best hit so far; the iterators on the scoring path
 * from the root (the root, the positive child of a NOT root, never the
 * children of an OR) then skip whole blocks whose summed bound cannot beat
 * it: block-max for a single term, block-max AND for AND, phrases and
 * NEAR (before their position checks); an OR root uses max-score
 * (kzi_it_next_maxscore()).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(KZ_NO_SIMD)
#include <emmintrin.h>
#endif

#include "corpus_int.h"

enum { IT_NONE, IT_ALL, IT_TERM, IT_PHRASE, IT_AND, IT_OR, IT_NOT, IT_NEAR, IT_DATE };

typedef struct posbuf {
  kzi_span *v;
  size_t n, cap;
} posbuf;

struct kzi_it {
  int type;
  int started;
  uint32_t doc;
  unsigned fields;
  int meta;
  int prune;                /* on the scoring path from the root */
  kzi_post_it p;            /* TERM */
  double idf;
  double maxscore;          /* bound of the score of any document */
  kzi_it **kid; size_t nkid;
  size_t *ord;              /* AND family: kids by increasing df */
  kzi_it **heap; size_t nheap; /* OR */
  int dict_terms;           /* OR, AND: its kids are distinct TERMs of one
                             * space (a prefix or fuzzy expansion of the
                             * dictionary, or words of the query), in no
                             * field the node leaves out, so no two of them
                             * share a position */
  uint32_t dist;            /* NEAR */
  int32_t lo, hi;           /* DATE */
  const kzi_segment *seg;
  posbuf *kpb;              /* PHRASE / NEAR: one scratch list per kid */
  posbuf out;               /* PHRASE / NEAR: scratch for the matches */
  uint32_t *pos; size_t poscap; /* TERM: decoded positions scratch */
  uint64_t *pos64; size_t pos64cap; /* TERM: the same for terms_match() */
  /* AND, PHRASE, NEAR of two plain TERMs, unpruned: the lists intersected
   * a block at a time (seek_blocks()) */
  int bmode;                /* 0 undecided, 1 on, -1 off */
  kzi_post_blk *blk;        /* [2]: the rarer kid's block, the other's */
  uint32_t bia, bib;        /* cursors in them */
  uint32_t nc, ci;          /* candidates (equal documents) found, used */
  uint8_t ca[KZI_BLOCK_DOCS], cb[KZI_BLOCK_DOCS]; /* their entries */
  const kzi_post_blk *pblk; /* TERM under an AND in that mode: p is to be */
  uint32_t pidx;            /* put on entry pidx - 1 of pblk (pidx 0: is on it) */
  uint64_t cost;            /* estimated documents (for the AND order) */
  size_t idx;               /* index among its parent's kids as built */
  uint32_t bb_bi;           /* TERM: block (+ 1) whose bound is bb_score */
  double bb_score;
};

/* ---------------------------------------------------------------------
 * Building
 * --------------------------------------------------------------------- */

static kzi_it *it_new(kzi_exec *ex, int type) {
  kzi_it *it = calloc(1, sizeof *it);
  if (!it) {
    if (!ex->rc) ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    return NULL;
  }
  it->type = type;
  it->seg = ex->seg;
  it->fields = 0xF;
  return it;
}

void kzi_it_free(kzi_it *it) {
  if (!it) return;
  for (size_t i = 0; i < it->nkid; i++) kzi_it_free(it->kid[i]);
  if (it->kpb)
    for (size_t i = 0; i < it->nkid; i++) free(it->kpb[i].v);
  free(it->kpb);
  free(it->out.v);
  free(it->kid);
  free(it->ord);
  free(it->heap);
  free(it->pos);
  free(it->pos64);
  free(it->blk);
  kzi_post_free(&it->p);
  free(it);
}

static int it_add(kzi_exec *ex, kzi_it *p, kzi_it *k) {
  kzi_it **nk;
  if (!k) return ex->rc;
  nk = realloc(p->kid, (p->nkid + 1) * sizeof *nk);
  if (!nk) {
    kzi_it_free(k);
    return ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  p->kid = nk;
  k->idx = p->nkid;
  p->kid[p->nkid++] = k;
  return KZ_OK;
}

double kzi_idf(const kzi_snapshot *snap, uint64_t df) {
  double n = (double)snap->total_docs;
  if (df > snap->total_docs) df = snap->total_docs;
  return log(1.0 + (n - (double)df + 0.5) / ((double)df + 0.5));
}

/* df of a term over the whole snapshot. */
static uint64_t global_df(kzi_exec *ex, const char *t, size_t n, uint64_t local) {
  uint64_t df = 0;
  if (ex->snap->nseg == 1) return local;
  for (uint32_t i = 0; i < ex->snap->nseg; i++) {
    kzi_term tt;
    if (ex->snap->seg[i] == ex->seg) {
      df += local;
      continue;
    }
    if (kzi_seg_lookup(ex->snap->seg[i], t, n, &tt) == KZ_OK) df += tt.df;
  }
  return df;
}

/* BM25F of a term with weighted frequency sum tf. */
static inline double bm25_sat(const kz_corpus *c, double idf, double tf) {
  return idf * tf * (c->k1 + 1) / (c->k1 + tf);
}

/* Upper bound of the score of a TERM iterator on documents covered by b
 * (slightly inflated so rounding never makes it lower than a score). */
static double bound_score(const kzi_exec *ex, const kzi_it *it, const kzi_bound *b) {
  double tf = 0;
  if (it->meta) return 0;
  if (!it->p.has_bounds) return it->idf * (ex->c->k1 + 1);
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    double best = 0;
    if (!(b->mask & it->fields & (1u << f))) continue;
    for (unsigned k = 0; k < b->np[f]; k++) {
      double v = (double)b->fr[f][k] * kzi_wnorm(ex->c, ex->snap, f, b->ln[f][k]);
      if (v > best) best = v;
    }
    tf += best;
  }
  if (tf <= 0) return 0;
  return bm25_sat(ex->c, it->idf, tf) * (1 + 1e-9) + 1e-12;
}

static kzi_it *term_it(kzi_exec *ex, const char *t, size_t n, const kzi_term *tt,
                       unsigned fields, int meta) {
  kzi_it *it = it_new(ex, IT_TERM);
  if (!it) return NULL;
  it->fields = fields;
  it->meta = meta;
  it->cost = tt->df;
  if (kzi_post_init(&it->p, ex->seg, tt)) {
    ex->rc = it->p.rc;
    kzi_it_free(it);
    return NULL;
  }
  it->idf = meta ? 0 : kzi_idf(ex->snap, global_df(ex, t, n, tt->df));
  it->maxscore = bound_score(ex, it, &it->p.tb);
  return it;
}

/* Levenshtein distance of code point strings, or k + 1 when above k. */
int kzi_lev_bounded(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int k) {
  int row[66], prev[66];
  if ((size_t)(na > nb ? na - nb : nb - na) > (size_t)k) return k + 1;
  if (nb > 64 || na > 64) return k + 1;
  for (size_t j = 0; j <= nb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= na; i++) {
    int best;
    row[0] = (int)i;
    best = row[0];
    for (size_t j = 1; j <= nb; j++) {
      int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < c) c = prev[j] + 1;
      if (row[j - 1] + 1 < c) c = row[j - 1] + 1;
      row[j] = c;
      if (c < best) best = c;
    }
    if (best > k) return k + 1;
    memcpy(prev, row, (nb + 1) * sizeof *row);
  }
  return prev[nb];
}

size_t kzi_to_cps(const char *s, size_t n, uint32_t *out, size_t cap) {
  size_t k = 0;
  for (size_t i = 0; i < n && k < cap;) {
    size_t l;
    int32_t c = kzi_utf8_decode((const unsigned char *)s + i, n - i, &l);
    out[k++] = c < 0 ? 0xFFFD : (uint32_t)c;
    i += l;
  }
  return k;
}

/* Expand a prefix (fuzzy < 0) or fuzzy pattern into an OR of terms. */
static kzi_it *expand(kzi_exec *ex, const kzi_qnode *q) {
  kzi_it *r = it_new(ex, IT_OR);
  kzi_dict_it d;
  uint32_t pat[80], cand[80];
  size_t np = 0;
  int rc;
  if (!r) return NULL;
  r->fields = q->fields;
  if (q->fuzzy > 0) {
    np = kzi_to_cps(q->term + 1, q->term_len - 1, pat, 64);
    rc = kzi_dict_seek(&d, ex->seg, q->term, 1);
  } else {
    rc = kzi_dict_seek(&d, ex->seg, q->term, q->term_len);
  }
  while (rc == KZ_OK) {
    int take;
    if (q->fuzzy > 0) {
      if (d.term[0] != q->term[0]) break;
      size_t nc = kzi_to_cps(d.term + 1, d.term_len - 1, cand, 66);
      take = kzi_lev_bounded(pat, np, cand, nc, q->fuzzy) <= q->fuzzy;
    } else {
      if (d.term_len < q->term_len || memcmp(d.term, q->term, q->term_len) != 0) break;
      take = 1;
    }
    if (take) {
      if (r->nkid >= KZ_QUERY_MAX_EXPANSION) {
        ex->rc = kzi_query_error(KZ_ELIMIT, q->pos, "'%.*s%s' matches more than %d terms",
                                 (int)(q->term_len - 1 > 60 ? 60 : q->term_len - 1), q->term + 1,
                                 q->fuzzy < 0 ? "*" : "~", KZ_QUERY_MAX_EXPANSION);
        kzi_it_free(r);
        return NULL;
      }
      if (it_add(ex, r, term_it(ex, d.term, d.term_len, &d.t, q->fields, 0))) {
        kzi_it_free(r);
        return NULL;
      }
    }
    rc = kzi_dict_next(&d);
  }
  if (rc != KZ_OK && rc != KZ_ITEROVER) {
    ex->rc = rc;
    kzi_it_free(r);
    return NULL;
  }
  if (r->nkid == 0) r->type = IT_NONE;
  for (size_t i = 0; i < r->nkid; i++) {
    r->maxscore += r->kid[i]->maxscore;
    r->cost += r->kid[i]->cost;
  }
  r->dict_terms = 1;
  return r;
}

/* An OR of the dictionary terms (each a TERM node of the AST). */
static kzi_it *term_list(kzi_exec *ex, const kzi_qnode *q) {
  kzi_it *r = it_new(ex, IT_OR);
  if (!r) return NULL;
  r->fields = q->fields;
  for (size_t i = 0; i < q->nkid && !ex->rc; i++) {
    const kzi_qnode *k = q->kid[i];
    kzi_term tt;
    int rc = kzi_seg_lookup(ex->seg, k->term, k->term_len, &tt);
    if (rc == KZ_ENOTFOUND) continue;
    if (rc) {
      ex->rc = rc;
      break;
    }
    it_add(ex, r, term_it(ex, k->term, k->term_len, &tt, q->fields, 0));
  }
  if (ex->rc) {
    kzi_it_free(r);
    return NULL;
  }
  if (r->nkid == 0) r->type = IT_NONE;
  for (size_t i = 0; i < r->nkid; i++) {
    r->maxscore += r->kid[i]->maxscore;
    r->cost += r->kid[i]->cost;
  }
  return r;
}

static int cost_cmp_ctx(const kzi_it *p, size_t a, size_t b) {
  uint64_t x = p->kid[a]->cost, y = p->kid[b]->cost;
  return x < y ? -1 : x > y;
}

/* Are the kids of q (an AND or OR) distinct plain words of one key space,
 * each in fields q takes?  Then no two share a position, and a document's
 * matches are the sum of their frequencies (kzi_it_term_matches()). */
static int distinct_words(const kzi_qnode *q) {
  if (q->nkid < 2 || q->nkid > 64) return 0;
  for (size_t i = 0; i < q->nkid; i++) {
    const kzi_qnode *k = q->kid[i];
    if (k->type != KZQ_TERM || k->fuzzy || k->meta || k->term_len == 0) return 0;
    if (k->term[0] != q->kid[0]->term[0] || (k->fields & ~q->fields)) return 0;
    for (size_t j = 0; j < i; j++)
      if (q->kid[j]->term_len == k->term_len && !memcmp(q->kid[j]->term, k->term, k->term_len))
        return 0;
  }
  return 1;
}

static kzi_it *build(kzi_exec *ex, const kzi_qnode *q) {
  kzi_it *r;
  if (ex->rc) return NULL;
  switch (q->type) {
    case KZQ_NONE: return it_new(ex, IT_NONE);
    case KZQ_ALL:
      r = it_new(ex, IT_ALL);
      if (r) r->cost = ex->seg->ndocs;
      return r;
    case KZQ_DATE:
      r = it_new(ex, IT_DATE);
      if (r) {
        r->lo = q->lo;
        r->hi = q->hi;
        r->cost = ex->seg->ndocs;
      }
      return r;
    case KZQ_TERM: {
      kzi_term tt;
      int rc;
      if (q->fuzzy) return expand(ex, q);
      rc = kzi_seg_lookup(ex->seg, q->term, q->term_len, &tt);
      if (rc == KZ_ENOTFOUND) return it_new(ex, IT_NONE);
      if (rc) {
        ex->rc = rc;
        return NULL;
      }
      return term_it(ex, q->term, q->term_len, &tt, q->meta ? 0xF : q->fields, q->meta);
    }
    case KZQ_TERMS: return term_list(ex, q);
    default: break;
  }
  r = it_new(ex, q->type == KZQ_PHRASE ? IT_PHRASE : q->type == KZQ_AND ? IT_AND
                 : q->type == KZQ_OR ? IT_OR : q->type == KZQ_NOT ? IT_NOT : IT_NEAR);
  if (!r) return NULL;
  r->fields = q->fields;
  r->dist = q->dist;
  for (size_t i = 0; i < q->nkid; i++) {
    kzi_it *k = build(ex, q->kid[i]);
    if (!k) {
      kzi_it_free(r);
      return NULL;
    }
    if (k->type == IT_NONE) {
      int drop = r->type == IT_OR || (r->type == IT_NOT && i > 0);
      if (!drop) {
        /* the whole node matches nothing */
        kzi_it_free(k);
        for (size_t j = 0; j < r->nkid; j++) kzi_it_free(r->kid[j]);
        r->nkid = 0;
        r->type = IT_NONE;
        return r;
      }
      kzi_it_free(k);
      continue;
    }
    if (it_add(ex, r, k)) {
      kzi_it_free(r);
      return NULL;
    }
  }
  if (r->type == IT_OR && r->nkid == 0) r->type = IT_NONE;
  if ((r->type == IT_OR || r->type == IT_AND) && distinct_words(q)) {
    r->dict_terms = 1;
    for (size_t i = 0; i < r->nkid; i++)
      if (r->kid[i]->type != IT_TERM || r->kid[i]->meta) r->dict_terms = 0;
  }
  if (r->type == IT_NOT && r->nkid == 1) {
    kzi_it *k = r->kid[0];
    r->nkid = 0;
    kzi_it_free(r);
    return k;
  }
  for (size_t i = 0; i < r->nkid; i++)
    if (r->type != IT_NOT || i == 0) r->maxscore += r->kid[i]->maxscore;
  /* cost: the rarest child bounds an AND, the sum an OR */
  for (size_t i = 0; i < r->nkid; i++) {
    uint64_t c = r->kid[i]->cost;
    if (r->type == IT_OR) r->cost += c;
    else if (r->type == IT_NOT) r->cost = r->kid[0]->cost;
    else if (i == 0 || c < r->cost) r->cost = c;
  }
  if (r->type == IT_AND || r->type == IT_PHRASE || r->type == IT_NEAR) {
    r->ord = malloc(r->nkid * sizeof *r->ord);
    if (!r->ord) {
      kzi_it_free(r);
      ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      return NULL;
    }
    for (size_t i = 0; i < r->nkid; i++) {
      size_t j = i;
      r->ord[i] = i;
      for (; j > 0 && cost_cmp_ctx(r, r->ord[j], r->ord[j - 1]) < 0; j--) {
        size_t t = r->ord[j];
        r->ord[j] = r->ord[j - 1];
        r->ord[j - 1] = t;
      }
    }
  }
  if (r->type == IT_PHRASE || r->type == IT_NEAR) {
    r->kpb = calloc(r->nkid ? r->nkid : 1, sizeof *r->kpb);
    if (!r->kpb) {
      kzi_it_free(r);
      ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      return NULL;
    }
  }
  return r;
}

/* Mark the nodes whose whole score is the document's score (or a part of
 * it the other parts of which are bounded with them). */
static void mark_prune(kzi_it *it) {
  it->prune = 1;
  if (it->type == IT_NOT && it->nkid) mark_prune(it->kid[0]);
}

int kzi_exec_build(kzi_it **out, kzi_exec *ex, const kzi_qnode *q) {
  *out = build(ex, q);
  if (!*out && !ex->rc) ex->rc = kzi_seterr(NULL, KZ_ERROR, "cannot build query");
  if (*out) mark_prune(*out);
  return ex->rc;
}

double kzi_it_maxscore(const kzi_it *it) { return it->maxscore; }

/* ---------------------------------------------------------------------
 * Block bounds
 * --------------------------------------------------------------------- */

/* Upper bound of the score of it on documents in [d, *upto], lowering
 * *upto to where the bound stops holding. */
static double bound_at(kzi_exec *ex, kzi_it *it, uint32_t d, uint32_t *upto) {
  double s = 0;
  switch (it->type) {
    case IT_TERM: {
      uint32_t last;
      if (it->meta) return 0;
      if (it->started && it->doc == KZI_NO_DOC) return 0;
      last = kzi_post_shallow(&it->p, d);
      if (it->p.rc) {
        ex->rc = it->p.rc;
        return 0;
      }
      if (last < d) return 0; /* no document from d on */
      if (last < *upto) *upto = last;
      if (it->bb_bi != it->p.bi + 1) {
        it->bb_score = bound_score(ex, it, &it->p.bb);
        it->bb_bi = it->p.bi + 1;
      }
      return it->bb_score;
    }
    case IT_OR:
      if (it->nkid > 8) return it->maxscore;
      /* fall through */
    case IT_AND:
    case IT_PHRASE:
    case IT_NEAR:
      for (size_t i = 0; i < it->nkid; i++) s += bound_at(ex, it->kid[i], d, upto);
      return s;
    case IT_NOT: return it->nkid ? bound_at(ex, it->kid[0], d, upto) : 0;
    default: return 0;
  }
}

/* ---------------------------------------------------------------------
 * Positions and spans
 * --------------------------------------------------------------------- */

static int pb_push(posbuf *b, uint32_t s, uint32_t e) {
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 32;
    kzi_span *nv = realloc(b->v, nc * sizeof *nv);
    if (!nv) return KZ_ENOMEM;
    b->v = nv;
    b->cap = nc;
  }
  b->v[b->n].start = s;
  b->v[b->n].end = e;
  b->n++;
  return KZ_OK;
}

/* Spans in order of start, then end: one integer compare. */
static inline uint64_t span_key(const kzi_span *x) { return (uint64_t)x->start << 32 | x->end; }

static int span_cmp(const void *a, const void *b) {
  uint64_t x = span_key(a), y = span_key(b);
  return x < y ? -1 : x > y;
}

static int sorted(const kzi_span *sp, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (span_key(&sp[i - 1]) > span_key(&sp[i])) return 0;
  return 1;
}

/* The end of the sorted run of v[0..n) that starts at i. */
static size_t run_end(const kzi_span *v, size_t i, size_t n) {
  while (i + 1 < n && span_key(&v[i]) <= span_key(&v[i + 1])) i++;
  return i + 1;
}

/* Sort sp[0..n) by start, then end.  The spans come as sorted runs (an
 * AND or OR lists each operand's occurrences in order), so adjacent runs
 * are merged pairwise, pass after pass (a natural merge sort): two runs
 * take one linear pass where qsort() took n log n comparisons through a
 * function pointer (half the time of kz_corpus_count() on `a AND b`). */
static void spans_sort(kzi_span *sp, size_t n) {
  kzi_span buf[256], *tmp = buf, *a = sp, *b;
  size_t runs;
  if (n > 256 && !(tmp = malloc(n * sizeof *tmp))) {
    qsort(sp, n, sizeof *sp, span_cmp);
    return;
  }
  b = tmp;
  do {
    size_t i = 0;
    runs = 0;
    while (i < n) {
      size_t m = run_end(a, i, n), e = m < n ? run_end(a, m, n) : n, x = i, y = m, o = i;
      while (x < m && y < e) b[o++] = span_key(&a[y]) < span_key(&a[x]) ? a[y++] : a[x++];
      while (x < m) b[o++] = a[x++];
      while (y < e) b[o++] = a[y++];
      runs++;
      i = e;
    }
    {
      kzi_span *t = a;
      a = b;
      b = t;
    }
  } while (runs > 1);
  if (a != sp) memcpy(sp, a, n * sizeof *sp);
  if (tmp != buf) free(tmp);
}

size_t kzi_spans_normalize(kzi_span *sp, size_t n) {
  size_t w = 0;
  if (n == 0) return 0;
  if (!sorted(sp, n)) spans_sort(sp, n);
  for (size_t i = 1; i < n; i++) {
    if (sp[i].start < sp[w].end) {
      if (sp[i].end > sp[w].end) sp[w].end = sp[i].end;
    } else {
      sp[++w] = sp[i];
    }
  }
  return w + 1;
}

static int occurrences(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f, posbuf *out);

/* Put a TERM's postings on the entry seek_blocks() left pending. */
static inline void term_sync(kzi_it *it) {
  if (it->pidx) {
    kzi_post_blk_set(&it->p, it->pblk, it->pidx - 1);
    it->pidx = 0;
  }
}

/* May it have occurrences in field f of its current document?  (A cheap
 * test before decoding positions.) */
static int may_occur(kzi_it *it, uint32_t doc, unsigned f) {
  if (!it->started || it->doc != doc || !(it->fields & (1u << f))) return 0;
  if (it->type == IT_TERM) {
    term_sync(it);
    return !it->meta && (it->p.mask & (1u << f));
  }
  if (it->type == IT_PHRASE || it->type == IT_NEAR) {
    for (size_t i = 0; i < it->nkid; i++)
      if (!may_occur(it->kid[i], doc, f)) return 0;
  }
  return 1;
}

/* The occurrences of every kid of it (a PHRASE or NEAR on doc) in field f
 * into it->kpb[], sorted by start: phrase operands other than words are
 * also normalized (overlaps merged).  *none is set when some kid has none,
 * so nothing can match. */
static int kid_occurrences(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f, int *none) {
  posbuf *kp = it->kpb;
  int rc = KZ_OK;
  *none = 1;
  for (size_t i = 0; i < it->nkid; i++)
    if (!may_occur(it->kid[i], doc, f)) return KZ_OK;
  for (size_t i = 0; i < it->nkid && !rc; i++) {
    kp[i].n = 0;
    rc = occurrences(ex, it->kid[i], doc, f, &kp[i]);
    if (rc || kp[i].n == 0) return rc;
    if (it->type == IT_PHRASE && it->kid[i]->type != IT_TERM)
      kp[i].n = kzi_spans_normalize(kp[i].v, kp[i].n);
    else if (kp[i].n > 1 && !sorted(kp[i].v, kp[i].n))
      spans_sort(kp[i].v, kp[i].n);
  }
  *none = 0;
  return KZ_OK;
}

/* Phrase matches (start, start + n) of it (kids on doc) in field f. */
static int phrase_matches(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f, posbuf *out) {
  posbuf *kp = it->kpb;
  int none, rc = kid_occurrences(ex, it, doc, f, &none);
  if (rc || none) return rc;
  /* walk kid 0's starts; the others by moving cursors */
  {
    size_t cur[64], *c = cur;
    if (it->nkid > 64 && !(c = calloc(it->nkid, sizeof *c))) return KZ_ENOMEM;
    memset(c, 0, (it->nkid > 64 ? 0 : it->nkid) * sizeof *c);
    for (size_t a = 0; a < kp[0].n && !rc; a++) {
      uint32_t need = kp[0].v[a].end, ok = 1;
      for (size_t i = 1; i < it->nkid && ok; i++) {
        while (c[i] < kp[i].n && kp[i].v[c[i]].start < need) c[i]++;
        if (c[i] >= kp[i].n) {
          ok = 0;
          a = kp[0].n; /* no later start can match either */
        } else if (kp[i].v[c[i]].start != need) {
          ok = 0;
        } else {
          need = kp[i].v[c[i]].end;
        }
      }
      if (ok) rc = pb_push(out, kp[0].v[a].start, need);
    }
    if (c != cur) free(c);
  }
  return rc;
}

/* NEAR windows in field f: one span per qualifying anchor (the window). */
static int near_matches(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f, posbuf *out) {
  posbuf *kp = it->kpb;
  int none, rc = kid_occurrences(ex, it, doc, f, &none);
  if (rc || none) return rc;
  /* each occurrence o of each operand as the earliest one: every other
   * operand takes its first occurrence starting at or after o (ties: a
   * different operand may start at the same token) */
  for (size_t a = 0; a < it->nkid && !rc; a++)
    for (size_t k = 0; k < kp[a].n && !rc; k++) {
      kzi_span o = kp[a].v[k];
      uint64_t last_start = o.start, end = o.end;
      int ok = 1;
      for (size_t i = 0; i < it->nkid && ok; i++) {
        size_t lo = 0, hi = kp[i].n;
        if (i == a) continue;
        while (lo < hi) {
          size_t mid = (lo + hi) / 2;
          if (kp[i].v[mid].start < o.start) lo = mid + 1;
          else hi = mid;
        }
        if (lo >= kp[i].n) ok = 0;
        else {
          if (kp[i].v[lo].start > last_start) last_start = kp[i].v[lo].start;
          if (kp[i].v[lo].end > end) end = kp[i].v[lo].end;
        }
      }
      if (ok && last_start <= (uint64_t)o.end + it->dist) rc = pb_push(out, o.start, (uint32_t)end);
    }
  return rc;
}

/* Occurrence spans of a TERM / OR-of-terms / PHRASE operand in field f. */
static int occurrences(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f, posbuf *out) {
  int rc = KZ_OK;
  if (!it->started || it->doc != doc) return KZ_OK;
  if (!(it->fields & (1u << f))) return KZ_OK;
  switch (it->type) {
    case IT_TERM: {
      size_t n = 0;
      term_sync(it);
      if (it->meta || !(it->p.mask & (1u << f))) return KZ_OK;
      rc = kzi_post_positions(&it->p, f, &it->pos, &it->poscap, &n);
      if (rc) return rc;
      if (out->cap - out->n < n) {
        size_t nc = out->cap ? out->cap : 32;
        kzi_span *nv;
        while (nc - out->n < n) nc *= 2;
        if (!(nv = realloc(out->v, nc * sizeof *nv))) return KZ_ENOMEM;
        out->v = nv;
        out->cap = nc;
      }
      for (size_t i = 0; i < n; i++) {
        out->v[out->n].start = it->pos[i];
        out->v[out->n].end = it->pos[i] + 1;
        out->n++;
      }
      return KZ_OK;
    }
    case IT_OR:
    case IT_AND:
      for (size_t i = 0; i < it->nkid && !rc; i++) rc = occurrences(ex, it->kid[i], doc, f, out);
      return rc;
    case IT_NOT:
      return it->nkid ? occurrences(ex, it->kid[0], doc, f, out) : KZ_OK;
    case IT_PHRASE: return phrase_matches(ex, it, doc, f, out);
    case IT_NEAR: return near_matches(ex, it, doc, f, out);
    default: return KZ_OK;
  }
}

static int terms_only(const kzi_it *it) {
  if (it->nkid > 64) return 0;
  for (size_t i = 0; i < it->nkid; i++)
    if (it->kid[i]->type != IT_TERM || it->kid[i]->meta) return 0;
  return 1;
}

/* The checks below take positions as stored: deltas, summed on the way
 * in 64 bits.  The smaller side advances, selected without a branch. */

/* A phrase of two: a position of b right after one of a? */
static int phrase2(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb) {
  uint64_t x = a[0], y = b[0];
  uint32_t i = 0, j = 0;
  for (;;) {
    uint64_t lt;
    if (x + 1 == y) return 1;
    lt = x + 1 < y;
    i += (uint32_t)lt;
    j += (uint32_t)!lt;
    if (i >= na || j >= nb) return 0;
    x += a[i] & (0 - lt);
    y += b[j] & (lt - 1);
  }
}

/* NEAR of two single tokens: an occurrence of either with the first
 * occurrence of the other at or after it within dist + 1 tokens
 * (near_matches() for one-token operands): the closest pairs are the ones
 * the merge meets. */
static int near2(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                 uint32_t dist) {
  uint64_t x = a[0], y = b[0], lim = (uint64_t)dist + 1;
  uint32_t i = 0, j = 0;
  for (;;) {
    uint64_t le = x <= y;
    if ((le ? y - x : x - y) <= lim) return 1;
    i += (uint32_t)le;
    j += (uint32_t)!le;
    if (i >= na || j >= nb) return 0;
    x += a[i] & (0 - le);
    y += b[j] & (le - 1);
  }
}

#if defined(__SSE2__) && !defined(KZ_NO_SIMD)
/* Positions from 8 deltas at d (the first n real, the rest set to pad). */
static inline __m128i prefix8(const uint32_t *d, uint32_t n, int32_t pad, __m128i *hi,
                              uint32_t *last) {
  uint32_t v[8];
  __m128i lo = _mm_loadu_si128((const __m128i *)d), h = _mm_loadu_si128((const __m128i *)(d + 4));
  __m128i nn = _mm_set1_epi32((int32_t)n), p = _mm_set1_epi32(pad), k;
  lo = _mm_add_epi32(lo, _mm_slli_si128(lo, 4));
  lo = _mm_add_epi32(lo, _mm_slli_si128(lo, 8));
  h = _mm_add_epi32(h, _mm_slli_si128(h, 4));
  h = _mm_add_epi32(h, _mm_slli_si128(h, 8));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(lo, 0xFF));
  _mm_storeu_si128((__m128i *)v, lo);
  _mm_storeu_si128((__m128i *)(v + 4), h);
  *last = v[n - 1];
  k = _mm_cmpgt_epi32(nn, _mm_setr_epi32(0, 1, 2, 3));
  lo = _mm_or_si128(_mm_and_si128(k, lo), _mm_andnot_si128(k, p));
  k = _mm_cmpgt_epi32(nn, _mm_setr_epi32(4, 5, 6, 7));
  *hi = _mm_or_si128(_mm_and_si128(k, h), _mm_andnot_si128(k, p));
  return lo;
}

/* phrase2() or near2() (lim = dist + 1) when both lists have at most 8
 * positions, all below 2^30 (nearly always): every pair compared at once
 * in 32-bit lanes, without a branch.  Unused slots hold values far from
 * any position and from each other (differences stay inside int32).
 * -1 when it does not apply. */
static int small2(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                  int near, uint32_t lim) {
  int32_t x[8];
  uint32_t lx, ly;
  __m128i acc = _mm_setzero_si128(), x0, x1, y0, y1;
  if (na > 8 || nb > 8 || lim >= 1u << 28) return -1;
  /* kzi_post_deltas() lets us read 8 */
  x0 = prefix8(a, na, 5 << 28, &x1, &lx);
  y0 = prefix8(b, nb, -(1 << 29), &y1, &ly);
  if (lx >= 1u << 30 || ly >= 1u << 30) return -1;
  _mm_storeu_si128((__m128i *)x, x0);
  _mm_storeu_si128((__m128i *)(x + 4), x1);
  if (near) {
    __m128i lo = _mm_set1_epi32(-(int32_t)lim - 1), hi = _mm_set1_epi32((int32_t)lim + 1);
    for (uint32_t i = 0; i < 8; i++) {
      __m128i xi = _mm_set1_epi32(x[i]);
      __m128i d0 = _mm_sub_epi32(y0, xi), d1 = _mm_sub_epi32(y1, xi);
      acc = _mm_or_si128(acc, _mm_and_si128(_mm_cmpgt_epi32(d0, lo), _mm_cmplt_epi32(d0, hi)));
      acc = _mm_or_si128(acc, _mm_and_si128(_mm_cmpgt_epi32(d1, lo), _mm_cmplt_epi32(d1, hi)));
    }
  } else {
    for (uint32_t i = 0; i < 8; i++) {
      __m128i xi = _mm_set1_epi32(x[i] + 1);
      acc = _mm_or_si128(acc, _mm_or_si128(_mm_cmpeq_epi32(y0, xi), _mm_cmpeq_epi32(y1, xi)));
    }
  }
  return _mm_movemask_epi8(acc) != 0;
}
#else
static int small2(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                  int near, uint32_t lim) {
  (void)a, (void)na, (void)b, (void)nb, (void)near, (void)lim;
  return -1;
}
#endif

/* The check of a PHRASE or NEAR of two single TERMs on their positions
 * (deltas) in one field, a of the first, b of the second. */
static inline int pair_match(const kzi_it *it, const uint32_t *a, uint32_t na,
                             const uint32_t *b, uint32_t nb) {
  int r = small2(a, na, b, nb, it->type == IT_NEAR, it->dist + 1);
  if (r < 0) r = it->type == IT_NEAR ? near2(a, na, b, nb, it->dist) : phrase2(a, na, b, nb);
  return r;
}

/* A phrase of n >= 2 words: positions p[i][0..np[i]) of word i. */
static int phrase_n(const uint64_t *const *p, const uint32_t *np, size_t n) {
  size_t cur[64] = {0};
  for (size_t a = 0; a < np[0]; a++) {
    uint64_t p0 = p[0][a];
    size_t i;
    for (i = 1; i < n; i++) {
      uint64_t want = p0 + i;
      while (cur[i] < np[i] && p[i][cur[i]] < want) cur[i]++;
      if (cur[i] >= np[i]) return 0; /* no later start can match either */
      if (p[i][cur[i]] != want) break;
    }
    if (i == n) return 1;
  }
  return 0;
}

/* A PHRASE, or a NEAR of two, of single TERMs (all on doc), checked in
 * each field every word occurs in. */
static int terms_match(kzi_exec *ex, kzi_it *it, uint32_t doc) {
  size_t n = it->nkid;
  unsigned m = it->fields;
  if (n == 2) { /* the usual: inline, without the arrays */
    kzi_it *ka = it->kid[0], *kb = it->kid[1];
    if (!ka->started || ka->doc != doc || !kb->started || kb->doc != doc) return 0;
    for (m &= ka->fields & ka->p.mask & kb->fields & kb->p.mask; m; m &= m - 1) {
      unsigned f = (unsigned)__builtin_ctz(m);
      const uint32_t *a, *b;
      uint32_t na, nb;
      int r = kzi_post_deltas(&ka->p, f, &a, &na);
      if (!r) r = kzi_post_deltas(&kb->p, f, &b, &nb);
      if (r) {
        if (!ex->rc) ex->rc = r;
        return 0;
      }
      if (!na || !nb) continue;
      if (pair_match(it, a, na, b, nb)) return 1;
    }
    return 0;
  }
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    const kzi_it *k = it->kid[i];
    if (!k->started || k->doc != doc) return 0;
    m &= k->fields & k->p.mask;
  }
  for (; m; m &= m - 1) {
    unsigned f = (unsigned)__builtin_ctz(m);
    const uint32_t *v[64];
    uint32_t nv[64];
    int rc = KZ_OK;
    for (size_t i = 0; i < n && !rc; i++) rc = kzi_post_deltas(&it->kid[i]->p, f, &v[i], &nv[i]);
    if (rc) {
      if (!ex->rc) ex->rc = rc;
      return 0;
    }
    if (n == 2) {
      if (!nv[0] || !nv[1]) continue;
      if (pair_match(it, v[0], nv[0], v[1], nv[1])) return 1;
    } else {
      const uint64_t *p[64];
      for (size_t i = 0; i < n; i++) {
        kzi_it *k = it->kid[i];
        uint64_t s = 0;
        if (!nv[i]) break;
        if (nv[i] > k->pos64cap) {
          uint64_t *np = realloc(k->pos64, nv[i] * sizeof *np);
          if (!np) {
            if (!ex->rc) ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
            return 0;
          }
          k->pos64 = np;
          k->pos64cap = nv[i];
        }
        for (uint32_t j = 0; j < nv[i]; j++) k->pos64[j] = s += v[i][j];
        p[i] = k->pos64;
      }
      for (size_t i = 0; i < n; i++)
        if (!nv[i]) return 0;
      if (phrase_n(p, nv, n)) return 1;
    }
  }
  return 0;
}

static int matches_in_fields(kzi_exec *ex, kzi_it *it, uint32_t doc) {
  int found = 0;
  if (terms_only(it) && (it->type == IT_PHRASE || it->nkid == 2))
    return terms_match(ex, it, doc);
  for (unsigned f = 0; f < KZI_NFIELDS && !found && !ex->rc; f++) {
    int rc;
    if (!(it->fields & (1u << f))) continue;
    it->out.n = 0;
    rc = it->type == IT_PHRASE ? phrase_matches(ex, it, doc, f, &it->out)
                               : near_matches(ex, it, doc, f, &it->out);
    if (rc && !ex->rc) ex->rc = rc == KZ_ENOMEM ? kzi_seterr(NULL, rc, "out of memory") : rc;
    found = it->out.n > 0;
  }
  return found;
}

int kzi_it_spans(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f,
                 kzi_span **sp, size_t *n, size_t *cap) {
  posbuf b = {*sp, *n, *cap};
  int rc = occurrences(ex, it, doc, f, &b);
  *sp = b.v;
  *n = b.n;
  *cap = b.cap;
  if (rc == KZ_ECORRUPT) return rc;
  return rc ? kzi_seterr(NULL, rc, "cannot read positions") : KZ_OK;
}

/* ---------------------------------------------------------------------
 * Seeking
 * --------------------------------------------------------------------- */

static uint32_t seek(kzi_exec *ex, kzi_it *it, uint32_t target);

/* seek() of a child, inline for a plain TERM (any field, no pruning). */
static inline uint32_t kid_seek(kzi_exec *ex, kzi_it *k, uint32_t d) {
  if (k->type == IT_TERM && !k->prune && (k->meta || k->fields == 0xF)) {
    if (k->started && (k->doc == KZI_NO_DOC || k->doc >= d)) return k->doc;
    k->started = 1;
    if (kzi_post_advance(&k->p, d)) {
      ex->rc = k->p.rc;
      return k->doc = KZI_NO_DOC;
    }
    return k->doc = k->p.doc;
  }
  return seek(ex, k, d);
}


static void heap_down(kzi_it **h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && h[l]->doc < h[m]->doc) m = l;
    if (r < n && h[r]->doc < h[m]->doc) m = r;
    if (m == i) return;
    kzi_it *t = h[i]; h[i] = h[m]; h[m] = t;
    i = m;
  }
}

static uint32_t seek_or(kzi_exec *ex, kzi_it *it, uint32_t target) {
  if (it->nkid == 2) { /* the common case, without a heap */
    uint32_t a = kid_seek(ex, it->kid[0], target), b = kid_seek(ex, it->kid[1], target);
    return a < b ? a : b;
  }
  if (!it->heap) {
    it->heap = malloc(it->nkid * sizeof *it->heap);
    if (!it->heap) {
      ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      return KZI_NO_DOC;
    }
    for (size_t i = 0; i < it->nkid; i++) {
      seek(ex, it->kid[i], target);
      it->heap[i] = it->kid[i];
    }
    it->nheap = it->nkid;
    for (size_t i = it->nheap / 2; i-- > 0;) heap_down(it->heap, it->nheap, i);
  }
  while (it->nheap && it->heap[0]->doc < target && !ex->rc) {
    seek(ex, it->heap[0], target);
    heap_down(it->heap, it->nheap, 0);
  }
  return it->nheap ? it->heap[0]->doc : KZI_NO_DOC;
}

/* Leapfrog: every child on the same document >= d, rarest child first. */
static uint32_t seek_and(kzi_exec *ex, kzi_it *it, uint32_t d) {
  size_t i = 0, agree = 0, n = it->nkid;
  if (n == 0) return KZI_NO_DOC;
  if (n == 2) {
    kzi_it *a = it->kid[it->ord[0]], *b = it->kid[it->ord[1]];
    for (;;) {
      uint32_t x = kid_seek(ex, a, d), y;
      if (x == KZI_NO_DOC || ex->rc) return KZI_NO_DOC;
      y = kid_seek(ex, b, x);
      if (y == x) return x;
      if (y == KZI_NO_DOC || ex->rc) return KZI_NO_DOC;
      d = y;
    }
  }
  while (agree < n && !ex->rc) {
    uint32_t x = kid_seek(ex, it->kid[it->ord[i]], d);
    if (x == KZI_NO_DOC) return KZI_NO_DOC;
    if (x > d) {
      d = x;
      agree = 1;
      if (i != 0) { /* restart from the rarest child */
        i = 0;
        agree = 0;
        continue;
      }
    } else {
      agree++;
    }
    i = (i + 1) % n;
  }
  return ex->rc ? KZI_NO_DOC : d;
}

static int date_ok(const kzi_it *it, uint32_t d) {
  const unsigned char *p = it->seg->cols + (size_t)d * 24;
  int32_t v = (int32_t)kzi_get32(p);
  return v != KZI_NO_DATE && v >= it->lo && v <= it->hi;
}

/* Can documents from d on be skipped by the bound?  Then the next target
 * to try (or KZI_NO_DOC); else 0 with *upto where the bound holds. */
static int bound_skip(kzi_exec *ex, kzi_it *it, uint32_t d, uint32_t *next, uint32_t *upto) {
  double ub;
  *upto = KZI_NO_DOC - 1;
  if (!it->prune || !ex->topk) return 0;
  ub = bound_at(ex, it, d, upto);
  if (*upto < d) *upto = d; /* always move on */
  if (ex->rc || ub > ex->theta) return 0;
  ex->skipped++;
  *next = *upto >= it->seg->ndocs - 1 ? KZI_NO_DOC : *upto + 1;
  return 1;
}

static uint32_t seek_term(kzi_exec *ex, kzi_it *it, uint32_t target) {
  if (!(it->prune && ex->topk)) {
    if (kzi_post_advance(&it->p, target)) {
      ex->rc = it->p.rc;
      return KZI_NO_DOC;
    }
    while (!it->meta && it->p.doc != KZI_NO_DOC && !(it->p.mask & it->fields))
      if (kzi_post_next(&it->p)) {
        ex->rc = it->p.rc;
        return KZI_NO_DOC;
      }
    return it->p.doc;
  }
  for (;;) {
    uint32_t upto, next;
    if (bound_skip(ex, it, target, &next, &upto)) {
      if (next == KZI_NO_DOC) return KZI_NO_DOC;
      target = next;
      continue;
    }
    if (kzi_post_advance(&it->p, target)) {
      ex->rc = it->p.rc;
      return KZI_NO_DOC;
    }
    while (!it->meta && it->p.doc != KZI_NO_DOC && !(it->p.mask & it->fields))
      if (kzi_post_next(&it->p)) {
        ex->rc = it->p.rc;
        return KZI_NO_DOC;
      }
    if (it->p.doc != KZI_NO_DOC && it->p.doc > upto) {
      target = it->p.doc; /* in a later block: check its bound */
      continue;
    }
    return it->p.doc;
  }
}

static int plain_term(const kzi_it *k);

/* Can seek_blocks() drive it?  Decided at its first seek. */
static int blocks_ok(kzi_exec *ex, kzi_it *it) {
  if (it->nkid != 2 || (it->prune && ex->topk)) return 0;
  /* lists of like density (else leapfrogging skips more: measured, the
   * break-even is between 4 and 8 times) */
  if (it->kid[it->ord[1]]->cost > 6 * it->kid[it->ord[0]]->cost) return 0;
  for (size_t i = 0; i < 2; i++)
    if (!plain_term(it->kid[i]) || it->kid[i]->started || it->kid[i]->p.started) return 0;
  if (!(it->blk = malloc(2 * sizeof *it->blk))) return 0; /* the other way then */
  it->blk[0].bi = it->blk[1].bi = 0;
  it->blk[0].n = it->blk[1].n = 0;
  return 1;
}

/* The walk over the matches (kz_corpus_keys()) reads their keys' offsets
 * next: in a large segment (their table well beyond the caches) each is a
 * cache miss unless fetched ahead, a few candidates at a time. */
#define KEY_AHEAD 16
static inline void key_prefetch(const kzi_it *it, const kzi_post_blk *A, uint32_t k) {
  if (it->seg->ndocs >= 1u << 17)
    __builtin_prefetch(it->seg->koff + 8 * (size_t)A->doc[it->ca[k]]);
}

/* The position check of a PHRASE / NEAR in seek_blocks() on candidate
 * entries i of the rarer kid's block and j of the other's, straight from
 * the decoded blocks (the kids stay where they are): 1 a match, 0 none,
 * -1 when it cannot tell (then terms_match() decides). */
static __attribute__((noinline)) int blk_match(kzi_exec *ex, kzi_it *it, uint32_t i,
                                                uint32_t j) {
  kzi_it *ka = it->kid[it->ord[0]], *kb = it->kid[it->ord[1]];
  const kzi_post_blk *A = &it->blk[0], *B = &it->blk[1];
  unsigned ma = kzi_post_blk_mask(&ka->p, A, i), mb = kzi_post_blk_mask(&kb->p, B, j);
  unsigned m = ma & mb & it->fields & ka->fields & kb->fields;
  const uint32_t *a, *b;
  uint32_t na, nb, fa[KZI_NFIELDS], fb[KZI_NFIELDS];
  int r;
  if (ka->meta || kb->meta) return -1;
  if (!m) return 0;
  r = kzi_post_blk_deltas(&ka->p, A, i, &a, &na);
  if (!r) r = kzi_post_blk_deltas(&kb->p, B, j, &b, &nb);
  if (r) {
    if (!ex->rc) ex->rc = r;
    return 0;
  }
  if (it->ord[0] != 0) { /* a, b in the phrase's order */
    const uint32_t *t = a;
    uint32_t nt = na;
    a = b, na = nb, b = t, nb = nt;
    nt = ma, ma = mb, mb = nt;
    A = B, B = &it->blk[0];
    nt = i, i = j, j = nt;
  }
  if (!(ma & (ma - 1)) && !(mb & (mb - 1))) /* one field each: the usual */
    return na && nb && pair_match(it, a, na, b, nb);
  /* several: each field's slice of the entries' positions */
  if (ma & (ma - 1)) kzi_post_blk_freqs(&it->kid[0]->p, A, i, fa);
  else memset(fa, 0, sizeof fa), fa[__builtin_ctz(ma)] = na;
  if (mb & (mb - 1)) kzi_post_blk_freqs(&it->kid[1]->p, B, j, fb);
  else memset(fb, 0, sizeof fb), fb[__builtin_ctz(mb)] = nb;
  for (; m; m &= m - 1) {
    unsigned f = (unsigned)__builtin_ctz(m);
    uint64_t oa = 0, ob = 0;
    for (unsigned g = 0; g < f; g++) oa += fa[g], ob += fb[g];
    if (oa + fa[f] > na || ob + fb[f] > nb) return -1;
    if (fa[f] && fb[f] && pair_match(it, a + oa, fa[f], b + ob, fb[f])) return 1;
  }
  return 0;
}

/* Two lists, a block of each decoded at a time, merged without branching
 * into the candidates (the documents of both), which then get the
 * position check.  The kids are put on each candidate for it (and for
 * scoring and spans). */
static uint32_t seek_blocks(kzi_exec *ex, kzi_it *it, uint32_t target) {
  kzi_it *ka = it->kid[it->ord[0]], *kb = it->kid[it->ord[1]];
  kzi_post_blk *A = &it->blk[0], *B = &it->blk[1];
  for (;;) {
    uint32_t t = target;
    while (it->ci < it->nc) {
      uint32_t i = it->ca[it->ci], j = it->cb[it->ci], d = A->doc[i];
      int r;
      if (it->ci + KEY_AHEAD < it->nc) key_prefetch(it, A, it->ci + KEY_AHEAD);
      it->ci++;
      if (d < target) continue;
      ka->started = kb->started = 1;
      ka->doc = kb->doc = d;
      it->doc = d;
      if (it->type == IT_AND) { /* the kids' postings only when asked for */
        ka->pblk = A;
        ka->pidx = i + 1;
        kb->pblk = B;
        kb->pidx = j + 1;
        return d;
      }
      if ((r = blk_match(ex, it, i, j)) > 0) { /* the same */
        ka->pblk = A;
        ka->pidx = i + 1;
        kb->pblk = B;
        kb->pidx = j + 1;
        return d;
      }
      if (ex->rc) return KZI_NO_DOC;
      if (r == 0) continue;
      ka->pidx = kb->pidx = 0; /* terms_match() reads the postings as they are */
      kzi_post_blk_set(&ka->p, A, i);
      kzi_post_blk_set(&kb->p, B, j);
      if (matches_in_fields(ex, it, d)) return d;
      if (ex->rc) return KZI_NO_DOC;
    }
    it->nc = it->ci = 0;
    for (;;) {
      uint32_t ia, ib, n = 0, ta = t, tb;
      int rc;
      if (it->bia >= A->n || A->doc[it->bia] < ta) {
        if (it->bia >= A->n && A->n && A->doc[A->n - 1] >= ta) ta = A->doc[A->n - 1] + 1;
        rc = kzi_post_blk_seek(&ka->p, A, ta, &it->bia);
        if (rc) break;
      }
      tb = A->doc[it->bia];
      if (it->bib >= B->n || B->doc[it->bib] < tb) {
        if (it->bib >= B->n && B->n && B->doc[B->n - 1] >= tb) tb = B->doc[B->n - 1] + 1;
        rc = kzi_post_blk_seek(&kb->p, B, tb, &it->bib);
        if (rc) break;
      }
      ia = it->bia;
      ib = it->bib;
      while (ia < A->n && ib < B->n) {
        uint32_t x = A->doc[ia], y = B->doc[ib];
        it->ca[n] = (uint8_t)ia;
        it->cb[n] = (uint8_t)ib;
        n += x == y;
        ia += x <= y;
        ib += y <= x;
      }
      it->bia = ia;
      it->bib = ib;
      if (n) {
        it->nc = n;
        for (uint32_t k = 0; k < n && k < KEY_AHEAD; k++) key_prefetch(it, A, k);
        break;
      }
      /* one block is used up: go on from the other's next document */
      t = ia < A->n ? A->doc[ia] : ib < B->n ? B->doc[ib] : t;
    }
    if (!it->nc) {
      int rc = ka->p.rc ? ka->p.rc : kb->p.rc;
      if (rc && !ex->rc) ex->rc = rc;
      ka->doc = kb->doc = KZI_NO_DOC;
      ka->pidx = kb->pidx = 0;
      return KZI_NO_DOC;
    }
  }
}

/* AND, PHRASE and NEAR: leapfrog, skipping blocks by bound, then the
 * position check. */
static uint32_t seek_conj(kzi_exec *ex, kzi_it *it, uint32_t d) {
  if (it->bmode == 0) it->bmode = blocks_ok(ex, it) ? 1 : -1;
  if (it->bmode > 0) return seek_blocks(ex, it, d);
  for (;;) {
    uint32_t upto, next, x;
    if (bound_skip(ex, it, d, &next, &upto)) {
      if (next == KZI_NO_DOC || ex->rc) return KZI_NO_DOC;
      d = next;
      continue;
    }
    x = seek_and(ex, it, d);
    if (x == KZI_NO_DOC || ex->rc) return KZI_NO_DOC;
    if (x > upto) {
      d = x;
      continue;
    }
    it->doc = x;
    if (it->type == IT_AND || matches_in_fields(ex, it, x)) return x;
    d = x + 1;
  }
}

static uint32_t seek(kzi_exec *ex, kzi_it *it, uint32_t target) {
  uint32_t d;
  if (it->started && (it->doc == KZI_NO_DOC || it->doc >= target)) return it->doc;
  it->started = 1;
  if (ex->rc) return it->doc = KZI_NO_DOC;
  switch (it->type) {
    case IT_NONE: d = KZI_NO_DOC; break;
    case IT_ALL: d = target < it->seg->ndocs ? target : KZI_NO_DOC; break;
    case IT_DATE:
      d = target;
      while (d < it->seg->ndocs && !date_ok(it, d)) d++;
      if (d >= it->seg->ndocs) d = KZI_NO_DOC;
      break;
    case IT_TERM: d = seek_term(ex, it, target); break;
    case IT_OR: d = seek_or(ex, it, target); break;
    case IT_AND:
    case IT_PHRASE:
    case IT_NEAR: d = seek_conj(ex, it, target); break;
    case IT_NOT:
      d = seek(ex, it->kid[0], target);
      while (d != KZI_NO_DOC && !ex->rc) {
        int excluded = 0;
        for (size_t i = 1; i < it->nkid && !excluded; i++)
          excluded = seek(ex, it->kid[i], d) == d;
        if (!excluded) break;
        d = seek(ex, it->kid[0], d + 1);
      }
      break;
    default: d = KZI_NO_DOC;
  }
  if (ex->rc) d = KZI_NO_DOC;
  return it->doc = d;
}

uint32_t kzi_it_seek(kzi_exec *ex, kzi_it *it, uint32_t target) {
  return seek(ex, it, target);
}

/* ---------------------------------------------------------------------
 * Scoring
 * --------------------------------------------------------------------- */

double kzi_bm25(const kz_corpus *c, const kzi_snapshot *snap, double idf,
                const uint32_t *freq, const kzi_cols *cols) {
  double tf = 0;
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    if (!freq[f]) continue;
    tf += (double)freq[f] * kzi_wnorm(c, snap, f, cols->len[f]);
  }
  return bm25_sat(c, idf, tf);
}

/* BM25F of a TERM iterator on its current document, whose field lengths
 * are the u32 at cl (the COLS entry + 8).  Every scoring path uses this
 * arithmetic, so the same document gets the same score to the last bit. */
static inline double term_score(const kzi_exec *ex, const kzi_it *it, const unsigned char *cl) {
  const kz_corpus *c = ex->c;
  double tf = 0;
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    if (!it->p.freq[f] || !(it->fields & (1u << f))) continue;
    tf += (double)it->p.freq[f] * kzi_wnorm(c, ex->snap, f, kzi_get32(cl + 4 * f));
  }
  return bm25_sat(c, it->idf, tf);
}

static double score(kzi_exec *ex, kzi_it *it, uint32_t doc, const unsigned char *cl) {
  double s = 0;
  if (!it->started || it->doc != doc) return 0;
  switch (it->type) {
    case IT_TERM:
      term_sync(it);
      return it->meta ? 0 : term_score(ex, it, cl);
    case IT_OR:
    case IT_AND:
    case IT_PHRASE:
    case IT_NEAR:
      for (size_t i = 0; i < it->nkid; i++) s += score(ex, it->kid[i], doc, cl);
      return s;
    case IT_NOT: return it->nkid ? score(ex, it->kid[0], doc, cl) : 0;
    default: return 0;
  }
}

double kzi_it_score(kzi_exec *ex, kzi_it *it, uint32_t doc) {
  if (doc >= ex->seg->ndocs) return 0;
  return score(ex, it, doc, ex->seg->cols + (size_t)doc * 24 + 8);
}

/* ---------------------------------------------------------------------
 * Max-score top-k for an OR root (Turtle & Flood): the children are
 * ordered by their score bounds; those whose bounds together cannot beat
 * the threshold are "non-essential": they never propose candidates and
 * are only consulted, best bound first, while the partial score plus the
 * bound of the ones left can still beat the threshold.
 * --------------------------------------------------------------------- */

static int kid_cmp(const void *a, const void *b) {
  double x = (*(kzi_it *const *)a)->maxscore, y = (*(kzi_it *const *)b)->maxscore;
  return x < y ? -1 : x > y;
}

int kzi_it_maxscore_ok(const kzi_it *it) {
  if (it->type != IT_OR || it->nkid < 2 || it->started) return 0;
  for (size_t i = 0; i < it->nkid; i++)
    if (it->kid[i]->maxscore <= 0) return 0;
  return 1;
}

uint32_t kzi_it_next_maxscore(kzi_exec *ex, kzi_it *it, uint32_t target, double theta,
                              double *score_out) {
  const unsigned char *cl;
  double ub[64], part[64], *ubp = ub, *pp = part;
  uint32_t d = KZI_NO_DOC;
  size_t n = it->nkid, e;
  if (!it->started) {
    qsort(it->kid, n, sizeof *it->kid, kid_cmp);
    it->started = 1;
  }
  if (n > 64) {
    ubp = malloc(n * sizeof *ubp);
    pp = malloc(n * sizeof *pp);
    if (!ubp || !pp) {
      free(ubp);
      free(pp);
      ex->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      return KZI_NO_DOC;
    }
  }
  for (size_t i = 0; i < n; i++) ubp[i] = it->kid[i]->maxscore + (i ? ubp[i - 1] : 0);
  for (;;) {
    double s = 0;
    int pruned = 0;
    memset(pp, 0, n * sizeof *pp);
    for (e = 0; e < n && ubp[e] <= theta; e++) {}
    if (e == n) {
      d = KZI_NO_DOC;
      break;
    }
    d = KZI_NO_DOC;
    for (size_t i = e; i < n; i++) {
      uint32_t x = seek(ex, it->kid[i], target);
      if (x < d) d = x;
    }
    if (d == KZI_NO_DOC || ex->rc) {
      d = KZI_NO_DOC;
      break;
    }
    if (d >= ex->seg->ndocs) {
      d = KZI_NO_DOC;
      break;
    }
    cl = ex->seg->cols + (size_t)d * 24 + 8;
    /* partial scores by the kids' original order, so the sum is the one
     * score() computes, to the last bit */
    for (size_t i = e; i < n; i++)
      if (it->kid[i]->doc == d) s += pp[it->kid[i]->idx] = score(ex, it->kid[i], d, cl);
    for (size_t i = e; i-- > 0;) {
      if (s + ubp[i] <= theta) {
        pruned = 1;
        break;
      }
      if (seek(ex, it->kid[i], d) == d) s += pp[it->kid[i]->idx] = score(ex, it->kid[i], d, cl);
    }
    if (!pruned) {
      s = 0;
      for (size_t i = 0; i < n; i++) s += pp[i];
    }
    if (!pruned && s > theta && !kzi_seg_deleted(ex->seg, d)) {
      *score_out = s;
      break;
    }
    target = d + 1;
  }
  if (ubp != ub) free(ubp);
  if (pp != part) free(pp);
  it->doc = d;
  return d;
}

/* ---------------------------------------------------------------------
 * Top-k over a TERM root: the postings are walked directly, blocks whose
 * bound cannot beat the threshold skipped, scores computed inline (the
 * same arithmetic as score()).
 * --------------------------------------------------------------------- */

int kzi_it_is_term(const kzi_it *it) { return it->type == IT_TERM && !it->meta; }

/* The occurrences of a TERM positioned on doc in its fields. */
static uint64_t term_freq(const kzi_it *it) {
  uint64_t m = 0;
  for (unsigned f = 0; f < KZI_NFIELDS; f++)
    if (it->p.mask & it->fields & (1u << f)) m += it->p.freq[f];
  return m;
}

static int term_on(const kzi_it *it, uint32_t doc) {
  return it->type == IT_TERM && !it->meta && it->started && it->doc == doc && it->p.doc == doc;
}

int kzi_it_term_matches(kzi_it *it, uint32_t doc, uint64_t *n) {
  uint64_t m = 0;
  if (term_on(it, doc)) {
    *n = term_freq(it);
    return 0;
  }
  /* distinct terms of one space (a prefix or fuzzy word, or an AND or OR
   * of words) never share a token, so the matches are the sum over the
   * terms on doc, as occurrences() would collect them: a kid on doc (an
   * AND's kid may wait for term_sync()) */
  if ((it->type != IT_OR && it->type != IT_AND) || !it->dict_terms || it->doc != doc) return 1;
  for (size_t i = 0; i < it->nkid; i++) {
    kzi_it *k = it->kid[i];
    if (k->type != IT_TERM || k->meta) return 1;
    if (!k->started || k->doc != doc) continue;
    term_sync(k);
    if (k->p.doc == doc) m += term_freq(k);
  }
  *n = m;
  return 0;
}

int kzi_it_topk_term(kzi_exec *ex, kzi_it *it, kzi_topk_cb push, void *payload,
                     uint64_t *total) {
  kzi_post_it *p = &it->p;
  const kzi_segment *seg = ex->seg;
  double theta = -1;
  uint32_t d = 0;
  int rc = KZ_OK;
  it->started = 1;
  for (;;) {
    uint32_t blast;
    if (theta >= 0) {
      uint32_t upto = KZI_NO_DOC - 1;
      double ub = bound_at(ex, it, d, &upto);
      if (ex->rc) return ex->rc;
      if (upto < d) break; /* nothing from d on */
      if (ub <= theta) {
        ex->skipped++;
        if (upto >= seg->ndocs - 1) break;
        d = upto + 1;
        continue;
      }
    }
    if (kzi_post_advance(p, d)) return ex->rc = p->rc;
    if (p->doc == KZI_NO_DOC) break;
    blast = p->b_last;
    while (p->doc != KZI_NO_DOC && p->doc <= blast) {
      uint32_t doc = p->doc;
      if ((p->mask & it->fields) && !kzi_seg_deleted(seg, doc)) {
        double sc = term_score(ex, it, seg->cols + (size_t)doc * 24 + 8);
        ++*total;
        if (sc > theta) {
          double t0 = theta;
          if ((rc = push(payload, doc, sc, &theta))) return rc;
          if (theta != t0 && theta >= 0 && it->bb_bi == p->bi + 1 && it->bb_score <= theta) {
            /* the rest of this block cannot enter any more */
            ex->skipped++;
            break;
          }
        }
      }
      if (kzi_post_next(p)) return ex->rc = p->rc;
    }
    if (p->doc == KZI_NO_DOC) break;
    d = p->doc > blast ? p->doc : blast + 1;
    if (d >= seg->ndocs) break;
  }
  it->doc = KZI_NO_DOC;
  return ex->rc;
}

/* ---------------------------------------------------------------------
 * Top-k over an AND, PHRASE or NEAR root whose children are plain TERMs:
 * the rarest child proposes candidates; the others are advanced only
 * while the candidate's exact partial score plus the block bounds of the
 * children not yet visited can beat the threshold (max-score within a
 * conjunction, with block-max bounds); positions are checked last.
 * --------------------------------------------------------------------- */

static int plain_term(const kzi_it *k) {
  return k->type == IT_TERM && (k->meta || k->fields == 0xF);
}

int kzi_it_is_conj(const kzi_it *it) {
  if ((it->type != IT_AND && it->type != IT_PHRASE && it->type != IT_NEAR) || it->nkid < 2 ||
      it->nkid > 64)
    return 0;
  for (size_t i = 0; i < it->nkid; i++)
    if (!plain_term(it->kid[i])) return 0;
  return 1;
}

int kzi_it_topk_conj(kzi_exec *ex, kzi_it *it, kzi_topk_cb push, void *payload,
                     uint64_t *total) {
  const kzi_segment *seg = ex->seg;
  size_t n = it->nkid;
  double theta = -1, ks[64], kb[64];
  uint32_t d = 0;
  int rc;
  it->started = 1;
  for (size_t i = 0; i < n; i++) it->kid[i]->started = 1;
  while (d < seg->ndocs && !ex->rc) {
    kzi_it *lead = it->kid[it->ord[0]];
    uint32_t upto = KZI_NO_DOC - 1, x;
    const unsigned char *cl;
    double part, rem = 0;
    size_t j;
    /* block-max over the whole conjunction */
    if (theta >= 0) {
      double ub = 0;
      for (size_t i = 0; i < n; i++) {
        kb[i] = bound_at(ex, it->kid[it->ord[i]], d, &upto);
        ub += kb[i];
      }
      if (ex->rc) break;
      if (upto < d) upto = d;
      if (ub <= theta) {
        ex->skipped++;
        if (upto >= seg->ndocs - 1) break;
        d = upto + 1;
        continue;
      }
    }
    if (kzi_post_advance(&lead->p, d)) return ex->rc = lead->p.rc;
    x = lead->doc = lead->p.doc;
    if (x == KZI_NO_DOC) break;
    if (theta >= 0 && x > upto) {
      d = x; /* a later block: check its bounds first */
      continue;
    }
    if (kzi_seg_deleted(seg, x)) {
      d = x + 1;
      continue;
    }
    cl = seg->cols + (size_t)x * 24 + 8;
    part = lead->meta ? 0 : term_score(ex, lead, cl);
    ks[lead->idx] = part;
    if (theta >= 0)
      for (size_t i = 1; i < n; i++) rem += kb[i];
    for (j = 1; j < n; j++) {
      kzi_it *k = it->kid[it->ord[j]];
      if (theta >= 0 && part + rem <= theta) break; /* cannot enter */
      if (kzi_post_advance(&k->p, x)) return ex->rc = k->p.rc;
      k->doc = k->p.doc;
      if (k->doc != x) break;
      ks[k->idx] = k->meta ? 0 : term_score(ex, k, cl);
      part += ks[k->idx];
      if (theta >= 0) rem -= kb[j];
    }
    if (j < n) {
      kzi_it *k = it->kid[it->ord[j]];
      /* pruned (move on) or a child lies beyond x (leapfrog to it) */
      if (k->doc == KZI_NO_DOC) break;
      d = k->doc > x && k->doc != KZI_NO_DOC ? k->doc : x + 1;
      continue;
    }
    {
      double sc = 0;
      for (size_t i = 0; i < n; i++) sc += ks[i]; /* in score()'s order */
      if (sc > theta) {
        it->doc = x;
        if (it->type == IT_AND || matches_in_fields(ex, it, x)) {
          ++*total;
          if ((rc = push(payload, x, sc, &theta))) return rc;
        }
      } else {
        ++*total;
      }
    }
    d = x + 1;
  }
  it->doc = KZI_NO_DOC;
  return ex->rc;
}
