/*
 * fuzz_index.c - the whole indexing path against a model.
 *
 * The documents of the input are indexed with kz_corpus_add_text() and
 * committed; then every segment of the committed snapshot is read back
 * (dictionary, postings, positions, keys, stored fields) and compared with
 * what kz_tokenize() gives for each document on its own.  This covers the
 * writer's fast paths (kzi_tokenize_terms(), the term table, the slice
 * chains, flush, the postings builder), flushing at a tiny budget and the
 * merge of many segments, which the other targets do not reach.
 *
 * Input layout:
 *   byte 0    bits 0-1  the corpus analyzer: plain, stemmed (en), diacritics
 *                       folded, both
 *             bit  2    a memory budget of 1 byte: every document flushes
 *                       its own segment, and the commit merges them
 *             bit  3    commit after every 4th document
 *             bit  4    8 keys, taken in turn: later documents replace
 *                       earlier ones
 *             bit  5    after every 5th document, delete the one before
 *   rest      documents separated by 0x00 (at most 64); each document is
 *             "title 0x01 body 0x01 caption 0x01 heading", the missing
 *             parts empty (no 0x01 at all: only a body)
 *
 * Properties checked (a violation prints what and traps):
 *   - adding, deleting and committing succeed (any bytes are a valid
 *     document);
 *   - the live documents are exactly the last ones added under each key
 *     that was not deleted since, each found once;
 *   - the index holds exactly the model's (term, document, field, position)
 *     tuples over the live documents: for each document and field, the
 *     terms of kz_tokenize() with the corpus's analyzer (punctuation,
 *     symbols and empty forms dropped; in a stemmed corpus also the
 *     unstemmed forms in their own key space), keys cut to KZI_MAX_KEY
 *     bytes as the writer cuts them;
 *   - each term's df and cf are those of its postings;
 *   - each live document stores its title and body as given when they are
 *     valid UTF-8;
 *   - in an unstemmed corpus, kz_corpus_keys() and kz_corpus_count() of a
 *     few of its plain words (ASCII letters and digits), alone, in OR, AND
 *     and NOT and as a two-word phrase, give the documents and matches the
 *     model gives (a match is an occurrence; a document's matches of an AND
 *     or OR are those of its words, of a NOT those of its first word).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unistr.h>

#include "../libkz/corpus_int.h"
#include "check.h"
#include "../tests/support/test_fs.h"

#define MAX_DOCS 64

/* A (term, document, field, position); the key's bytes are in the
 * tuples' arena. */
typedef struct tuple {
  size_t koff;
  uint32_t klen, doc, field, pos;
} tuple;

typedef struct tuples {
  tuple *v;
  size_t n, cap;
  char *arena;
  size_t an, acap;
} tuples;

static void push(tuples *t, const char *key, size_t klen, uint32_t doc, uint32_t field,
                 uint32_t pos) {
  tuple *x;
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 256;
    t->v = realloc(t->v, t->cap * sizeof *t->v);
    if (!t->v) abort();
  }
  if (t->acap - t->an < klen) {
    while (t->acap - t->an < klen) t->acap = t->acap ? t->acap * 2 : 4096;
    t->arena = realloc(t->arena, t->acap);
    if (!t->arena) abort();
  }
  memcpy(t->arena + t->an, key, klen);
  x = &t->v[t->n++];
  x->koff = t->an;
  t->an += klen;
  x->klen = (uint32_t)klen;
  x->doc = doc;
  x->field = field;
  x->pos = pos;
}

