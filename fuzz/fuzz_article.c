/*
 * fuzz_article.c - libFuzzer target for the article parser:
 * kz_article_parse(), the accessors and kz_article_to_json().
 *
 * Input layout:
 *   byte 0    options:
 *               bit 0     KZ_PARSE_STRICT_UTF8
 *               bits 1-2  language hint: none, "en", "de", "xx" (unknown)
 *               bit 3     source hint "Fuzz Times"
 *               bit 4     use an options struct at all (else NULL)
 *   rest      the page (any bytes)
 *
 * Properties checked (a violation calls __builtin_trap(), so libFuzzer and
 * the standalone driver both stop with a stack trace):
 *   - the return code is KZ_OK, or KZ_EUTF8 only in strict mode with
 *     invalid UTF-8 in the input (and then *out is NULL);
 *   - every string the article returns is non-NULL where promised, valid
 *     UTF-8 and free of control characters other than '\n';
 *   - blocks: a known kind, start <= end <= len, starts never go down;
 *     duplicate_of is -1 or an earlier block that is kept (not itself a
 *     duplicate) and of the same kind;
 *   - the body is the kept paragraph and standfirst texts joined by "\n\n";
 *   - the date is a valid YYYY-MM-DD with a span inside the input, the time
 *     HH:MM; no date means no time;
 *   - the JSON is produced, starts with '{', ends with '}', holds no raw
 *     control byte, and parsing the same input again gives the same JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz.h"

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "fuzz_article.c:%d: check failed: %s\n", __LINE__,  \
              #cond);                                                     \
      __builtin_trap();                                                   \
    }                                                                     \
  } while (0)

/* Valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k, len;
    unsigned cp, min;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (i + len > n) return 0;
    for (k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += len;
  }
  return 1;
}

/* A returned string: valid UTF-8, no control bytes (but '\n' if allowed). */
static void check_str(const char *s, int allow_nl) {
  size_t i, n;
  if (s == NULL) return;
  n = strlen(s);
  CHECK(utf8_ok((const unsigned char *)s, n));
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    CHECK(c >= 0x20 || (allow_nl && c == '\n'));
    CHECK(c != 0x7f);
  }
}

