/*
 * classify.c - block features, content classes and block kinds.
 *
 * 1. Features: words, characters, stopwords (of the body language), words
 *    starting with a capital, sentences, how the block ends, dates, quotes,
 *    and hits of site-furniture vocabulary.
 * 2. Content class, in the manner of jusText: GOOD (a real paragraph: enough
 *    words, ends like a sentence, ordinary stopword density), NEAR (shorter
 *    prose), SHORT (a label or heading), BAD (furniture).
 * 3. The main text is the contiguous run of blocks with the highest score
 *    (good prose counts for it, furniture against it; maximum-sum subarray,
 *    linear).  Pages are one article surrounded by menus, teasers and
 *    footers, and this picks the article without site-specific rules.
 *    Section-end lines ("Related articles", "More stories") are barriers,
 *    unless they only open a short box of links inside the text; reader
 *    comments ("34 Comments", "jdoe says:") are cut off once article text
 *    has been seen; the headline repeated from the page title anchors the
 *    article; date lines and gallery captions do not count as prose.
 * 4. Kinds: inside the main text each block is a paragraph, heading,
 *    caption, credit, byline, box, quote-box (a pull quote the text
 *    repeats), comment or boilerplate by its own shape and its neighbours;
 *    outside it, prose is boilerplate (comment after the comment cut) and
 *    headline-like lines are related links.  Captions are also known by
 *    where people stand (", left,") or a full date with its weekday; calls
 *    to the reader, author's notes and a press release's company note are
 *    boilerplate, and teasers after a closing note leave the main text; an
 *    embedded post over its "- Name (@handle)" line is body.
 * Before all this, kzi_blocks_split_lists() undoes blocks.c's joining of
 * runs that are lists of headlines rather than hard-wrapped text.
 */
#include <stdlib.h>
#include <string.h>

#include "article_int.h"

enum { CLS_BAD = 0, CLS_SHORT = 1, CLS_NEAR = 2, CLS_GOOD = 3 };
enum { END_WORD = 0, END_TERM = 1, END_QUESTION = 2, END_COLON = 3, END_COMMA = 4, END_OTHER = 5 };

/* ----------------------------------------------------------------------
 * Words
 * ---------------------------------------------------------------------- */
static int is_word_cp(int32_t c) {
  if (c < 0) return 0;
  if (c < 0x80) return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  if (c >= 0xa0 && c <= 0xbf) return 0;
  if (c == 0xd7 || c == 0xf7) return 0;
  if (c >= 0x2000 && c <= 0x2bff) return 0;
  if (c >= 0x3000 && c <= 0x303f) return 0;
  if (c == 0xfffd || c == 0xfeff) return 0;
  return 1;
}

/* ASCII letters and digits. */
static const unsigned char ascii_word[128] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
  ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
  ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
  ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
  ['y'] = 1, ['z'] = 1};

/* Is the character at s[i] (of n) a word character?  *cl gets its length. */
static int word_at(const unsigned char *s, size_t i, size_t n, size_t *cl) {
  if (s[i] < 0x80) {
    *cl = 1;
    return ascii_word[s[i]];
  }
  return is_word_cp(kzi_utf8_decode(s + i, n - i, cl));
}

int kzi_word_next(kzi_wordit *it) {
  const unsigned char *s = (const unsigned char *)it->s;
  size_t i = it->pos, n = it->n, cl;
  for (;;) {
    while (i < n && s[i] < 0x80 && !ascii_word[s[i]]) i++;
    if (i >= n) { it->pos = n; return 0; }
    if (word_at(s, i, n, &cl)) break;
    i += cl;
  }
  it->wstart = i;
  for (;;) {
    uint32_t c;
    while (i < n && s[i] < 0x80 && ascii_word[s[i]]) i++;
    if (i >= n) break;
    if (word_at(s, i, n, &cl)) { i += cl; continue; }
    /* an apostrophe or hyphen between letters stays inside the word */
    c = s[i];
    if (c == 0xe2 && cl == 3 && s[i + 1] == 0x80 && s[i + 2] == 0x99) c = 0x2019;
    if ((c == '\'' || c == 0x2019 || c == '-') && i + cl < n) {
      size_t cl2;
      if (word_at(s, i + cl, n, &cl2)) { i += cl; continue; }
    }
    break;
  }
  it->wlen = i - it->wstart;
  it->pos = i;
  return 1;
}

size_t kzi_word_lower(const char *w, size_t n, char *out, size_t cap) {
  size_t i = 0, o = 0, cl;
  while (i < n) {
    unsigned char b = (unsigned char)w[i];
    if (b < 0x80) {
      if (o + 1 >= cap) return 0;
      out[o++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
      i++;
    } else {
      int32_t c = kzi_utf8_decode((const unsigned char *)w + i, n - i, &cl);
      if (c < 0) c = 0xfffd;
      if ((c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x410 && c <= 0x42f)) c += 0x20;
      else if (c >= 0x400 && c <= 0x40f) c += 0x50;
      else if (c == 0x2019) c = '\'';
      if (o + 4 >= cap) return 0;
      o += kzi_utf8_encode((uint32_t)c, out + o);
      i += cl;
    }
  }
  out[o] = '\0';
  return o;
}

static int cp_upper(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
         (c >= 0x400 && c <= 0x42f) || (c >= 0x391 && c <= 0x3a9);
}

static uint32_t cp_at(const char *s, size_t n, size_t i) {
  size_t cl;
  int32_t c;
  if (i >= n) return 0;
  c = kzi_utf8_decode((const unsigned char *)s + i, n - i, &cl);
  return c < 0 ? 0xfffd : (uint32_t)c;
}

/* Class of the end of the block, skipping closing quotes and brackets. */
static int end_class(const char *s, size_t n) {
  int guard = 0;
  while (n > 0 && guard++ < 6) {
    size_t i = n - 1;
    uint32_t c;
    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) i--;
    c = cp_at(s, n, i);
    switch (c) {
      case '.': case '!': case 0x2026: case 0x3002: case 0xff01: case 0xff0e: return END_TERM;
      case '?': case 0xff1f: return END_QUESTION;
      case ':': return END_COLON;
      case ',': case ';': return END_COMMA;
      case '"': case '\'': case ')': case ']': case 0x201d: case 0x2019: case 0xbb:
      case 0x201c: case ' ':
        n = i;
        continue;
      default:
        return is_word_cp((int32_t)c) ? END_WORD : END_OTHER;
    }
  }
  return END_OTHER;
}

/* ----------------------------------------------------------------------
 * Lists taken for hard-wrapped text
 * ---------------------------------------------------------------------- */
/* Does the line start like a new item: a capital or a digit, maybe after an
 * opening quote or bracket?  1 = item-like, 0 = lowercase (a continued
 * sentence), -1 = neither (a script without case, a symbol). */
static int line_start_case(const char *s, size_t n) {
  size_t i = 0, cl;
  while (i < n) {
    int32_t c = kzi_utf8_decode((const unsigned char *)s + i, n - i, &cl);
    if (c == '"' || c == '\'' || c == '(' || c == '[' || c == 0x201c || c == 0x2018 ||
        c == 0x201e || c == 0xab) {
      i += cl;
      continue;
    }
    if (c >= '0' && c <= '9') return 1;
    if (cp_upper((uint32_t)c)) return 1;
    if ((c >= 'a' && c <= 'z') || (c >= 0xdf && c <= 0xff && c != 0xf7) ||
        (c >= 0x430 && c <= 0x45f) || (c >= 0x3b1 && c <= 0x3c9))
      return 0;
    return -1;
  }
  return -1;
}

static int line_ends_sentence(const char *s, size_t n) {
  int e = end_class(s, n);
  return e == END_TERM || e == END_QUESTION || e == END_COLON;
}

/* blocks.c joins the lines of a run that looks hard-wrapped (lines of about
 * one width that stop in mid-sentence).  A list of headlines or menu items
 * looks the same, but in wrapped prose a line that stops in mid-sentence is
 * continued by a lowercase word far more often than not, while every item of
 * a list opens with a capital or a digit.  A joined block of at least five
 * lines whose mid-sentence breaks (at least four) are followed by an
 * item-like start in 85% of the cases or more is a list.  It stays joined
 * (the article's own list, kept whole as a paragraph) when the text
 * introduces it (the block before, or the run's first line, has three words
 * or more and ends in ':') or when most items open with a number (a table,
 * a numbered schedule); otherwise it is a list of teasers or links and is
 * split back into one block per line. */