static int tuple_cmp2(const char *ka, const tuple *x, const char *kb, const tuple *y) {
  size_t m = x->klen < y->klen ? x->klen : y->klen;
  int c = memcmp(ka + x->koff, kb + y->koff, m);
  if (c) return c;
  if (x->klen != y->klen) return x->klen < y->klen ? -1 : 1;
  if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
  if (x->field != y->field) return x->field < y->field ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *g_arena; /* of the tuples being sorted */
static int tuple_cmp(const void *a, const void *b) {
  return tuple_cmp2(g_arena, a, g_arena, b);
}

/* Sort and drop repeats (the index counts a position once). */
static void sort_unique(tuples *t) {
  size_t k = 0;
  g_arena = t->arena;
  if (t->n) qsort(t->v, t->n, sizeof *t->v, tuple_cmp);
  for (size_t i = 0; i < t->n; i++)
    if (k == 0 || tuple_cmp(&t->v[k - 1], &t->v[i]) != 0) t->v[k++] = t->v[i];
  t->n = k;
}

typedef struct model_ctx {
  tuples *t;
  char space;
  uint32_t doc, field;
} model_ctx;

static int model_cb(const kz_token *tok, void *p) {
  model_ctx *m = p;
  static char key[KZI_MAX_KEY];
  size_t n = tok->norm_len;
  if (tok->kind == KZ_TOKEN_PUNCT || tok->kind == KZ_TOKEN_SYMBOL || n == 0) return 0;
  if (n + 1 > KZI_MAX_KEY) n = KZI_MAX_KEY - 1; /* key_form_len() */
  key[0] = m->space;
  memcpy(key + 1, tok->norm, n);
  push(m->t, key, n + 1, m->doc, m->field, tok->position);
  return 0;
}

typedef struct doc {
  const char *part[KZI_NFIELDS]; /* title, body, caption, heading */
  size_t len[KZI_NFIELDS];
} doc;

static char g_root[256];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  /* tmpfs where there is one: every commit syncs */
  snprintf(g_root, sizeof g_root, "%s/kz-fuzz-index-XXXXXX",
           access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  if (!mkdtemp(g_root)) abort();
  return 0;
}

static void cleanup_root(void) { kzt_rmtree(g_root); }

/* A word the query parser reads back as the same term: a plain ASCII
 * form that is no operator. */
static int plain_word(const tuples *t, const tuple *x) {
  const char *k = t->arena + x->koff;
  if (x->klen < 2 || x->klen > 21 || k[0] != KZI_SP_WORD) return 0;
  for (uint32_t i = 1; i < x->klen; i++)
    if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9'))) return 0;
  if ((x->klen == 4 && (!memcmp(k + 1, "and", 3) || !memcmp(k + 1, "not", 3))) ||
      (x->klen == 3 && !memcmp(k + 1, "or", 2)) || (x->klen == 5 && !memcmp(k + 1, "near", 4)))
    return 0;
  return 1;
}

/* The model's documents and matches of a query over the tuples of words a
 * and b (runs of the sorted tuples; b NULL for a word alone). */
typedef struct run {
  const tuple *v;
  size_t n;
} run;

static size_t doc_end(run r, size_t i) {
  size_t j = i;
  while (j < r.n && r.v[j].doc == r.v[i].doc) j++;
  return j;
}

static void model_count(run a, run b, int op, uint64_t *docs, uint64_t *matches,
                        uint64_t *set) {
  size_t i = 0, j = 0;
  *docs = *matches = *set = 0;
  while (i < a.n || j < b.n) {
    uint32_t da = i < a.n ? a.v[i].doc : UINT32_MAX, db = j < b.n ? b.v[j].doc : UINT32_MAX;
    uint32_t d = da < db ? da : db;
    size_t ie = da == d ? doc_end(a, i) : i, je = db == d ? doc_end(b, j) : j;
    uint64_t m = 0;
    if (op == 'O' || (op == 'A' && ie > i && je > j)) {
      m = (ie - i) + (je - j);
    } else if (op == 'N') { /* a but not b: a's occurrences */
      m = je > j ? 0 : ie - i;
    } else if (op == 'P') { /* b right after a, in the same field */
      for (size_t x = i; x < ie; x++)
        for (size_t y = j; y < je; y++)
          m += b.v[y].field == a.v[x].field && b.v[y].pos == a.v[x].pos + 1;
    }
    if (m) {
      (*docs)++;
      *matches += m;
      *set |= 1ull << d; /* document numbers are key numbers, below 64 */
    }
    i = ie;
    j = je;
  }
}

static int key_cb(const char *key, size_t len, void *p) {
  uint64_t *set = p;
  char kb[16];
  unsigned long v;
  CHECK(len > 1 && len < sizeof kb && key[0] == 'd', "key %.*s", (int)len, key);
  memcpy(kb, key, len);
  kb[len] = '\0';
  v = strtoul(kb + 1, NULL, 10);
  CHECK(v < 64 && !(*set >> v & 1), "key %s (twice?)", kb);
  *set |= 1ull << v;
  return 0;
}

static void check_count(kz_corpus *c, const char *q, uint64_t docs, uint64_t matches,
                        uint64_t set) {
  kz_counts *k = NULL;
  kz_count_row row;
  uint64_t gd = 0, gm = 0, gset = 0;
  int rc = kz_corpus_keys(c, q, strlen(q), key_cb, &gset);
  CHECK(rc == KZ_OK, "keys '%s': %s", q, kz_last_errmsg());
  CHECK(gset == set, "keys '%s': documents %llx, model %llx", q, (unsigned long long)gset,
        (unsigned long long)set);
  rc = kz_corpus_count(&k, c, q, strlen(q), KZ_COUNT_ALL);
  CHECK(rc == KZ_OK, "count '%s': %s", q, kz_last_errmsg());
  if (kz_counts_size(k) == 1 && kz_counts_row(k, 0, &row) == KZ_OK) {
    gd = row.docs;
    gm = row.matches;
  }
  CHECK(gd == docs && gm == matches, "count '%s': %llu documents, %llu matches; model %llu, %llu",
        q, (unsigned long long)gd, (unsigned long long)gm, (unsigned long long)docs,
        (unsigned long long)matches);
  kz_counts_free(k);
}

/* The end of the run of sorted tuples of term i's key. */
/* The live document key as an article (kz_doc_article()): its body is the
 * stored body byte for byte, each paragraph block is the body at its span,
 * trimmed and not empty, and the title block is the stored title. */
static void check_article(kz_corpus *c, const char *key) {
  kz_doc *d;
  kz_article *a;
  const char *body, *title;
  size_t blen, tlen, nb;
  CHECK(kz_corpus_doc(&d, c, key, strlen(key)) == KZ_OK, "doc %s: %s", key, kz_last_errmsg());
  CHECK(kz_doc_article(&a, d) == KZ_OK, "article of %s: %s", key, kz_last_errmsg());
  body = kz_doc_field(d, KZ_FIELD_BODY, &blen);
  title = kz_doc_field(d, KZ_FIELD_TITLE, &tlen);
  CHECK(strcmp(kz_article_body(a), body) == 0, "body of the article of %s", key);
  CHECK(tlen == 0 || strcmp(kz_article_title(a), title) == 0, "title of %s", key);
  nb = kz_article_block_count(a);
  for (size_t i = 0; i < nb; i++) {
    const char *t = kz_article_block_text(a, i);
    size_t s = kz_article_block_start(a, i), e = kz_article_block_end(a, i), n = strlen(t);
    CHECK(n > 0 && t[0] != ' ' && t[0] != '\n' && t[n - 1] != ' ' && t[n - 1] != '\n',
          "block %zu of %s not trimmed", i, key);
    if (kz_article_block_kind(a, i) != KZ_BLOCK_PARAGRAPH) continue;
    CHECK(s <= e && e <= blen && e - s == n && memcmp(body + s, t, n) == 0,
          "paragraph %zu of %s at [%zu, %zu)", i, key, s, e);
  }
  kz_article_free(a);
  kz_doc_free(d);
}

static size_t term_end(const tuples *t, size_t i) {
  size_t j = i + 1;
  while (j < t->n && t->v[j].klen == t->v[i].klen &&
         !memcmp(t->arena + t->v[j].koff, t->arena + t->v[i].koff, t->v[i].klen))
    j++;
  return j;
}

/* Counts of up to four plain words of the model, alone and in pairs. */
static void check_counts(kz_corpus *c, const tuples *want) {
  run w[4];
  size_t nw = 0, ncand = 0, seen = 0;
  for (size_t i = 0; i < want->n; i = term_end(want, i)) /* how many plain words */
    ncand += plain_word(want, &want->v[i]);
  for (size_t i = 0, j; i < want->n && nw < 4; i = j) { /* four of them, spread */
    j = term_end(want, i);
    if (plain_word(want, &want->v[i])) {
      if (seen == nw * ncand / 4) w[nw++] = (run){&want->v[i], j - i};
      seen++;
    }
  }
  for (size_t x = 0; x < nw; x++) {
    char q[128];
    uint64_t d, m, set;
    const tuple *tx = w[x].v;
    model_count(w[x], (run){NULL, 0}, 'O', &d, &m, &set);
    snprintf(q, sizeof q, "%.*s", (int)tx->klen - 1, want->arena + tx->koff + 1);
    check_count(c, q, d, m, set);
    for (size_t y = x + 1; y < nw; y++) {
      const tuple *ty = w[y].v;
      static const char *const form[4] = {"%.*s OR %.*s", "%.*s AND %.*s", "\"%.*s %.*s\"",
                                          "%.*s NOT %.*s"};
      static const int ops[4] = {'O', 'A', 'P', 'N'};
      for (int o = 0; o < 4; o++) {
        model_count(w[x], w[y], ops[o], &d, &m, &set);
        snprintf(q, sizeof q, form[o], (int)tx->klen - 1, want->arena + tx->koff + 1,
                 (int)ty->klen - 1, want->arena + ty->koff + 1);
        check_count(c, q, d, m, set);
      }
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const unsigned analyzers[4] = {0, KZ_TOK_STEM, KZ_TOK_FOLD_DIACRITICS,
                                        KZ_TOK_STEM | KZ_TOK_FOLD_DIACRITICS};
  static int registered;
  char dir[300], key[16];
  doc docs[MAX_DOCS];
  char *copy;
  size_t ndocs = 0, nkeys, nlive = 0;
  int last[MAX_DOCS];           /* per key: its live document, or -1 */
  unsigned char found[MAX_DOCS] = {0};
  unsigned opts, aflags;
  kz_corpus *c = NULL;
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  tuples want = {0}, got = {0};
  kzi_snapshot *snap;
  int rc;

  if (!registered) {
    atexit(cleanup_root);
    registered = 1;
  }
  if (size < 1) return 0;
  opts = data[0];
  aflags = analyzers[opts & 3];
  nkeys = (opts & 16) ? 8 : MAX_DOCS;
  /* a NUL-terminated copy: the parts become C strings in place */
  copy = malloc(size);
  if (!copy) return 0;
  memcpy(copy, data + 1, size - 1);
  copy[size - 1] = '\0';
  for (char *p = copy, *end = copy + size - 1; p <= end && ndocs < MAX_DOCS;) {
    char *e = memchr(p, '\0', (size_t)(end - p) + 1), *part[KZI_NFIELDS];
    unsigned np = 0;
    doc *d = &docs[ndocs++];
    /* the parts of p[0..e), cut at 0x01 (the last one takes the rest) */
    while (np + 1 < KZI_NFIELDS) {
      char *q = memchr(p, '\x01', (size_t)(e - p));
      if (!q) break;
      *q = '\0';
      part[np++] = p;
      p = q + 1;
    }
    part[np++] = p;
    for (unsigned f = 0; f < KZI_NFIELDS; f++) {
      d->part[f] = e; /* "" */
      d->len[f] = 0;
    }
    if (np == 1) { /* no 0x01: all body */
      d->part[1] = part[0];
    } else {
      for (unsigned f = 0; f < np; f++) d->part[f] = part[f];
    }
    for (unsigned f = 0; f < KZI_NFIELDS; f++) d->len[f] = strlen(d->part[f]);
    p = e + 1;
  }

  snprintf(dir, sizeof dir, "%s/c", g_root);
  kzt_rmtree(dir);
  o.flags = KZ_CORPUS_CREATE;
  o.analyzer_flags = aflags;
  o.language = (aflags & KZ_TOK_STEM) ? "en" : NULL;
  if (opts & 4) o.memory_budget = 1;
  rc = kz_corpus_open(&c, dir, &o);
  CHECK(rc == KZ_OK, "kz_corpus_open: %s", kz_last_errmsg());
  for (size_t k = 0; k < MAX_DOCS; k++) last[k] = -1;
  for (size_t i = 0; i < ndocs; i++) {
    kz_doc_meta m = KZ_DOC_META_INIT;
    int n = snprintf(key, sizeof key, "d%zu", i % nkeys);
    m.title = docs[i].part[0];
    m.caption = docs[i].part[2];
    m.heading = docs[i].part[3];
    rc = kz_corpus_add_text(c, key, (size_t)n, docs[i].part[1], docs[i].len[1], &m);
    CHECK(rc == KZ_OK, "add %s: %s", key, kz_last_errmsg());
    last[i % nkeys] = (int)i;
    if ((opts & 32) && i % 5 == 4) { /* (document i - 1 has another key) */
      n = snprintf(key, sizeof key, "d%zu", (i - 1) % nkeys);
      rc = kz_corpus_delete(c, key, (size_t)n);
      CHECK(rc == KZ_OK, "delete %s: %s", key, kz_last_errmsg());
      last[(i - 1) % nkeys] = -1;
    }
    if ((opts & 8) && i % 4 == 3) {
      rc = kz_corpus_commit(c);
      CHECK(rc == KZ_OK, "commit: %s", kz_last_errmsg());
    }
  }
  rc = kz_corpus_commit(c);
  CHECK(rc == KZ_OK, "commit: %s", kz_last_errmsg());

  /* the model */
  {
    kz_tokenizer_options to = KZ_TOKENIZER_OPTIONS_INIT;
    kz_tokenizer *tk = NULL, *xtk = NULL;
    to.flags = kzi_analyzer_flags(aflags, 0);
    to.language = o.language;
    CHECK(kz_tokenizer_new(&tk, &to) == KZ_OK, "tokenizer");
    if (aflags & KZ_TOK_STEM) {
      to.flags = kzi_analyzer_flags(aflags, 1);
      CHECK(kz_tokenizer_new(&xtk, &to) == KZ_OK, "exact tokenizer");
    }
    for (size_t k = 0; k < nkeys; k++) {
      const doc *dk;
      if (last[k] < 0) continue;
      dk = &docs[last[k]];
      nlive++;
      for (unsigned f = 0; f < KZI_NFIELDS; f++) {
        /* a document's tuples carry its key's number */
        model_ctx m = {&want, KZI_SP_WORD, (uint32_t)k, f};
        CHECK(kz_tokenize(tk, dk->part[f], dk->len[f], model_cb, &m) == KZ_OK, "tokenize");
        if (xtk) {
          m.space = KZI_SP_EXACT;
          CHECK(kz_tokenize(xtk, dk->part[f], dk->len[f], model_cb, &m) == KZ_OK,
                "tokenize (exact)");
        }
      }
    }
    kz_tokenizer_free(tk);
    kz_tokenizer_free(xtk);
  }

  /* the index */
  snap = kzi_snap_acquire(c);
  CHECK(snap != NULL, "snapshot");
  CHECK(snap->ndocs == nlive, "%llu live documents for %zu", (unsigned long long)snap->ndocs,
        nlive);
  for (uint32_t si = 0; si < snap->nseg; si++) {
    const kzi_segment *s = snap->seg[si];
    uint32_t *which = calloc(s->ndocs ? s->ndocs : 1, sizeof *which);
    kzi_dict_it d;
    kzi_storebuf sb;
    if (!which) abort();
    memset(&sb, 0, sizeof sb);
    for (uint32_t k = 0; k < s->ndocs; k++) {
      const char *kp;
      size_t kn;
      unsigned long v;
      char kb[16];
      kzi_stored st;
      const doc *dv;
      if (kzi_seg_deleted(s, k)) continue;
      CHECK(kzi_seg_key(s, k, &kp, &kn) == KZ_OK && kn > 1 && kn < sizeof kb, "key of %u", k);
      memcpy(kb, kp, kn);
      kb[kn] = '\0';
      v = strtoul(kb + 1, NULL, 10);
      CHECK(kb[0] == 'd' && v < nkeys && last[v] >= 0, "live key %s", kb);
      CHECK(!found[v], "key %s live twice", kb);
      found[v] = 1;
      which[k] = (uint32_t)v;
      dv = &docs[last[v]];
      CHECK(kzi_seg_stored(s, k, &st, &sb) == KZ_OK, "stored %s", kb);
      if (u8_check((const uint8_t *)dv->part[1], dv->len[1]) == NULL)
        CHECK(st.n[KZ_FIELD_BODY] == dv->len[1] &&
                  memcmp(st.f[KZ_FIELD_BODY], dv->part[1], dv->len[1]) == 0,
              "body of %s", kb);
      if (u8_check((const uint8_t *)dv->part[0], dv->len[0]) == NULL)
        CHECK(st.n[KZ_FIELD_TITLE] == dv->len[0] &&
                  memcmp(st.f[KZ_FIELD_TITLE], dv->part[0], dv->len[0]) == 0,
              "title of %s", kb);
    }
    kzi_storebuf_free(&sb);
    rc = kzi_dict_seek(&d, s, "", 0);
    while (rc == KZ_OK) {
      kzi_post_it p;
      uint32_t *pos = NULL;
      size_t cap = 0, np;
      uint64_t df = 0, cf = 0;
      CHECK(d.term_len <= KZI_MAX_KEY, "key length %zu", d.term_len);
      CHECK(kzi_post_init(&p, s, &d.t) == KZ_OK, "postings");
      for (;;) {
        CHECK(kzi_post_next(&p) == KZ_OK, "next");
        if (p.doc == KZI_NO_DOC) break;
        CHECK(p.doc < s->ndocs, "document %u of %u", p.doc, s->ndocs);
        df++; /* a segment's counts include its deleted documents */
        for (unsigned f = 0; f < KZI_NFIELDS; f++) {
          CHECK(kzi_post_positions(&p, f, &pos, &cap, &np) == KZ_OK, "positions");
          cf += np;
          for (size_t j = 0; j < np && !kzi_seg_deleted(s, p.doc); j++)
            push(&got, d.term, d.term_len, which[p.doc], f, pos[j]);
        }
      }
      /* metadata terms (no position) are counted once a document */
      CHECK(df == d.t.df, "df %llu, postings %llu", (unsigned long long)d.t.df,
            (unsigned long long)df);
      CHECK(cf == d.t.cf, "cf %llu, positions %llu", (unsigned long long)d.t.cf,
            (unsigned long long)cf);
      kzi_post_free(&p);
      free(pos);
      rc = kzi_dict_next(&d);
    }
    CHECK(rc == KZ_ITEROVER, "dictionary: %d", rc);
    free(which);
  }
  kzi_snap_release(c, snap);
  for (size_t k = 0; k < nkeys; k++)
    CHECK(last[k] < 0 || found[k], "live key d%zu not found", k);

  sort_unique(&want);
  sort_unique(&got);
  for (size_t i = 0; i < want.n || i < got.n; i++) {
    const tuple *a = i < want.n ? &want.v[i] : NULL, *b = i < got.n ? &got.v[i] : NULL;
    CHECK(a && b && tuple_cmp2(want.arena, a, got.arena, b) == 0,
          "tuple %zu: model '%.*s' doc %u field %u pos %u, index '%.*s' doc %u field %u pos %u",
          i, a ? (int)a->klen : 0, a ? want.arena + a->koff : "", a ? a->doc : 0,
          a ? a->field : 0, a ? a->pos : 0, b ? (int)b->klen : 0, b ? got.arena + b->koff : "",
          b ? b->doc : 0, b ? b->field : 0, b ? b->pos : 0);
  }
  if (!(aflags & KZ_TOK_STEM)) check_counts(c, &want);
  for (size_t k = 0; k < nkeys; k++) {
    char kb[32];
    snprintf(kb, sizeof kb, "d%zu", k);
    if (last[k] >= 0) check_article(c, kb);
  }
  kz_corpus_close(c);
  kzt_rmtree(dir);
  free(want.v);
  free(got.v);
  free(want.arena);
  free(got.arena);
  free(copy);
  return 0;
}
