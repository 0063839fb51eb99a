/*
 * entities.c - the analysis document and mentions of named things.
 *
 * An analysis document (kzi_adoc) is the article's body cut into its
 * paragraphs, with the headline and section headings appended after the
 * body (so body offsets stay those of kz_article_body()), and a light token
 * stream:
 *   - words: letters, digits and marks, with inner apostrophes ("don't",
 *     "O'Brien"); a possessive 's is cut off and flagged; a hyphen between
 *     letters splits the word and flags the second part (names such as
 *     "Kassym-Jomart" are re-joined by the mention finder); "U.S" joins;
 *   - numbers: digits with inner '.' or ',' between digits;
 *   - one token per punctuation or symbol character ('' and `` are read as
 *     double quotes).
 * Each token carries case flags and whether it opens a sentence (after
 * . ! ? unless the word before is an abbreviation, see abbrev.c).
 *
 * Mentions are maximal runs of capitalized words, joined through hyphens
 * and, inside organization names, through "of", "for", "and", "the" ...
 * A capitalized word that opens a sentence only starts a mention when the
 * document never uses it in lowercase (the document is its own dictionary).
 * Titles are split off the front ("Kazakh President Kassym-Jomart Tokayev"
 * -> title "Kazakh President", name "Kassym-Jomart Tokayev"), and
 * "Long Name (LN)" defines an acronym.  The kind comes from general cues:
 * organization and place words, a title, prepositions of place, name
 * morphology, and the shape of the name.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>

#include "analysis_int.h"

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */

bool kzi_tok_is(const kzi_adoc *d, uint32_t t, const char *w) {
  size_t n, i;
  const char *s;
  if (t >= d->ntok) return false;
  s = kzi_tok_s(d, t);
  n = kzi_tok_n(d, t);
  for (i = 0; i < n; i++) {
    unsigned char a = (unsigned char)s[i], b = (unsigned char)w[i];
    if (b == 0) return false;
    if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
    if (a != b) return false;
  }
  return w[n] == 0;
}

size_t kzi_tok_lower(const kzi_adoc *d, uint32_t t, char *buf, size_t cap) {
  size_t n, k;
  const char *s;
  if (t >= d->ntok || cap < 2) return 0;
  n = kzi_tok_n(d, t);
  if (n == 0 || n >= cap) return 0;
  s = kzi_tok_s(d, t);
  if (d->toks[t].flags & KZI_AF_ASCII) {
    for (k = 0; k < n; k++) {
      char c = s[k];
      buf[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
  } else {
    size_t ln = cap - 1;
    uint8_t *r = u8_tolower((const uint8_t *)s, n, NULL, NULL, (uint8_t *)buf, &ln);
    if (r == NULL) return 0;
    if (r != (uint8_t *)buf) { free(r); return 0; }
    if (ln >= cap) return 0;
    n = ln;
  }
  buf[n] = 0;
  return n;
}

uint64_t kzi_aword_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  size_t i;
  for (i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return (h & ~(uint64_t)0xffff) | 0x10000; /* never 0 in the high part */
}

static const char *wl_word(const kzi_wordlist *l, size_t i) {
  return *(const char *const *)((const char *)l->base + i * l->stride);
}

/* Every table built below, so that a destructor can free them when the
 * library is unloaded (a Lua or Python module is dlclose()d; leak checkers
 * would report the tables otherwise).  There are a few dozen word lists. */
#define MAX_BUILT_LISTS 256
static kzi_wordlist *_Atomic built_lists[MAX_BUILT_LISTS];
static atomic_size_t n_built_lists;

#if defined(__GNUC__)
__attribute__((destructor))
#endif
static void free_word_tables(void) {
  size_t i, n = atomic_load(&n_built_lists);
  if (n > MAX_BUILT_LISTS) n = MAX_BUILT_LISTS;
  for (i = 0; i < n; i++) {
    kzi_wordlist *l = atomic_exchange(&built_lists[i], NULL);
    if (l) free(atomic_exchange(&l->tab, NULL));
  }
}

static uint64_t *wl_table(kzi_wordlist *l) {
  uint64_t *tab = atomic_load_explicit(&l->tab, memory_order_acquire), *exp = NULL;
  size_t n = 0, cap = 64, i;
  if (tab) return tab;
  while (wl_word(l, n)) n++;
  while (cap < n * 4) cap *= 2;
  tab = calloc(cap + 1, sizeof *tab);
  if (tab == NULL) return NULL;
  tab[0] = cap - 1; /* the mask; slots follow */
  for (i = 0; i < n && i < 0xfffe; i++) {
    const char *w = wl_word(l, i);
    uint64_t h = kzi_aword_hash(w, strlen(w));
    size_t k = (size_t)(h >> 16) & (cap - 1);
    while (tab[1 + k]) {
      if ((tab[1 + k] & ~(uint64_t)0xffff) == h) break; /* duplicate word */
      k = (k + 1) & (cap - 1);
    }
    if (!tab[1 + k]) tab[1 + k] = h | (uint64_t)(i + 1);
  }
  if (!atomic_compare_exchange_strong_explicit(&l->tab, &exp, tab, memory_order_acq_rel,
                                               memory_order_acquire)) {
    free(tab);
    tab = exp;
  } else {
    size_t slot = atomic_fetch_add(&n_built_lists, 1);
    if (slot < MAX_BUILT_LISTS) atomic_store(&built_lists[slot], l);
  }
  return tab;
}

int kzi_tok_in(const kzi_adoc *d, uint32_t t, kzi_wordlist *list) {
  uint64_t *tab, h, mask;
  size_t k;
  if (t >= d->ntok || d->toks[t].h == 0) return -1;
  tab = wl_table(list);
  if (tab == NULL) return -1;
  h = d->toks[t].h;
  mask = tab[0];
  tab++;
  k = (size_t)(h >> 16) & mask;
  while (tab[k]) {
    if ((tab[k] & ~(uint64_t)0xffff) == h) {
      int idx = (int)(tab[k] & 0xffff) - 1;
      char buf[64];
      /* The hash matched; make sure of the word (ASCII without a copy). */
      if (d->toks[t].flags & KZI_AF_ASCII)
        return kzi_tok_is(d, t, wl_word(list, (size_t)idx)) ? idx : -1;
      if (kzi_tok_lower(d, t, buf, sizeof buf) && strcmp(buf, wl_word(list, (size_t)idx)) == 0)
        return idx;
      return -1;
    }
    k = (k + 1) & mask;
  }
  return -1;
}

uint32_t kzi_adoc_str(kzi_adoc *d, const char *s, size_t n) {
  size_t off = d->strs.n;
  if (d->rc) return KZI_NIL;
  if (off > 0x7fffffffu) { d->rc = KZ_ELIMIT; return KZI_NIL; }
  if (kzi_buf_reserve(&d->strs, n + 1) != KZ_OK) { d->rc = KZ_ENOMEM; return KZI_NIL; }
  if (n) memcpy(d->strs.p + off, s, n);
  d->strs.p[off + n] = 0;
  d->strs.n += n + 1;
  return (uint32_t)off;
}

/* The hash of a word as the token stream computes it (kzi_aword_hash() of
 * the lowercased word), lowercasing ASCII on the way. */
static uint64_t hash_lower(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    h = (h ^ c) * 1099511628211ull;
  }
  return (h & ~(uint64_t)0xffff) | 0x10000;
}

/* Remember a lowercase word by its token hash h (never 0). */
static void lower_add(kzi_adoc *d, uint64_t h) {
  size_t i;
  if (d->rc || h == 0) return;
  if (d->lower_n * 2 + 2 > d->lower_cap) {
    size_t nc = d->lower_cap ? d->lower_cap * 2 : 1024, j;
    uint64_t *nt = calloc(nc, sizeof *nt);
    if (nt == NULL) { d->rc = KZ_ENOMEM; return; }
    for (j = 0; j < d->lower_cap; j++) {
      uint64_t v = d->lower[j];
      if (v) {
        size_t k = (size_t)(v >> 16) & (nc - 1);
        while (nt[k]) k = (k + 1) & (nc - 1);
        nt[k] = v;
      }
    }
    free(d->lower);
    d->lower = nt;
    d->lower_cap = nc;
  }
  i = (size_t)(h >> 16) & (d->lower_cap - 1);
  while (d->lower[i]) {
    if (d->lower[i] == h) return;
    i = (i + 1) & (d->lower_cap - 1);
  }
  d->lower[i] = h;
  d->lower_n++;
}

bool kzi_adoc_has_lower(const kzi_adoc *d, const char *s, size_t n) {
  uint64_t h;
  size_t i;
  char buf[96];
  if (d->lower_cap == 0) return false;
  /* Non-ASCII capitals need real case mapping. */
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) break;
  if (i < n) {
    size_t ln = sizeof buf;
    uint8_t *r = u8_tolower((const uint8_t *)s, n, NULL, NULL, (uint8_t *)buf, &ln);
    if (r == NULL) return false;
    if (r != (uint8_t *)buf) { free(r); return false; }
    s = buf;
    n = ln;
  }
  h = hash_lower(s, n);
  i = (size_t)(h >> 16) & (d->lower_cap - 1);
  while (d->lower[i]) {
    if (d->lower[i] == h) return true;
    i = (i + 1) & (d->lower_cap - 1);
  }
  return false;
}