static int joined_list(const kzi_article_doc *d, size_t bi) {
  const kzi_block *b = &d->blocks[bi];
  size_t k, mid = 0, item = 0, digit = 0;
  const kzi_line *ln = d->lines + b->first_line;
  if (b->nlines < 5 || b->start != ln[0].start || b->end != ln[b->nlines - 1].end) return 0;
  for (k = 0; k < b->nlines; k++) {
    const char *t = kzi_art_text(d, ln[k].text);
    int c;
    if (ln[k].len && t[0] >= '0' && t[0] <= '9') digit++;
    if (k + 1 == b->nlines || line_ends_sentence(t, ln[k].len)) continue;
    c = line_start_case(kzi_art_text(d, ln[k + 1].text), ln[k + 1].len);
    if (c < 0) continue;
    mid++;
    item += (size_t)c;
  }
  if (mid < 4 || item * 100 < mid * 85 || digit * 2 >= b->nlines) return 0;
  /* introduced by its own first line */
  {
    const char *t = kzi_art_text(d, ln[0].text);
    size_t sp = 0;
    for (k = 0; k < ln[0].len; k++) sp += t[k] == ' ';
    if (ln[0].len && t[ln[0].len - 1] == ':' && sp >= 2) return 0;
  }
  if (bi > 0) {
    const kzi_block *p = &d->blocks[bi - 1];
    const char *t = kzi_art_text(d, p->text);
    size_t sp = 0;
    for (k = 0; k < p->len; k++) sp += t[k] == ' ';
    if (p->len && t[p->len - 1] == ':' && sp >= 2) return 0;
  }
  return 1;
}

int kzi_blocks_split_lists(kzi_article_doc *d) {
  size_t i, extra = 0, o;
  kzi_block *nb;
  for (i = 0; i < d->nblocks; i++)
    if (d->blocks[i].nlines > 1 && joined_list(d, i)) extra += d->blocks[i].nlines - 1;
  if (extra == 0) return 0;
  nb = malloc((d->nblocks + extra) * sizeof *nb);
  if (nb == NULL) return d->rc = KZ_ENOMEM;
  for (i = 0, o = 0; i < d->nblocks; i++) {
    const kzi_block *b = &d->blocks[i];
    size_t k;
    if (b->nlines < 2 || !joined_list(d, i)) {
      nb[o++] = *b;
      continue;
    }
    for (k = b->first_line; k < b->first_line + b->nlines; k++) {
      const kzi_line *ln = &d->lines[k];
      kzi_block *c = &nb[o++];
      *c = *b;
      c->first_line = k;
      c->nlines = 1;
      c->start = ln->start;
      c->end = ln->end;
      c->text = ln->text;
      c->len = ln->len;
      c->hint = ln->hint;
    }
  }
  free(d->blocks);
  d->blocks = nb;
  d->nblocks = d->bcap = o;
  return 0;
}

static int self_description(const char *t, size_t n, unsigned words);
static int find_bytes(const char *h, size_t hn, const char *nd, size_t nn);

void kzi_features(kzi_article_doc *d) {
  size_t bi;
  const char *lang = d->lang[0] && strcmp(d->lang, "und") ? d->lang : "en";
  unsigned sbit = kzi_stop_bit(lang);
  kzi_dedup *dd;
  uint64_t *wh = NULL;
  size_t whcap = 0;
  if (kzi_dedup_begin(d, &dd)) return;
  for (bi = 0; bi < d->nblocks && !d->rc; bi++) {
    kzi_block *b = &d->blocks[bi];
    const char *t = kzi_art_text(d, b->text);
    kzi_feat *f = &b->f;
    kzi_wordit it = {t, b->len, 0, 0, 0};
    size_t i, nw = 0;
    char iso[11], tm[6];
    size_t ds, de, cover, cjk = 0;
    memset(f, 0, sizeof *f);
    for (i = 0; i < b->len; i++) {
      unsigned char c = (unsigned char)t[i];
      if ((c & 0xc0) != 0x80) f->chars++;
      /* kana and CJK ideographs (U+3040..U+9FFF): no spaces between words */
      if (c == 0xe3 || (c >= 0xe4 && c <= 0xe9)) cjk++;
    }
    /* the one word pass: counts, and the word hashes for dedup.c */
    while (kzi_word_next(&it)) {
      unsigned char c0 = (unsigned char)t[it.wstart];
      uint64_t h = kzi_word_hash(t + it.wstart, it.wlen);
      if (nw == whcap) {
        size_t nc = whcap ? whcap * 2 : 256;
        uint64_t *p = realloc(wh, nc * sizeof *p);
        if (p == NULL) { d->rc = KZ_ENOMEM; break; }
        wh = p;
        whcap = nc;
      }
      wh[nw++] = h;
      f->words++;
      if (c0 < 0x80 ? (c0 >= 'A' && c0 <= 'Z') : cp_upper(cp_at(t, b->len, it.wstart))) f->caps++;
      if (c0 >= '0' && c0 <= '9') f->digits_words++;
      if (kzi_stop_mask_hash(h) & sbit) f->stops++;
    }
    if (d->rc) break;
    kzi_dedup_block(dd, bi, wh, nw);
    for (i = 0; i < b->len; i++) {
      char c = t[i];
      if ((c == '.' || c == '?' || c == '!') && (i + 1 == b->len || t[i + 1] == ' ')) {
        /* not after a single capital letter (initials) */
        if (!(c == '.' && i >= 2 && t[i - 2] == ' ' && t[i - 1] >= 'A' && t[i - 1] <= 'Z'))
          f->sentences++;
      }
    }
    if (cjk) {
      /* about two characters a word; the stopword density is not used */
      f->words += (unsigned)(cjk / 2);
      f->stops += (unsigned)(cjk / 8);
      for (i = 0; i + 2 < b->len; i++)
        if ((unsigned char)t[i] == 0xe3 && (unsigned char)t[i + 1] == 0x80 &&
            (unsigned char)t[i + 2] == 0x82)
          f->sentences++;
    }
    if (f->sentences == 0 && b->len) f->sentences = 1;
    f->end_punct = (unsigned char)end_class(t, b->len);
    f->first_upper = (unsigned char)cp_upper(cp_at(t, b->len, 0));
    f->has_quote = (unsigned char)(memchr(t, '"', b->len) != NULL || strstr(t, "\xe2\x80\x9c") != NULL);
    f->has_date = (unsigned char)(f->words <= 40 && b->len < 4096 &&
                                  kzi_date_find(t, b->len, iso, tm, &ds, &de, &cover));
    f->nav = (unsigned)kzi_nav_vocab(t, b->len);
    if (!f->nav && self_description(t, b->len, f->words)) f->nav = KZI_NAV_FURNITURE;
  }
  free(wh);
  kzi_dedup_end(dd);
}

/* ----------------------------------------------------------------------
 * Shapes
 * ---------------------------------------------------------------------- */
static int has_word_ci(const char *t, size_t n, const char *const *list, unsigned max_words) {
  kzi_wordit it = {t, n, 0, 0, 0};
  char lw[32];
  unsigned k = 0;
  while (kzi_word_next(&it) && k++ < max_words) {
    size_t m = kzi_word_lower(t + it.wstart, it.wlen, lw, sizeof lw), j;
    if (!m) continue;
    for (j = 0; list[j]; j++)
      if (strcmp(lw, list[j]) == 0) return 1;
  }
  return 0;
}

static const char *const credit_words[] = {
  "photo", "photos", "foto", "image", "images", "credit", "getty", "reuters", "ap", "afp",
  "epa", "xinhua", "tass", "via", "file", "pool", "handout", "courtesy", "ria", "sputnik",
  "shutterstock", "dpa", "imago", "picture", "alliance", "anadolu", "istock", "bloomberg",
  "фото", "illustration", NULL};
static const char *const photo_words[] = {
  "photo", "photograph", "pictured", "handout", "foto", "фото", "image", "picture", NULL};

static int starts_with_ci(const char *t, size_t n, const char *p);

