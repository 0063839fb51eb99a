/*
 * writer.c - the in-memory segment builder and the commit protocol.
 *
 * Documents are analyzed as they are added: every token becomes an
 * occurrence (term, field, position); each document's occurrences are
 * sorted and appended to the postings buffer of each term, already in the
 * on-disk entry format (see segment.c).  When the memory used passes the
 * budget the buffer is flushed to a new segment file, which stays
 * "pending" (named by no MANIFEST) until commit.
 *
 * Replacing and deleting: keys are looked up in the buffer, the pending
 * segments and the committed segments; matches are marked in per-segment
 * deletion bitmaps held here until commit.
 *
 * Commit: flush the buffer; write a deletion file (del-ID-GEN.kzd) for
 * every segment whose bitmap changed; write the new MANIFEST (atomic
 * rename); then remove files no MANIFEST names any more.  A crash before
 * the rename leaves only unreferenced files, removed by the next writer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus_int.h"

typedef struct wterm {
  uint64_t h;
  uint32_t off, len;    /* bytes in arena */
  uint32_t lastdoc;     /* UINT32_MAX: none yet */
  uint32_t seen;        /* docseq of the document that last touched it */
  uint32_t head, tail;  /* its occurrences in that document (occ indices) */
  uint32_t df;
  uint64_t cf;
  kzi_buf post;
} wterm;

typedef struct occ {
  uint32_t pos;
  uint32_t next;        /* next occurrence of the same term, or UINT32_MAX */
  uint8_t field;        /* 0..3 text field, 15 metadata */
} occ;

#define META_FIELD 15

typedef struct wseg {
  kzi_segment *s;
  unsigned char *del;   /* bitmap, NULL until a delete */
  uint32_t ndel;
  int dirty, pending;
} wseg;

struct kzi_writer {
  kz_corpus *c;
  kz_tokenizer *tk, *xtk;
  int stemmed;
  /* terms */
  uint64_t *htab; size_t hcap;  /* (hash >> 32) << 32 | (term + 1) */
  wterm *terms; size_t nterms, tcap;
  kzi_buf arena;
  /* documents of the buffer */
  kzi_cols *cols; size_t ndocs, dcap;
  kzi_buf store; uint64_t *soff;
  unsigned char *del; size_t delcap;
  uint32_t *ktab; size_t kcap;   /* key hash table: doc + 1 */
  size_t mem;
  /* per-document scratch */
  occ *occ; size_t nocc, ocap;
  uint32_t *touched; size_t ntouched, tcap2; /* terms of the document */
  uint32_t docseq;
  uint32_t field; int xpass;
  kzi_buf norm;
  /* segments */
  wseg *seg; size_t nseg, scap;
  kzi_snapshot *snap;   /* committed snapshot the wsegs borrow from */
};

/* ---------------------------------------------------------------------
 * Terms
 * --------------------------------------------------------------------- */

