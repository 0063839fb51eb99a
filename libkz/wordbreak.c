/*
 * wordbreak.c - UAX #29 word segmentation with an ASCII fast path.
 *
 * The reference is libunistring's u8_wordbreaks().  Calling it on a whole
 * text costs a property lookup per code point and an array of one byte per
 * input byte; English news is almost all ASCII, where the rules of UAX #29
 * reduce to a few character classes.  So the text is cut into regions:
 *
 *   - ASCII regions are segmented here, 64 bytes at a time with bit masks
 *     (rules WB3-WB13b restricted to ASCII: see below);
 *   - a region holding any non-ASCII byte runs from the start of the ASCII
 *     white space before its chunk to the next ASCII white-space byte after
 *     it, and goes to u8_wordbreaks().
 *
 * The cut points are places where UAX #29 always breaks whatever the
 * context: before a run of ASCII white space that follows a non-space ASCII
 * byte, and before an ASCII white-space byte that follows a non-space
 * character (no rule joins anything to a following space, tab or line break
 * except space-space and CR-LF, and no rule looks across them).  Starting
 * the slow region at the white-space run keeps rule WB4 (a combining mark
 * after a space belongs to the space) exact.  The differential test in
 * tests/test_wordbreak.c checks that both paths give u8_wordbreaks()'s
 * boundaries on real corpora and on random mixed strings.
 *
 * Invalid UTF-8: a slow region with bad bytes is copied with each bad byte
 * replaced by U+FFFD, segmented, and its boundaries mapped back to the
 * caller's offsets.
 *
 * Segments that hold only white space, control or format characters are not
 * reported.  The others go to the caller in batches (KZI_SEG_BATCH), with
 * the white space before each and, for ASCII words, letter, digit and case
 * flags, so that token.c need not read the bytes again.
 */
#include <string.h>
#include <unictype.h>
#include <uniwbrk.h>

#include "kz_int.h"

/*
 * ASCII regions are classified 64 bytes at a time into bit masks (bit i is
 * byte i of the block): with AVX2 when the processor has it (chosen at run
 * time), else SSE2 where the compiler has it, else eight bytes at a time
 * through a table (KZ_NO_AVX2 and KZ_NO_SIMD force the last two, for
 * testing).  In ASCII the rules of UAX #29 that matter are:
 *
 *   WB5, WB8-WB10, WB13a/b  a run of [A-Za-z0-9_] is one segment;
 *   WB6, WB7                letter (':' | '.' | '\'') letter joins;
 *   WB11, WB12              digit (',' | ';' | '.' | '\'') digit joins;
 *   WB999                   anything else is a segment of one byte
 *                           (white space and controls are not reported).
 *
 * so a join is a mid character whose neighbours are both letters or both
 * digits: with L the letter mask and D the digit mask,
 *
 *   J = (MidLetter & L<<1 & L>>1) | (MidNum & D<<1 & D>>1)
 *
 * (shifts carrying the neighbour blocks' edge bits).  X = word chars | J
 * marks the bytes of word segments; a segment starts at each first bit of a
 * run of X and at each other byte that is neither white space nor a
 * control.  Token starts are found with ctz, ends with ctz over ~X.  What
 * each word holds (a letter, a digit, a join, no lowercase but two
 * uppercase letters) and whether white space precedes it are computed for
 * the whole block with carries (see after_runs()), so the token loop reads
 * one bit (or, with AVX2, one byte) per fact and no byte twice.  A block
 * costs about 12 tokens of English news; a Reuters token about 17 cycles.
 */
typedef struct blockmask {
  uint64_t word;   /* [A-Za-z0-9_] */
  uint64_t letter; /* [A-Za-z] */
  uint64_t upper;  /* [A-Z] */
  uint64_t digit;  /* [0-9] */
  uint64_t midlet; /* MidLetter or MidNumLetQ: . ' : */
  uint64_t midnum; /* MidNum or MidNumLetQ: . ' , ; */
  uint64_t skip;   /* white space or control: never a segment of its own */
  uint64_t space;  /* white space: \t \n \v \f \r and ' ' */
  uint64_t nl;     /* line breaks: \n \v \f \r */
} blockmask;

