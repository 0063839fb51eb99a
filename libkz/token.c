/*
 * token.c - the tokenizer: classification, joining and the public API.
 *
 * wordbreak.c hands over the UAX #29 word segments; this file decides what
 * each one is, joins the segments of URLs, e-mail addresses, @handles and
 * #hashtags into one token, marks hyphenated compounds, assigns positions
 * and calls normalize.c for the normalized form.
 *
 * The index does not take kz_token callbacks: kzi_tokenize_terms() runs the
 * same walk but writes the forms of the tokens an index keeps into a batch
 * (plain ASCII words lowercased straight into it) and hands the batch over
 * every KZI_TERM_BATCH terms.
 */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

#include "kz_int.h"
#include "termkey.h"

static const char *const kind_names[] = {
    "unknown", "word",    "number",  "punct",     "symbol", "url",
    "email",   "handle",  "hashtag", "ideograph", "emoji"};

const char *kz_token_kind_name(int kind) {
  if (kind < 1 || kind > KZ_TOKEN_EMOJI) return kind_names[0];
  return kind_names[kind];
}

/* ---- options and handle ----------------------------------------------- */

int kz_tokenizer_options_init(kz_tokenizer_options *opts, unsigned int version) {
  if (opts == NULL) return kzi_seterr(NULL, KZ_EINVAL, "options pointer is NULL");
  if (version != KZ_TOKENIZER_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION,
                      "tokenizer options version %u is not supported (this "
                      "library knows version %d)",
                      version, KZ_TOKENIZER_OPTIONS_VERSION);
  memset(opts, 0, sizeof *opts);
  opts->version = version;
  opts->flags = KZ_TOK_DEFAULT;
  return KZ_OK;
}

int kz_tokenizer_new(kz_tokenizer **out, const kz_tokenizer_options *opts) {
  kz_tokenizer_options def = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk;
  const char *code = NULL;
  int rc;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_tokenizer_new: out is NULL");
  *out = NULL;
  if (opts == NULL) opts = &def;
  if (opts->version != KZ_TOKENIZER_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION,
                      "tokenizer options version %u is not supported (this "
                      "library knows version %d); initialize the options with "
                      "KZ_TOKENIZER_OPTIONS_INIT",
                      opts->version, KZ_TOKENIZER_OPTIONS_VERSION);
  if (opts->flags & ~0x3FFu)
    return kzi_seterr(NULL, KZ_EINVAL, "unknown tokenizer flags 0x%x",
                      opts->flags & ~0x3FFu);
  if (opts->language && opts->language[0] && strcmp(opts->language, "und") != 0) {
    code = kzi_lang_code(opts->language);
    if (code == NULL && (opts->flags & KZ_TOK_STEM))
      return kzi_seterr(NULL, KZ_ENOTFOUND,
                        "unknown language '%.40s' for stemming (use an ISO "
                        "639-1 code such as en, de, ru)",
                        opts->language);
  }
  if ((opts->flags & KZ_TOK_STEM) && code == NULL)
    return kzi_seterr(NULL, KZ_EINVAL,
                      "stemming needs a language (set options.language)");
  tk = calloc(1, sizeof *tk);
  if (tk == NULL) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  tk->flags = opts->flags;
  if (code) memcpy(tk->lang, code, strlen(code) + 1);
  if (opts->flags & KZ_TOK_STEM) {
    const char *alg = kzi_lang_snowball(code);
    tk->stemmer = alg ? sb_stemmer_new(alg, NULL) : NULL;
    if (tk->stemmer == NULL) {
      free(tk);
      return kzi_seterr(NULL, KZ_ENOTFOUND,
                        "no Snowball stemmer for language '%s'", code);
    }
  }
  if ((rc = kzi_stopwords_load(&tk->stopwords, code)) != KZ_OK) {
    kz_tokenizer_free(tk);
    return kzi_seterr(NULL, rc, "out of memory loading stopwords");
  }
  kzi_normalize_setup(tk);
  *out = tk;
  return KZ_OK;
}

void kz_tokenizer_free(kz_tokenizer *tk) {
  if (tk == NULL) return;
  sb_stemmer_delete(tk->stemmer);
  kzi_stemcache_free(tk->stemcache);
  kzi_wordset_free(tk->stopwords);
  kzi_buf_free(&tk->norm);
  kzi_buf_free(&tk->tmp);
  kzi_buf_free(&tk->tmp2);
  kzi_buf_free(&tk->breaks);
  kzi_buf_free(&tk->fixed);
  kzi_buf_free(&tk->offmap);
  free(tk);
}

const char *kz_tokenizer_errmsg(const kz_tokenizer *tk) {
  return tk ? tk->err.msg : "tokenizer handle is NULL";
}

size_t kz_tokenizer_repaired(const kz_tokenizer *tk) {
  return tk ? tk->repaired : 0;
}

