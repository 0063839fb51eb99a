/* newsdata.c - see newsdata.h. */
#include "newsdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *nd_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0, r;
  if (!f) return NULL;
  for (;;) {
    if (cap - n < 65536) {
      char *p = realloc(buf, cap = cap * 2 + 65536 + 1);
      if (!p) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = p;
    }
    r = fread(buf + n, 1, cap - n - 1, f);
    if (r == 0) break;
    n += r;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static size_t put_utf8(char *o, unsigned long c) {
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
  if (c < 0x10000) {
    o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (char)(0x80 | (c & 0x3F)); return 3;
  }
  o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/* Decode the JSON string starting after the opening quote at *p; advances
 * *p past the closing quote. */
static char *json_string(const char **p, const char *end, size_t *len) {
  const char *s = *p;
  char *out = malloc((size_t)(end - s) + 1), *o = out;
  if (!out) return NULL;
  while (s < end && *s != '"') {
    if (*s == '\\' && s + 1 < end) {
      s++;
      switch (*s) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'u': {
          unsigned long c = 0;
          if (end - s < 5) break;
          c = strtoul((char[]){s[1], s[2], s[3], s[4], 0}, NULL, 16);
          s += 4;
          if (c >= 0xD800 && c < 0xDC00 && end - s > 6 && s[1] == '\\' && s[2] == 'u') {
            unsigned long lo = strtoul((char[]){s[3], s[4], s[5], s[6], 0}, NULL, 16);
            if (lo >= 0xDC00 && lo < 0xE000) {
              c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
              s += 6;
            }
          }
          o += put_utf8(o, c);
          break;
        }
        default: *o++ = *s;
      }
      s++;
    } else {
      *o++ = *s++;
    }
  }
  *o = '\0';
  *len = (size_t)(o - out);
  *p = s < end ? s + 1 : s;
  return out;
}

/* Find "key": "..." in the line and decode it. */
static char *field(const char *line, const char *end, const char *key, size_t *len) {
  size_t kl = strlen(key);
  const char *s = line;
  while (s < end) {
    const char *q = memchr(s, '"', (size_t)(end - s));
    if (!q) break;
    if ((size_t)(end - q) > kl + 1 && memcmp(q + 1, key, kl) == 0 && q[kl + 1] == '"') {
      const char *v = q + kl + 2;
      while (v < end && (*v == ' ' || *v == ':')) v++;
      if (v < end && *v == '"') {
        v++;
        return json_string(&v, end, len);
      }
    }
    /* skip this string */
    s = q + 1;
    while (s < end && *s != '"') s += (*s == '\\') ? 2 : 1;
    s++;
  }
  *len = 0;
  return NULL;
}

int nd_load(nd_corpus *c, const char *path) {
  size_t len, cap = 0;
  char *data = nd_read_file(path, &len), *line, *end;
  memset(c, 0, sizeof *c);
  if (!data) return -1;
  for (line = data; line < data + len; line = end + 1) {
    nd_doc d;
    end = memchr(line, '\n', (size_t)(data + len - line));
    if (!end) end = data + len;
    if (end == line) continue;
    d.title = field(line, end, "title", &d.title_len);
    d.text = field(line, end, "text", &d.text_len);
    if (!d.text) {
      free(d.title);
      continue;
    }
    if (c->count == cap) {
      nd_doc *nd = realloc(c->docs, (cap = cap * 2 + 1024) * sizeof *nd);
      if (!nd) break;
      c->docs = nd;
    }
    c->docs[c->count++] = d;
    c->bytes += d.text_len;
  }
  free(data);
  return 0;
}

void nd_free(nd_corpus *c) {
  for (size_t i = 0; i < c->count; i++) {
    free(c->docs[i].title);
    free(c->docs[i].text);
  }
  free(c->docs);
  memset(c, 0, sizeof *c);
}
