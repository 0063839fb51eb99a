/*
 * normalize.c - the normalized form of a token.
 *
 * The steps, each switched by a KZ_TOK_* flag, in this order:
 *   1. apostrophes and quotation marks unified (’ -> ', “ -> ");
 *      invalid bytes become U+FFFD; control characters are dropped;
 *   2. full case folding and NFKC together (libunistring u8_casefold), or
 *      either alone;
 *   3. English possessive 's stripped; digit-group commas dropped from
 *      numbers (3,000 -> 3000, only when every group has three digits);
 *   4. stopword test (on the folded, unstemmed form);
 *   5. Snowball stemming (words only);
 *   6. diacritic folding: canonical decomposition, nonspacing marks
 *      removed, recomposition; plus the few letters whose "diacritic" is not
 *      a combining mark (ł ø đ ħ ı ...).
 * Pure-ASCII tokens skip steps 1, 2 and 6: token.c copies (and lowercases)
 * them eight bytes at a time and calls kzi_normalize_tail() for steps 3-5
 * only when they can change something.  A token that is ASCII once its
 * quotes are unified ("Kazakhstan’s") skips libunistring too.  Stems and
 * stopword answers are remembered in a small per-tokenizer cache.
 *
 * The result is in tk->norm (NUL-terminated); tk->tmp and tk->tmp2 are
 * scratch.  libunistring either fills the buffer it is given or returns a
 * malloc'd block, which is copied and freed here.
 */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>

#include "kz_int.h"

/* Quotation marks and apostrophes, mapped to ASCII. */
static int quote_map(int32_t c) {
  switch (c) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x02BC:
    case 0xFF07: case 0x2039: case 0x203A:
      return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB:
    case 0x00BB: case 0x301D: case 0x301E: case 0xFF02:
      return '"';
    default:
      return -1;
  }
}

/* Letters with a stroke or ligature that canonical decomposition leaves
 * alone, folded as diacritics. */
static const char *letter_fold(int32_t c) {
  switch (c) {
    case 0x0142: return "l"; /* ł */
    case 0x0141: return "L";
    case 0x00F8: return "o"; /* ø */
    case 0x00D8: return "O";
    case 0x0111: return "d"; /* đ */
    case 0x0110: return "D";
    case 0x0127: return "h"; /* ħ */
    case 0x0126: return "H";
    case 0x0131: return "i"; /* dotless ı */
    case 0x0167: return "t"; /* ŧ */
    case 0x0140: return "l"; /* ŀ */
    case 0x00E6: return "ae";
    case 0x00C6: return "AE";
    case 0x0153: return "oe";
    case 0x0152: return "OE";
    case 0x00DF: return "ss";
    case 0x00FE: return "th";
    case 0x00F0: return "d";
    case 0x0452: return "\xD0\xB4";  /* ђ -> д */
    case 0x045B: return "\xD1\x82";  /* ћ -> т */
    case 0x0493: return "\xD0\xB3";  /* ғ -> г (Kazakh) */
    case 0x049B: return "\xD0\xBA";  /* қ -> к */
    case 0x04A3: return "\xD0\xBD";  /* ң -> н */
    case 0x04AF: return "\xD1\x83";  /* ү -> у */
    case 0x04B1: return "\xD1\x83";  /* ұ -> у */
    case 0x04E9: return "\xD0\xBE";  /* ө -> о */
    case 0x04BB: return "\xD1\x85";  /* һ -> х */
    case 0x04D9: return "\xD0\xB0";  /* ә -> а */
    default: return NULL;
  }
}

/* Run a libunistring transform whose result goes to `out`. */
static int take_result(kzi_buf *out, uint8_t *res, size_t rlen) {
  int rc;
  if (res == NULL) return KZ_ENOMEM;
  if ((char *)res == out->p) {
    out->n = rlen;
    out->p[rlen] = '\0';
    return KZ_OK;
  }
  out->n = 0;
  rc = kzi_buf_append(out, res, rlen);
  free(res);
  return rc;
}

static int do_casefold(kzi_buf *out, const char *s, size_t n, uninorm_t nf) {
  size_t len;
  uint8_t *res;
  if (kzi_buf_reserve(out, n + 16)) return KZ_ENOMEM;
  out->n = 0;
  len = out->cap - 1;
  res = u8_casefold((const uint8_t *)s, n, NULL, nf, (uint8_t *)out->p, &len);
  return take_result(out, res, len);
}

static int do_normalize(kzi_buf *out, const char *s, size_t n, uninorm_t nf) {
  size_t len;
  uint8_t *res;
  if (kzi_buf_reserve(out, n + 16)) return KZ_ENOMEM;
  out->n = 0;
  len = out->cap - 1;
  res = u8_normalize(nf, (const uint8_t *)s, n, (uint8_t *)out->p, &len);
  return take_result(out, res, len);
}

