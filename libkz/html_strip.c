/*
 * html_strip.c - raw bytes to clean lines.
 *
 * One pass over the input.  A line ends at a newline (LF, CR or CRLF) or at a
 * block-level HTML tag (<p>, </p>, <br>, <div>, <li>, <h2>, ...), which is how
 * text with leftover HTML gets its paragraph boundaries.  On each line:
 *   - tags of known HTML elements are removed; a tag left open at the end of
 *     the line ("<img src=...") is cut with the rest of the line, and a tag
 *     remnant at the start of a line ("/>") is dropped;
 *   - character references (&amp; &#8217; &#x2019; and common names) are
 *     decoded;
 *   - NUL and control bytes are dropped, invalid UTF-8 bytes become U+FFFD,
 *     zero-width characters are removed and every kind of space becomes an
 *     ASCII space; runs of spaces collapse to one and the line is trimmed.
 * Each repair adds a warning naming the byte offset.  The raw span of each
 * line is kept so blocks can report where they came from.
 */
#include <stdlib.h>
#include <string.h>

#include "article_int.h"

#define MAX_TAG 4096  /* a '<' whose '>' is farther than this is not a tag */
#define MAX_UTF8_WARN 10

typedef struct strip_state {
  kzi_article_doc *d;
  kzi_buf out;           /* the current line's clean text */
  size_t bad_utf8, ctl;  /* counts of repaired bytes */
  size_t first_ctl;
  unsigned hint;         /* hints for the current line */
  unsigned next_hint;
  /* where the next "-->" and '>' are (len: none), found by a scan that
   * started at *_from; positions only grow, so the scans stay linear */
  size_t cmt_at, cmt_from, gt_at, gt_from;
} strip_state;

/* The first "-->" at or after `from` in raw[0..len), or len. */
static size_t next_comment_end(strip_state *st, const char *raw, size_t len, size_t from) {
  size_t k;
  if (st->cmt_from <= from && st->cmt_at >= from) return st->cmt_at;
  for (k = from; k + 2 < len; k++)
    if (raw[k] == '-' && raw[k + 1] == '-' && raw[k + 2] == '>') break;
  st->cmt_from = from;
  st->cmt_at = k + 2 < len ? k : len;
  return st->cmt_at;
}

/* The first '>' at or after `from`, or len. */
static size_t next_gt(strip_state *st, const char *raw, size_t len, size_t from) {
  const char *e;
  if (st->gt_from <= from && st->gt_at >= from) return st->gt_at;
  e = memchr(raw + from, '>', len - from);
  st->gt_from = from;
  st->gt_at = e ? (size_t)(e - raw) : len;
  return st->gt_at;
}

/* Element names: block ones end a line; the rest are removed in place. */
static const char *const block_tags[] = {
  "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
  "tr", "td", "th", "table", "tbody", "thead", "section", "article",
  "header", "footer", "blockquote", "figure", "figcaption", "hr", "nav",
  "aside", "dd", "dt", "dl", "pre", "title", "main", "form", "body", "html",
  "head", "caption", "address", "option", "select", "noscript", "iframe",
  "video", "audio", "picture", "source", NULL};
static const char *const inline_tags[] = {
  "a", "span", "img", "b", "i", "u", "em", "strong", "small", "sup", "sub",
  "font", "abbr", "cite", "code", "time", "mark", "q", "s", "del", "ins",
  "label", "button", "input", "svg", "path", "meta", "link", "wbr", "nobr",
  "center", "big", "tt", "var", "kbd", "dfn", "bdi", "bdo", "data", "figure",
  "script", "style", NULL};

static int in_list(const char *const *list, const char *name) {
  for (; *list; list++)
    if (strcmp(*list, name) == 0) return 1;
  return 0;
}

/* ----------------------------------------------------------------------
 * Character references
 * ---------------------------------------------------------------------- */
