/*
 * qparse.c - the query language -> an AST (kzi_qnode).
 *
 * Grammar (recursive descent; operators are uppercase words):
 *   query   := or
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary | "NOT" unary )*
 *   unary   := ( "-" | "NOT" ) unary | near
 *   near    := primary ( "NEAR/" N primary )*
 *   primary := "(" or ")" | '"' words '"' | "NEAR(" item+ [ "," N ] ")"
 *            | field ":" primary | meta ":" value | "=" word
 *            | word [ "*" | "~" [N] ]
 * Words are analyzed with the corpus's analyzer; a word that yields several
 * tokens becomes a phrase, one with none matches nothing (and is dropped
 * from AND).  Prefix, fuzzy and exact words use the unstemmed analyzer and
 * the exact term space of a stemmed corpus.  Every error is KZ_EQUERY with
 * "query error at byte N: problem".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"
#include "kz/analysis.h"

typedef struct qp {
  const char *s;
  size_t n, i;
  kz_tokenizer *tk, *xtk;
  int stemmed;
  unsigned fields;
  int depth;
  int in_near;               /* ',' ends a word inside NEAR( ) */
  int rc;
  kzi_buf tmp;
  kzi_entity_ctx *ent;       /* dictionaries and aliases for entity: */
  size_t none_at, none_s, none_n; /* the first word with no term (reported at
                                      none_at; its text), if none_n */
} qp;

/* The position of the last query error of this thread, valid while the
 * thread's message is still the one that error left (checked by hash). */
static _Thread_local struct {
  size_t pos;
  uint64_t msg_hash;
  int set;
} tls_qerr;

int kzi_query_error(int code, size_t pos, const char *fmt, ...) {
  char msg[300];
  const char *m;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  kzi_seterr(NULL, code, "query error at byte %zu: %s", pos, msg);
  m = kz_last_errmsg();
  tls_qerr.pos = pos;
  tls_qerr.msg_hash = kzi_hash64(m, strlen(m));
  tls_qerr.set = 1;
  return code;
}

int64_t kz_query_error_position(void) {
  const char *m = kz_last_errmsg();
  if (!tls_qerr.set || !m[0] || kzi_hash64(m, strlen(m)) != tls_qerr.msg_hash) return -1;
  return (int64_t)tls_qerr.pos;
}

static int qerr(qp *q, size_t pos, const char *fmt, ...) KZI_PRINTF(3, 4);
static int qerr(qp *q, size_t pos, const char *fmt, ...) {
  char msg[300];
  va_list ap;
  if (q->rc) return q->rc;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  q->rc = kzi_query_error(KZ_EQUERY, pos, "%s", msg);
  return q->rc;
}

static kzi_qnode *node(qp *q, int type) {
  kzi_qnode *n = calloc(1, sizeof *n);
  if (!n) {
    if (!q->rc) q->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    return NULL;
  }
  n->type = type;
  n->fields = q->fields;
  n->pos = q->i;
  return n;
}

void kzi_qnode_free(kzi_qnode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->nkid; i++) kzi_qnode_free(n->kid[i]);
  free(n->kid);
  free(n->term);
  free(n);
}