/* ---- one run ------------------------------------------------------------ */

typedef struct run {
  kz_tokenizer *tk;
  const unsigned char *s;
  size_t len;
  kz_token_cb cb;
  void *payload;
  kzi_terms *terms;    /* kzi_tokenize_terms(): the batch, else NULL */
  kzi_terms_cb tcb;
  size_t skip_until;   /* segments before this were joined into a token */
  size_t word_end;     /* end of the last word/number token, or SIZE_MAX */
  size_t hyphen_end;   /* end of a hyphen right after a word, or SIZE_MAX */
  size_t next_at;      /* the first '@' at or after it (or len), once known */
  uint32_t pos;
} run;

static inline int is_alnum_ascii(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Is the character at s[i] a letter or digit (any script)? */
static int alnum_at(const run *r, size_t i, size_t *len) {
  int32_t c;
  if (r->s[i] < 0x80) {
    *len = 1;
    return is_alnum_ascii(r->s[i]) || r->s[i] == '_';
  }
  c = kzi_utf8_decode(r->s + i, r->len - i, len);
  return c >= 0 && (uc_is_property_alphabetic((ucs4_t)c) ||
                    uc_is_general_category((ucs4_t)c, UC_CATEGORY_N) ||
                    uc_is_general_category((ucs4_t)c, UC_CATEGORY_M));
}

static int ci_prefix(const unsigned char *s, size_t n, const char *p) {
  size_t i;
  for (i = 0; p[i]; i++) {
    unsigned char c;
    if (i >= n) return 0;
    c = s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    if (c != (unsigned char)p[i]) return 0;
  }
  return 1;
}

/* End of a URL starting at i, or 0 when there is none. */
static size_t url_end(const run *r, size_t i) {
  const unsigned char *s = r->s;
  size_t n = r->len, j, head, len;
  int paren = 0, bracket = 0;
  if (ci_prefix(s + i, n - i, "https://")) head = 8;
  else if (ci_prefix(s + i, n - i, "http://")) head = 7;
  else if (ci_prefix(s + i, n - i, "ftp://")) head = 6;
  else if (ci_prefix(s + i, n - i, "www.")) head = 4;
  else return 0;
  j = i + head;
  if (j >= n || !alnum_at(r, j, &len)) return 0;
  while (j < n) {
    unsigned char c = s[j];
    if (c < 0x80) {
      if (c <= ' ' || c == 0x7F || strchr("<>\"`{}|\\^", c)) break;
      if (c == '(') paren++;
      if (c == ')' && --paren < 0) break;
      if (c == '[') bracket++;
      if (c == ']' && --bracket < 0) break;
      j++;
    } else {
      int32_t u = kzi_utf8_decode(s + j, n - j, &len);
      if (u < 0 || uc_is_property_white_space((ucs4_t)u) ||
          uc_is_general_category((ucs4_t)u, UC_CATEGORY_P))
        break;
      j += len;
    }
  }
  while (j > i + head && strchr(".,;:!?'*", s[j - 1])) j--;
  return j > i + head ? j : 0;
}

/* End of an @handle or #hashtag starting at i (s[i] is '@' or '#'), or 0. */
static size_t tag_end(const run *r, size_t i) {
  size_t j = i + 1, len;
  int letter = 0;
  if (i > 0) {
    size_t k = i - 1;
    unsigned char p = r->s[k];
    if (is_alnum_ascii(p) || p == '_' || p == '&' || p == '/') return 0;
    if (p >= 0x80) {
      while (k > 0 && (r->s[k] & 0xC0) == 0x80) k--;
      if (alnum_at(r, k, &len)) return 0;
    }
  }
  while (j < r->len && alnum_at(r, j, &len)) {
    if (r->s[j] >= 0x80 || !(r->s[j] >= '0' && r->s[j] <= '9')) letter = 1;
    j += len;
  }
  if (j == i + 1 || (r->s[i] == '#' && !letter)) return 0;
  return j;
}

/* Byte classes of joined tokens: CL_LOCAL an address's local part (ASCII
 * letters, digits and . _ % + -), CL_AT '@', CL_TAG what starts a handle or
 * a hashtag, CL_URL the first letter of http, ftp and www (any case). */
enum { CL_LOCAL = 1, CL_AT = 2, CL_TAG = 4, CL_URL = 8 };
static const unsigned char byte_class[256] = {
    ['#'] = CL_TAG, ['@'] = CL_AT | CL_TAG, ['%'] = CL_LOCAL, ['+'] = CL_LOCAL,
    ['-'] = CL_LOCAL, ['.'] = CL_LOCAL, ['_'] = CL_LOCAL, ['0'] = CL_LOCAL, ['1'] = CL_LOCAL,
    ['2'] = CL_LOCAL, ['3'] = CL_LOCAL, ['4'] = CL_LOCAL, ['5'] = CL_LOCAL, ['6'] = CL_LOCAL,
    ['7'] = CL_LOCAL, ['8'] = CL_LOCAL, ['9'] = CL_LOCAL, ['a'] = CL_LOCAL, ['b'] = CL_LOCAL,
    ['c'] = CL_LOCAL, ['d'] = CL_LOCAL, ['e'] = CL_LOCAL, ['f'] = CL_LOCAL | CL_URL,
    ['g'] = CL_LOCAL, ['h'] = CL_LOCAL | CL_URL, ['i'] = CL_LOCAL, ['j'] = CL_LOCAL,
    ['k'] = CL_LOCAL, ['l'] = CL_LOCAL, ['m'] = CL_LOCAL, ['n'] = CL_LOCAL, ['o'] = CL_LOCAL,
    ['p'] = CL_LOCAL, ['q'] = CL_LOCAL, ['r'] = CL_LOCAL, ['s'] = CL_LOCAL, ['t'] = CL_LOCAL,
    ['u'] = CL_LOCAL, ['v'] = CL_LOCAL, ['w'] = CL_LOCAL | CL_URL, ['x'] = CL_LOCAL,
    ['y'] = CL_LOCAL, ['z'] = CL_LOCAL, ['A'] = CL_LOCAL, ['B'] = CL_LOCAL, ['C'] = CL_LOCAL,
    ['D'] = CL_LOCAL, ['E'] = CL_LOCAL, ['F'] = CL_LOCAL | CL_URL, ['G'] = CL_LOCAL,
    ['H'] = CL_LOCAL | CL_URL, ['I'] = CL_LOCAL, ['J'] = CL_LOCAL, ['K'] = CL_LOCAL,
    ['L'] = CL_LOCAL, ['M'] = CL_LOCAL, ['N'] = CL_LOCAL, ['O'] = CL_LOCAL, ['P'] = CL_LOCAL,
    ['Q'] = CL_LOCAL, ['R'] = CL_LOCAL, ['S'] = CL_LOCAL, ['T'] = CL_LOCAL, ['U'] = CL_LOCAL,
    ['V'] = CL_LOCAL, ['W'] = CL_LOCAL | CL_URL, ['X'] = CL_LOCAL, ['Y'] = CL_LOCAL,
    ['Z'] = CL_LOCAL};

static inline int local_char(unsigned char c) { return byte_class[c] & CL_LOCAL; }

/* End of an e-mail address starting at i, or 0. */
static size_t email_end(const run *r, size_t i) {
  const unsigned char *s = r->s;
  size_t n = r->len, j = i, labels = 0, last = 0, k;
  if (i > 0 && (local_char(s[i - 1]) || s[i - 1] == '@')) return 0;
  while (j < n && local_char(s[j])) j++;
  if (j == i || j >= n || s[j] != '@' || s[j - 1] == '.') return 0;
  j++;
  for (;;) {
    size_t st = j;
    while (j < n && (is_alnum_ascii(s[j]) || s[j] == '-')) j++;
    if (j == st) return 0;
    labels++;
    last = st;
    if (j + 1 < n && s[j] == '.' && is_alnum_ascii(s[j + 1])) {
      j++;
      continue;
    }
    break;
  }
  if (labels < 2 || j - last < 2) return 0;
  for (k = last; k < j; k++)
    if (!(s[k] >= 'a' && s[k] <= 'z') && !(s[k] >= 'A' && s[k] <= 'Z')) return 0;
  return j;
}

static inline int indexable(int kind) {
  return (int)((((1u << KZ_TOKEN_WORD) | (1u << KZ_TOKEN_NUMBER) |
                 (1u << KZ_TOKEN_URL) | (1u << KZ_TOKEN_EMAIL) |
                 (1u << KZ_TOKEN_HANDLE) | (1u << KZ_TOKEN_HASHTAG) |
                 (1u << KZ_TOKEN_IDEOGRAPH)) >> kind) & 1u);
}

/* ASCII punctuation (P*) as opposed to symbols (S*). */
static inline int ascii_punct(unsigned char c) {
  /* Bit c of the 128-bit set !"#%&'()*,-./:;?@[\]_{} */
  static const uint64_t set[2] = {0x8C00F7EE00000000ull, 0x28000000B8000001ull};
  return c < 128 && ((set[c >> 6] >> (c & 63)) & 1u);
}

/* Kind and case flags of a segment with non-ASCII bytes. */
static int classify_utf8(const unsigned char *s, size_t n, unsigned *flags,
                         int *repaired) {
  size_t i, len;
  int alpha = 0, digit = 0, upper = 0, lower = 0, nchars = 0, kind;
  int32_t first = -1;
  *repaired = 0;
  for (i = 0; i < n; i += len) {
    int32_t c = kzi_utf8_decode(s + i, n - i, &len);
    if (c < 0) {
      *repaired = 1;
      c = 0xFFFD;
    }
    if (nchars++ == 0) first = c;
    if (uc_is_property_alphabetic((ucs4_t)c)) {
      alpha = 1;
      if (uc_is_upper((ucs4_t)c)) upper++;
      else if (uc_is_lower((ucs4_t)c)) lower++;
    } else if (uc_is_general_category((ucs4_t)c, UC_CATEGORY_Nd)) {
      digit = 1;
    }
  }
  if (alpha) {
    if (nchars <= 2 && (uc_is_property_ideographic((ucs4_t)first) ||
                        (first >= 0x3040 && first <= 0x30FF)))
      kind = KZ_TOKEN_IDEOGRAPH;
    else
      kind = KZ_TOKEN_WORD;
    if (uc_is_upper((ucs4_t)first)) *flags |= KZ_TOKEN_CAPITALIZED;
    if (upper >= 2 && lower == 0) *flags |= KZ_TOKEN_ALLCAPS;
  } else if (digit) {
    kind = KZ_TOKEN_NUMBER;
  } else if (uc_is_property_extended_pictographic((ucs4_t)first) ||
             (first >= 0x1F1E6 && first <= 0x1F1FF)) {
    kind = KZ_TOKEN_EMOJI;
  } else if (uc_is_general_category((ucs4_t)first, UC_CATEGORY_P)) {
    kind = KZ_TOKEN_PUNCT;
  } else {
    kind = KZ_TOKEN_SYMBOL;
  }
  if (*repaired) *flags |= KZ_TOKEN_REPAIRED;
  return kind;
}

static int is_hyphen(const unsigned char *s, size_t n) {
  return (n == 1 && s[0] == '-') ||
         (n == 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x90 || s[2] == 0x91));
}

