/*
 * article.c - the article parser's public API: parse, accessors, JSON.
 *
 * kz_article_parse() runs the stages described in article_int.h over one
 * arena-backed document and returns it as an immutable kz_article.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article_int.h"
#include "corpus_int.h"
#include "kz/corpus.h"

struct kz_article {
  kzi_article_doc d;
};

/* ----------------------------------------------------------------------
 * Arena
 * ---------------------------------------------------------------------- */
size_t kzi_art_str(kzi_article_doc *d, const char *s, size_t n) {
  size_t off;
  int rc;
  if (d->rc) return KZI_NONE;
  /* s may point into the arena itself: reserve first, then copy */
  if (d->text.p && (uintptr_t)s >= (uintptr_t)d->text.p &&
      (uintptr_t)s < (uintptr_t)d->text.p + d->text.n) {
    size_t rel = (size_t)((uintptr_t)s - (uintptr_t)d->text.p);
    if ((rc = kzi_buf_reserve(&d->text, n + 1))) { d->rc = rc; return KZI_NONE; }
    s = d->text.p + rel;
  }
  off = d->text.n;
  if ((rc = kzi_buf_append(&d->text, s, n)) || (rc = kzi_buf_append(&d->text, "", 1))) {
    d->rc = rc;
    return KZI_NONE;
  }
  return off;
}

const char *kzi_art_text(const kzi_article_doc *d, size_t off) {
  return off == KZI_NONE || d->text.p == NULL ? "" : d->text.p + off;
}

static int push_off(kzi_article_doc *d, size_t **arr, size_t *n, size_t *cap, size_t off) {
  if (off == KZI_NONE) return d->rc;
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 8;
    size_t *p = realloc(*arr, nc * sizeof *p);
    if (p == NULL) return d->rc = KZ_ENOMEM;
    *arr = p;
    *cap = nc;
  }
  (*arr)[(*n)++] = off;
  return 0;
}

void kzi_art_warn(kzi_article_doc *d, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  if (d->rc) return;
  if (d->nwarn >= 64) { d->nwarn_dropped++; return; }
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  push_off(d, &d->warn, &d->nwarn, &d->wcap, kzi_art_str(d, msg, strlen(msg)));
}

int kzi_art_add_author(kzi_article_doc *d, const char *s, size_t n) {
  size_t i;
  for (i = 0; i < d->nauthors; i++) {
    const char *a = kzi_art_text(d, d->authors[i]);
    if (strlen(a) == n && memcmp(a, s, n) == 0) return 0;
  }
  return push_off(d, &d->authors, &d->nauthors, &d->acap, kzi_art_str(d, s, n));
}