/* "... lunar lander. Credit: NASA", "... (Source: ESA)": a last sentence
 * or bracket that only credits the picture. */
static int credit_tail(const char *t, size_t n) {
  static const char *const labels[] = {"credit:", "credits:", "image credit:", "photo credit:",
                                       "source:", "image:", "photo:", "foto:", NULL};
  size_t i, j, s = n;
  for (i = n; i > 2 && n - i < 80; i--)
    if (t[i - 1] == '(' || (t[i - 1] == ' ' && t[i - 2] == '.')) { s = i; break; }
  if (s == n || s < 16 || memchr(t + s, '.', n - s - 1)) return 0;
  /* a source named after a long paragraph cites a figure: only after a
   * caption-length text */
  for (j = 0; labels[j]; j++)
    if (starts_with_ci(t + s, n - s, labels[j])) return j != 4 || n <= 400;
  return 0;
}

/* "(Photo: Xinhua)", "(Name/Agency Via AP)" at the end of the block. */
static int ends_with_credit(const char *t, size_t n) {
  size_t i, open = n;
  if (n < 4) return 0;
  if (credit_tail(t, n)) return 1;
  if (t[n - 1] != ')') return 0;
  for (i = n - 1; i > 0 && n - i < 100; i--)
    if (t[i - 1] == '(') { open = i - 1; break; }
  if (open == n) return 0;
  if (memchr(t + open, '/', n - open)) return 1;
  return has_word_ci(t + open, n - open, credit_words, 12);
}

/* Caption-style date at the end of the first sentence: ", Place, Jan. 5, 2022." */
static int caption_date(const char *t, size_t n) {
  char iso[11], tm[6];
  size_t ds, de, cover, end, k;
  /* first sentence end */
  for (end = 0; end < n; end++) {
    if (t[end] == '.' && (end + 1 == n || (t[end + 1] == ' ' && end + 2 < n &&
                                           cp_upper(cp_at(t, n, end + 2))))) {
      /* skip abbreviations like "Jan." */
      if (end >= 3 && t[end - 4] == ' ' && cp_upper(cp_at(t, n, end - 3))) continue;
      break;
    }
  }
  if (end >= n) return 0;
  if (!kzi_date_find(t, end + 1, iso, tm, &ds, &de, &cover)) return 0;
  for (k = de; k < end && (t[k] == ' ' || t[k] == '.'); k++) {}
  if (k != end) return 0;
  if (ds < 3 || t[ds - 1] != ' ' || t[ds - 2] != ',') return 0;
  /* the word before is a capitalized place */
  k = ds - 2;
  while (k > 0 && t[k - 1] != ' ') k--;
  return cp_upper(cp_at(t, n, k));
}

static int starts_with_ci(const char *t, size_t n, const char *p) {
  size_t m = strlen(p), i;
  if (n < m) return 0;
  for (i = 0; i < m; i++) {
    char c = t[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c != p[i]) return 0;
  }
  return 1;
}

/* End of the first sentence of t[0..n) (a '.', '!' or '?' followed by a
 * space and a capital, or the end), at most max bytes in. */
static size_t first_sentence_end(const char *t, size_t n, size_t max) {
  size_t e;
  for (e = 0; e < n && e < max; e++)
    if ((t[e] == '.' || t[e] == '!' || t[e] == '?') &&
        (e + 1 == n || (t[e + 1] == ' ' && e + 2 < n && cp_upper(cp_at(t, n, e + 2))))) {
      /* not after an abbreviation or an initial ("Nov.", "U.S.", "W.") */
      size_t w = e;
      while (w > 0 && t[w - 1] != ' ') w--;
      if (e - w <= 3 && e + 1 < n) continue;
      return e + 1;
    }
  return e;
}

/* A photo caption names where the people stand or says that they are
 * pictured, in its first sentence: "Mark Esper, left, and ...", "(from
 * left)", "..., pictured at ...", "this image of ...".  Prose seldom
 * does, and a caption seldom runs past three sentences. */
static int any_mark(const char *t, size_t n, const char *const *marks) {
  for (; *marks; marks++)
    if (starts_with_ci(t, n, *marks)) return 1;
  return 0;
}

static int caption_marker(const char *t, size_t n) {
  static const char *const comma[] = {
    ", left,", ", right,", ", center,", ", centre,", ", left)", ", right)", ", second left,",
    ", second right,", ", from left,", ", second from left,", ", second from right,",
    ", foreground,", ", background,", ", pictured ", ", pictured,", ", file photo", NULL};
  static const char *const paren[] = {"(left)", "(right)", "(center)", "(centre)",
                                      "(from left)", "(l-r)", "(l to r)", NULL};
  static const char *const space[] = {" are pictured ", " is pictured ", " seen here ", NULL};
  /* these open the caption or follow a comma */
  static const char *const lead[] = {"this image ", "this photo ", "this picture ",
                                     "this illustration ", "this handout photo",
                                     "in this file photo", "from left:", "image caption ",
                                     "media caption ", "above: ", "pictured: ",
                                     "pictured above: ", "pictured below: ", "inset: ",
                                     "video: ", NULL};
  /* "An artist's concept of ...": these follow "artist's " or "an artist's " */
  static const char *const art[] = {"impression ", "concept ", "rendering ", "illustration ", NULL};
  size_t e = first_sentence_end(t, n, 600), i;
  for (i = 0; i < e; i++) {
    switch (t[i]) {
      case ',':
        if (i + 2 < e && any_mark(t + i, e - i, comma)) return 1;
        break;
      case '(':
        if (any_mark(t + i, e - i, paren)) return 1;
        break;
      case ' ':
        if (i + 1 < e && (t[i + 1] == 'a' || t[i + 1] == 'i' || t[i + 1] == 's') &&
            any_mark(t + i, e - i, space))
          return 1;
        break;
      case 't': case 'T': case 'i': case 'I': case 'f': case 'F': case 'a': case 'A':
      case 'm': case 'M': case 'p': case 'P': case 'v': case 'V':
        if ((i == 0 || (i >= 2 && t[i - 1] == ' ' && t[i - 2] == ',')) &&
            any_mark(t + i, e - i, lead))
          return 1;
        if (i == 0 || (i >= 2 && t[i - 1] == ' ' && t[i - 2] == ',')) {
          size_t k = i + (starts_with_ci(t + i, e - i, "an ") ? 3 : 0);
          if (starts_with_ci(t + k, e - k, "artist's ")) k += 9;
          else if (starts_with_ci(t + k, e - k, "artist\xe2\x80\x99s ")) k += 11;
          else break;
          if (any_mark(t + k, e - k, art)) return 1;
        }
        break;
      default:
        break;
    }
  }
  return 0;
}

/* "... in Indianapolis, Tuesday, Nov. 19, 2019, calling for ...": a full
 * date with its weekday, after six words or more, in the first sentence is
 * the wire-photo caption style; news prose says "on Tuesday" and leaves the
 * date to the dateline. */
static int caption_weekday_date(const char *t, size_t n) {
  char iso[11], tm[6];
  size_t ds, de, cover, e = first_sentence_end(t, n, 600), k, w;
  if (!kzi_date_find(t, e, iso, tm, &ds, &de, &cover)) return 0;
  /* not a "(Published Monday, Nov. 18, 2019)" note */
  for (k = 0, w = 0; k < ds; k++) {
    if (t[k] == '(') w++;
    else if (t[k] == ')' && w) w--;
  }
  if (w) return 0;
  k = ds;
  while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == ',')) k--;
  w = k;
  while (w > 0 && t[w - 1] != ' ' && t[w - 1] != ',') w--;
  if (k <= w || !kzi_weekday_word(t + w, k - w)) return 0;
  /* a sentence about a picture before it, not a "Published: 10:48, Tue,
   * Nov 19, 2019" line: six words or more, no label colon */
  {
    kzi_wordit it = {t, w, 0, 0, 0};
    unsigned nw = 0;
    if (memchr(t, ':', w)) return 0;
    while (nw < 6 && kzi_word_next(&it)) nw++;
    return nw >= 6;
  }
}

/* "Keith Bradsher contributed reporting from Hong Kong.", "Associated
 * Press writers A, B and C contributed to this report.", "Additional
 * reporting by ...": the credit line under a news story, not its text. */