/* Eight ASCII bytes lowercased at once (bytes >= 0x80 are left alone). */
static inline uint64_t tolower8(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t lo7 = w & ~high;
  uint64_t ge_a = lo7 + ones * (0x80 - 'A'); /* high bit: byte >= 'A' */
  uint64_t gt_z = lo7 + ones * (0x7F - 'Z'); /* high bit: byte > 'Z' */
  return w | ((ge_a & ~gt_z & ~w & high) >> 2);
}

/* A copy of the ASCII token s[0..n) at d, lowercased when `lower`.  d has
 * room for n + 16 bytes; `avail` bytes can be read from s.  The copy goes
 * eight bytes at a time, and a token of up to 16 bytes (nearly all) takes
 * two straight-line copies. */
static inline void ascii_copy(char *d, const unsigned char *s, size_t n, size_t avail,
                              int lower) {
  size_t i;
  if (KZI_LIKELY(n <= 16 && avail >= 16)) {
    uint64_t w0, w1;
    memcpy(&w0, s, 8);
    memcpy(&w1, s + 8, 8);
    if (lower) {
      w0 = tolower8(w0);
      w1 = tolower8(w1);
    }
    memcpy(d, &w0, 8);
    memcpy(d + 8, &w1, 8);
  } else if (avail >= n + 7) {
    for (i = 0; i < n; i += 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (lower) w = tolower8(w);
      memcpy(d + i, &w, 8);
    }
  } else {
    for (i = 0; i < n; i++) {
      unsigned char c = s[i];
      d[i] = (char)(lower ? c + ((unsigned)(c - 'A') < 26u) * 32u : c);
    }
  }
}