/* Step 1 into `out`: quotes (if asked) and U+FFFD for bad bytes. */
static int unify(kzi_buf *out, const char *s, size_t n, int quotes) {
  size_t i, len;
  out->n = 0;
  if (kzi_buf_reserve(out, n * 3)) return KZ_ENOMEM;
  for (i = 0; i < n; i += len) {
    int32_t c = kzi_utf8_decode((const unsigned char *)s + i, n - i, &len);
    int q;
    if (c < 0) {
      memcpy(out->p + out->n, "\xEF\xBF\xBD", 3);
      out->n += 3;
    } else if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
      /* A control character carried into a token by a combining mark
       * (UAX #29 rule WB4): dropped, so the form has no NUL byte. */
    } else if (quotes && (q = quote_map(c)) >= 0) {
      out->p[out->n++] = (char)q;
    } else {
      memcpy(out->p + out->n, s + i, len);
      out->n += len;
    }
  }
  out->p[out->n] = '\0';
  return KZ_OK;
}

static int fold_diacritics(kz_tokenizer *tk) {
  kzi_buf *nb = &tk->norm, *d = &tk->tmp;
  size_t i, len;
  int rc;
  for (i = 0; i < nb->n; i++)
    if ((unsigned char)nb->p[i] >= 0x80) break;
  if (i == nb->n) return KZ_OK;
  if ((rc = do_normalize(d, nb->p, nb->n, UNINORM_NFD)) != KZ_OK) return rc;
  /* Filter marks into tmp2, then recompose into norm. */
  tk->tmp2.n = 0;
  if (kzi_buf_reserve(&tk->tmp2, d->n * 2)) return KZ_ENOMEM;
  for (i = 0; i < d->n; i += len) {
    int32_t c = kzi_utf8_decode((const unsigned char *)d->p + i, d->n - i, &len);
    const char *r;
    if (c >= 0 && uc_is_general_category((ucs4_t)c, UC_CATEGORY_Mn)) continue;
    if (c >= 0 && (r = letter_fold(c)) != NULL) {
      size_t rl = strlen(r);
      memcpy(tk->tmp2.p + tk->tmp2.n, r, rl);
      tk->tmp2.n += rl;
    } else {
      memcpy(tk->tmp2.p + tk->tmp2.n, d->p + i, len);
      tk->tmp2.n += len;
    }
  }
  return do_normalize(nb, tk->tmp2.p, tk->tmp2.n, UNINORM_NFC);
}

/* 3,000 or 1,234,567.5: commas between groups of exactly three digits. */
static void strip_digit_groups(kzi_buf *b) {
  size_t i = 0, n = b->n, j, lead = 0, o;
  while (i < n && b->p[i] >= '0' && b->p[i] <= '9') i++, lead++;
  if (lead == 0 || lead > 3 || i >= n || b->p[i] != ',') return;
  while (i < n && b->p[i] == ',') {
    for (j = 1; j <= 3; j++)
      if (i + j >= n || b->p[i + j] < '0' || b->p[i + j] > '9') return;
    i += 4;
  }
  if (i < n && b->p[i] != '.') return;
  if (i < n)
    for (j = i + 1; j < n; j++)
      if (b->p[j] < '0' || b->p[j] > '9') return;
  for (i = o = 0; i < n; i++)
    if (b->p[i] != ',') b->p[o++] = b->p[i];
  b->n = o;
  b->p[o] = '\0';
}

int kzi_normalize(kz_tokenizer *tk, const char *s, size_t n, int kind,
                  int ascii, bool *stop) {
  unsigned fl = tk->flags;
  kzi_buf *nb = &tk->norm;
  int rc = KZ_OK;

  if (kind == KZ_TOKEN_URL) fl &= ~(KZ_TOK_CASEFOLD | KZ_TOK_FOLD_DIACRITICS);
  if (ascii) {
    nb->n = 0;
    if (kzi_buf_reserve(nb, n)) return KZ_ENOMEM;
    if (fl & KZ_TOK_CASEFOLD) {
      for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        nb->p[i] = (char)(c + (((unsigned)(c - 'A') < 26u) << 5));
      }
    } else {
      for (size_t i = 0; i < n; i++) nb->p[i] = s[i];
    }
    nb->n = n;
    nb->p[n] = '\0';
  } else {
    kzi_buf *src = (fl & (KZ_TOK_CASEFOLD | KZ_TOK_NFKC)) ? &tk->tmp : nb;
    size_t i;
    if ((rc = unify(src, s, n, (fl & KZ_TOK_QUOTES) != 0)) != KZ_OK) return rc;
    for (i = 0; i < src->n && (unsigned char)src->p[i] < 0x80; i++) {}
    if (i == src->n && src != nb) {
      /* ASCII once the quotes are unified ("Kazakhstan’s"): NFKC and
       * case folding are the identity and tolower. */
      nb->n = 0;
      if (kzi_buf_reserve(nb, src->n)) return KZ_ENOMEM;
      for (i = 0; i < src->n; i++) {
        unsigned char c = (unsigned char)src->p[i];
        nb->p[i] = (char)((fl & KZ_TOK_CASEFOLD) && (unsigned)(c - 'A') < 26u ? c + 32 : c);
      }
      nb->n = src->n;
      nb->p[nb->n] = '\0';
    } else if (fl & KZ_TOK_CASEFOLD)
      rc = do_casefold(nb, src->p, src->n, (fl & KZ_TOK_NFKC) ? UNINORM_NFKC : NULL);
    else if (fl & KZ_TOK_NFKC)
      rc = do_normalize(nb, src->p, src->n, UNINORM_NFKC);
    if (rc != KZ_OK) return rc;
  }

  return kzi_normalize_tail(tk, kind, ascii, stop);
}