static int contributor_line(const char *t, size_t n) {
  static const char *const tails[] = {"contributed to this report", "contributed to this story",
                                      "contributed to this article", "contributed reporting",
                                      "contributed additional reporting", NULL};
  size_t j, k;
  if (starts_with_ci(t, n, "additional reporting by ") ||
      starts_with_ci(t, n, "(additional reporting by ") || starts_with_ci(t, n, "(reporting by "))
    return 1;
  /* at the end: "... contributed reporting from Hong Kong." */
  k = n > 70 ? n - 70 : 0;
  if (!find_bytes(t + k, n - k, "contributed ", 12)) return 0;
  for (; k < n; k++)
    for (j = 0; tails[j]; j++)
      if (starts_with_ci(t + k, n - k, tails[j])) return 1;
  return 0;
}

/* "By NAME", "An analysis by NAME", "Von NAME", "Автор: NAME": a short line
 * that names its author. */
int kzi_byline_at(const char *t, size_t n, size_t *name_at);
int kzi_byline_at(const char *t, size_t n, size_t *name_at) {
  static const char *const lead[] = {"by ", "von ", "par ", "por ", "text: ", "text von ",
                                     "автор: ", "автор ", "written by ", "reporting by ", NULL};
  kzi_wordit it = {t, n, 0, 0, 0};
  unsigned k = 0;
  size_t j;
  if (n == 0 || n > 160) return 0;
  for (j = 0; lead[j]; j++)
    if (starts_with_ci(t, n, lead[j])) { *name_at = strlen(lead[j]); return n > *name_at; }
  if (n == 2 && starts_with_ci(t, n, "by")) { *name_at = n; return 1; }
  /* "<up to 3 words> by Name" */
  while (kzi_word_next(&it) && k < 4) {
    k++;
    if (k > 1 && it.wlen == 2 && starts_with_ci(t + it.wstart, 2, "by") &&
        it.wstart + 3 < n && cp_upper(cp_at(t, n, it.wstart + 3)) && k <= 4) {
      *name_at = it.wstart + 3;
      return 1;
    }
  }
  return 0;
}

static int is_dateline(const kzi_article_doc *d, const kzi_block *b) {
  const char *t = kzi_art_text(d, b->text);
  size_t i;
  int allcaps = 1;
  if (b->f.words == 0 || b->f.words > 3 || b->f.chars > 30 || b->f.digits_words) return 0;
  if (b->f.caps != b->f.words || b->f.stops) return 0;
  for (i = 0; i < b->len; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c >= 'a' && c <= 'z') allcaps = 0;
    if (c == '.' || c == ':' || c == '?' || c == '!' || c == '"' || c == '(' || c == '/') return 0;
  }
  return b->f.words == 1 ? b->f.chars >= 3 : allcaps;
}

static int headingish(const kzi_block *b) {
  const kzi_feat *f = &b->f;
  if (f->words == 0 || f->words > 16 || f->chars > 150) return 0;
  if (f->end_punct == END_TERM || f->end_punct == END_COMMA) return 0;
  if (f->end_punct == END_QUESTION && f->words > 10) return 0;
  if (f->sentences > 1 && f->end_punct != END_QUESTION) return 0;
  return 1;
}

/* A symbol that opens a reposter's note ("^ ... ^"). */
static int marker_char(unsigned char c) {
  return c == '^' || c == '~' || c == '*' || c == '|' || c == '#' || c == '+' || c == '=';
}

/* "X is the fastest growing news website covering ...": the site (or
 * another outlet) describing itself, a footer blurb.  A short block whose
 * first sentence says that a capitalized name is a website, portal,
 * newspaper, agency or the like. */
static int self_description(const char *t, size_t n, unsigned words) {
  static const char *const is[] = {" is the ", " is a ", " is an ", " is one of the ", NULL};
  static const char *const nouns[] = {
    "website", "websites", "web site", "news site", "portal", "newspaper", "outlet",
    "news agency", "magazine", "publication", "platform", "broadcaster", "news channel",
    "media company", "media group", "news service", NULL};
  size_t j, p = n, end, k;
  if (words < 6 || words > 70 || n == 0 || !cp_upper(cp_at(t, n, 0))) return 0;
  for (j = 0; is[j]; j++) {
    const char *h = strstr(t, is[j]);
    if (h && (size_t)(h - t) < p) p = (size_t)(h - t);
  }
  if (p >= n || p > 60) return 0;
  for (end = p; end < n && t[end] != '.'; end++) {}
  for (j = 0; nouns[j]; j++) {
    size_t m = strlen(nouns[j]);
    for (k = p; k + m <= end; k++)
      if (starts_with_ci(t + k, end - k, nouns[j])) return 1;
  }
  return 0;
}

/* ----------------------------------------------------------------------
 * Classification
 * ---------------------------------------------------------------------- */
/* "1 Photo sparks theories 2 Aides left notes 3 Don't ...": a numbered
 * list of headlines ("Most read") on one line.  Bare numbers 1, 2, 3, 4 in
 * this order, each at a word start and before a capital or a digit. */
static int numbered_run(const char *t, size_t n) {
  size_t i;
  unsigned next = 1;
  for (i = 0; i + 2 < n && next <= 4; i++) {
    unsigned v = 0;
    size_t j = i;
    if ((i > 0 && t[i - 1] != ' ') || t[i] < '1' || t[i] > '9') continue;
    while (j < n && t[j] >= '0' && t[j] <= '9' && j - i < 3) v = v * 10 + (unsigned)(t[j++] - '0');
    if (v == next && j + 1 < n && t[j] == ' ' &&
        (cp_upper(cp_at(t, n, j + 1)) || (t[j + 1] >= '0' && t[j + 1] <= '9') ||
         (unsigned char)t[j + 1] >= 0x80))
      next++;
  }
  return next > 4;
}

static int content_class(const kzi_article_doc *d, const kzi_block *b) {
  const kzi_feat *f = &b->f;
  int und = !d->lang[0] || strcmp(d->lang, "und") == 0 || d->weak_stops;
  unsigned dens100 = f->words ? f->stops * 100 / f->words : 0;
  int sentence_end = f->end_punct == END_TERM || f->end_punct == END_QUESTION;
  if (f->nav) return CLS_BAD;
  if (f->words < 4) return CLS_SHORT;
  if (!und && f->words >= 8 && dens100 < 12) return CLS_BAD;
  /* mostly capitalized words and no sentence end: a tag cloud or headlines
   * run together on one line, not prose (German nouns make about a third) */
  if (f->words >= 12 && f->caps * 100 >= f->words * 55 && !sentence_end) return CLS_SHORT;
  /* (a table of figures, numbered rows, is not one) */
  if (f->digits_words >= 4 && f->digits_words * 4 < f->words && numbered_run(kzi_art_text(d, b->text), b->len)) return CLS_SHORT;
  if (!sentence_end && f->end_punct != END_COMMA && f->words < 25) return CLS_SHORT;
  if (f->words >= 20 && (und || dens100 >= 22)) return CLS_GOOD;
  if (f->words >= 10 && f->sentences >= 2 && (und || dens100 >= 18)) return CLS_GOOD;
  if (sentence_end || f->words >= 25) return CLS_NEAR;
  return CLS_SHORT;
}

/* "3 of 12 Shoppers wait ...": a photo gallery's caption. */
static int gallery_caption(const char *t, size_t n) {
  size_t i = 0, a = 0, m = 0;
  if (starts_with_ci(t, n, "photo ")) i = 6;
  else if (starts_with_ci(t, n, "image ")) i = 6;
  for (; i < n && t[i] >= '0' && t[i] <= '9' && a < 4; i++, a++) {}
  if (a == 0 || a > 3 || i + 4 >= n || memcmp(t + i, " of ", 4) != 0) return 0;
  for (i += 4; i < n && t[i] >= '0' && t[i] <= '9' && m < 4; i++, m++) {}
  return m > 0 && m <= 3 && (i == n || t[i] == ' ');
}

/* "— Jane Doe (@jdoe) November 18, 2019": the credit line under an
 * embedded social-media post. */