static int term_id(kzi_writer *w, char space, const char *s, size_t n,
                   uint32_t *id) {
  uint64_t h;
  size_t i;
  char key[KZI_MAX_KEY + 1];
  if (n + 1 > KZI_MAX_KEY) n = KZI_MAX_KEY - 1; /* absurdly long token */
  key[0] = space;
  memcpy(key + 1, s, n);
  n++;
  if (w->nterms * 2 + 2 > w->hcap) {
    size_t ncap = w->hcap ? w->hcap * 2 : 1024;
    uint64_t *nt = calloc(ncap, sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    for (size_t j = 0; j < w->nterms; j++) {
      size_t k = w->terms[j].h & (ncap - 1);
      while (nt[k]) k = (k + 1) & (ncap - 1);
      nt[k] = (w->terms[j].h & 0xFFFFFFFF00000000ull) | (uint64_t)(j + 1);
    }
    free(w->htab);
    w->htab = nt;
    w->hcap = ncap;
    w->mem += (ncap / 2) * sizeof *nt;
  }
  h = kzi_hash64(key, n);
  for (i = h & (w->hcap - 1); w->htab[i]; i = (i + 1) & (w->hcap - 1)) {
    wterm *t;
    if ((w->htab[i] ^ h) >> 32) continue;
    t = &w->terms[(uint32_t)w->htab[i] - 1];
    if (t->h == h && t->len == n && memcmp(w->arena.p + t->off, key, n) == 0) {
      *id = (uint32_t)w->htab[i] - 1;
      return KZ_OK;
    }
  }
  if (w->nterms == w->tcap) {
    size_t ncap = w->tcap ? w->tcap * 2 : 1024;
    wterm *nt = realloc(w->terms, ncap * sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    w->terms = nt;
    w->mem += (ncap - w->tcap) * sizeof *nt;
    w->tcap = ncap;
  }
  if (w->arena.n > UINT32_MAX - n) return KZ_ELIMIT;
  {
    wterm *t = &w->terms[w->nterms];
    memset(t, 0, sizeof *t);
    t->h = h;
    t->off = (uint32_t)w->arena.n;
    t->len = (uint32_t)n;
    t->lastdoc = UINT32_MAX;
    if (kzi_buf_append(&w->arena, key, n)) return KZ_ENOMEM;
    w->mem += n + 16;
  }
  w->htab[i] = (h & 0xFFFFFFFF00000000ull) | (uint64_t)++w->nterms;
  *id = (uint32_t)(w->nterms - 1);
  return KZ_OK;
}

/* Occurrences come in field order and, within a field, in position order;
 * each term chains its own, so no sort is needed. */
static int add_occ(kzi_writer *w, uint32_t term, uint8_t field, uint32_t pos) {
  wterm *t = &w->terms[term];
  uint32_t i;
  if (w->nocc == w->ocap) {
    size_t ncap = w->ocap ? w->ocap * 2 : 4096;
    occ *no = realloc(w->occ, ncap * sizeof *no);
    if (!no) return KZ_ENOMEM;
    w->occ = no;
    w->ocap = ncap;
  }
  i = (uint32_t)w->nocc++;
  w->occ[i].field = field;
  w->occ[i].pos = pos;
  w->occ[i].next = UINT32_MAX;
  if (t->seen != w->docseq) {
    if (w->ntouched == w->tcap2) {
      size_t ncap = w->tcap2 ? w->tcap2 * 2 : 1024;
      uint32_t *nt = realloc(w->touched, ncap * sizeof *nt);
      if (!nt) return KZ_ENOMEM;
      w->touched = nt;
      w->tcap2 = ncap;
    }
    w->touched[w->ntouched++] = term;
    t->seen = w->docseq;
    t->head = t->tail = i;
  } else {
    w->occ[t->tail].next = i;
    t->tail = i;
  }
  return KZ_OK;
}

static int tok_cb(const kz_token *t, void *payload) {
  kzi_writer *w = payload;
  uint32_t id;
  int rc;
  if (t->kind == KZ_TOKEN_PUNCT || t->kind == KZ_TOKEN_SYMBOL || t->norm_len == 0)
    return 0;
  rc = term_id(w, w->xpass ? KZI_SP_EXACT : KZI_SP_WORD, t->norm, t->norm_len, &id);
  if (rc) return rc;
  return add_occ(w, id, (uint8_t)w->field, t->position);
}

/* Count of positions of a field = last position + 1 (from the occurrences
 * just added). */
static int index_field(kzi_writer *w, unsigned f, const char *s, size_t n,
                       uint32_t *len) {
  size_t before = w->nocc;
  int rc;
  w->field = f;
  w->xpass = 0;
  rc = kz_tokenize(w->tk, s, n, tok_cb, w);
  if (rc) return rc;
  *len = 0;
  for (size_t i = before; i < w->nocc; i++)
    if (w->occ[i].pos + 1 > *len) *len = w->occ[i].pos + 1;
  if (w->stemmed) {
    w->xpass = 1;
    rc = kz_tokenize(w->xtk, s, n, tok_cb, w);
    w->xpass = 0;
  }
  return rc;
}

static int meta_term(kzi_writer *w, char space, const char *s, size_t n) {
  uint32_t id;
  int rc;
  w->norm.n = 0;
  rc = kzi_meta_norm(w->tk, s, n, &w->norm);
  if (rc || w->norm.n == 0) return rc;
  rc = term_id(w, space, w->norm.p, w->norm.n, &id);
  if (rc) return rc;
  return add_occ(w, id, META_FIELD, 0);
}

/* Append the entries of the document's occurrences to the terms. */
static int emit_doc(kzi_writer *w, uint32_t doc) {
  unsigned char posb[64];
  kzi_buf pos = {0};
  int rc = 0;
  for (size_t ti = 0; ti < w->ntouched && !rc; ti++) {
    wterm *t = &w->terms[w->touched[ti]];
    uint32_t freq[KZI_NFIELDS] = {0}, prev = 0;
    unsigned mask = 0;
    int lastf = -1;
    size_t before;
    pos.n = 0;
    for (uint32_t i = t->head; i != UINT32_MAX && !rc; i = w->occ[i].next) {
      uint8_t f = w->occ[i].field;
      if (f >= KZI_NFIELDS) continue;
      if (f != lastf) {
        prev = 0;
        lastf = f;
      } else if (w->occ[i].pos <= prev && freq[f]) {
        continue; /* duplicate position */
      }
      mask |= 1u << f;
      kzi_vput(&pos, &rc, w->occ[i].pos - prev);
      prev = w->occ[i].pos;
      freq[f]++;
    }
    before = t->post.cap;
    {
      size_t n = kzi_venc(posb, (uint64_t)doc - (t->lastdoc == UINT32_MAX ? 0 : (uint64_t)t->lastdoc + 1));
      posb[n++] = (unsigned char)mask;
      for (unsigned f = 0; f < KZI_NFIELDS; f++)
        if (mask & (1u << f)) n += kzi_venc(posb + n, freq[f]);
      n += kzi_venc(posb + n, pos.n);
      if (!rc) rc = kzi_buf_append(&t->post, posb, n);
      if (!rc && pos.n) rc = kzi_buf_append(&t->post, pos.p, pos.n);
    }
    w->mem += t->post.cap - before;
    for (unsigned f = 0; f < KZI_NFIELDS; f++) t->cf += freq[f];
    t->df++;
    t->lastdoc = doc;
  }
  kzi_buf_free(&pos);
  w->nocc = 0;
  w->ntouched = 0;
  return rc;
}

/* ---------------------------------------------------------------------
 * Buffer documents and keys
 * --------------------------------------------------------------------- */

static int parse_record(const char *p0, size_t n, kzi_stored *st) {
  const unsigned char *p = (const unsigned char *)p0, *end = p + n;
  for (int i = 0; i < KZ_FIELD_COUNT; i++) {
    uint64_t l = kzi_vget(&p, end);
    if (!p || l > (uint64_t)(end - p)) return KZ_ECORRUPT;
    st->f[i] = (const char *)p;
    st->n[i] = (size_t)l;
    p += l;
  }
  return KZ_OK;
}

static int buf_doc(const kzi_writer *w, uint32_t d, kzi_stored *st) {
  return parse_record(w->store.p + w->soff[d], (size_t)(w->soff[d + 1] - w->soff[d]), st);
}

static int key_find_buf(kzi_writer *w, const char *key, size_t n, uint64_t h,
                        size_t *slot) {
  size_t i;
  *slot = 0;
  if (!w->kcap) return -1;
  for (i = h & (w->kcap - 1); w->ktab[i]; i = (i + 1) & (w->kcap - 1)) {
    kzi_stored st;
    uint32_t d = w->ktab[i] - 1;
    if (buf_doc(w, d, &st) == KZ_OK && st.n[KZ_FIELD_KEY] == n &&
        memcmp(st.f[KZ_FIELD_KEY], key, n) == 0) {
      *slot = i;
      return (int)1;
    }
  }
  *slot = i;
  return 0;
}

static int key_insert(kzi_writer *w, uint32_t doc, const char *key, size_t n) {
  size_t slot;
  if ((w->ndocs + 1) * 2 > w->kcap) {
    size_t ncap = w->kcap ? w->kcap * 2 : 1024;
    uint32_t *nt = calloc(ncap, sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    for (size_t j = 0; j < w->kcap; j++)
      if (w->ktab[j]) {
        kzi_stored st;
        uint32_t d = w->ktab[j] - 1;
        size_t k;
        buf_doc(w, d, &st);
        k = kzi_hash64(st.f[KZ_FIELD_KEY], st.n[KZ_FIELD_KEY]) & (ncap - 1);
        while (nt[k]) k = (k + 1) & (ncap - 1);
        nt[k] = w->ktab[j];
      }
    free(w->ktab);
    w->ktab = nt;
    w->mem += (ncap - w->kcap) * sizeof *nt;
    w->kcap = ncap;
  }
  key_find_buf(w, key, n, kzi_hash64(key, n), &slot);
  w->ktab[slot] = doc + 1;
  return KZ_OK;
}

static void mark_buf_deleted(kzi_writer *w, uint32_t d) {
  w->del[d >> 3] |= (unsigned char)(1u << (d & 7));
}

static int seg_mark(wseg *ws, uint32_t d) {
  if (!ws->del) {
    size_t nb = ((size_t)ws->s->ndocs + 7) / 8;
    ws->del = calloc(nb ? nb : 1, 1);
    if (!ws->del) return KZ_ENOMEM;
    if (ws->s->del) memcpy(ws->del, ws->s->del, nb);
    ws->ndel = ws->s->ndel;
  }
  if (!((ws->del[d >> 3] >> (d & 7)) & 1)) {
    ws->del[d >> 3] |= (unsigned char)(1u << (d & 7));
    ws->ndel++;
    ws->dirty = 1;
  }
  return KZ_OK;
}

static int is_deleted(const wseg *ws, uint32_t d) {
  if (ws->del) return (ws->del[d >> 3] >> (d & 7)) & 1;
  return kzi_seg_deleted(ws->s, d);
}

/* Remove key everywhere; *found set when something was deleted. */
static int delete_key(kzi_writer *w, const char *key, size_t n, int *found) {
  size_t slot;
  int rc;
  *found = 0;
  if (key_find_buf(w, key, n, kzi_hash64(key, n), &slot) == 1) {
    uint32_t d = w->ktab[slot] - 1;
    if (!((w->del[d >> 3] >> (d & 7)) & 1)) {
      mark_buf_deleted(w, d);
      *found = 1;
    }
  }
  for (size_t i = 0; i < w->nseg; i++) {
    uint32_t d;
    rc = kzi_seg_find_key(w->seg[i].s, key, n, &d);
    if (rc == KZ_ENOTFOUND) continue;
    if (rc) return rc;
    if (is_deleted(&w->seg[i], d)) continue;
    if ((rc = seg_mark(&w->seg[i], d))) return kzi_seterr(NULL, rc, "out of memory");
    *found = 1;
  }
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Flushing the buffer to a pending segment
 * --------------------------------------------------------------------- */

static const char *g_arena; /* qsort context (flush is single-threaded per writer) */
static const wterm *g_terms;
static int termidx_cmp(const void *a, const void *b) {
  const wterm *x = &g_terms[*(const uint32_t *)a], *y = &g_terms[*(const uint32_t *)b];
  size_t m = x->len < y->len ? x->len : y->len;
  int c = memcmp(g_arena + x->off, g_arena + y->off, m);
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}
static pthread_mutex_t g_sort_mu = PTHREAD_MUTEX_INITIALIZER;

static void buffer_reset(kzi_writer *w) {
  for (size_t i = 0; i < w->nterms; i++) kzi_buf_free(&w->terms[i].post);
  w->nterms = 0;
  if (w->htab) memset(w->htab, 0, w->hcap * sizeof *w->htab);
  w->arena.n = 0;
  w->ndocs = 0;
  w->store.n = 0;
  if (w->ktab) memset(w->ktab, 0, w->kcap * sizeof *w->ktab);
  if (w->del) memset(w->del, 0, w->delcap);
  w->mem = 0;
}

static int add_wseg(kzi_writer *w, kzi_segment *s, int pending) {
  if (w->nseg == w->scap) {
    size_t ncap = w->scap ? w->scap * 2 : 16;
    wseg *n = realloc(w->seg, ncap * sizeof *n);
    if (!n) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    w->seg = n;
    w->scap = ncap;
  }
  memset(&w->seg[w->nseg], 0, sizeof w->seg[0]);
  w->seg[w->nseg].s = s;
  w->seg[w->nseg].pending = pending;
  w->nseg++;
  return KZ_OK;
}

static int flush(kzi_writer *w) {
  kz_corpus *c = w->c;
  kzi_segw *sw = NULL;
  uint32_t *order = NULL;
  uint64_t id;
  kzi_segment *s = NULL;
  char name[64];
  int rc;
  if (w->ndocs == 0) return KZ_OK;
  id = c->man.next_id++;
  order = malloc((w->nterms ? w->nterms : 1) * sizeof *order);
  if (!order) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  for (size_t i = 0; i < w->nterms; i++) order[i] = (uint32_t)i;
  pthread_mutex_lock(&g_sort_mu);
  g_arena = w->arena.p;
  g_terms = w->terms;
  qsort(order, w->nterms, sizeof *order, termidx_cmp);
  pthread_mutex_unlock(&g_sort_mu);
  rc = kzi_segw_open(&sw, c->dir, id);
  for (size_t i = 0; i < w->nterms && !rc; i++) {
    wterm *t = &w->terms[order[i]];
    rc = kzi_segw_term(sw, w->arena.p + t->off, t->len, t->df, t->cf,
                       (const unsigned char *)t->post.p, t->post.n);
  }
  for (size_t d = 0; d < w->ndocs && !rc; d++) {
    kzi_stored st;
    if (buf_doc(w, (uint32_t)d, &st)) rc = kzi_seterr(NULL, KZ_ERROR, "internal: bad buffer record");
    else rc = kzi_segw_doc(sw, &w->cols[d], st.f[KZ_FIELD_SOURCE], st.n[KZ_FIELD_SOURCE], &st);
  }
  free(order);
  if (!rc) rc = kzi_segw_finish(sw, NULL);
  if (rc) {
    kzi_segw_abort(sw);
    return rc;
  }
  kzi_segw_free(sw);
  kzi_seg_name(name, sizeof name, id);
  rc = kzi_segment_open(&s, c->dir, name, id, 0);
  if (rc) return rc;
  rc = add_wseg(w, s, 1);
  if (rc) {
    kzi_segment_close(s);
    return rc;
  }
  for (uint32_t d = 0; d < w->ndocs; d++)
    if ((w->del[d >> 3] >> (d & 7)) & 1) seg_mark(&w->seg[w->nseg - 1], d);
  buffer_reset(w);
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Public-facing operations
 * --------------------------------------------------------------------- */

int kzi_writer_new(kzi_writer **out, kz_corpus *c) {
  kzi_writer *w = calloc(1, sizeof *w);
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  int rc;
  *out = NULL;
  if (!w) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  w->c = c;
  o.flags = kzi_analyzer_flags(c->tok_flags, 0);
  o.language = c->lang[0] ? c->lang : NULL;
  rc = kz_tokenizer_new(&w->tk, &o);
  if (!rc && (c->tok_flags & KZ_TOK_STEM)) {
    w->stemmed = 1;
    o.flags = kzi_analyzer_flags(c->tok_flags, 1);
    rc = kz_tokenizer_new(&w->xtk, &o);
  }
  if (rc) {
    kzi_writer_free(w);
    return rc;
  }
  *out = w;
  return KZ_OK;
}

static void drop_segs(kzi_writer *w, int unlink_pending) {
  for (size_t i = 0; i < w->nseg; i++) {
    if (w->seg[i].pending) {
      if (unlink_pending) {
        char name[64], path[4200];
        kzi_seg_name(name, sizeof name, w->seg[i].s->id);
        kzi_path(path, sizeof path, w->c->dir, name);
        unlink(path);
      }
      kzi_segment_close(w->seg[i].s);
    }
    free(w->seg[i].del);
  }
  w->nseg = 0;
  if (w->snap) kzi_snap_release(w->c, w->snap);
  w->snap = NULL;
}

void kzi_writer_free(kzi_writer *w) {
  if (!w) return;
  drop_segs(w, 1);
  buffer_reset(w);
  free(w->seg);
  kz_tokenizer_free(w->tk);
  kz_tokenizer_free(w->xtk);
  free(w->htab);
  free(w->terms);
  kzi_buf_free(&w->arena);
  free(w->cols);
  kzi_buf_free(&w->store);
  free(w->soff);
  free(w->del);
  free(w->ktab);
  free(w->occ);
  free(w->touched);
  kzi_buf_free(&w->norm);
  free(w);
}

/* Remove files of older generations and of crashed writers. */
static void cleanup_files(kz_corpus *c) {
  DIR *d = opendir(c->dir);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    unsigned long long id, gen;
    int keep = 1;
    char path[4200];
    if (sscanf(e->d_name, "seg-%16llx.kzs", &id) == 1 && strlen(e->d_name) == 24) {
      keep = 0;
      for (uint32_t i = 0; i < c->man.nseg; i++)
        if (c->man.seg[i].id == id) keep = 1;
      if (c->w)
        for (size_t i = 0; i < c->w->nseg; i++)
          if (c->w->seg[i].s->id == id) keep = 1;
    } else if (sscanf(e->d_name, "del-%16llx-%llu.kzd", &id, &gen) == 2) {
      keep = 0;
      for (uint32_t i = 0; i < c->man.nseg; i++)
        if (c->man.seg[i].id == id && c->man.seg[i].delgen == gen) keep = 1;
    } else if (strcmp(e->d_name, "MANIFEST.tmp") == 0) {
      keep = 0;
    }
    if (!keep) {
      kzi_path(path, sizeof path, c->dir, e->d_name);
      unlink(path);
    }
  }
  closedir(d);
}

int kzi_writer_attach(kzi_writer *w) {
  kz_corpus *c = w->c;
  kzi_snapshot *s;
  drop_segs(w, 0);
  s = w->snap = kzi_snap_acquire(c);
  for (uint32_t i = 0; i < s->nseg; i++) {
    int rc = add_wseg(w, s->seg[i], 0);
    if (rc) return rc;
  }
  cleanup_files(c);
  return KZ_OK;
}

int kzi_writer_add(kzi_writer *w, const kzi_stored *st) {
  uint32_t doc = (uint32_t)w->ndocs;
  kzi_cols cols;
  int rc, found;
  const unsigned fields[KZI_NFIELDS] = {KZ_FIELD_TITLE, KZ_FIELD_BODY, KZ_FIELD_CAPTION,
                                        KZ_FIELD_HEADING};
  rc = delete_key(w, st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY], &found);
  if (rc) return rc;
  /* analyze */
  w->nocc = 0;
  w->ntouched = 0;
  if (++w->docseq == 0) { /* wrapped: forget every mark */
    for (size_t i = 0; i < w->nterms; i++) w->terms[i].seen = 0;
    w->docseq = 1;
  }
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    rc = index_field(w, f, st->f[fields[f]], st->n[fields[f]], &cols.len[f]);
    if (rc) goto fail;
  }
  if (st->n[KZ_FIELD_SOURCE] && (rc = meta_term(w, KZI_SP_SOURCE, st->f[KZ_FIELD_SOURCE], st->n[KZ_FIELD_SOURCE])))
    goto fail;
  if (st->n[KZ_FIELD_LANGUAGE] && (rc = meta_term(w, KZI_SP_LANG, st->f[KZ_FIELD_LANGUAGE], st->n[KZ_FIELD_LANGUAGE])))
    goto fail;
  if (st->n[KZ_FIELD_AUTHOR]) {
    /* each author whole, and each word of each author */
    const char *a = st->f[KZ_FIELD_AUTHOR], *end = a + st->n[KZ_FIELD_AUTHOR];
    while (a < end) {
      const char *e = memchr(a, ';', (size_t)(end - a));
      if (!e) e = end;
      if ((rc = meta_term(w, KZI_SP_AUTHOR, a, (size_t)(e - a)))) goto fail;
      for (const char *p = a; p < e;) {
        const char *q = p;
        while (q < e && *q != ' ') q++;
        if (q > p && (q - p) < (e - a) && (rc = meta_term(w, KZI_SP_AUTHOR, p, (size_t)(q - p))))
          goto fail;
        p = q + 1;
      }
      a = e + 1;
    }
  }
  cols.date = kzi_parse_date(st->f[KZ_FIELD_DATE], st->n[KZ_FIELD_DATE]);
  cols.src = 0;
  /* store */
  if (w->ndocs + 1 >= w->dcap) {
    size_t ncap = w->dcap ? w->dcap * 2 : 1024;
    kzi_cols *nc = realloc(w->cols, ncap * sizeof *nc);
    uint64_t *no;
    unsigned char *nd;
    if (!nc) { rc = KZ_ENOMEM; goto fail; }
    w->cols = nc;
    no = realloc(w->soff, (ncap + 1) * sizeof *no);
    if (!no) { rc = KZ_ENOMEM; goto fail; }
    w->soff = no;
    nd = realloc(w->del, ncap / 8 + 1);
    if (!nd) { rc = KZ_ENOMEM; goto fail; }
    memset(nd + w->delcap, 0, ncap / 8 + 1 - w->delcap);
    w->del = nd;
    w->delcap = ncap / 8 + 1;
    w->mem += (ncap - w->dcap) * (sizeof *nc + sizeof *no);
    w->dcap = ncap;
  }
  if (w->ndocs == 0) w->soff[0] = 0;
  for (int i = 0; i < KZ_FIELD_COUNT && !rc; i++) {
    kzi_vput(&w->store, &rc, st->n[i]);
    if (!rc && st->n[i]) rc = kzi_buf_append(&w->store, st->f[i], st->n[i]);
  }
  if (rc) goto fail;
  w->mem += w->soff[w->ndocs] <= w->store.n ? w->store.n - w->soff[w->ndocs] : 0;
  w->soff[w->ndocs + 1] = w->store.n;
  w->cols[w->ndocs] = cols;
  rc = emit_doc(w, doc);
  if (rc) goto fail_hard;
  w->ndocs++;
  rc = key_insert(w, doc, st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY]);
  if (rc) goto fail_hard;
  if (w->mem >= w->c->budget) return flush(w);
  return KZ_OK;
fail:
  w->nocc = 0;
  w->ntouched = 0;
  if (w->ndocs < w->dcap) w->store.n = w->ndocs ? (size_t)w->soff[w->ndocs] : 0;
  return kzi_seterr(NULL, rc, "cannot add document: %s", kz_strerror(rc));
fail_hard:
  /* postings may hold part of this document: drop the whole buffer */
  buffer_reset(w);
  return kzi_seterr(NULL, rc, "cannot add document (pending changes lost): %s",
                    kz_strerror(rc));
}

int kzi_writer_delete(kzi_writer *w, const char *key, size_t n) {
  int found, rc = delete_key(w, key, n, &found);
  if (rc) return rc;
  return found ? KZ_OK : KZ_ENOTFOUND;
}

/* Merge policy after a commit: when there are more than 10 segments,
 * merge the smallest ones that are within 10x of each other (at least 4). */
static int pick_merge(const kzi_manifest *m, int optimize, uint32_t *idx,
                      uint32_t *n) {
  uint32_t cnt = 0;
  *n = 0;
  if (optimize) {
    if (m->nseg < 2 && !(m->nseg == 1 && m->seg[0].ndel)) return 0;
    for (uint32_t i = 0; i < m->nseg; i++) idx[cnt++] = i;
    *n = cnt;
    return 1;
  }
  if (m->nseg <= 10) return 0;
  for (uint32_t i = 0; i < m->nseg; i++) idx[i] = i;
  for (uint32_t i = 1; i < m->nseg; i++)
    for (uint32_t j = i; j > 0 && m->seg[idx[j]].ndocs < m->seg[idx[j - 1]].ndocs; j--) {
      uint32_t t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t;
    }
  cnt = m->nseg - 6; /* merge enough to come back to 7 */
  if (cnt < 4) cnt = 4;
  *n = cnt;
  return 1;
}

static int do_merge(kzi_writer *w, int optimize) {
  kz_corpus *c = w->c;
  kzi_manifest *m = &c->man;
  uint32_t *idx = malloc((m->nseg + 1) * sizeof *idx), n, ndocs = 0;
  kzi_segment **segs = NULL;
  kzi_manifest nm;
  uint64_t id;
  int rc = KZ_OK;
  if (!idx) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  if (!pick_merge(m, optimize, idx, &n) || n == 0) {
    free(idx);
    return KZ_OK;
  }
  segs = calloc(n, sizeof *segs);
  nm.seg = calloc(m->nseg + 1, sizeof *nm.seg);
  if (!segs || !nm.seg) {
    rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    goto out;
  }
  /* the segments of the writer's snapshot (same order as the manifest) */
  for (uint32_t i = 0; i < n; i++) {
    for (size_t j = 0; j < w->nseg; j++)
      if (w->seg[j].s->id == m->seg[idx[i]].id) segs[i] = w->seg[j].s;
    if (!segs[i]) {
      rc = kzi_seterr(NULL, KZ_ERROR, "internal: merge segment not loaded");
      goto out;
    }
  }
  id = m->next_id++;
  rc = kzi_merge(c->dir, segs, n, id, &ndocs);
  if (rc) goto out;
  nm.generation = m->generation + 1;
  nm.next_id = m->next_id;
  nm.tok_flags = m->tok_flags;
  memcpy(nm.lang, m->lang, sizeof nm.lang);
  nm.nseg = 0;
  for (uint32_t i = 0; i < m->nseg; i++) {
    int merged = 0;
    for (uint32_t k = 0; k < n; k++) merged |= idx[k] == i;
    if (!merged) nm.seg[nm.nseg++] = m->seg[i];
  }
  if (ndocs) {
    nm.seg[nm.nseg].id = id;
    nm.seg[nm.nseg].ndocs = ndocs;
    nm.seg[nm.nseg].ndel = 0;
    nm.seg[nm.nseg].delgen = 0;
    nm.nseg++;
  }
  rc = kzi_manifest_write(&nm, c->dir);
  if (rc) goto out;
  kzi_manifest_free(m);
  *m = nm;
  nm.seg = NULL;
out:
  free(nm.seg);
  free(segs);
  free(idx);
  return rc;
}

int kzi_writer_commit(kzi_writer *w, int optimize) {
  kz_corpus *c = w->c;
  kzi_manifest nm;
  int rc = flush(w);
  uint64_t gen = c->man.generation + 1;
  if (rc) return rc;
  memset(&nm, 0, sizeof nm);
  nm.seg = calloc(w->nseg + 1, sizeof *nm.seg);
  if (!nm.seg) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  nm.generation = gen;
  nm.next_id = c->man.next_id;
  nm.tok_flags = c->man.tok_flags;
  memcpy(nm.lang, c->man.lang, sizeof nm.lang);
  for (size_t i = 0; i < w->nseg && !rc; i++) {
    wseg *ws = &w->seg[i];
    kzi_mseg *ms = &nm.seg[nm.nseg];
    ms->id = ws->s->id;
    ms->ndocs = ws->s->ndocs;
    ms->ndel = ws->s->ndel;
    ms->delgen = ws->s->delgen;
    if (ws->dirty) {
      ms->ndel = ws->ndel;
      if (ws->ndel == ws->s->ndocs) continue; /* every document deleted */
      rc = kzi_write_deletes(c->dir, ms->id, gen, ws->del, ws->s->ndocs);
      ms->delgen = gen;
    }
    nm.nseg++;
  }
  if (!rc) rc = kzi_fsync_dir(c->dir);
  if (!rc) rc = kzi_manifest_write(&nm, c->dir);
  if (rc) {
    kzi_manifest_free(&nm);
    return rc;
  }
  kzi_manifest_free(&c->man);
  c->man = nm;
  /* the pending segments now belong to the committed state: reload */
  drop_segs(w, 0);
  rc = kz_corpus_refresh(c);
  if (rc) return rc;
  rc = kzi_writer_attach(w);
  if (rc) return rc;
  /* merge in the same call (a second atomic generation) */
  if (optimize || c->man.nseg > 10) {
    rc = do_merge(w, optimize);
    if (rc) return rc;
    rc = kz_corpus_refresh(c);
    if (!rc) rc = kzi_writer_attach(w);
  }
  return rc;
}