static int add_kid(qp *q, kzi_qnode *p, kzi_qnode *k) {
  if (!k) return q->rc;
  if (p->nkid == p->capkid) {
    size_t nc = p->capkid ? p->capkid * 2 : 4;
    kzi_qnode **nk = realloc(p->kid, nc * sizeof *nk);
    if (!nk) {
      kzi_qnode_free(k);
      return q->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
    p->kid = nk;
    p->capkid = nc;
  }
  p->kid[p->nkid++] = k;
  return KZ_OK;
}

static kzi_qnode *term_node(qp *q, char space, const char *t, size_t n, int meta) {
  kzi_qnode *x = node(q, KZQ_TERM);
  if (!x) return NULL;
  x->term = malloc(n + 2);
  if (!x->term) {
    kzi_qnode_free(x);
    q->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    return NULL;
  }
  x->term[0] = space;
  memcpy(x->term + 1, t, n);
  x->term[n + 1] = 0;
  x->term_len = n + 1;
  x->meta = meta;
  return x;
}

/* ---------------------------------------------------------------------
 * Lexing helpers
 * --------------------------------------------------------------------- */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static int is_delim(char c) { return is_space(c) || c == '(' || c == ')' || c == '"'; }

static void skip_ws(qp *q) {
  while (q->i < q->n && is_space(q->s[q->i])) q->i++;
}

/* Is the operator word `kw` at the cursor (followed by a delimiter)? */
static int at_kw(qp *q, const char *kw) {
  size_t l = strlen(kw);
  if (q->n - q->i < l || memcmp(q->s + q->i, kw, l) != 0) return 0;
  return q->i + l == q->n || is_delim(q->s[q->i + l]);
}

/* ---------------------------------------------------------------------
 * Word analysis
 * --------------------------------------------------------------------- */

typedef struct wtoks {
  kzi_buf norms;        /* NUL-separated */
  size_t count;
  int rc;
} wtoks;

static int wtok_cb(const kz_token *t, void *p) {
  wtoks *w = p;
  if (t->kind == KZ_TOKEN_PUNCT || t->kind == KZ_TOKEN_SYMBOL || !t->norm_len) return 0;
  if (w->count >= 256) return 0;
  if ((w->rc = kzi_buf_append(&w->norms, t->norm, t->norm_len + 1))) return w->rc;
  w->count++;
  return 0;
}

/* Analyze s[0..n) into a TERM, a PHRASE or NONE. */
static kzi_qnode *analyze(qp *q, const char *s, size_t n, int exact, size_t pos) {
  wtoks w = {{0}, 0, 0};
  kz_tokenizer *tk = exact ? q->xtk : q->tk;
  char space = exact && q->stemmed ? KZI_SP_EXACT : KZI_SP_WORD;
  kzi_qnode *r = NULL;
  int rc = kz_tokenize(tk, s, n, wtok_cb, &w);
  if (rc || w.rc) {
    q->rc = kzi_seterr(NULL, rc ? rc : w.rc, "cannot analyze query word");
    kzi_buf_free(&w.norms);
    return NULL;
  }
  if (w.count == 0) {
    r = node(q, KZQ_NONE);
    if (!q->none_n && n) { /* (named if the whole query comes to nothing) */
      q->none_at = pos;
      q->none_s = (size_t)(s - q->s);
      q->none_n = n;
    }
  } else if (w.count == 1) {
    r = term_node(q, space, w.norms.p, strlen(w.norms.p), 0);
  } else {
    const char *p = w.norms.p;
    r = node(q, KZQ_PHRASE);
    for (size_t i = 0; r && i < w.count && !q->rc; i++) {
      size_t l = strlen(p);
      add_kid(q, r, term_node(q, space, p, l, 0));
      p += l + 1;
    }
  }
  if (r) {
    r->pos = pos;
    r->exact = exact;
  }
  kzi_buf_free(&w.norms);
  return r;
}

static size_t utf8_chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* A bare word at the cursor, with its * or ~ suffix. */
static kzi_qnode *word(qp *q, int exact) {
  size_t start = q->i, end;
  int fuzzy = 0;
  kzi_qnode *r;
  while (q->i < q->n && !is_delim(q->s[q->i]) && !(q->in_near && q->s[q->i] == ',')) q->i++;
  end = q->i;
  if (end == start) {
    qerr(q, start, "expected a word");
    return NULL;
  }
  if (end - start >= 2 && q->s[end - 1] == '*') {
    end--;
    fuzzy = -1;
  } else {
    /* word~ or word~N */
    size_t t = end;
    while (t > start && q->s[t - 1] >= '0' && q->s[t - 1] <= '9') t--;
    if (t > start + 1 && q->s[t - 1] == '~') {
      if (t < end) {
        int v = 0;
        if (end - t > 1) {
          qerr(q, t, "fuzzy distance must be 0, 1 or 2");
          return NULL;
        }
        v = q->s[t] - '0';
        if (v > 2) {
          qerr(q, t, "fuzzy distance must be 0, 1 or 2");
          return NULL;
        }
        fuzzy = v ? v : 0;
        if (!v) fuzzy = -2; /* explicit ~0: exact match of the unstemmed form */
      } else {
        fuzzy = 100; /* by length */
      }
      end = t - 1;
    }
  }
  if (!fuzzy) return analyze(q, q->s + start, end - start, exact, start);
  /* prefix / fuzzy: one unstemmed token */
  r = analyze(q, q->s + start, end - start, 1, start);
  if (!r || q->rc) return r;
  if (r->type == KZQ_PHRASE) {
    /* "Nur-Sult*": the last token carries the pattern */
    kzi_qnode *last = r->kid[r->nkid - 1];
    if (fuzzy != -2) last->fuzzy = fuzzy;
  } else if (r->type == KZQ_TERM && fuzzy != -2) {
    r->fuzzy = fuzzy;
  }
  if (r->type == KZQ_TERM || r->type == KZQ_PHRASE) {
    kzi_qnode *t = r->type == KZQ_TERM ? r : r->kid[r->nkid - 1];
    if (t->fuzzy == 100) {
      size_t c = utf8_chars(t->term + 1, t->term_len - 1);
      t->fuzzy = c <= 2 ? 0 : c <= 5 ? 1 : 2;
    }
    if (t->fuzzy == -1 && t->term_len - 1 < 1) t->fuzzy = 0;
  }
  return r;
}

/* ---------------------------------------------------------------------
 * Dates
 * --------------------------------------------------------------------- */

/* Parse YYYY, YYYY-MM or YYYY-MM-DD at s[0..n): the first and last day. */
static int date_span(const char *s, size_t n, int32_t *lo, int32_t *hi) {
  int y, m = 0, d = 0;
  char buf[11];
  if (n != 4 && n != 7 && n != 10) return -1;
  for (size_t i = 0; i < n; i++) {
    if (i == 4 || i == 7) {
      if (s[i] != '-') return -1;
    } else if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
  }
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  if (y < 1) return -1;
  if (n >= 7) {
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12) return -1;
  }
  if (n == 10) {
    memcpy(buf, s, 10);
    *lo = *hi = kzi_parse_date(buf, 10);
    (void)d;
    return *lo == KZI_NO_DATE ? -1 : 0;
  }
  if (n == 4) {
    *lo = kzi_days(y, 1, 1);
    *hi = kzi_days(y, 12, 31);
  } else {
    *lo = kzi_days(y, m, 1);
    *hi = (m == 12 ? kzi_days(y + 1, 1, 1) : kzi_days(y, m + 1, 1)) - 1;
  }
  return 0;
}

static kzi_qnode *date_node(qp *q, const char *v, size_t n, size_t pos) {
  int32_t lo = INT32_MIN + 1, hi = INT32_MAX, a, b;
  kzi_qnode *r;
  const char *dots = NULL;
  for (size_t i = 0; i + 1 < n; i++)
    if (v[i] == '.' && v[i + 1] == '.') {
      dots = v + i;
      break;
    }
  if (dots) {
    size_t l1 = (size_t)(dots - v), l2 = n - l1 - 2;
    if ((l1 && date_span(v, l1, &lo, &a) != 0) || (l2 && date_span(dots + 2, l2, &b, &hi) != 0) ||
        (!l1 && !l2)) {
      qerr(q, pos, "bad date range '%.*s' (expected YYYY-MM-DD..YYYY-MM-DD)", (int)n, v);
      return NULL;
    }
  } else if (n >= 1 && (v[0] == '>' || v[0] == '<')) {
    int ge = n >= 2 && v[1] == '=';
    const char *d = v + 1 + ge;
    size_t dl = n - 1 - (size_t)ge;
    if (date_span(d, dl, &a, &b) != 0) {
      qerr(q, pos, "bad date '%.*s' (expected YYYY-MM-DD, YYYY-MM or YYYY)", (int)dl, d);
      return NULL;
    }
    if (v[0] == '>') lo = ge ? a : b + 1;
    else hi = ge ? b : a - 1;
  } else if (date_span(v, n, &lo, &hi) != 0) {
    qerr(q, pos, "bad date '%.*s' (expected YYYY-MM-DD, YYYY-MM, YYYY, a range A..B or >=A)",
         (int)(n > 60 ? 60 : n), v);
    return NULL;
  }
  r = node(q, KZQ_DATE);
  if (r) {
    r->lo = lo;
    r->hi = hi;
    r->pos = pos;
  }
  return r;
}

