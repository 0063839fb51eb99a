/*
 * keyness.c - words over- and under-used in a target subcorpus against a
 * reference.
 *
 * Both word lists come from the index (kz_corpus_vocabulary() over each
 * filter); with no reference, the reference is the rest of the corpus: the
 * whole vocabulary minus the target's.  For a word with frequencies a in
 * the target (c tokens) and b in the reference (d tokens):
 *   G2        2 sum O ln(O/E) over (a, b, c-a, d-b), expected values row
 *             total * column total / (c+d) (Dunning 1993), given the sign
 *             of a/c - b/d;
 *   p         the chi-squared (1 df) tail of G2: erfc(sqrt(G2 / 2));
 *   log ratio log2((a/c) / (b/d)), a zero frequency read as 0.5 (Hardie
 *             2014);
 *   %DIFF     100 (a/c - b/d) / (b/d), with relative frequencies per
 *             million and 1e-18 for a zero reference frequency (Gabrielatos
 *             & Marchi 2012).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

typedef struct krow {
  size_t term;              /* offset in arena */
  const char *s;            /* the term, once the arena is complete */
  uint64_t a, b, da, db;
  double e, g2, p, lr, pd;
} krow;

struct kz_keyness {
  krow *rows; size_t n;
  kzi_buf arena;
  uint64_t c, d, cdocs, ddocs;
};

typedef struct kfreq { uint64_t a, da, b, db; } kfreq;

typedef struct kctx {
  kzs_terms terms;
  kfreq *f; size_t nf;
  int side;                 /* 0 target, 1 reference, 2 all (minus target) */
  uint64_t tokens[3];
} kctx;

static int vocab_fn(void *p, const char *term, size_t len, uint64_t tf, uint64_t df) {
  kctx *x = p;
  uint32_t id;
  int rc = kzs_terms_intern(&x->terms, term, len, &id);
  if (rc) return rc;
  if (id >= x->nf) {
    size_t nc = x->nf ? x->nf * 2 : 4096;
    kfreq *nf = realloc(x->f, nc * sizeof *nf);
    if (!nf) return KZ_ENOMEM;
    memset(nf + x->nf, 0, (nc - x->nf) * sizeof *nf);
    x->f = nf;
    x->nf = nc;
  }
  x->tokens[x->side] += tf;
  if (x->side == 0) {
    x->f[id].a = tf;
    x->f[id].da = df;
  } else if (x->side == 1) {
    x->f[id].b = tf;
    x->f[id].db = df;
  } else {
    x->f[id].b = tf >= x->f[id].a ? tf - x->f[id].a : 0;
    x->f[id].db = df >= x->f[id].da ? df - x->f[id].da : 0;
  }
  return 0;
}

static int row_cmp(const void *pa, const void *pb) {
  const krow *a = pa, *b = pb;
  if (a->g2 != b->g2) return a->g2 > b->g2 ? -1 : 1;
  return strcmp(a->s, b->s);
}

/* Which terms are stopwords or numbers, by tokenizing each. */
typedef struct sctx { int stop, num, n; } sctx;
static int skip_cb(const kz_token *t, void *p) {
  sctx *s = p;
  s->n++;
  if (t->flags & KZ_TOKEN_STOPWORD) s->stop = 1;
  if (t->kind == KZ_TOKEN_NUMBER) s->num = 1;
  return 0;
}

static int skip_term(kzs_walk *w, const char *s, size_t n) {
  sctx x = {0, 0, 0};
  if (!(w->o.flags & (KZ_STATS_SKIP_STOPWORDS | KZ_STATS_SKIP_NUMBERS))) return 0;
  if (kz_tokenize(w->tk, s, n, skip_cb, &x) != KZ_OK) return 0;
  return ((w->o.flags & KZ_STATS_SKIP_STOPWORDS) && x.stop) ||
         ((w->o.flags & KZ_STATS_SKIP_NUMBERS) && x.num);
}

