/*
 * blocks.c - group clean lines into blocks.
 *
 * Blank lines separate runs of lines.  In most dumps a run line is a whole
 * paragraph, so each line becomes a block.  A run whose lines are cut at a
 * fixed width (most lines fill at least three quarters of the widest one and
 * stop in mid-sentence) is a hard-wrapped text: its lines are joined again,
 * and a new paragraph starts where a line ends a sentence and either that
 * line or the next one is clearly short (the ragged end of a paragraph, or
 * an indented opening line), where a short label line ending in ':' stands
 * alone, or where a bracketed or quoted unit ("(Photo caption.)") closes.
 *
 * In re-flowed text a section heading is often run into the first line of its
 * paragraph ("Domestic risks The crisis in ..."): a short capitalized phrase
 * without punctuation followed by a capitalized function word.  Such a
 * phrase is split off as a block of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "article_int.h"

static size_t u8len(const char *s, size_t n) {
  size_t i, c = 0;
  for (i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) c++;
  return c;
}

/* Last code point of s[0..n), and the byte where it starts. */
static uint32_t last_cp(const char *s, size_t n, size_t *at) {
  size_t i = n, cl;
  int32_t cp;
  if (n == 0) { *at = 0; return 0; }
  i--;
  while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80 && n - i < 4) i--;
  cp = kzi_utf8_decode((const unsigned char *)s + i, n - i, &cl);
  *at = i;
  return cp < 0 ? 0xfffd : (uint32_t)cp;
}

static int is_closer(uint32_t c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201d || c == 0x2019 ||
         c == 0xbb || c == 0x203a;
}

/* Ends with sentence punctuation, maybe followed by closing quotes. */
static int ends_sentence(const char *s, size_t n) {
  size_t at;
  uint32_t c;
  int guard = 0;
  while (n > 0 && guard++ < 4) {
    c = last_cp(s, n, &at);
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == 0x2026) return 1;
    if (!is_closer(c)) return 0;
    n = at;
  }
  return 0;
}

static uint32_t first_cp(const char *s, size_t n) {
  size_t cl;
  int32_t cp;
  if (n == 0) return 0;
  cp = kzi_utf8_decode((const unsigned char *)s, n, &cl);
  return cp < 0 ? 0 : (uint32_t)cp;
}

static uint32_t closer_of(uint32_t open) {
  switch (open) {
    case '(': return ')';
    case '[': return ']';
    case '"': return '"';
    case 0x201c: return 0x201d;
    case 0x201e: return 0x201c;
    case 0xab: return 0xbb;
    default: return 0;
  }
}

static int push_block(kzi_article_doc *d, size_t first, size_t nl, size_t text, size_t len) {
  kzi_block *b;
  if (d->rc) return d->rc;
  if (d->nblocks == d->bcap) {
    size_t cap = d->bcap ? d->bcap * 2 : 64;
    kzi_block *p = realloc(d->blocks, cap * sizeof *p);
    if (p == NULL) return d->rc = KZ_ENOMEM;
    d->blocks = p;
    d->bcap = cap;
  }
  b = &d->blocks[d->nblocks++];
  memset(b, 0, sizeof *b);
  b->kind = KZ_BLOCK_PARAGRAPH;
  b->dup = -1;
  b->first_line = first;
  b->nlines = nl;
  b->start = d->lines[first].start;
  b->end = d->lines[first + nl - 1].end;
  b->text = text;
  b->len = len;
  b->hint = d->lines[first].hint;
  return 0;
}

/* Is the run lines[a..b) hard-wrapped?  *width gets the wrap width. */
static int run_wrapped(const kzi_article_doc *d, size_t a, size_t b, size_t *width) {
  size_t i, w = 0, w2 = 0, full = 0, mid = 0, n = b - a;
  if (n < 4) return 0;
  for (i = a; i < b; i++) {
    size_t l = u8len(kzi_art_text(d, d->lines[i].text), d->lines[i].len);
    if (l > w) { w2 = w; w = l; } else if (l > w2) w2 = l;
  }
  /* tolerate one overlong line */
  if (w > w2 + w2 / 5) w = w2;
  if (w < 30 || w > 160) return 0;
  for (i = a; i + 1 < b; i++) {
    const char *t = kzi_art_text(d, d->lines[i].text);
    size_t l = u8len(t, d->lines[i].len);
    if (l * 4 >= w * 3) {
      full++;
      if (!ends_sentence(t, d->lines[i].len)) mid++;
    }
  }
  *width = w;
  return full * 2 >= (n - 1) && mid * 3 >= full * 2;
}

