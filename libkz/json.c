/*
 * json.c - a small JSON writer.
 *
 * Appends to a kzi_buf with a sticky error code: once *rc is non-zero every
 * call does nothing, so a document is built with one check at the end.
 * Strings are expected to be valid UTF-8 (the parser repairs its text first);
 * bytes are copied as they are, except '"', '\\' and control characters,
 * which are escaped.  U+2028/U+2029 are escaped too so the output is also
 * valid JavaScript.
 */
#include <stdio.h>
#include <string.h>

#include "article_int.h"

static void put(kzi_buf *b, int *rc, const char *s, size_t n) {
  if (*rc) return;
  *rc = kzi_buf_append(b, s, n);
}

void kzi_json_raw(kzi_buf *b, int *rc, const char *s) { put(b, rc, s, strlen(s)); }

void kzi_json_str(kzi_buf *b, int *rc, const char *s, size_t n) {
  size_t i, run = 0;
  char esc[8];
  if (*rc) return;
  put(b, rc, "\"", 1);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *e = NULL;
    size_t skip = 1;
    if (c == '"') e = "\\\"";
    else if (c == '\\') e = "\\\\";
    else if (c == '\n') e = "\\n";
    else if (c == '\r') e = "\\r";
    else if (c == '\t') e = "\\t";
    else if (c < 0x20 || c == 0x7f) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      e = esc;
    } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
               ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
      e = (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
      skip = 3;
    }
    if (e) {
      put(b, rc, s + i - run, run);
      put(b, rc, e, strlen(e));
      run = 0;
      i += skip - 1;
    } else {
      run++;
    }
  }
  put(b, rc, s + n - run, run);
  put(b, rc, "\"", 1);
}

void kzi_json_cstr_or_null(kzi_buf *b, int *rc, const char *s) {
  if (s == NULL) put(b, rc, "null", 4);
  else kzi_json_str(b, rc, s, strlen(s));
}

void kzi_json_long(kzi_buf *b, int *rc, long long v) {
  char tmp[32];
  int n = snprintf(tmp, sizeof tmp, "%lld", v);
  put(b, rc, tmp, (size_t)n);
}