/* ---------------------------------------------------------------------
 * JSON helpers
 * --------------------------------------------------------------------- */

void kzi_ajson_raw(kzi_buf *b, int *rc, const char *s) {
  if (*rc) return;
  *rc = kzi_buf_append(b, s, strlen(s));
}

void kzi_ajson_str(kzi_buf *b, int *rc, const char *s) {
  size_t i, run = 0, n;
  char esc[8];
  if (*rc) return;
  if (s == NULL) { kzi_ajson_raw(b, rc, "null"); return; }
  n = strlen(s);
  kzi_ajson_raw(b, rc, "\"");
  for (i = 0; i < n && !*rc; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
      if (run) *rc = kzi_buf_append(b, s + i - run, run);
      run = 0;
      if (c == '"') kzi_ajson_raw(b, rc, "\\\"");
      else if (c == '\\') kzi_ajson_raw(b, rc, "\\\\");
      else if (c == '\n') kzi_ajson_raw(b, rc, "\\n");
      else {
        snprintf(esc, sizeof esc, "\\u%04x", c);
        kzi_ajson_raw(b, rc, esc);
      }
    } else {
      run++;
    }
  }
  if (run && !*rc) *rc = kzi_buf_append(b, s + n - run, run);
  kzi_ajson_raw(b, rc, "\"");
}

void kzi_ajson_num(kzi_buf *b, int *rc, double v) {
  char tmp[40];
  if (v != v || v > 1e300 || v < -1e300) { kzi_ajson_raw(b, rc, "null"); return; }
  if (v == (double)(long long)v && v < 9e15 && v > -9e15)
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
  else
    snprintf(tmp, sizeof tmp, "%.15g", v);
  kzi_ajson_raw(b, rc, tmp);
}

void kzi_ajson_size(kzi_buf *b, int *rc, size_t v) {
  char tmp[32];
  if (v == KZ_NO_OFFSET) { kzi_ajson_raw(b, rc, "null"); return; }
  snprintf(tmp, sizeof tmp, "%zu", v);
  kzi_ajson_raw(b, rc, tmp);
}

int kzi_ajson_out(kzi_buf *b, int rc, kz_buf *out) {
  char *p;
  if (rc) { kzi_buf_free(b); return kzi_seterr(NULL, rc, "out of memory writing JSON"); }
  p = realloc(out->ptr, out->len + b->n + 1);
  if (p == NULL) { kzi_buf_free(b); return kzi_seterr(NULL, KZ_ENOMEM, "out of memory writing JSON"); }
  if (b->n) memcpy(p + out->len, b->p, b->n);
  out->ptr = p;
  out->len += b->n;
  p[out->len] = 0;
  kzi_buf_free(b);
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Tokenizer
 * --------------------------------------------------------------------- */

static bool is_space_cp(int32_t c) {
  return c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
         c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

static const unsigned char ascii_alnum[256] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
  ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
  ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
  ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
  ['y'] = 1, ['z'] = 1,
};

static bool is_word_cp(int32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c < 0) return false;
  return uc_is_alpha((ucs4_t)c) || uc_is_digit((ucs4_t)c) ||
         uc_is_general_category((ucs4_t)c, UC_CATEGORY_M);
}

static bool is_apostrophe(int32_t c) { return c == '\'' || c == 0x2019 || c == 0x2bc; }
static bool is_hyphen(int32_t c) { return c == '-' || c == 0x2010 || c == 0x2011; }

static bool is_symbol_cp(int32_t c) {
  switch (c) {
    case '$': case '%': case '+': case '=': case '<': case '>': case '&':
    case '#': case '@': case '^': case '|': case '~':
    case 0xa2: case 0xa3: case 0xa5: case 0xb0: case 0x20ac: case 0x20bd:
    case 0x20b8: case 0x20b4: case 0x20b9: case 0x20a9: case 0x2030: case 0x20ba:
      return true;
    default:
      return false;
  }
}

static int32_t dec(const kzi_adoc *d, size_t i, size_t end, size_t *len) {
  unsigned char c = (unsigned char)d->text[i];
  int32_t cp;
  if (c < 0x80) { *len = 1; return c; }
  cp = kzi_utf8_decode((const unsigned char *)d->text + i, end - i, len);
  return cp;
}

