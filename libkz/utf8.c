/*
 * utf8.c - strict UTF-8 decoding and encoding.
 *
 * The decoder accepts only well-formed, shortest-form sequences of scalar
 * values (no surrogates, nothing above U+10FFFF); any other byte is reported
 * as invalid on its own, so callers can read it as one U+FFFD and keep exact
 * byte offsets.
 */
#include "kz_int.h"

int32_t kzi_utf8_decode(const unsigned char *s, size_t n, size_t *len) {
  unsigned c = s[0];
  *len = 1;
  if (c < 0x80) return (int32_t)c;
  if (c < 0xC2) return -1;
  if (c < 0xE0) {
    if (n < 2 || (s[1] & 0xC0) != 0x80) return -1;
    *len = 2;
    return (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
  }
  if (c < 0xF0) {
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F; /* no surrogates */
    if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) return -1;
    *len = 3;
    return (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F));
  }
  if (c < 0xF5) {
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
      return -1;
    *len = 4;
    return (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
                     ((s[2] & 0x3F) << 6) | (s[3] & 0x3F));
  }
  return -1;
}

size_t kzi_utf8_encode(uint32_t c, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (c < 0x80) {
    o[0] = (unsigned char)c;
    return 1;
  }
  if (c < 0x800) {
    o[0] = (unsigned char)(0xC0 | (c >> 6));
    o[1] = (unsigned char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (c >> 12));
    o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (c & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (c >> 18));
  o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (c & 0x3F));
  return 4;
}