/* Byte classes of the table version (and of the byte after a block). */
#define C_WORD 0x01u
#define C_LETTER 0x02u
#define C_UPPER 0x04u
#define C_DIGIT 0x08u
#define C_MIDLET 0x10u
#define C_MIDNUM 0x20u
#define C_SKIP 0x40u
#define C_SPACE 0x80u

#define CT C_SKIP
#define SP (C_SKIP | C_SPACE)
#define OT 0u
#define LO (C_WORD | C_LETTER)
#define UP (C_WORD | C_LETTER | C_UPPER)
#define DI (C_WORD | C_DIGIT)
#define US C_WORD
#define MP (C_MIDLET | C_MIDNUM)
#define ML C_MIDLET
#define MN C_MIDNUM
static const unsigned char aclass[128] = {
    CT, CT, CT, CT, CT, CT, CT, CT,
    CT, SP, SP, SP, SP, SP, CT, CT,
    CT, CT, CT, CT, CT, CT, CT, CT,
    CT, CT, CT, CT, CT, CT, CT, CT,
    SP, OT, OT, OT, OT, OT, OT, MP,
    OT, OT, OT, OT, MN, OT, MP, OT,
    DI, DI, DI, DI, DI, DI, DI, DI,
    DI, DI, ML, MN, OT, OT, OT, OT,
    OT, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, UP, UP, UP, UP, UP,
    UP, UP, UP, OT, OT, OT, OT, US,
    OT, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, OT, OT, OT, OT, CT,
};
#undef CT
#undef SP
#undef OT
#undef LO
#undef UP
#undef DI
#undef US
#undef MP
#undef ML
#undef MN

#if defined(__SSE2__) && !defined(KZ_NO_SIMD)
#include <emmintrin.h>

/* Range tests by one signed compare: x + (0x80 - lo) puts [lo, lo + n) at
 * [-128, -128 + n). */
#define KZI_RANGE(x, lo, n)                                                   \
  _mm_cmpgt_epi8(_mm_set1_epi8((char)(-128 + (n))),                           \
                 _mm_add_epi8((x), _mm_set1_epi8((char)(0x80 - (lo)))))
#define KZI_EQ(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8((char)(c)))
#define KZI_MASK(v) ((uint64_t)(unsigned)_mm_movemask_epi8(v))

static inline void classify64(const unsigned char *p, blockmask *m) {
  uint64_t w = 0, l = 0, u = 0, d = 0, ml = 0, mn = 0, sk = 0, sp = 0, nl = 0;
  int k;
  for (k = 0; k < 4; k++) {
    /* Signed compares are right: the region is ASCII. */
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    __m128i let = KZI_RANGE(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 26);
    __m128i dig = KZI_RANGE(x, '0', 10);
    __m128i da = _mm_or_si128(KZI_EQ(x, '.'), KZI_EQ(x, '\''));
    __m128i lbr = KZI_RANGE(x, '\n', 4);
    int sh = 16 * k;
    uint64_t lm = KZI_MASK(let);
    l |= lm << sh;
    /* An uppercase letter is a letter without bit 5 (0x20). */
    u |= (lm & ~KZI_MASK(_mm_slli_epi16(x, 2))) << sh;
    d |= KZI_MASK(dig) << sh;
    w |= KZI_MASK(_mm_or_si128(_mm_or_si128(let, dig), KZI_EQ(x, '_'))) << sh;
    ml |= KZI_MASK(_mm_or_si128(da, KZI_EQ(x, ':'))) << sh;
    mn |= KZI_MASK(_mm_or_si128(da, _mm_or_si128(KZI_EQ(x, ','), KZI_EQ(x, ';')))) << sh;
    sk |= KZI_MASK(_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x21)), KZI_EQ(x, 0x7F))) << sh;
    sp |= KZI_MASK(_mm_or_si128(lbr, _mm_or_si128(KZI_EQ(x, ' '), KZI_EQ(x, '\t')))) << sh;
    nl |= KZI_MASK(lbr) << sh;
  }
  m->word = w;
  m->letter = l;
  m->upper = u;
  m->digit = d;
  m->midlet = ml;
  m->midnum = mn;
  m->skip = sk;
  m->space = sp;
  m->nl = nl;
}
#undef KZI_RANGE
#undef KZI_EQ
#undef KZI_MASK

