/*
 * snippet.c - token positions back to bytes, and the best snippet window.
 *
 * A stored field is re-tokenized with the corpus's analyzer, which gives
 * the same positions as at indexing, so match spans (in positions) map to
 * byte ranges.  The snippet is the window of `window` tokens holding the
 * most match spans (ties: the earliest), centred on them; "..." marks the
 * cut ends.  Highlights are reported both inside the snippet text and in
 * the whole field; a phrase or NEAR group is one range.  The text is only
 * tokenized as far as the snippet and the highlights need.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

typedef struct offctx {
  kzi_tokpos *v;
  size_t n, cap, limit;
  int rc;
} offctx;

#define OFF_STOP 1 /* off_cb's "enough positions" */

static int off_cb(const kz_token *t, void *p) {
  offctx *o = p;
  if (t->kind == KZ_TOKEN_PUNCT || t->kind == KZ_TOKEN_SYMBOL || !t->norm_len) return 0;
  if (t->position >= o->limit) return OFF_STOP;
  if (t->position >= o->cap) {
    size_t nc = o->cap ? o->cap * 2 : 256;
    kzi_tokpos *nv;
    while (nc <= t->position) nc *= 2;
    nv = realloc(o->v, nc * sizeof *nv);
    if (!nv) return o->rc = KZ_ENOMEM;
    o->v = nv;
    o->cap = nc;
  }
  while (o->n < t->position) { /* no gaps expected; keep defined */
    o->v[o->n].start = t->start;
    o->v[o->n].end = t->start;
    o->n++;
  }
  o->v[t->position].start = t->start;
  o->v[t->position].end = t->end;
  if (t->position + 1 > o->n) o->n = t->position + 1;
  return 0;
}

int kzi_token_offsets(kz_corpus *c, const char *text, size_t n, size_t limit,
                      kzi_tokpos **out, size_t *count) {
  kz_tokenizer *tk;
  offctx o = {NULL, 0, 0, limit, 0};
  int rc = kzi_tok_get(c, 0, &tk);
  *out = NULL;
  *count = 0;
  if (rc) return rc;
  rc = kz_tokenize(tk, text, n, off_cb, &o);
  kzi_tok_put(c, 0, tk);
  if (rc == OFF_STOP && !o.rc) rc = KZ_OK;
  if (rc || o.rc) {
    free(o.v);
    return kzi_seterr(NULL, rc ? rc : o.rc, "cannot tokenize stored text");
  }
  *out = o.v;
  *count = o.n;
  return KZ_OK;
}

/* Build the snippet of text[0..n) around spans (normalized, positions). */
int kzi_snippet(kz_corpus *c, const char *text, size_t n, const kzi_span *sp, size_t nsp,
                unsigned window, kzi_buf *out, kzi_tokpos **hl, size_t *nhl) {
  kzi_tokpos *tok;
  size_t ntok, best = 0, bestcnt = 0, a = 0, ws, we, prefix = 0, bstart, bend;
  int rc;
  *hl = NULL;
  *nhl = 0;
  out->n = 0;
  if (window == 0) window = 24;
  /* the window of the most spans, first as if the text went on */
  for (size_t i = 0, j = 0; i < nsp; i++) {
    size_t cnt;
    if (j < i) j = i;
    while (j + 1 < nsp && sp[j + 1].end <= sp[i].start + window) j++;
    cnt = j - i + 1;
    if (cnt > bestcnt) {
      bestcnt = cnt;
      best = i;
    }
  }
  if (nsp) {
    size_t b, last = best;
    a = sp[best].start;
    while (last + 1 < nsp && sp[last + 1].end <= a + window) last++;
    b = sp[last].end;
    ws = b - a >= window ? a : a - ((window - (b - a)) / 2 < a ? (window - (b - a)) / 2 : a);
    we = ws + window;
    if (we < b) we = b;
  } else {
    ws = 0;
    we = window;
  }
  /* positions up to the window's end, and one more to tell whether the
   * text goes on */
  rc = kzi_token_offsets(c, text, n, we + 1, &tok, &ntok);
  if (rc) return rc;
  if (ntok == 0) {
    free(tok);
    return kzi_buf_append(out, "", 0) ? KZ_ENOMEM : KZ_OK;
  }
  if (we > ntok) {
    we = ntok;
    ws = we > window ? we - window : 0;
    if (nsp && ws > a) ws = a;
  }
  if (nsp) {
    *hl = malloc(nsp * sizeof **hl);
    if (!*hl) {
      free(tok);
      return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
  }
  bstart = tok[ws].start;
  bend = tok[we - 1].end;
  /* keep punctuation that closes the last token's sentence */
  while (bend < n && bend - tok[we - 1].end < 3 && (text[bend] == '.' || text[bend] == ',' ||
                                                    text[bend] == '"' || text[bend] == ')' ||
                                                    text[bend] == '!' || text[bend] == '?'))
    bend++;
  if (ws > 0) {
    rc = kzi_buf_append(out, "...", 3);
    prefix = 3;
  }
  if (!rc) rc = kzi_buf_append(out, text + bstart, bend - bstart);
  if (!rc && we < ntok) rc = kzi_buf_append(out, "...", 3);
  for (size_t i = 0; i < nsp && !rc; i++) {
    if (sp[i].start < ws || sp[i].end > we || sp[i].start >= sp[i].end) continue;
    (*hl)[*nhl].start = tok[sp[i].start].start - bstart + prefix;
    (*hl)[*nhl].end = tok[sp[i].end - 1].end - bstart + prefix;
    (*nhl)++;
  }
  free(tok);
  return rc ? kzi_seterr(NULL, KZ_ENOMEM, "out of memory") : KZ_OK;
}

int kzi_span_bytes(kz_corpus *c, const char *text, size_t n, const kzi_span *sp, size_t nsp,
                   kzi_tokpos **out, size_t *nout) {
  kzi_tokpos *tok;
  size_t ntok, maxend = 0;
  int rc;
  *out = NULL;
  *nout = 0;
  for (size_t i = 0; i < nsp; i++)
    if (sp[i].end > maxend) maxend = sp[i].end;
  if (!maxend) return KZ_OK;
  rc = kzi_token_offsets(c, text, n, maxend, &tok, &ntok);
  if (rc) return rc;
  *out = malloc(nsp * sizeof **out);
  if (!*out) {
    free(tok);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < nsp; i++) {
    if (sp[i].start >= sp[i].end || sp[i].end > ntok) continue; /* beyond the text */
    (*out)[*nout].start = tok[sp[i].start].start;
    (*out)[*nout].end = tok[sp[i].end - 1].end;
    (*nout)++;
  }
  free(tok);
  return KZ_OK;
}
