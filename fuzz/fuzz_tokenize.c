/*
 * fuzz_tokenize.c - libFuzzer target for kz_tokenize() and kz_sentences().
 *
 * Input layout:
 *   byte 0-1  options, little endian:
 *               bits 0-9    KZ_TOK_* tokenizer flags (any combination)
 *               bits 10-11  language: none, "en", "de", "ru"
 *               bits 12-14  KZ_SENT_* sentence flags
 *               bit  15     stop early: the callbacks return nonzero at the
 *                           token/span chosen by byte 2
 *   byte 2    chunking: 0 tokenizes the text in one call; otherwise the text
 *             is also cut into pieces of (byte 2) bytes, each tokenized by
 *             the same handle (this reuses the scratch buffers with inputs
 *             that start and end in the middle of a character)
 *   rest      the text (any bytes)
 *
 * Properties checked (a violation calls __builtin_trap(), so libFuzzer and
 * the standalone driver both stop with a stack trace):
 *   - kz_tokenizer_new() succeeds, or fails with KZ_EINVAL exactly when
 *     KZ_TOK_STEM is asked without a language, leaving *out NULL;
 *   - kz_tokenize() returns KZ_OK, or the callback's value when it stops;
 *   - every token has start < end <= len, starts at or after the end of the
 *     previous token, has kind 1..10, only known flags, a non-NULL norm with
 *     norm_len == strlen(norm);
 *   - positions never go down; an indexable token (word, number, URL, ...)
 *     is followed by a token with a larger position;
 *   - tokenizing the same text twice gives the same tokens (scratch buffers
 *     carry no state between calls);
 *   - kz_tokenizer_repaired() <= len;
 *   - with KZ_TOK_PLAIN, no skipping and valid UTF-8, the token boundaries
 *     are u8_wordbreaks() boundaries and everything between tokens is white
 *     space, controls or format characters;
 *   - with no normalization flag at all, valid UTF-8 and no control
 *     character in the token, norm is the token's own bytes;
 *   - kz_sentences(): spans have start < end <= len and do not overlap; with
 *     KZ_SENT_UAX29 they tile the whole input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unistr.h>
#include <uniwbrk.h>

#include "kz.h"


/* Say which property failed (the standalone driver has no stack trace),
 * then trap. */
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "fuzz_tokenize.c:%d: check failed: %s\n", __LINE__,   \
              #cond);                                                       \
      __builtin_trap();                                                     \
    }                                                                       \
  } while (0)

#define ALL_TOKEN_FLAGS                                                     \
  (KZ_TOKEN_HYPHENATED | KZ_TOKEN_STOPWORD | KZ_TOKEN_REPAIRED |            \
   KZ_TOKEN_CAPITALIZED | KZ_TOKEN_ALLCAPS | KZ_TOKEN_SPACE_BEFORE |        \
   KZ_TOKEN_NEWLINE_BEFORE)

#define NORMALIZING_FLAGS                                                   \
  (KZ_TOK_NFKC | KZ_TOK_CASEFOLD | KZ_TOK_QUOTES | KZ_TOK_NUMBERS |         \
   KZ_TOK_FOLD_DIACRITICS | KZ_TOK_POSSESSIVE | KZ_TOK_STEM)

/* What the token callback sees and checks. */
typedef struct tokstate {
  const uint8_t *text;
  size_t len;
  unsigned flags;      /* KZ_TOK_* of the tokenizer */
  int valid_utf8;      /* text passes u8_check() */
  const char *brk;     /* u8_wordbreaks() of text, or NULL */
  size_t count;        /* tokens seen */
  size_t stop_at;      /* return 7 at this token (SIZE_MAX: never) */
  size_t prev_end;
  uint32_t prev_pos;
  int prev_indexable;
  uint64_t hash;       /* of everything reported, to compare two runs */
} tokstate;

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0x100000001B3ull;
}