#if defined(__x86_64__) && defined(__GNUC__) && !defined(KZ_NO_AVX2)
/* The same with AVX2, 32 bytes at a time, chosen at run time. */
#include <immintrin.h>
#define KZI_HAVE_AVX2 1
#define KZI_RANGE(x, lo, n)                                                   \
  _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(-128 + (n))),                     \
                    _mm256_add_epi8((x), _mm256_set1_epi8((char)(0x80 - (lo)))))
#define KZI_EQ(x, c) _mm256_cmpeq_epi8((x), _mm256_set1_epi8((char)(c)))
#define KZI_MASK(v) ((uint64_t)(uint32_t)_mm256_movemask_epi8(v))

__attribute__((target("avx2"))) static void classify64_avx2(const unsigned char *p,
                                                             blockmask *m) {
  uint64_t w = 0, l = 0, u = 0, d = 0, ml = 0, mn = 0, sk = 0, sp = 0, nl = 0;
  int k;
  for (k = 0; k < 2; k++) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
    __m256i let = KZI_RANGE(_mm256_or_si256(x, _mm256_set1_epi8(0x20)), 'a', 26);
    __m256i dig = KZI_RANGE(x, '0', 10);
    __m256i da = _mm256_or_si256(KZI_EQ(x, '.'), KZI_EQ(x, '\''));
    __m256i lbr = KZI_RANGE(x, '\n', 4);
    int sh = 32 * k;
    uint64_t lm = KZI_MASK(let);
    l |= lm << sh;
    u |= (lm & ~KZI_MASK(_mm256_slli_epi16(x, 2))) << sh;
    d |= KZI_MASK(dig) << sh;
    w |= KZI_MASK(_mm256_or_si256(_mm256_or_si256(let, dig), KZI_EQ(x, '_'))) << sh;
    ml |= KZI_MASK(_mm256_or_si256(da, KZI_EQ(x, ':'))) << sh;
    mn |= KZI_MASK(_mm256_or_si256(da, _mm256_or_si256(KZI_EQ(x, ','), KZI_EQ(x, ';'))))
          << sh;
    sk |= KZI_MASK(_mm256_or_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(0x21), x),
                                   KZI_EQ(x, 0x7F)))
          << sh;
    sp |= KZI_MASK(_mm256_or_si256(lbr, _mm256_or_si256(KZI_EQ(x, ' '), KZI_EQ(x, '\t'))))
          << sh;
    nl |= KZI_MASK(lbr) << sh;
  }
  m->word = w;
  m->letter = l;
  m->upper = u;
  m->digit = d;
  m->midlet = ml;
  m->midnum = mn;
  m->skip = sk;
  m->space = sp;
  m->nl = nl;
}
#undef KZI_RANGE
#undef KZI_EQ
#undef KZI_MASK

/* Flag bytes for 64 positions: out[i] = base | (a bit i ? fa : 0) | (b bit
 * i ? fb : 0) | (c bit i ? fc : 0) | (d bit i ? fd : 0).  Turns the
 * per-token bit tests of the token loop into one load each. */