/* The form of the ASCII token s[0..n) in tk->norm: a copy, lowercased when
 * `lower` (NFKC and quote unification change nothing in ASCII). */
static inline int ascii_form(kzi_buf *nb, const unsigned char *s, size_t n,
                             size_t avail, int lower) {
  if (KZI_UNLIKELY(n + 16 >= nb->cap)) {
    nb->n = 0;
    if (kzi_buf_reserve(nb, n + 16)) return KZ_ENOMEM;
  }
  ascii_copy(nb->p, s, n, avail, lower);
  nb->p[n] = '\0';
  nb->n = n;
  return KZ_OK;
}

/* Room for a term of n bytes (and 16 bytes of padding) in the batch. */
static inline int terms_room(kzi_terms *tb, size_t n) {
  if (KZI_UNLIKELY(tb->text.cap - tb->text.n < n + 32))
    return kzi_buf_reserve(&tb->text, n + 32 + KZI_TERM_BATCH * 16);
  return KZ_OK;
}

/* Close the term just written at the end of the batch text (n bytes, at
 * position pos), whose key words and hash are already in place; a full
 * batch goes to the caller. */
static inline int terms_close(run *r, size_t n, uint32_t pos) {
  kzi_terms *tb = r->terms;
  size_t k = tb->n++;
  tb->off[k] = (uint32_t)tb->text.n;
  tb->len[k] = (uint32_t)n;
  tb->pos[k] = pos;
  tb->text.n += n;
  if (KZI_UNLIKELY(tb->n == KZI_TERM_BATCH)) {
    int rc = r->tcb(r->payload, tb);
    tb->n = 0;
    tb->text.n = 0;
    return rc;
  }
  return 0;
}

