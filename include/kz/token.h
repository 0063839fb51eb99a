/*
 * kz/token.h - Unicode tokenizer and sentence segmenter.
 *
 * Text is UTF-8 given as (pointer, length); no NUL terminator is needed and
 * embedded NULs are ordinary characters.  Invalid UTF-8 never stops the
 * tokenizer: each bad byte is read as U+FFFD, offsets keep pointing into the
 * caller's original bytes, and kz_tokenizer_repaired() tells how many bytes
 * were repaired by the last call.
 *
 * Word boundaries follow Unicode Standard Annex #29 exactly as libunistring
 * implements it (u8_wordbreaks), with an ASCII fast path that yields the same
 * boundaries.  On top of the boundaries the tokenizer
 *   - classifies each token (word, number, punctuation, symbol, ...);
 *   - joins the pieces that UAX #29 splits but a news corpus needs whole:
 *     URLs, e-mail addresses, @handles and #hashtags;
 *   - marks the second part of hyphenated words ("Nur-Sultan") with
 *     KZ_TOKEN_HYPHENATED, so they are indexed as separate words yet can be
 *     found as a phrase;
 *   - computes a normalized form: NFKC, full case folding, apostrophe and
 *     quote unification, digit-group separators removed from numbers, and
 *     optionally diacritic folding, English possessive stripping and Snowball
 *     stemming.
 *
 * Positions count the indexable tokens (words, numbers, URLs, e-mails,
 * handles, hashtags): punctuation and symbols do not advance the position and
 * carry the position the next indexable token will get.
 *
 * Thread safety: a kz_tokenizer holds scratch buffers and a stemmer, so one
 * handle must not be used by two threads at once.  Handles are cheap: make
 * one per thread.
 */
#ifndef KZ_TOKEN_H
#define KZ_TOKEN_H

#include "common.h"

KZ_BEGIN_DECLS

typedef struct kz_tokenizer kz_tokenizer;

/* What a token is.  The numbers are ABI. */
typedef enum kz_token_kind {
  KZ_TOKEN_WORD = 1,      /* letters (and digits), incl. "can't", "U.S" */
  KZ_TOKEN_NUMBER = 2,    /* starts with a digit, has no letter: 3,000 0.14 */
  KZ_TOKEN_PUNCT = 3,     /* punctuation: . , ; " ( - and the like */
  KZ_TOKEN_SYMBOL = 4,    /* symbols: $ % + = and other non-letters */
  KZ_TOKEN_URL = 5,       /* http://..., https://..., www.... */
  KZ_TOKEN_EMAIL = 6,     /* name@example.org */
  KZ_TOKEN_HANDLE = 7,    /* @name */
  KZ_TOKEN_HASHTAG = 8,   /* #name */
  KZ_TOKEN_IDEOGRAPH = 9, /* a Han, Hiragana or similar character */
  KZ_TOKEN_EMOJI = 10     /* an emoji (with its modifiers and joiners) */
} kz_token_kind;

/* The lowercase name of a kind ("word", "number", "punct", "symbol", "url",
 * "email", "handle", "hashtag", "ideograph", "emoji"); "unknown" otherwise.
 * Static storage. */
KZ_API const char *kz_token_kind_name(int kind);

/* Token flags (kz_token.flags). */
#define KZ_TOKEN_HYPHENATED 0x0001u /* joined to the previous word by a hyphen */
#define KZ_TOKEN_STOPWORD 0x0002u   /* a stopword of the tokenizer's language */
#define KZ_TOKEN_REPAIRED 0x0004u   /* contains invalid UTF-8 read as U+FFFD */
#define KZ_TOKEN_CAPITALIZED 0x0008u /* starts with an uppercase letter */
#define KZ_TOKEN_ALLCAPS 0x0010u    /* two or more letters, all uppercase */
#define KZ_TOKEN_SPACE_BEFORE 0x0020u /* preceded by white space (or start) */
#define KZ_TOKEN_NEWLINE_BEFORE 0x0040u /* a line break precedes it */

/*
 * One token, handed to a kz_token_cb.  This record is frozen: its layout will
 * not change in any 0.x or 1.x release; new information comes as new flags
 * or new functions.  The pointer `norm` is borrowed and valid only during the
 * callback.
 */
typedef struct kz_token {
  size_t start;       /* byte offset of the token in the input */
  size_t end;         /* byte offset one past its last byte */
  const char *norm;   /* normalized form, UTF-8, NUL-terminated */
  size_t norm_len;    /* its length in bytes, without the NUL */
  uint32_t position;  /* ordinal among indexable tokens, from 0 */
  uint16_t kind;      /* a kz_token_kind */
  uint16_t flags;     /* KZ_TOKEN_* flags */
} kz_token;

