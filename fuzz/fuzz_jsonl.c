/*
 * fuzz_jsonl.c - the JSON Lines reader (kz_corpus_add_jsonl()'s lines).
 *
 * The input is cut into lines at '\n'; each line is parsed on its own by
 * kzi_jsonl_parse_line(), from a copy of exactly its size so that a read
 * past its end is caught.
 *
 * Properties checked (a violation prints what and traps):
 *   - the result is KZ_OK or KZ_EFORMAT; an error's message starts with
 *     "column N: " with 1 <= N <= the line's length + 1;
 *   - a parsed document has a non-empty id, and every field lies in the
 *     arena (or is the empty string);
 *   - a line of valid UTF-8 gives fields of valid UTF-8 (escaped lone
 *     surrogates become U+FFFD);
 *   - round trip: the fields written back as a JSON object (every byte
 *     that JSON requires escaped, the rest as it is) parse to the same
 *     bytes;
 *   - the date as a corpus reads it (kzi_meta_date()) is no date, or a day
 *     whose YYYY-MM-DD form reads back as the same day.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "../libkz/corpus_int.h"
#include "check.h"

/* The member name of each field the reader knows (one of its names). */
static const char *const names[KZ_FIELD_COUNT] = {
    [KZ_FIELD_KEY] = "id",         [KZ_FIELD_TITLE] = "title",   [KZ_FIELD_BODY] = "text",
    [KZ_FIELD_DATE] = "date",      [KZ_FIELD_SOURCE] = "source", [KZ_FIELD_AUTHOR] = "author",
    [KZ_FIELD_URL] = "url",        [KZ_FIELD_LANGUAGE] = "language",
    [KZ_FIELD_CAPTION] = "caption", [KZ_FIELD_HEADING] = "heading"};

static void put_string(kzi_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  kzi_buf_append(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      kzi_buf_append(b, e, 2);
    } else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      kzi_buf_append(b, e, 6);
    } else {
      kzi_buf_append(b, s + i, 1);
    }
  }
  kzi_buf_append(b, "\"", 1);
}

static int parse(const char *line, size_t n, kzi_buf *arena, kzi_stored *st, char *err) {
  /* a copy of exactly n bytes */
  char *copy = malloc(n ? n : 1);
  int rc;
  if (!copy) abort();
  memcpy(copy, line, n);
  arena->n = 0;
  rc = kzi_jsonl_parse_line(copy, n, arena, st, err, 256);
  free(copy);
  return rc;
}

static void one_line(const char *line, size_t n) {
  kzi_buf arena = {0}, again = {0}, out = {0};
  kzi_stored st, st2;
  char err[256];
  int rc = parse(line, n, &arena, &st, err);
  if (rc == KZ_ENOMEM) goto done;
  CHECK(rc == KZ_OK || rc == KZ_EFORMAT, "rc %d", rc);
  if (rc == KZ_EFORMAT) {
    unsigned long col;
    char *e;
    CHECK(strncmp(err, "column ", 7) == 0, "message '%s'", err);
    col = strtoul(err + 7, &e, 10);
    CHECK(col >= 1 && col <= n + 1 && strncmp(e, ": ", 2) == 0, "message '%s' (line of %zu)", err,
          n);
    goto done;
  }
  CHECK(st.n[KZ_FIELD_KEY] > 0, "empty id");
  for (int f = 0; f < KZ_FIELD_COUNT; f++) {
    CHECK(st.f[f] != NULL, "field %d", f);
    CHECK(st.n[f] == 0 || (st.f[f] >= arena.p && st.f[f] + st.n[f] <= arena.p + arena.n),
          "field %d outside the arena", f);
    if (u8_check((const uint8_t *)line, n) == NULL)
      CHECK(u8_check((const uint8_t *)st.f[f], st.n[f]) == NULL, "field %d: invalid UTF-8", f);
  }
  {
    int32_t d = kzi_meta_date(st.f[KZ_FIELD_DATE], st.n[KZ_FIELD_DATE]);
    if (d != KZI_NO_DATE) {
      char iso[11];
      kzi_format_date(d, iso);
      CHECK(strlen(iso) == 10 && kzi_parse_date(iso, 10) == d, "date '%.*s' -> day %ld ('%s')",
            (int)st.n[KZ_FIELD_DATE], st.f[KZ_FIELD_DATE], (long)d, iso);
    }
  }
  /* round trip (the fields are copied out first: parsing again reuses
   * nothing of the first arena) */
  kzi_buf_append(&out, "{", 1);
  for (int f = 0; f < KZ_FIELD_COUNT; f++) {
    if (f != KZ_FIELD_KEY && f != KZ_FIELD_BODY && st.n[f] == 0) continue;
    if (out.n > 1) kzi_buf_append(&out, ",", 1);
    put_string(&out, names[f], strlen(names[f]));
    kzi_buf_append(&out, ":", 1);
    put_string(&out, st.f[f], st.n[f]);
  }
  kzi_buf_append(&out, "}", 1);
  CHECK(out.p != NULL, "out of memory");
  rc = parse(out.p, out.n, &again, &st2, err);
  CHECK(rc == KZ_OK, "round trip: %s in %.*s", err, (int)out.n, out.p);
  for (int f = 0; f < KZ_FIELD_COUNT; f++)
    CHECK(st2.n[f] == st.n[f] && memcmp(st2.f[f], st.f[f], st.n[f]) == 0, "round trip: field %d",
          f);
done:
  kzi_buf_free(&arena);
  kzi_buf_free(&again);
  kzi_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data, *end = p + size;
  while (p <= end) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    one_line(p, (size_t)(e - p));
    p = e + 1;
  }
  return 0;
}
