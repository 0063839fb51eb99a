/*
 * kwic.c - keyword-in-context concordances.
 *
 * For every live document matching the query (in index order), every match
 * span in each text field becomes a row: the field is re-tokenized (same
 * positions as at indexing), the match is the byte range of its tokens and
 * the contexts are `width` tokens (or characters) on each side.  Sorting by
 * left context compares the lowercase words nearest the match first (L1,
 * L2, ...), by right context R1, R2, ...; ties keep document order, as
 * concordancers do.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

typedef struct krow {
  size_t key, key_len;           /* offsets in arena */
  size_t text;                   /* offset in arena of the field text copy */
  size_t left, left_len, match, match_len, right, right_len; /* offsets in arena */
  size_t start, end;
  int field;
  size_t sort, sort_len;         /* sort key in arena */
  size_t seq;
} krow;

struct kz_kwic {
  krow *rows;
  size_t n, cap;
  kzi_buf arena;
};

typedef struct ktok {
  size_t start, end;
  size_t norm, norm_len;  /* in ctx.norms */
} ktok;

typedef struct kctx {
  kz_corpus *c;
  kz_kwic *k;
  kz_kwic_options o;
  kz_tokenizer *xtk;
  ktok *tok; size_t ntok, tcap;
  kzi_buf norms;
  kzi_span *sp; size_t nsp, spcap;
  kzi_storebuf rec;      /* decompressed store block */
  int rc;
} kctx;

static int tok_cb(const kz_token *t, void *p) {
  kctx *x = p;
  if (t->kind == KZ_TOKEN_PUNCT || t->kind == KZ_TOKEN_SYMBOL || !t->norm_len) return 0;
  if (t->position >= x->tcap) {
    size_t nc = x->tcap ? x->tcap * 2 : 256;
    ktok *nt;
    while (nc <= t->position) nc *= 2;
    nt = realloc(x->tok, nc * sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    x->tok = nt;
    x->tcap = nc;
  }
  while (x->ntok <= t->position) {
    x->tok[x->ntok].start = x->tok[x->ntok].end = t->start;
    x->tok[x->ntok].norm = x->norms.n;
    x->tok[x->ntok].norm_len = 0;
    x->ntok++;
  }
  x->tok[t->position].start = t->start;
  x->tok[t->position].end = t->end;
  x->tok[t->position].norm = x->norms.n;
  x->tok[t->position].norm_len = t->norm_len;
  return kzi_buf_append(&x->norms, t->norm, t->norm_len);
}

static int is_ws(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

static int put(kz_kwic *k, const char *s, size_t n, size_t *off) {
  *off = k->arena.n;
  return kzi_buf_append(&k->arena, s, n);
}

/* Step back/forward over at most `chars` UTF-8 characters. */
static size_t back_chars(const char *t, size_t from, size_t chars) {
  while (from > 0 && chars) {
    from--;
    while (from > 0 && ((unsigned char)t[from] & 0xC0) == 0x80) from--;
    chars--;
  }
  return from;
}
static size_t fwd_chars(const char *t, size_t n, size_t from, size_t chars) {
  while (from < n && chars) {
    from++;
    while (from < n && ((unsigned char)t[from] & 0xC0) == 0x80) from++;
    chars--;
  }
  return from;
}

static int add_rows(kctx *x, const kzi_stored *st, int field) {
  const char *t = st->f[field];
  size_t n = st->n[field];
  kz_kwic *k = x->k;
  int rc;
  x->ntok = 0;
  x->norms.n = 0;
  rc = kz_tokenize(x->xtk, t, n, tok_cb, x);
  if (rc) return rc;
  for (size_t i = 0; i < x->nsp; i++) {
    size_t s = x->sp[i].start, e = x->sp[i].end, ls, re, lb, le, rb, rend;
    krow *r;
    if (e > x->ntok || s >= e) continue;
    if (x->o.limit && k->n >= x->o.limit) return KZ_EUSER;
    if (k->n == k->cap) {
      size_t nc = k->cap ? k->cap * 2 : 64;
      krow *nr = realloc(k->rows, nc * sizeof *nr);
      if (!nr) return KZ_ENOMEM;
      k->rows = nr;
      k->cap = nc;
    }
    r = &k->rows[k->n];
    memset(r, 0, sizeof *r);
    r->field = field;
    r->seq = k->n;
    r->start = x->tok[s].start;
    r->end = x->tok[e - 1].end;
    if (x->o.flags & KZ_KWIC_CHARS) {
      lb = back_chars(t, r->start, x->o.width);
      rend = fwd_chars(t, n, r->end, x->o.width);
    } else {
      ls = s > x->o.width ? s - x->o.width : 0;
      re = e + x->o.width < x->ntok ? e + x->o.width : x->ntok;
      lb = ls < s ? x->tok[ls].start : r->start;
      rend = re > e ? x->tok[re - 1].end : r->end;
    }
    le = r->start;
    while (le > lb && is_ws(t[le - 1])) le--;
    rb = r->end;
    while (rb < rend && is_ws(t[rb])) rb++;
    rc = put(k, st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY], &r->key);
    r->key_len = st->n[KZ_FIELD_KEY];
    if (!rc) rc = put(k, t + lb, le - lb, &r->left);
    r->left_len = le - lb;
    if (!rc) rc = put(k, t + r->start, r->end - r->start, &r->match);
    r->match_len = r->end - r->start;
    if (!rc) rc = put(k, t + rb, rend - rb, &r->right);
    r->right_len = rend - rb;
    /* sort key */
    r->sort = k->arena.n;
    if (!rc && x->o.sort == KZ_KWIC_SORT_LEFT) {
      for (size_t j = s; j-- > 0 && s - j <= 16 && !rc;) {
        rc = kzi_buf_append(&k->arena, x->norms.p + x->tok[j].norm, x->tok[j].norm_len);
        if (!rc) rc = kzi_buf_append(&k->arena, "\x01", 1);
      }
    } else if (!rc && (x->o.sort == KZ_KWIC_SORT_RIGHT || x->o.sort == KZ_KWIC_SORT_MATCH)) {
      size_t from = x->o.sort == KZ_KWIC_SORT_MATCH ? s : e;
      for (size_t j = from; j < x->ntok && j < e + 16 && !rc; j++) {
        rc = kzi_buf_append(&k->arena, x->norms.p + x->tok[j].norm, x->tok[j].norm_len);
        if (!rc) rc = kzi_buf_append(&k->arena, "\x01", 1);
      }
    }
    r->sort_len = k->arena.n - r->sort;
    if (rc) return rc;
    k->n++;
  }
  return KZ_OK;
}

static int visit(kzi_exec *ex, kzi_it *it, uint32_t seg, uint32_t doc, void *p) {
  kctx *x = p;
  kzi_stored st;
  static const int fields[4] = {KZ_FIELD_TITLE, KZ_FIELD_BODY, KZ_FIELD_CAPTION, KZ_FIELD_HEADING};
  int rc = kzi_seg_stored(ex->seg, doc, &st, &x->rec);
  (void)seg;
  if (rc) return rc;
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    x->nsp = 0;
    rc = kzi_it_spans(ex, it, doc, f, &x->sp, &x->nsp, &x->spcap);
    if (rc) return rc;
    x->nsp = kzi_spans_normalize(x->sp, x->nsp);
    if (!x->nsp) continue;
    rc = add_rows(x, &st, fields[f]);
    if (rc) return rc;
  }
  return KZ_OK;
}

