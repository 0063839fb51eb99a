/*
 * manifest.c - the MANIFEST: which files make up the committed corpus.
 *
 * Format (little-endian): 8 bytes magic "KZMANIF\n", u32 format version
 * (1), u32 analyzer KZ_TOK_* flags, 16 bytes language code (NUL-padded),
 * u64 generation, u64 next file id, u32 segment count, then per segment
 * u64 id, u32 documents, u32 deleted documents, u64 deletion-file
 * generation (0: none); last a u32 CRC-32C of all the bytes before it.
 *
 * A commit writes MANIFEST.tmp, fsyncs it, renames it over MANIFEST and
 * fsyncs the directory: a reader sees the old or the new file, never a
 * mix, and after a crash the last renamed one is the committed state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

#define MAN_MAGIC "KZMANIF\n"
#define MAN_VERSION 1
#define MAN_HDR (8 + 4 + 4 + 16 + 8 + 8 + 4)
#define MAN_SEG 24

int kzi_manifest_read(kzi_manifest *m, const char *dir) {
  char path[4200];
  unsigned char *buf;
  size_t n;
  uint32_t nseg;
  int rc;
  memset(m, 0, sizeof *m);
  kzi_path(path, sizeof path, dir, "MANIFEST");
  rc = kzi_read_file(path, &buf, &n);
  if (rc == KZ_ENOTFOUND)
    return kzi_seterr(NULL, KZ_ENOTFOUND, "%s is not a corpus (no MANIFEST)", dir);
  if (rc) return rc;
  if (n < MAN_HDR + 4 || memcmp(buf, MAN_MAGIC, 8) != 0) {
    free(buf);
    return kzi_corrupt("MANIFEST", "bad magic or too short");
  }
  if (kzi_crc32c(0, buf, n - 4) != kzi_get32(buf + n - 4)) {
    free(buf);
    return kzi_corrupt("MANIFEST", "checksum mismatch");
  }
  if (kzi_get32(buf + 8) != MAN_VERSION) {
    free(buf);
    return kzi_seterr(NULL, KZ_EVERSION, "MANIFEST format version %u is not supported",
                      (unsigned)kzi_get32(buf + 8));
  }
  nseg = kzi_get32(buf + MAN_HDR - 4);
  if ((n - MAN_HDR - 4) / MAN_SEG < nseg || n != MAN_HDR + (size_t)nseg * MAN_SEG + 4 ||
      kzi_crc32c(0, buf, n - 4) != kzi_get32(buf + n - 4)) {
    free(buf);
    return kzi_corrupt("MANIFEST", "size or checksum mismatch");
  }
  m->tok_flags = kzi_get32(buf + 12);
  memcpy(m->lang, buf + 16, 15);
  m->lang[15] = 0;
  m->generation = kzi_get64(buf + 32);
  m->next_id = kzi_get64(buf + 40);
  m->nseg = nseg;
  m->seg = calloc(nseg ? nseg : 1, sizeof *m->seg);
  if (!m->seg) {
    free(buf);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  for (uint32_t i = 0; i < nseg; i++) {
    const unsigned char *p = buf + MAN_HDR + (size_t)i * MAN_SEG;
    m->seg[i].id = kzi_get64(p);
    m->seg[i].ndocs = kzi_get32(p + 8);
    m->seg[i].ndel = kzi_get32(p + 12);
    m->seg[i].delgen = kzi_get64(p + 16);
    if (m->seg[i].id >= m->next_id || m->seg[i].ndel > m->seg[i].ndocs) {
      free(buf);
      kzi_manifest_free(m);
      return kzi_corrupt("MANIFEST", "bad segment entry");
    }
  }
  free(buf);
  return KZ_OK;
}

int kzi_manifest_write(const kzi_manifest *m, const char *dir) {
  size_t n = MAN_HDR + (size_t)m->nseg * MAN_SEG + 4;
  unsigned char *buf = calloc(1, n);
  char tmp[4200], path[4200];
  int rc;
  if (!buf) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  memcpy(buf, MAN_MAGIC, 8);
  kzi_put32(buf + 8, MAN_VERSION);
  kzi_put32(buf + 12, m->tok_flags);
  memcpy(buf + 16, m->lang, strnlen(m->lang, 15));
  kzi_put64(buf + 32, m->generation);
  kzi_put64(buf + 40, m->next_id);
  kzi_put32(buf + 48, m->nseg);
  for (uint32_t i = 0; i < m->nseg; i++) {
    unsigned char *p = buf + MAN_HDR + (size_t)i * MAN_SEG;
    kzi_put64(p, m->seg[i].id);
    kzi_put32(p + 8, m->seg[i].ndocs);
    kzi_put32(p + 12, m->seg[i].ndel);
    kzi_put64(p + 16, m->seg[i].delgen);
  }
  kzi_put32(buf + n - 4, kzi_crc32c(0, buf, n - 4));
  kzi_path(tmp, sizeof tmp, dir, "MANIFEST.tmp");
  kzi_path(path, sizeof path, dir, "MANIFEST");
  rc = kzi_write_file_sync(tmp, buf, n);
  free(buf);
  if (rc) return rc;
  if (rename(tmp, path) != 0)
    return kzi_seterr(NULL, KZ_EIO, "cannot rename %s to %s", tmp, path);
  return kzi_fsync_dir(dir);
}

void kzi_manifest_free(kzi_manifest *m) {
  free(m->seg);
  m->seg = NULL;
  m->nseg = 0;
}