__attribute__((target("avx2"))) static inline void flag_bytes(unsigned char *out,
                                                               unsigned base,
                                                               uint64_t a, unsigned fa,
                                                               uint64_t b, unsigned fb,
                                                               uint64_t c, unsigned fc,
                                                               uint64_t d, unsigned fd) {
  const __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                        2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const __m256i bits = _mm256_set1_epi64x((long long)0x8040201008040201ull);
  int h;
  for (h = 0; h < 2; h++) {
    __m256i r = _mm256_set1_epi8((char)base);
#define KZI_EXPAND(m, f)                                                      \
  r = _mm256_or_si256(                                                        \
      r, _mm256_and_si256(                                                    \
             _mm256_cmpeq_epi8(                                               \
                 _mm256_and_si256(_mm256_shuffle_epi8(                        \
                                      _mm256_set1_epi32((int)(uint32_t)((m) >> (32 * h))), \
                                      shuf),                                  \
                                  bits),                                      \
                 bits),                                                       \
             _mm256_set1_epi8((char)(f))))
    KZI_EXPAND(a, fa);
    KZI_EXPAND(b, fb);
    KZI_EXPAND(c, fc);
    KZI_EXPAND(d, fd);
#undef KZI_EXPAND
    _mm256_storeu_si256((__m256i *)(void *)(out + 32 * h), r);
  }
}

static int have_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
}
#endif

#else /* portable: eight bytes at a time through the class table */

/* Bit k of each of the eight bytes of v, gathered into an 8-bit mask. */
static inline uint64_t gather8(uint64_t v, unsigned k) {
  return (((v >> k) & 0x0101010101010101ull) * 0x0102040810204080ull) >> 56;
}

static inline void classify64(const unsigned char *p, blockmask *m) {
  uint64_t w = 0, l = 0, u = 0, d = 0, ml = 0, mn = 0, sk = 0, sp = 0, nl = 0;
  unsigned k, j;
  for (k = 0; k < 64; k += 8) {
    uint64_t v = 0, b = 0;
    for (j = 0; j < 8; j++) {
      /* Bytes before the region (a tail block, shifted out) may be >= 0x80. */
      unsigned c = p[k + j] & 0x7Fu;
      v |= (uint64_t)aclass[c] << (8 * j);
      b |= (uint64_t)(c - 0x0Au < 4u) << (8 * j);
    }
    w |= gather8(v, 0) << k;
    l |= gather8(v, 1) << k;
    u |= gather8(v, 2) << k;
    d |= gather8(v, 3) << k;
    ml |= gather8(v, 4) << k;
    mn |= gather8(v, 5) << k;
    sk |= gather8(v, 6) << k;
    sp |= gather8(v, 7) << k;
    nl |= gather8(b, 0) << k;
  }
  m->word = w;
  m->letter = l;
  m->upper = u;
  m->digit = d;
  m->midlet = ml;
  m->midnum = mn;
  m->skip = sk;
  m->space = sp;
  m->nl = nl;
}
#endif

static inline unsigned ctz64(uint64_t x) { /* x != 0 */
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(x);
#else
  unsigned n = 0;
  while (!(x & 1u)) x >>= 1, n++;
  return n;
#endif
}

/* Bits [a, b) of a word, 0 <= a < b <= 64. */
static inline uint64_t bitrange(unsigned a, unsigned b) {
  return (2ull << (b - 1)) - (1ull << a);
}

static inline int is_ascii_ws(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' ||
         c == '\f';
}

/* Context handed along while segmenting: the batch being filled. */
typedef struct segctx {
  const unsigned char *s;
  kzi_seg_cb cb;
  void *payload;
  unsigned pending; /* KZI_SEG_* white-space flags for the next segment */
  int avx2;         /* classify64_avx2() may be used */
  size_t nseg;      /* segments in batch[] */
  kzi_seg batch[KZI_SEG_BATCH];
} segctx;

static int flush(segctx *cx) {
  size_t n = cx->nseg;
  cx->nseg = 0;
  return n ? cx->cb(cx->payload, cx->batch, n) : 0;
}

static inline int push(segctx *cx, size_t start, size_t end, unsigned flags) {
  kzi_seg *g = &cx->batch[cx->nseg++];
  g->start = start;
  g->end = end;
  g->flags = flags;
  return cx->nseg == KZI_SEG_BATCH ? flush(cx) : 0;
}

/* Letter, digit, mid and case information of a word's bits `r` in block m
 * (j: the joins), accumulated in *acc (KZI_SEG_LETTER, _DIGIT, _MID, and
 * ACC_LOWER) and *upper (the uppercase letters seen, counted up to 2).
 * Used for the few words that cross a block edge. */