/* ---------------------------------------------------------------------
 * Grammar
 * --------------------------------------------------------------------- */

static kzi_qnode *parse_or(qp *q);
static kzi_qnode *parse_unary(qp *q, int *neg);

static int enter(qp *q) {
  if (++q->depth > KZ_QUERY_MAX_DEPTH)
    return qerr(q, q->i, "nesting too deep (more than %d levels)", KZ_QUERY_MAX_DEPTH);
  return KZ_OK;
}

static kzi_qnode *phrase(qp *q) {
  size_t open = q->i, start, end;
  kzi_qnode *r;
  q->i++;
  start = q->i;
  while (q->i < q->n && q->s[q->i] != '"') q->i++;
  if (q->i >= q->n) {
    qerr(q, open, "unbalanced quote: '\"' is not closed");
    return NULL;
  }
  end = q->i++;
  r = analyze(q, q->s + start, end - start, 0, open);
  if (r && r->type == KZQ_TERM) {
    /* one-word phrase: keep as a term */
  }
  return r;
}

static kzi_qnode *value_text(qp *q, size_t *vs, size_t *vn) {
  if (q->i < q->n && q->s[q->i] == '"') {
    size_t open = q->i++;
    *vs = q->i;
    while (q->i < q->n && q->s[q->i] != '"') q->i++;
    if (q->i >= q->n) {
      qerr(q, open, "unbalanced quote: '\"' is not closed");
      return NULL;
    }
    *vn = q->i - *vs;
    q->i++;
  } else {
    *vs = q->i;
    while (q->i < q->n && !is_delim(q->s[q->i])) q->i++;
    *vn = q->i - *vs;
  }
  if (*vn == 0) qerr(q, *vs, "missing value after ':'");
  return NULL;
}

/* ---------------------------------------------------------------------
 * entity:NAME - every spelling of a name
 * --------------------------------------------------------------------- */

/* The phonetic key of s[0..n) (kz_entity_key()) into out; KZ_OK or
 * KZ_ENOMEM. */
static int name_key(const char *s, size_t n, kzi_buf *out) {
  kz_buf k = {NULL, 0};
  int rc = kz_entity_key(&k, s, n);
  out->n = 0;
  if (!rc) rc = kzi_buf_append(out, k.ptr ? k.ptr : "", k.len);
  kz_buf_dispose(&k);
  return rc ? KZ_ENOMEM : KZ_OK;
}

typedef struct namelist {
  kzi_buf text;   /* names, NUL-terminated one after another */
  kzi_buf keys;   /* their keys, the same way */
  size_t n;
} namelist;

static int nl_has_key(const namelist *l, const char *key, size_t kn) {
  const char *p = l->keys.p;
  for (size_t i = 0; i < l->n; i++) {
    size_t m = strlen(p);
    if (m == kn && memcmp(p, key, kn) == 0) return 1;
    p += m + 1;
  }
  return 0;
}

static int nl_add(namelist *l, const char *s, size_t n, const char *key, size_t kn) {
  int rc = kzi_buf_append(&l->text, s, n);
  if (!rc) rc = kzi_buf_append(&l->text, "", 1);
  if (!rc) rc = kzi_buf_append(&l->keys, key, kn);
  if (!rc) rc = kzi_buf_append(&l->keys, "", 1);
  if (!rc) l->n++;
  return rc;
}

/* Next rule of an alias table text ("merge\tA\tB" / "split\tA\tB"); *p
 * advances; returns 0 at the end.  Other lines are skipped. */
static int next_rule(const char **p, const char *end, int *merge, const char **a, size_t *an,
                     const char **b, size_t *bn) {
  while (*p < end) {
    const char *line = *p, *e = memchr(line, '\n', (size_t)(end - line)), *t1, *t2;
    if (!e) e = end;
    *p = e < end ? e + 1 : end;
    if (e > line && e[-1] == '\r') e--;
    t1 = memchr(line, '\t', (size_t)(e - line));
    if (!t1) continue;
    t2 = memchr(t1 + 1, '\t', (size_t)(e - t1 - 1));
    if (!t2) continue;
    if (t1 - line == 5 && memcmp(line, "merge", 5) == 0) *merge = 1;
    else if (t1 - line == 5 && memcmp(line, "split", 5) == 0) *merge = 0;
    else continue;
    *a = t1 + 1;
    *an = (size_t)(t2 - t1 - 1);
    *b = t2 + 1;
    *bn = (size_t)(e - t2 - 1);
    return 1;
  }
  return 0;
}

/* Is the dictionary term t a spelling of the query token tok (which have
 * the same phonetic key)?  The key alone joins too much when applied to
 * every word (it drops vowels: "Reagan" and "region"), so the spellings
 * must also be close: edit distance at most 1 (up to 4 letters), 2 (up to
 * 8) or 3, unless one is Latin and the other in another script (a
 * transliteration, "Токаев" / "tokayev"), where only the key can tell. */