static int indexable(int kind) {
  return kind == KZ_TOKEN_WORD || kind == KZ_TOKEN_NUMBER ||
         kind == KZ_TOKEN_URL || kind == KZ_TOKEN_EMAIL ||
         kind == KZ_TOKEN_HANDLE || kind == KZ_TOKEN_HASHTAG ||
         kind == KZ_TOKEN_IDEOGRAPH;
}

/* True when text[a..b) holds only white space, controls and format
 * characters (the segments the tokenizer does not report). */
static int blank(const uint8_t *s, size_t a, size_t b) {
  while (a < b) {
    ucs4_t c;
    int n = u8_mbtouc(&c, s + a, b - a);
    if (!uc_is_property_white_space(c) &&
        !uc_is_general_category(c, UC_CATEGORY_Cc) &&
        !uc_is_general_category(c, UC_CATEGORY_Cf))
      return 0;
    a += (size_t)(n > 0 ? n : 1);
  }
  return 1;
}

/* True when s[0..n) holds a C0 or C1 control or DEL, which the normalized
 * form drops (a combining mark can carry one into a token). */
static int has_control(const uint8_t *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] == 0x7F ||
        (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xA0))
      return 1;
  return 0;
}

static int on_token(const kz_token *t, void *payload) {
  tokstate *st = payload;
  size_t i;

  CHECK(t != NULL);
  CHECK(t->start < t->end);
  CHECK(t->end <= st->len);
  CHECK(t->start >= st->prev_end);
  CHECK(t->kind >= KZ_TOKEN_WORD && t->kind <= KZ_TOKEN_EMOJI);
  CHECK((t->flags & ~ALL_TOKEN_FLAGS) == 0);
  CHECK(t->norm != NULL);
  CHECK(t->norm_len == strlen(t->norm));
  if (st->count > 0) {
    if (st->prev_indexable)
      CHECK(t->position > st->prev_pos);
    else
      CHECK(t->position >= st->prev_pos);
  }
  if (st->flags & KZ_TOK_SKIP_PUNCT)
    CHECK(t->kind != KZ_TOKEN_PUNCT && t->kind != KZ_TOKEN_SYMBOL);
  if (st->flags & KZ_TOK_SKIP_STOPWORDS)
    CHECK(!(t->flags & KZ_TOKEN_STOPWORD));

  if (st->brk) {
    /* Pure UAX #29: the token is whole segments, and the gap before it is
     * blank. */
    CHECK(t->start == 0 || st->brk[t->start]);
    CHECK(t->end == st->len || st->brk[t->end]);
    CHECK(blank(st->text, st->prev_end, t->start));
  }
  if (st->valid_utf8 && !(st->flags & NORMALIZING_FLAGS) &&
      !has_control(st->text + t->start, t->end - t->start)) {
    CHECK(t->norm_len == t->end - t->start);
    CHECK(memcmp(t->norm, st->text + t->start, t->norm_len) == 0);
  }

  st->hash = mix(st->hash, t->start);
  st->hash = mix(st->hash, t->end);
  st->hash = mix(st->hash, ((uint64_t)t->position << 32) |
                               ((uint64_t)t->kind << 16) | t->flags);
  for (i = 0; i < t->norm_len; i++)
    st->hash = mix(st->hash, (unsigned char)t->norm[i]);

  st->prev_end = t->end;
  st->prev_pos = t->position;
  st->prev_indexable = indexable(t->kind);
  if (st->count++ == st->stop_at) return 7;
  return 0;
}

/* One kz_tokenize() call over text[0..len) with all checks. */
static uint64_t tokenize_checked(kz_tokenizer *tk, unsigned flags,
                                 const uint8_t *text, size_t len,
                                 size_t stop_at, int with_oracle) {
  tokstate st;
  char *brk = NULL;
  int rc;

  memset(&st, 0, sizeof st);
  st.text = text;
  st.len = len;
  st.flags = flags;
  st.stop_at = stop_at;
  st.valid_utf8 = u8_check(text, len) == NULL;
  if (with_oracle && st.valid_utf8 && len > 0 && (flags & KZ_TOK_PLAIN) &&
      !(flags & (KZ_TOK_SKIP_PUNCT | KZ_TOK_SKIP_STOPWORDS))) {
    brk = malloc(len);
    CHECK(brk != NULL);
    u8_wordbreaks(text, len, brk);
    st.brk = brk;
  }
  rc = kz_tokenize(tk, (const char *)text, len, on_token, &st);
  if (stop_at != SIZE_MAX && st.count > stop_at)
    CHECK(rc == 7);
  else
    CHECK(rc == KZ_OK);
  CHECK(kz_tokenizer_repaired(tk) <= len);
  if (st.valid_utf8) CHECK(kz_tokenizer_repaired(tk) == 0);
  if (rc == KZ_OK && st.brk) CHECK(blank(text, st.prev_end, len));
  free(brk);
  return mix(st.hash, st.count);
}