/* ---- stopwords and stems ------------------------------------------------ */

/*
 * The stem cache.  News repeats its words: in Reuters-21578, 4,096 distinct
 * words make 92% of the word tokens, and a Snowball stemmer costs ~200 ns a
 * word.  So each stemming tokenizer remembers the stem (and the stopword
 * answer) of recent forms: SC_SETS sets of two entries, a set being one
 * 64-byte cache line, new entries going first and hits moving first.  Forms
 * of up to 16 bytes with stems of up to 14 are cached; the key is the form
 * zero-padded to 16 bytes (a form holds no NUL byte), so a probe is two
 * 8-byte compares.  The table is a fixed 512 KB (16,384 entries: 95% of
 * the Reuters words hit), allocated once the tokenizer has stemmed SC_AFTER
 * words, so short-lived handles never pay for it.
 */
#define SC_SETS 8192 /* a power of two */
#define SC_SETS_BITS 13
#define SC_AFTER 256
#define SC_KEY 16
#define SC_STEM 14
#define SC_VALID 0x01u
#define SC_STOP 0x02u
#define SC_LOWERED 0x04u /* the stopword test lowercased the form first */

typedef struct sc_entry {
  uint64_t key[2];      /* the form, zero-padded */
  unsigned char st[16]; /* the stem, zero-padded; [14] its length, [15] SC_* */
} sc_entry;

typedef struct sc_set {
  sc_entry way[2];
} sc_set;

struct kzi_stemcache {
  size_t misses; /* stemmer calls before the table was made */
  sc_set *sets;  /* SC_SETS sets, or NULL */
};

void kzi_stemcache_free(struct kzi_stemcache *sc) {
  if (sc == NULL) return;
  free(sc->sets);
  free(sc);
}

/* The form p[0..n) (n <= 16, 16 bytes readable) as two zero-padded words. */
static inline void sc_key(const char *p, size_t n, uint64_t key[2]) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(&key[0], p, 8);
  memcpy(&key[1], p + 8, 8);
  if (n < 8) {
    key[0] &= (1ull << (8 * n)) - 1;
    key[1] = 0;
  } else if (n < 16) {
    key[1] &= (1ull << (8 * (n - 8))) - 1;
  }
#else
  unsigned char b[16] = {0};
  memcpy(b, p, n);
  memcpy(key, b, 16);
#endif
}

/* Is the form in tk->norm a stopword?  Without case folding, an ASCII form
 * is lowercased for the test (the lists are lowercase). */
static bool stopword(kz_tokenizer *tk, unsigned lowered) {
  kzi_buf *nb = &tk->norm;
  if (tk->stopwords == NULL) return false;
  if (lowered && nb->n < 64) {
    char low[64];
    for (size_t i = 0; i < nb->n; i++)
      low[i] = (char)((nb->p[i] >= 'A' && nb->p[i] <= 'Z') ? nb->p[i] + 32 : nb->p[i]);
    return kzi_wordset_has(tk->stopwords, low, nb->n);
  }
  return kzi_wordset_has(tk->stopwords, nb->p, nb->n);
}

/* Replace tk->norm by its Snowball stem. */
static int stem(kz_tokenizer *tk) {
  kzi_buf *nb = &tk->norm;
  const sb_symbol *st;
  int sl;
  if (nb->n >= 1024) return KZ_OK;
  st = sb_stemmer_stem(tk->stemmer, (const sb_symbol *)nb->p, (int)nb->n);
  if (st == NULL) return KZ_ENOMEM;
  sl = sb_stemmer_length(tk->stemmer);
  if (sl < 0) return KZ_OK;
  if ((size_t)sl > nb->n) {
    nb->n = 0;
    if (kzi_buf_reserve(nb, (size_t)sl)) return KZ_ENOMEM;
  }
  memmove(nb->p, st, (size_t)sl);
  nb->n = (size_t)sl;
  nb->p[nb->n] = '\0';
  return KZ_OK;
}

