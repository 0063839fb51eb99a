/*
 * fuzz_analysis.c - libFuzzer target for quotes, numbers, mentions and
 * entity clustering.
 *
 * Input layout:
 *   byte 0    bits 0-1  path: 0 plain text (kz_text_*), 1 parsed article
 *                       (kz_article_parse + kz_article_*), 2 both, 3 the
 *                       text split in two "articles" added to one entity set
 *             bits 2-3  language: none, "en", "de", "ru"
 *             bit  4    also load the bytes after a 0x01 byte as an alias
 *                       table (kz_entities_alias_load), then cluster again
 *   rest      the text (any bytes)
 *
 * Properties (violations trap):
 *   - every call returns KZ_OK (or KZ_EFORMAT for a bad alias table);
 *   - every quote, number and body mention has start <= end <= body
 *     length, non-NULL text, a known kind; number low <= value <= high;
 *   - JSON output succeeds and has one line per record;
 *   - entity variants' counts add up to the entity count;
 *   - kz_text_analyze() / kz_article_analyze() give the same quotes,
 *     numbers and mentions as the three single calls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kz.h"
#include "kz/article.h"
#include "kz/analysis.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static size_t lines(const kz_buf *b) {
  size_t i, n = 0;
  for (i = 0; i < b->len; i++) n += b->ptr[i] == '\n';
  return n;
}

static void check_all(kz_quotes *q, kz_numbers *n, kz_mentions *m, size_t len) {
  size_t i;
  kz_buf b = KZ_BUF_INIT;
  for (i = 0; i < kz_quotes_count(q); i++) {
    CHECK(kz_quote_start(q, i) <= kz_quote_end(q, i) && kz_quote_end(q, i) <= len);
    CHECK(kz_quote_text(q, i) != NULL);
    CHECK(kz_quote_kind(q, i) >= 0 && kz_quote_kind(q, i) <= 2);
  }
  CHECK(kz_quotes_to_json(q, "f", &b) == KZ_OK);
  CHECK(lines(&b) == kz_quotes_count(q) + kz_quotes_section_count(q));
  kz_buf_dispose(&b);
  for (i = 0; i < kz_numbers_count(n); i++) {
    CHECK(kz_number_start(n, i) <= kz_number_end(n, i) && kz_number_end(n, i) <= len);
    CHECK(kz_number_low(n, i) <= kz_number_value(n, i) || kz_number_value(n, i) != kz_number_value(n, i));
    CHECK(kz_number_value(n, i) <= kz_number_high(n, i) || kz_number_value(n, i) != kz_number_value(n, i));
    CHECK(kz_number_exact(n, i) != NULL);
  }
  CHECK(kz_numbers_to_json(n, NULL, &b) == KZ_OK);
  CHECK(lines(&b) == kz_numbers_count(n));
  kz_buf_dispose(&b);
  for (i = 0; i < kz_mentions_count(m); i++) {
    size_t s = kz_mention_start(m, i), e = kz_mention_end(m, i);
    CHECK(kz_mention_text(m, i) != NULL);
    CHECK((s == KZ_NO_OFFSET && e == KZ_NO_OFFSET) || (s <= e && e <= len));
    CHECK(kz_mention_kind(m, i) >= 0 && kz_mention_kind(m, i) <= 3);
  }
}

static void same_json(int (*fq)(const kz_quotes *, const char *, kz_buf *),
                      int (*fn)(const kz_numbers *, const char *, kz_buf *),
                      const kz_analysis *r, const kz_quotes *q, const kz_numbers *n,
                      const kz_mentions *m) {
  kz_buf a = KZ_BUF_INIT, b = KZ_BUF_INIT;
  size_t i;
  CHECK(fq(kz_analysis_quotes(r), "f", &a) == KZ_OK && fq(q, "f", &b) == KZ_OK);
  CHECK(a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0));
  kz_buf_dispose(&a);
  kz_buf_dispose(&b);
  CHECK(fn(kz_analysis_numbers(r), "f", &a) == KZ_OK && fn(n, "f", &b) == KZ_OK);
  CHECK(a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0));
  kz_buf_dispose(&a);
  kz_buf_dispose(&b);
  CHECK(kz_mentions_count(kz_analysis_mentions(r)) == kz_mentions_count(m));
  for (i = 0; i < kz_mentions_count(m); i++) {
    CHECK(strcmp(kz_mention_text(kz_analysis_mentions(r), i), kz_mention_text(m, i)) == 0);
    CHECK(kz_mention_start(kz_analysis_mentions(r), i) == kz_mention_start(m, i));
    CHECK(kz_mention_kind(kz_analysis_mentions(r), i) == kz_mention_kind(m, i));
  }
}

static void check_entities(kz_entities *es) {
  size_t i, j, total;
  kz_buf b = KZ_BUF_INIT;
  CHECK(kz_entities_cluster(es) == KZ_OK);
  for (i = 0; i < kz_entities_count(es); i++) {
    total = 0;
    for (j = 0; j < kz_entity_variant_count(es, i); j++) {
      size_t c = 0;
      CHECK(kz_entity_variant(es, i, j, &c) != NULL);
      total += c;
    }
    CHECK(total == kz_entity_count(es, i));
    CHECK(kz_entity_name(es, i) != NULL);
  }
  CHECK(kz_entities_to_json(es, &b) == KZ_OK);
  CHECK(lines(&b) == kz_entities_count(es));
  kz_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {NULL, "en", "de", "ru"};
  const char *text, *lang;
  size_t len;
  int path;
  kz_entities *es = NULL;
  if (size < 1) return 0;
  path = data[0] & 3;
  lang = langs[(data[0] >> 2) & 3];
  text = (const char *)data + 1;
  len = size - 1;
  CHECK(kz_entities_new(&es) == KZ_OK);
  if (path == 0 || path == 2) {
    kz_quotes *q = NULL;
    kz_numbers *n = NULL;
    kz_mentions *m = NULL;
    CHECK(kz_text_quotes(&q, text, len, lang) == KZ_OK);
    CHECK(kz_text_numbers(&n, text, len, lang) == KZ_OK);
    CHECK(kz_text_mentions(&m, text, len, lang) == KZ_OK);
    check_all(q, n, m, len);
    {
      kz_analysis *r = NULL;
      CHECK(kz_text_analyze(&r, text, len, lang, KZ_ANALYZE_ALL) == KZ_OK);
      same_json(kz_quotes_to_json, kz_numbers_to_json, r, q, n, m);
      kz_analysis_free(r);
    }
    CHECK(kz_entities_add_mentions(es, m, "text") == KZ_OK);
    kz_quotes_free(q);
    kz_numbers_free(n);
    kz_mentions_free(m);
  }
  if (path == 1 || path == 2) {
    kz_article *a = NULL;
    kz_parse_options o = KZ_PARSE_OPTIONS_INIT;
    o.language_hint = lang;
    if (kz_article_parse(&a, text, len, &o) == KZ_OK) {
      kz_quotes *q = NULL;
      kz_numbers *n = NULL;
      kz_mentions *m = NULL;
      size_t blen = strlen(kz_article_body(a));
      CHECK(kz_article_quotes(&q, a) == KZ_OK);
      CHECK(kz_article_numbers(&n, a) == KZ_OK);
      CHECK(kz_article_mentions(&m, a) == KZ_OK);
      check_all(q, n, m, blen);
      {
        kz_analysis *r = NULL;
        CHECK(kz_article_analyze(&r, a, 0) == KZ_OK);
        same_json(kz_quotes_to_json, kz_numbers_to_json, r, q, n, m);
        kz_analysis_free(r);
      }
      CHECK(kz_entities_add_article(es, a, NULL) == KZ_OK);
      kz_quotes_free(q);
      kz_numbers_free(n);
      kz_mentions_free(m);
      kz_article_free(a);
    }
  }
  if (path == 3) {
    size_t half = len / 2;
    kz_mentions *m = NULL;
    CHECK(kz_text_mentions(&m, text, half, lang) == KZ_OK);
    CHECK(kz_entities_add_mentions(es, m, "a") == KZ_OK);
    kz_mentions_free(m);
    CHECK(kz_text_mentions(&m, text + half, len - half, lang) == KZ_OK);
    CHECK(kz_entities_add_mentions(es, m, "b") == KZ_OK);
    kz_mentions_free(m);
  }
  check_entities(es);
  if (data[0] & 0x10) {
    const char *sep = memchr(text, 1, len);
    if (sep) {
      int rc = kz_entities_alias_load(es, sep + 1, len - (size_t)(sep + 1 - text));
      CHECK(rc == KZ_OK || rc == KZ_EFORMAT);
      check_entities(es);
    }
  }
  kz_entities_free(es);
  return 0;
}