static int close_spelling(const char *tok, size_t tn, const char *t, size_t n) {
  uint32_t a[66], b[66];
  size_t na = kzi_to_cps(tok, tn, a, 66), nb = kzi_to_cps(t, n, b, 66);
  int k = na <= 4 ? 1 : na <= 8 ? 2 : 3, latin_a = 1, latin_b = 1;
  for (size_t i = 0; i < na; i++) latin_a &= a[i] < 0x250;
  for (size_t i = 0; i < nb; i++) latin_b &= b[i] < 0x250;
  if (latin_a != latin_b) return 1;
  return kzi_lev_bounded(a, na, b, nb, k) <= k;
}

/* Is the variant t a word of another kind than the query token: a common
 * word for a name, or the reverse?  Both are judged by how the stored text
 * writes them (kzi_entity_casing()): "regain" and "summit" in lower case
 * where "Reagan" and "Sumita" have capitals.  *tok_case caches the token's
 * verdict (2 = not asked yet).  Where the text does not tell (a corpus in
 * lower case, words not found) nothing is dropped. */
static int other_kind(qp *q, char space, const char *tok, size_t tn, const char *t,
                      size_t n, int *tok_case) {
  int v = 0, rc = KZ_OK;
  if (*tok_case == 2) rc = kzi_entity_casing(q->ent, space, tok, tn, tok_case);
  if (!rc && *tok_case) rc = kzi_entity_casing(q->ent, space, t, n, &v);
  if (rc) {
    *tok_case = 0; /* a damaged segment shows up when the query runs */
    return 0;
  }
  return v && *tok_case && v != *tok_case;
}

/* The variants of one token: its own analyzed form and every dictionary
 * term with the same key and a close spelling, less the excluded ones
 * (NUL-separated). */
static kzi_qnode *token_variants(qp *q, char space, const char *tok, size_t tn,
                                 const kzi_buf *excl, size_t pos) {
  kzi_qnode *r = node(q, KZQ_TERMS);
  kzi_buf key = {0}, terms = {0};
  int rc, tok_case = 2;
  if (!r) return NULL;
  r->pos = pos;
  rc = name_key(tok, tn, &key);
  if (!rc) rc = kzi_buf_append(&terms, tok, tn);
  if (!rc) rc = kzi_buf_append(&terms, "", 1);
  if (!rc && q->ent && key.n) rc = kzi_entity_terms(q->ent, space, key.p, key.n, &terms);
  if (rc) {
    q->rc = rc == KZ_ELIMIT ? kzi_query_error(KZ_ELIMIT, pos, "entity matches more than %d terms",
                                             KZ_QUERY_MAX_EXPANSION)
                            : kzi_seterr(NULL, rc, "out of memory");
  }
  for (const char *t = terms.p; !q->rc && t && t < terms.p + terms.n;) {
    size_t l = strlen(t);
    int dup = 0, skip = 0;
    for (size_t i = 0; i < r->nkid && !dup; i++)
      dup = r->kid[i]->term_len == l + 1 && memcmp(r->kid[i]->term + 1, t, l) == 0;
    for (const char *x = excl->p; x && x < excl->p + excl->n && !skip; x += strlen(x) + 1)
      skip = strlen(x) == l && memcmp(x, t, l) == 0 && !(l == tn && memcmp(t, tok, tn) == 0);
    if (!skip && !(l == tn && memcmp(t, tok, tn) == 0)) skip = !close_spelling(tok, tn, t, l);
    if (!skip && !(l == tn && memcmp(t, tok, tn) == 0) && q->ent)
      skip = other_kind(q, space, tok, tn, t, l, &tok_case);
    if (!dup && !skip) {
      if (r->nkid >= KZ_QUERY_MAX_EXPANSION) {
        qerr(q, pos, "entity matches more than %d terms", KZ_QUERY_MAX_EXPANSION);
        break;
      }
      add_kid(q, r, term_node(q, space, t, l, 0));
    }
    t += l + 1;
  }
  kzi_buf_free(&key);
  kzi_buf_free(&terms);
  if (q->rc) {
    kzi_qnode_free(r);
    return NULL;
  }
  return r;
}

/* One name: a TERMS node per token, in a PHRASE when there are several. */
static kzi_qnode *name_variants(qp *q, const char *name, size_t n, const kzi_buf *excl,
                                size_t pos) {
  wtoks w = {{0}, 0, 0};
  char space = q->stemmed ? KZI_SP_EXACT : KZI_SP_WORD;
  kzi_qnode *r = NULL;
  int rc = kz_tokenize(q->xtk, name, n, wtok_cb, &w);
  if (rc || w.rc) {
    q->rc = kzi_seterr(NULL, rc ? rc : w.rc, "cannot analyze entity name");
  } else if (w.count == 0) {
    r = node(q, KZQ_NONE);
  } else if (w.count == 1) {
    r = token_variants(q, space, w.norms.p, strlen(w.norms.p), excl, pos);
  } else {
    const char *p = w.norms.p;
    r = node(q, KZQ_PHRASE);
    for (size_t i = 0; r && i < w.count && !q->rc; i++) {
      size_t l = strlen(p);
      add_kid(q, r, token_variants(q, space, p, l, excl, pos));
      p += l + 1;
    }
    if (q->rc) {
      kzi_qnode_free(r);
      r = NULL;
    }
  }
  if (r) r->pos = pos;
  kzi_buf_free(&w.norms);
  return r;
}

/* Analyzed tokens of s, appended NUL-separated to out when there is
 * exactly one. */
static int single_token(qp *q, const char *s, size_t n, kzi_buf *out) {
  wtoks w = {{0}, 0, 0};
  int rc = kz_tokenize(q->xtk, s, n, wtok_cb, &w);
  if (!rc) rc = w.rc;
  if (!rc && w.count == 1) rc = kzi_buf_append(out, w.norms.p, strlen(w.norms.p) + 1);
  kzi_buf_free(&w.norms);
  return rc;
}