#define ACC_LOWER 0x10000u
static inline void word_bits(const blockmask *m, uint64_t j, uint64_t r,
                             unsigned *acc, unsigned *upper) {
  uint64_t u = m->upper & r;
  *acc |= ((m->letter & r) ? KZI_SEG_LETTER : 0u) |
          ((m->digit & r) ? KZI_SEG_DIGIT : 0u) | ((j & r) ? KZI_SEG_MID : 0u) |
          ((m->letter & ~m->upper & r) ? ACC_LOWER : 0u);
  *upper += (u != 0) + ((u & (u - 1)) != 0);
}

/* The segment flags of a word from its accumulated bits. */
static inline unsigned word_flags(unsigned acc, unsigned upper) {
  if (upper >= 2 && !(acc & ACC_LOWER)) acc |= KZI_SEG_ALLCAPS;
  return acc & ~ACC_LOWER;
}

/*
 * Per-run facts by carries.  For a mask R of runs and M a subset of R,
 * R + M carries out of every run that holds a bit of M, into the first bit
 * after it, and nowhere further (that bit is 0 in R).  So
 *
 *   (R + M) & ~R         marks the bit after each run holding some of M,
 *   ((R + M) & ~R) >> 1  marks the last bit of such runs,
 *   (R + M) & M          is M less the lowest bit of M in each run.
 *
 * after_runs() is the first form with a carry in at bit 0 (the run goes on
 * from the previous block) and the carry out of bit 63 in *cout.
 */
static inline uint64_t after_runs(uint64_t r, uint64_t m, unsigned cin,
                                  unsigned *cout) {
  uint64_t t = m + cin, sum = r + t;
  *cout = (t < m) | (sum < r);
  return sum & ~r;
}

/* The second form, with the carry out of bit 63 (a run ending there) put
 * back at bit 63. */
static inline uint64_t last_of_runs(uint64_t r, uint64_t m) {
  uint64_t sum = r + m;
  return ((sum & ~r) >> 1) | ((uint64_t)(sum < r) << 63);
}

/* Segment the ASCII bytes s[a..b).  The byte before a (if any) and the byte
 * at b (if any) are white space, so no rule looks across the edges.  `avx2`
 * is a constant in each of the two copies made below. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int ascii_segments_body(segctx *cx, size_t a, size_t b, int avx2) {
  const unsigned char *s = cx->s;
  uint64_t lcarry = 0, dcarry = 0, xcarry = 0; /* previous block's bit 63 */
  unsigned csp = (cx->pending & KZI_SEG_SPACE_BEFORE) != 0; /* gap so far */
  unsigned cnl = (cx->pending & KZI_SEG_NEWLINE_BEFORE) != 0;
  size_t ostart = 0; /* a word still open at the end of the last block */
  unsigned oacc = 0, oup = 0;
  int open = 0, rc;
  size_t p;
  unsigned char sfl[64], efl[64]; /* (AVX2) flags at token starts, word ends */
  kzi_seg *out = cx->batch + cx->nseg; /* the batch, kept in registers */