/* Split a run-in heading off the front of the block just pushed. */
static void split_runin(kzi_article_doc *d, size_t first_len_chars, size_t width) {
  kzi_block *b = &d->blocks[d->nblocks - 1];
  const char *t = kzi_art_text(d, b->text);
  kzi_wordit it = {t, b->len, 0, 0, 0};
  size_t k = 0, cut = 0, prev_end = 0;
  char lw[32];
  if (first_len_chars * 10 >= width * 6) return;
  while (kzi_word_next(&it) && k < 7) {
    const char *w = t + it.wstart;
    size_t after = it.wstart + it.wlen;
    uint32_t c0 = first_cp(w, it.wlen);
    int upper = (c0 >= 'A' && c0 <= 'Z') || (c0 >= 0xc0 && c0 <= 0xde) ||
                (c0 >= 0x410 && c0 <= 0x42f);
    if (k == 0 && !upper) return;
    if (k == 0 && it.wstart != 0) return;
    if (k >= 1 && upper) {
      size_t n = kzi_word_lower(w, it.wlen, lw, sizeof lw);
      if (n && it.wlen > 1 && kzi_is_stopword(d->lang[0] ? d->lang : "en", lw, n)) {
        cut = it.wstart;
        break;
      }
    }
    /* the heading words carry no punctuation */
    if (after < b->len && t[after] != ' ') return;
    prev_end = after;
    k++;
  }
  /* only one space between the heading and the text */
  if (cut == 0 || k < 1 || cut != prev_end + 1) return;
  {
    kzi_block head = *b, body = *b;
    size_t rawcut = b->start + cut;
    size_t hoff = kzi_art_str(d, t, cut - 1);
    size_t boff;
    t = kzi_art_text(d, b->text); /* the arena may have moved */
    boff = kzi_art_str(d, t + cut, b->len - cut);
    if (d->rc) return;
    if (rawcut > d->lines[b->first_line].end) rawcut = d->lines[b->first_line].end;
    head.text = hoff;
    head.len = cut - 1;
    head.end = rawcut;
    head.nlines = 1;
    head.hint |= KZI_HINT_HEADING;
    body.text = boff;
    body.len = b->len - cut;
    body.start = rawcut;
    *b = head;
    if (push_block(d, body.first_line, body.nlines, boff, body.len) == 0) {
      d->blocks[d->nblocks - 1] = body;
    }
  }
}

static void reflow_run(kzi_article_doc *d, size_t a, size_t b, size_t width, kzi_buf *tmp) {
  size_t i = a;
  while (i < b && !d->rc) {
    size_t j = i, first_chars;
    uint32_t open, close;
    const char *t = kzi_art_text(d, d->lines[i].text);
    tmp->n = 0;
    open = first_cp(t, d->lines[i].len);
    close = closer_of(open);
    first_chars = u8len(t, d->lines[i].len);
    for (;;) {
      const char *lt = kzi_art_text(d, d->lines[j].text);
      size_t ll = d->lines[j].len, lc = u8len(lt, ll), at;
      int brk = 0;
      if (tmp->n) {
        size_t pn = tmp->n;
        int hyph = pn >= 2 && tmp->p[pn - 1] == '-' &&
                   ((tmp->p[pn - 2] | 0x20) >= 'a' && (tmp->p[pn - 2] | 0x20) <= 'z');
        if (!hyph && (d->rc = kzi_buf_append(tmp, " ", 1))) return;
      }
      if ((d->rc = kzi_buf_append(tmp, lt, ll))) return;
      if (j + 1 >= b) break;
      {
        const char *nt = kzi_art_text(d, d->lines[j + 1].text);
        size_t nlen = d->lines[j + 1].len, nc = u8len(nt, nlen);
        int term = ends_sentence(lt, ll);
        if (term && (lc * 10 < width * 7 || nc * 10 < width * 6)) brk = 1;
        if (nc * 2 < width && nlen > 0 && nt[nlen - 1] == ':') brk = 1;
        if (term && lt[ll - 1] == ':' && lc * 2 < width) brk = 1;
        if (close && j - i < 3 && last_cp(lt, ll, &at) == close) brk = 1;
        if (d->lines[j + 1].hint & KZI_HINT_TAGS) brk = 1;
      }
      if (brk) break;
      j++;
    }
    {
      size_t off = kzi_art_str(d, tmp->p, tmp->n);
      if (push_block(d, i, j - i + 1, off, tmp->n)) return;
      if (j > i) split_runin(d, first_chars, width);
    }
    i = j + 1;
  }
}

int kzi_blocks_build(kzi_article_doc *d) {
  size_t i = 0, n = d->nlines;
  kzi_buf tmp = {0};
  while (i < n && !d->rc) {
    size_t j, width = 0;
    if (d->lines[i].len == 0) { i++; continue; }
    j = i;
    while (j < n && d->lines[j].len > 0) j++;
    if (run_wrapped(d, i, j, &width)) {
      reflow_run(d, i, j, width, &tmp);
    } else {
      size_t k;
      for (k = i; k < j; k++)
        if (push_block(d, k, 1, d->lines[k].text, d->lines[k].len)) break;
    }
    i = j;
  }
  kzi_buf_free(&tmp);
  return d->rc;
}