/* terms_close() for a form of any length, its key taken from its copy
 * (padded: the batch text has 16 bytes past every term). */
static inline int terms_push(run *r, size_t n, uint32_t pos) {
  kzi_terms *tb = r->terms;
  size_t k = tb->n, m = key_form_len(n);
  kwords kw;
  tb->h[k] = key_hash(tb->space, tb->text.p + tb->text.n, m, 1, &kw);
  tb->k8[k] = kw.k8;
  tb->k16[k] = kw.k16;
  return terms_close(r, n, pos);
}

/* A token's normalized form (in tk->norm) as a term of the batch;
 * punctuation, symbols and empty forms are not terms. */
static int terms_add_norm(run *r, int kind, uint32_t pos) {
  kz_tokenizer *tk = r->tk;
  size_t n = tk->norm.n;
  if (kind == KZ_TOKEN_PUNCT || kind == KZ_TOKEN_SYMBOL || n == 0) return 0;
  if (terms_room(r->terms, n)) return kzi_seterr(&tk->err, KZ_ENOMEM, "out of memory");
  memcpy(r->terms->text.p + r->terms->text.n, tk->norm.p, n);
  return terms_push(r, n, pos);
}

/* Hand one token to the caller: hyphen and position bookkeeping, the
 * normalized form, the stopword flag.  `ascii` when the token is plain
 * ASCII; sf is the segment's KZI_SEG_* flags (for KZI_SEG_MID). */
static inline int emit(run *r, size_t start, size_t end, int kind,
                       unsigned tflags, int ascii, unsigned sf) {
  kz_tokenizer *tk = r->tk;
  kz_token t;
  bool stop = false;
  int rc, wordish = (unsigned)(kind - KZ_TOKEN_WORD) < 2u, idx = indexable(kind);
  unsigned fl = tk->flags;

  if (wordish && start == r->hyphen_end) tflags |= KZ_TOKEN_HYPHENATED;
  if (kind == KZ_TOKEN_PUNCT && start == r->word_end &&
      is_hyphen(r->s + start, end - start))
    r->hyphen_end = end;
  else
    r->hyphen_end = SIZE_MAX;
  r->word_end = wordish ? end : SIZE_MAX;

  t.position = r->pos;
  r->pos += (uint32_t)idx;
  if (KZI_UNLIKELY(fl & KZ_TOK_SKIP_PUNCT) && !idx) return 0;

  if (ascii) {
    rc = ascii_form(&tk->norm, r->s + start, end - start, r->len - start,
                    (fl & KZ_TOK_CASEFOLD) && kind != KZ_TOKEN_URL);
    if (rc == KZ_OK && (((tk->tail_kinds >> kind) & 1u) ||
                        ((sf & KZI_SEG_MID) && ((tk->tail_mid_kinds >> kind) & 1u))))
      rc = kzi_normalize_tail(tk, kind, 1, &stop);
  } else {
    rc = kzi_normalize(tk, (const char *)r->s + start, end - start, kind, 0, &stop);
  }
  if (KZI_UNLIKELY(rc != KZ_OK))
    return kzi_seterr(&tk->err, rc, "out of memory normalizing the token at byte %zu", start);
  if (stop) {
    tflags |= KZ_TOKEN_STOPWORD;
    if (fl & KZ_TOK_SKIP_STOPWORDS) return 0;
  }
  if (r->terms) return terms_add_norm(r, kind, t.position);
  t.start = start;
  t.end = end;
  t.norm = tk->norm.p;
  t.norm_len = tk->norm.n;
  t.kind = (uint16_t)kind;
  t.flags = (uint16_t)tflags;
  return r->cb(&t, r->payload);
}

/* Is there an '@' at or after `start`?  (One memchr() per '@' of the text:
 * r->next_at holds the first one at or after the last position asked.) */
static inline int at_ahead(run *r, size_t start) {
  if (r->next_at < start) {
    const unsigned char *at = memchr(r->s + start, '@', r->len - start);
    r->next_at = at ? (size_t)(at - r->s) : r->len;
  }
  return r->next_at < r->len;
}

/* Could a URL, e-mail address, @handle or #hashtag start at `start`?  A
 * quick necessary condition for joined(): url_end() needs http, ftp or
 * www, email_end() an '@' after local-part characters. */
