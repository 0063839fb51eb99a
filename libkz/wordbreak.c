/*
 * wordbreak.c - UAX #29 word segmentation with an ASCII fast path.
 *
 * The reference is libunistring's u8_wordbreaks().  Calling it on a whole
 * text costs a property lookup per code point and an array of one byte per
 * input byte; English news is almost all ASCII, where the rules of UAX #29
 * reduce to a few character classes.  So the text is cut into regions:
 *
 *   - ASCII regions are segmented here with a class table (rules WB3-WB13b
 *     restricted to ASCII);
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
 * reported.
 */
#include <string.h>
#include <unictype.h>
#include <uniwbrk.h>

#include "kz_int.h"

/* ASCII word-break classes. */
enum {
  A_OTHER = 0,  /* punctuation, symbols, controls: a segment of its own */
  A_LETTER,     /* ALetter */
  A_DIGIT,      /* Numeric */
  A_USCORE,     /* ExtendNumLet */
  A_MIDNUMLET,  /* '.'  (MidNumLet) */
  A_SQUOTE,     /* '\'' (Single_Quote, acts as MidNumLetQ) */
  A_MIDLETTER,  /* ':'  (MidLetter) */
  A_MIDNUM,     /* ',' ';' (MidNum) */
  A_SPACE,      /* white space: never reported */
  A_CTRL        /* other C0 controls and DEL: Other, but not reported */
};

/* The class of each ASCII byte (rows of eight, from 0x00). */
#define CT A_CTRL
#define OT A_OTHER
#define LE A_LETTER
#define DI A_DIGIT
#define US A_USCORE
#define MP A_MIDNUMLET
#define SQ A_SQUOTE
#define ML A_MIDLETTER
#define MN A_MIDNUM
#define SP A_SPACE
static const unsigned char aclass[128] = {
    CT, CT, CT, CT, CT, CT, CT, CT,
    CT, SP, SP, SP, SP, SP, CT, CT,
    CT, CT, CT, CT, CT, CT, CT, CT,
    CT, CT, CT, CT, CT, CT, CT, CT,
    SP, OT, OT, OT, OT, OT, OT, SQ,
    OT, OT, OT, OT, MN, OT, MP, OT,
    DI, DI, DI, DI, DI, DI, DI, DI,
    DI, DI, ML, MN, OT, OT, OT, OT,
    OT, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, OT, OT, OT, OT, US,
    OT, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, LE, LE, LE, LE, LE,
    LE, LE, LE, OT, OT, OT, OT, CT,
};
#undef CT
#undef OT
#undef LE
#undef DI
#undef US
#undef MP
#undef SQ
#undef ML
#undef MN
#undef SP

static inline int is_ascii_ws(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' ||
         c == '\f';
}

/* Context handed along while segmenting. */
typedef struct segctx {
  const unsigned char *s;
  kzi_seg_cb cb;
  void *payload;
  unsigned pending; /* KZI_SEG_* white-space flags for the next segment */
} segctx;

/* ---- ASCII regions -------------------------------------------------- */

static int ascii_segments(segctx *cx, size_t a, size_t b) {
  const unsigned char *s = cx->s;
  size_t i = a;
  int rc;
  while (i < b) {
    unsigned char c = s[i];
    int k = aclass[c];
    if (k == A_LETTER || k == A_DIGIT || k == A_USCORE) {
      size_t j = i + 1;
      int last = k, flags = (k == A_LETTER) ? KZI_SEG_LETTER
                          : (k == A_DIGIT)  ? KZI_SEG_DIGIT : 0;
      while (j < b) {
        int cj = aclass[s[j]];
        if (cj == A_LETTER || cj == A_DIGIT || cj == A_USCORE) {
          last = cj;
          flags |= (cj == A_LETTER) ? KZI_SEG_LETTER
                 : (cj == A_DIGIT)  ? KZI_SEG_DIGIT : 0;
          j++;
          continue;
        }
        if (j + 1 < b && cj >= A_MIDNUMLET && cj <= A_MIDNUM) {
          int nx = aclass[s[j + 1]];
          if (last == A_LETTER && nx == A_LETTER && cj != A_MIDNUM) {
            j += 2; /* WB6, WB7 */
            continue;
          }
          if (last == A_DIGIT && nx == A_DIGIT && cj != A_MIDLETTER) {
            j += 2; /* WB11, WB12 */
            continue;
          }
        }
        break;
      }
      rc = cx->cb(cx->payload, i, j, (unsigned)flags | KZI_SEG_ASCII | cx->pending);
      if (rc) return rc;
      cx->pending = 0;
      i = j;
    } else if (k == A_SPACE) {
      cx->pending |= KZI_SEG_SPACE_BEFORE;
      if (c == '\n' || c == '\r' || c == '\v' || c == '\f')
        cx->pending |= KZI_SEG_NEWLINE_BEFORE;
      i++;
    } else if (k == A_CTRL) {
      i++;
    } else {
      rc = cx->cb(cx->payload, i, i + 1, KZI_SEG_ASCII | cx->pending);
      if (rc) return rc;
      cx->pending = 0;
      i++;
    }
  }
  return 0;
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
      rc = cx->cb(cx->payload, ss, se, cx->pending);
      if (rc) return rc;
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
  while (i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && s[i] < 0x80) i++;
  return i;
}

int kzi_word_segments(kz_tokenizer *tk, const char *text, size_t len,
                      kzi_seg_cb cb, void *payload) {
  segctx cx;
  size_t i = 0;
  int rc;
  cx.s = (const unsigned char *)text;
  cx.cb = cb;
  cx.payload = payload;
  cx.pending = KZI_SEG_SPACE_BEFORE; /* the start counts as white space */
  while (i < len) {
    size_t p = find_nonascii(cx.s, i, len), q, r, e;
    if (p == len) return ascii_segments(&cx, i, len);
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
  return 0;
}