/* Stopword test and stem of the word in tk->norm, through the cache. */
static int stem_cached(kz_tokenizer *tk, unsigned lowered, bool *stop) {
  kzi_buf *nb = &tk->norm;
  struct kzi_stemcache *sc = tk->stemcache;
  const unsigned tag = SC_VALID | lowered * SC_LOWERED;
  sc_set *set = NULL;
  uint64_t key[2];
  size_t n = nb->n;
  int rc;

  if (sc == NULL) {
    if ((sc = tk->stemcache = calloc(1, sizeof *sc)) == NULL) return KZ_ENOMEM;
  }
  if (sc->sets == NULL && ++sc->misses >= SC_AFTER)
    sc->sets = calloc(SC_SETS, sizeof *sc->sets); /* NULL: go on without */
  if (sc->sets != NULL && n <= SC_KEY) {
    unsigned w;
    if (nb->cap < SC_KEY + 1 && kzi_buf_reserve(nb, SC_KEY + 1 - nb->n)) return KZ_ENOMEM;
    sc_key(nb->p, n, key);
    set = &sc->sets[((key[0] * 0x9E3779B97F4A7C15ull) ^ (key[1] * 0xC2B2AE3D27D4EB4Full)) >>
                    (64 - SC_SETS_BITS)];
    for (w = 0; w < 2; w++) {
      sc_entry *e = &set->way[w];
      if (e->key[0] == key[0] && e->key[1] == key[1] &&
          (e->st[15] & (SC_VALID | SC_LOWERED)) == tag) {
        memcpy(nb->p, e->st, 16); /* nb->cap >= 17 */
        nb->n = e->st[14];
        nb->p[nb->n] = '\0';
        *stop = (e->st[15] & SC_STOP) != 0;
        if (w) { /* the most recent first */
          sc_entry t = set->way[0];
          set->way[0] = set->way[1];
          set->way[1] = t;
        }
        return KZ_OK;
      }
    }
  }
  *stop = stopword(tk, lowered);
  if ((rc = stem(tk)) != KZ_OK) return rc;
  if (set != NULL && nb->n <= SC_STEM) {
    sc_entry *e = &set->way[1];
    set->way[1] = set->way[0];
    e = &set->way[0];
    e->key[0] = key[0];
    e->key[1] = key[1];
    memset(e->st, 0, sizeof e->st);
    memcpy(e->st, nb->p, nb->n);
    e->st[14] = (unsigned char)nb->n;
    e->st[15] = (unsigned char)(tag | (*stop ? SC_STOP : 0u));
  }
  return KZ_OK;
}

int kzi_normalize_tail(kz_tokenizer *tk, int kind, int ascii, bool *stop) {
  unsigned fl = tk->flags;
  kzi_buf *nb = &tk->norm;
  int rc;
  *stop = false;

  if (kind == KZ_TOKEN_URL) fl &= ~(KZ_TOK_CASEFOLD | KZ_TOK_FOLD_DIACRITICS);
  if (kind == KZ_TOKEN_WORD) {
    unsigned lowered = !(fl & KZ_TOK_CASEFOLD) && ascii;
    if ((fl & KZ_TOK_POSSESSIVE) && nb->n > 2 && nb->p[nb->n - 2] == '\'' &&
        (nb->p[nb->n - 1] == 's' || nb->p[nb->n - 1] == 'S')) {
      nb->n -= 2;
      nb->p[nb->n] = '\0';
    }
    if (tk->stemmer) {
      if ((rc = stem_cached(tk, lowered, stop)) != KZ_OK) return rc;
    } else {
      *stop = stopword(tk, lowered);
    }
  } else if (kind == KZ_TOKEN_NUMBER && (fl & KZ_TOK_NUMBERS)) {
    strip_digit_groups(nb);
  }
  if ((fl & KZ_TOK_FOLD_DIACRITICS) && !ascii)
    if ((rc = fold_diacritics(tk)) != KZ_OK) return rc;
  return KZ_OK;
}

void kzi_normalize_setup(kz_tokenizer *tk) {
  unsigned fl = tk->flags;
  tk->tail_kinds = tk->tail_mid_kinds = 0;
  /* An ASCII word keeps "'s" only with a joining apostrophe (KZI_SEG_MID),
   * and a number has a comma only with a joining comma. */
  if (tk->stemmer || tk->stopwords) tk->tail_kinds |= 1u << KZ_TOKEN_WORD;
  if (fl & KZ_TOK_POSSESSIVE) tk->tail_mid_kinds |= 1u << KZ_TOKEN_WORD;
  if (fl & KZ_TOK_NUMBERS) tk->tail_mid_kinds |= 1u << KZ_TOKEN_NUMBER;
}