static inline int maybe_joined(run *r, size_t start, size_t end) {
  const unsigned char *s = r->s;
  unsigned c = s[start], k = byte_class[c], lc, c1;
  if (k & CL_TAG) return 1;
  /* (at_ahead() first: most texts have no '@' at all) */
  if ((k & CL_LOCAL) && at_ahead(r, start) && end < r->len &&
      (byte_class[s[end]] & (CL_LOCAL | CL_AT)))
    return 1;
  if (!(k & CL_URL)) return 0;
  lc = c | 0x20;
  c1 = start + 1 < r->len ? s[start + 1] | 0x20u : 0u;
  return c1 == (lc == 'w' ? 'w' : 't');
}

/* URLs, e-mail addresses, @handles and #hashtags starting at `start`: the
 * joined token's kind, with its end in *e, or 0. */
static int joined(run *r, size_t start, size_t end, size_t *e) {
  const unsigned char *s = r->s;
  unsigned char c = s[start];
  if ((*e = url_end(r, start)) != 0) return KZ_TOKEN_URL;
  if (c == '@' || c == '#') {
    if ((*e = tag_end(r, start)) != 0) return c == '@' ? KZ_TOKEN_HANDLE : KZ_TOKEN_HASHTAG;
  }
  if (end < r->len && local_char(c) && (s[end] == '@' || local_char(s[end]))) {
    /* An address needs an '@' ahead: most texts have none. */
    if (at_ahead(r, start) && (*e = email_end(r, start)) != 0) return KZ_TOKEN_EMAIL;
  }
  return 0;
}

/* The kind of an ASCII segment. */
static inline int ascii_kind(unsigned sf, unsigned char c) {
  static const unsigned char by_flags[4] = {0, KZ_TOKEN_WORD, KZ_TOKEN_NUMBER,
                                            KZ_TOKEN_WORD}; /* LETTER, DIGIT */
  int k = by_flags[sf & (KZI_SEG_LETTER | KZI_SEG_DIGIT)];
  return k ? k : KZ_TOKEN_SYMBOL - ascii_punct(c);
}

static inline int on_segment(run *r, size_t start, size_t end, unsigned sf) {
  const unsigned char *s = r->s;
  unsigned tflags;
  int kind, ascii;

  if (KZI_UNLIKELY(start < r->skip_until)) {
    if (end <= r->skip_until) return 0;
    /* The rest of a segment a joined token cut: classified afresh. */
    start = r->skip_until;
    sf &= ~(KZI_SEG_TOKEN_FLAGS | KZI_SEG_ASCII);
  }
  tflags = sf & (KZI_SEG_SPACE_BEFORE | KZI_SEG_NEWLINE_BEFORE);

  if (!(r->tk->flags & KZ_TOK_PLAIN) && maybe_joined(r, start, end)) {
    size_t e = 0;
    int jk = joined(r, start, end, &e);
    if (jk) {
      int ok = 1;
      for (size_t i = start; i < e; i++)
        if (s[i] >= 0x80) ok = 0;
      r->skip_until = e;
      return emit(r, start, e, jk, tflags, ok, sf);
    }
  }

  if (KZI_LIKELY(sf & KZI_SEG_ASCII)) {
    ascii = 1;
    tflags |= sf & (KZI_SEG_CAPITALIZED | KZI_SEG_ALLCAPS);
    kind = ascii_kind(sf, s[start]);
  } else {
    int rep;
    size_t i;
    for (i = start; i < end && s[i] < 0x80; i++) {}
    ascii = (i == end); /* an ASCII remainder, or ASCII from the slow path */
    kind = classify_utf8(s + start, end - start, &tflags, &rep);
    sf |= KZI_SEG_MID;  /* unknown here: let kzi_normalize_tail() look */
  }
  return emit(r, start, end, kind, tflags, ascii, sf);
}

/* The straight path of one plain ASCII segment (see on_segments()).  The
 * run's position and hyphen state are in *st (pos, word_end, hyphen_end);
 * `lower` is a constant in each copy. */

typedef struct fast_state {
  uint32_t pos;
  size_t word_end, hyphen_end;
} fast_state;