static int tweet_credit(const kzi_article_doc *d, const kzi_block *b) {
  const char *t = kzi_art_text(d, b->text);
  size_t n = b->len;
  if (b->f.words > 16 || n < 6) return 0;
  if (!(starts_with_ci(t, n, "\xe2\x80\x94 ") || starts_with_ci(t, n, "\xe2\x80\x93 ") ||
        starts_with_ci(t, n, "- ") || starts_with_ci(t, n, "-- ")))
    return 0;
  return find_bytes(t, n, "(@", 2);
}

static long block_score(const kzi_article_doc *d, const kzi_block *b) {
  if (b->dup >= 0) return 0;
  /* a date line inside a run starts another item of a list */
  if (b->f.has_date && b->f.words <= 12 && b->cls <= CLS_SHORT) return -25;
  if (b->f.words >= 3 && gallery_caption(kzi_art_text(d, b->text), b->len)) return 0;
  switch (b->cls) {
    case CLS_GOOD: return (long)b->f.words;
    case CLS_NEAR: return (long)b->f.words / 2;
    case CLS_SHORT: return b->f.words <= 16 ? -2 : -(long)b->f.words / 4;
    default:
      /* "Related articles": the article is over */
      if (b->f.nav == KZI_NAV_END) return b->f.inbox ? -8 : -400;
      return -(long)(b->f.words > 4 ? b->f.words : 4);
  }
}

/* A title separator ending at t[k-1] (" - ", " | ", " – ", " — ", " · ",
 * " :: ", " » "): its length, or 0. */
static size_t title_sep(const char *t, size_t k) {
  static const char *const seps[] = {" - ", " | ", " \xe2\x80\x93 ", " \xe2\x80\x94 ",
                                     " \xc2\xb7 ", " :: ", " \xc2\xbb ", NULL};
  size_t j;
  for (j = 0; seps[j]; j++) {
    size_t m = strlen(seps[j]);
    if (k >= m && memcmp(t + k - m, seps[j], m) == 0) return m;
  }
  return 0;
}

static long find_block(const kzi_article_doc *d, const char *s, size_t n) {
  size_t i;
  if (n < 12) return -1;
  for (i = 1; i < d->nblocks && i < 4000; i++)
    if (d->blocks[i].len == n && memcmp(kzi_art_text(d, d->blocks[i].text), s, n) == 0)
      return (long)i;
  return -1;
}

/* The page title's first line often reads "Headline - Site" (or "Site |
 * Headline"); the block that repeats the headline is where the article
 * starts.  Returns its index or -1. */
static long headline_anchor(const kzi_article_doc *d) {
  const char *t0;
  size_t n0, k, m;
  long at;
  if (d->nblocks < 2) return -1;
  t0 = kzi_art_text(d, d->blocks[0].text);
  n0 = d->blocks[0].len;
  /* "Headline - Section - Site": cut at each separator from the right */
  for (k = n0; k > 3; k--) {
    if ((m = title_sep(t0, k)) == 0) continue;
    if ((at = find_block(d, t0, k - m)) >= 0) return at;
    k -= m - 1;
  }
  /* "Site | Headline" */
  for (k = 1; k < n0 && k < 80; k++)
    if ((m = title_sep(t0, k)) != 0) return find_block(d, t0 + k, n0 - k);
  /* the title line alone, repeated over the article */
  if (d->blocks[0].f.words >= 3)
    for (k = 1; k < d->nblocks && k < 4000; k++)
      if (d->blocks[k].dup == 0 && d->blocks[k].len == n0 &&
          memcmp(kzi_art_text(d, d->blocks[k].text), t0, n0) == 0)
        return (long)k;
  return -1;
}

/* A block of a toolbar: furniture of at most three words ("Print",
 * "Email", "Twitter"). */
static int toolbar_item(const kzi_block *b) {
  return b->f.nav == KZI_NAV_FURNITURE && b->f.words <= 3;
}

/* "jdoe says:", "Anna on May 2, 2019 at 4:47 pm said:": the header of a
 * reader's comment. */
static int comment_header(const kzi_article_doc *d, const kzi_block *b) {
  static const char *const verbs[] = {"says", "said", "wrote", "writes", "schreibt",
                                      "schrieb", "пишет", "писал", "écrit", "escribió",
                                      "dice", "commented", "replied", NULL};
  const char *t = kzi_art_text(d, b->text);
  size_t n = b->len, e, k;
  char lw[16];
  if (b->f.words == 0 || b->f.words > 14 || n < 4 || t[n - 1] != ':') return 0;
  e = n - 1;
  while (e > 0 && t[e - 1] == ' ') e--;
  k = e;
  while (k > 0 && t[k - 1] != ' ') k--;
  if (k == 0 && b->f.words > 1) return 0;
  if (!kzi_word_lower(t + k, e - k, lw, sizeof lw)) return 0;
  for (k = 0; verbs[k]; k++)
    if (strcmp(lw, verbs[k]) == 0) return 1;
  return 0;
}

/* Is the section-end line at i only an inline box ("Related Stories" and a
 * few headline links inside the article, whose text then goes on)?  The
 * block before it is prose, at most six link-like blocks (no dates) follow
 * it, and then prose again: two blocks or forty words among the next four.
 * Marks the box's links. */
static int inline_box(kzi_article_doc *d, size_t i) {
  size_t j, k, links = 0;
  unsigned words = 0, prose = 0;
  long p = (long)i - 1;
  while (p >= 0 && d->blocks[p].dup >= 0) p--;
  if (p < 0 || d->blocks[p].cls < CLS_NEAR) return 0;
  for (j = i + 1; j < d->nblocks && links <= 6; j++) {
    const kzi_block *b = &d->blocks[j];
    if (b->cls >= CLS_NEAR && !b->f.nav) break;
    if (b->f.words > 24 || ((b->f.nav == KZI_NAV_END || b->f.nav == KZI_NAV_COMMENTS) && b->dup < 0))
      return 0;
    /* teasers with dates or authors: a list of articles, not a box */
    if (b->f.has_date || b->f.digits_words * 2 > b->f.words) return 0;
    links++;
  }
  if (links > 6) return 0;
  for (k = j; k < d->nblocks && k < j + 4; k++) {
    const kzi_block *b = &d->blocks[k];
    if (b->f.nav == KZI_NAV_END || b->f.nav == KZI_NAV_COMMENTS) break;
    if (b->cls >= CLS_NEAR && !b->f.nav) {
      prose++;
      words += b->f.words;
    }
  }
  if (prose < 2 && words < 40) return 0;
  for (k = i + 1; k < j; k++) d->blocks[k].f.inbox = 1;
  return 1;
}

/* The opening or closing quotation mark at the start of s[0..n) / the end
 * of it: its length in bytes, or 0. */
static size_t quote_mark(const char *s, size_t n, int closing) {
  static const char *const marks[] = {"\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e",
                                      "\xc2\xab", "\xc2\xbb", "'", "\xe2\x80\x98",
                                      "\xe2\x80\x99", NULL};
  size_t j;
  for (j = 0; marks[j]; j++) {
    size_t m = strlen(marks[j]);
    if (n >= m && memcmp(closing ? s + n - m : s, marks[j], m) == 0) return m;
  }
  return 0;
}

/* Is block i a pull quote: a whole quotation of 5 to 50 words, printed
 * apart, whose words a paragraph within 30 blocks holds as well?  The
 * searches draw on *budget (bytes), which keeps them linear. */
static int find_bytes(const char *h, size_t hn, const char *nd, size_t nn) {
  const char *p = h, *end = h + hn;
  while (nn && (size_t)(end - p) >= nn) {
    p = memchr(p, nd[0], (size_t)(end - p) - nn + 1);
    if (p == NULL) return 0;
    if (memcmp(p, nd, nn) == 0) return 1;
    p++;
  }
  return 0;
}