static kzi_qnode *entity_node(qp *q, const char *v, size_t n, size_t pos) {
  namelist names;
  kzi_buf key = {0}, excl = {0};
  size_t aln = 0;
  const char *al = NULL;
  kzi_qnode *r = NULL;
  int rc = KZ_OK, grew = 1;
  memset(&names, 0, sizeof names);
  if (q->ent) {
    rc = kzi_entity_aliases(q->ent, &al, &aln);
    if (rc) {
      q->rc = rc;
      return NULL;
    }
  }
  rc = name_key(v, n, &key);
  if (!rc) rc = nl_add(&names, v, n, key.p ? key.p : "", key.n);
  /* names merged with it by the alias table, transitively */
  while (!rc && grew && al) {
    const char *p = al, *a, *b;
    size_t an, bn;
    int merge;
    grew = 0;
    while (!rc && next_rule(&p, al + aln, &merge, &a, &an, &b, &bn)) {
      kzi_buf ka = {0}, kb = {0};
      int ina, inb;
      if (!merge) continue;
      rc = name_key(a, an, &ka);
      if (!rc) rc = name_key(b, bn, &kb);
      if (!rc) {
        ina = nl_has_key(&names, ka.p ? ka.p : "", ka.n);
        inb = nl_has_key(&names, kb.p ? kb.p : "", kb.n);
        if (ina && !inb) rc = nl_add(&names, b, bn, kb.p ? kb.p : "", kb.n), grew = 1;
        else if (inb && !ina) rc = nl_add(&names, a, an, ka.p ? ka.p : "", ka.n), grew = 1;
      }
      kzi_buf_free(&ka);
      kzi_buf_free(&kb);
    }
  }
  /* split rules: a one-word spelling split from one of the names is left
   * out even though its key is the same */
  if (!rc && al) {
    const char *p = al, *a, *b;
    size_t an, bn;
    int merge;
    while (!rc && next_rule(&p, al + aln, &merge, &a, &an, &b, &bn)) {
      int sa = an == n && memcmp(a, v, n) == 0, sb = bn == n && memcmp(b, v, n) == 0;
      if (merge) continue;
      if (sa && !sb) rc = single_token(q, b, bn, &excl);
      else if (sb && !sa) rc = single_token(q, a, an, &excl);
    }
  }
  if (rc) {
    q->rc = kzi_seterr(NULL, rc, "out of memory");
  } else if (names.n == 1) {
    r = name_variants(q, names.text.p, strlen(names.text.p), &excl, pos);
  } else {
    const char *p = names.text.p;
    r = node(q, KZQ_OR);
    for (size_t i = 0; r && i < names.n && !q->rc; i++) {
      size_t l = strlen(p);
      kzi_qnode *k = name_variants(q, p, l, &excl, pos);
      if (k && k->type == KZQ_NONE) kzi_qnode_free(k);
      else add_kid(q, r, k);
      p += l + 1;
    }
    if (r && !q->rc && r->nkid == 0) r->type = KZQ_NONE;
    if (q->rc) {
      kzi_qnode_free(r);
      r = NULL;
    }
  }
  if (r) r->pos = pos;
  kzi_buf_free(&key);
  kzi_buf_free(&excl);
  kzi_buf_free(&names.text);
  kzi_buf_free(&names.keys);
  return r;
}

static kzi_qnode *near_group(qp *q) {
  size_t open;
  kzi_qnode *r = node(q, KZQ_NEAR);
  if (!r) return NULL;
  r->dist = 10;
  q->i += 4; /* NEAR */
  open = q->i++;
  for (;;) {
    kzi_qnode *k;
    skip_ws(q);
    if (q->i >= q->n) {
      qerr(q, open, "unbalanced parenthesis: NEAR( is not closed");
      break;
    }
    if (q->s[q->i] == ')') {
      q->i++;
      break;
    }
    if (q->s[q->i] == ',') {
      size_t p = ++q->i;
      unsigned long v = 0;
      skip_ws(q);
      p = q->i;
      while (q->i < q->n && q->s[q->i] >= '0' && q->s[q->i] <= '9' && v < 100000000)
        v = v * 10 + (unsigned long)(q->s[q->i++] - '0');
      if (p == q->i || v > 1000000) {
        qerr(q, p, "NEAR distance must be a number from 0 to 1000000");
        break;
      }
      r->dist = (uint32_t)v;
      skip_ws(q);
      if (q->i >= q->n || q->s[q->i] != ')') {
        qerr(q, q->i, "expected ')' after the NEAR distance");
        break;
      }
      q->i++;
      break;
    }
    if (q->s[q->i] == '(') {
      qerr(q, q->i, "NEAR( takes words and phrases, not groups");
      break;
    }
    q->in_near = 1;
    k = q->s[q->i] == '"' ? phrase(q) : word(q, 0);
    q->in_near = 0;
    if (!k) break;
    if (k->type == KZQ_NONE) {
      kzi_qnode_free(k);
      continue;
    }
    add_kid(q, r, k);
  }
  if (!q->rc && r->nkid == 0) {
    r->type = KZQ_NONE;
  } else if (!q->rc && r->nkid == 1) {
    kzi_qnode *k = r->kid[0];
    r->nkid = 0;
    kzi_qnode_free(r);
    return k;
  }
  if (q->rc) {
    kzi_qnode_free(r);
    return NULL;
  }
  return r;
}

static int field_bit(const char *s, size_t n) {
  static const char *names[] = {"title", "body", "caption", "heading"};
  for (int f = 0; f < 4; f++)
    if (strlen(names[f]) == n && memcmp(names[f], s, n) == 0) return f;
  return -1;
}