static KZI_ALWAYS_INLINE int emit_ascii(run *r, fast_state *st, kz_token *t, size_t start,
                                    size_t end, unsigned sf, int lower, unsigned tail,
                                    unsigned tail_mid) {
  kz_tokenizer *tk = r->tk;
  const unsigned char *s = r->s;
  int kind = ascii_kind(sf, s[start]), rc;
  int wordish = (unsigned)(kind - KZ_TOKEN_WORD) < 2u; /* = indexable here */

  t->flags = (uint16_t)((sf & KZI_SEG_TOKEN_FLAGS) |
                        (unsigned)(wordish & (start == st->hyphen_end)) * KZ_TOKEN_HYPHENATED);
  st->hyphen_end =
      (kind == KZ_TOKEN_PUNCT && s[start] == '-' && start == st->word_end) ? end : SIZE_MAX;
  st->word_end = wordish ? end : SIZE_MAX;
  t->position = st->pos;
  st->pos += (uint32_t)wordish;
  if (KZI_UNLIKELY(tk->flags & KZ_TOK_SKIP_PUNCT) && !wordish) return 0;

  rc = ascii_form(&tk->norm, s + start, end - start, r->len - start, lower);
  if (KZI_UNLIKELY((tail | tail_mid) != 0) && rc == KZ_OK &&
      (((tail >> kind) & 1u) || ((sf & KZI_SEG_MID) && ((tail_mid >> kind) & 1u)))) {
    bool stop = false;
    rc = kzi_normalize_tail(tk, kind, 1, &stop);
    if (rc == KZ_OK && stop) {
      t->flags |= KZ_TOKEN_STOPWORD;
      if (tk->flags & KZ_TOK_SKIP_STOPWORDS) return 0;
    }
  }
  if (KZI_UNLIKELY(rc != KZ_OK))
    return kzi_seterr(&tk->err, rc, "out of memory normalizing the token at byte %zu",
                      start);
  t->start = start;
  t->end = end;
  t->norm = tk->norm.p;
  t->norm_len = tk->norm.n;
  t->kind = (uint16_t)kind;
  return r->cb(t, r->payload);
}

/* emit_ascii() for kzi_tokenize_terms(): the term goes to the batch, its
 * form written there directly.  Token flags are not needed, so neither is
 * the hyphen state. */
static KZI_ALWAYS_INLINE int term_ascii(run *r, fast_state *st, size_t start, size_t end,
                                    unsigned sf, int lower, unsigned tail,
                                    unsigned tail_mid) {
  kz_tokenizer *tk = r->tk;
  const unsigned char *s = r->s;
  kzi_terms *tb = r->terms;
  int kind = ascii_kind(sf, s[start]);
  uint32_t pos = st->pos;
  size_t n = end - start;

  if ((unsigned)(kind - KZ_TOKEN_WORD) >= 2u) return 0; /* punctuation, symbol */
  st->pos++;
  if (KZI_UNLIKELY((tail | tail_mid) != 0) &&
      (((tail >> kind) & 1u) || ((sf & KZI_SEG_MID) && ((tail_mid >> kind) & 1u)))) {
    bool stop = false;
    int rc = ascii_form(&tk->norm, s + start, n, r->len - start, lower);
    if (rc == KZ_OK) rc = kzi_normalize_tail(tk, kind, 1, &stop);
    if (KZI_UNLIKELY(rc != KZ_OK))
      return kzi_seterr(&tk->err, rc, "out of memory normalizing the token at byte %zu",
                        start);
    if (stop && (tk->flags & KZ_TOK_SKIP_STOPWORDS)) return 0;
    return terms_add_norm(r, kind, pos);
  }
  if (terms_room(tb, n))
    return kzi_seterr(&tk->err, KZ_ENOMEM, "out of memory at byte %zu", start);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (KZI_LIKELY(n - 1 < 15 && r->len - start >= 16)) { /* 1 <= n <= 15 */
    /* nearly every word: its two words lowercased in registers become
     * both the copy and the key (key_words() of the copy, unrolled) */
    /* masks of the key's bytes in k8 (bytes 0..min(n, 7)) and k16 (7..n),
     * by n: no branch on the word's length */
#define M(b) ((b) ? ~0ull >> (64 - 8 * (b)) : 0)
    static const uint64_t m8[16] = {0, M(1), M(2), M(3), M(4), M(5), M(6), M(7),
                                    M(7), M(7), M(7), M(7), M(7), M(7), M(7), M(7)};
    static const uint64_t m16[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                     M(1), M(2), M(3), M(4), M(5), M(6), M(7), M(8)};
#undef M
    uint64_t w0, w1, k8, k16;
    size_t k = tb->n;
    char *d = tb->text.p + tb->text.n;
    memcpy(&w0, s + start, 8);
    memcpy(&w1, s + start + 8, 8);
    if (lower) {
      w0 = tolower8(w0);
      w1 = tolower8(w1);
    }
    memcpy(d, &w0, 8);
    memcpy(d + 8, &w1, 8);
    k8 = (unsigned char)tb->space | (w0 & m8[n]) << 8;
    k16 = (w0 >> 56 | w1 << 8) & m16[n];
    tb->k8[k] = k8;
    tb->k16[k] = k16;
    tb->h[k] = hash_words((kwords){k8, k16}, n + 1, NULL, 0, 1);
    return terms_close(r, n, pos);
  }
#endif
  ascii_copy(tb->text.p + tb->text.n, s + start, n, r->len - start, lower);
  return terms_push(r, n, pos);
}

/* The batch loop, in four copies (KZ_TOK_PLAIN or not, lowercasing or
 * not). */
