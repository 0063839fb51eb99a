/*
 * quotes.c - quotation spans and the public quotes API.
 *
 * Marks are paired with a small stack per paragraph:
 *   - double quotes: “…” and “…“ (English), „…“ and „…” (German), «…»,
 *     and straight "…" (also '' and ``), whose direction comes from the
 *     spacing around them (left-flanking opens, right-flanking closes);
 *   - single quotes ‘…’, ‚…‘, ‹…›, '…' nest inside a double quote; at top
 *     level only an unambiguous ‘ opens one (British style).  A ’ between
 *     letters or after an s with no quote open is an apostrophe.
 * A top-level quote still open at the end of its paragraph continues into
 * the next paragraph when that one opens with a quotation mark (the
 * convention for quotes running over several paragraphs); otherwise it
 * ends with its paragraph (scraped text often loses closing marks).  An
 * opening mark while a quote is open and the mark is left-flanking closes
 * the unterminated quote first.
 *
 * Nested quotes are part of their outer quote and are not reported
 * separately.  Kinds and speakers are decided in speakers.c.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

enum { Q_NONE, Q_DOPEN, Q_DCLOSE, Q_DAMBI, Q_SOPEN, Q_SCLOSE, Q_SAMBI };

static int mark_class(uint32_t cp) {
  switch (cp) {
    case 0x201c: case 0x201e: case 0xab: case 0x201f: return Q_DOPEN;
    case 0x201d: case 0xbb: return Q_DCLOSE;
    case '"': case 0xff02: return Q_DAMBI;
    case 0x2018: case 0x201a: case 0x2039: case 0x201b: return Q_SOPEN;
    case 0x2019: case 0x203a: return Q_SCLOSE;
    case '\'': return Q_SAMBI;
    default: return Q_NONE;
  }
}

static bool is_open_bracket(uint32_t cp) {
  return cp == '(' || cp == '[' || cp == '{' || cp == 0x2014 || cp == 0x2013 ||
         cp == '-' || cp == ':' || cp == '/';
}

/* Left-flanking: space (or paragraph start / opening bracket) before and
 * something attached after. */
static bool left_flank(const kzi_adoc *d, uint32_t t, uint32_t p1) {
  const kzi_atok *k = &d->toks[t];
  bool before = (k->flags & KZI_AF_SPACE) ||
                t == d->paras[k->para].tok0 ||
                (d->toks[t - 1].kind == KZI_AT_PUNCT && is_open_bracket(d->toks[t - 1].cp)) ||
                (d->toks[t - 1].kind == KZI_AT_PUNCT && mark_class(d->toks[t - 1].cp) != Q_NONE);
  bool after = t + 1 < p1 && !(d->toks[t + 1].flags & KZI_AF_SPACE);
  return before && after;
}

static bool right_flank(const kzi_adoc *d, uint32_t t, uint32_t p1) {
  const kzi_atok *k = &d->toks[t];
  bool before = !(k->flags & KZI_AF_SPACE) && t > d->paras[k->para].tok0;
  bool after = t + 1 >= p1 || (d->toks[t + 1].flags & KZI_AF_SPACE) ||
               d->toks[t + 1].kind == KZI_AT_PUNCT;
  return before && after;
}

typedef struct qstate {
  uint32_t open;        /* token of the top-level opener or KZI_NIL */
  uint32_t open_cp;
  uint32_t single[16];  /* nested single quotes */
  int nsingle;
  bool top_single;      /* the top-level quote is a single one */
  kzi_buf text;         /* content collected over paragraphs */
  uint32_t seg_start;   /* content start of the current segment (bytes) */
  uint32_t para0;
} qstate;

static void trim(const char *s, uint32_t *a, uint32_t *b) {
  while (*a < *b && (unsigned char)s[*a] <= ' ') (*a)++;
  while (*b > *a && (unsigned char)s[*b - 1] <= ' ') (*b)--;
  /* non-breaking spaces inside « » */
  while (*b >= *a + 2 && (unsigned char)s[*b - 2] == 0xc2 && (unsigned char)s[*b - 1] == 0xa0) *b -= 2;
  while (*a + 2 <= *b && (unsigned char)s[*a] == 0xc2 && (unsigned char)s[*a + 1] == 0xa0) *a += 2;
}

