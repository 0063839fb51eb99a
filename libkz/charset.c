/*
 * charset.c - a page in a legacy 8-bit encoding, decoded to UTF-8.
 *
 * Scraped pages from older sites (Russian and Kazakh ones above all) come
 * in windows-1251 or KOI8-R, Western ones in windows-1252 / Latin-1.  Read
 * as UTF-8, every letter of such a page becomes U+FFFD and the article is
 * lost.  kzi_legacy_decode() decides that a buffer is not UTF-8 (it has
 * more invalid sequences than valid multibyte ones) and picks the
 * encoding: the charset the page declares, if iconv knows it (by its name
 * or a common alias: KZ-1048 is glibc's RK1048) as an 8-bit one; else,
 * when at least 3/4 of the invalid bytes touch a letter as the letters of
 * 8-bit text do, a guess: Cyrillic when most high bytes come in runs, as
 * whole words of Cyrillic letters do, with windows-1251 and KOI8-R told
 * apart by which half of the letters is more frequent (the lowercase
 * ones), otherwise windows-1252.  It decodes through a 256-entry table
 * built with iconv(3), keeping for every output byte the input byte it
 * came from, so that the parser's byte spans can be mapped back to the
 * raw file.
 * Multibyte legacy encodings (Shift_JIS, GBK, ...) are left alone: their
 * invalid UTF-8 is repaired as before.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistr.h>

#include "article_int.h"

#define DECLARED_WINDOW ((size_t)16 << 10)

/* A charset name after "charset" in the first bytes (a leftover
 * <meta charset="..."> or content="text/html; charset=..."), or 0. */
static int declared_charset(const char *s, size_t n, char *name, size_t cap) {
  static const char key[] = "charset";
  if (n > DECLARED_WINDOW) n = DECLARED_WINDOW;
  for (size_t i = 0; i + sizeof key - 1 < n; i++) {
    size_t k, j = i;
    for (k = 0; k < sizeof key - 1; k++)
      if ((s[i + k] | 0x20) != key[k]) break;
    if (k < sizeof key - 1) continue;
    j = i + k;
    while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\'')) j++;
    if (j >= n || s[j] != '=') continue;
    j++;
    while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\'')) j++;
    for (k = 0; j < n && k + 1 < cap; j++, k++) {
      char c = s[j];
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == ':' || c == '.'))
        break;
      name[k] = c;
    }
    name[k] = 0;
    if (k) return 1;
  }
  return 0;
}

/* Names pages use that glibc's iconv knows by another. */
static const char *iconv_name(const char *name) {
  static const struct { const char *page, *iconv; } alias[] = {
      {"kz-1048", "RK1048"},      {"kz1048", "RK1048"},        {"x-kz-1048", "RK1048"},
      {"win-1251", "CP1251"},     {"x-cp1251", "CP1251"},      {"win1251", "CP1251"},
      {"x-mac-cyrillic", "MACCYRILLIC"}, {"x-mac-roman", "MACINTOSH"}};
  for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
    if (strcasecmp(name, alias[i].page) == 0) return alias[i].iconv;
  return name;
}

/* The UTF-8 form of each byte in charset `name`: tab[b] (len[b] bytes,
 * U+FFFD for a byte the charset leaves undefined).  1 when the charset is
 * one byte a character and ASCII below 0x80; 0 when it is not; -1 when
 * iconv does not know the name. */
static int byte_table(const char *name, char tab[256][4], unsigned char len[256]) {
  iconv_t cd = iconv_open("UTF-8", iconv_name(name));
  int ok = 1;
  if (cd == (iconv_t)-1) return -1;
  for (int b = 0; b < 256 && ok; b++) {
    char in = (char)b, *ip = &in, *op = tab[b];
    size_t il = 1, ol = 4;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
      if (errno == EINVAL || b < 0x80) ok = 0; /* a lead byte: multibyte */
      memcpy(tab[b], "\xEF\xBF\xBD", 3);
      len[b] = 3;
      continue;
    }
    len[b] = (unsigned char)(4 - ol);
    if (b < 0x80 && (len[b] != 1 || tab[b][0] != (char)b)) ok = 0;
    if (len[b] == 0) ok = 0;
  }
  iconv_close(cd);
  return ok;
}