static int pull_quote(const kzi_article_doc *d, long i, size_t *budget) {
  const kzi_block *b = &d->blocks[i];
  const char *t = kzi_art_text(d, b->text), *q;
  size_t n = b->len, a, z, qn;
  long j;
  if (b->f.words < 5 || b->f.words > 50 || b->dup >= 0) return 0;
  if ((a = quote_mark(t, n, 0)) == 0) return 0;
  /* the closing mark, maybe after the final stop */
  z = n;
  if (z > 0 && (t[z - 1] == '.' || t[z - 1] == ',')) z--;
  if (z <= a || quote_mark(t + a, z - a, 1) == 0) return 0;
  z -= quote_mark(t + a, z - a, 1);
  q = t + a;
  qn = z - a;
  if (qn < 20) return 0;
  /* a quotation inside: not one quote */
  for (j = 0; j < (long)qn; j++)
    if (q[j] == '"' || ((unsigned char)q[j] == 0xe2 && j + 2 < (long)qn &&
                        (unsigned char)q[j + 1] == 0x80 && (unsigned char)q[j + 2] == 0x9c))
      return 0;
  if (qn > 60) qn = 60; /* the start is enough to find it again */
  for (j = i - 30 < 0 ? 0 : i - 30; j < (long)d->nblocks && j <= i + 30; j++) {
    const kzi_block *p = &d->blocks[j];
    if (j == i || p->dup >= 0 || p->len < b->len + 20 || p->len > *budget) continue;
    *budget -= p->len; /* the searches stay linear in the input */
    if (find_bytes(kzi_art_text(d, p->text), p->len, q, qn)) return 1;
  }
  return 0;
}

/* Maximum-sum run of blocks.  A section-end line ("Related articles") is a
 * barrier no run crosses; as an article comes before its comments and
 * teasers, the first section whose best run scores at least 40% of the
 * page's best is taken.  Reader comments are cut off: once some article
 * text has been seen (after the headline, when it is known), a comment
 * heading ("34 Comments", "Leave a Reply") or a comment header ("jdoe
 * says:", when the page has several) ends the search, and the blocks from
 * there on are comments. */
static void main_region(kzi_article_doc *d) {
  long anchor = headline_anchor(d), global = 0;
  size_t i, end = d->nblocks, headers = 0;
  int pass;
  d->region_lo = 0;
  d->region_hi = -1;
  d->comments_from = -1;
  for (i = 0; i < d->nblocks; i++) {
    kzi_block *b = &d->blocks[i];
    if (b->f.words <= 14 && comment_header(d, b)) headers++;
    if (b->f.nav == KZI_NAV_END && b->dup < 0 && inline_box(d, i)) b->f.inbox = 1;
  }
  for (pass = 0; pass < 2; pass++) {
    long best = 0, cur = 0, blo = 0, bhi = -1, seen = 0;
    size_t s = 0;
    for (i = 0; i <= end; i++) {
      const kzi_block *b = i < end ? &d->blocks[i] : NULL;
      int comments = b && b->dup < 0 &&
                     (b->f.nav == KZI_NAV_COMMENTS || (headers >= 3 && comment_header(d, b)));
      /* "Facebook Twitter Comments Print": a share bar, not the comments */
      if (comments && ((i > 0 && toolbar_item(&d->blocks[i - 1])) ||
                       (i + 1 < d->nblocks && toolbar_item(&d->blocks[i + 1]))))
        comments = 0;
      int barrier = i == end || comments ||
                    (b->f.nav == KZI_NAV_END && b->dup < 0 && !b->f.inbox);
      if (barrier) {
        if (best > seen) seen = best;
        if (pass == 0 && best > global) {
          global = best;
          d->region_lo = blo;
          d->region_hi = bhi;
        }
        if (pass == 1 && best > 0 && best * 10 >= global * 4) {
          d->region_lo = blo;
          d->region_hi = bhi;
          return;
        }
        if (pass == 0 && comments && seen >= 30 && (anchor < 0 || (long)i > anchor)) {
          end = i;
          d->comments_from = (long)i;
        }
        best = cur = 0;
        bhi = -1;
        continue;
      }
      {
        long v = block_score(d, b);
        /* the article starts at the repeated headline */
        if (anchor >= 0 && (long)i < anchor && v > 0) v = 0;
        if (anchor >= 0 && (long)i > anchor && (long)i <= anchor + 12 && v > 0) v *= 2;
        if (cur <= 0) { cur = v; s = i; }
        else cur += v;
        if (cur > best) { best = cur; blo = (long)s; bhi = (long)i; }
      }
    }
  }
}

/* ----------------------------------------------------------------------
 * Notes after the article
 * ---------------------------------------------------------------------- */
/* Does s[0..n) hold the lowercase ASCII word w (at word boundaries)? */
static int has_word_at(const char *s, size_t n, const char *w) {
  size_t m = strlen(w), i;
  for (i = 0; i + m <= n; i++) {
    unsigned char before = i > 0 ? (unsigned char)s[i - 1] : ' ';
    unsigned char after = i + m < n ? (unsigned char)s[i + m] : ' ';
    if (!starts_with_ci(s + i, n - i, w)) continue;
    if ((before < 0x80 && ascii_word[before]) || (after < 0x80 && ascii_word[after])) continue;
    return 1;
  }
  return 0;
}

/* "Meg James is a reporter for ...", "Pulitzer Prize-winning journalist X
 * writes ...": the author's note.  Its first sentence names a newsroom role
 * and links a short subject to it ("is a", "writes", "covers"). */
static int author_note(const char *t, size_t n) {
  static const char *const roles[] = {
    "reporter", "writer", "journalist", "correspondent", "editor", "columnist",
    "contributor", "blogger", "freelance", "freelancer", "producer", "critic",
    "photographer", "redakteur", "redakteurin", "korrespondent", "korrespondentin",
    "journalistin", "autor", "autorin", "journaliste", "rédacteur", "rédactrice",
    "correspondant", "correspondante", "periodista", "redactor", "redactora",
    "corresponsal", NULL};
  static const char *const links[] = {
    " is a ", " is an ", " is the ", " was a ", " writes ", " covers ", " has covered ",
    " reports on ", " has written ", " am a ", " am an ", " ist ", " est ", " es ", NULL};
  size_t e = first_sentence_end(t, n, 400), j, at = e;
  size_t lim = e < 100 ? e : 100, k;
  if (!cp_upper(cp_at(t, n, 0))) return 0;
  /* the link word comes within the first 90 bytes */
  for (k = 0; k < lim && at == e; k++) {
    if (t[k] != ' ') continue;
    for (j = 0; links[j]; j++)
      if (starts_with_ci(t + k, e - k, links[j])) { at = k; break; }
  }
  if (at >= e || at > 90) return 0;
  for (j = 0; roles[j]; j++)
    if (has_word_at(t, e, roles[j])) return 1;
  return 0;
}

/* "Get breaking news alerts ...", "Join our forums ...", "Follow us on
 * ...": a call to the reader, opened by an imperative, from "us" (or with
 * a handle) or about a subscription. */
static int reader_call(const char *t, size_t n) {
  static const char *const verbs[] = {
    "get ", "join ", "follow ", "sign up", "subscribe", "download ", "like us", "let our ",
    "support ", "click ", "tap ", "register ", "become a ", "don't miss", "never miss",
    "stay up", "stay informed", "stay connected", "stay tuned", "enter your", "email us",
    "send us", "tell us", "share your", "check out our", "want more", "like what you",
    "find us", "read more", "like this story", "like this article", "enjoyed this article",
    "enjoyed this story", NULL};
  static const char *const subs[] = {"newsletter", "newsletters", "alerts", "inbox", "updates",
                                     "unsubscribe", "subscription", "app", "podcast",
                                     "twitter", "facebook", "instagram", "youtube", "linkedin",
                                     NULL};
  size_t j;
  for (j = 0; verbs[j]; j++)
    if (starts_with_ci(t, n, verbs[j])) break;
  if (!verbs[j]) return 0;
  /* "Subscribe to X and ...", "Sign up for ...", "Like this story? ...":
   * the opening says it all */
  if (strcmp(verbs[j], "sign up") == 0 || strcmp(verbs[j], "subscribe") == 0 ||
      strncmp(verbs[j], "like this", 9) == 0 || strncmp(verbs[j], "enjoyed this", 12) == 0)
    return 1;
  if (memchr(t, '@', n) || has_word_at(t, n, "our") || has_word_at(t, n, "us") ||
      has_word_at(t, n, "me"))
    return 1;
  for (j = 0; subs[j]; j++)
    if (has_word_at(t, n, subs[j])) return 1;
  return 0;
}

/* "X's book ... is out now. Follow him on Twitter @x.": a note whose
 * later sentence asks the reader to follow the author or the site. */