static int emit(kzi_adoc *d, kzi_quoteset *qs, qstate *st, uint32_t close,
                uint32_t last, uint32_t content_end, uint32_t end) {
  kzi_rquote *q;
  uint32_t a = st->seg_start, b = content_end, t;
  if (d->rc) return d->rc;
  trim(d->text, &a, &b);
  if (b > a && kzi_buf_append(&st->text, d->text + a, b - a)) return d->rc = KZ_ENOMEM;
  if (st->text.n == 0) goto done; /* empty quote: “” */
  if (qs->n == qs->cap) {
    size_t nc = qs->cap ? qs->cap * 2 : 32;
    kzi_rquote *nq = realloc(qs->q, nc * sizeof *nq);
    if (nq == NULL) return d->rc = KZ_ENOMEM;
    qs->q = nq;
    qs->cap = nc;
  }
  q = &qs->q[qs->n++];
  memset(q, 0, sizeof *q);
  q->open = st->open;
  q->close = close;
  q->last = last;
  q->start = d->toks[st->open].start;
  q->end = end;
  q->text = kzi_adoc_str(d, st->text.p, st->text.n);
  q->para0 = st->para0;
  q->para1 = d->toks[last].para;
  q->speaker = q->role = q->verb = KZI_NIL;
  q->speaker_ment = KZI_NIL;
  {
    char c = st->text.p[st->text.n - 1];
    q->end_punct = (c == ',' || c == '.' || c == '?' || c == '!') ? c : 0;
    /* American punctuation outside: “…”, said */
    if (q->end_punct == 0 && close != KZI_NIL && close + 1 < d->ntok &&
        d->toks[close + 1].kind == KZI_AT_PUNCT) {
      uint32_t cp = d->toks[close + 1].cp;
      if (cp == ',' || cp == '.' || cp == '?' || cp == '!') q->end_punct = (int)cp;
    }
  }
  for (t = st->open + 1; t <= last && t < d->ntok; t++) {
    d->toks[t].flags |= KZI_AF_INQUOTE;
    if ((d->toks[t].kind == KZI_AT_WORD && !(d->toks[t].flags & KZI_AF_HYPH)) ||
        d->toks[t].kind == KZI_AT_NUM)
      q->nwords++;
  }
  d->toks[st->open].flags |= KZI_AF_INQUOTE;
  if (close != KZI_NIL) d->toks[close].flags |= KZI_AF_INQUOTE;
done:
  st->open = KZI_NIL;
  st->nsingle = 0;
  st->top_single = false;
  st->text.n = 0;
  return d->rc;
}

static void open_top(const kzi_adoc *d, qstate *st, uint32_t t, bool single) {
  st->open = t;
  st->open_cp = d->toks[t].cp;
  st->top_single = single;
  st->nsingle = 0;
  st->text.n = 0;
  st->seg_start = d->toks[t].end;
  st->para0 = d->toks[t].para;
}