/* The encoding of text that is not UTF-8, guessed from its high bytes. */
static const char *guess(const unsigned char *s, size_t n) {
  size_t high = 0, in_runs = 0, run = 0, upper_half = 0, lower_half = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] >= 0x80) {
      high++;
      run++;
      if (s[i] >= 0xE0) upper_half++;
      else if (s[i] >= 0xC0) lower_half++;
      continue;
    }
    if (run >= 3) in_runs += run;
    run = 0;
  }
  if (high && in_runs * 2 >= high) return upper_half >= lower_half ? "WINDOWS-1251" : "KOI8-R";
  return "WINDOWS-1252";
}

/* Is byte c a letter of a word here: an ASCII letter, or any high byte? */
static int wordish(unsigned char c) {
  return c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

int kzi_legacy_decode(const char *data, size_t len, kzi_decoded *out) {
  const unsigned char *s = (const unsigned char *)data;
  size_t valid = 0, invalid = 0, in_words = 0, n = 0;
  char tab[256][4], declared[40];
  unsigned char tl[256];
  const char *name = NULL;
  memset(out, 0, sizeof *out);
  /* (up to the largest file the parser reads: the map takes 4 bytes an
   * output byte) */
  if (len == 0 || len > KZ_ARTICLE_MAX_FILE) return 0;
  if (u8_check(s, len) == NULL) return 0; /* UTF-8 after all */
  for (size_t i = 0; i < len;) {
    ucs4_t uc;
    int k;
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    k = u8_mbtoucr(&uc, s + i, len - i);
    if (k > 0) {
      valid++;
      i += (size_t)k;
    } else {
      invalid++;
      in_words += (i > 0 && wordish(s[i - 1])) || (i + 1 < len && wordish(s[i + 1]));
      i++;
    }
  }
  if (invalid == 0 || invalid <= valid) return 0; /* UTF-8, maybe with stray bytes */
  if (declared_charset(data, len, declared, sizeof declared) &&
      strncasecmp(declared, "utf", 3) != 0) {
    int r = byte_table(declared, tab, tl);
    if (r == 0) return 0; /* multibyte (Shift_JIS, GBK...): not ours to guess */
    if (r > 0) {
      name = declared;
      out->declared = 1;
    } /* a name iconv does not know: guess */
  }
  if (!name) {
    /* a guess needs letters: in 8-bit text nearly every high byte is one,
     * inside a word; stray bytes between words are repaired instead */
    if (in_words * 4 < invalid * 3) return 0;
    name = guess(s, len);
    if (byte_table(name, tab, tl) <= 0) return 0;
  }
  for (size_t i = 0; i < len; i++) n += tl[s[i]];
  out->p = malloc(n + 1);
  out->raw = malloc((n + 1) * sizeof *out->raw);
  if (!out->p || !out->raw) {
    kzi_decoded_free(out);
    return -1;
  }
  n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char b = s[i];
    for (unsigned k = 0; k < tl[b]; k++) {
      out->p[n] = tab[b][k];
      out->raw[n++] = (uint32_t)i;
    }
  }
  out->p[n] = 0;
  out->raw[n] = (uint32_t)len;
  out->n = n;
  snprintf(out->name, sizeof out->name, "%s", name);
  return 1;
}

size_t kzi_decoded_raw(const kzi_decoded *dec, size_t off) {
  return dec->raw[off < dec->n ? off : dec->n];
}

void kzi_decoded_free(kzi_decoded *dec) {
  free(dec->p);
  free(dec->raw);
  memset(dec, 0, sizeof *dec);
}
