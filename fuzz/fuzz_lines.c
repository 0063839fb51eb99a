/*
 * fuzz_lines.c - the line reader of JSON Lines files (libkz/lines.c), on
 * plain files and on gzip and zstd files cut short, damaged or padded.
 *
 * Byte 0 chooses:
 *   bits 0-1  0: the rest is the file as it is; 1-3: the rest is
 *             compressed with zlib's gzip (level 1, 6, 9), or with zstd
 *             (level 1, 3, 9, with its checksum) when bit 6 is set, then
 *   bit 2     cut to a length chosen by bytes 1-2 (of the compressed size)
 *   bit 3     one byte flipped, at the place chosen by bytes 1-2
 *   bit 4     a second member or frame (the same bytes again) appended
 *   bit 5     zero padding appended (damage for zstd)
 * Properties:
 *   - a plain file: the lines, put together, are the file, each line ends
 *     at its first '\n', and only the last may lack one;
 *   - an intact gzip or zstd file: the lines put together are the text
 *     (twice with a second member), and nothing fails;
 *   - a damaged one: KZ_OK or KZ_EFORMAT with a message naming the file,
 *     never more bytes out than 2x the text;
 *   - bytes of progress never go back nor past the file's size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "../libkz/corpus_int.h"
#include "check.h"

static char path[64];

static void write_file(const unsigned char *p, size_t n) {
  FILE *f;
  if (!path[0]) snprintf(path, sizeof path, "/tmp/kz-fuzz-lines-%d", (int)getpid());
  f = fopen(path, "wb");
  CHECK(f != NULL, "cannot create %s", path);
  CHECK(fwrite(p, 1, n, f) == n, "short write");
  CHECK(fclose(f) == 0, "close");
}

/* text[0..n) gzip-compressed at level into a malloc'd buffer. */
static unsigned char *gzip(const unsigned char *text, size_t n, int level, size_t *out_n) {
  z_stream z;
  size_t cap = n + n / 100 + 64;
  unsigned char *out = malloc(cap);
  memset(&z, 0, sizeof z);
  CHECK(deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
  z.next_in = (Bytef *)text;
  z.avail_in = (uInt)n;
  z.next_out = out;
  z.avail_out = (uInt)cap;
  CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
  *out_n = cap - z.avail_out;
  deflateEnd(&z);
  return out;
}

/* text[0..n) as one zstd frame with its checksum. */
static unsigned char *zstd(const unsigned char *text, size_t n, int level, size_t *out_n) {
  ZSTD_CCtx *cx = ZSTD_createCCtx();
  size_t cap = ZSTD_compressBound(n);
  unsigned char *out = malloc(cap);
  CHECK(cx != NULL, "ZSTD_createCCtx");
  ZSTD_CCtx_setParameter(cx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cx, ZSTD_c_checksumFlag, 1);
  *out_n = ZSTD_compress2(cx, out, cap, text, n);
  CHECK(!ZSTD_isError(*out_n), "ZSTD_compress2");
  ZSTD_freeCCtx(cx);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned mode, where;
  const unsigned char *text;
  size_t tn, fn, got = 0;
  unsigned char *file;
  int damaged = 0, rc;
  kzi_lines *r;
  const char *line;
  size_t len;
  uint64_t last_done = 0;
  if (size < 3 || size > 1 << 16) return 0;
  mode = data[0];
  where = (unsigned)data[1] | (unsigned)data[2] << 8;
  text = data + 3;
  tn = size - 3;
  if ((mode & 3) == 0) {
    file = malloc(tn + 1);
    memcpy(file, text, tn);
    fn = tn;
    /* not a plain file */
    damaged = (tn >= 2 && text[0] == 0x1f && text[1] == 0x8b) ||
              (tn >= 4 && memcmp(text, "\x28\xb5\x2f\xfd", 4) == 0);
  } else {
    static const int level[] = {0, 1, 6, 9}, zlevel[] = {0, 1, 3, 9};
    size_t zn;
    unsigned char *z = mode & 64 ? zstd(text, tn, zlevel[mode & 3], &zn)
                                 : gzip(text, tn, level[mode & 3], &zn);
    file = malloc(2 * zn + 64);
    memcpy(file, z, zn);
    fn = zn;
    if (mode & 16) {
      memcpy(file + fn, z, zn);
      fn += zn;
    }
    free(z);
    if (mode & 4) {
      size_t cut = fn * (where & 0xFF) / 256;
      damaged |= cut < fn;
      fn = cut;
    }
    if ((mode & 8) && fn > 0) {
      file[where % fn] ^= (unsigned char)(1u << (where >> 13));
      damaged = 1;
    }
    if (mode & 32) {
      memset(file + fn, 0, 64);
      fn += 64;
      damaged |= (mode & 64) != 0; /* zstd has no padding */
    }
  }
  write_file(file, fn);
  rc = kzi_lines_open(&r, path);
  if ((mode & 3) == 0 && rc) {
    /* a plain file is refused only when it starts like a compressed one */
    CHECK(rc == KZ_EFORMAT && strstr(kz_last_errmsg(), "decompress it first"), "open: %d %s", rc,
          kz_last_errmsg());
    goto done;
  }
  CHECK(rc == KZ_OK || damaged, "open an intact file: %d %s", rc, kz_last_errmsg());
  if (rc) goto done;
  {
    size_t cap = (mode & 3) == 0 ? tn + 1 : 2 * tn + 1;
    unsigned char *out = malloc(cap);
    while ((rc = kzi_lines_next(r, &line, &len)) == KZ_OK && line) {
      uint64_t done = kzi_lines_done(r);
      CHECK(len > 0, "an empty line");
      CHECK(memchr(line, '\n', len) == NULL || memchr(line, '\n', len) == line + len - 1,
            "a line with '\\n' inside");
      CHECK(done >= last_done && done <= fn, "progress %llu after %llu of %zu",
            (unsigned long long)done, (unsigned long long)last_done, fn);
      last_done = done;
      CHECK(got + len <= cap - 1 || damaged, "%zu bytes out of %zu in", got + len, tn);
      if (got + len > cap - 1) break;
      memcpy(out + got, line, len);
      got += len;
      if (line[len - 1] != '\n') {
        CHECK(kzi_lines_next(r, &line, &len) == KZ_OK && line == NULL,
              "a line without '\\n' before the end");
        break;
      }
    }
    if (rc) {
      CHECK(damaged, "an intact file failed: %d %s", rc, kz_last_errmsg());
      CHECK(rc == KZ_EFORMAT && strstr(kz_last_errmsg(), path), "bad error %d %s", rc,
            kz_last_errmsg());
    } else if (!damaged) {
      size_t want = (mode & 3) != 0 && (mode & 16) ? 2 * tn : tn;
      CHECK(got == want, "%zu bytes out, %zu expected", got, want);
      CHECK(memcmp(out, text, tn) == 0 && (want == tn || memcmp(out + tn, text, tn) == 0),
            "the bytes differ");
    }
    free(out);
  }
  kzi_lines_close(r);
done:
  free(file);
  unlink(path);
  return 0;
}