/* Append a segment to the batch; hand a full batch over. */
#define KZI_PUSH(st, en, f)                                                   \
  do {                                                                        \
    out->start = (st);                                                        \
    out->end = (en);                                                          \
    out->flags = (f);                                                         \
    if (++out == cx->batch + KZI_SEG_BATCH) {                                 \
      cx->nseg = KZI_SEG_BATCH;                                               \
      if ((rc = flush(cx)) != 0) return rc;                                   \
      out = cx->batch;                                                        \
    }                                                                         \
  } while (0)

  for (p = a; p < b; p += 64) {
    unsigned char pad[64];
    const unsigned char *q = s + p;
    size_t avail = b - p;
    unsigned shift = 0;
    uint64_t valid = ~0ull, nl0 = 0, nd0 = 0, join, x, skip, single, starts, lasts, edge;
    uint64_t spb, nlb, lend, dend, jend, capsend, lower;
    blockmask m;

    if (avail < 64) {
      /* The tail: classify the 64 bytes that end at b and shift the masks
       * down (the bytes before p, which may be anything, fall out), or (in a
       * text shorter than that) a copy padded with spaces. */
      valid = (1ull << avail) - 1;
      if (b >= 64) {
        q = s + b - 64;
        shift = 64 - (unsigned)avail;
      } else {
        memcpy(pad, q, avail);
        memset(pad + avail, ' ', 64 - avail);
        q = pad;
      }
    } else if (avail > 64) {
      unsigned c = aclass[s[p + 64]];
      nl0 = (c & C_LETTER) != 0;
      nd0 = (c & C_DIGIT) != 0;
    }
#ifdef KZI_HAVE_AVX2
    if (avx2) classify64_avx2(q, &m);
    else
#endif
      classify64(q, &m);
    if (shift) {
      m.word >>= shift;
      m.letter >>= shift;
      m.upper >>= shift;
      m.digit >>= shift;
      m.midlet >>= shift;
      m.midnum >>= shift;
      m.skip >>= shift;
      m.space >>= shift;
      m.nl >>= shift;
    }
    join = (m.midlet & ((m.letter << 1) | lcarry) & ((m.letter >> 1) | (nl0 << 63))) |
           (m.midnum & ((m.digit << 1) | dcarry) & ((m.digit >> 1) | (nd0 << 63)));
    x = m.word | join;
    skip = m.skip & valid;
    single = ~x & ~skip & valid;                /* one-byte segments */
    starts = (x & ~((x << 1) | xcarry)) | single;
    lasts = (x & ~(x >> 1)) | single;           /* the last byte of each */
    edge = avail > 64 ? x & (1ull << 63) : 0;   /* a word that may go on */
    lcarry = m.letter >> 63;
    dcarry = m.digit >> 63;
    xcarry = x >> 63;

    /* White space before each token: the bit after each run of skipped
     * bytes (white space, controls) that holds a space or a line break. */
    spb = after_runs(skip, m.space & valid, csp, &csp);
    nlb = after_runs(skip, m.nl & valid, cnl, &cnl);
    if (avail < 64) { /* the gap at the end of the region goes on */
      csp = (unsigned)(spb >> avail) & 1u;
      cnl = (unsigned)(nlb >> avail) & 1u;
    }
    /* What each word holds, at its last bit. */
    lower = m.letter & ~m.upper;
    lend = last_of_runs(x, m.letter);
    dend = last_of_runs(x, m.digit);
    jend = last_of_runs(x, join);
    capsend = last_of_runs(x, (x + m.upper) & m.upper) & ~last_of_runs(x, lower);

    if (open) { /* the word of the last block goes on in this one */
      unsigned e;
      if (~x == 0) {
        word_bits(&m, join, ~0ull, &oacc, &oup);
        continue;
      }
      e = ctz64(~x);
      if (e) word_bits(&m, join, bitrange(0, e), &oacc, &oup);
      open = 0;
      KZI_PUSH(ostart, p + e, word_flags(oacc, oup));
    }
#ifdef KZI_HAVE_AVX2
    if (avx2) {
      flag_bytes(sfl, 0, spb, KZI_SEG_SPACE_BEFORE | KZI_SEG_ASCII, nlb, KZI_SEG_NEWLINE_BEFORE | KZI_SEG_ASCII,
                 m.upper, KZI_SEG_CAPITALIZED | KZI_SEG_ASCII, ~0ull, KZI_SEG_ASCII);
      flag_bytes(efl, 0, lend, KZI_SEG_LETTER, dend, KZI_SEG_DIGIT, jend, KZI_SEG_MID,
                 capsend, KZI_SEG_ALLCAPS);
    }
#endif
    while (starts) {
      unsigned i = ctz64(starts), last, fl;
      uint64_t above = lasts & (~0ull << i);
      starts &= starts - 1;
      if (avx2)
        fl = sfl[i];
      else
        fl = KZI_SEG_ASCII | (unsigned)((spb >> i) & 1u) * KZI_SEG_SPACE_BEFORE |
             (unsigned)((nlb >> i) & 1u) * KZI_SEG_NEWLINE_BEFORE |
             (unsigned)((m.upper >> i) & 1u) * KZI_SEG_CAPITALIZED;
      if (KZI_UNLIKELY(above == edge)) { /* a word running into the next block */
        ostart = p + i;
        oacc = fl;
        oup = 0;
        word_bits(&m, join, bitrange(i, 64), &oacc, &oup);
        open = 1;
        break;
      }
      last = ctz64(above);
      if (avx2)
        fl |= efl[last];
      else
        fl |= (unsigned)((lend >> last) & 1u) * KZI_SEG_LETTER |
              (unsigned)((dend >> last) & 1u) * KZI_SEG_DIGIT |
              (unsigned)((jend >> last) & 1u) * KZI_SEG_MID |
              (unsigned)((capsend >> last) & 1u) * KZI_SEG_ALLCAPS;
      KZI_PUSH(p + i, p + last + 1, fl);
    }
  }
  if (open) KZI_PUSH(ostart, b, word_flags(oacc, oup));
