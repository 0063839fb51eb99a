/*
 * analyze.c - quotes, numbers and mentions from one reading of an article.
 *
 * The three extractors share their first and most expensive steps: cutting
 * the body into paragraphs, the token stream with its case and sentence
 * flags, and the name mentions (which quotes need for speakers).  Called
 * one by one, kz_article_quotes(), kz_article_numbers() and
 * kz_article_mentions() each redo them; kz_article_analyze() builds the
 * document (kzi_adoc, see entities.c) once and hands it to the result
 * builders of quotes.c, numbers.c and entities.c in turn.
 */
#include <stdlib.h>

#include "analysis_int.h"

struct kz_analysis {
  kz_quotes *quotes;
  kz_numbers *numbers;
  kz_mentions *mentions;
};

static int check_flags(unsigned int *flags, const char *fn) {
  if (*flags & ~KZ_ANALYZE_ALL)
    return kzi_seterr(NULL, KZ_EINVAL, "%s: unknown flags 0x%x", fn, *flags & ~KZ_ANALYZE_ALL);
  if (*flags == 0) *flags = KZ_ANALYZE_ALL;
  return KZ_OK;
}

/* Mentions are needed for their own sake and for speakers. */
static unsigned adoc_what(unsigned int flags) {
  return (flags & (KZ_ANALYZE_QUOTES | KZ_ANALYZE_MENTIONS)) ? KZI_ADOC_MENTIONS : 0;
}

static int run(kz_analysis **out, kzi_adoc *d, unsigned int flags) {
  kz_analysis *r = calloc(1, sizeof *r);
  int rc = KZ_OK;
  if (r == NULL) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  /* Mentions first: their copy of the strings is then the smallest. */
  if (flags & KZ_ANALYZE_MENTIONS) rc = kzi_mentions_from_adoc(&r->mentions, d);
  if (rc == KZ_OK && (flags & KZ_ANALYZE_QUOTES)) rc = kzi_quotes_from_adoc(&r->quotes, d);
  if (rc == KZ_OK && (flags & KZ_ANALYZE_NUMBERS)) rc = kzi_numbers_from_adoc(&r->numbers, d);
  if (rc != KZ_OK) {
    kz_analysis_free(r);
    return rc; /* the builder set the message */
  }
  *out = r;
  return KZ_OK;
}

int kz_article_analyze(kz_analysis **out, const kz_article *a, unsigned int flags) {
  kzi_adoc d;
  int rc;
  if (out == NULL || a == NULL)
    return kzi_seterr(NULL, KZ_EINVAL, "kz_article_analyze: NULL argument");
  *out = NULL;
  if ((rc = check_flags(&flags, "kz_article_analyze")) != KZ_OK) return rc;
  rc = kzi_adoc_from_article(&d, a, adoc_what(flags));
  if (rc == KZ_OK) rc = run(out, &d, flags);
  kzi_adoc_free(&d);
  return rc;
}

int kz_text_analyze(kz_analysis **out, const char *text, size_t len, const char *lang,
                    unsigned int flags) {
  kzi_adoc d;
  int rc;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_text_analyze: NULL argument");
  *out = NULL;
  if ((rc = check_flags(&flags, "kz_text_analyze")) != KZ_OK) return rc;
  rc = kzi_adoc_from_text(&d, text, len, lang, adoc_what(flags));
  if (rc == KZ_OK) rc = run(out, &d, flags);
  kzi_adoc_free(&d);
  return rc;
}

void kz_analysis_free(kz_analysis *r) {
  if (r == NULL) return;
  kz_quotes_free(r->quotes);
  kz_numbers_free(r->numbers);
  kz_mentions_free(r->mentions);
  free(r);
}

const kz_quotes *kz_analysis_quotes(const kz_analysis *r) { return r ? r->quotes : NULL; }
const kz_numbers *kz_analysis_numbers(const kz_analysis *r) { return r ? r->numbers : NULL; }
const kz_mentions *kz_analysis_mentions(const kz_analysis *r) { return r ? r->mentions : NULL; }