static kzi_qnode *primary(qp *q) {
  size_t start;
  kzi_qnode *r;
  skip_ws(q);
  start = q->i;
  if (q->i >= q->n) {
    qerr(q, q->i, "missing term at the end of the query");
    return NULL;
  }
  if (q->s[q->i] == '(') {
    q->i++;
    if (enter(q)) return NULL;
    skip_ws(q);
    if (q->i < q->n && q->s[q->i] == ')') {
      qerr(q, start, "empty parentheses");
      return NULL;
    }
    r = parse_or(q);
    q->depth--;
    if (!r) return NULL;
    skip_ws(q);
    if (q->i >= q->n || q->s[q->i] != ')') {
      kzi_qnode_free(r);
      qerr(q, start, "unbalanced parenthesis: '(' is not closed");
      return NULL;
    }
    q->i++;
    return r;
  }
  if (q->s[q->i] == ')') {
    qerr(q, q->i, "unbalanced parenthesis: ')' without '('");
    return NULL;
  }
  if (q->s[q->i] == '"') return phrase(q);
  if (q->n - q->i >= 5 && memcmp(q->s + q->i, "NEAR(", 5) == 0) return near_group(q);
  if (q->s[q->i] == '=' && q->i + 1 < q->n && !is_delim(q->s[q->i + 1])) {
    q->i++;
    return word(q, 1);
  }
  /* field: or meta: */
  {
    size_t j = q->i;
    while (j < q->n && ((q->s[j] >= 'a' && q->s[j] <= 'z') || (q->s[j] >= 'A' && q->s[j] <= 'Z'))) j++;
    if (j > q->i && j < q->n && q->s[j] == ':') {
      const char *name = q->s + q->i;
      size_t nl = j - q->i;
      int f = field_bit(name, nl);
      q->i = j + 1;
      if (f >= 0) {
        unsigned saved = q->fields;
        if (q->i >= q->n || is_space(q->s[q->i])) {
          qerr(q, q->i, "missing term after '%.*s:'", (int)nl, name);
          return NULL;
        }
        if (enter(q)) return NULL;
        q->fields = 1u << f;
        r = primary(q);
        q->fields = saved;
        q->depth--;
        return r;
      }
      if ((nl == 6 && memcmp(name, "source", 6) == 0) || (nl == 6 && memcmp(name, "author", 6) == 0) ||
          (nl == 4 && memcmp(name, "lang", 4) == 0) || (nl == 8 && memcmp(name, "language", 8) == 0)) {
        size_t vs = 0, vn = 0;
        char space = name[0] == 's' ? KZI_SP_SOURCE : name[0] == 'a' ? KZI_SP_AUTHOR : KZI_SP_LANG;
        value_text(q, &vs, &vn);
        if (q->rc) return NULL;
        q->tmp.n = 0;
        if (kzi_meta_norm(q->tk, q->s + vs, vn, &q->tmp)) {
          q->rc = kzi_seterr(NULL, KZ_ENOMEM, "cannot analyze query value");
          return NULL;
        }
        if (q->tmp.n == 0) return node(q, KZQ_NONE);
        r = term_node(q, space, q->tmp.p, q->tmp.n, 1);
        if (r) r->pos = start;
        return r;
      }
      if (nl == 6 && memcmp(name, "entity", 6) == 0) {
        size_t vs = 0, vn = 0;
        value_text(q, &vs, &vn);
        if (q->rc) return NULL;
        if (vn > 1000) {
          qerr(q, vs, "entity name longer than 1000 bytes");
          return NULL;
        }
        return entity_node(q, q->s + vs, vn, start);
      }
      if (nl == 4 && memcmp(name, "date", 4) == 0) {
        size_t vs = 0, vn = 0;
        value_text(q, &vs, &vn);
        if (q->rc) return NULL;
        return date_node(q, q->s + vs, vn, vs);
      }
      qerr(q, start,
           "unknown field '%.*s' (fields: title body caption heading source author lang "
           "date entity)",
           (int)(nl > 40 ? 40 : nl), name);
      return NULL;
    }
  }
  return word(q, 0);
}

static kzi_qnode *near_chain(qp *q) {
  kzi_qnode *left = primary(q);
  while (left && !q->rc) {
    size_t save;
    unsigned long v = 0;
    kzi_qnode *right, *r;
    skip_ws(q);
    if (q->n - q->i < 5 || memcmp(q->s + q->i, "NEAR/", 5) != 0) break;
    save = q->i;
    q->i += 5;
    while (q->i < q->n && q->s[q->i] >= '0' && q->s[q->i] <= '9' && v < 100000000)
      v = v * 10 + (unsigned long)(q->s[q->i++] - '0');
    if (q->i == save + 5 || v > 1000000 || (q->i < q->n && !is_delim(q->s[q->i]))) {
      qerr(q, save, "NEAR/ must be followed by a distance (0 to 1000000)");
      break;
    }
    right = primary(q);
    if (!right) break;
    if (left->type != KZQ_TERM && left->type != KZQ_PHRASE && left->type != KZQ_TERMS &&
        !(left->type == KZQ_NEAR && left->dist == v)) {
      kzi_qnode_free(right);
      qerr(q, save, "NEAR operands must be words or phrases");
      break;
    }
    if (right->type != KZQ_TERM && right->type != KZQ_PHRASE && right->type != KZQ_TERMS) {
      kzi_qnode_free(right);
      qerr(q, save, "NEAR operands must be words or phrases");
      break;
    }
    if (left->type == KZQ_NEAR) {
      add_kid(q, left, right);
      continue;
    }
    r = node(q, KZQ_NEAR);
    if (!r) {
      kzi_qnode_free(right);
      break;
    }
    r->dist = (uint32_t)v;
    r->pos = save;
    add_kid(q, r, left);
    add_kid(q, r, right);
    left = r;
  }
  if (q->rc) {
    kzi_qnode_free(left);
    return NULL;
  }
  return left;
}