#undef KZI_PUSH
  cx->nseg = (size_t)(out - cx->batch);
  cx->pending = csp * KZI_SEG_SPACE_BEFORE | cnl * KZI_SEG_NEWLINE_BEFORE;
  return 0;
}

#ifdef KZI_HAVE_AVX2
/* With AVX2 come BMI1/2 on every x86-64 processor that has it (tzcnt,
 * blsr, shrx shorten the token loop). */
__attribute__((target("avx2,bmi,bmi2"))) static int ascii_segments_avx2(segctx *cx,
                                                                      size_t a, size_t b) {
  return ascii_segments_body(cx, a, b, 1);
}
#endif

static int ascii_segments(segctx *cx, size_t a, size_t b) {
#ifdef KZI_HAVE_AVX2
  if (cx->avx2) return ascii_segments_avx2(cx, a, b);
#endif
  return ascii_segments_body(cx, a, b, 0);
}

/* ---- non-ASCII regions ---------------------------------------------- */

/* True when the segment holds only white space, controls or format chars. */
static int blank_segment(const unsigned char *s, size_t n, unsigned *pending) {
  size_t i = 0, len;
  unsigned fl = 0;
  while (i < n) {
    int32_t c = kzi_utf8_decode(s + i, n - i, &len);
    if (c < 0 || c == 0xFFFD) return 0;
    if (c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85 ||
        c == 0x2028 || c == 0x2029)
      fl |= KZI_SEG_NEWLINE_BEFORE | KZI_SEG_SPACE_BEFORE;
    else if (uc_is_property_white_space((ucs4_t)c))
      fl |= KZI_SEG_SPACE_BEFORE;
    else if (!uc_is_general_category((ucs4_t)c, UC_CATEGORY_Cc) &&
             !uc_is_general_category((ucs4_t)c, UC_CATEGORY_Cf))
      return 0;
    i += len;
  }
  *pending |= fl;
  return 1;
}

static int slow_segments(kz_tokenizer *tk, segctx *cx, size_t a, size_t b) {
  const unsigned char *s = cx->s + a;
  size_t n = b - a, i, len, bad = 0;
  const unsigned char *t = s; /* the text given to u8_wordbreaks */
  size_t tn = n;
  size_t *map = NULL;         /* t offset -> input offset, when repaired */
  char *brk;
  size_t start;
  int rc;

  for (i = 0; i < n; i += len)
    if (kzi_utf8_decode(s + i, n - i, &len) < 0) bad++;
  if (bad) {
    size_t o = 0;
    tk->fixed.n = tk->offmap.n = 0;
    if (kzi_buf_reserve(&tk->fixed, n + 2 * bad) ||
        kzi_buf_reserve(&tk->offmap, (n + 2 * bad + 1) * sizeof(size_t)))
      return KZ_ENOMEM;
    map = (size_t *)(void *)tk->offmap.p;
    for (i = 0; i < n; i += len) {
      int32_t c = kzi_utf8_decode(s + i, n - i, &len);
      if (c < 0) {
        memcpy(tk->fixed.p + o, "\xEF\xBF\xBD", 3);
        map[o] = map[o + 1] = map[o + 2] = a + i;
        o += 3;
      } else {
        memcpy(tk->fixed.p + o, s + i, len);
        for (size_t k = 0; k < len; k++) map[o + k] = a + i + k;
        o += len;
      }
    }
    map[o] = b;
    t = (const unsigned char *)tk->fixed.p;
    tn = o;
    tk->repaired += bad;
  }
  tk->breaks.n = 0;
  if (kzi_buf_reserve(&tk->breaks, tn)) return KZ_ENOMEM;
  brk = tk->breaks.p;
  u8_wordbreaks(t, tn, brk);
  start = 0;
  for (i = 1; i <= tn; i++) {
    if (i < tn && !brk[i]) continue;
    if (!blank_segment(t + start, i - start, &cx->pending)) {
      size_t ss = map ? map[start] : a + start;
      size_t se = map ? map[i] : a + i;
      if ((rc = push(cx, ss, se, cx->pending)) != 0) return rc;
      cx->pending = 0;
    }
    start = i;
  }
  return 0;
}