static void check_article(const kz_article *a, size_t len) {
  size_t i, nb = kz_article_block_count(a), prev = 0, s, e;
  const char *date = kz_article_date(a), *tm = kz_article_time(a), *body;
  char *want = NULL;
  size_t wlen = 0;
  check_str(kz_article_title(a), 0);
  check_str(kz_article_source(a), 0);
  check_str(kz_article_original_source(a), 0);
  check_str(kz_article_dateline(a), 0);
  CHECK(kz_article_language(a) != NULL && kz_article_title_language(a) != NULL);
  CHECK(strlen(kz_article_language(a)) <= 3 && strlen(kz_article_title_language(a)) <= 3);
  for (i = 0; i < kz_article_author_count(a); i++) {
    CHECK(kz_article_author(a, i) != NULL && *kz_article_author(a, i));
    check_str(kz_article_author(a, i), 0);
  }
  for (i = 0; i < kz_article_warning_count(a); i++) {
    CHECK(kz_article_warning(a, i) != NULL);
    check_str(kz_article_warning(a, i), 0);
  }
  if (date) {
    int y, m, d;
    CHECK(strlen(date) == 10 && date[4] == '-' && date[7] == '-');
    y = atoi(date);
    m = atoi(date + 5);
    d = atoi(date + 8);
    CHECK(y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    CHECK(kz_article_date_span(a, &s, &e) == KZ_OK && s < e && e <= len);
    if (tm) CHECK(strlen(tm) == 5 && tm[2] == ':' && atoi(tm) < 24 && atoi(tm + 3) < 60);
  } else {
    CHECK(tm == NULL);
    CHECK(kz_article_date_span(a, &s, &e) == KZ_ENOTFOUND);
  }
  for (i = 0; i < nb; i++) {
    int kind = kz_article_block_kind(a, i);
    const char *t = kz_article_block_text(a, i);
    long dup = kz_article_block_duplicate_of(a, i);
    s = kz_article_block_start(a, i);
    e = kz_article_block_end(a, i);
    CHECK(kind >= KZ_BLOCK_PARAGRAPH && kind <= KZ_BLOCK_BOILERPLATE);
    CHECK(strcmp(kz_block_kind_name(kind), "unknown") != 0);
    CHECK(t != NULL);
    check_str(t, 0);
    CHECK(s <= e && e <= len && s >= prev);
    prev = s;
    if (dup >= 0) {
      CHECK((size_t)dup < i);
      CHECK(kz_article_block_duplicate_of(a, (size_t)dup) == -1);
      CHECK(kz_article_block_kind(a, (size_t)dup) == kind);
    } else {
      CHECK(dup == -1);
      if (kind == KZ_BLOCK_PARAGRAPH || kind == KZ_BLOCK_STANDFIRST) {
        size_t tl = strlen(t);
        char *p = realloc(want, wlen + tl + 3);
        CHECK(p != NULL);
        want = p;
        if (wlen) { memcpy(want + wlen, "\n\n", 2); wlen += 2; }
        memcpy(want + wlen, t, tl);
        wlen += tl;
      }
    }
  }
  CHECK(kz_article_block_kind(a, nb) == -1 && kz_article_block_text(a, nb) == NULL);
  CHECK(kz_article_block_duplicate_of(a, nb) == -1);
  body = kz_article_body(a);
  CHECK(body != NULL && strlen(body) == wlen && (wlen == 0 || memcmp(body, want, wlen) == 0));
  check_str(body, 1);
  free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const langs[] = {NULL, "en", "de", "xx"};
  kz_parse_options opts = KZ_PARSE_OPTIONS_INIT;
  kz_article *a = NULL, *b = NULL;
  kz_buf j1 = KZ_BUF_INIT, j2 = KZ_BUF_INIT;
  unsigned o;
  const char *text;
  size_t len, i;
  int rc;
  if (size == 0) return 0;
  o = data[0];
  text = (const char *)data + 1;
  len = size - 1;
  opts.flags = (o & 1u) ? KZ_PARSE_STRICT_UTF8 : 0;
  opts.language_hint = langs[(o >> 1) & 3u];
  opts.source_hint = (o & 8u) ? "Fuzz Times" : NULL;
  rc = kz_article_parse(&a, len ? text : NULL, len, (o & 16u) ? &opts : NULL);
  if (rc == KZ_EUTF8) {
    CHECK(a == NULL);
    CHECK((o & 16u) && (o & 1u));
    CHECK(!utf8_ok((const unsigned char *)text, len));
    return 0;
  }
  CHECK(rc == KZ_OK && a != NULL);
  check_article(a, len);
  CHECK(kz_article_to_json(a, &j1) == KZ_OK && j1.ptr != NULL && j1.len >= 2);
  CHECK(j1.ptr[0] == '{' && j1.ptr[j1.len - 1] == '}' && strlen(j1.ptr) == j1.len);
  for (i = 0; i < j1.len; i++) CHECK((unsigned char)j1.ptr[i] >= 0x20);
  CHECK(utf8_ok((const unsigned char *)j1.ptr, j1.len));
  /* the same input again: the same article */
  CHECK(kz_article_parse(&b, len ? text : NULL, len, (o & 16u) ? &opts : NULL) == KZ_OK);
  CHECK(kz_article_to_json(b, &j2) == KZ_OK);
  CHECK(j1.len == j2.len && memcmp(j1.ptr, j2.ptr, j1.len) == 0);
  kz_buf_dispose(&j1);
  kz_buf_dispose(&j2);
  kz_article_free(a);
  kz_article_free(b);
  return 0;
}