static int follow_note(const char *t, size_t n) {
  static const char *const follows[] = {"follow him ", "follow her ", "follow me ", "follow us ",
                                        "follow them ", NULL};
  size_t i;
  for (i = 2; i + 10 < n; i++)
    if ((t[i] == 'F' || t[i] == 'f') && t[i - 1] == ' ' &&
        (t[i - 2] == '.' || t[i - 2] == '!' || t[i - 2] == ')') && any_mark(t + i, n - i, follows))
      return 1;
  return 0;
}

/* "Acme (NYSE: ACM) is a leading provider of ...", "Acme is headquartered
 * in ...": the "About the company" note of a press release.  Its first
 * sentence links a short capitalized subject to what the company is, in the
 * words such notes use; after an "About ..." heading any such link will do
 * (about_heading). */
static int company_note(const char *t, size_t n, int about_heading) {
  static const char *const links[] = {" is a ", " is an ", " is the ", " is one of the ",
                                      " is headquartered ", " was founded ", NULL};
  static const char *const kinds[] = {
    "provider", "providers", "manufacturer", "manufacturers", "supplier", "suppliers",
    "developer", "developers", "maker", "makers", "headquartered", "subsidiary",
    "publicly traded", "privately held", "nyse:", "nasdaq:", "six:", "lse:", "tsx:", NULL};
  static const char *const adjs[] = {"leading", "global", "worldwide", "world's", "international", NULL};
  size_t e, j, at = n, k;
  if (!cp_upper(cp_at(t, n, 0))) return 0;
  for (k = 0; k < n && k < 70 && at == n; k++) {
    if (t[k] != ' ' || t[k + 1] < 'a' || t[k + 1] > 'w') continue;
    for (j = 0; links[j]; j++)
      if (starts_with_ci(t + k, n - k, links[j])) { at = k; break; }
  }
  if (at >= n || (e = first_sentence_end(t, n, 400)) <= at) return 0;
  if (about_heading) return 1;
  for (j = 0; kinds[j]; j++)
    if (has_word_at(t, e, kinds[j]) && (j >= 12 || strcmp(kinds[j], "headquartered") == 0)) return 1;
  /* "is a global solutions provider", "is the world's leading maker of" */
  for (j = 0; adjs[j]; j++)
    if (has_word_at(t + at, e - at, adjs[j])) break;
  if (!adjs[j]) return 0;
  for (j = 0; j < 10; j++)
    if (has_word_at(t + at, e - at, kinds[j])) return 1;
  return 0;
}

/* Does a heading "About Acme" ("Über ...", "À propos de ...") of at most
 * five words come just before block i? */
static int after_about(const kzi_article_doc *d, long i) {
  static const char *const abouts[] = {"about ", "\xc3\xbc" "ber ", "\xc3\x9c" "ber ",
                                       "\xc3\xa0 propos ", "\xc3\x80 propos ", "acerca de ",
                                       "sobre ", "informazioni su ", NULL};
  const kzi_block *h;
  size_t j;
  while (--i >= 0 && d->blocks[i].dup >= 0) {}
  if (i < 0) return 0;
  h = &d->blocks[i];
  if (h->kind != KZ_BLOCK_HEADING || h->f.words < 2 || h->f.words > 5) return 0;
  for (j = 0; abouts[j]; j++)
    if (starts_with_ci(kzi_art_text(d, h->text), h->len, abouts[j])) return 1;
  return 0;
}

/* After a note that closes an article (an author's note, a call to the
 * reader), teasers may follow inside the main text: headline, kicker or
 * source lines, each with a one-paragraph summary.  Are the live blocks
 * after c up to hi such a list: at least three paragraphs of at most 60
 * words, hardly ever (one time in four) two of them next to each other? */
static int teaser_tail(const kzi_article_doc *d, long c, long hi) {
  long i;
  unsigned paras = 0, lead = 0, adjacent = 0;
  int prev_para = 0;
  /* up to two short paragraphs that go on with the note ("Want more
   * stories like this? ...") */
  for (i = c + 1; i <= hi && i < (long)d->nblocks && lead < 2; i++) {
    const kzi_block *b = &d->blocks[i];
    if (b->dup >= 0) continue;
    if (b->kind != KZ_BLOCK_PARAGRAPH || b->f.words > 30) break;
    lead++;
  }
  for (i = c + 1 + lead; i <= hi && i < (long)d->nblocks; i++) {
    const kzi_block *b = &d->blocks[i];
    int para = b->kind == KZ_BLOCK_PARAGRAPH || b->kind == KZ_BLOCK_STANDFIRST;
    if (b->dup >= 0) continue;
    if (para) {
      if (b->f.words > 60) return 0;
      adjacent += prev_para;
      paras++;
    }
    prev_para = para;
  }
  return paras >= 3 && adjacent * 4 <= paras;
}

/* Calls to the reader inside the main text, and author's notes in its
 * second half (where the article has ended: such a note comes last or
 * among the teasers after it), are not the article; nor is a company's
 * note after the first third (a press release's is last, but the contacts
 * and the sign-up forms of the site may follow), or the paragraphs right
 * after it that start with the same name.  When teasers follow such a closing note, they go
 * too. */
static void reader_notes(kzi_article_doc *d) {
  long i, lo = d->region_lo, hi = d->region_hi, closing = -1;
  size_t subj = 0;
  const char *name = NULL;
  unsigned long total = 0, before = 0;
  for (i = lo; i <= hi && i >= 0 && i < (long)d->nblocks; i++)
    if (d->blocks[i].dup < 0 && d->blocks[i].kind == KZ_BLOCK_PARAGRAPH) total += d->blocks[i].f.words;
  for (i = lo; i <= hi && i >= 0 && i < (long)d->nblocks; i++) {
    kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    /* in the second half by blocks, or after half of the text's words */
    int late = i > lo + (hi - lo) / 2 || before * 2 >= total;
    if (b->dup < 0 && b->kind == KZ_BLOCK_PARAGRAPH) before += b->f.words;
    if (b->dup >= 0 || b->f.words < 5 || b->f.words > 90) continue;
    if (b->kind == KZ_BLOCK_HEADING && late && b->f.words <= 20 && author_note(t, b->len)) {
      b->kind = KZ_BLOCK_BOILERPLATE;
      if (closing < 0) closing = i;
      continue;
    }
    if (b->kind != KZ_BLOCK_PARAGRAPH) continue;
    if ((b->f.words <= 40 && reader_call(t, b->len)) ||
        (late && (author_note(t, b->len) || (b->f.words <= 70 && follow_note(t, b->len))))) {
      b->kind = KZ_BLOCK_BOILERPLATE;
      if (late && closing < 0) closing = i;
    } else if (i > lo + (hi - lo) / 3 && ((name && subj < b->len && memcmp(t, name, subj) == 0 && t[subj] == ' ') ||
                        company_note(t, b->len, after_about(d, i)))) {
      b->kind = KZ_BLOCK_BOILERPLATE;
      if (!name) {
        name = t;
        for (subj = 0; subj < b->len && t[subj] != ' '; subj++) {}
      }
    }
  }
  if (closing >= 0 && teaser_tail(d, closing, hi))
    for (i = closing + 1; i <= hi; i++)
      if (d->blocks[i].kind == KZ_BLOCK_PARAGRAPH || d->blocks[i].kind == KZ_BLOCK_STANDFIRST ||
          d->blocks[i].kind == KZ_BLOCK_HEADING)
        d->blocks[i].kind = KZ_BLOCK_RELATED_LINK;
}

