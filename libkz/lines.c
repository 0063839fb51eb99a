/*
 * lines.c - the lines of a file, plain, gzip- or zstd-compressed.
 *
 * JSON Lines datasets are often published compressed (.jsonl.gz, and
 * .jsonl.zst for the large ones); read as they are, every line was a "bad
 * line" and nothing was added.  The file is recognized by its first bytes,
 * not its name: gzip (zlib, members one after another as `cat a.gz b.gz`
 * makes them) and zstd (libzstd, frames one after another, skippable
 * frames passed over) are decompressed as they are read; xz, bzip2 and zip
 * (told apart by sniff.c) are refused with a message that says how to
 * decompress them.  Lines end at '\n' (the caller trims '\r'); a last line
 * without one is a line.  A truncated or damaged stream is an error naming
 * the file and the byte where it was found, after the lines before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "corpus_int.h"

#define IN_BLOCK ((size_t)1 << 18)   /* bytes read from the file at a time */
#define OUT_MIN ((size_t)1 << 18)    /* decoded bytes wanted per fill */

struct kzi_lines {
  int fd;
  const char *path;
  int gz;                 /* 1: a gzip stream, 2: between two members */
  z_stream z;
  int zinit;
  ZSTD_DStream *zs;       /* a zstd stream (else NULL) */
  int zs_open;            /* a zstd frame is not finished */
  unsigned char *in;      /* file bytes read, not yet used: [in_at, in_n) */
  size_t in_n, in_at;
  int file_eof;
  char *buf;              /* decoded bytes; [at, n) not yet returned */
  size_t cap, n, at;
  int eof;                /* no more bytes will come into buf */
  uint64_t consumed;      /* bytes of the file read */
  uint64_t size;          /* of the file; 0 when unknown */
};

static int read_in(kzi_lines *r) {
  ssize_t k;
  if (r->in_at < r->in_n || r->file_eof) return KZ_OK;
  do k = read(r->fd, r->in, IN_BLOCK);
  while (k < 0 && errno == EINTR);
  if (k < 0) return kzi_seterr(NULL, KZ_EIO, "cannot read %s: %s", r->path, strerror(errno));
  r->in_at = 0;
  r->in_n = (size_t)k;
  r->consumed += (uint64_t)k;
  if (k == 0) r->file_eof = 1;
  return KZ_OK;
}

/* Make room for OUT_MIN more decoded bytes at buf + n (moving the unread
 * part to the front). */
static int room(kzi_lines *r) {
  if (r->at > 0) {
    memmove(r->buf, r->buf + r->at, r->n - r->at);
    r->n -= r->at;
    r->at = 0;
  }
  if (r->cap - r->n < OUT_MIN) {
    size_t ncap = r->cap ? r->cap : OUT_MIN * 2;
    char *nb;
    while (ncap - r->n < OUT_MIN) {
      if (ncap > SIZE_MAX / 2) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      ncap *= 2;
    }
    nb = realloc(r->buf, ncap);
    if (!nb) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory reading %s", r->path);
    r->buf = nb;
    r->cap = ncap;
  }
  return KZ_OK;
}

/* Bytes of the file used so far (read, less what waits in `in`). */
static uint64_t used(const kzi_lines *r) { return r->consumed - (r->in_n - r->in_at); }

static int stream_damaged(kzi_lines *r, const char *what) {
  return kzi_seterr(NULL, KZ_EFORMAT, "%s: %s at byte %llu of the file", r->path, what,
                    (unsigned long long)used(r));
}

/* Decode more of the zstd stream into buf. */
static int fill_zst(kzi_lines *r) {
  size_t before = r->n;
  int rc;
  while (r->n == before && !r->eof) {
    ZSTD_inBuffer in;
    ZSTD_outBuffer out;
    size_t k;
    if ((rc = read_in(r))) return rc;
    if (r->in_at == r->in_n && r->file_eof) {
      if (r->zs_open) return stream_damaged(r, "truncated zstd stream");
      r->eof = 1;
      break;
    }
    in.src = r->in;
    in.size = r->in_n;
    in.pos = r->in_at;
    out.dst = r->buf;
    out.size = r->cap;
    out.pos = r->n;
    k = ZSTD_decompressStream(r->zs, &out, &in);
    r->in_at = in.pos;
    r->n = out.pos;
    if (ZSTD_isError(k)) {
      char what[160];
      if (ZSTD_getErrorCode(k) == ZSTD_error_memory_allocation)
        return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      snprintf(what, sizeof what, "damaged zstd data (%s)", ZSTD_getErrorName(k));
      return stream_damaged(r, what);
    }
    r->zs_open = k != 0; /* 0: a frame ended and all its bytes are out */
  }
  return KZ_OK;
}