typedef struct sentstate {
  size_t len;
  size_t prev_end;
  size_t count;
  size_t stop_at;
  int tile; /* KZ_SENT_UAX29: spans must cover the input */
} sentstate;

static int on_span(size_t start, size_t end, void *payload) {
  sentstate *st = payload;
  CHECK(start < end);
  CHECK(end <= st->len);
  CHECK(start >= st->prev_end);
  if (st->tile) CHECK(start == st->prev_end);
  st->prev_end = end;
  if (st->count++ == st->stop_at) return 9;
  return 0;
}

static void sentences_checked(kz_tokenizer *tk, unsigned sflags,
                              const uint8_t *text, size_t len, size_t stop_at) {
  sentstate st;
  int rc;
  memset(&st, 0, sizeof st);
  st.len = len;
  st.stop_at = stop_at;
  st.tile = (sflags & KZ_SENT_UAX29) == KZ_SENT_UAX29;
  rc = kz_sentences(tk, (const char *)text, len, sflags, on_span, &st);
  if (stop_at != SIZE_MAX && st.count > stop_at) {
    CHECK(rc == 9);
  } else {
    CHECK(rc == KZ_OK);
    if (st.tile) CHECK(st.prev_end == len);
  }
  CHECK(kz_tokenizer_repaired(tk) <= len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {NULL, "en", "de", "ru"};
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk = NULL;
  unsigned opt, sflags;
  size_t stop_at = SIZE_MAX, chunk, len;
  const uint8_t *text;
  uint64_t h1, h2;
  int rc;

  if (size < 3) return 0;
  opt = (unsigned)data[0] | ((unsigned)data[1] << 8);
  chunk = data[2];
  text = data + 3;
  len = size - 3;

  o.flags = opt & 0x3FFu;
  o.language = langs[(opt >> 10) & 3u];
  sflags = (opt >> 12) & 7u;
  if (opt & 0x8000u) stop_at = chunk;

  rc = kz_tokenizer_new(&tk, &o);
  if ((o.flags & KZ_TOK_STEM) && o.language == NULL) {
    /* Stemming without a language is a usage error, reported cleanly. */
    CHECK(rc == KZ_EINVAL && tk == NULL);
    o.language = "en";
    rc = kz_tokenizer_new(&tk, &o);
  }
  CHECK(rc == KZ_OK && tk != NULL);
  CHECK(kz_tokenizer_errmsg(tk) != NULL);

  /* Run twice on the whole text: identical results. */
  h1 = tokenize_checked(tk, o.flags, text, len, stop_at, 1);
  h2 = tokenize_checked(tk, o.flags, text, len, stop_at, 0);
  CHECK(h1 == h2);

  if (chunk > 0 && !(opt & 0x8000u)) {
    size_t off;
    for (off = 0; off < len; off += chunk) {
      size_t n = len - off < chunk ? len - off : chunk;
      (void)tokenize_checked(tk, o.flags, text + off, n, SIZE_MAX, 1);
    }
  }

  sentences_checked(tk, sflags, text, len, stop_at);
  sentences_checked(tk, KZ_SENT_UAX29, text, len, SIZE_MAX);

  /* The tokenizer must still work after the sentence segmenter. */
  CHECK(tokenize_checked(tk, o.flags, text, len, stop_at, 0) == h1);
  kz_tokenizer_free(tk);
  return 0;
}
