/* buf.c - a growable byte buffer used for scratch space. */
#include <stdlib.h>
#include <string.h>

#include "kz_int.h"

int kzi_buf_reserve(kzi_buf *b, size_t extra) {
  size_t need, cap;
  char *p;
  if (extra > SIZE_MAX - b->n - 1) return KZ_ENOMEM;
  need = b->n + extra + 1; /* room for a NUL */
  if (need <= b->cap) return KZ_OK;
  if (b->big) return kzi_big_reserve(b, extra);
  cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  p = realloc(b->p, cap);
  if (p == NULL) return KZ_ENOMEM;
  b->p = p;
  b->cap = cap;
  return KZ_OK;
}

int kzi_buf_append(kzi_buf *b, const void *data, size_t n) {
  int rc = kzi_buf_reserve(b, n);
  if (rc != KZ_OK) return rc;
  if (n) memcpy(b->p + b->n, data, n);
  b->n += n;
  b->p[b->n] = '\0';
  return KZ_OK;
}

void kzi_buf_free(kzi_buf *b) {
  if (b->big) {
    kzi_big_free(b);
    return;
  }
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}

void kz_buf_dispose(kz_buf *buf) {
  if (buf == NULL) return;
  free(buf->ptr);
  buf->ptr = NULL;
  buf->len = 0;
}
