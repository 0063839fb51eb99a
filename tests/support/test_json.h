/*
 * test_json.h - a tiny JSON reader for the annotation files
 * (tests/data/expected), shared by the C tests (static functions; include
 * once per test program).
 */
#ifndef KZ_TEST_JSON_H
#define KZ_TEST_JSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;
typedef struct jval {
  jtype t;
  double num;
  char *str;
  struct jval *items;
  char **keys;
  size_t n;
} jval;

typedef struct jparser { const char *s; size_t i, n; int err; } jparser;

static void jws(jparser *p) {
  while (p->i < p->n && strchr(" \t\r\n", p->s[p->i])) p->i++;
}

static void jput_utf8(char **o, unsigned c) {
  if (c < 0x80) *(*o)++ = (char)c;
  else if (c < 0x800) { *(*o)++ = (char)(0xc0 | c >> 6); *(*o)++ = (char)(0x80 | (c & 63)); }
  else {
    *(*o)++ = (char)(0xe0 | c >> 12); *(*o)++ = (char)(0x80 | ((c >> 6) & 63));
    *(*o)++ = (char)(0x80 | (c & 63));
  }
}

static char *jstring(jparser *p) {
  char *out, *o;
  if (p->i >= p->n || p->s[p->i] != '"') { p->err = 1; return NULL; }
  p->i++;
  out = o = malloc(p->n - p->i + 1);
  while (p->i < p->n && p->s[p->i] != '"') {
    char c = p->s[p->i++];
    if (c != '\\') { *o++ = c; continue; }
    if (p->i >= p->n) break;
    c = p->s[p->i++];
    if (c == 'n') *o++ = '\n';
    else if (c == 't') *o++ = '\t';
    else if (c == 'u') {
      unsigned cp = 0;
      if (p->i + 4 <= p->n && sscanf(p->s + p->i, "%4x", &cp) == 1) p->i += 4;
      jput_utf8(&o, cp);
    } else *o++ = c;
  }
  p->i++;
  *o = 0;
  return out;
}

static void jparse(jparser *p, jval *v) {
  memset(v, 0, sizeof *v);
  jws(p);
  if (p->i >= p->n) { p->err = 1; return; }
  switch (p->s[p->i]) {
    case '"': v->t = J_STR; v->str = jstring(p); return;
    case 'n': v->t = J_NULL; p->i += 4; return;
    case 't': v->t = J_BOOL; v->num = 1; p->i += 4; return;
    case 'f': v->t = J_BOOL; p->i += 5; return;
    case '[': case '{': {
      int obj = p->s[p->i] == '{';
      size_t cap = 0;
      v->t = obj ? J_OBJ : J_ARR;
      p->i++;
      jws(p);
      if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) { p->i++; return; }
      while (!p->err) {
        if (v->n == cap) {
          cap = cap ? cap * 2 : 8;
          v->items = realloc(v->items, cap * sizeof *v->items);
          if (obj) v->keys = realloc(v->keys, cap * sizeof *v->keys);
        }
        if (obj) {
          jws(p);
          v->keys[v->n] = jstring(p);
          jws(p);
          if (p->i >= p->n || p->s[p->i] != ':') { p->err = 1; return; }
          p->i++;
        }
        jparse(p, &v->items[v->n++]);
        jws(p);
        if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
        if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) { p->i++; return; }
        p->err = 1;
      }
      return;
    }
    default: {
      char *end;
      v->t = J_NUM;
      v->num = strtod(p->s + p->i, &end);
      if (end == p->s + p->i) p->err = 1;
      p->i = (size_t)(end - p->s);
    }
  }
}

static inline void jfree(jval *v) {
  size_t i;
  for (i = 0; i < v->n; i++) {
    jfree(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
}

static inline const jval *jget(const jval *o, const char *key) {
  size_t i;
  if (o == NULL || o->t != J_OBJ) return NULL;
  for (i = 0; i < o->n; i++)
    if (strcmp(o->keys[i], key) == 0) return &o->items[i];
  return NULL;
}

static inline char *jslurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *b = NULL;
  size_t n = 0, cap = 0, got;
  if (!f) return NULL;
  do {
    if (n == cap) { cap = cap ? cap * 2 : 65536; b = realloc(b, cap + 1); }
    got = fread(b + n, 1, cap - n, f);
    n += got;
  } while (got);
  fclose(f);
  b[n] = 0;
  if (len) *len = n;
  return b;
}

/* Parse the file at path into *v; 0 or -1. */
static inline int jload(const char *path, jval *v) {
  size_t n;
  char *s = jslurp(path, &n);
  jparser p;
  if (s == NULL) return -1;
  p.s = s; p.i = 0; p.n = n; p.err = 0;
  jparse(&p, v);
  free(s);
  return p.err ? -1 : 0;
}

#endif
