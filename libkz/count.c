/*
 * count.c - counts of matching documents and matches grouped by source,
 * date or document, normalized per million words of each group; and the
 * vocabulary (tf, df) of the corpus or of the documents a filter selects.
 *
 * A "match" is one merged span of the query in a text field: a phrase or a
 * NEAR window counts once.  Group sizes (documents, words) are computed
 * over every live document of the snapshot from the column section, so
 * outlets of different sizes compare.  They depend only on the snapshot and
 * the grouping, so each grouping's sizes are computed once, on first use,
 * and kept with the snapshot (s->gsize, under s->gsize_mu; a table never
 * changes once published): a count then costs in proportion to its matches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

typedef struct grp {
  uint64_t h;
  size_t name, name_len;  /* in arena */
  uint64_t docs, matches, gdocs, gwords;
} grp;

struct kz_counts {
  grp *g;
  size_t n, cap;
  size_t *tab; size_t tcap; /* index + 1 */
  kzi_buf arena;
  int by;
};

/* The group named s[0..n) (hash h) of k, or NULL.  Never changes k. */
static grp *grp_lookup_h(const kz_counts *k, uint64_t h, const char *s, size_t n) {
  if (!k->tcap) return NULL;
  for (size_t i = h & (k->tcap - 1); k->tab[i]; i = (i + 1) & (k->tcap - 1)) {
    grp *g = &k->g[k->tab[i] - 1];
    if (g->h == h && g->name_len == n && memcmp(k->arena.p + g->name, s, n) == 0) return g;
  }
  return NULL;
}

static grp *grp_lookup(const kz_counts *k, const char *s, size_t n) {
  return grp_lookup_h(k, kzi_hash64(s, n), s, n);
}