/* Append a token; h is the hash of a word already computed, or 0. */
static int push_tok(kzi_adoc *d, size_t s, size_t e, int kind, unsigned flags,
                    uint32_t cp, uint32_t para, uint64_t h) {
  kzi_atok *t;
  if (d->rc) return d->rc;
  if (d->ntok == d->tcap) {
    size_t nc = d->tcap ? d->tcap * 2 : 512;
    kzi_atok *nt = realloc(d->toks, nc * sizeof *nt);
    if (nt == NULL) return d->rc = KZ_ENOMEM;
    d->toks = nt;
    d->tcap = nc;
  }
  t = &d->toks[d->ntok++];
  t->start = (uint32_t)s;
  t->end = (uint32_t)e;
  t->kind = (uint16_t)kind;
  t->flags = (uint16_t)flags;
  t->cp = cp;
  t->para = para;
  t->h = h;
  if (kind == KZI_AT_WORD && h == 0) {
    if (flags & KZI_AF_ASCII) {
      uint64_t h = 1469598103934665603ull;
      size_t i;
      for (i = s; i < e; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        h = (h ^ c) * 1099511628211ull;
      }
      t->h = (h & ~(uint64_t)0xffff) | 0x10000;
    } else {
      char buf[64];
      size_t n = kzi_tok_lower(d, (uint32_t)(d->ntok - 1), buf, sizeof buf);
      if (n) t->h = kzi_aword_hash(buf, n);
    }
  }
  return KZ_OK;
}

/* Case flags of the word s[0..n).  For an ASCII word *h receives its hash
 * (as push_tok() computes it), in the same pass. */
static unsigned case_flags(const char *s, size_t n, bool *ascii, uint64_t *h) {
  size_t i = 0, l;
  unsigned letters = 0, upper = 0, f = 0;
  bool first = true;
  uint64_t fnv = 1469598103934665603ull;
  *ascii = true;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
    if (c >= 0x80) break;
    if (up || lo) {
      if (first) f |= up ? KZI_AF_CAP : KZI_AF_LOWER;
      first = false;
      letters++;
      upper += up;
    }
    fnv = (fnv ^ (unsigned char)(up ? c + 32 : c)) * 1099511628211ull;
  }
  if (i == n) {
    if (letters >= 2 && upper == letters) f |= KZI_AF_ALLCAPS;
    *h = (fnv & ~(uint64_t)0xffff) | 0x10000;
    return f;
  }
  *h = 0;
  letters = upper = f = 0;
  first = true;
  i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    int32_t cp;
    bool up = false, lo = false;
    if (c < 0x80) {
      l = 1;
      up = c >= 'A' && c <= 'Z';
      lo = c >= 'a' && c <= 'z';
    } else {
      *ascii = false;
      cp = kzi_utf8_decode((const unsigned char *)s + i, n - i, &l);
      if (cp >= 0) {
        up = uc_is_upper((ucs4_t)cp) || uc_is_property_titlecase((ucs4_t)cp);
        lo = uc_is_lower((ucs4_t)cp);
      }
    }
    if (up || lo) {
      if (first) f |= up ? KZI_AF_CAP : KZI_AF_LOWER;
      first = false;
      letters++;
      if (up) upper++;
    }
    i += l;
  }
  if (letters >= 2 && upper == letters) f |= KZI_AF_ALLCAPS;
  return f;
}

/* Is the word before a '.' an abbreviation that does not end a sentence? */
static bool abbrev_before(const kzi_adoc *d, uint32_t t) {
  bool title = false;
  const kzi_atok *k;
  if (t >= d->ntok) return false;
  k = &d->toks[t];
  if (k->kind != KZI_AT_WORD) return false;
  if (k->end - k->start == 1 && (k->flags & KZI_AF_CAP)) return true; /* initial */
  if (kzi_is_abbreviation(d->lang, d->text + k->start, k->end - k->start, &title))
    return true;
  return false;
}

static int scan_para(kzi_adoc *d, uint32_t pi) {
  kzi_apara *p = &d->paras[pi];
  size_t i = p->start, end = p->end, l;
  unsigned space = KZI_AF_SPACE;
  bool sent = true, hyph_next = false;
  p->tok0 = (uint32_t)d->ntok;
  while (i < end && !d->rc) {
    int32_t c = dec(d, i, end, &l);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || is_space_cp(c)) {
      space = KZI_AF_SPACE;
      hyph_next = false;
      i += l;
      continue;
    }
    if (c >= '0' && c <= '9') {
      size_t j = i + 1;
      for (;;) {
        while (j < end && d->text[j] >= '0' && d->text[j] <= '9') j++;
        if (j + 1 < end && (d->text[j] == ',' || d->text[j] == '.') &&
            d->text[j + 1] >= '0' && d->text[j + 1] <= '9') { j++; continue; }
        break;
      }
      push_tok(d, i, j, KZI_AT_NUM, space | KZI_AF_ASCII, 0, pi, 0);
      sent = false;
      space = 0;
      hyph_next = false;
      i = j;
      continue;
    }
    if (c >= 0 && is_word_cp(c)) {
      size_t j = i, wl, letters_since_dot = 0;
      uint64_t wh = 0;
      unsigned f = 0;
      bool ascii, poss = false, hyph = false;
      for (;;) {
        size_t l2;
        int32_t c2;
        while (j < end && ascii_alnum[(unsigned char)d->text[j]]) { j++; letters_since_dot++; }
        if (j >= end) break;
        c2 = dec(d, j, end, &l2);
        if (c2 >= 0 && is_word_cp(c2)) { j += l2; letters_since_dot++; continue; }
        if (is_apostrophe(c2) && j + l2 < end) {
          size_t l3;
          int32_t c3 = dec(d, j + l2, end, &l3);
          if (c3 >= 0 && is_word_cp(c3) && !(c3 >= '0' && c3 <= '9')) {
            size_t after = j + l2 + l3;
            if ((c3 == 's' || c3 == 'S') && (after >= end || !is_word_cp(dec(d, after, end, &l3)))) {
              poss = true;
              break;
            }
            j += l2;
            continue;
          }
          break;
        }
        if (c2 == '.' && letters_since_dot == 1 && j + 2 < end &&
            is_word_cp((unsigned char)d->text[j + 1]) && (unsigned char)d->text[j + 1] < 0x80 &&
            (d->text[j + 2] == '.' || j + 2 == end)) {
          /* U.S, e.g: single letters joined by dots */
          j += 1;
          letters_since_dot = 0;
          continue;
        }
        if (is_hyphen(c2) && j + l2 < end) {
          size_t l3;
          int32_t c3 = dec(d, j + l2, end, &l3);
          if (c3 >= 0 && is_word_cp(c3)) hyph = true;
        }
        break;
      }
      wl = j - i;
      f = case_flags(d->text + i, wl, &ascii, &wh);
      if (ascii) f |= KZI_AF_ASCII;
      if (hyph_next) f |= KZI_AF_HYPH;
      if (poss) f |= KZI_AF_POSS;
      if (sent && !hyph_next) f |= KZI_AF_SENT;
      push_tok(d, i, j, KZI_AT_WORD, f | space, 0, pi, wh);
      if ((f & KZI_AF_LOWER) && d->want_lower && !d->rc) lower_add(d, d->toks[d->ntok - 1].h);
      sent = false;
      space = 0;
      hyph_next = false;
      if (poss) {
        size_t l2;
        dec(d, j, end, &l2);
        j += l2 + 1; /* apostrophe + s */
      } else if (hyph) {
        size_t l2;
        dec(d, j, end, &l2);
        j += l2;
        hyph_next = true;
      }
      i = j;
      continue;
    }
    /* punctuation or symbol */
    {
      uint32_t cp = c < 0 ? 0xfffd : (uint32_t)c;
      size_t e = i + l;
      unsigned f = space;
      if ((c == '\'' || c == '`') && e < end && d->text[e] == (char)c) {
        cp = c == '\'' ? '"' : 0x201c;
        e++;
      }
      if (c == '.' || c == '!' || c == '?' || c == 0x2026) {
        bool ends = true;
        if (c == '.' && d->ntok > p->tok0 && !(space) &&
            abbrev_before(d, (uint32_t)d->ntok - 1))
          ends = false;
        if (c == 0x2026) ends = false;
        if (ends) { f |= KZI_AF_SENTEND; sent = true; }
      }
      push_tok(d, i, e, is_symbol_cp(c) ? KZI_AT_SYM : KZI_AT_PUNCT, f, cp, pi, 0);
      space = 0;
      hyph_next = false;
      i = e;
    }
  }
  p->tok1 = (uint32_t)d->ntok;
  return d->rc;
}