static KZI_ALWAYS_INLINE int segments_loop(run *r, const kzi_seg *seg, size_t n, int plain,
                                       int lower, int terms) {
  const unsigned tail = r->tk->tail_kinds, tail_mid = r->tk->tail_mid_kinds;
  fast_state st;
  kz_token t;
  size_t i;
  int rc;

  st.pos = r->pos;
  st.word_end = r->word_end;
  st.hyphen_end = r->hyphen_end;
  for (i = 0; i < n; i++) {
    size_t start = seg[i].start, end = seg[i].end;
    unsigned sf = seg[i].flags;
    /* (Only joined tokens set skip_until.) */
    if (KZI_UNLIKELY(!(sf & KZI_SEG_ASCII) ||
                     (!plain && (start < r->skip_until || maybe_joined(r, start, end))))) {
      r->pos = st.pos;
      r->word_end = st.word_end;
      r->hyphen_end = st.hyphen_end;
      rc = on_segment(r, start, end, sf);
      st.pos = r->pos;
      st.word_end = r->word_end;
      st.hyphen_end = r->hyphen_end;
    } else if (terms) {
      rc = term_ascii(r, &st, start, end, sf, lower, tail, tail_mid);
    } else {
      rc = emit_ascii(r, &st, &t, start, end, sf, lower, tail, tail_mid);
    }
    if (rc != 0) return rc;
  }
  r->pos = st.pos;
  r->word_end = st.word_end;
  r->hyphen_end = st.hyphen_end;
  return 0;
}

/*
 * A batch of segments.  Plain ASCII segments that start no joined token
 * (nearly all of them in English news) take the straight path of
 * emit_ascii(); the others go through on_segment().
 */
static int on_segments(void *payload, const kzi_seg *seg, size_t n) {
  run *r = payload;
  switch (r->tk->flags & (KZ_TOK_PLAIN | KZ_TOK_CASEFOLD)) {
    case KZ_TOK_PLAIN: return segments_loop(r, seg, n, 1, 0, 0);
    case KZ_TOK_CASEFOLD: return segments_loop(r, seg, n, 0, 1, 0);
    case KZ_TOK_PLAIN | KZ_TOK_CASEFOLD: return segments_loop(r, seg, n, 1, 1, 0);
    default: return segments_loop(r, seg, n, 0, 0, 0);
  }
}

/* on_segments() for kzi_tokenize_terms(); the index's analyzers lowercase
 * and join, so only that copy is specialized. */
static int on_segments_terms(void *payload, const kzi_seg *seg, size_t n) {
  run *r = payload;
  if ((r->tk->flags & (KZ_TOK_PLAIN | KZ_TOK_CASEFOLD)) == KZ_TOK_CASEFOLD)
    return segments_loop(r, seg, n, 0, 1, 1);
  return segments_loop(r, seg, n, (r->tk->flags & KZ_TOK_PLAIN) != 0,
                       (r->tk->flags & KZ_TOK_CASEFOLD) != 0, 1);
}

int kz_tokenize(kz_tokenizer *tk, const char *text, size_t len, kz_token_cb cb,
                void *payload) {
  run r;
  if (tk == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_tokenize: tokenizer is NULL");
  if (cb == NULL) return kzi_seterr(&tk->err, KZ_EINVAL, "kz_tokenize: callback is NULL");
  if (text == NULL && len > 0)
    return kzi_seterr(&tk->err, KZ_EINVAL, "kz_tokenize: text is NULL but length is %zu", len);
  kzi_clearerr(&tk->err);
  tk->repaired = 0;
  memset(&r, 0, sizeof r);
  r.tk = tk;
  r.s = (const unsigned char *)text;
  r.len = len;
  r.cb = cb;
  r.payload = payload;
  r.word_end = r.hyphen_end = SIZE_MAX;
  if (len == 0) return KZ_OK;
  return kzi_word_segments(tk, text, len, on_segments, &r);
}

int kzi_tokenize_terms(kz_tokenizer *tk, const char *text, size_t len, kzi_terms *tb,
                       kzi_terms_cb cb, void *payload) {
  run r;
  int rc;
  kzi_clearerr(&tk->err);
  tk->repaired = 0;
  tb->n = 0;
  tb->text.n = 0;
  if (len == 0) return KZ_OK;
  memset(&r, 0, sizeof r);
  r.tk = tk;
  r.s = (const unsigned char *)text;
  r.len = len;
  r.terms = tb;
  r.tcb = cb;
  r.payload = payload;
  r.word_end = r.hyphen_end = SIZE_MAX;
  rc = kzi_word_segments(tk, text, len, on_segments_terms, &r);
  if (rc == 0 && tb->n) rc = cb(payload, tb);
  tb->n = 0;
  tb->text.n = 0;
  return rc;
}