/* ----------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------- */
int kz_parse_options_init(kz_parse_options *opts, unsigned int version) {
  kz_parse_options def = KZ_PARSE_OPTIONS_INIT;
  if (opts == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_parse_options_init: opts is NULL");
  if (version != KZ_PARSE_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "kz_parse_options_init: unknown version %u", version);
  *opts = def;
  return KZ_OK;
}

static void free_doc(kzi_article_doc *d) {
  kzi_buf_free(&d->text);
  free(d->lines);
  free(d->blocks);
  free(d->warn);
  free(d->authors);
}

/* An empty document with the options' flags and hints. */
static void init_doc(kzi_article_doc *d, const kz_parse_options *opts) {
  memset(d, 0, sizeof *d);
  d->title = d->source = d->original_source = d->dateline = d->body = KZI_NONE;
  d->title_block = -1;
  d->region_hi = -1;
  d->comments_from = -1;
  if (opts) {
    d->flags = opts->flags;
    d->lang_hint = opts->language_hint;
    d->source_hint = opts->source_hint;
  }
  strcpy(d->lang, "und");
  strcpy(d->title_lang, "und");
}

static void build_body(kzi_article_doc *d) {
  kzi_buf body = {0};
  size_t i;
  int rc = 0;
  for (i = 0; i < d->nblocks && !rc; i++) {
    const kzi_block *b = &d->blocks[i];
    if (b->dup >= 0 || (b->kind != KZ_BLOCK_PARAGRAPH && b->kind != KZ_BLOCK_STANDFIRST)) continue;
    if (body.n) rc = kzi_buf_append(&body, "\n\n", 2);
    if (!rc) rc = kzi_buf_append(&body, kzi_art_text(d, b->text), b->len);
  }
  if (rc) d->rc = rc;
  else d->body = kzi_art_str(d, body.p ? body.p : "", body.n);
  kzi_buf_free(&body);
}

/* A wholly parenthesized caption loses its brackets. */
static void unwrap_captions(kzi_article_doc *d) {
  size_t i;
  for (i = 0; i < d->nblocks && !d->rc; i++) {
    kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    if (b->kind == KZ_BLOCK_CAPTION && b->len > 2 && t[0] == '(' && t[b->len - 1] == ')' &&
        !memchr(t + 1, '(', b->len - 2)) {
      b->text += 1;
      b->len -= 2;
      d->text.p[b->text + b->len] = '\0';
    }
  }
}

/* Spans of the decoded text -> spans of the input (see charset.c). */
static void raw_spans(kzi_article_doc *d, const kzi_decoded *dec) {
  for (size_t i = 0; i < d->nlines; i++) {
    d->lines[i].start = kzi_decoded_raw(dec, d->lines[i].start);
    d->lines[i].end = kzi_decoded_raw(dec, d->lines[i].end);
  }
  for (size_t i = 0; i < d->nblocks; i++) {
    d->blocks[i].start = kzi_decoded_raw(dec, d->blocks[i].start);
    d->blocks[i].end = kzi_decoded_raw(dec, d->blocks[i].end);
  }
  if (d->date[0]) {
    d->date_start = kzi_decoded_raw(dec, d->date_start);
    d->date_end = kzi_decoded_raw(dec, d->date_end);
  }
}

int kz_article_parse(kz_article **out, const char *data, size_t len,
                     const kz_parse_options *opts) {
  kz_article *a;
  kzi_article_doc *d;
  kzi_decoded dec;
  int decoded = 0;
  const char *lang;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_article_parse: out is NULL");
  *out = NULL;
  if (data == NULL && len > 0) return kzi_seterr(NULL, KZ_EINVAL, "kz_article_parse: data is NULL");
  if (opts && opts->version != KZ_PARSE_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "kz_article_parse: unknown options version %u",
                      opts->version);
  a = calloc(1, sizeof *a);
  if (a == NULL) return kzi_seterr(NULL, KZ_ENOMEM, "kz_article_parse: out of memory");
  d = &a->d;
  init_doc(d, opts);
  if (kzi_html_lines(d, data ? data : "", len) == 0 && d->bad_utf8) {
    /* not UTF-8: a page in windows-1251, KOI8-R, windows-1252...?  Then it
     * is read again, decoded, and its spans mapped back to the input's
     * bytes at the end (valid pages, nearly all, pay nothing for this) */
    decoded = kzi_legacy_decode(data, len, &dec);
    if (decoded < 0) {
      d->rc = KZ_ENOMEM;
    } else if (decoded) {
      free_doc(d);
      init_doc(d, opts);
      data = dec.p;
      len = dec.n;
      if (kzi_html_lines(d, data, len) == 0)
        kzi_art_warn(d, "not UTF-8: read as %s (%s)", dec.name,
                     dec.declared ? "the charset the page declares" : "guessed from its bytes");
    }
  }
  if (!d->rc) {
    lang = kzi_lang_detect(d->text.p ? d->text.p : "", d->text.n, 3);
    if (strcmp(lang, "und") == 0 && d->lang_hint) {
      const char *h = kzi_lang_code(d->lang_hint);
      if (h) lang = h;
    }
    if (strlen(lang) < sizeof d->lang) strcpy(d->lang, lang);
    if (d->nlines == 0 || d->text.n == 0) kzi_art_warn(d, "empty input");
  }
  if (!d->rc) kzi_blocks_build(d);
  if (!d->rc) kzi_blocks_split_lists(d);
  if (!d->rc) kzi_features(d); /* and the duplicates */
  if (!d->rc) {
    kzi_classify(d);
    kzi_meta(d);
    kzi_dedup_settle(d);
    unwrap_captions(d);
  }
  if (!d->rc && d->nblocks && d->region_hi < 0) kzi_art_warn(d, "no article text found");
  if (!d->rc) build_body(d);
  if (!d->rc && d->nwarn_dropped) {
    size_t k = d->nwarn_dropped;
    d->nwarn_dropped = 0;
    d->nwarn--; /* make room for the summary */
    kzi_art_warn(d, "%zu more warnings not shown", k + 1);
  }
  if (decoded) {
    if (!d->rc) raw_spans(d, &dec);
    kzi_decoded_free(&dec);
  }
  if (d->rc) {
    int rc = d->rc;
    if (rc != KZ_EUTF8) kzi_seterr(NULL, rc, "kz_article_parse: %s", kz_strerror(rc));
    free_doc(d);
    free(a);
    return rc;
  }
  *out = a;
  return KZ_OK;
}

int kz_article_parse_file(kz_article **out, const char *path, const kz_parse_options *opts) {
  FILE *f;
  int fd;
  struct stat sb;
  char *buf;
  size_t n = 0, size;
  int rc;
  if (out == NULL || path == NULL)
    return kzi_seterr(NULL, KZ_EINVAL, "kz_article_parse_file: NULL argument");
  *out = NULL;
  /* Only regular files: a device (/dev/zero) or a pipe has no end we can
   * trust.  Opened without blocking, so that a named pipe with no writer
   * is refused instead of waiting for one.  The size is known up front, so
   * the limit is checked before any memory is taken. */
  fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return kzi_seterr(NULL, e == ENOENT ? KZ_ENOTFOUND : KZ_EIO, "%s: %s", path, strerror(e));
  }
  if (fstat(fd, &sb) != 0) {
    int e = errno;
    close(fd);
    return kzi_seterr(NULL, KZ_EIO, "%s: %s", path, strerror(e));
  }
  if (!S_ISREG(sb.st_mode)) {
    close(fd);
    return kzi_seterr(NULL, KZ_EIO, "%s: %s", path,
                      S_ISDIR(sb.st_mode) ? strerror(EISDIR) : "not a regular file");
  }
  f = fdopen(fd, "rb");
  if (f == NULL) {
    close(fd);
    return kzi_seterr(NULL, KZ_ENOMEM, "%s: out of memory", path);
  }
  if (sb.st_size < 0 || (unsigned long long)sb.st_size > KZ_ARTICLE_MAX_FILE) {
    fclose(f);
    return kzi_seterr(NULL, KZ_ELIMIT, "%s: file of %lld bytes exceeds the limit of %llu bytes",
                      path, (long long)sb.st_size, (unsigned long long)KZ_ARTICLE_MAX_FILE);
  }
  size = (size_t)sb.st_size;
  buf = malloc(size + 1);
  if (buf == NULL) {
    fclose(f);
    return kzi_seterr(NULL, KZ_ENOMEM, "%s: out of memory", path);
  }
  /* the file may change while we read it: read at most size bytes */
  while (n < size) {
    size_t got = fread(buf + n, 1, size - n, f);
    if (got == 0) break;
    n += got;
  }
  if (ferror(f)) {
    free(buf);
    fclose(f);
    return kzi_seterr(NULL, KZ_EIO, "%s: read error", path);
  }
  fclose(f);
  if (!(opts && (opts->flags & KZ_PARSE_ALLOW_BINARY))) {
    const char *what;
    size_t at;
    if (kzi_sniff_binary(buf, n, &what, &at)) {
      free(buf);
      if (strcmp(what, "control bytes") == 0)
        return kzi_seterr(NULL, KZ_EFORMAT,
                          "%s: not a text article: binary data (control bytes from byte %zu on)",
                          path, at);
      return kzi_seterr(NULL, KZ_EFORMAT, "%s: not a text article: %s", path, what);
    }
  }
  rc = kz_article_parse(out, buf, n, opts);
  free(buf);
  return rc;
}

