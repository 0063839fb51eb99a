/*
 * checksum.c - CRC-32C (Castagnoli) for every corpus file, and a 64-bit
 * hash for document keys.
 *
 * CRC-32C uses the SSE4.2 crc32 instruction on x86-64 CPUs that have it,
 * else the slicing-by-8 table method (about 1-2 GB/s in software); tables
 * are built once, thread-safely, on first use.
 */
#include <pthread.h>
#include <string.h>

#include "corpus_int.h"

static uint32_t crc_tab[8][256];
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
static int hw_crc; /* the CPU has SSE4.2 */
#endif
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  hw_crc = __builtin_cpu_supports("sse4.2");
#endif
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
    crc_tab[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xFF];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZI_HW_CRC 1
/* The SSE4.2 crc32 instruction computes CRC-32C: 8 bytes per step. */
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const unsigned char *p,
                                                         size_t n) {
  uint64_t c = ~crc;
  while (n && ((uintptr_t)p & 7)) {
    c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    n--;
  }
  while (n >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    n -= 8;
  }
  while (n--) c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
  return ~(uint32_t)c;
}
#endif

uint32_t kzi_crc32c(uint32_t crc, const void *data, size_t n) {
  const unsigned char *p = data;
  pthread_once(&crc_once, crc_init);
#ifdef KZI_HW_CRC
  if (hw_crc) return crc_hw(crc, p, n);
#endif
  crc = ~crc;
  while (n && ((uintptr_t)p & 7)) {
    crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xFF];
    n--;
  }
  while (n >= 8) {
    uint32_t lo = kzi_get32(p) ^ crc, hi = kzi_get32(p + 4);
    crc = crc_tab[7][lo & 0xFF] ^ crc_tab[6][(lo >> 8) & 0xFF] ^
          crc_tab[5][(lo >> 16) & 0xFF] ^ crc_tab[4][lo >> 24] ^
          crc_tab[3][hi & 0xFF] ^ crc_tab[2][(hi >> 8) & 0xFF] ^
          crc_tab[1][(hi >> 16) & 0xFF] ^ crc_tab[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) crc = (crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

/* Eight bytes at a time, multiply-xorshift mixing, and a final avalanche
 * (splitmix64).  Keys and terms are short; the hash only picks candidates
 * that are then compared byte by byte. */
uint64_t kzi_hash64(const void *data, size_t n) {
  const unsigned char *p = data;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    h = (h ^ kzi_get64(p)) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) t |= (uint64_t)p[i] << (8 * i);
    h = (h ^ t) * 0x94d049bb133111ebull;
  }
  h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27; h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

void kzi_vput_slow(kzi_buf *b, int *rc, uint64_t v) {
  unsigned char tmp[10];
  size_t n = kzi_venc(tmp, v);
  if (*rc) return;
  if (b->cap - b->n > n + 1) {
    memcpy(b->p + b->n, tmp, n);
    b->n += n;
    return;
  }
  *rc = kzi_buf_append(b, tmp, n);
}