static const struct { const char *name; uint32_t cp; } entities[] = {
  {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
  {"nbsp", 0xa0}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026},
  {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201c}, {"rdquo", 0x201d},
  {"sbquo", 0x201a}, {"bdquo", 0x201e}, {"laquo", 0xab}, {"raquo", 0xbb},
  {"copy", 0xa9}, {"reg", 0xae}, {"trade", 0x2122}, {"shy", 0xad},
  {"bull", 0x2022}, {"middot", 0xb7}, {"deg", 0xb0}, {"euro", 0x20ac},
  {"pound", 0xa3}, {"times", 0xd7}, {"eacute", 0xe9}, {"egrave", 0xe8},
  {"ecirc", 0xea}, {"agrave", 0xe0}, {"aacute", 0xe1}, {"acirc", 0xe2},
  {"iacute", 0xed}, {"oacute", 0xf3}, {"ocirc", 0xf4}, {"uacute", 0xfa},
  {"ugrave", 0xf9}, {"ccedil", 0xe7}, {"ntilde", 0xf1}, {"auml", 0xe4},
  {"ouml", 0xf6}, {"uuml", 0xfc}, {"Auml", 0xc4}, {"Ouml", 0xd6},
  {"Uuml", 0xdc}, {"szlig", 0xdf}, {"Eacute", 0xc9}, {"iexcl", 0xa1},
  {"iquest", 0xbf}, {"thinsp", 0x2009}, {"ensp", 0x2002}, {"emsp", 0x2003},
  {"zwj", 0x200d}, {"zwnj", 0x200c}, {"prime", 0x2032}, {NULL, 0}};

size_t kzi_html_entity(const char *s, size_t n, char *out, size_t *outlen) {
  size_t i = 1, j;
  uint32_t cp = 0;
  if (n < 3 || s[0] != '&') return 0;
  if (s[1] == '#') {
    int hex = (i + 1 < n && (s[2] == 'x' || s[2] == 'X'));
    unsigned digits = 0;
    i = hex ? 3 : 2;
    for (; i < n && digits < 8; i++, digits++) {
      char c = s[i];
      unsigned v;
      if (c >= '0' && c <= '9') v = (unsigned)(c - '0');
      else if (hex && c >= 'a' && c <= 'f') v = (unsigned)(c - 'a' + 10);
      else if (hex && c >= 'A' && c <= 'F') v = (unsigned)(c - 'A' + 10);
      else break;
      cp = cp * (hex ? 16 : 10) + v;
    }
    if (digits == 0 || digits >= 8) return 0;
    if (i < n && s[i] == ';') i++;
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    *outlen = kzi_utf8_encode(cp, out);
    return i;
  }
  for (j = 1; j < n && j < 10; j++) {
    char c = s[j];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) break;
  }
  if (j >= n || s[j] != ';' || j == 1) return 0;
  for (i = 0; entities[i].name; i++) {
    if (strlen(entities[i].name) == j - 1 && memcmp(entities[i].name, s + 1, j - 1) == 0) {
      *outlen = kzi_utf8_encode(entities[i].cp, out);
      return j + 1;
    }
  }
  return 0;
}

/* ----------------------------------------------------------------------
 * Output of the current line
 * ---------------------------------------------------------------------- */
static void emit(strip_state *st, const char *s, size_t n) {
  if (st->d->rc) return;
  st->d->rc = kzi_buf_append(&st->out, s, n);
}

static void emit_space(strip_state *st) {
  if (st->out.n > 0 && st->out.p[st->out.n - 1] != ' ') emit(st, " ", 1);
}

/* Emit code point cp (as encoded in s[0..n)), mapping spaces and dropping
 * invisible characters. */
static void emit_cp(strip_state *st, uint32_t cp, const char *s, size_t n) {
  /* a control character from a reference ("&#9;", "&#x1F"): white space
   * becomes a space, the rest is dropped */
  if (cp < 0x20 || cp == 0x7f) {
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') emit_space(st);
    return;
  }
  if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
      cp == 0x205f || cp == 0x3000 || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
    emit_space(st);
    return;
  }
  if (cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0xfeff || cp == 0xad ||
      cp == 0x2060 || (cp >= 0x80 && cp < 0xa0))
    return;
  emit(st, s, n);
}

