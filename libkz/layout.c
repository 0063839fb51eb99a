/*
 * layout.c - where a parsed article's headings and captions stood among
 * its paragraphs, kept with a stored document.
 *
 * A corpus stores a parsed article as fields: the body (its paragraphs
 * joined by blank lines), the headings and the captions (each joined the
 * same way).  That is what search, snippets and KWIC need, but it loses
 * the order of the article: a section heading that names the person
 * speaking in the paragraphs under it (an interview) ends up after the
 * whole body, and the quotations lose their speaker.  The layout keeps
 * that order in a few bytes: per heading or caption, in the article's
 * order, one varint
 *
 *     (anchor - previous anchor) << 1 | (1 for a caption, 0 for a heading)
 *
 * where the anchor is the byte offset in the body at which the next body
 * paragraph starts (the body's length + 2 when none follows).  Anchors
 * never decrease.  An article with neither headings nor captions has an
 * empty layout.
 *
 * The layout is advice: kz_doc_article() uses it only when it agrees with
 * the stored fields (as many pieces as it names, anchors in order), and
 * otherwise puts headings and captions after the body as before.
 */
#include "corpus_int.h"
#include "kz/article.h"

/* The blocks a stored body is made of (build_body() in article.c). */
static int in_body(int kind) {
  return kind == KZ_BLOCK_PARAGRAPH || kind == KZ_BLOCK_STANDFIRST;
}

/* Append t to the field being joined in b (pieces between blank lines). */
static int join(kzi_buf *b, const char *t) {
  int rc = b->n ? kzi_buf_append(b, "\n\n", 2) : KZ_OK;
  return rc ? rc : kzi_buf_append(b, t, strlen(t));
}

int kzi_layout_fields(const kz_article *a, const char *skip_heading, kzi_buf *cap,
                      kzi_buf *head, kzi_buf *lay) {
  uint64_t pos = 0, last = 0;
  int rc = KZ_OK;
  for (size_t i = 0; i < kz_article_block_count(a) && !rc; i++) {
    int kind = kz_article_block_kind(a, i);
    const char *t = kz_article_block_text(a, i);
    if (kz_article_block_duplicate_of(a, i) >= 0 || t == NULL) continue;
    if (in_body(kind)) {
      /* the next one starts after this one and a blank line */
      pos += strlen(t) + 2;
    } else if (kind == KZ_BLOCK_HEADING || kind == KZ_BLOCK_CAPTION) {
      if (kind == KZ_BLOCK_HEADING && skip_heading && strcmp(t, skip_heading) == 0) continue;
      rc = join(kind == KZ_BLOCK_CAPTION ? cap : head, t);
      if (lay) kzi_vput(lay, &rc, (pos - last) << 1 | (kind == KZ_BLOCK_CAPTION));
      last = pos;
    }
  }
  /* (empty fields are "", not NULL) */
  if (!rc && !cap->p) rc = kzi_buf_append(cap, "", 0);
  if (!rc && !head->p) rc = kzi_buf_append(head, "", 0);
  return rc;
}

int kzi_layout_next(const unsigned char **p, const unsigned char *end, uint64_t *anchor,
                    int *caption) {
  uint64_t v;
  if (*p >= end) return 0;
  v = kzi_vget(p, end);
  if (*p == NULL || (v >> 1) > UINT64_MAX - *anchor) return -1;
  *anchor += v >> 1;
  *caption = (int)(v & 1);
  return 1;
}