static kzi_qnode *parse_unary(qp *q, int *neg) {
  kzi_qnode *r;
  skip_ws(q);
  *neg = 0;
  if (q->i < q->n && q->s[q->i] == '-' && q->i + 1 < q->n && !is_space(q->s[q->i + 1])) {
    int inner;
    size_t p = q->i++;
    if (enter(q)) return NULL;
    r = parse_unary(q, &inner);
    q->depth--;
    if (!r && !q->rc) qerr(q, p, "'-' needs a term");
    *neg = !inner;
    return r;
  }
  if (at_kw(q, "NOT")) {
    int inner;
    size_t p = q->i;
    q->i += 3;
    skip_ws(q);
    if (q->i >= q->n) {
      qerr(q, p, "NOT needs an operand");
      return NULL;
    }
    if (enter(q)) return NULL;
    r = parse_unary(q, &inner);
    q->depth--;
    *neg = !inner;
    return r;
  }
  return near_chain(q);
}

/* Wrap positives and negatives into AND / NOT. */
static kzi_qnode *combine_and(qp *q, kzi_qnode *pos, kzi_qnode *neg) {
  kzi_qnode *r = pos;
  if (pos->nkid == 1 && pos->type == KZQ_AND) {
    r = pos->kid[0];
    pos->nkid = 0;
    kzi_qnode_free(pos);
  } else if (pos->nkid == 0) {
    pos->type = KZQ_ALL;
  }
  if (neg->nkid == 0) {
    kzi_qnode_free(neg);
    return r;
  }
  {
    kzi_qnode *n = node(q, KZQ_NOT);
    if (!n) {
      kzi_qnode_free(r);
      kzi_qnode_free(neg);
      return NULL;
    }
    add_kid(q, n, r);
    for (size_t i = 0; i < neg->nkid; i++) add_kid(q, n, neg->kid[i]);
    neg->nkid = 0;
    kzi_qnode_free(neg);
    return n;
  }
}

static kzi_qnode *parse_and(qp *q) {
  kzi_qnode *pos = node(q, KZQ_AND), *neg = node(q, KZQ_OR);
  int any = 0;
  if (!pos || !neg) goto fail;
  for (;;) {
    int isneg = 0;
    kzi_qnode *k;
    size_t p;
    skip_ws(q);
    if (q->i >= q->n || q->s[q->i] == ')' || at_kw(q, "OR")) break;
    p = q->i;
    if (at_kw(q, "AND")) {
      if (!any) {
        qerr(q, p, "AND needs a left operand");
        goto fail;
      }
      q->i += 3;
      skip_ws(q);
      if (q->i >= q->n || q->s[q->i] == ')' || at_kw(q, "OR") || at_kw(q, "AND")) {
        qerr(q, p, "AND needs a right operand");
        goto fail;
      }
    }
    k = parse_unary(q, &isneg);
    if (!k) goto fail;
    any = 1;
    if (isneg) add_kid(q, neg, k);
    else if (k->type == KZQ_NONE && pos->nkid + neg->nkid > 0) kzi_qnode_free(k);
    else add_kid(q, pos, k);
    if (q->rc) goto fail;
  }
  if (!any) {
    qerr(q, q->i, q->i < q->n && q->s[q->i] == ')' ? "unbalanced parenthesis: ')' without '('"
                                                  : "missing term");
    goto fail;
  }
  /* NONE kids of an AND: a word without tokens is ignored when others exist */
  if (pos->nkid > 1) {
    size_t w = 0;
    for (size_t i = 0; i < pos->nkid; i++)
      if (pos->kid[i]->type == KZQ_NONE) kzi_qnode_free(pos->kid[i]);
      else pos->kid[w++] = pos->kid[i];
    if (w == 0) {
      pos->kid[0] = node(q, KZQ_NONE);
      w = 1;
    }
    pos->nkid = w;
  }
  return combine_and(q, pos, neg);
fail:
  kzi_qnode_free(pos);
  kzi_qnode_free(neg);
  return NULL;
}

static kzi_qnode *parse_or(qp *q) {
  kzi_qnode *left = parse_and(q), *r = NULL;
  while (left && !q->rc) {
    size_t p;
    kzi_qnode *right;
    skip_ws(q);
    if (!at_kw(q, "OR")) break;
    p = q->i;
    q->i += 2;
    skip_ws(q);
    if (q->i >= q->n || q->s[q->i] == ')') {
      qerr(q, p, "OR needs a right operand");
      break;
    }
    right = parse_and(q);
    if (!right) break;
    if (!r) {
      r = node(q, KZQ_OR);
      if (!r) {
        kzi_qnode_free(right);
        break;
      }
      add_kid(q, r, left);
      left = r;
    }
    add_kid(q, r, right);
  }
  if (q->rc) {
    kzi_qnode_free(left);
    return NULL;
  }
  return left;
}

/* ---------------------------------------------------------------------
 * Description (canonical form, for tests and debugging)
 * --------------------------------------------------------------------- */