static void end_line(strip_state *st, size_t start, size_t end) {
  kzi_article_doc *d = st->d;
  kzi_line *ln;
  size_t n = st->out.n;
  if (d->rc) return;
  while (n > 0 && st->out.p[n - 1] == ' ') n--;
  if (d->nlines == d->lcap) {
    size_t cap = d->lcap ? d->lcap * 2 : 256;
    kzi_line *p = realloc(d->lines, cap * sizeof *p);
    if (p == NULL) { d->rc = KZ_ENOMEM; return; }
    d->lines = p;
    d->lcap = cap;
  }
  ln = &d->lines[d->nlines];
  ln->start = start;
  ln->end = end;
  ln->hint = st->hint;
  ln->len = n;
  ln->text = n ? kzi_art_str(d, st->out.p, n) : KZI_NONE;
  if (d->rc) return;
  d->nlines++;
  st->out.n = 0;
  st->hint = st->next_hint;
  st->next_hint = 0;
}

/* Tag name at s[0..n) after '<' and an optional '/'; lowercased into name. */
static size_t tag_name(const char *s, size_t n, char name[16]) {
  size_t i = 0;
  while (i < n && i < 15) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9'))) break;
    name[i++] = c;
  }
  name[i] = '\0';
  return i;
}

int kzi_html_lines(kzi_article_doc *d, const char *raw, size_t len) {
  strip_state st;
  size_t i = 0, ls = 0; /* ls: raw start of the current line */
  memset(&st, 0, sizeof st);
  st.d = d;
  st.cmt_from = st.gt_from = (size_t)-1; /* nothing cached */
  while (i < len && !d->rc) {
    unsigned char c = (unsigned char)raw[i];
    if (c == '\n' || c == '\r') {
      end_line(&st, ls, i);
      if (c == '\r' && i + 1 < len && raw[i + 1] == '\n') i++;
      ls = ++i;
      continue;
    }
    if (c == '<' && i + 1 < len) {
      size_t j = i + 1, nl, k, lim;
      char name[16];
      int closing = 0;
      if (raw[j] == '!') { /* comment or doctype: skip to '>' or "-->" */
        const char *e = NULL;
        lim = len - i < MAX_TAG * 16 ? len - i : MAX_TAG * 16;
        if (lim >= 4 && memcmp(raw + i, "<!--", 4) == 0) {
          k = next_comment_end(&st, raw, len, i + 4);
          if (k < i + lim) e = raw + k + 3;
        } else {
          k = next_gt(&st, raw, len, i);
          if (k < i + lim) e = raw + k + 1;
        }
        if (e) { i = (size_t)(e - raw); st.hint |= KZI_HINT_TAGS; continue; }
      }
      if (j < len && raw[j] == '/') { closing = 1; j++; }
      nl = tag_name(raw + j, len - j, name);
      if (nl > 0 && (in_list(block_tags, name) || in_list(inline_tags, name)) &&
          (j + nl >= len || !(((unsigned char)raw[j + nl] | 0x20) >= 'a' &&
                              ((unsigned char)raw[j + nl] | 0x20) <= 'z'))) {
        int is_block = in_list(block_tags, name);
        lim = len - i < MAX_TAG ? len - i : MAX_TAG;
        for (k = i; k < i + lim; k++)
          if (raw[k] == '>' || raw[k] == '\n' || raw[k] == '\r') break;
        if (k < i + lim && raw[k] == '>') {
          size_t after = k + 1;
          st.hint |= KZI_HINT_TAGS;
          if (!closing && (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)) {
            /* skip the element's content (bounded by the input) */
            const char *e = raw + after;
            size_t left = len - after;
            while (left >= 2) {
              const char *lt = memchr(e, '<', left);
              if (lt == NULL) { e = raw + len; break; }
              left -= (size_t)(lt - e);
              e = lt;
              if (left >= 2 && e[1] == '/') {
                char nm[16];
                tag_name(e + 2, left - 2, nm);
                if (strcmp(nm, name) == 0) break;
              }
              e++; left--;
            }
            after = (size_t)(e - raw);
          }
          if (is_block) {
            unsigned h = 0;
            if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !closing) h = KZI_HINT_HEADING;
            if (strcmp(name, "figcaption") == 0 && !closing) h = KZI_HINT_CAPTION;
            if (strcmp(name, "li") == 0 && !closing) h = KZI_HINT_LI;
            if (st.out.n > 0) {
              end_line(&st, ls, i);
              ls = after;
              st.hint = h | KZI_HINT_TAGS;
            } else {
              st.hint |= h;
              if (st.out.n == 0) ls = after;
            }
          } else if (strcmp(name, "img") == 0 || strcmp(name, "br") == 0) {
            emit_space(&st);
          }
          i = after;
          continue;
        }
        /* an element tag left open at the end of the line: cut it */
        kzi_art_warn(d, "unclosed <%s> tag at byte %zu removed", name, i);
        st.hint |= KZI_HINT_TAGS;
        while (k < len && raw[k] != '\n' && raw[k] != '\r') k++;
        i = k;
        continue;
      }
    }
    if (c == '/' && i + 1 < len && raw[i + 1] == '>' && st.out.n == 0) {
      i += 2; /* the end of a tag cut at the previous line */
      st.hint |= KZI_HINT_TAGS;
      continue;
    }
    if (c == '&') {
      char tmp[8];
      size_t ol = 0, used = kzi_html_entity(raw + i, len - i, tmp, &ol);
      if (used) {
        const unsigned char *u = (const unsigned char *)tmp;
        size_t cl;
        int32_t cp = kzi_utf8_decode(u, ol, &cl);
        emit_cp(&st, cp < 0 ? 0xfffd : (uint32_t)cp, tmp, ol);
        i += used;
        continue;
      }
    }
    if (c < 0x80) {
      if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
        emit_space(&st);
      } else if (c < 0x20 || c == 0x7f) {
        if (st.ctl++ == 0) st.first_ctl = i;
      } else {
        /* copy a run of plain ASCII at once */
        size_t k = i + 1;
        while (k < len) {
          unsigned char e = (unsigned char)raw[k];
          if (e == ' ') {
            /* a single space between words stays in the run */
            if (k + 1 < len && (unsigned char)raw[k + 1] > 0x20 && (unsigned char)raw[k + 1] < 0x7f &&
                raw[k + 1] != '<' && raw[k + 1] != '&' && raw[k + 1] != '/') {
              k++;
              continue;
            }
            break;
          }
          if (e < 0x21 || e >= 0x7f || e == '<' || e == '&' || e == '/') break;
          k++;
        }
        emit(&st, raw + i, k - i);
        i = k;
        continue;
      }
      i++;
      continue;
    }
    {
      size_t cl;
      int32_t cp = kzi_utf8_decode((const unsigned char *)raw + i, len - i, &cl);
      if (cp < 0) {
        if (d->flags & KZ_PARSE_STRICT_UTF8) {
          d->rc = kzi_seterr(NULL, KZ_EUTF8, "invalid UTF-8 byte 0x%02x at byte %zu", c, i);
          break;
        }
        if (st.bad_utf8++ < MAX_UTF8_WARN)
          kzi_art_warn(d, "invalid UTF-8 byte 0x%02x at byte %zu replaced by U+FFFD", c, i);
        emit(&st, "\xef\xbf\xbd", 3);
        i++;
        continue;
      }
      emit_cp(&st, (uint32_t)cp, raw + i, cl);
      i += cl;
    }
  }
  if (!d->rc && (st.out.n > 0 || ls < len)) end_line(&st, ls, len);
  d->bad_utf8 = st.bad_utf8;
  if (st.bad_utf8 > MAX_UTF8_WARN)
    kzi_art_warn(d, "%zu more invalid UTF-8 bytes replaced by U+FFFD",
                 st.bad_utf8 - MAX_UTF8_WARN);
  if (st.ctl)
    kzi_art_warn(d, "%zu NUL or control byte%s dropped (first at byte %zu)", st.ctl,
                 st.ctl == 1 ? "" : "s", st.first_ctl);
  kzi_buf_free(&st.out);
  return d->rc;
}