/* ---------------------------------------------------------------------
 * Word lists (general; none names a particular event)
 * --------------------------------------------------------------------- */

static const char *const title_words[] = {
  "president", "vice", "minister", "secretary", "chancellor", "king", "queen",
  "prince", "princess", "senator", "sen", "governor", "gov", "mayor",
  "general", "gen", "colonel", "col", "major", "maj", "captain", "capt",
  "lieutenant", "lt", "sergeant", "sgt", "admiral", "adm", "mr", "mrs", "ms",
  "dr", "prof", "professor", "ambassador", "chairman", "chairwoman",
  "chairperson", "director", "pope", "sheikh", "judge", "justice",
  "spokesman", "spokeswoman", "spokesperson", "deputy", "commissioner",
  "premier", "emperor", "emir", "patriarch", "archbishop", "bishop", "rev",
  "speaker", "rep", "congressman", "congresswoman", "commander", "marshal",
  "envoy", "chief", "leader", "head", "founder", "ceo", "chair", "dictator",
  "analyst", "expert", "researcher", "economist", "editor", "professor",
  "journalist", "correspondent", "lawmaker", "mp", "mep", "sir", "lord",
  "lady", "dame", "pm",
  /* de */
  "präsident", "präsidentin", "kanzler", "kanzlerin", "bundeskanzler",
  "ministerin", "außenminister", "außenministerin", "herr", "frau",
  "botschafter", "sprecher", "sprecherin", "staatschef", "regierungschef",
  /* fr */
  "président", "présidente", "ministre", "monsieur", "madame", "m",
  "porte-parole", "ambassadeur",
  /* es */
  "presidente", "presidenta", "ministro", "ministra", "canciller", "señor",
  "don", "doña", "portavoz",
  /* ru */
  "президент", "министр", "премьер", "глава", "господин", "госпожа",
  "генерал", "посол", "председатель", "спикер", "премьер-министр",
  NULL
};

bool kzi_is_title_word(const char *s, size_t n) {
  char buf[64];
  size_t k, ln = sizeof buf - 1;
  int i;
  if (n == 0 || n >= sizeof buf) return false;
  {
    uint8_t *r = u8_tolower((const uint8_t *)s, n, NULL, NULL, (uint8_t *)buf, &ln);
    if (r == NULL) return false;
    if (r != (uint8_t *)buf) { free(r); return false; }
  }
  buf[ln] = 0;
  (void)k;
  for (i = 0; title_words[i]; i++)
    if (strcmp(title_words[i], buf) == 0) return true;
  return false;
}

/* Titles that sit capitalized right before a name; "head", "analyst" and
 * the like only count in lowercase ("says foreign policy analyst X"). */
static const char *const strong_titles[] = {
  "president", "minister", "secretary", "chancellor", "king", "queen",
  "prince", "princess", "senator", "sen", "governor", "gov", "mayor",
  "general", "gen", "colonel", "col", "major", "maj", "captain", "capt",
  "lieutenant", "lt", "sergeant", "sgt", "admiral", "adm", "mr", "mrs", "ms",
  "dr", "prof", "professor", "ambassador", "chairman", "chairwoman", "pope",
  "sheikh", "judge", "spokesman", "spokeswoman", "commissioner", "premier",
  "emperor", "emir", "patriarch", "archbishop", "bishop", "rev", "rep",
  "congressman", "congresswoman", "commander", "marshal", "envoy", "sir",
  "lord", "lady", "dame", "pm", "präsident", "präsidentin", "kanzler",
  "kanzlerin", "bundeskanzler", "ministerin", "außenminister",
  "außenministerin", "herr", "frau", "botschafter", "président",
  "présidente", "ministre", "monsieur", "madame", "presidente", "presidenta",
  "ministro", "ministra", "canciller", "señor", "президент", "министр",
  "премьер", "господин", "госпожа", "генерал", "посол", "председатель",
  NULL
};
static kzi_wordlist strong_titles_wl = KZI_WORDLIST(strong_titles);

static const char *const org_words[] = {
  "organization", "organisation", "council", "committee", "center", "centre",
  "university", "institute", "ministry", "department", "agency", "union",
  "party", "bank", "fund", "times", "news", "post", "journal", "gazette",
  "gazeta", "press", "service", "services", "forces", "army", "navy", "guard",
  "police", "parliament", "assembly", "congress", "senate", "government",
  "court", "commission", "association", "group", "company", "corporation",
  "corp", "inc", "ltd", "llc", "foundation", "endowment", "initiative",
  "alliance", "front", "movement", "network", "office", "administration",
  "league", "club", "society", "board", "authority", "treaty", "tribune",
  "herald", "daily", "bureau", "channel", "tv", "radio", "television",
  "broadcasting", "school", "college", "academy", "church", "corps",
  "brigade", "division", "regiment", "media", "magazine", "review",
  "forum", "conference", "airlines", "exchange", "reserve", "institution",
  "cabinet", "kremlin", "pentagon", "duma", "bundestag", "nations",
  "organizations", "tank", "monitor", "post", "telegraph", "guardian",
  "observer", "globe", "standard", "mirror", "express", "chronicle",
  /* de, fr, es, it, ru */
  "rat", "ministerium", "partei", "regierung", "zeitung", "universität",
  "institut", "stiftung", "bund", "conseil", "ministère", "parti",
  "université", "organización", "consejo", "ministerio", "partido",
  "universidad", "fundación", "организация", "совет", "министерство",
  "партия", "университет", "комитет", "агентство", "правительство",
  NULL
};
static kzi_wordlist org_words_wl = KZI_WORDLIST(org_words);

