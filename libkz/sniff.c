/*
 * sniff.c - is a file text at all?
 *
 * The article parser repairs what it can (NUL and control bytes dropped,
 * invalid UTF-8 replaced) because scraped pages do carry stray bytes.  A
 * directory of scraped pages also carries images, PDFs and archives, and
 * "repairing" those yields an article of noise that then sits in the
 * corpus.  kzi_sniff_binary() looks at the start of a file the way grep
 * and git do, but tolerates the odd stray byte: it reports a file as
 * binary when it starts with the signature of a common binary format, when
 * it is UTF-16 or UTF-32 (text, but not in an encoding libkz reads), or
 * when control bytes (C0 other than tab, newlines and form feed, and DEL)
 * make up 5% or more of its first 64 KB.  A JSON or JSON Lines dataset is
 * refused too, with a pointer to the JSON Lines reader.  Text in a legacy
 * 8-bit encoding (Latin-1, CP1251) has no control bytes and passes; the
 * parser then decodes it (charset.c).
 */
#include <string.h>

#include "kz_int.h"

#define SNIFF_LEN ((size_t)64 << 10)

typedef struct magic {
  const char *sig;
  size_t len;
  const char *what;
} magic;

/* Compressed files: also what the JSON Lines reader (lines.c) tells apart. */
typedef struct compression {
  magic m;
  const char *name, *cmd; /* its name, the command that decompresses it */
} compression;

/* (of the compressions lines.c reads) */
#define READ_AS_JSONL "JSON Lines are read as they are by kz index --jsonl or kz_corpus_add_jsonl())"

static const compression COMPRESSIONS[] = {
    {{"\x1f\x8b", 2, "gzip-compressed data (decompress it first; gzip-compressed " READ_AS_JSONL},
     "gzip", "gunzip -k"},
    {{"BZh", 3, "bzip2-compressed data (decompress it first)"}, "bzip2", "bzip2 -dk"},
    {{"\xfd" "7zXZ\x00", 6, "xz-compressed data (decompress it first)"}, "xz", "xz -dk"},
    {{"\x28\xb5\x2f\xfd", 4, "zstd-compressed data (decompress it first; zstd-compressed " READ_AS_JSONL},
     "zstd", "zstd -dk"},
    {{"PK\x03\x04", 4, "a ZIP archive (or a .docx, .odt or .epub file)"}, "zip", "unzip"},
};

static const compression *find_compression(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < sizeof COMPRESSIONS / sizeof *COMPRESSIONS; i++) {
    const magic *m = &COMPRESSIONS[i].m;
    if (n < m->len || memcmp(p, m->sig, m->len) != 0) continue;
    /* "BZh" is followed by the block size, a digit */
    if (m->len == 3 && !(n > 3 && p[3] >= '1' && p[3] <= '9')) continue;
    return &COMPRESSIONS[i];
  }
  return NULL;
}

const char *kzi_sniff_compression(const void *data, size_t len, const char **cmd) {
  const compression *c = find_compression(data, len);
  if (c && cmd) *cmd = c->cmd;
  return c ? c->name : NULL;
}

static const magic MAGICS[] = {
    {"%PDF-", 5, "a PDF document"},
    {"\x89PNG\r\n\x1a\n", 8, "a PNG image"},
    {"\xff\xd8\xff", 3, "a JPEG image"},
    {"GIF87a", 6, "a GIF image"},
    {"GIF89a", 6, "a GIF image"},
    {"\x7f" "ELF", 4, "an executable (ELF)"},
    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Microsoft Office document"},
    {"SQLite format 3\x00", 16, "an SQLite database"},
};

/* The first byte at or after i that is not white space (n when none). */
static size_t skip_ws(const unsigned char *p, size_t n, size_t i) {
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
  return i;
}

/* A dataset in JSON rather than a page: an object whose first member name
 * opens the file ('{' then '"'), or an array of objects or strings.  A
 * page never starts so, and parsed as one it would become a single
 * article of JSON syntax. */
static int json_data(const unsigned char *p, size_t n, const char **what) {
  size_t i = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, j, e;
  i = skip_ws(p, n, i);
  if (i >= n || (p[i] != '{' && p[i] != '[')) return 0;
  j = skip_ws(p, n, i + 1);
  if (j >= n) return 0;
  if (p[i] == '[') {
    if (p[j] != '{' && p[j] != '"' && p[j] != ']') return 0;
    *what = "JSON data (an array: write it as JSON Lines, one object a line, e.g. with "
            "jq -c '.[]', and add that with kz index --jsonl or kz_corpus_add_jsonl())";
    return 1;
  }
  if (p[j] != '"') return 0;
  /* the first line one whole object: JSON Lines */
  for (e = i; e < n && p[e] != '\n'; e++) {}
  while (e > i && (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r')) e--;
  if (e > i && p[e - 1] == '}')
    *what = "JSON Lines (add it with kz index --jsonl or kz_corpus_add_jsonl())";
  else
    *what = "JSON data (write it as JSON Lines, one object a line, and add that with kz index "
            "--jsonl or kz_corpus_add_jsonl())";
  return 1;
}

int kzi_sniff_binary(const char *data, size_t len, const char **what, size_t *at) {
  const unsigned char *p = (const unsigned char *)data;
  size_t n = len < SNIFF_LEN ? len : SNIFF_LEN, ctl = 0, first = 0, even0 = 0, odd0 = 0;
  *what = NULL;
  *at = 0;
  if (!len) return 0;
  {
    const compression *c = find_compression(p, n);
    if (c) {
      *what = c->m.what;
      return 1;
    }
  }
  for (size_t i = 0; i < sizeof MAGICS / sizeof *MAGICS; i++) {
    const magic *m = &MAGICS[i];
    if (n >= m->len && memcmp(p, m->sig, m->len) == 0) {
      *what = m->what;
      return 1;
    }
  }
  if (json_data(p, n, what)) return 1;
  if (n >= 4 && ((p[0] == 0xff && p[1] == 0xfe && p[2] == 0 && p[3] == 0) ||
                 (p[0] == 0 && p[1] == 0 && p[2] == 0xfe && p[3] == 0xff))) {
    *what = "UTF-32 text (convert it to UTF-8 first: iconv -f UTF-32 -t UTF-8)";
    return 1;
  }
  if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) {
    *what = "UTF-16 text (convert it to UTF-8 first: iconv -f UTF-16 -t UTF-8)";
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
      if (!ctl++) first = i;
      if (c == 0) {
        if (i & 1) odd0++;
        else even0++;
      }
    }
  }
  *at = first;
  /* UTF-16 without a byte order mark: ASCII-range text has a NUL in every
   * other byte */
  if (n >= 16 && (odd0 >= n / 2 * 9 / 10 || even0 >= n / 2 * 9 / 10)) {
    *what = "UTF-16 text (convert it to UTF-8 first: iconv -f UTF-16 -t UTF-8)";
    return 1;
  }
  if (ctl * 20 >= n && ctl >= 4) {
    *what = "control bytes";
    return 1;
  }
  return 0;
}