static void describe(kzi_buf *b, const kzi_qnode *n) {
  static const char *names[] = {"NONE", "ALL", "TERM", "PHRASE", "AND", "OR", "NOT", "NEAR", "DATE", "TERMS"};
  char tmp[64];
  if (n->type == KZQ_TERM) {
    if (!n->meta && n->fields != 0xF) {
      static const char *fn[] = {"title", "body", "caption", "heading"};
      int first = 1;
      for (int f = 0; f < 4; f++)
        if (n->fields & (1u << f)) {
          if (!first) kzi_buf_append(b, ",", 1);
          kzi_buf_append(b, fn[f], strlen(fn[f]));
          first = 0;
        }
      kzi_buf_append(b, ":", 1);
    }
    kzi_buf_append(b, n->term, 1);
    kzi_buf_append(b, ":", 1);
    kzi_buf_append(b, n->term + 1, n->term_len - 1);
    if (n->fuzzy == -1) kzi_buf_append(b, "*", 1);
    else if (n->fuzzy > 0) {
      snprintf(tmp, sizeof tmp, "~%d", n->fuzzy);
      kzi_buf_append(b, tmp, strlen(tmp));
    }
    return;
  }
  if (n->type == KZQ_DATE) {
    char a[11], c[11];
    kzi_format_date(n->lo == INT32_MIN + 1 ? KZI_NO_DATE : n->lo, a);
    kzi_format_date(n->hi == INT32_MAX ? KZI_NO_DATE : n->hi, c);
    snprintf(tmp, sizeof tmp, "date:%s..%s", a, c);
    kzi_buf_append(b, tmp, strlen(tmp));
    return;
  }
  if (n->nkid == 0) {
    kzi_buf_append(b, names[n->type], strlen(names[n->type]));
    return;
  }
  kzi_buf_append(b, "(", 1);
  kzi_buf_append(b, names[n->type], strlen(names[n->type]));
  if (n->type == KZQ_NEAR) {
    snprintf(tmp, sizeof tmp, "/%u", n->dist);
    kzi_buf_append(b, tmp, strlen(tmp));
  }
  for (size_t i = 0; i < n->nkid; i++) {
    kzi_buf_append(b, " ", 1);
    describe(b, n->kid[i]);
  }
  kzi_buf_append(b, ")", 1);
}

static int has_positive(const kzi_qnode *n) {
  if (n->type == KZQ_TERM) return !n->meta;
  if (n->type == KZQ_NOT) return n->nkid && has_positive(n->kid[0]);
  for (size_t i = 0; i < n->nkid; i++)
    if (has_positive(n->kid[i])) return 1;
  return 0;
}

/* Does n match nothing because it has no term at all (NONE, or an OR of
 * such)? */
static int no_terms(const kzi_qnode *n) {
  if (n->type == KZQ_NONE) return 1;
  if (n->type != KZQ_OR || n->nkid == 0) return 0;
  for (size_t i = 0; i < n->nkid; i++)
    if (!no_terms(n->kid[i])) return 0;
  return 1;
}

int kzi_query_parse(kz_query **out, kz_tokenizer *tk, kz_tokenizer *xtk,
                    int stemmed, kzi_entity_ctx *ent, const char *text, size_t len) {
  qp q;
  kzi_qnode *root;
  kz_query *r;
  kzi_buf d = {0};
  *out = NULL;
  if (len > KZ_QUERY_MAX_LEN)
    return kzi_seterr(NULL, KZ_ELIMIT, "query longer than %d bytes", KZ_QUERY_MAX_LEN);
  memset(&q, 0, sizeof q);
  q.s = text;
  q.n = len;
  q.tk = tk;
  q.xtk = xtk;
  q.stemmed = stemmed;
  q.ent = ent;
  q.fields = 0xF;
  skip_ws(&q);
  if (q.i >= q.n) return kzi_query_error(KZ_EQUERY, 0, "empty query");
  root = parse_or(&q);
  if (root && !q.rc) {
    skip_ws(&q);
    if (q.i < q.n) qerr(&q, q.i, q.s[q.i] == ')' ? "unbalanced parenthesis: ')' without '('"
                                              : "unexpected text");
  }
  /* a query of words that are all punctuation, symbols or emoji would
   * silently match nothing: say why instead */
  if (root && !q.rc && q.none_n && no_terms(root)) {
    size_t m = q.none_n;
    if (m > 40) /* shown cut at a character boundary */
      for (m = 40; m > 0 && ((unsigned char)q.s[q.none_s + m] & 0xC0) == 0x80; m--) {}
    qerr(&q, q.none_at, "'%.*s%s' has no word to search for (punctuation, symbols and emoji "
         "are not indexed)", (int)m, q.s + q.none_s, m < q.none_n ? "..." : "");
  }
  kzi_buf_free(&q.tmp);
  if (q.rc) {
    kzi_qnode_free(root);
    return q.rc;
  }
  r = calloc(1, sizeof *r);
  if (!r) {
    kzi_qnode_free(root);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  r->root = root;
  r->has_positive = has_positive(root);
  describe(&d, root);
  if (kzi_buf_append(&d, "", 0)) {
    kzi_buf_free(&d);
    kz_query_free(r);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  r->desc = d.p;
  *out = r;
  return KZ_OK;
}

int kz_query_parse(kz_query **out, kz_corpus *c, const char *text, size_t len) {
  kz_tokenizer *tk = NULL, *xtk = NULL;
  int rc, stemmed;
  if (!out || (!text && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_query_parse: NULL argument");
  *out = NULL;
  if (!text) text = "";
  if (c) {
    stemmed = (c->tok_flags & KZ_TOK_STEM) != 0;
    rc = kzi_tok_get(c, 0, &tk);
    if (!rc) rc = kzi_tok_get(c, 1, &xtk);
    if (!rc) {
      kzi_entity_ctx ent;
      memset(&ent, 0, sizeof ent);
      ent.c = c;
      rc = kzi_query_parse(out, tk, xtk, stemmed, &ent, text, len);
      kzi_entity_ctx_done(&ent);
    }
    kzi_tok_put(c, 0, tk);
    kzi_tok_put(c, 1, xtk);
    return rc;
  }
  {
    kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
    o.flags = kzi_analyzer_flags(0, 0);
    rc = kz_tokenizer_new(&tk, &o);
    if (!rc) rc = kzi_query_parse(out, tk, tk, 0, NULL, text, len);
    kz_tokenizer_free(tk);
    return rc;
  }
}

const char *kz_query_describe(const kz_query *q) { return q && q->desc ? q->desc : ""; }

void kz_query_free(kz_query *q) {
  if (!q) return;
  kzi_qnode_free(q->root);
  free(q->desc);
  free(q);
}