int kzi_find_quotes(kzi_adoc *d, kzi_quoteset *qs) {
  qstate st;
  size_t pi;
  memset(&st, 0, sizeof st);
  st.open = KZI_NIL;
  for (pi = 0; pi < d->npara && !d->rc; pi++) {
    const kzi_apara *p = &d->paras[pi];
    uint32_t t = p->tok0;
    if (p->heading) continue;
    if (st.open != KZI_NIL) {
      /* continuing from the previous paragraph: skip its opening mark */
      t++;
      st.seg_start = d->toks[t - 1].end;
    }
    for (; t < p->tok1 && !d->rc; t++) {
      const kzi_atok *k = &d->toks[t];
      int c;
      if (k->kind != KZI_AT_PUNCT) continue;
      c = mark_class(k->cp);
      if (c == Q_NONE) continue;
      if (st.open == KZI_NIL) {
        if (c == Q_DOPEN && (left_flank(d, t, p->tok1) || !right_flank(d, t, p->tok1)))
          open_top(d, &st, t, false);
        else if ((c == Q_DAMBI || c == Q_DCLOSE) && left_flank(d, t, p->tok1))
          open_top(d, &st, t, false);
        else if (c == Q_SOPEN && k->cp == 0x2018 && left_flank(d, t, p->tok1))
          open_top(d, &st, t, true);
        continue;
      }
      if (st.top_single) {
        if ((c == Q_SCLOSE || c == Q_SAMBI) && !left_flank(d, t, p->tok1) &&
            !(t + 1 < p->tok1 && d->toks[t + 1].kind == KZI_AT_WORD &&
              !(d->toks[t + 1].flags & KZI_AF_SPACE)))
          emit(d, qs, &st, t, t - 1, k->start, k->end);
        else if (c == Q_DOPEN || c == Q_DCLOSE || c == Q_DAMBI) {
          /* a double mark inside a single quote: a stray; ignore */
        }
        continue;
      }
      /* a double quote is open */
      if (c == Q_DCLOSE || c == Q_DAMBI) {
        if (c == Q_DCLOSE && k->cp == 0xbb && st.open_cp != 0xab && left_flank(d, t, p->tok1)) continue;
        emit(d, qs, &st, t, t - 1, k->start, k->end);
        continue;
      }
      if (c == Q_DOPEN) {
        bool german = st.open_cp == 0x201e || st.open_cp == 0x201a;
        if (k->cp == 0x201c && (german || right_flank(d, t, p->tok1) || !left_flank(d, t, p->tok1))) {
          emit(d, qs, &st, t, t - 1, k->start, k->end);
          continue;
        }
        /* a new opener: the open quote was never closed */
        if (t > st.open + 1) emit(d, qs, &st, KZI_NIL, t - 1, k->start, d->toks[t - 1].end);
        else st.open = KZI_NIL;
        open_top(d, &st, t, false);
        continue;
      }
      /* single marks inside a double quote */
      if (c == Q_SOPEN || (c == Q_SAMBI && left_flank(d, t, p->tok1))) {
        if (st.nsingle > 0 && k->cp == 0x2018 && right_flank(d, t, p->tok1)) {
          st.nsingle--; /* ‚…‘ */
          continue;
        }
        if (st.nsingle < 16 && left_flank(d, t, p->tok1)) st.single[st.nsingle++] = t;
        continue;
      }
      if ((c == Q_SCLOSE || c == Q_SAMBI) && st.nsingle > 0 &&
          !(t + 1 < p->tok1 && d->toks[t + 1].kind == KZI_AT_WORD &&
            !(d->toks[t + 1].flags & KZI_AF_SPACE)))
        st.nsingle--;
    }
    if (st.open != KZI_NIL && !d->rc) {
      /* end of paragraph with a quote open */
      size_t nx = pi + 1;
      bool cont = false;
      if (!st.top_single && nx < d->npara && !d->paras[nx].heading &&
          d->paras[nx].tok1 > d->paras[nx].tok0) {
        const kzi_atok *f = &d->toks[d->paras[nx].tok0];
        int c = f->kind == KZI_AT_PUNCT ? mark_class(f->cp) : Q_NONE;
        if (c == Q_DOPEN || c == Q_DAMBI || (c == Q_DCLOSE && f->cp == 0xbb)) cont = true;
      }
      if (cont && st.open + 1 < p->tok1) {
        uint32_t a = st.seg_start, b = p->end;
        trim(d->text, &a, &b);
        if (kzi_buf_append(&st.text, d->text + a, b - a) ||
            kzi_buf_append(&st.text, "\n\n", 2))
          d->rc = KZ_ENOMEM;
        st.nsingle = 0;
      } else if (st.top_single) {
        st.open = KZI_NIL; /* an apostrophe after all */
        st.text.n = 0;
      } else if (st.open + 1 < p->tok1) {
        emit(d, qs, &st, KZI_NIL, p->tok1 - 1, p->end, p->end);
      } else {
        st.open = KZI_NIL;
        st.text.n = 0;
      }
    }
  }
  kzi_buf_free(&st.text);
  return d->rc;
}

/* ---------------------------------------------------------------------
 * Public API
 * --------------------------------------------------------------------- */

typedef struct kzi_pquote {
  uint32_t text, speaker, role, verb;
  size_t start, end;
  int kind;
} kzi_pquote;

typedef struct kzi_psection {
  uint32_t speaker, role;
  size_t start, end, heading_start;
} kzi_psection;

