/*
 * stats_walk.c - what the corpus statistics share: interned terms, key
 * lists, the document walker (fetch a stored document, re-tokenize its text
 * fields as the index did), node matches, option checking and JSON lines.
 *
 * Node matches.  A node query that is one word in every field ("tokayev")
 * or a phrase of such words is matched here, on the walker's tokens: the
 * documents are those kz_corpus_keys() gives for "(node) AND (filter)".
 * Any other query (prefixes, fuzzy words, NEAR, OR, field restrictions)
 * goes through kz_corpus_kwic(), whose rows give each match's field and
 * byte span; the spans are mapped back to the walker's tokens.  Both paths
 * find the same matches (tests/test_stats.c compares them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"

/* ---------------------------------------------------------------------
 * Interned terms
 * --------------------------------------------------------------------- */

uint32_t kzs_hash(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    memcpy(&v, s + i, 8);
    h = (h ^ v) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  for (; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  h ^= h >> 29;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 32;
  return (uint32_t)h;
}

static int terms_grow(kzs_terms *t) {
  size_t ncap = t->mask ? (t->mask + 1) * 2 : 1024, nmask = ncap - 1;
  uint32_t *nt = calloc(ncap, sizeof *nt);
  if (!nt) return KZ_ENOMEM;
  for (uint32_t id = 0; id < t->n; id++) {
    size_t i = t->t[id].hash & nmask;
    while (nt[i]) i = (i + 1) & nmask;
    nt[i] = id + 1;
  }
  free(t->tab);
  t->tab = nt;
  t->mask = nmask;
  return KZ_OK;
}

uint32_t kzs_terms_find(const kzs_terms *t, const char *s, size_t n) {
  uint32_t h;
  size_t i;
  if (!t->tab) return KZS_NO_TERM;
  h = kzs_hash(s, n);
  for (i = h & t->mask; t->tab[i]; i = (i + 1) & t->mask) {
    const kzs_term *e = &t->t[t->tab[i] - 1];
    if (e->hash == h && e->len == n && memcmp(t->arena.p + e->off, s, n) == 0)
      return t->tab[i] - 1;
  }
  return KZS_NO_TERM;
}

int kzs_terms_intern(kzs_terms *t, const char *s, size_t n, uint32_t *id) {
  uint32_t h;
  size_t i;
  int rc;
  if (n > UINT32_MAX / 2) return KZ_ELIMIT;
  if ((size_t)t->n * 2 >= t->mask && (rc = terms_grow(t)) != KZ_OK) return rc;
  h = kzs_hash(s, n);
  for (i = h & t->mask; t->tab[i]; i = (i + 1) & t->mask) {
    const kzs_term *e = &t->t[t->tab[i] - 1];
    if (e->hash == h && e->len == n && memcmp(t->arena.p + e->off, s, n) == 0) {
      *id = t->tab[i] - 1;
      return KZ_OK;
    }
  }
  if (t->n == KZS_NO_TERM - 1) return KZ_ELIMIT;
  if (t->n == t->cap) {
    uint32_t nc = t->cap ? t->cap * 2 : 1024;
    kzs_term *nt = realloc(t->t, (size_t)nc * sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    t->t = nt;
    t->cap = nc;
  }
  t->t[t->n].off = t->arena.n;
  t->t[t->n].len = (uint32_t)n;
  t->t[t->n].hash = h;
  if ((rc = kzi_buf_append(&t->arena, s, n)) != KZ_OK ||
      (rc = kzi_buf_append(&t->arena, "", 1)) != KZ_OK)
    return rc;
  t->tab[i] = t->n + 1;
  *id = t->n++;
  return KZ_OK;
}

void kzs_terms_free(kzs_terms *t) {
  kzi_buf_free(&t->arena);
  free(t->t);
  free(t->tab);
  memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------------
 * Key lists
 * --------------------------------------------------------------------- */

int kzs_keys_push(kzs_keys *k, const char *key, size_t n) {
  int rc;
  if (k->n == k->cap) {
    size_t nc = k->cap ? k->cap * 2 : 256;
    size_t *no = realloc(k->off, nc * sizeof *no), *nl;
    if (!no) return KZ_ENOMEM;
    k->off = no;
    nl = realloc(k->len, nc * sizeof *nl);
    if (!nl) return KZ_ENOMEM;
    k->len = nl;
    k->cap = nc;
  }
  k->off[k->n] = k->arena.n;
  k->len[k->n] = n;
  if ((rc = kzi_buf_append(&k->arena, key, n)) != KZ_OK ||
      (rc = kzi_buf_append(&k->arena, "", 1)) != KZ_OK)
    return rc;
  k->n++;
  return KZ_OK;
}

static int key_cb(const char *key, size_t len, void *payload) {
  return kzs_keys_push(payload, key, len);
}

int kzs_keys_collect(kzs_keys *k, kz_corpus *c, const char *q, size_t qlen) {
  int rc;
  if (q == NULL || qlen == 0) {
    q = "*";     /* every document: see below */
    qlen = 0;
  }
  if (qlen == 0) {
    /* kz_corpus_keys() needs a query: NOT of a term no analyzer produces
     * matches every live document. */
    static const char all[] = "NOT source:\"\x01\"";
    rc = kz_corpus_keys(c, all, sizeof all - 1, key_cb, k);
  } else {
    rc = kz_corpus_keys(c, q, qlen, key_cb, k);
  }
  if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
  return rc;
}

int kzs_keys_index(kzs_keys *k) {
  size_t cap = 16;
  while (cap < k->n * 2 + 2) cap *= 2;
  free(k->tab);
  k->tab = calloc(cap, sizeof *k->tab);
  if (!k->tab) return KZ_ENOMEM;
  k->mask = cap - 1;
  for (size_t i = 0; i < k->n; i++) {
    size_t j = kzs_hash(k->arena.p + k->off[i], k->len[i]) & k->mask;
    while (k->tab[j]) j = (j + 1) & k->mask;
    k->tab[j] = (uint32_t)i + 1;
  }
  return KZ_OK;
}

int kzs_keys_has(const kzs_keys *k, const char *key, size_t n) {
  size_t j;
  if (!k->tab) return 0;
  for (j = kzs_hash(key, n) & k->mask; k->tab[j]; j = (j + 1) & k->mask) {
    size_t i = k->tab[j] - 1;
    if (k->len[i] == n && memcmp(k->arena.p + k->off[i], key, n) == 0) return 1;
  }
  return 0;
}

void kzs_keys_free(kzs_keys *k) {
  kzi_buf_free(&k->arena);
  free(k->off);
  free(k->len);
  free(k->tab);
  memset(k, 0, sizeof *k);
}

/* ---------------------------------------------------------------------
 * Options
 * --------------------------------------------------------------------- */

int kz_stats_options_init(kz_stats_options *opts, unsigned int version) {
  static const kz_stats_options dflt = KZ_STATS_OPTIONS_INIT;
  if (!opts) return kzi_seterr(NULL, KZ_EINVAL, "kz_stats_options_init: NULL options");
  if (version != KZ_STATS_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "stats options version %u is not supported (this library knows version %d)",
                      version, KZ_STATS_OPTIONS_VERSION);
  *opts = dflt;
  return KZ_OK;
}

int kzs_options(kz_stats_options *out, const kz_stats_options *opts) {
  static const kz_stats_options dflt = KZ_STATS_OPTIONS_INIT;
  const unsigned known = KZ_STATS_SKIP_STOPWORDS | KZ_STATS_SKIP_NUMBERS | KZ_STATS_STOP_EDGES |
                         KZ_STATS_ACROSS_PUNCT | KZ_STATS_TFIDF | KZ_STATS_L2;
  *out = opts ? *opts : dflt;
  if (out->version != KZ_STATS_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION,
                      "stats options version %u is not supported (this library knows version %d); "
                      "initialize them with KZ_STATS_OPTIONS_INIT",
                      out->version, KZ_STATS_OPTIONS_VERSION);
  if (out->flags & ~known) return kzi_seterr(NULL, KZ_EINVAL, "unknown stats flags 0x%x", out->flags & ~known);
  if (!out->filter && out->filter_len) return kzi_seterr(NULL, KZ_EINVAL, "filter is NULL but filter_len is not 0");
  if (out->left == 0 && out->right == 0) out->left = out->right = 5;
  if (out->left > 1000 || out->right > 1000)
    return kzi_seterr(NULL, KZ_EINVAL, "collocation window %u/%u is over 1000 tokens", out->left, out->right);
  if (out->measure < KZ_MEASURE_LOGDICE || out->measure > KZ_MEASURE_FREQ)
    return kzi_seterr(NULL, KZ_EINVAL, "unknown collocation measure %d", out->measure);
  if (out->min_freq == 0) out->min_freq = 1;
  if (out->n == 0) out->n = 1;
  if (out->n > 5) return kzi_seterr(NULL, KZ_EINVAL, "n-grams: n must be 1 to 5, not %u", out->n);
  if (!(out->min_df >= 0) || !(out->max_df >= 0) || isinf(out->min_df) || isinf(out->max_df))
    return kzi_seterr(NULL, KZ_EINVAL, "min_df and max_df must be finite and not negative");
  return KZ_OK;
}

const char *kz_measure_name(int m) {
  static const char *const names[] = {"logdice", "mi", "t", "g2", "freq"};
  return m >= 0 && m <= KZ_MEASURE_FREQ ? names[m] : "unknown";
}

int kz_measure_from_name(const char *s) {
  static const struct { const char *name; int m; } tab[] = {
    {"logdice", KZ_MEASURE_LOGDICE}, {"log_dice", KZ_MEASURE_LOGDICE},
    {"mi", KZ_MEASURE_MI}, {"t", KZ_MEASURE_TSCORE}, {"tscore", KZ_MEASURE_TSCORE},
    {"t-score", KZ_MEASURE_TSCORE}, {"t_score", KZ_MEASURE_TSCORE},
    {"g2", KZ_MEASURE_G2}, {"ll", KZ_MEASURE_G2}, {"loglik", KZ_MEASURE_G2},
    {"freq", KZ_MEASURE_FREQ}, {"frequency", KZ_MEASURE_FREQ}};
  if (!s) return -1;
  for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (strcmp(s, tab[i].name) == 0) return tab[i].m;
  return -1;
}

/* ---------------------------------------------------------------------
 * The walker
 * --------------------------------------------------------------------- */

int kzs_walk_init(kzs_walk *w, kz_corpus *c, const kz_stats_options *o) {
  kz_tokenizer_options to = KZ_TOKENIZER_OPTIONS_INIT;
  unsigned flags = 0;
  const char *lang = kz_corpus_analyzer(c, &flags);
  memset(w, 0, sizeof *w);
  w->c = c;
  w->o = *o;
  /* The corpus's analyzer, but reporting punctuation (n-grams stop there)
   * and stopwords (flagged).  Positions are the same either way. */
  to.flags = flags & ~(KZ_TOK_SKIP_PUNCT | KZ_TOK_SKIP_STOPWORDS);
  if (flags & KZ_TOK_STEM) to.language = lang;
  else if (o->stopwords && o->stopwords[0]) to.language = o->stopwords;
  else to.language = lang && lang[0] ? lang : "en";
  return kz_tokenizer_new(&w->tk, &to);
}

void kzs_walk_free(kzs_walk *w) {
  kz_tokenizer_free(w->tk);
  kz_doc_free(w->doc);
  kzs_terms_free(&w->terms);
  free(w->tok);
  memset(w, 0, sizeof *w);
}

static int walk_tok(const kz_token *t, void *payload) {
  kzs_walk *w = payload;
  kzs_tok *k;
  int rc;
  if (t->kind == KZ_TOKEN_PUNCT) {
    w->pending_break = 1;
    return 0;
  }
  if (t->kind == KZ_TOKEN_SYMBOL || t->norm_len == 0) return 0;
  if (w->ntok == w->cap) {
    size_t nc = w->cap ? w->cap * 2 : 1024;
    kzs_tok *nt = realloc(w->tok, nc * sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    w->tok = nt;
    w->cap = nc;
  }
  k = &w->tok[w->ntok];
  if ((rc = kzs_terms_intern(&w->terms, t->norm, t->norm_len, &k->term)) != KZ_OK) return rc;
  k->pos = t->position;
  k->start = (uint32_t)t->start;
  k->end = (uint32_t)t->end;
  k->field = w->cur_field;
  k->flags = (uint8_t)(((t->flags & KZ_TOKEN_STOPWORD) ? KZS_STOP : 0) |
                       (t->kind == KZ_TOKEN_NUMBER ? KZS_NUM : 0));
  if (w->pending_break && !(t->flags & KZ_TOKEN_HYPHENATED)) k->flags |= KZS_BREAK;
  w->pending_break = 0;
  w->ntok++;
  return 0;
}

int kzs_walk_load(kzs_walk *w, const char *key, size_t n) {
  int rc;
  kz_doc_free(w->doc);
  w->doc = NULL;
  w->ntok = 0;
  w->doc_tokens = 0;
  rc = kz_corpus_doc(&w->doc, w->c, key, n);
  if (rc) return rc;
  for (unsigned f = 0; f < KZS_NFIELDS; f++) {
    size_t len = 0;
    const char *s = kz_doc_field(w->doc, (int)f, &len);
    w->fbeg[f] = w->ntok;
    w->cur_field = (uint8_t)f;
    w->pending_break = 0;
    w->flen[f] = 0;
    if (len > UINT32_MAX) return kzi_seterr(NULL, KZ_ELIMIT, "a stored field is over 4 GB");
    if (s && len) {
      rc = kz_tokenize(w->tk, s, len, walk_tok, w);
      if (rc == KZ_ENOMEM) return kzi_seterr(NULL, rc, "out of memory");
      if (rc) return rc;
    }
    if (w->ntok > w->fbeg[f]) w->flen[f] = w->tok[w->ntok - 1].pos + 1;
    w->doc_tokens += w->ntok - w->fbeg[f];
  }
  w->fbeg[KZS_NFIELDS] = w->ntok;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Node matches
 * --------------------------------------------------------------------- */

int kzs_and(kzi_buf *out, const char *a, size_t alen, const char *b, size_t blen) {
  int rc = KZ_OK;
  out->n = 0;
  if (alen && blen) {
    if (!rc) rc = kzi_buf_append(out, "(", 1);
    if (!rc) rc = kzi_buf_append(out, a, alen);
    if (!rc) rc = kzi_buf_append(out, ") AND (", 7);
    if (!rc) rc = kzi_buf_append(out, b, blen);
    if (!rc) rc = kzi_buf_append(out, ")", 1);
  } else if (alen) {
    rc = kzi_buf_append(out, a, alen);
  } else if (blen) {
    rc = kzi_buf_append(out, b, blen);
  } else {
    rc = kzi_buf_append(out, "", 0);
  }
  return rc ? kzi_seterr(NULL, rc, "out of memory") : KZ_OK;
}

/* A plain word term of the description: "w:" then a form that is neither a
 * prefix nor fuzzy.  Returns its length (from *s) or 0. */
static size_t plain_term(const char *s, size_t n) {
  size_t i = 2;
  if (n < 3 || s[0] != 'w' || s[1] != ':') return 0;
  while (i < n && s[i] != ' ' && s[i] != ')' && s[i] != '(') i++;
  if (s[i - 1] == '*') return 0;
  for (size_t j = i; j-- > 2;) { /* "~1" suffix: fuzzy */
    if (s[j] >= '0' && s[j] <= '9') continue;
    if (s[j] == '~' && j + 1 < i) return 0;
    break;
  }
  return i;
}

/* Fill nd->ids when desc is (TERM) or (PHRASE TERM...) of plain words. */
static int fast_terms(kzs_nodes *nd, kzs_walk *w, const char *desc) {
  size_t n = strlen(desc), t, i, count = 0;
  const char *p;
  int rc;
  if ((t = plain_term(desc, n)) != 0) {
    if (t != n) return 0;
    nd->ids = malloc(sizeof *nd->ids);
    if (!nd->ids) return KZ_ENOMEM;
    if ((rc = kzs_terms_intern(&w->terms, desc + 2, n - 2, &nd->ids[0])) != KZ_OK) return rc;
    nd->nids = 1;
    nd->fast = 1;
    return KZ_OK;
  }
  if (strncmp(desc, "(PHRASE ", 8) != 0 || desc[n - 1] != ')') return 0;
  for (p = desc + 8; p < desc + n - 1; p += t + 1) {
    if ((t = plain_term(p, (size_t)(desc + n - 1 - p))) == 0) return 0;
    if (p[t] != ' ' && p + t != desc + n - 1) return 0;
    count++;
  }
  if (count < 2 || count > 64) return 0;
  nd->ids = malloc(count * sizeof *nd->ids);
  if (!nd->ids) return KZ_ENOMEM;
  for (i = 0, p = desc + 8; i < count; i++, p += t + 1) {
    t = plain_term(p, (size_t)(desc + n - 1 - p));
    if ((rc = kzs_terms_intern(&w->terms, p + 2, t - 2, &nd->ids[i])) != KZ_OK) return rc;
  }
  nd->nids = count;
  nd->fast = 1;
  return KZ_OK;
}

static int kspan_push(kzs_nodes *nd, size_t *cap, size_t doc, const kz_kwic_row *r) {
  if (nd->nks == *cap) {
    size_t nc = *cap ? *cap * 2 : 256;
    kzs_kspan *n2 = realloc(nd->ks, nc * sizeof *n2);
    if (!n2) return KZ_ENOMEM;
    nd->ks = n2;
    *cap = nc;
  }
  nd->ks[nd->nks].doc = doc;
  nd->ks[nd->nks].field = r->field;
  nd->ks[nd->nks].start = r->start;
  nd->ks[nd->nks].end = r->end;
  nd->nks++;
  return KZ_OK;
}

/* The slow path: every match from kz_corpus_kwic(), kept when its document
 * is in the filter. */
static int kwic_nodes(kzs_nodes *nd, kzs_walk *w, const char *query, size_t len) {
  kz_kwic_options ko = KZ_KWIC_OPTIONS_INIT;
  kzs_keys filt = {0};
  kz_kwic *k = NULL;
  size_t cap = 0, i, n;
  int rc, use_filter = w->o.filter_len > 0;
  ko.flags = KZ_KWIC_CHARS;
  ko.width = 1;
  if (use_filter) {
    rc = kzs_keys_collect(&filt, w->c, w->o.filter, w->o.filter_len);
    if (!rc) rc = kzs_keys_index(&filt);
    if (rc) goto done;
  }
  rc = kz_corpus_kwic(&k, w->c, query, len, &ko);
  if (rc) goto done;
  n = kz_kwic_count(k);
  for (i = 0; i < n && !rc; i++) {
    kz_kwic_row r;
    const char *last = nd->docs.n ? nd->docs.arena.p + nd->docs.off[nd->docs.n - 1] : NULL;
    size_t lastn = nd->docs.n ? nd->docs.len[nd->docs.n - 1] : 0;
    if (kz_kwic_row_get(k, i, &r) != KZ_OK) break;
    if (r.field < 0 || r.field >= KZS_NFIELDS) continue;
    if (use_filter && !kzs_keys_has(&filt, r.key, r.key_len)) continue;
    if (!last || lastn != r.key_len || memcmp(last, r.key, lastn) != 0) rc = kzs_keys_push(&nd->docs, r.key, r.key_len);
    if (!rc) rc = kspan_push(nd, &cap, nd->docs.n - 1, &r);
  }
  if (!rc) {
    nd->kfirst = malloc((nd->docs.n + 1) * sizeof *nd->kfirst);
    if (!nd->kfirst) rc = KZ_ENOMEM;
  }
  if (!rc) {
    size_t d = 0;
    for (i = 0; i < nd->nks; i++)
      while (d <= nd->ks[i].doc) nd->kfirst[d++] = i;
    while (d <= nd->docs.n) nd->kfirst[d++] = nd->nks;
  }
done:
  if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
  kz_kwic_free(k);
  kzs_keys_free(&filt);
  return rc;
}

int kzs_nodes_prepare(kzs_nodes *nd, kzs_walk *w, const char *query, size_t len) {
  kz_query *q = NULL;
  kzi_buf both = {0};
  int rc;
  memset(nd, 0, sizeof *nd);
  if (!query || !len) return kzi_seterr(NULL, KZ_EINVAL, "the node query is empty");
  rc = kz_query_parse(&q, w->c, query, len);
  if (rc) return rc;
  rc = fast_terms(nd, w, kz_query_describe(q));
  kz_query_free(q);
  if (rc == KZ_ENOMEM) return kzi_seterr(NULL, rc, "out of memory");
  if (rc) return rc;
  if (!nd->fast) return kwic_nodes(nd, w, query, len);
  rc = kzs_and(&both, query, len, w->o.filter, w->o.filter_len);
  if (!rc) rc = kzs_keys_collect(&nd->docs, w->c, both.p, both.n);
  kzi_buf_free(&both);
  return rc;
}

static int span_push(kzs_span **sp, size_t *n, size_t *cap, size_t a, size_t b) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    kzs_span *ns = realloc(*sp, nc * sizeof *ns);
    if (!ns) return KZ_ENOMEM;
    *sp = ns;
    *cap = nc;
  }
  (*sp)[*n].first = a;
  (*sp)[*n].last = b;
  (*n)++;
  return KZ_OK;
}

int kzs_nodes_find(kzs_nodes *nd, kzs_walk *w, size_t d, kzs_span **sp, size_t *n, size_t *cap) {
  int rc = KZ_OK;
  *n = 0;
  if (nd->fast) {
    for (unsigned f = 0; f < KZS_NFIELDS && !rc; f++) {
      size_t a = w->fbeg[f], b = w->fbeg[f + 1];
      for (size_t i = a; i < b && !rc; i++) {
        size_t j;
        if (w->tok[i].term != nd->ids[0]) continue;
        for (j = 1; j < nd->nids; j++)
          if (i + j >= b || w->tok[i + j].term != nd->ids[j] || w->tok[i + j].pos != w->tok[i].pos + j) break;
        if (j < nd->nids) continue;
        rc = span_push(sp, n, cap, i, i + nd->nids - 1);
        i += nd->nids - 1; /* a phrase's matches do not overlap */
      }
    }
  } else {
    for (size_t m = nd->kfirst[d]; m < nd->kfirst[d + 1] && !rc; m++) {
      const kzs_kspan *k = &nd->ks[m];
      size_t a = w->fbeg[k->field], b = w->fbeg[k->field + 1], lo = a, hi = b, first, last;
      while (lo < hi) { /* first token starting at or after the span */
        size_t mid = lo + (hi - lo) / 2;
        if (w->tok[mid].start < k->start) lo = mid + 1;
        else hi = mid;
      }
      first = lo;
      last = first;
      if (first >= b || w->tok[first].start >= k->end) continue;
      while (last + 1 < b && w->tok[last + 1].end <= k->end) last++;
      rc = span_push(sp, n, cap, first, last);
    }
  }
  return rc ? kzi_seterr(NULL, rc, "out of memory") : KZ_OK;
}

void kzs_nodes_free(kzs_nodes *nd) {
  free(nd->ids);
  kzs_keys_free(&nd->docs);
  free(nd->ks);
  free(nd->kfirst);
  memset(nd, 0, sizeof *nd);
}

/* ---------------------------------------------------------------------
 * Vocabulary of a filter
 * --------------------------------------------------------------------- */

typedef struct vwrap { kzs_vocab_fn fn; void *payload; } vwrap;

static int vocab_cb(const char *term, size_t len, uint64_t tf, uint64_t df, void *p) {
  vwrap *v = p;
  return v->fn(v->payload, term, len, tf, df);
}

int kzs_vocabulary(kz_corpus *c, const char *filter, size_t len, kzs_vocab_fn fn, void *payload) {
  vwrap v = {fn, payload};
  int rc = kz_corpus_vocabulary(c, len ? filter : NULL, len, vocab_cb, &v);
  if (rc == KZ_ENOMEM) kzi_seterr(NULL, rc, "out of memory");
  return rc;
}

/* ---------------------------------------------------------------------
 * Log-likelihood
 * --------------------------------------------------------------------- */

double kzs_g2(uint64_t o11, uint64_t r1, uint64_t c1, uint64_t n) {
  /* NLTK's contingency order (n_ii, n_oi, n_io, n_oo) with n_ix = r1 and
   * n_xi = c1; expected values row * column / n, products taken exactly
   * in integers first, as Python does. */
  uint64_t cont[4];
  double sum = 0;
  if (n == 0) return 0;
  if (c1 < o11) c1 = o11;
  if (r1 < o11) r1 = o11;
  cont[0] = o11;
  cont[1] = c1 - o11;
  cont[2] = r1 - o11;
  cont[3] = n >= r1 + c1 - o11 ? n - r1 - c1 + o11 : 0;
  for (int i = 0; i < 4; i++) {
    double e, prod;
    uint64_t a = cont[i] + cont[i ^ 1], b = cont[i] + cont[i ^ 2];
    if (cont[i] == 0) continue;
    if (a && b > UINT64_MAX / a) prod = (double)a * (double)b;
    else prod = (double)(a * b);
    e = prod / (double)n;
    sum += (double)cont[i] * log((double)cont[i] / e);
  }
  return 2 * sum;
}

/* ---------------------------------------------------------------------
 * JSON lines
 * --------------------------------------------------------------------- */

void kzs_json_raw(kzi_buf *b, int *rc, const char *s) {
  if (!*rc) *rc = kzi_buf_append(b, s, strlen(s));
}

void kzs_json_str(kzi_buf *b, int *rc, const char *s, size_t n) {
  size_t i, run = 0;
  char esc[8];
  if (*rc) return;
  if (!s) {
    kzs_json_raw(b, rc, "null");
    return;
  }
  *rc = kzi_buf_append(b, "\"", 1);
  for (i = 0; i < n && !*rc; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *e = NULL;
    if (c == '"') e = "\\\"";
    else if (c == '\\') e = "\\\\";
    else if (c == '\n') e = "\\n";
    else if (c == '\r') e = "\\r";
    else if (c == '\t') e = "\\t";
    else if (c < 0x20 || c == 0x7f) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      e = esc;
    }
    if (!e) continue;
    if (i > run) *rc = kzi_buf_append(b, s + run, i - run);
    if (!*rc) *rc = kzi_buf_append(b, e, strlen(e));
    run = i + 1;
  }
  if (!*rc && n > run) *rc = kzi_buf_append(b, s + run, n - run);
  if (!*rc) *rc = kzi_buf_append(b, "\"", 1);
}

void kzs_json_u64(kzi_buf *b, int *rc, uint64_t v) {
  char tmp[32];
  snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
  kzs_json_raw(b, rc, tmp);
}

void kzs_json_num(kzi_buf *b, int *rc, double v) {
  char tmp[40];
  if (!isfinite(v)) {
    kzs_json_raw(b, rc, "null");
    return;
  }
  snprintf(tmp, sizeof tmp, "%.17g", v);
  kzs_json_raw(b, rc, tmp);
}

int kzs_json_out(kzi_buf *b, int rc, kz_buf *out) {
  char *p;
  if (rc) {
    kzi_buf_free(b);
    return kzi_seterr(NULL, rc, "out of memory writing JSON");
  }
  p = realloc(out->ptr, out->len + b->n + 1);
  if (!p) {
    kzi_buf_free(b);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory writing JSON");
  }
  if (b->n) memcpy(p + out->len, b->p, b->n);
  out->ptr = p;
  out->len += b->n;
  p[out->len] = 0;
  kzi_buf_free(b);
  return KZ_OK;
}