int kz_corpus_keyness(kz_keyness **out, kz_corpus *c, const char *target, size_t tlen,
                      const char *reference, size_t rlen, const kz_stats_options *opts) {
  kz_stats_options o;
  kzs_walk w;
  kctx x;
  kzs_keys tk = {0}, rk = {0};
  kz_keyness *k = NULL;
  int rc;

  if (!out || !c || (!target && tlen) || (!reference && rlen))
    return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_keyness: NULL argument");
  *out = NULL;
  if (!tlen) return kzi_seterr(NULL, KZ_EINVAL, "keyness needs a target filter");
  if ((rc = kzs_options(&o, opts)) != KZ_OK) return rc;
  if ((rc = kzs_walk_init(&w, c, &o)) != KZ_OK) return rc;
  memset(&x, 0, sizeof x);
  rc = kzs_keys_collect(&tk, c, target, tlen);
  if (!rc && rlen) rc = kzs_keys_collect(&rk, c, reference, rlen);
  x.side = 0;
  if (!rc) rc = kzs_vocabulary(c, target, tlen, vocab_fn, &x);
  x.side = rlen ? 1 : 2;
  if (!rc) rc = kzs_vocabulary(c, rlen ? reference : NULL, rlen, vocab_fn, &x);
  if (!rc) {
    k = calloc(1, sizeof *k);
    if (!k) rc = KZ_ENOMEM;
  }
  if (!rc) {
    k->rows = malloc((x.terms.n ? x.terms.n : 1) * sizeof *k->rows);
    if (!k->rows) rc = KZ_ENOMEM;
  }
  if (!rc) {
    uint64_t cc = x.tokens[0], dd;
    if (rlen) {
      dd = x.tokens[1];
      k->ddocs = rk.n;
    } else {
      dd = x.tokens[2] >= cc ? x.tokens[2] - cc : 0;
      k->ddocs = kz_corpus_count_docs(c);
      k->ddocs = k->ddocs >= tk.n ? k->ddocs - tk.n : 0;
    }
    k->c = cc;
    k->d = dd;
    k->cdocs = tk.n;
    for (uint32_t id = 0; id < x.terms.n && !rc; id++) {
      const kfreq *f = &x.f[id];
      krow *r;
      double ra, rb, na, nb;
      const char *s = kzs_terms_str(&x.terms, id);
      size_t sn = x.terms.t[id].len;
      if (f->a + f->b < o.min_freq || skip_term(&w, s, sn)) continue;
      r = &k->rows[k->n++];
      r->term = k->arena.n;
      rc = kzi_buf_append(&k->arena, s, sn + 1);
      r->a = f->a;
      r->b = f->b;
      r->da = f->da;
      r->db = f->db;
      r->e = cc + dd ? (double)cc * (double)(f->a + f->b) / (double)(cc + dd) : 0;
      /* rows (target, reference) x columns (word, other words) */
      r->g2 = kzs_g2(f->a, cc, f->a + f->b, cc + dd);
      ra = cc ? (double)f->a / (double)cc : 0;
      rb = dd ? (double)f->b / (double)dd : 0;
      if (ra < rb) r->g2 = -r->g2;
      r->p = erfc(sqrt(fabs(r->g2) / 2));
      na = cc ? (f->a ? (double)f->a : 0.5) / (double)cc : 0;
      nb = dd ? (f->b ? (double)f->b : 0.5) / (double)dd : 0;
      r->lr = na > 0 && nb > 0 ? log2(na / nb) : 0;
      {
        double pa = ra * 1e6, pb = rb * 1e6;
        r->pd = (pa - pb) * 100 / (pb > 0 ? pb : 1e-18);
      }
    }
    if (!rc) {
      for (size_t i = 0; i < k->n; i++) k->rows[i].s = k->arena.p + k->rows[i].term;
      qsort(k->rows, k->n, sizeof *k->rows, row_cmp);
      if (o.limit && k->n > o.limit) k->n = o.limit;
    }
  }
  kzs_keys_free(&tk);
  kzs_keys_free(&rk);
  kzs_terms_free(&x.terms);
  free(x.f);
  kzs_walk_free(&w);
  if (rc) {
    kz_keyness_free(k);
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    return rc;
  }
  *out = k;
  return KZ_OK;
}

size_t kz_keyness_count(const kz_keyness *k) { return k ? k->n : 0; }

int kz_keyness_row_get(const kz_keyness *k, size_t i, kz_keyword_row *row) {
  const krow *r;
  if (!k || !row || i >= k->n) return KZ_ITEROVER;
  r = &k->rows[i];
  row->term = k->arena.p + r->term;
  row->term_len = strlen(row->term);
  row->freq_target = r->a;
  row->freq_reference = r->b;
  row->docs_target = r->da;
  row->docs_reference = r->db;
  row->expected = r->e;
  row->g2 = r->g2;
  row->p = r->p;
  row->log_ratio = r->lr;
  row->pct_diff = r->pd;
  return KZ_OK;
}

uint64_t kz_keyness_target_tokens(const kz_keyness *k) { return k ? k->c : 0; }
uint64_t kz_keyness_reference_tokens(const kz_keyness *k) { return k ? k->d : 0; }
uint64_t kz_keyness_target_docs(const kz_keyness *k) { return k ? k->cdocs : 0; }
uint64_t kz_keyness_reference_docs(const kz_keyness *k) { return k ? k->ddocs : 0; }

int kz_keyness_to_json(const kz_keyness *k, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  if (!k || !out) return kzi_seterr(NULL, KZ_EINVAL, "kz_keyness_to_json: NULL argument");
  for (size_t i = 0; i < k->n; i++) {
    kz_keyword_row r;
    kz_keyness_row_get(k, i, &r);
    kzs_json_raw(&b, &rc, "{\"term\":");
    kzs_json_str(&b, &rc, r.term, r.term_len);
    kzs_json_raw(&b, &rc, ",\"freq_target\":");
    kzs_json_u64(&b, &rc, r.freq_target);
    kzs_json_raw(&b, &rc, ",\"freq_reference\":");
    kzs_json_u64(&b, &rc, r.freq_reference);
    kzs_json_raw(&b, &rc, ",\"docs_target\":");
    kzs_json_u64(&b, &rc, r.docs_target);
    kzs_json_raw(&b, &rc, ",\"docs_reference\":");
    kzs_json_u64(&b, &rc, r.docs_reference);
    kzs_json_raw(&b, &rc, ",\"expected\":");
    kzs_json_num(&b, &rc, r.expected);
    kzs_json_raw(&b, &rc, ",\"g2\":");
    kzs_json_num(&b, &rc, r.g2);
    kzs_json_raw(&b, &rc, ",\"p\":");
    kzs_json_num(&b, &rc, r.p);
    kzs_json_raw(&b, &rc, ",\"log_ratio\":");
    kzs_json_num(&b, &rc, r.log_ratio);
    kzs_json_raw(&b, &rc, ",\"pct_diff\":");
    kzs_json_num(&b, &rc, r.pct_diff);
    kzs_json_raw(&b, &rc, "}\n");
  }
  return kzs_json_out(&b, rc, out);
}

void kz_keyness_free(kz_keyness *k) {
  if (!k) return;
  free(k->rows);
  kzi_buf_free(&k->arena);
  free(k);
}