/* Decode more of the gzip stream into buf. */
static int fill_gz(kzi_lines *r) {
  size_t before = r->n;
  int rc;
  while (r->n == before && !r->eof) {
    if ((rc = read_in(r))) return rc;
    if (r->gz == 2) {
      /* after a member: another one, or the end (zero padding is allowed,
       * as gzip allows it) */
      while (r->in_at < r->in_n && r->in[r->in_at] == 0) r->in_at++;
      if (r->in_at == r->in_n) {
        if (r->file_eof) r->eof = 1;
        continue;
      }
      if (r->in[r->in_at] != 0x1f) return stream_damaged(r, "data after the gzip stream");
      if (inflateReset(&r->z) != Z_OK) return stream_damaged(r, "cannot restart the gzip stream");
      r->gz = 1;
    }
    if (r->in_at == r->in_n && r->file_eof) return stream_damaged(r, "truncated gzip stream");
    r->z.next_in = r->in + r->in_at;
    r->z.avail_in = (uInt)(r->in_n - r->in_at);
    r->z.next_out = (Bytef *)r->buf + r->n;
    r->z.avail_out = (uInt)(r->cap - r->n > UINT32_MAX ? UINT32_MAX : r->cap - r->n);
    rc = inflate(&r->z, Z_NO_FLUSH);
    r->in_at = r->in_n - r->z.avail_in;
    r->n = (size_t)((char *)r->z.next_out - r->buf);
    if (rc == Z_STREAM_END) {
      r->gz = 2;
    } else if (rc == Z_BUF_ERROR) {
      if (r->in_at == r->in_n && r->file_eof) return stream_damaged(r, "truncated gzip stream");
    } else if (rc != Z_OK) {
      char what[160];
      snprintf(what, sizeof what, "damaged gzip data (%s)", r->z.msg ? r->z.msg : "zlib error");
      return rc == Z_MEM_ERROR ? kzi_seterr(NULL, KZ_ENOMEM, "out of memory") : stream_damaged(r, what);
    }
  }
  return KZ_OK;
}

static int fill(kzi_lines *r) {
  int rc = room(r);
  if (rc) return rc;
  if (r->gz) return fill_gz(r);
  if (r->zs) return fill_zst(r);
  for (;;) { /* plain: straight into buf */
    ssize_t k = read(r->fd, r->buf + r->n, r->cap - r->n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return kzi_seterr(NULL, KZ_EIO, "cannot read %s: %s", r->path, strerror(errno));
    if (k == 0) r->eof = 1;
    r->n += (size_t)k;
    r->consumed += (uint64_t)k;
    return KZ_OK;
  }
}

int kzi_lines_open(kzi_lines **out, const char *path) {
  kzi_lines *r;
  struct stat st;
  const char *other, *cmd;
  int rc;
  *out = NULL;
  r = calloc(1, sizeof *r);
  if (!r || !(r->in = malloc(IN_BLOCK))) {
    free(r);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  r->path = path;
  r->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (r->fd < 0) {
    rc = kzi_seterr(NULL, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO, "cannot open %s: %s", path,
                    strerror(errno));
    kzi_lines_close(r);
    return rc;
  }
  if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode)) r->size = (uint64_t)st.st_size;
  if ((rc = read_in(r))) {
    kzi_lines_close(r);
    return rc;
  }
  other = kzi_sniff_compression(r->in, r->in_n, &cmd);
  if (other && strcmp(other, "gzip") != 0 && strcmp(other, "zstd") != 0) {
    rc = kzi_seterr(NULL, KZ_EFORMAT,
                    "%s: compressed with %s, which libkz does not read: decompress it first "
                    "(%s %s) or recompress it with gzip or zstd", path, other, cmd, path);
    kzi_lines_close(r);
    return rc;
  }
  if (other && strcmp(other, "zstd") == 0) {
    r->zs = ZSTD_createDStream();
    if (!r->zs || ZSTD_isError(ZSTD_initDStream(r->zs))) {
      kzi_lines_close(r);
      return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
  } else if (other) { /* gzip */
    /* 16 + 15: a gzip wrapper, the largest window */
    if (inflateInit2(&r->z, 16 + 15) != Z_OK) {
      kzi_lines_close(r);
      return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
    r->zinit = 1;
    r->gz = 1;
  } else {
    /* plain: the block read to tell becomes the start of the text */
    r->buf = (char *)r->in;
    r->cap = IN_BLOCK;
    r->n = r->in_n;
    r->eof = r->file_eof;
    r->in = NULL;
    r->in_n = r->in_at = 0;
  }
  *out = r;
  return KZ_OK;
}

int kzi_lines_next(kzi_lines *r, const char **line, size_t *len) {
  size_t scanned = 0;
  *line = NULL;
  *len = 0;
  for (;;) {
    const char *nl = NULL;
    if (r->n - r->at > scanned) /* (buf is NULL before the first fill) */
      nl = memchr(r->buf + r->at + scanned, '\n', r->n - r->at - scanned);
    if (nl) {
      *line = r->buf + r->at;
      *len = (size_t)(nl + 1 - *line);
      r->at += *len;
      return KZ_OK;
    }
    scanned = r->n - r->at;
    if (r->eof) {
      if (scanned) {
        *line = r->buf + r->at;
        *len = scanned;
        r->at = r->n;
      }
      return KZ_OK;
    }
    {
      int rc = fill(r);
      if (rc) return rc;
    }
  }
}

uint64_t kzi_lines_done(const kzi_lines *r) {
  return r->gz || r->zs ? used(r) : r->consumed;
}

uint64_t kzi_lines_size(const kzi_lines *r) { return r->size; }

void kzi_lines_close(kzi_lines *r) {
  if (!r) return;
  if (r->zinit) inflateEnd(&r->z);
  ZSTD_freeDStream(r->zs); /* (accepts NULL) */
  if (r->fd >= 0) close(r->fd);
  free(r->in);
  free(r->buf);
  free(r);
}