static const char *g_arena;
static int row_cmp(const void *a, const void *b) {
  const krow *x = a, *y = b;
  size_t m = x->sort_len < y->sort_len ? x->sort_len : y->sort_len;
  int c = memcmp(g_arena + x->sort, g_arena + y->sort, m);
  if (c) return c;
  if (x->sort_len != y->sort_len) return x->sort_len < y->sort_len ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

int kz_kwic_options_init(kz_kwic_options *opts, unsigned int version) {
  static const kz_kwic_options init = KZ_KWIC_OPTIONS_INIT;
  if (!opts) return kzi_seterr(NULL, KZ_EINVAL, "options is NULL");
  if (version != KZ_KWIC_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_kwic_options version %u", version);
  *opts = init;
  return KZ_OK;
}

int kz_corpus_kwic(kz_kwic **out, kz_corpus *c, const char *query, size_t len,
                   const kz_kwic_options *opts) {
  kctx x;
  kz_query *q = NULL;
  kzi_snapshot *s;
  int rc;
  if (!out || !c || (!query && len)) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  *out = NULL;
  memset(&x, 0, sizeof x);
  x.c = c;
  x.o = (kz_kwic_options)KZ_KWIC_OPTIONS_INIT;
  if (opts) {
    if (opts->version != KZ_KWIC_OPTIONS_VERSION)
      return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_kwic_options version %u", opts->version);
    x.o = *opts;
  }
  if (x.o.width == 0) x.o.width = (x.o.flags & KZ_KWIC_CHARS) ? 40 : 5;
  if (x.o.width > 10000) x.o.width = 10000;
  if (x.o.sort < KZ_KWIC_SORT_NONE || x.o.sort > KZ_KWIC_SORT_MATCH)
    return kzi_seterr(NULL, KZ_EINVAL, "unknown KWIC sort %d", x.o.sort);
  rc = kz_query_parse(&q, c, query ? query : "", len);
  if (rc) return rc;
  x.k = calloc(1, sizeof *x.k);
  if (!x.k) {
    kz_query_free(q);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  rc = kzi_tok_get(c, 1, &x.xtk);
  s = kzi_snap_acquire(c);
  if (!rc) rc = kzi_each_match(c, s, q, visit, &x);
  if (rc == KZ_EUSER) rc = KZ_OK; /* limit reached */
  kzi_snap_release(c, s);
  kzi_tok_put(c, 1, x.xtk);
  kz_query_free(q);
  free(x.tok);
  free(x.sp);
  kzi_buf_free(&x.norms);
  kzi_storebuf_free(&x.rec);
  if (rc) {
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    kz_kwic_free(x.k);
    return rc;
  }
  if (x.o.sort != KZ_KWIC_SORT_NONE && x.k->n > 1) {
    pthread_mutex_lock(&g_mu);
    g_arena = x.k->arena.p;
    qsort(x.k->rows, x.k->n, sizeof *x.k->rows, row_cmp);
    pthread_mutex_unlock(&g_mu);
  }
  *out = x.k;
  return KZ_OK;
}

size_t kz_kwic_count(const kz_kwic *k) { return k ? k->n : 0; }

int kz_kwic_row_get(const kz_kwic *k, size_t i, kz_kwic_row *row) {
  const krow *r;
  const char *a;
  if (!k || !row || i >= k->n) return KZ_ITEROVER;
  r = &k->rows[i];
  a = k->arena.p;
  row->key = a + r->key;
  row->key_len = r->key_len;
  row->left = a + r->left;
  row->left_len = r->left_len;
  row->match = a + r->match;
  row->match_len = r->match_len;
  row->right = a + r->right;
  row->right_len = r->right_len;
  row->start = r->start;
  row->end = r->end;
  row->field = r->field;
  return KZ_OK;
}

void kz_kwic_free(kz_kwic *k) {
  if (!k) return;
  free(k->rows);
  kzi_buf_free(&k->arena);
  free(k);
}