static const char *const place_words[] = {
  "city", "sea", "river", "ocean", "mountains", "region", "province",
  "oblast", "republic", "island", "islands", "lake", "valley", "street",
  "square", "district", "county", "asia", "europe", "america", "africa",
  "gulf", "strait", "peninsula", "bay", "desert", "east", "west", "north",
  "south", "kingdom", "emirates", "states", "federation", "territory",
  "coast", "caucasus", "balkans", "middle", "land", "avenue", "road",
  NULL
};
static kzi_wordlist place_words_wl = KZI_WORDLIST(place_words);

static const char *const place_preps[] = {
  "in", "from", "to", "into", "across", "near", "throughout", "towards",
  "toward", "inside", "outside", "within", "via", "over", "entering",
  "visited", "visit", "nach", "aus", "im", "en", "à", "au", "dans", "desde",
  "в", "из", "во",
  NULL
};
static kzi_wordlist place_preps_wl = KZI_WORDLIST(place_preps);

static const char *const connectors[] = {
  "of", "for", "and", "the", "on", "de", "del", "da", "du", "des", "von",
  "van", "der", "den", "al", "bin", "ibn", "la", "le", "di", "y", "und",
  "für", "et", "pour",
  NULL
};
static kzi_wordlist connectors_wl = KZI_WORDLIST(connectors);

static const char *const not_names[] = {
  "i", "january", "february", "march", "april", "may", "june", "july",
  "august", "september", "october", "november", "december", "monday",
  "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
  "nov", "dec", "januar", "februar", "märz", "mai", "juni", "juli",
  "oktober", "dezember", "montag", "dienstag", "mittwoch", "donnerstag",
  "freitag", "samstag", "sonntag", "mr", "mrs", "ms", "dr", "the", "a", "an",
  "he", "she", "it", "we", "they", "you", "his", "her", "its", "our",
  "their", "this", "that", "these", "those", "but", "and", "or", "if",
  "when", "while", "as", "at", "in", "on", "for", "with", "by", "from",
  "to", "of", "after", "before", "since", "during", "despite", "although",
  "though", "however", "yet", "so", "also", "still", "now", "then", "there",
  "here", "what", "why", "how", "who", "where", "which", "not", "no", "yes",
  "all", "some", "many", "most", "more", "one", "two", "three", "photo",
  "ok", "oh", "mrs",
  NULL
};
static kzi_wordlist not_names_wl = KZI_WORDLIST(not_names);

/* ---------------------------------------------------------------------
 * Mention detection
 * --------------------------------------------------------------------- */

static bool is_capword(const kzi_adoc *d, uint32_t t) {
  const kzi_atok *k = &d->toks[t];
  return k->kind == KZI_AT_WORD && (k->flags & KZI_AF_CAP);
}

static bool common_word(const kzi_adoc *d, uint32_t t) {
  const char *s = kzi_tok_s(d, t);
  size_t n = kzi_tok_n(d, t);
  if (kzi_tok_in(d, t, &not_names_wl) >= 0) return true;
  if (d->toks[t].flags & KZI_AF_ALLCAPS) return false;
  if (kzi_is_sentence_opener(d->lang, s, n)) return true;
  return kzi_adoc_has_lower(d, s, n);
}