/* Does s[from..e) end with a non-ASCII character of Word_Break WSegSpace? */
static int ends_in_wsegspace(const unsigned char *s, size_t from, size_t e) {
  size_t k = e, len;
  int32_t c;
  if (e == from || s[e - 1] < 0x80) return 0;
  while (k > from && k + 4 > e && (s[k - 1] & 0xC0) == 0x80) k--;
  if (k > from) k--;
  c = kzi_utf8_decode(s + k, e - k, &len);
  return c >= 0 && k + len == e && uc_wordbreak_property((ucs4_t)c) == WBP_WSS;
}

/* Position of the first byte >= 0x80 in s[i..n), or n. */
static size_t find_nonascii(const unsigned char *s, size_t i, size_t n) {
#if defined(__SSE2__) && !defined(KZ_NO_SIMD)
  while (i + 64 <= n) {
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 32));
    __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 48));
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))))
      break;
    i += 64;
  }
#endif
  while (i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && s[i] < 0x80) i++;
  return i;
}

const char *kzi_wordbreak_simd(void) {
#ifdef KZI_HAVE_AVX2
  if (have_avx2()) return "avx2";
#endif
#if defined(__SSE2__) && !defined(KZ_NO_SIMD)
  return "sse2";
#else
  return "portable";
#endif
}

int kzi_word_segments(kz_tokenizer *tk, const char *text, size_t len,
                      kzi_seg_cb cb, void *payload) {
  segctx cx;
  size_t i = 0;
  int rc = 0;
  cx.s = (const unsigned char *)text;
  cx.cb = cb;
  cx.payload = payload;
  cx.pending = KZI_SEG_SPACE_BEFORE; /* the start counts as white space */
  cx.nseg = 0;
#ifdef KZI_HAVE_AVX2
  cx.avx2 = have_avx2();
#else
  cx.avx2 = 0;
#endif
  while (i < len) {
    size_t p = find_nonascii(cx.s, i, len), q, r, e;
    if (p == len) {
      if ((rc = ascii_segments(&cx, i, len)) != 0) return rc;
      break;
    }
    q = p;
    while (q > i && !is_ascii_ws(cx.s[q - 1])) q--;
    r = q;
    while (r > i && is_ascii_ws(cx.s[r - 1])) r--;
    if ((rc = ascii_segments(&cx, i, r)) != 0) return rc;
    e = p;
    for (;;) {
      while (e < len && !is_ascii_ws(cx.s[e])) e++;
      /* WB3d joins a non-ASCII WSegSpace to a following ASCII space, so
       * that is no safe cut: take the spaces and the next chunk too. */
      if (e < len && cx.s[e] == ' ' && ends_in_wsegspace(cx.s, p, e)) {
        while (e < len && cx.s[e] == ' ') e++;
        continue;
      }
      break;
    }
    if ((rc = slow_segments(tk, &cx, r, e)) != 0) return rc;
    i = e;
  }
  return flush(&cx);
}