/* The group named s[0..n) of k, created (zeroed) when missing. */
static int grp_find(kz_counts *k, const char *s, size_t n, grp **out) {
  uint64_t h = kzi_hash64(s, n);
  size_t i;
  if ((*out = grp_lookup_h(k, h, s, n)) != NULL) return KZ_OK;
  if ((k->n + 1) * 2 > k->tcap) {
    size_t nc = k->tcap ? k->tcap * 2 : 64;
    size_t *nt = calloc(nc, sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    for (size_t j = 0; j < k->n; j++) {
      size_t p = k->g[j].h & (nc - 1);
      while (nt[p]) p = (p + 1) & (nc - 1);
      nt[p] = j + 1;
    }
    free(k->tab);
    k->tab = nt;
    k->tcap = nc;
  }
  if (k->n == k->cap) {
    size_t nc = k->cap ? k->cap * 2 : 64;
    grp *ng = realloc(k->g, nc * sizeof *ng);
    if (!ng) return KZ_ENOMEM;
    k->g = ng;
    k->cap = nc;
  }
  memset(&k->g[k->n], 0, sizeof k->g[0]);
  k->g[k->n].h = h;
  k->g[k->n].name = k->arena.n;
  k->g[k->n].name_len = n;
  if (kzi_buf_append(&k->arena, s, n)) return KZ_ENOMEM;
  i = h & (k->tcap - 1);
  while (k->tab[i]) i = (i + 1) & (k->tcap - 1);
  k->tab[i] = ++k->n;
  *out = &k->g[k->n - 1];
  return KZ_OK;
}

/* The group name of a document into buf (>= 16 bytes) or the source. */
static void group_of(int by, const kzi_segment *seg, const kzi_cols *cols, const char **s,
                     size_t *n, char *buf) {
  int y, m, d;
  *s = buf;
  buf[0] = 0;
  *n = 0;
  switch (by) {
    case KZ_COUNT_SOURCE:
      if (cols->src < seg->nsrc) {
        *s = seg->src_name[cols->src];
        *n = seg->src_len[cols->src];
      }
      return;
    case KZ_COUNT_DAY:
    case KZ_COUNT_MONTH:
    case KZ_COUNT_YEAR:
      if (cols->date == KZI_NO_DATE) return;
      kzi_format_date(cols->date, buf);
      *n = by == KZ_COUNT_DAY ? 10 : by == KZ_COUNT_MONTH ? 7 : 4;
      buf[*n] = 0;
      return;
    case KZ_COUNT_WEEK: {
      int32_t wd, th;
      if (cols->date == KZI_NO_DATE) return;
      wd = (int32_t)(((cols->date % 7) + 7 + 3) % 7); /* Monday = 0 */
      th = cols->date - wd + 3;                       /* Thursday of the week */
      kzi_civil(th, &y, &m, &d);
      snprintf(buf, 16, "%04u-W%02u", (unsigned)(y % 10000 + 10000) % 10000u,
               (unsigned)((th - kzi_days(y, 1, 1)) / 7 + 1) % 100u);
      *n = strlen(buf);
      return;
    }
    default: return;
  }
}

typedef struct cctx {
  kz_counts *k;
  kzi_span *sp; size_t cap;
} cctx;

static int visit(kzi_exec *ex, kzi_it *it, uint32_t seg, uint32_t doc, void *p) {
  cctx *x = p;
  kzi_cols cols;
  char buf[32];
  const char *name;
  size_t n;
  uint64_t matches = 0;
  grp *g;
  int rc = kzi_seg_cols(ex->seg, doc, &cols);
  (void)seg;
  if (rc) return rc;
  /* a single word: its frequencies say it, no positions needed */
  if (kzi_it_term_matches(it, doc, &matches) != 0) {
    for (unsigned f = 0; f < KZI_NFIELDS; f++) {
      size_t ns = 0;
      rc = kzi_it_spans(ex, it, doc, f, &x->sp, &ns, &x->cap);
      if (rc) return rc;
      matches += kzi_spans_normalize(x->sp, ns);
    }
  }
  if (x->k->by == KZ_COUNT_DOC) {
    rc = kzi_seg_key(ex->seg, doc, &name, &n);
    if (rc) return rc;
  } else {
    group_of(x->k->by, ex->seg, &cols, &name, &n, buf);
  }
  if (grp_find(x->k, name, n, &g)) return KZ_ENOMEM;
  g->docs++;
  g->matches += matches;
  if (x->k->by == KZ_COUNT_DOC) {
    g->gdocs = 1;
    g->gwords = (uint64_t)cols.len[0] + cols.len[1] + cols.len[2] + cols.len[3];
  }
  return KZ_OK;
}

/* The sizes of the groups of grouping by over every live document of s,
 * computed on first use and kept until the snapshot is freed. */
static int group_sizes(kzi_snapshot *s, int by, const kz_counts **out) {
  kz_counts *k;
  int rc = KZ_OK;
  pthread_mutex_lock(&s->gsize_mu);
  k = s->gsize[by];
  if (!k) {
    k = calloc(1, sizeof *k);
    if (!k) rc = KZ_ENOMEM;
    for (uint32_t i = 0; i < s->nseg && !rc; i++) {
      const kzi_segment *seg = s->seg[i];
      for (uint32_t d = 0; d < seg->ndocs && !rc; d++) {
        kzi_cols cols;
        char buf[32];
        const char *name;
        size_t n;
        grp *g;
        if (kzi_seg_deleted(seg, d)) continue;
        rc = kzi_seg_cols(seg, d, &cols);
        if (rc) break;
        group_of(by, seg, &cols, &name, &n, buf);
        if (grp_find(k, name, n, &g)) {
          rc = KZ_ENOMEM;
          break;
        }
        g->gdocs++;
        g->gwords += (uint64_t)cols.len[0] + cols.len[1] + cols.len[2] + cols.len[3];
      }
    }
    if (rc) {
      kz_counts_free(k);
      k = NULL;
    } else {
      k->by = by;
      s->gsize[by] = k;
    }
  }
  pthread_mutex_unlock(&s->gsize_mu);
  *out = k;
  return rc;
}

void kzi_snap_gsize_free(kzi_snapshot *s) {
  for (size_t i = 0; i < sizeof s->gsize / sizeof s->gsize[0]; i++) {
    kz_counts_free(s->gsize[i]);
    s->gsize[i] = NULL;
  }
}

static const char *g_arena;
static int grp_cmp(const void *a, const void *b) {
  const grp *x = a, *y = b;
  size_t m = x->name_len < y->name_len ? x->name_len : y->name_len;
  int c = memcmp(g_arena + x->name, g_arena + y->name, m);
  if (c) return c;
  return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

int kz_corpus_count(kz_counts **out, kz_corpus *c, const char *query, size_t len, int by) {
  kz_query *q = NULL;
  kzi_snapshot *s;
  cctx x = {NULL, NULL, 0};
  int rc;
  if (!out || !c || (!query && len)) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  *out = NULL;
  if (by < KZ_COUNT_ALL || by > KZ_COUNT_DOC) return kzi_seterr(NULL, KZ_EINVAL, "unknown grouping %d", by);
  rc = kz_query_parse(&q, c, query ? query : "", len);
  if (rc) return rc;
  x.k = calloc(1, sizeof *x.k);
  if (!x.k) {
    kz_query_free(q);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  x.k->by = by;
  s = kzi_snap_acquire(c);
  rc = kzi_each_match(c, s, q, visit, &x);
  if (!rc && by != KZ_COUNT_DOC && x.k->n) {
    const kz_counts *sizes;
    rc = group_sizes(s, by, &sizes);
    for (size_t i = 0; i < x.k->n && !rc; i++) {
      const grp *g = grp_lookup(sizes, x.k->arena.p + x.k->g[i].name, x.k->g[i].name_len);
      if (g) {
        x.k->g[i].gdocs = g->gdocs;
        x.k->g[i].gwords = g->gwords;
      }
    }
  }
  kzi_snap_release(c, s);
  kz_query_free(q);
  free(x.sp);
  if (rc) {
    if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
    kz_counts_free(x.k);
    return rc;
  }
  if (x.k->n > 1) {
    pthread_mutex_lock(&g_mu);
    g_arena = x.k->arena.p;
    qsort(x.k->g, x.k->n, sizeof *x.k->g, grp_cmp);
    pthread_mutex_unlock(&g_mu);
  }
  *out = x.k;
  return KZ_OK;
}

size_t kz_counts_size(const kz_counts *k) { return k ? k->n : 0; }

int kz_counts_row(const kz_counts *k, size_t i, kz_count_row *row) {
  const grp *g;
  if (!k || !row || i >= k->n) return KZ_ITEROVER;
  g = &k->g[i];
  row->group = k->arena.p ? k->arena.p + g->name : "";
  row->group_len = g->name_len;
  row->docs = g->docs;
  row->matches = g->matches;
  row->group_docs = g->gdocs;
  row->group_words = g->gwords;
  row->per_million = g->gwords ? (double)g->matches * 1e6 / (double)g->gwords : 0;
  return KZ_OK;
}

void kz_counts_free(kz_counts *k) {
  if (!k) return;
  free(k->g);
  free(k->tab);
  kzi_buf_free(&k->arena);
  free(k);
}

/* ---------------------------------------------------------------------
 * Vocabulary
 * --------------------------------------------------------------------- */

typedef struct vctx {
  unsigned char **sel; /* per segment: bitmap of selected docs */
} vctx;

static int vsel(kzi_exec *ex, kzi_it *it, uint32_t seg, uint32_t doc, void *p) {
  vctx *v = p;
  (void)ex;
  (void)it;
  v->sel[seg][doc >> 3] |= (unsigned char)(1u << (doc & 7));
  return KZ_OK;
}

int kz_corpus_vocabulary(kz_corpus *c, const char *filter, size_t len, kz_vocab_cb cb,
                         void *payload) {
  kzi_snapshot *s;
  kz_query *q = NULL;
  kzi_dict_it *it = NULL;
  vctx v = {NULL};
  int rc = KZ_OK;
  char prefix[1] = {KZI_SP_WORD};
  if (!c || !cb || (!filter && len)) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  if (filter && len) {
    rc = kz_query_parse(&q, c, filter, len);
    if (rc) return rc;
  }
  s = kzi_snap_acquire(c);
  it = calloc(s->nseg ? s->nseg : 1, sizeof *it);
  v.sel = calloc(s->nseg ? s->nseg : 1, sizeof *v.sel);
  if (!it || !v.sel) rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  /* With a filter, the selected documents are marked; without one, the
   * dictionary's counts are exact in segments without deletions, and the
   * others leave their deleted documents out (sel stays NULL). */
  for (uint32_t i = 0; i < s->nseg && !rc && q; i++) {
    v.sel[i] = calloc((s->seg[i]->ndocs + 7) / 8 + 1, 1);
    if (!v.sel[i]) rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  if (!rc && q) rc = kzi_each_match(c, s, q, vsel, &v);
  for (uint32_t i = 0; i < s->nseg && !rc; i++) {
    int r = kzi_dict_seek(&it[i], s->seg[i], prefix, 1);
    if (r != KZ_OK && r != KZ_ITEROVER) rc = r;
  }
  while (!rc) {
    int best = -1;
    uint64_t tf = 0, df = 0;
    char term[KZI_MAX_KEY + 8];
    size_t tl;
    for (uint32_t i = 0; i < s->nseg; i++) {
      size_t m;
      int cmp;
      if (it[i].rc != KZ_OK || it[i].term[0] != KZI_SP_WORD) continue;
      if (best < 0) {
        best = (int)i;
        continue;
      }
      m = it[i].term_len < it[best].term_len ? it[i].term_len : it[best].term_len;
      cmp = memcmp(it[i].term, it[best].term, m);
      if (cmp < 0 || (cmp == 0 && it[i].term_len < it[best].term_len)) best = (int)i;
    }
    if (best < 0) break;
    tl = it[best].term_len;
    memcpy(term, it[best].term, tl);
    for (uint32_t i = 0; i < s->nseg && !rc; i++) {
      int r;
      if (it[i].rc != KZ_OK || it[i].term_len != tl || memcmp(it[i].term, term, tl) != 0) continue;
      if (!v.sel[i] && !s->seg[i]->del) {
        tf += it[i].t.cf;
        df += it[i].t.df;
      } else {
        const unsigned char *sel = v.sel[i];
        kzi_post_it p;
        rc = kzi_post_init(&p, s->seg[i], &it[i].t);
        while (!rc) {
          rc = kzi_post_next(&p);
          if (rc || p.doc == KZI_NO_DOC) break;
          if (sel ? !((sel[p.doc >> 3] >> (p.doc & 7)) & 1) : kzi_seg_deleted(s->seg[i], p.doc))
            continue;
          df++;
          for (unsigned f = 0; f < KZI_NFIELDS; f++) tf += p.freq[f];
        }
        kzi_post_free(&p);
      }
      r = kzi_dict_next(&it[i]);
      if (!rc && r != KZ_OK && r != KZ_ITEROVER) rc = r;
    }
    if (!rc && df) rc = cb(term + 1, tl - 1, tf, df, payload);
  }
  if (v.sel)
    for (uint32_t i = 0; i < s->nseg; i++) free(v.sel[i]);
  free(v.sel);
  free(it);
  kzi_snap_release(c, s);
  kz_query_free(q);
  return rc;
}