static bool ends_with(const char *s, size_t n, const char *suf) {
  size_t m = strlen(suf);
  return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/* Slavic and Caucasian surname endings, a weak hint of a person. */
static bool surname_like(const char *s, size_t n) {
  static const char *const suf[] = {
    "ov", "ev", "yev", "ova", "eva", "sky", "ski", "skiy", "skaya", "enko",
    "shvili", "dze", "yan", "uk", "chuk", "ovich", "evich", "ko",
    "ин", "ов", "ев", "ова", "ева", "ский", "ская", "енко", NULL
  };
  int i;
  if (n < 4) return false;
  for (i = 0; suf[i]; i++)
    if (ends_with(s, n, suf[i])) return true;
  return false;
}

static bool place_like(const char *s, size_t n) {
  static const char *const suf[] = {
    "stan", "land", "grad", "burg", "abad", "ia", "polis", "ville", "sk",
    "стан", NULL
  };
  int i;
  if (n < 4) return false;
  for (i = 0; suf[i]; i++)
    if (ends_with(s, n, suf[i])) return true;
  return false;
}

static int push_mention(kzi_adoc *d, uint32_t t0, uint32_t t1, uint32_t title0,
                        int kind, unsigned flags) {
  kzi_amention *m;
  kzi_buf b = {0};
  uint32_t t;
  if (d->rc) return d->rc;
  if (d->nment == d->mcap) {
    size_t nc = d->mcap ? d->mcap * 2 : 128;
    kzi_amention *nm = realloc(d->ment, nc * sizeof *nm);
    if (nm == NULL) return d->rc = KZ_ENOMEM;
    d->ment = nm;
    d->mcap = nc;
  }
  for (t = t0; t < t1 && !d->rc; t++) {
    if (t > t0 && kzi_buf_append(&b, (d->toks[t].flags & KZI_AF_HYPH) ? "-" : " ", 1))
      d->rc = KZ_ENOMEM;
    if (!d->rc && kzi_buf_append(&b, kzi_tok_s(d, t), kzi_tok_n(d, t))) d->rc = KZ_ENOMEM;
  }
  m = &d->ment[d->nment];
  m->text = kzi_adoc_str(d, b.p ? b.p : "", b.n);
  kzi_buf_free(&b);
  if (d->rc) return d->rc;
  m->tok0 = t0;
  m->tok1 = t1;
  m->title0 = title0;
  m->start = d->toks[t0].start;
  m->end = d->toks[t1 - 1].end;
  m->expansion = KZI_NIL;
  m->para = d->toks[t0].para;
  m->kind = kind;
  m->flags = flags;
  d->nment++;
  return KZ_OK;
}

/* Classify the name tokens [t0, t1). */
static int classify(const kzi_adoc *d, uint32_t t0, uint32_t t1, bool titled) {
  uint32_t t, nwords = 0;
  bool namelike = true;
  for (t = t0; t < t1; t++) {
    if (kzi_tok_in(d, t, &org_words_wl) >= 0) return KZ_ENTITY_ORG;
  }
  for (t = t0; t < t1; t++)
    if (kzi_tok_in(d, t, &place_words_wl) >= 0 && !titled) return KZ_ENTITY_PLACE;
  if (titled) return KZ_ENTITY_PERSON;
  for (t = t0; t < t1; t++) {
    const kzi_atok *k = &d->toks[t];
    if (!(k->flags & KZI_AF_HYPH)) nwords++;
    if (!(k->flags & KZI_AF_CAP) || (k->flags & KZI_AF_ALLCAPS)) namelike = false;
    else if (kzi_adoc_has_lower(d, kzi_tok_s(d, t), kzi_tok_n(d, t))) namelike = false;
  }
  if (t1 - t0 == 1 && (d->toks[t0].flags & KZI_AF_ALLCAPS)) return KZ_ENTITY_ORG;
  if (nwords == 1) {
    const char *s = kzi_tok_s(d, t1 - 1);
    size_t n = kzi_tok_n(d, t1 - 1);
    if (t0 > 0 && d->toks[t0 - 1].para == d->toks[t0].para &&
        kzi_tok_in(d, t0 - 1, &place_preps_wl) >= 0)
      return KZ_ENTITY_PLACE;
    if (place_like(s, n)) return KZ_ENTITY_PLACE;
    if (surname_like(s, n)) return KZ_ENTITY_PERSON;
    return KZ_ENTITY_OTHER;
  }
  if (namelike && nwords <= 4) {
    /* "Central Asian countries": an adjective phrase, not a person */
    const char *s = kzi_tok_s(d, t1 - 1);
    size_t n = kzi_tok_n(d, t1 - 1);
    if (t1 < d->ntok && d->toks[t1].kind == KZI_AT_WORD && (d->toks[t1].flags & KZI_AF_LOWER) &&
        (ends_with(s, n, "ian") || ends_with(s, n, "ean") || ends_with(s, n, "ese") ||
         ends_with(s, n, "ish") || ends_with(s, n, "ic") || ends_with(s, n, "ern")))
      return KZ_ENTITY_OTHER;
    if (place_like(kzi_tok_s(d, t1 - 1), kzi_tok_n(d, t1 - 1)) &&
        !surname_like(kzi_tok_s(d, t1 - 1), kzi_tok_n(d, t1 - 1)))
      return KZ_ENTITY_PLACE;
    return KZ_ENTITY_PERSON;
  }
  return KZ_ENTITY_OTHER;
}

/* Handle one run of capitalized words [t0, t1). */
static void take_run(kzi_adoc *d, uint32_t t0, uint32_t t1) {
  uint32_t t, name0 = t0, title0 = KZI_NIL;
  bool titled = false;
  int kind;
  unsigned flags = 0;
  if (t0 >= t1) return;
  /* A title inside the run: the name starts after the last one.  "Secretary
   * of State X" keeps "of State" in the title. */
  for (t = t0; t < t1; t++) {
    if (d->toks[t].kind != KZI_AT_WORD) continue;
    if (kzi_tok_in(d, t, &strong_titles_wl) >= 0 && t + 1 < t1) {
      uint32_t u = t + 1;
      while (u < t1 && (d->toks[u].flags & KZI_AF_HYPH)) u++;
      if (u + 2 < t1 && kzi_tok_is(d, u, "of")) u += 2;
      if (u < t1 && kzi_tok_in(d, u, &connectors_wl) < 0) {
        name0 = u;
        title0 = t0;
        titled = true;
        t = u - 1;
      }
    }
  }
  /* Trailing connectors never end a name. */
  while (t1 > name0 && kzi_tok_in(d, t1 - 1, &connectors_wl) >= 0) t1--;
  if (name0 >= t1) return;
  /* A lowercase title right before ("le président X", "says analyst X"). */
  if (!titled && name0 > 0 && d->toks[name0 - 1].para == d->toks[name0].para &&
      (d->toks[name0 - 1].flags & KZI_AF_LOWER) &&
      kzi_tok_in(d, name0 - 1, &strong_titles_wl) >= 0)
    titled = true;
  kind = classify(d, name0, t1, titled);
  if (titled) flags |= KZI_MF_TITLED;
  if (t1 - name0 == 1 && (d->toks[name0].flags & KZI_AF_ALLCAPS)) flags |= KZI_MF_ACRONYM;
  push_mention(d, name0, t1, title0, kind, flags);
}

static bool acronym_fits(const kzi_adoc *d, const kzi_amention *lm, uint32_t at) {
  const char *a = kzi_tok_s(d, at);
  char first = d->text[d->toks[lm->tok0].start];
  return (a[0] | 0x20) == (first | 0x20) || (unsigned char)a[0] >= 0x80;
}

static void find_mentions(kzi_adoc *d) {
  uint32_t t = 0, n = (uint32_t)d->ntok;
  while (t < n && !d->rc) {
    uint32_t t0, t1;
    if (!is_capword(d, t) || (d->toks[t].flags & KZI_AF_HYPH)) { t++; continue; }
    if ((d->toks[t].flags & KZI_AF_SENT) && common_word(d, t)) { t++; continue; }
    if (kzi_tok_in(d, t, &not_names_wl) >= 0) { t++; continue; }
    t0 = t;
    t1 = t + 1;
    while (t1 < n && d->toks[t1].para == d->toks[t0].para &&
           !(d->toks[t1 - 1].flags & KZI_AF_POSS)) {
      const kzi_atok *k = &d->toks[t1];
      if (k->kind == KZI_AT_WORD && (k->flags & KZI_AF_HYPH)) {
        if (k->flags & KZI_AF_CAP) { t1++; continue; }
        break;
      }
      if (is_capword(d, t1) && kzi_tok_in(d, t1, &not_names_wl) < 0) { t1++; continue; }
      if (k->kind == KZI_AT_WORD && (k->flags & KZI_AF_LOWER) &&
          kzi_tok_in(d, t1, &connectors_wl) >= 0 && t1 + 1 < n && is_capword(d, t1 + 1) &&
          d->toks[t1 + 1].para == k->para) {
        /* Join only inside organization names and titles: "University of
         * X", "Belt and Road Initiative", "Secretary of State". */
        uint32_t u = t1 + 1, v;
        bool ok = false;
        for (v = t0; v < t1; v++)
          if (kzi_tok_in(d, v, &org_words_wl) >= 0 || kzi_tok_in(d, v, &strong_titles_wl) >= 0)
            ok = true;
        while (!ok && u < n && u < t1 + 6 && (is_capword(d, u) || (d->toks[u].flags & KZI_AF_HYPH)) &&
               d->toks[u].para == k->para) {
          if (kzi_tok_in(d, u, &org_words_wl) >= 0) ok = true;
          u++;
        }
        if (ok && t1 - t0 < 10) { t1++; continue; }
      }
      break;
    }
    take_run(d, t0, t1);
    t = t1;
  }
  /* Acronyms defined in parentheses: "Long Name (LN)". */
  {
    size_t i;
    for (i = 0; i < d->nment && !d->rc; i++) {
      kzi_amention *m = &d->ment[i];
      uint32_t a = m->tok1;
      if (!(m->flags & KZI_MF_ACRONYM) || m->tok0 < 2) continue;
      if (!kzi_tok_punct(d, m->tok0 - 1, '(')) continue;
      if (i == 0) continue;
      {
        kzi_amention *lm = &d->ment[i - 1];
        uint32_t words = lm->tok1 - lm->tok0;
        if (lm->tok1 != m->tok0 - 1 || words < 2) continue;
        if (!acronym_fits(d, lm, m->tok0)) continue;
        (void)a;
        m->expansion = (uint32_t)(i - 1);
        if (lm->kind != KZ_ENTITY_OTHER) m->kind = lm->kind;
        else if (m->kind != KZ_ENTITY_OTHER) lm->kind = m->kind;
      }
    }
  }
  /* A surname alone takes the kind of the full name it ends. */
  {
    size_t i, j;
    for (i = 0; i < d->nment; i++) {
      kzi_amention *m = &d->ment[i];
      if (m->tok1 - m->tok0 != 1 || (m->flags & KZI_MF_ACRONYM)) continue;
      for (j = 0; j < d->nment; j++) {
        const kzi_amention *f = &d->ment[j];
        if (f->kind != KZ_ENTITY_PERSON || f->tok1 - f->tok0 < 2) continue;
        if (kzi_tok_n(d, f->tok1 - 1) == kzi_tok_n(d, m->tok0) &&
            memcmp(kzi_tok_s(d, f->tok1 - 1), kzi_tok_s(d, m->tok0), kzi_tok_n(d, m->tok0)) == 0) {
          m->kind = KZ_ENTITY_PERSON;
          break;
        }
      }
    }
  }
}

uint32_t kzi_adoc_mention_at(kzi_adoc *d, uint32_t t) {
  if (d->tok_ment == NULL) {
    size_t i;
    uint32_t k;
    if (d->rc) return KZI_NIL;
    d->tok_ment = malloc((d->ntok ? d->ntok : 1) * sizeof *d->tok_ment);
    if (d->tok_ment == NULL) { d->rc = KZ_ENOMEM; return KZI_NIL; }
    for (i = 0; i < d->ntok; i++) d->tok_ment[i] = KZI_NIL;
    for (i = 0; i < d->nment; i++)
      for (k = d->ment[i].tok0; k < d->ment[i].tok1; k++) d->tok_ment[k] = (uint32_t)i;
  }
  return t < d->ntok ? d->tok_ment[t] : KZI_NIL;
}

uint32_t kzi_adoc_fullname(const kzi_adoc *d, uint32_t mi) {
  const kzi_amention *m;
  size_t j, best = KZI_NIL;
  uint32_t bestlen = 0;
  const char *s;
  size_t n;
  if (mi >= d->nment) return mi;
  m = &d->ment[mi];
  if (m->tok1 - m->tok0 != 1) return mi;
  s = kzi_tok_s(d, m->tok0);
  n = kzi_tok_n(d, m->tok0);
  for (j = 0; j < d->nment; j++) {
    const kzi_amention *f = &d->ment[j];
    uint32_t len;
    if (f->tok1 - f->tok0 < 2 || f->kind != KZ_ENTITY_PERSON) continue;
    if (kzi_tok_n(d, f->tok1 - 1) != n || memcmp(kzi_tok_s(d, f->tok1 - 1), s, n) != 0)
      continue;
    len = f->end - f->start;
    if (len > bestlen) { bestlen = len; best = j; }
  }
  return best == KZI_NIL ? mi : (uint32_t)best;
}

/* ---------------------------------------------------------------------
 * Building documents
 * --------------------------------------------------------------------- */

static int add_para(kzi_adoc *d, size_t s, size_t e, int heading, long block,
                    size_t raw) {
  kzi_apara *p;
  /* trim */
  while (s < e && ((unsigned char)d->text[s] <= ' ')) s++;
  while (e > s && ((unsigned char)d->text[e - 1] <= ' ')) e--;
  if (s >= e) return KZ_OK;
  if (d->npara == d->pcap) {
    size_t nc = d->pcap ? d->pcap * 2 : 32;
    kzi_apara *np = realloc(d->paras, nc * sizeof *np);
    if (np == NULL) return d->rc = KZ_ENOMEM;
    d->paras = np;
    d->pcap = nc;
  }
  p = &d->paras[d->npara++];
  p->start = (uint32_t)s;
  p->end = (uint32_t)e;
  p->tok0 = p->tok1 = 0;
  p->heading = heading;
  p->block = block;
  p->raw_start = raw;
  return KZ_OK;
}

static void set_lang(kzi_adoc *d, const char *lang) {
  d->lang[0] = 0;
  if (lang && strcmp(lang, "und") != 0) {
    size_t n = strlen(lang);
    if (n < sizeof d->lang) memcpy(d->lang, lang, n + 1);
  }
}

static int finish(kzi_adoc *d, unsigned what) {
  size_t i;
  d->want_lower = (what & KZI_ADOC_MENTIONS) != 0;
  for (i = 0; i < d->npara && !d->rc; i++) scan_para(d, (uint32_t)i);
  if (!d->rc && (what & KZI_ADOC_MENTIONS)) find_mentions(d);
  return d->rc;
}

int kzi_adoc_from_text(kzi_adoc *d, const char *text, size_t len,
                       const char *lang, unsigned what) {
  size_t i, s = 0;
  memset(d, 0, sizeof *d);
  if (text == NULL && len > 0) return kzi_seterr(NULL, KZ_EINVAL, "text is NULL");
  if (len > KZ_ANALYSIS_MAX_TEXT) return kzi_seterr(NULL, KZ_ELIMIT, "text of %zu bytes is too long", len);
  d->own = malloc(len + 1);
  if (d->own == NULL) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  if (len) memcpy(d->own, text, len);
  d->own[len] = 0;
  d->text = d->own;
  d->len = d->body_len = len;
  set_lang(d, lang);
  /* Paragraphs: separated by lines holding only white space. */
  i = 0;
  while (i < len && !d->rc) {
    size_t ls = i, le;
    bool blank = true;
    while (i < len && text[i] != '\n') {
      if ((unsigned char)text[i] > ' ') blank = false;
      i++;
    }
    le = i;
    if (i < len) i++;
    if (blank) {
      add_para(d, s, ls, 0, -1, KZ_NO_OFFSET);
      s = i;
    }
    (void)le;
  }
  add_para(d, s, len, 0, -1, KZ_NO_OFFSET);
  if (finish(d, what)) return kzi_seterr(NULL, d->rc, "%s", kz_strerror(d->rc));
  return KZ_OK;
}

int kzi_adoc_from_article(kzi_adoc *d, const kz_article *a, unsigned what) {
  const char *body;
  size_t blen, nb, i, cur = 0, total;
  kzi_buf b = {0};
  memset(d, 0, sizeof *d);
  if (a == NULL) return kzi_seterr(NULL, KZ_EINVAL, "article is NULL");
  body = kz_article_body(a);
  if (body == NULL) body = "";
  blen = strlen(body);
  nb = kz_article_block_count(a);
  total = blen;
  for (i = 0; i < nb; i++)
    if (kz_article_block_kind(a, i) == KZ_BLOCK_HEADING && kz_article_block_text(a, i))
      total += strlen(kz_article_block_text(a, i)) + 2;
  if (total > KZ_ANALYSIS_MAX_TEXT) return kzi_seterr(NULL, KZ_ELIMIT, "article too long");
  if (kzi_buf_append(&b, body, blen)) goto nomem;
  for (i = 0; i < nb; i++) {
    const char *t;
    if (kz_article_block_kind(a, i) != KZ_BLOCK_HEADING) continue;
    t = kz_article_block_text(a, i);
    if (t == NULL) continue;
    if (kzi_buf_append(&b, "\n\n", 2) || kzi_buf_append(&b, t, strlen(t))) goto nomem;
  }
  if (kzi_buf_append(&b, "", 1)) goto nomem;
  d->own = b.p;
  d->text = b.p;
  d->len = b.n - 1;
  d->body_len = blen;
  set_lang(d, kz_article_language(a));
  {
    size_t hoff = blen;
    for (i = 0; i < nb && !d->rc; i++) {
      int k = kz_article_block_kind(a, i);
      const char *t = kz_article_block_text(a, i);
      size_t tl;
      if (t == NULL) continue;
      tl = strlen(t);
      if (k == KZ_BLOCK_HEADING) {
        hoff += 2;
        add_para(d, hoff, hoff + tl, 1, (long)i, kz_article_block_start(a, i));
        hoff += tl;
        continue;
      }
      if ((k != KZ_BLOCK_PARAGRAPH && k != KZ_BLOCK_STANDFIRST) ||
          kz_article_block_duplicate_of(a, i) >= 0 || tl == 0)
        continue;
      if (cur + tl > blen || memcmp(body + cur, t, tl) != 0) {
        const char *f = strstr(body + (cur < blen ? cur : blen), t);
        if (f == NULL) continue;
        cur = (size_t)(f - body);
      }
      add_para(d, cur, cur + tl, 0, (long)i, kz_article_block_start(a, i));
      cur += tl;
      while (cur < blen && body[cur] == '\n') cur++;
    }
  }
  if (finish(d, what)) return kzi_seterr(NULL, d->rc, "%s", kz_strerror(d->rc));
  return KZ_OK;
nomem:
  kzi_buf_free(&b);
  return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
}

void kzi_adoc_free(kzi_adoc *d) {
  if (d == NULL) return;
  free(d->own);
  free(d->paras);
  free(d->toks);
  free(d->ment);
  free(d->tok_ment);
  free(d->lower);
  kzi_buf_free(&d->strs);
  memset(d, 0, sizeof *d);
}

/* ---------------------------------------------------------------------
 * Public: mentions
 * --------------------------------------------------------------------- */

typedef struct kzi_pmention {
  uint32_t text, expansion;
  size_t start, end;
  int kind;
} kzi_pmention;

struct kz_mentions {
  kzi_pmention *m;
  size_t n;
  kzi_buf strs;
};

const char *kz_entity_kind_name(int kind) {
  switch (kind) {
    case KZ_ENTITY_OTHER: return "other";
    case KZ_ENTITY_PERSON: return "person";
    case KZ_ENTITY_ORG: return "org";
    case KZ_ENTITY_PLACE: return "place";
    default: return "unknown";
  }
}

int kzi_mentions_from_adoc(kz_mentions **out, kzi_adoc *d) {
  kz_mentions *r;
  size_t i;
  r = calloc(1, sizeof *r);
  if (r == NULL) goto nomem;
  r->m = calloc(d->nment ? d->nment : 1, sizeof *r->m);
  if (r->m == NULL) goto nomem;
  /* The strings are copied whole; offsets stay valid. */
  if (d->strs.n && kzi_buf_append(&r->strs, d->strs.p, d->strs.n)) goto nomem;
  for (i = 0; i < d->nment; i++) {
    const kzi_amention *m = &d->ment[i];
    kzi_pmention *p = &r->m[i];
    bool body = m->start < d->body_len;
    p->text = m->text;
    p->expansion = m->expansion == KZI_NIL ? KZI_NIL : d->ment[m->expansion].text;
    p->start = body ? m->start : KZ_NO_OFFSET;
    p->end = body ? m->end : KZ_NO_OFFSET;
    p->kind = m->kind;
  }
  r->n = d->nment;
  *out = r;
  return KZ_OK;
nomem:
  kz_mentions_free(r);
  return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
}

int kz_article_mentions(kz_mentions **out, const kz_article *a) {
  kzi_adoc d;
  int rc;
  if (out == NULL || a == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_article_mentions: NULL argument");
  *out = NULL;
  rc = kzi_adoc_from_article(&d, a, KZI_ADOC_MENTIONS);
  if (rc == KZ_OK) rc = kzi_mentions_from_adoc(out, &d);
  kzi_adoc_free(&d);
  return rc;
}

int kz_text_mentions(kz_mentions **out, const char *text, size_t len,
                     const char *lang) {
  kzi_adoc d;
  int rc;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_text_mentions: NULL argument");
  *out = NULL;
  rc = kzi_adoc_from_text(&d, text, len, lang, KZI_ADOC_MENTIONS);
  if (rc == KZ_OK) rc = kzi_mentions_from_adoc(out, &d);
  kzi_adoc_free(&d);
  return rc;
}

void kz_mentions_free(kz_mentions *m) {
  if (m == NULL) return;
  free(m->m);
  kzi_buf_free(&m->strs);
  free(m);
}

size_t kz_mentions_count(const kz_mentions *m) { return m ? m->n : 0; }
const char *kz_mention_text(const kz_mentions *m, size_t i) {
  return m && i < m->n ? m->strs.p + m->m[i].text : NULL;
}
int kz_mention_kind(const kz_mentions *m, size_t i) {
  return m && i < m->n ? m->m[i].kind : -1;
}
const char *kz_mention_expansion(const kz_mentions *m, size_t i) {
  return m && i < m->n && m->m[i].expansion != KZI_NIL ? m->strs.p + m->m[i].expansion : NULL;
}
size_t kz_mention_start(const kz_mentions *m, size_t i) {
  return m && i < m->n ? m->m[i].start : KZ_NO_OFFSET;
}
size_t kz_mention_end(const kz_mentions *m, size_t i) {
  return m && i < m->n ? m->m[i].end : KZ_NO_OFFSET;
}