void kzi_classify(kzi_article_doc *d) {
  long i, n = (long)d->nblocks, lo, hi, dl = -1;
  long nx = -1;
  {
    /* A language we have no good list for (detected wrongly, or a near
     * neighbour such as it or pt) shows as a low stopword density over the
     * prose: then density is not used. */
    unsigned long w = 0, st = 0;
    for (i = 0; i < n; i++)
      if (d->blocks[i].f.words >= 20) {
        w += d->blocks[i].f.words;
        st += d->blocks[i].f.stops;
      }
    d->weak_stops = w > 0 && st * 100 < w * 20;
  }
  for (i = 0; i < n; i++) d->blocks[i].cls = content_class(d, &d->blocks[i]);
  main_region(d);
  lo = d->region_lo;
  hi = d->region_hi;
  /* walk backwards first to know each block's next non-duplicate */
  for (i = n - 1; i >= 0; i--) {
    d->blocks[i].f.next_live = nx;
    if (d->blocks[i].dup < 0) nx = i;
  }
  for (i = 0; i < n; i++) {
    kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    size_t na;
    int inside = i >= lo && i <= hi;
    const kzi_feat *f = &b->f;
    long nxt = b->f.next_live;
    int next_prose = nxt >= 0 && d->blocks[nxt].cls >= CLS_NEAR;
    char iso[11], tm[6];
    size_t ds, de, cover = 0;
    if (f->nav == KZI_NAV_RELATED || (f->inbox && !f->nav)) {
      b->kind = KZ_BLOCK_RELATED_LINK;
      continue;
    }
    if (f->nav) { b->kind = KZ_BLOCK_BOILERPLATE; continue; }
    if (b->hint & KZI_HINT_CAPTION) { b->kind = KZ_BLOCK_CAPTION; continue; }
    if (f->has_date && f->words <= 14 &&
        kzi_date_find(t, b->len, iso, tm, &ds, &de, &cover) && cover * 2 >= b->len) {
      b->kind = KZ_BLOCK_BYLINE;
      continue;
    }
    if (f->words <= 12 && kzi_byline_at(t, b->len, &na) && f->end_punct != END_TERM) {
      b->kind = KZ_BLOCK_BYLINE;
      continue;
    }
    /* "From X:" above the text credits the source */
    if (f->words <= 5 && f->end_punct == END_COLON && starts_with_ci(t, b->len, "from ") && i < 3) {
      b->kind = KZ_BLOCK_CREDIT;
      continue;
    }
    /* photo credit: short, no sentence, "Name/Agency" or "Photo: X" */
    if (f->words <= 8 && f->end_punct != END_TERM && f->end_punct != END_QUESTION &&
        ((memchr(t, '/', b->len) && f->caps >= 1) ||
         starts_with_ci(t, b->len, "photo:") || starts_with_ci(t, b->len, "foto:") ||
         starts_with_ci(t, b->len, "credit:") || starts_with_ci(t, b->len, "image:") ||
         (b->len >= 2 && (unsigned char)t[0] == 0xc2 && (unsigned char)t[1] == 0xa9)) &&
        !strstr(t, "http") && !strstr(t, "www.")) {
      b->kind = KZ_BLOCK_CREDIT;
      continue;
    }
    if (!inside && d->comments_from >= 0 && i > d->comments_from) {
      b->kind = KZ_BLOCK_COMMENT;
      continue;
    }
    if (!inside) {
      if (f->words >= 3 && f->words <= 20 && f->first_upper && headingish(b) && b->cls == CLS_SHORT &&
          f->stops >= 1)
        b->kind = KZ_BLOCK_RELATED_LINK;
      else
        b->kind = KZ_BLOCK_BOILERPLATE;
      continue;
    }
    /* captions */
    if (f->words >= 3 && gallery_caption(t, b->len)) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    if (f->words >= 3 && f->words <= 120 &&
        (ends_with_credit(t, b->len) || (f->sentences <= 3 && caption_date(t, b->len)))) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    /* "© Name Caption text ..." */
    if (f->words >= 6 && f->words <= 70 && (unsigned char)t[0] == 0xc2 &&
        (unsigned char)t[1] == 0xa9) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    if (f->words >= 3 && f->words <= 60 && f->sentences <= 2 && contributor_line(t, b->len)) {
      b->kind = KZ_BLOCK_CREDIT;
      continue;
    }
    /* a bracketed block is a caption or a credit, unless it is an aside
     * in full sentences ("(We never did settle on one.)") */
    if (f->words >= 3 && f->words <= 40 && t[0] == '(' && t[b->len - 1] == ')' &&
        !(f->words >= 10 && memchr(".?!", t[b->len - 2], 3) && f->stops * 4 >= f->words &&
          !ends_with_credit(t, b->len))) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    if (f->words >= 5 && f->words <= 70 && f->sentences <= 5 && !f->has_quote &&
        (caption_marker(t, b->len) || caption_weekday_date(t, b->len))) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    if (f->words >= 4 && f->sentences <= 2 && f->end_punct == END_TERM &&
        has_word_ci(t, b->len, photo_words, 5) && !f->has_quote) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    /* printed twice in a row: captions are */
    if (f->words >= 5 && f->words <= 70 && f->end_punct == END_TERM && !f->has_quote &&
        ((i + 1 < n && d->blocks[i + 1].dup == i) || (b->dup >= 0 && b->dup == i - 1))) {
      b->kind = KZ_BLOCK_CAPTION;
      continue;
    }
    if (dl < 0 && is_dateline(d, b) && next_prose && i < lo + (hi - lo) / 2 + 1) {
      b->kind = KZ_BLOCK_BYLINE;
      dl = i;
      continue;
    }
    if (b->cls >= CLS_NEAR) { b->kind = KZ_BLOCK_PARAGRAPH; continue; }
    /* "..., which contains the following statement:" over the text it
     * introduces; an embedded post over its "— Name (@handle) date" */
    if ((f->words >= 8 && f->first_upper && f->end_punct == END_COLON && next_prose) ||
        (f->words >= 3 && nxt >= 0 && nxt <= hi && tweet_credit(d, &d->blocks[nxt])) ||
        tweet_credit(d, b)) {
      b->kind = KZ_BLOCK_PARAGRAPH;
      continue;
    }
    if (headingish(b) && (f->first_upper || (t[0] >= '0' && t[0] <= '9') || !f->words ||
                          (unsigned char)t[0] >= 0x80) && nxt >= 0) {
      b->kind = KZ_BLOCK_HEADING;
      continue;
    }
    if (f->words >= 4 && (f->end_punct == END_TERM || f->end_punct == END_QUESTION)) {
      b->kind = KZ_BLOCK_PARAGRAPH;
      continue;
    }
    b->kind = KZ_BLOCK_BOILERPLATE;
  }

  /* A label and its text printed twice: a side box. */
  for (i = 0; i + 1 < n; i++) {
    kzi_block *b = &d->blocks[i], *c = &d->blocks[i + 1];
    if (b->kind == KZ_BLOCK_HEADING && b->dup >= 0 && c->dup >= 0 && c->dup == b->dup + 1 &&
        b->f.words <= 8 && c->cls >= CLS_NEAR && c->f.words >= 8) {
      long k = b->dup;
      b->kind = c->kind = KZ_BLOCK_BOX;
      d->blocks[k].kind = d->blocks[k + 1].kind = KZ_BLOCK_BOX;
    }
  }

  /* A reposter's note between matching markers ("^ ... ^"). */
  for (i = lo; i >= 0 && i <= hi && i < n; i++) {
    kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    long j;
    if (b->len == 0 || !marker_char((unsigned char)t[0])) continue;
    for (j = i; j < n && j <= i + 12; j++) {
      const kzi_block *e = &d->blocks[j];
      const char *et = kzi_art_text(d, e->text);
      if (e->len && et[e->len - 1] == t[0] && (j > i || e->len > 1)) {
        long k;
        for (k = i; k <= j; k++) d->blocks[k].kind = KZ_BLOCK_COMMENT;
        i = j;
        break;
      }
    }
  }

  /* Pull quotes: a quotation set apart whose words the text repeats. */
  {
    size_t budget = 4 * d->text.n + 65536;
    for (i = lo; i >= 0 && i <= hi && i < n; i++)
      if ((d->blocks[i].kind == KZ_BLOCK_PARAGRAPH || d->blocks[i].kind == KZ_BLOCK_HEADING) &&
          pull_quote(d, i, &budget))
        d->blocks[i].kind = KZ_BLOCK_QUOTE_BOX;
  }

  /* Prose above the dateline is the summary (standfirst). */
  if (dl > 0) {
    for (i = lo; i < dl; i++)
      if (d->blocks[i].kind == KZ_BLOCK_PARAGRAPH) d->blocks[i].kind = KZ_BLOCK_STANDFIRST;
  }

  reader_notes(d);

  /* Duplicates take the kind of the block they repeat. */
  for (i = 0; i < n; i++) {
    kzi_block *b = &d->blocks[i];
    if (b->dup >= 0 && d->blocks[b->dup].kind != KZ_BLOCK_BOILERPLATE)
      b->kind = d->blocks[b->dup].kind;
  }
}