struct kz_quotes {
  kzi_pquote *q;
  size_t n;
  kzi_psection *s;
  size_t ns;
  kzi_buf strs;
};

const char *kz_quote_kind_name(int kind) {
  switch (kind) {
    case KZ_QUOTE_DIRECT: return "direct";
    case KZ_QUOTE_PARTIAL: return "partial";
    case KZ_QUOTE_SCARE: return "scare";
    default: return "unknown";
  }
}

int kzi_quotes_from_adoc(kz_quotes **out, kzi_adoc *d) {
  kzi_quoteset qs;
  kz_quotes *r = NULL;
  size_t i;
  int rc;
  memset(&qs, 0, sizeof qs);
  rc = kzi_find_quotes(d, &qs);
  if (rc == KZ_OK) rc = kzi_attribute_quotes(d, &qs);
  if (rc) goto fail;
  r = calloc(1, sizeof *r);
  if (r == NULL) goto nomem;
  r->q = calloc(qs.n ? qs.n : 1, sizeof *r->q);
  r->s = calloc(qs.nsec ? qs.nsec : 1, sizeof *r->s);
  if (r->q == NULL || r->s == NULL) goto nomem;
  if (d->strs.n && kzi_buf_append(&r->strs, d->strs.p, d->strs.n)) goto nomem;
  for (i = 0; i < qs.n; i++) {
    const kzi_rquote *q = &qs.q[i];
    kzi_pquote *p = &r->q[r->n];
    if (q->start >= d->body_len) continue;
    p->text = q->text;
    p->speaker = q->speaker;
    p->role = q->role;
    p->verb = q->verb;
    p->start = q->start;
    p->end = q->end;
    p->kind = q->kind;
    r->n++;
  }
  for (i = 0; i < qs.nsec; i++) {
    const kzi_section *s = &qs.sec[i];
    kzi_psection *p = &r->s[r->ns++];
    p->speaker = s->speaker;
    p->role = s->role;
    p->start = s->para0 < d->npara ? d->paras[s->para0].start : 0;
    p->end = s->para1 > 0 && s->para1 - 1 < d->npara ? d->paras[s->para1 - 1].end : p->start;
    p->heading_start = s->heading_start;
  }
  free(qs.q);
  free(qs.sec);
  *out = r;
  return KZ_OK;
nomem:
  rc = KZ_ENOMEM;
fail:
  free(qs.q);
  free(qs.sec);
  kz_quotes_free(r);
  return kzi_seterr(NULL, rc, "quote extraction failed: %s", kz_strerror(rc));
}

