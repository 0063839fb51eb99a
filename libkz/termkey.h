/*
 * termkey.h - the index's term keys as its term table holds them: a key is
 * a space byte and the term's form; its first 16 bytes are two words
 * (kwords), and its hash is taken over those words and the rest.  Shared
 * by the writer (writer.c), which looks keys up, and the tokenizer's term
 * batches (token.c), which compute the words and hash of each ASCII term
 * while its bytes are still in registers.
 */
#ifndef KZ_TERMKEY_H
#define KZ_TERMKEY_H

#include <stdint.h>
#include <string.h>

#include "kz_int.h"

/* A key's first 16 bytes as the term table's slots hold them. */
typedef struct kwords {
  uint64_t k8, k16;
} kwords;

static inline uint64_t load_tail(const char *s, size_t n) {
  uint64_t t = 0;
  memcpy(&t, s, n < 8 ? n : 8);
  return t;
}

static inline uint64_t load8(const char *s) {
  uint64_t v;
  memcpy(&v, s, 8);
  return v;
}

/* The first n < 8 bytes at s, where 8 bytes can be read (padded buffers:
 * one load instead of a byte loop and a stalled store forward). */
static inline uint64_t load_pad(const char *s, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return load8(s) & ((n ? ~0ull << (64 - 8 * n) : 0));
#else
  return load8(s) & ((n ? ~0ull >> (64 - 8 * n) : 0));
#endif
}

static inline uint64_t hash_mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  return h;
}

/* A key (space byte + term) as the term table holds it: key8 = its bytes
 * 0..7 and key16 = bytes 8..15, 0-padded; bytes 16.. are "the rest".
 * padded: 8 bytes can be read past s + n (one load instead of a copy). */
static KZI_ALWAYS_INLINE kwords key_words(char space, const char *s, size_t n, int padded) {
  kwords k;
  size_t a = n < 7 ? n : 7;
  k.k8 = (unsigned char)space | (padded ? load_pad(s, a) : load_tail(s, a)) << 8;
  k.k16 = 0;
  if (n > 7) {
    size_t b = n - 7 < 8 ? n - 7 : 8;
    k.k16 = padded ? load_pad(s + 7, b) : load_tail(s + 7, b);
  }
  return k;
}

/* The hash of a key of kl bytes from its words and the rest (rn bytes at
 * rest), so that a lookup loads the key once for both.  padded as above. */
static KZI_ALWAYS_INLINE uint64_t hash_words(kwords k, size_t kl, const char *rest, size_t rn,
                                             int padded) {
#ifdef KZI_TEST_COLLIDING_HASH
  /* tests only (tests/collide.cmake): every key of a length collides (all
   * lengths from 255 on together, as in the slot tags), so lookups must
   * tell keys apart by their bytes and lengths */
  (void)k, (void)rest, (void)rn, (void)padded;
  return (uint64_t)(kl < 255 ? kl : 255) * 0x9e3779b97f4a7c15ull;
#endif
  uint64_t h = (k.k8 ^ kl * 0xff51afd7ed558ccdull) * 0x9e3779b97f4a7c15ull;
  h ^= h >> 29;
  h = (h ^ k.k16) * 0xbf58476d1ce4e5b9ull;
  for (; rn >= 8; rest += 8, rn -= 8) {
    h ^= h >> 29;
    h = (h ^ load8(rest)) * 0xbf58476d1ce4e5b9ull;
  }
  if (rn) {
    h ^= h >> 29;
    h = (h ^ (padded ? load_pad(rest, rn) : load_tail(rest, rn))) * 0x94d049bb133111ebull;
  }
  return hash_mix(h);
}

/* Bytes of a form of n bytes that its key holds: an absurdly long token
 * is cut so that space + form fit in KZI_MAX_KEY. */
static inline size_t key_form_len(size_t n) {
  return n + 1 > KZI_MAX_KEY ? KZI_MAX_KEY - 1 : n;
}

/* The words and hash of space + s[0..n) (n + 1 <= KZI_MAX_KEY). */
static KZI_ALWAYS_INLINE uint64_t key_hash(char space, const char *s, size_t n, int padded,
                                           kwords *k) {
  *k = key_words(space, s, n, padded);
  return n > 15 ? hash_words(*k, n + 1, s + 15, n - 15, padded) : hash_words(*k, n + 1, s, 0, padded);
}

#endif /* KZ_TERMKEY_H */