/* ----------------------------------------------------------------------
 * An article from a corpus's stored document (kz_doc_article())
 * ---------------------------------------------------------------------- */

/* A block of kind over text s[0..n) at span [start, end). */
static void add_block(kzi_article_doc *d, int kind, const char *s, size_t n, size_t start,
                      size_t end) {
  kzi_block *b;
  size_t off;
  if (d->rc) return;
  if (d->nblocks == d->bcap) {
    size_t cap = d->bcap ? d->bcap * 2 : 16;
    kzi_block *nb = realloc(d->blocks, cap * sizeof *nb);
    if (nb == NULL) {
      d->rc = KZ_ENOMEM;
      return;
    }
    d->blocks = nb;
    d->bcap = cap;
  }
  off = kzi_art_str(d, s, n);
  if (off == KZI_NONE) return;
  b = &d->blocks[d->nblocks++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->start = start;
  b->end = end;
  b->text = off;
  b->len = n;
  b->dup = -1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The next piece of s[0..n) from *at between blank lines ("\n\n"),
 * without the white space around it, empty pieces passed over: 1 with
 * [*start, *end) set, 0 at the end. */
static int next_piece(const char *s, size_t n, size_t *at, size_t *start, size_t *end) {
  while (*at < n) {
    const char *e = strstr(s + *at, "\n\n");
    size_t a = *at, z = e ? (size_t)(e - s) : n;
    *at = z + 2;
    while (a < z && is_space(s[a])) a++;
    while (z > a && is_space(s[z - 1])) z--;
    if (z > a) {
      *start = a;
      *end = z;
      return 1;
    }
  }
  return 0;
}

/* A block of kind per piece of s; spans are offsets into s when in_body. */
static void add_pieces(kzi_article_doc *d, int kind, const char *s, int in_body) {
  size_t n = strlen(s), at = 0, a, z;
  while (next_piece(s, n, &at, &a, &z))
    add_block(d, kind, s + a, z - a, in_body ? a : 0, in_body ? z : 0);
}

static size_t count_pieces(const char *s) {
  size_t n = strlen(s), at = 0, a, z, k = 0;
  while (next_piece(s, n, &at, &a, &z)) k++;
  return k;
}

/* Does layout lay[0..len) name exactly nh headings and nc captions? */
static int layout_fits(const char *lay, size_t len, size_t nh, size_t nc) {
  const unsigned char *p = (const unsigned char *)lay, *end = p + len;
  uint64_t anchor = 0;
  size_t h = 0, c = 0;
  int r, cap;
  while ((r = kzi_layout_next(&p, end, &anchor, &cap)) == 1) *(cap ? &c : &h) += 1;
  return r == 0 && h == nh && c == nc;
}

/* The next heading or caption piece of the layout, as a block. */
static void add_laid_piece(kzi_article_doc *d, int caption, const char *head, size_t hn,
                           size_t *hat, const char *cap, size_t cn, size_t *cat) {
  const char *s = caption ? cap : head;
  size_t x, y;
  if (next_piece(s, caption ? cn : hn, caption ? cat : hat, &x, &y))
    add_block(d, caption ? KZ_BLOCK_CAPTION : KZ_BLOCK_HEADING, s + x, y - x, 0, 0);
}

/* The body's paragraphs, the headings and the captions in the order of
 * layout lay[0..len) (layout.c; layout_fits() checked that every entry has
 * its piece): each heading or caption before the first paragraph that
 * starts at or after its anchor. */
static void add_laid_out(kzi_article_doc *d, const char *body, const char *head,
                         const char *cap, const char *lay, size_t len) {
  const unsigned char *p = (const unsigned char *)lay, *end = p + len;
  size_t bn = strlen(body), hn = strlen(head), cn = strlen(cap);
  size_t bat = 0, hat = 0, cat = 0, a, z;
  uint64_t anchor = 0;
  int caption = 0, have = kzi_layout_next(&p, end, &anchor, &caption) == 1;
  while (next_piece(body, bn, &bat, &a, &z)) {
    for (; have && anchor <= a; have = kzi_layout_next(&p, end, &anchor, &caption) == 1)
      add_laid_piece(d, caption, head, hn, &hat, cap, cn, &cat);
    add_block(d, KZ_BLOCK_PARAGRAPH, body + a, z - a, a, z);
  }
  for (; have; have = kzi_layout_next(&p, end, &anchor, &caption) == 1)
    add_laid_piece(d, caption, head, hn, &hat, cap, cn, &cat);
}

int kzi_article_from_fields(kz_article **out, const char *const *f, const size_t *fn) {
  kz_article *a;
  kzi_article_doc *d;
  const char *s;
  size_t n;
  *out = NULL;
  a = calloc(1, sizeof *a);
  if (a == NULL) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  d = &a->d;
  init_doc(d, NULL);
  s = f[KZ_FIELD_TITLE];
  n = strnlen(s, fn[KZ_FIELD_TITLE]); /* (blocks are C strings) */
  if (n) {
    d->title = kzi_art_str(d, s, n); /* as stored; its block trimmed */
    while (n && is_space(*s)) s++, n--;
    while (n && is_space(s[n - 1])) n--;
    if (n) {
      d->title_block = 0;
      add_block(d, KZ_BLOCK_HEADING, s, n, 0, 0);
    }
  }
  s = f[KZ_FIELD_BODY];
  n = fn[KZ_FIELD_BODY];
  d->body = kzi_art_str(d, s, n); /* as stored, byte for byte */
  {
    const char *head = f[KZ_FIELD_HEADING], *cap = f[KZ_FIELD_CAPTION];
    const char *lay = f[KZI_FIELD_LAYOUT];
    size_t ln = fn[KZI_FIELD_LAYOUT];
    if (ln && layout_fits(lay, ln, count_pieces(head), count_pieces(cap))) {
      add_laid_out(d, s, head, cap, lay, ln);
    } else { /* no layout (not a parsed page, or an older corpus) */
      add_pieces(d, KZ_BLOCK_PARAGRAPH, s, 1);
      add_pieces(d, KZ_BLOCK_HEADING, head, 0);
      add_pieces(d, KZ_BLOCK_CAPTION, cap, 0);
    }
  }
  if (d->nblocks) {
    d->region_lo = d->title_block == 0 && d->nblocks > 1 ? 1 : 0;
    d->region_hi = (long)d->nblocks - 1;
  }
  s = f[KZ_FIELD_SOURCE];
  n = fn[KZ_FIELD_SOURCE];
  if (n) d->source = kzi_art_str(d, s, n);
  /* authors: stored joined by "; " */
  for (s = f[KZ_FIELD_AUTHOR]; *s && !d->rc;) {
    const char *e = strstr(s, "; ");
    size_t k = e ? (size_t)(e - s) : strlen(s);
    if (k && (d->rc = kzi_art_add_author(d, s, k)) != 0) break;
    s += k + (e ? 2 : 0);
  }
  s = f[KZ_FIELD_DATE];
  n = fn[KZ_FIELD_DATE];
  if (n == 10) memcpy(d->date, s, 11);
  s = f[KZ_FIELD_LANGUAGE];
  n = fn[KZ_FIELD_LANGUAGE];
  if (n == 0) {
    /* none stored (a JSON line without one): told from the body, as the
     * parser does, so that the analyses pick their rules */
    s = kzi_lang_detect(f[KZ_FIELD_BODY], fn[KZ_FIELD_BODY], 3);
    n = strlen(s);
  }
  if (n >= 2 && n < sizeof d->lang) {
    memcpy(d->lang, s, n + 1);
    memcpy(d->title_lang, s, n + 1);
  }
  if (d->rc) {
    int rc = d->rc;
    free_doc(d);
    free(a);
    return kzi_seterr(NULL, rc, "%s", kz_strerror(rc));
  }
  *out = a;
  return KZ_OK;
}

int kz_doc_article(kz_article **out, const kz_doc *doc) {
  const char *f[KZI_STORED_FIELDS];
  size_t n[KZI_STORED_FIELDS];
  int rc;
  if (out == NULL || doc == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_doc_article: NULL argument");
  for (int i = 0; i < KZ_FIELD_COUNT; i++) f[i] = kz_doc_field(doc, i, &n[i]);
  f[KZI_FIELD_LAYOUT] = kzi_doc_layout(doc, &n[KZI_FIELD_LAYOUT]);
  rc = kzi_article_from_fields(out, f, n);
  if (rc) kzi_seterr(NULL, rc, "kz_doc_article: %s", kz_strerror(rc));
  return rc;
}

void kz_article_free(kz_article *a) {
  if (a == NULL) return;
  free_doc(&a->d);
  free(a);
}

/* ----------------------------------------------------------------------
 * Accessors
 * ---------------------------------------------------------------------- */
static const char *opt_str(const kz_article *a, size_t off) {
  return a == NULL || off == KZI_NONE ? NULL : a->d.text.p + off;
}

const char *kz_article_title(const kz_article *a) { return a ? opt_str(a, a->d.title) : NULL; }
const char *kz_article_title_language(const kz_article *a) { return a ? a->d.title_lang : NULL; }
const char *kz_article_language(const kz_article *a) { return a ? a->d.lang : NULL; }
const char *kz_article_date(const kz_article *a) { return a && a->d.date[0] ? a->d.date : NULL; }
const char *kz_article_time(const kz_article *a) { return a && a->d.time[0] ? a->d.time : NULL; }
int kz_article_date_span(const kz_article *a, size_t *start, size_t *end) {
  /* (an article of a stored document has a date but no input) */
  if (a == NULL || !a->d.date[0] || a->d.date_end <= a->d.date_start) return KZ_ENOTFOUND;
  if (start) *start = a->d.date_start;
  if (end) *end = a->d.date_end;
  return KZ_OK;
}
const char *kz_article_source(const kz_article *a) { return a ? opt_str(a, a->d.source) : NULL; }
const char *kz_article_original_source(const kz_article *a) {
  return a ? opt_str(a, a->d.original_source) : NULL;
}
const char *kz_article_dateline(const kz_article *a) { return a ? opt_str(a, a->d.dateline) : NULL; }
size_t kz_article_author_count(const kz_article *a) { return a ? a->d.nauthors : 0; }
const char *kz_article_author(const kz_article *a, size_t i) {
  return a && i < a->d.nauthors ? a->d.text.p + a->d.authors[i] : NULL;
}

static const char *const kind_names[] = {
  "paragraph", "heading", "caption", "credit", "standfirst", "box", "byline",
  "quote-box", "related-link", "comment", "boilerplate"};

const char *kz_block_kind_name(int kind) {
  if (kind < 0 || kind > KZ_BLOCK_BOILERPLATE) return "unknown";
  return kind_names[kind];
}

size_t kz_article_block_count(const kz_article *a) { return a ? a->d.nblocks : 0; }
int kz_article_block_kind(const kz_article *a, size_t i) {
  return a && i < a->d.nblocks ? a->d.blocks[i].kind : -1;
}
const char *kz_article_block_text(const kz_article *a, size_t i) {
  return a && i < a->d.nblocks ? a->d.text.p + a->d.blocks[i].text : NULL;
}
size_t kz_article_block_start(const kz_article *a, size_t i) {
  return a && i < a->d.nblocks ? a->d.blocks[i].start : 0;
}
size_t kz_article_block_end(const kz_article *a, size_t i) {
  return a && i < a->d.nblocks ? a->d.blocks[i].end : 0;
}
long kz_article_block_duplicate_of(const kz_article *a, size_t i) {
  return a && i < a->d.nblocks ? a->d.blocks[i].dup : -1;
}
const char *kz_article_body(const kz_article *a) {
  if (a == NULL) return NULL;
  return a->d.body == KZI_NONE ? "" : a->d.text.p + a->d.body;
}
size_t kz_article_warning_count(const kz_article *a) { return a ? a->d.nwarn : 0; }
const char *kz_article_warning(const kz_article *a, size_t i) {
  return a && i < a->d.nwarn ? a->d.text.p + a->d.warn[i] : NULL;
}

/* ----------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------- */

int kz_article_to_json(const kz_article *a, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  size_t i;
  if (a == NULL || out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_article_to_json: NULL argument");
  out->ptr = NULL;
  out->len = 0;
#define KEY(k) kzi_json_raw(&b, &rc, k)
  KEY("{\"title\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_title(a));
  KEY(",\"title_language\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_title_language(a));
  KEY(",\"language\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_language(a));
  KEY(",\"date\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_date(a));
  KEY(",\"time\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_time(a));
  KEY(",\"source\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_source(a));
  KEY(",\"original_source\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_original_source(a));
  KEY(",\"authors\":[");
  for (i = 0; i < a->d.nauthors; i++) {
    if (i) KEY(",");
    kzi_json_cstr_or_null(&b, &rc, kz_article_author(a, i));
  }
  KEY("],\"dateline\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_dateline(a));
  KEY(",\"blocks\":[");
  for (i = 0; i < a->d.nblocks; i++) {
    const kzi_block *k = &a->d.blocks[i];
    KEY(i ? ",{\"kind\":" : "{\"kind\":");
    kzi_json_cstr_or_null(&b, &rc, kz_block_kind_name(k->kind));
    KEY(",\"text\":"); kzi_json_str(&b, &rc, a->d.text.p + k->text, k->len);
    KEY(",\"start\":"); kzi_json_long(&b, &rc, (long long)k->start);
    KEY(",\"end\":"); kzi_json_long(&b, &rc, (long long)k->end);
    KEY(",\"duplicate_of\":");
    if (k->dup >= 0) kzi_json_long(&b, &rc, k->dup);
    else KEY("null");
    KEY("}");
  }
  KEY("],\"body\":"); kzi_json_cstr_or_null(&b, &rc, kz_article_body(a));
  KEY(",\"warnings\":[");
  for (i = 0; i < a->d.nwarn; i++) {
    if (i) KEY(",");
    kzi_json_cstr_or_null(&b, &rc, kz_article_warning(a, i));
  }
  KEY("]}");
#undef KEY
  if (rc) {
    kzi_buf_free(&b);
    return kzi_seterr(NULL, rc, "kz_article_to_json: out of memory");
  }
  out->ptr = b.p;
  out->len = b.n;
  return KZ_OK;
}