int kz_article_quotes(kz_quotes **out, const kz_article *a) {
  kzi_adoc d;
  int rc;
  if (out == NULL || a == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_article_quotes: NULL argument");
  *out = NULL;
  rc = kzi_adoc_from_article(&d, a, KZI_ADOC_MENTIONS);
  if (rc == KZ_OK) rc = kzi_quotes_from_adoc(out, &d);
  kzi_adoc_free(&d);
  return rc;
}

int kz_text_quotes(kz_quotes **out, const char *text, size_t len,
                   const char *lang) {
  kzi_adoc d;
  int rc;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_text_quotes: NULL argument");
  *out = NULL;
  rc = kzi_adoc_from_text(&d, text, len, lang, KZI_ADOC_MENTIONS);
  if (rc == KZ_OK) rc = kzi_quotes_from_adoc(out, &d);
  kzi_adoc_free(&d);
  return rc;
}

void kz_quotes_free(kz_quotes *q) {
  if (q == NULL) return;
  free(q->q);
  free(q->s);
  kzi_buf_free(&q->strs);
  free(q);
}

#define STR(q, off) ((off) == KZI_NIL ? NULL : (q)->strs.p + (off))

size_t kz_quotes_count(const kz_quotes *q) { return q ? q->n : 0; }
const char *kz_quote_text(const kz_quotes *q, size_t i) {
  return q && i < q->n ? STR(q, q->q[i].text) : NULL;
}
const char *kz_quote_speaker(const kz_quotes *q, size_t i) {
  return q && i < q->n ? STR(q, q->q[i].speaker) : NULL;
}
const char *kz_quote_role(const kz_quotes *q, size_t i) {
  return q && i < q->n ? STR(q, q->q[i].role) : NULL;
}
const char *kz_quote_verb(const kz_quotes *q, size_t i) {
  return q && i < q->n ? STR(q, q->q[i].verb) : NULL;
}
int kz_quote_kind(const kz_quotes *q, size_t i) { return q && i < q->n ? q->q[i].kind : -1; }
size_t kz_quote_start(const kz_quotes *q, size_t i) {
  return q && i < q->n ? q->q[i].start : KZ_NO_OFFSET;
}
size_t kz_quote_end(const kz_quotes *q, size_t i) {
  return q && i < q->n ? q->q[i].end : KZ_NO_OFFSET;
}

size_t kz_quotes_section_count(const kz_quotes *q) { return q ? q->ns : 0; }
const char *kz_quotes_section_speaker(const kz_quotes *q, size_t i) {
  return q && i < q->ns ? STR(q, q->s[i].speaker) : NULL;
}
const char *kz_quotes_section_role(const kz_quotes *q, size_t i) {
  return q && i < q->ns ? STR(q, q->s[i].role) : NULL;
}
size_t kz_quotes_section_start(const kz_quotes *q, size_t i) {
  return q && i < q->ns ? q->s[i].start : KZ_NO_OFFSET;
}
size_t kz_quotes_section_end(const kz_quotes *q, size_t i) {
  return q && i < q->ns ? q->s[i].end : KZ_NO_OFFSET;
}
size_t kz_quotes_section_heading_start(const kz_quotes *q, size_t i) {
  return q && i < q->ns ? q->s[i].heading_start : KZ_NO_OFFSET;
}

int kz_quotes_to_json(const kz_quotes *q, const char *doc, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  size_t i;
  if (q == NULL || out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_quotes_to_json: NULL argument");
  for (i = 0; i < q->n; i++) {
    const kzi_pquote *p = &q->q[i];
    kzi_ajson_raw(&b, &rc, "{\"doc\":");
    kzi_ajson_str(&b, &rc, doc);
    kzi_ajson_raw(&b, &rc, ",\"speaker\":");
    kzi_ajson_str(&b, &rc, STR(q, p->speaker));
    kzi_ajson_raw(&b, &rc, ",\"role\":");
    kzi_ajson_str(&b, &rc, STR(q, p->role));
    kzi_ajson_raw(&b, &rc, ",\"verb\":");
    kzi_ajson_str(&b, &rc, STR(q, p->verb));
    kzi_ajson_raw(&b, &rc, ",\"kind\":");
    kzi_ajson_str(&b, &rc, kz_quote_kind_name(p->kind));
    kzi_ajson_raw(&b, &rc, ",\"text\":");
    kzi_ajson_str(&b, &rc, STR(q, p->text));
    kzi_ajson_raw(&b, &rc, ",\"start\":");
    kzi_ajson_size(&b, &rc, p->start);
    kzi_ajson_raw(&b, &rc, ",\"end\":");
    kzi_ajson_size(&b, &rc, p->end);
    kzi_ajson_raw(&b, &rc, "}\n");
  }
  for (i = 0; i < q->ns; i++) {
    const kzi_psection *s = &q->s[i];
    kzi_ajson_raw(&b, &rc, "{\"doc\":");
    kzi_ajson_str(&b, &rc, doc);
    kzi_ajson_raw(&b, &rc, ",\"section\":true,\"speaker\":");
    kzi_ajson_str(&b, &rc, STR(q, s->speaker));
    kzi_ajson_raw(&b, &rc, ",\"role\":");
    kzi_ajson_str(&b, &rc, STR(q, s->role));
    kzi_ajson_raw(&b, &rc, ",\"start\":");
    kzi_ajson_size(&b, &rc, s->start);
    kzi_ajson_raw(&b, &rc, ",\"end\":");
    kzi_ajson_size(&b, &rc, s->end);
    kzi_ajson_raw(&b, &rc, ",\"heading_start\":");
    kzi_ajson_size(&b, &rc, s->heading_start);
    kzi_ajson_raw(&b, &rc, "}\n");
  }
  return kzi_ajson_out(&b, rc, out);
}