/* Tokenizer flags (kz_tokenizer_options.flags). */
#define KZ_TOK_NFKC 0x0001u            /* Unicode NFKC */
#define KZ_TOK_CASEFOLD 0x0002u        /* full Unicode case folding */
#define KZ_TOK_QUOTES 0x0004u          /* ’ ‘ ʼ -> ', “ ” „ « » -> " */
#define KZ_TOK_NUMBERS 0x0008u         /* 3,000 -> 3000 */
#define KZ_TOK_FOLD_DIACRITICS 0x0010u /* é -> e, й -> и, ł -> l (all scripts) */
#define KZ_TOK_POSSESSIVE 0x0020u      /* strip English 's: Tokayev's -> tokayev */
#define KZ_TOK_STEM 0x0040u            /* Snowball stemming for `language` */
#define KZ_TOK_SKIP_PUNCT 0x0080u      /* do not report punctuation and symbols */
#define KZ_TOK_SKIP_STOPWORDS 0x0100u  /* do not report stopwords */
#define KZ_TOK_PLAIN 0x0200u           /* pure UAX #29: no URL/e-mail/handle/hashtag joining */

/* NFKC, case folding, quote unification and number normalization. */
#define KZ_TOK_DEFAULT \
  (KZ_TOK_NFKC | KZ_TOK_CASEFOLD | KZ_TOK_QUOTES | KZ_TOK_NUMBERS)

#define KZ_TOKENIZER_OPTIONS_VERSION 1

/* Options for kz_tokenizer_new().  Initialize with KZ_TOKENIZER_OPTIONS_INIT
 * or kz_tokenizer_options_init() so that fields added later get defaults. */
typedef struct kz_tokenizer_options {
  unsigned int version; /* KZ_TOKENIZER_OPTIONS_VERSION */
  unsigned int flags;   /* KZ_TOK_* */
  /* Language as an ISO 639-1 code ("en", "de", "ru", ...) or a Snowball
   * name ("english").  Chooses the stemmer, the stopword list and the
   * sentence abbreviations.  NULL or "" means none. */
  const char *language;
} kz_tokenizer_options;

#define KZ_TOKENIZER_OPTIONS_INIT \
  { KZ_TOKENIZER_OPTIONS_VERSION, KZ_TOK_DEFAULT, NULL }

/* Fill *opts with the defaults of `version` (pass
 * KZ_TOKENIZER_OPTIONS_VERSION).  For FFI users who cannot use the macro.
 * Returns KZ_OK or KZ_EVERSION. */
KZ_API int kz_tokenizer_options_init(kz_tokenizer_options *opts,
                                     unsigned int version);

/* Create a tokenizer.  opts may be NULL for the defaults.  On success *out
 * is a new handle owned by the caller (free with kz_tokenizer_free()).
 * Returns KZ_OK, KZ_EINVAL, KZ_EVERSION (unknown options version),
 * KZ_ENOTFOUND (KZ_TOK_STEM and no stemmer for the language) or KZ_ENOMEM;
 * the reason is in kz_last_errmsg(). */
KZ_API int kz_tokenizer_new(kz_tokenizer **out,
                            const kz_tokenizer_options *opts);

/* Free a tokenizer.  NULL is allowed. */
KZ_API void kz_tokenizer_free(kz_tokenizer *tk);

/* The message of the last failing call on tk (owned by tk, valid until the
 * next call on it); "" when the last call succeeded. */
KZ_API const char *kz_tokenizer_errmsg(const kz_tokenizer *tk);

/* Called once per token, in order.  Return 0 to go on; any other value stops
 * the tokenizer, which then returns that value unchanged. */
typedef int (*kz_token_cb)(const kz_token *tok, void *payload);

/* Tokenize text[0..len).  Calls cb for each token.  Returns KZ_OK, the
 * callback's nonzero value, KZ_EINVAL or KZ_ENOMEM. */
KZ_API int kz_tokenize(kz_tokenizer *tk, const char *text, size_t len,
                       kz_token_cb cb, void *payload);

/* Number of invalid UTF-8 bytes read as U+FFFD by the last kz_tokenize() or
 * kz_sentences() call on tk. */
KZ_API size_t kz_tokenizer_repaired(const kz_tokenizer *tk);

/* Sentence flags for kz_sentences(). */
#define KZ_SENT_NO_ABBREVIATIONS 0x0001u /* no abbreviation list ("Mr.") */
#define KZ_SENT_LINE_BREAKS 0x0002u      /* every line break ends a sentence */
#define KZ_SENT_UNTRIMMED 0x0004u        /* keep surrounding white space */
/* Exactly the UAX #29 sentence boundaries: spans cover the whole input. */
#define KZ_SENT_UAX29 \
  (KZ_SENT_NO_ABBREVIATIONS | KZ_SENT_LINE_BREAKS | KZ_SENT_UNTRIMMED)

/* Called once per span [start, end) of the input, in order. */
typedef int (*kz_span_cb)(size_t start, size_t end, void *payload);

/*
 * Split text[0..len) into sentences: UAX #29 sentence rules, plus (unless
 * KZ_SENT_NO_ABBREVIATIONS) the abbreviations of the tokenizer's language
 * ("Mr.", "Jan.", "U.S.", initials) which do not end a sentence.  By default
 * a single line break is read as a space (hard-wrapped text) and a blank
 * line ends a paragraph, hence a sentence; spans are trimmed of white space
 * and empty ones are skipped.  Returns like kz_tokenize().
 */
KZ_API int kz_sentences(kz_tokenizer *tk, const char *text, size_t len,
                        unsigned int flags, kz_span_cb cb, void *payload);

KZ_END_DECLS

#endif /* KZ_TOKEN_H */
