/*
 * segment.c - the immutable on-disk segment: writing and reading.
 *
 * A segment file seg-<id as 16 hex digits>.kzs is written once and never
 * changed.  Layout (all integers little-endian, "varint" = LEB128; the
 * full description is docs/index-format.md):
 *
 *   header   8 bytes magic "KZSEG\r\n\x1a", u32 format version (3;
 *            version 2 is read too), u32 flags (0)
 *   sections in any order, located by the footer:
 *     DICT   the term dictionary, in blocks of 32 entries sorted by bytes.
 *            Entry: varint shared-prefix length, varint suffix length,
 *            suffix bytes, varint df, varint cf (total occurrences),
 *            varint postings offset (first entry of a block: absolute in
 *            POST; later ones: delta from the previous entry), varint
 *            postings length.  A key is a space byte ('w' analyzed word,
 *            'x' exact unstemmed word, 's' source, 'a' author, 'l'
 *            language) followed by the normalized term.
 *     BIDX   u32 offset in DICT of each block (binary search on the first
 *            key of each block, which is stored whole).
 *     POST   per term: a header, the document stream and the position
 *            stream, in blocks of 128 documents:
 *              varint (nblocks << 1 | has_bounds)
 *              [bound]                      when has_bounds
 *              [varint skip table bytes]    when nblocks > 1
 *              varint document stream bytes
 *              [skip table]                 when nblocks > 1: per block
 *                 varint last doc (delta from the previous block's),
 *                 varint its document bytes, varint its position bytes,
 *                 [bound] when has_bounds
 *              document stream: per document varint
 *                 ((doc - previous doc - 1) << 4 | field mask), then a
 *                 varint frequency per field in the mask (metadata terms
 *                 have mask 0)
 *              position stream: per document, per field in its mask,
 *                 `frequency` varints, delta-coded from 0
 *            bound = byte field mask, then per field in it a byte count
 *            (1-4) of (varint frequency, varint field length in tokens)
 *            points sorted by length: the skyline of the pairs of the
 *            documents of the block (or term), points merged into ones
 *            that dominate them when there are more; enough to bound the
 *            BM25F score of any of them for any parameters (block-max
 *            pruning).
 *     COLS   per document 24 bytes: i32 date (days since 1970-01-01 or
 *            INT32_MIN), u32 source index, u32 token count per text field.
 *     SIDX   per store block u32 first document + u64 offset in STORE,
 *            and a last entry (ndocs, STORE length).
 *     STORE  blocks of about 16 KB of document records: varint raw size,
 *            a method byte (0 stored, 1 LZ stream, see lz.c), the data.
 *            A record is the 9 stored fields other than the key (kz_field
 *            order), then the layout of a parsed article (format 3 only;
 *            see layout.c), each varint length + bytes.
 *     KEYS   ndocs entries of u64 key hash + u32 doc, sorted.
 *     SRCS   varint count, then varint length + bytes per source name.
 *     KOFF   u64 offset in KSTR of each document's key, ndocs + 1.
 *     KSTR   the keys, concatenated.
 *   footer   10 x (u64 offset, u64 length) for the sections above;
 *            u32 ndocs, u32 nterms, u32 nblocks, u32 store blocks;
 *            u64 tokens per text field; u32 CRC-32C of the footer fields;
 *            u32 CRC-32C of every byte before it; 8 bytes "KZSEGEND".
 *
 * Reading: the file is mmap'd; the footer is always checked, the whole
 * file's CRC at open unless disabled.  Every length and offset read from
 * the file is checked against the section that holds it, so a damaged file
 * gives KZ_ECORRUPT (through kzi_corrupt()), never a read out of bounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_int.h"

#define SEG_MAGIC "KZSEG\r\n\x1a"
#define SEG_END "KZSEGEND"
#define SEG_VERSION 3     /* written */
#define SEG_VERSION_MIN 2 /* read: 2 has no layout in its records */
#define HDR_SIZE 16
#define NSEC 10
#define FOOT_FIELDS (NSEC * 16 + 16 + 32)
#define FOOT_SIZE (FOOT_FIELDS + 4 + 4 + 8)
#define BLOCK_TERMS 32
#define COL_SIZE 24
#define SIDX_SIZE 12
#define STORE_BLOCK (16 * 1024) /* raw bytes of records per store block */
#define BOUND_MIN_DF 4          /* terms with fewer documents get no bounds */

enum { S_DICT, S_BIDX, S_POST, S_COLS, S_SIDX, S_STORE, S_KEYS, S_SRCS, S_KOFF, S_KSTR };

int kzi_corrupt(const char *file, const char *what) {
  return kzi_seterr(NULL, KZ_ECORRUPT, "corrupt corpus file %s: %s",
                    file ? file : "(memory)", what);
}

void kzi_seg_name(char *buf, size_t cap, uint64_t id) {
  snprintf(buf, cap, "seg-%016llx.kzs", (unsigned long long)id);
}

void kzi_del_name(char *buf, size_t cap, uint64_t id, uint64_t gen) {
  snprintf(buf, cap, "del-%016llx-%llu.kzd", (unsigned long long)id,
           (unsigned long long)gen);
}

/* =====================================================================
 * Reading
 * ===================================================================== */

static int seg_parse(kzi_segment *s, int verify) {
  const unsigned char *m = s->map, *f;
  size_t size = s->size;
  uint64_t off[NSEC], len[NSEC];
  const unsigned char **secp[NSEC] = {&s->dict, &s->bidx, &s->post, &s->cols, &s->sidx,
                                      &s->store, &s->keys, &s->srcs, &s->koff, &s->kstr};
  size_t *lenp[NSEC] = {&s->dict_len, NULL, &s->post_len, &s->cols_len, &s->sidx_len,
                        &s->store_len, &s->keys_len, &s->srcs_len, &s->koff_len, &s->kstr_len};
  if (size < HDR_SIZE + FOOT_SIZE) return kzi_corrupt(s->name, "file too short");
  if (memcmp(m, SEG_MAGIC, 8) != 0) return kzi_corrupt(s->name, "bad magic");
  f = m + size - FOOT_SIZE;
  s->version = kzi_get32(m + 8);
  if (s->version < SEG_VERSION_MIN || s->version > SEG_VERSION) {
    uint32_t v = s->version;
    if (v == 0 || v > 100) return kzi_corrupt(s->name, "bad header");
    if (v > SEG_VERSION)
      return kzi_seterr(NULL, KZ_EVERSION,
                        "%s: segment format version %u is newer than this libkz reads "
                        "(versions %d to %d); use a newer libkz",
                        s->name, (unsigned)v, SEG_VERSION_MIN, SEG_VERSION);
    return kzi_seterr(NULL, KZ_EVERSION,
                      "%s: segment format version %u is not supported (this libkz reads "
                      "versions %d to %d; rebuild the corpus)",
                      s->name, (unsigned)v, SEG_VERSION_MIN, SEG_VERSION);
  }
  if (memcmp(f + FOOT_FIELDS + 8, SEG_END, 8) != 0)
    return kzi_corrupt(s->name, "bad end marker (truncated?)");
  if (kzi_crc32c(0, f, FOOT_FIELDS) != kzi_get32(f + FOOT_FIELDS))
    return kzi_corrupt(s->name, "footer checksum mismatch");
  if (verify && kzi_crc32c(0, m, size - 12) != kzi_get32(f + FOOT_FIELDS + 4))
    return kzi_corrupt(s->name, "checksum mismatch");
  for (int i = 0; i < NSEC; i++) {
    off[i] = kzi_get64(f + 16 * i);
    len[i] = kzi_get64(f + 16 * i + 8);
    if (off[i] < HDR_SIZE || off[i] > size - FOOT_SIZE ||
        len[i] > size - FOOT_SIZE - off[i])
      return kzi_corrupt(s->name, "section out of bounds");
    *secp[i] = m + off[i];
    if (lenp[i]) *lenp[i] = (size_t)len[i];
  }
  s->ndocs = kzi_get32(f + NSEC * 16);
  s->nterms = kzi_get32(f + NSEC * 16 + 4);
  s->nblocks = kzi_get32(f + NSEC * 16 + 8);
  s->nsblocks = kzi_get32(f + NSEC * 16 + 12);
  for (int i = 0; i < KZI_NFIELDS; i++) s->total_len[i] = kzi_get64(f + NSEC * 16 + 16 + 8 * i);
  if (len[S_BIDX] != (uint64_t)s->nblocks * 4 ||
      s->nblocks != (s->nterms + BLOCK_TERMS - 1) / BLOCK_TERMS)
    return kzi_corrupt(s->name, "bad dictionary index size");
  if (len[S_COLS] != (uint64_t)s->ndocs * COL_SIZE ||
      len[S_SIDX] != ((uint64_t)s->nsblocks + 1) * SIDX_SIZE ||
      len[S_KEYS] != (uint64_t)s->ndocs * 12 || len[S_KOFF] != ((uint64_t)s->ndocs + 1) * 8 ||
      s->nsblocks > s->ndocs || (s->ndocs && !s->nsblocks))
    return kzi_corrupt(s->name, "bad document section size");
  for (uint32_t i = 0; i < s->nblocks; i++)
    if (kzi_get32(s->bidx + 4 * i) >= s->dict_len ||
        (i && kzi_get32(s->bidx + 4 * i) <= kzi_get32(s->bidx + 4 * (i - 1))))
      return kzi_corrupt(s->name, "bad dictionary block offset");
  /* store block index: first documents strictly increasing from 0,
   * offsets increasing from 0, ending at (ndocs, STORE length) */
  for (uint32_t i = 0; i <= s->nsblocks; i++) {
    const unsigned char *e = s->sidx + (size_t)i * SIDX_SIZE;
    uint32_t d = kzi_get32(e);
    uint64_t o = kzi_get64(e + 4);
    int ok = o <= s->store_len && d <= s->ndocs;
    if (i == 0) ok = ok && d == 0 && o == 0;
    else ok = ok && d > kzi_get32(e - SIDX_SIZE) && o > kzi_get64(e - SIDX_SIZE + 4);
    if (i == s->nsblocks) ok = ok && d == s->ndocs && o == s->store_len;
    if (!ok) return kzi_corrupt(s->name, "bad store block index");
  }
  if (kzi_get64(s->koff) != 0 || kzi_get64(s->koff + 8 * (size_t)s->ndocs) != s->kstr_len)
    return kzi_corrupt(s->name, "bad key offsets");
  /* source table */
  {
    const unsigned char *p = s->srcs, *end = s->srcs + s->srcs_len;
    uint64_t n = kzi_vget(&p, end);
    if (!p || n > s->srcs_len) return kzi_corrupt(s->name, "bad source table");
    s->nsrc = (uint32_t)n;
    s->src_name = calloc(n ? n : 1, sizeof *s->src_name);
    s->src_len = calloc(n ? n : 1, sizeof *s->src_len);
    if (!s->src_name || !s->src_len) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++) {
      uint64_t l = kzi_vget(&p, end);
      if (!p || l > (uint64_t)(end - p)) return kzi_corrupt(s->name, "bad source table");
      s->src_name[i] = (const char *)p;
      s->src_len[i] = (size_t)l;
      p += l;
    }
  }
  return KZ_OK;
}

static kzi_segment *seg_alloc(void) {
  kzi_segment *s = calloc(1, sizeof *s);
  if (s) {
    s->fd = -1;
    pthread_mutex_init(&s->lazy_mu, NULL);
  }
  return s;
}

int kzi_segment_open(kzi_segment **out, const char *dir, const char *name,
                     uint64_t id, int verify) {
  char path[4200];
  struct stat st;
  kzi_segment *s;
  int rc;
  *out = NULL;
  s = seg_alloc();
  if (!s) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  s->id = id;
  snprintf(s->name, sizeof s->name, "%s", name);
  kzi_path(path, sizeof path, dir, name);
  s->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) {
    int e = errno;
    free(s);
    if (e == ENOENT) return kzi_seterr(NULL, KZ_ENOTFOUND, "%s: missing segment file", path);
    return kzi_seterr(NULL, KZ_EIO, "cannot open %s: %s", path, strerror(e));
  }
  if (fstat(s->fd, &st) != 0) {
    rc = kzi_seterr(NULL, KZ_EIO, "cannot stat %s: %s", path, strerror(errno));
    kzi_segment_close(s);
    return rc;
  }
  s->size = (size_t)st.st_size;
  if (s->size < HDR_SIZE + FOOT_SIZE) {
    rc = kzi_corrupt(name, "file too short");
    kzi_segment_close(s);
    return rc;
  }
  s->map = mmap(NULL, s->size, PROT_READ, MAP_SHARED, s->fd, 0);
  if (s->map == MAP_FAILED) {
    s->map = NULL;
    rc = kzi_seterr(NULL, KZ_EIO, "cannot map %s: %s", path, strerror(errno));
    kzi_segment_close(s);
    return rc;
  }
  s->mapped = 1;
  rc = seg_parse(s, verify);
  if (rc) {
    kzi_segment_close(s);
    return rc;
  }
  *out = s;
  return KZ_OK;
}

int kzi_segment_from_memory(kzi_segment **out, const unsigned char *data,
                            size_t n, int verify) {
  kzi_segment *s = seg_alloc();
  int rc;
  *out = NULL;
  if (!s) return KZ_ENOMEM;
  snprintf(s->name, sizeof s->name, "(memory)");
  s->map = data;
  s->size = n;
  rc = seg_parse(s, verify);
  if (rc) {
    kzi_segment_close(s);
    return rc;
  }
  *out = s;
  return KZ_OK;
}

void kzi_segment_close(kzi_segment *s) {
  if (!s) return;
  if (s->mapped && s->map) munmap((void *)s->map, s->size);
  else if (s->owned) free((void *)s->map);
  if (s->fd >= 0) close(s->fd);
  free(s->src_name);
  free(s->src_len);
  free(s->del);
  kzi_entidx_free(s->ent[0]);
  kzi_entidx_free(s->ent[1]);
  free(s->kdir);
  pthread_mutex_destroy(&s->lazy_mu);
  free(s);
}

#define DEL_MAGIC "KZDEL\r\n\x1a"

int kzi_write_deletes(const char *dir, uint64_t id, uint64_t gen,
                      const unsigned char *del, uint32_t ndocs) {
  size_t nb = ((size_t)ndocs + 7) / 8, n = 16 + nb + 4;
  unsigned char *buf = malloc(n);
  char name[64], path[4200];
  int rc;
  if (!buf) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  memcpy(buf, DEL_MAGIC, 8);
  kzi_put32(buf + 8, 1);
  kzi_put32(buf + 12, ndocs);
  memcpy(buf + 16, del, nb);
  kzi_put32(buf + 16 + nb, kzi_crc32c(0, buf, 16 + nb));
  kzi_del_name(name, sizeof name, id, gen);
  kzi_path(path, sizeof path, dir, name);
  rc = kzi_write_file_sync(path, buf, n);
  free(buf);
  return rc;
}

int kzi_segment_load_deletes(kzi_segment *s, const char *dir, uint64_t gen) {
  char name[64], path[4200];
  unsigned char *buf;
  size_t n, nb = ((size_t)s->ndocs + 7) / 8;
  uint32_t cnt = 0;
  int rc;
  kzi_del_name(name, sizeof name, s->id, gen);
  kzi_path(path, sizeof path, dir, name);
  rc = kzi_read_file(path, &buf, &n);
  if (rc) return rc;
  if (n != 16 + nb + 4 || memcmp(buf, DEL_MAGIC, 8) != 0 ||
      kzi_get32(buf + 8) != 1 || kzi_get32(buf + 12) != s->ndocs ||
      kzi_crc32c(0, buf, 16 + nb) != kzi_get32(buf + 16 + nb)) {
    free(buf);
    return kzi_corrupt(name, "bad deletion file (size, header or checksum)");
  }
  memmove(buf, buf + 16, nb);
  if (nb && (s->ndocs & 7)) buf[nb - 1] &= (unsigned char)((1u << (s->ndocs & 7)) - 1);
  for (size_t i = 0; i < nb; i++) cnt += (uint32_t)__builtin_popcount(buf[i]);
  free(s->del);
  s->del = buf;
  s->ndel = cnt;
  s->delgen = gen;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Dictionary
 * --------------------------------------------------------------------- */

static int term_cmp(const char *a, size_t an, const char *b, size_t bn) {
  size_t m = an < bn ? an : bn;
  int c = memcmp(a, b, m);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

static void dict_block_start(kzi_dict_it *it, uint32_t b) {
  const kzi_segment *s = it->s;
  uint32_t off = kzi_get32(s->bidx + 4 * b);
  uint32_t end = b + 1 < s->nblocks ? kzi_get32(s->bidx + 4 * (b + 1)) : (uint32_t)s->dict_len;
  it->block = b;
  it->p = s->dict + off;
  it->end = s->dict + end;
  it->left = s->nterms - b * BLOCK_TERMS;
  if (it->left > BLOCK_TERMS) it->left = BLOCK_TERMS;
  it->prev_off = 0;
  it->term_len = 0;
}

/* Decode the next entry of the current block into it->term / it->t. */
static int dict_decode(kzi_dict_it *it, int first) {
  const unsigned char *p = it->p;
  uint64_t shared, suf, off;
  shared = kzi_vget(&p, it->end);
  suf = kzi_vget(&p, it->end);
  if (!p || shared > it->term_len || (first && shared) || suf > KZI_MAX_KEY ||
      shared + suf > KZI_MAX_KEY || suf > (uint64_t)(it->end - p))
    return it->rc = kzi_corrupt(it->s->name, "bad dictionary entry");
  memcpy(it->term + shared, p, suf);
  it->term_len = (size_t)(shared + suf);
  it->term[it->term_len] = 0;
  p += suf;
  it->t.df = kzi_vget(&p, it->end);
  it->t.cf = kzi_vget(&p, it->end);
  off = kzi_vget(&p, it->end);
  it->t.len = kzi_vget(&p, it->end);
  if (!p) return it->rc = kzi_corrupt(it->s->name, "bad dictionary entry");
  it->t.off = first ? off : it->prev_off + off;
  if (it->t.off < it->prev_off || it->t.off > it->s->post_len ||
      it->t.len > it->s->post_len - it->t.off || it->t.df == 0 ||
      it->t.df > it->s->ndocs)
    return it->rc = kzi_corrupt(it->s->name, "bad postings reference");
  it->prev_off = it->t.off;
  it->p = p;
  it->left--;
  return KZ_OK;
}

int kzi_dict_next(kzi_dict_it *it) {
  if (it->rc) return it->rc;
  if (it->left == 0) {
    if (it->block + 1 >= it->s->nblocks) return it->rc = KZ_ITEROVER;
    dict_block_start(it, it->block + 1);
    return dict_decode(it, 1);
  }
  return dict_decode(it, 0);
}

int kzi_dict_seek(kzi_dict_it *it, const kzi_segment *s, const char *start,
                  size_t n) {
  uint32_t lo = 0, hi;
  memset(it, 0, sizeof *it);
  it->s = s;
  if (s->nblocks == 0) return it->rc = KZ_ITEROVER;
  /* last block whose first key <= start */
  hi = s->nblocks;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    dict_block_start(it, mid);
    if (dict_decode(it, 1)) return it->rc;
    if (term_cmp(it->term, it->term_len, start, n) <= 0) lo = mid;
    else hi = mid;
  }
  dict_block_start(it, lo);
  if (dict_decode(it, 1)) return it->rc;
  while (term_cmp(it->term, it->term_len, start, n) < 0) {
    int rc = kzi_dict_next(it);
    if (rc) return rc;
  }
  return KZ_OK;
}

int kzi_seg_lookup(const kzi_segment *s, const char *term, size_t n,
                   kzi_term *out) {
  kzi_dict_it it;
  int rc = kzi_dict_seek(&it, s, term, n);
  if (rc == KZ_ITEROVER) return KZ_ENOTFOUND;
  if (rc) return rc;
  if (it.term_len != n || memcmp(it.term, term, n) != 0) return KZ_ENOTFOUND;
  *out = it.t;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Postings
 * --------------------------------------------------------------------- */

static int post_bad(kzi_post_it *it, const char *what) {
  it->doc = KZI_NO_DOC;
  return it->rc = kzi_corrupt(it->seg->name, what);
}

/* Read a bound at *p (< end). */
static const unsigned char *bound_get(const unsigned char *p, const unsigned char *end,
                                      kzi_bound *b) {
  unsigned mask;
  if (!p || p >= end) return NULL;
  mask = *p++;
  if (mask == 0 || mask > 15) return NULL;
  b->mask = mask;
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    unsigned np;
    b->np[f] = 0;
    if (!(mask & (1u << f))) continue;
    if (p >= end) return NULL;
    np = *p++;
    if (np == 0 || np > KZI_SKY) return NULL;
    for (unsigned k = 0; k < np; k++) {
      uint64_t fr = kzi_vget(&p, end), ln = kzi_vget(&p, end);
      if (!p || fr == 0 || fr > UINT32_MAX || ln > UINT32_MAX) return NULL;
      b->fr[f][k] = (uint32_t)fr;
      b->ln[f][k] = (uint32_t)ln;
    }
    b->np[f] = (uint8_t)np;
  }
  return p;
}

/* Decode the skip entry at it->sk into the block after the current one. */
static int next_block(kzi_post_it *it) {
  const unsigned char *p = it->sk;
  uint64_t ld, db, pb;
  ld = kzi_vget(&p, it->dbase);
  db = kzi_vget(&p, it->dbase);
  pb = kzi_vget(&p, it->dbase);
  if (!p) return post_bad(it, "bad skip entry");
  if (it->has_bounds && !(p = bound_get(p, it->dbase, &it->bb))) return post_bad(it, "bad block bound");
  it->sk = p;
  if (it->bi == UINT32_MAX) { /* the first block */
    it->bi = 0;
    it->b_prev = UINT32_MAX;
    it->b_d = it->dbase;
    it->b_p = it->pbase;
    if (ld >= it->seg->ndocs) return post_bad(it, "bad skip entry");
    it->b_last = (uint32_t)ld;
  } else {
    it->bi++;
    it->b_prev = it->b_last;
    it->b_d = it->b_de;
    it->b_p = it->b_pe;
    if (ld == 0 || ld >= it->seg->ndocs - (uint64_t)it->b_last)
      return post_bad(it, "bad skip entry");
    it->b_last += (uint32_t)ld;
  }
  if (db > (uint64_t)(it->dend - it->b_d) || pb > (uint64_t)(it->pend - it->b_p) || db == 0)
    return post_bad(it, "bad skip entry");
  it->b_de = it->b_d + db;
  it->b_pe = it->b_p + pb;
  return KZ_OK;
}

int kzi_post_init(kzi_post_it *it, const kzi_segment *s, const kzi_term *t) {
  const unsigned char *p = s->post + t->off, *end = p + t->len;
  uint64_t hdr, nblk, skiplen = 0, doclen;
  memset(it, 0, sizeof *it);
  it->seg = s;
  it->doc = KZI_NO_DOC;
  it->df = t->df;
  hdr = kzi_vget(&p, end);
  nblk = hdr >> 1;
  it->has_bounds = (int)(hdr & 1);
  if (!p || nblk == 0 || nblk > t->df || nblk != (t->df + KZI_BLOCK_DOCS - 1) / KZI_BLOCK_DOCS)
    return post_bad(it, "bad postings header");
  if (it->has_bounds && !(p = bound_get(p, end, &it->tb))) return post_bad(it, "bad term bound");
  if (nblk > 1) skiplen = kzi_vget(&p, end);
  doclen = kzi_vget(&p, end);
  if (!p || skiplen > (uint64_t)(end - p) || doclen > (uint64_t)(end - p) - skiplen || doclen == 0)
    return post_bad(it, "bad postings header");
  it->nblk = (uint32_t)nblk;
  it->sk = p;
  it->dbase = p + skiplen;
  it->dend = it->dbase + doclen;
  it->pbase = it->dend;
  it->pend = end;
  it->bb = it->tb;
  if (nblk > 1) {
    it->bi = UINT32_MAX;
    if (next_block(it)) return it->rc;
  } else {
    it->bi = 0;
    it->b_prev = UINT32_MAX;
    it->b_last = s->ndocs ? s->ndocs - 1 : 0;
    it->b_d = it->dbase;
    it->b_de = it->dend;
    it->b_p = it->pbase;
    it->b_pe = it->pend;
  }
  it->p = it->b_d;
  it->pp = it->b_p;
  it->last = it->b_prev;
  return KZ_OK;
}

void kzi_post_free(kzi_post_it *it) {
  free(it->bpos);
  it->bpos = NULL;
  it->bpos_cap = 0;
  it->bpos_bi = 0;
}

uint32_t kzi_post_shallow(kzi_post_it *it, uint32_t target) {
  if (it->rc) return KZI_NO_DOC;
  if (it->b_last >= target || it->bi + 1 >= it->nblk) return it->b_last;
  while (it->b_last < target && it->bi + 1 < it->nblk)
    if (next_block(it)) return KZI_NO_DOC;
  it->jump = 1;
  return it->b_last;
}

int kzi_post_next_slow(kzi_post_it *it) {
  const unsigned char *p;
  uint64_t v, d;
  unsigned mask;
  if (it->rc) return it->rc;
  if (it->started && it->doc == KZI_NO_DOC) return KZ_OK; /* at end */
  if (it->jump) {
    it->jump = 0;
    it->p = it->b_d;
    it->pp = it->b_p;
    it->pskip = 0;
    it->ppidx = 0;
    it->last = it->b_prev;
  } else if (it->started) {
    it->pskip += it->nfreq;
  }
  it->started = 1;
  while (it->p >= it->b_de) {
    if (it->p != it->b_de) return post_bad(it, "postings overrun a block");
    if (it->bi + 1 >= it->nblk) {
      it->doc = KZI_NO_DOC;
      it->nfreq = 0;
      return KZ_OK;
    }
    if (next_block(it)) return it->rc;
    it->p = it->b_d;
    it->pp = it->b_p;
    it->pskip = 0;
    it->ppidx = 0;
    if (it->last != it->b_prev) return post_bad(it, "skip entry disagrees with postings");
  }
  p = it->p;
  v = kzi_vget(&p, it->b_de);
  if (!p) return post_bad(it, "bad postings entry");
  mask = (unsigned)(v & 15);
  d = (v >> 4) + (it->last == UINT32_MAX ? 0 : (uint64_t)it->last + 1);
  if (d > it->b_last || d >= it->seg->ndocs) return post_bad(it, "bad postings entry");
  it->nfreq = 0;
  if (mask == 1u << 1 && p < it->b_de && *p < 0x80) { /* the common case: body only */
    it->freq[0] = it->freq[2] = it->freq[3] = 0;
    it->freq[1] = *p++;
    if (!it->freq[1]) return post_bad(it, "bad postings entry");
    it->nfreq = it->freq[1];
  } else {
    for (unsigned f = 0; f < KZI_NFIELDS; f++) {
      it->freq[f] = 0;
      if (mask & (1u << f)) {
        uint64_t fr = kzi_vget(&p, it->b_de);
        if (!p || fr == 0 || fr > UINT32_MAX - it->nfreq) return post_bad(it, "bad postings entry");
        it->freq[f] = (uint32_t)fr;
        it->nfreq += (uint32_t)fr;
      }
    }
  }
  it->mask = mask;
  it->p = p;
  it->doc = it->last = (uint32_t)d;
  return KZ_OK;
}

int kzi_post_scan(kzi_post_it *it, uint32_t target) {
  const unsigned char *p = it->p, *end = it->b_de;
  uint64_t skip = it->pskip + it->nfreq;
  uint32_t last = it->last, fr = 0;
  int moved = 0;
  /* the common entries (one field, a one- or two-byte document code, a
   * one-byte frequency) with the cursor in registers; anything else, and
   * the last bytes of the block, by kzi_post_next() */
  while (end - p >= 3) {
    const unsigned char *q = p + 1;
    uint32_t v = p[0];
    uint64_t d;
    unsigned mask;
    if (v >= 0x80) {
      if (p[1] >= 0x80) break;
      v = (v & 0x7F) | (uint32_t)p[1] << 7;
      q = p + 2;
    }
    mask = v & 15;
    if (!mask || (mask & (mask - 1)) || !*q || *q >= 0x80) break;
    d = (uint64_t)last + 1 + (v >> 4);
    if (d > it->b_last) break;
    if (d >= target) {
      it->pskip = skip;
      it->freq[0] = it->freq[1] = it->freq[2] = it->freq[3] = 0;
      it->freq[__builtin_ctz(mask)] = it->nfreq = *q;
      it->mask = mask;
      it->p = q + 1;
      it->doc = it->last = (uint32_t)d;
      return KZ_OK;
    }
    fr = *q;
    skip += fr;
    last = (uint32_t)d;
    p = q + 1;
    moved = 1;
  }
  if (moved) { /* on the last entry passed (its fields are not needed) */
    it->p = p;
    it->pskip = skip - fr;
    it->nfreq = fr;
    it->doc = it->last = last;
  }
  do {
    if (kzi_post_next(it)) return it->rc;
  } while (it->doc < target);
  return KZ_OK;
}

int kzi_post_advance_slow(kzi_post_it *it, uint32_t target) {
  if (it->rc) return it->rc;
  if (it->started && (it->doc == KZI_NO_DOC || it->doc >= target)) return KZ_OK;
  if (target > it->b_last && it->bi + 1 < it->nblk) {
    kzi_post_shallow(it, target);
    if (it->rc) return it->rc;
  }
  do {
    if (kzi_post_next(it)) return it->rc;
  } while (it->doc < target);
  return KZ_OK;
}

/* Move it->pp to the current document's positions. */
static int pos_sync(kzi_post_it *it) {
  const unsigned char *p = it->pp, *end = it->b_pe;
  uint64_t k = it->pskip;
  if (it->doc == KZI_NO_DOC || !it->started) return KZ_ITEROVER;
  it->ppidx += k;
  if (k) {
    /* whole words may stop inside a varint: skip to the last terminal byte
     * counted, then byte by byte */
    while (k >= 8 && end - p >= 8) {
      uint64_t w, t;
      unsigned c;
      memcpy(&w, p, 8);
      t = ~w & 0x8080808080808080ull;
      c = (unsigned)(((t >> 7) * 0x0101010101010101ull) >> 56); /* bytes set */
      if (c > k || c == 0) break;
      /* consume up to and including the last terminal byte of the word */
      k -= c;
      p += (64 - (unsigned)__builtin_clzll(t)) >> 3;
    }
    while (k) {
      if (p >= end) return post_bad(it, "bad positions");
      k -= !(*p++ & 0x80);
    }
  }
  it->pp = p;
  it->pskip = 0;
  return KZ_OK;
}

int kzi_post_positions(kzi_post_it *it, unsigned f, uint32_t **out, size_t *cap, size_t *n) {
  const unsigned char *p, *end = it->b_pe;
  int rc;
  *n = 0;
  if (it->rc) return it->rc;
  if (!(it->mask & (1u << f))) return KZ_OK;
  if ((rc = pos_sync(it))) return rc == KZ_ITEROVER ? KZ_OK : rc;
  p = it->pp;
  for (unsigned g = 0; g < f; g++)
    if (it->mask & (1u << g))
      for (uint32_t k = it->freq[g]; k;) {
        if (p >= end) return post_bad(it, "bad positions");
        k -= !(*p++ & 0x80);
      }
  /* each position takes a byte at least: a larger count is damage, not
   * a reason to allocate */
  if (it->freq[f] > (size_t)(end - p)) return post_bad(it, "bad positions");
  if (it->freq[f] > *cap) {
    uint32_t *np = realloc(*out, it->freq[f] * sizeof **out);
    if (!np) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    *out = np;
    *cap = it->freq[f];
  }
  {
    uint64_t prev = 0;
    uint32_t *o = *out, fr = it->freq[f];
    for (uint32_t i = 0; i < fr; i++) {
      uint64_t d;
      if (p < end && *p < 0x80) { /* one byte: the usual */
        d = *p++;
      } else {
        d = kzi_vget(&p, end);
        if (!p) return post_bad(it, "bad positions");
      }
      if (i && d == 0) return post_bad(it, "bad positions");
      prev += d;
      if (prev >= UINT32_MAX) return post_bad(it, "bad positions");
      o[i] = (uint32_t)prev;
    }
    *n = fr;
  }
  return KZ_OK;
}

/* Decode every position varint of the current block into it->bpos. */
static int pos_block(kzi_post_it *it) {
  const unsigned char *p = it->b_p, *end = it->b_pe;
  size_t n = 0, max = (size_t)(end - p) + 8; /* 8 spare: see below */
  uint32_t *o;
  if (max > it->bpos_cap) {
    size_t nc = it->bpos_cap ? it->bpos_cap : 256;
    uint32_t *nv;
    while (nc < max) nc *= 2;
    if (!(nv = realloc(it->bpos, nc * sizeof *nv)))
      return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    it->bpos = nv;
    it->bpos_cap = nc;
  }
  o = it->bpos;
  /* Nearly all are one byte: 8 bytes at a time are stored as 8 values, of
   * which those before the first longer varint are kept; that one is then
   * decoded alone. */
  while (end - p >= 8) {
    uint64_t w, c;
    unsigned k;
    w = kzi_get64(p);
    for (unsigned i = 0; i < 8; i++) o[n + i] = (uint32_t)(w >> (8 * i)) & 0xFF;
    c = w & 0x8080808080808080ull;
    k = c ? (unsigned)__builtin_ctzll(c) >> 3 : 8;
    n += k;
    p += k;
    if (k < 8) {
      uint64_t d = kzi_vget(&p, end);
      if (!p || d >= UINT32_MAX) return post_bad(it, "bad positions");
      o[n++] = (uint32_t)d;
    }
  }
  while (p < end) {
    uint64_t d = kzi_vget(&p, end);
    if (!p || d >= UINT32_MAX) return post_bad(it, "bad positions");
    o[n++] = (uint32_t)d;
  }
  memset(o + n, 0, 8 * sizeof *o); /* readable past a slice (kzi_post_deltas) */
  it->bpos_n = n;
  it->bpos_bi = it->bi + 1;
  return KZ_OK;
}

int kzi_post_deltas_slow(kzi_post_it *it, unsigned f, const uint32_t **v, uint32_t *n) {
  uint64_t at;
  int rc;
  *v = NULL;
  *n = 0;
  if (it->rc) return it->rc;
  if (it->doc == KZI_NO_DOC || !it->started || f >= KZI_NFIELDS) return KZ_OK;
  if (it->bpos_bi != it->bi + 1 && (rc = pos_block(it))) return rc;
  at = it->ppidx + it->pskip;
  for (unsigned g = 0; g < f; g++) at += it->freq[g];
  if (at > it->bpos_n || it->freq[f] > it->bpos_n - at) return post_bad(it, "bad positions");
  *v = it->bpos + at;
  *n = it->freq[f];
  return KZ_OK;
}

int kzi_post_rawpos(kzi_post_it *it, const unsigned char **pos, size_t *len) {
  const unsigned char *p;
  uint64_t k;
  int rc;
  *pos = NULL;
  *len = 0;
  if (it->rc) return it->rc;
  if (!it->nfreq) return KZ_OK;
  if ((rc = pos_sync(it))) return rc == KZ_ITEROVER ? KZ_OK : rc;
  p = it->pp;
  for (k = it->nfreq; k;) {
    if (p >= it->b_pe) return post_bad(it, "bad positions");
    k -= !(*p++ & 0x80);
  }
  *pos = it->pp;
  *len = (size_t)(p - it->pp);
  return KZ_OK;
}

/* Decode the entries of the current block into b. */
static int blk_load(kzi_post_it *it, kzi_post_blk *b) {
  const unsigned char *p = it->b_d, *end = it->b_de;
  uint64_t last = it->b_prev == UINT32_MAX ? 0 : (uint64_t)it->b_prev + 1, cum = 0;
  uint64_t max = it->b_last < it->seg->ndocs ? it->b_last : (uint64_t)it->seg->ndocs - 1;
  uint32_t n = 0;
  b->bi = 0;
  if (it->seg->ndocs == 0) return post_bad(it, "bad postings entry");
  while (p < end) {
    uint64_t v, d;
    unsigned mask;
    uint32_t nf = 0;
    if (n >= KZI_BLOCK_DOCS) return post_bad(it, "postings overrun a block");
    if (p[0] < 0x80) {
      v = *p++;
    } else if (end - p >= 2 && p[1] < 0x80) {
      v = (p[0] & 0x7Fu) | (uint32_t)p[1] << 7;
      p += 2;
    } else {
      v = kzi_vget(&p, end);
      if (!p) return post_bad(it, "bad postings entry");
    }
    mask = (unsigned)(v & 15);
    d = (v >> 4) + last;
    if (d > max) return post_bad(it, "bad postings entry");
    if (mask == 1u << 1 && p < end && *p < 0x80 && *p) { /* the common case: body only */
      nf = *p++;
    } else {
      for (unsigned m = mask; m; m &= m - 1) {
        uint64_t fr;
        if (p < end && *p < 0x80) fr = *p++;
        else fr = kzi_vget(&p, end);
        if (!p || fr == 0 || fr > UINT32_MAX - nf) return post_bad(it, "bad postings entry");
        nf += (uint32_t)fr;
      }
    }
    b->doc[n] = (uint32_t)d;
    b->eoff[n] = (uint32_t)(p - it->b_d);
    b->cum[n] = cum;
    cum += nf;
    last = d + 1;
    n++;
  }
  if (n == 0) return post_bad(it, "bad postings entry");
  if (it->bi + 1 < it->nblk && b->doc[n - 1] != it->b_last)
    return post_bad(it, "skip entry disagrees with postings");
  b->cum[n] = cum;
  b->n = n;
  b->bi = it->bi + 1;
  return KZ_OK;
}

int kzi_post_blk_seek(kzi_post_it *it, kzi_post_blk *b, uint32_t target, uint32_t *idx) {
  int rc;
  if (it->rc) return it->rc;
  for (;;) {
    uint32_t lo = 0, hi;
    while (it->b_last < target) {
      if (it->bi + 1 >= it->nblk) return KZ_ITEROVER;
      if (next_block(it)) return it->rc;
      it->pp = it->b_p;
      it->ppidx = 0;
      it->pskip = 0;
      it->nfreq = 0;
    }
    if (b->bi != it->bi + 1 && (rc = blk_load(it, b))) return rc;
    hi = b->n;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (b->doc[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    if (lo < b->n) {
      *idx = lo;
      return KZ_OK;
    }
    /* only the last block's bound is not its last entry */
    if (it->bi + 1 >= it->nblk || it->b_last == UINT32_MAX) return KZ_ITEROVER;
    target = it->b_last + 1;
  }
}

void kzi_post_blk_set(kzi_post_it *it, const kzi_post_blk *b, uint32_t i) {
  const unsigned char *p = it->b_d + (i ? b->eoff[i - 1] : 0), *end = it->b_d + b->eoff[i];
  uint64_t at = b->cum[i];
  size_t len = (size_t)(end - p);
  unsigned mask = p[0] & 15;
  /* (checked by blk_load()) a code of one or two bytes and one byte more:
   * one field, a one-byte frequency */
  if ((len == 2 && p[0] < 0x80) || (len == 3 && p[0] >= 0x80 && p[1] < 0x80)) {
    it->freq[0] = it->freq[1] = it->freq[2] = it->freq[3] = 0;
    it->freq[__builtin_ctz(mask | 8)] = end[-1];
  } else {
    mask = (unsigned)(kzi_vget(&p, end) & 15);
    for (unsigned f = 0; f < KZI_NFIELDS; f++)
      it->freq[f] = mask & (1u << f) ? (uint32_t)kzi_vget(&p, end) : 0;
  }
  it->started = 1;
  it->jump = 0;
  it->doc = it->last = b->doc[i];
  it->mask = mask;
  it->nfreq = (uint32_t)(b->cum[i + 1] - at);
  it->p = it->b_d + b->eoff[i];
  if (at < it->ppidx) {
    it->pp = it->b_p;
    it->ppidx = 0;
  }
  it->pskip = at - it->ppidx;
}

void kzi_post_blk_freqs(const kzi_post_it *it, const kzi_post_blk *b, uint32_t i,
                        uint32_t freq[KZI_NFIELDS]) {
  const unsigned char *p = it->b_d + (i ? b->eoff[i - 1] : 0), *end = it->b_d + b->eoff[i];
  unsigned mask = (unsigned)(kzi_vget(&p, end) & 15); /* checked by blk_load() */
  for (unsigned f = 0; f < KZI_NFIELDS; f++)
    freq[f] = mask & (1u << f) && p ? (uint32_t)kzi_vget(&p, end) : 0;
}

int kzi_post_blk_deltas_slow(kzi_post_it *it, const kzi_post_blk *b, uint32_t i,
                             const uint32_t **v, uint32_t *n) {
  uint64_t at, k;
  int rc;
  *v = NULL;
  *n = 0;
  if (it->rc) return it->rc;
  if (!b->bi || b->bi != it->bi + 1 || i >= b->n) return post_bad(it, "bad block state");
  if (it->bpos_bi != b->bi && (rc = pos_block(it))) return rc;
  at = b->cum[i];
  k = b->cum[i + 1] - at;
  if (at > it->bpos_n || k > it->bpos_n - at) return post_bad(it, "bad positions");
  *v = it->bpos + at;
  *n = (uint32_t)k;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Documents
 * --------------------------------------------------------------------- */

int kzi_seg_cols(const kzi_segment *s, uint32_t doc, kzi_cols *out) {
  const unsigned char *p;
  if (doc >= s->ndocs) return kzi_corrupt(s->name, "document number out of range");
  p = s->cols + (size_t)doc * COL_SIZE;
  out->date = (int32_t)kzi_get32(p);
  out->src = kzi_get32(p + 4);
  for (int f = 0; f < KZI_NFIELDS; f++) out->len[f] = kzi_get32(p + 8 + 4 * f);
  return KZ_OK;
}

int kzi_seg_key(const kzi_segment *s, uint32_t doc, const char **key, size_t *n) {
  uint64_t a, b;
  if (doc >= s->ndocs) return kzi_corrupt(s->name, "document number out of range");
  a = kzi_get64(s->koff + 8 * (size_t)doc);
  b = kzi_get64(s->koff + 8 * ((size_t)doc + 1));
  if (a > b || b > s->kstr_len) return kzi_corrupt(s->name, "bad key offset");
  *key = (const char *)s->kstr + a;
  *n = (size_t)(b - a);
  return KZ_OK;
}

void kzi_storebuf_free(kzi_storebuf *sb) {
  kzi_buf_free(&sb->buf);
  memset(sb, 0, sizeof *sb);
}

/* Decode store block b of s into sb (unless it is there already). */
uint32_t kzi_seg_store_block_of(const kzi_segment *s, uint32_t doc) {
  uint32_t lo = 0, hi = s->nsblocks; /* the last block whose first doc <= doc */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (kzi_get32(s->sidx + (size_t)mid * SIDX_SIZE) <= doc) lo = mid;
    else hi = mid;
  }
  return lo;
}

int kzi_seg_store_block(const kzi_segment *s, uint32_t b, kzi_storeblk *out) {
  const unsigned char *e = s->sidx + (size_t)b * SIDX_SIZE, *p, *end;
  uint64_t raw;
  p = s->store + kzi_get64(e + 4);
  end = s->store + kzi_get64(e + SIDX_SIZE + 4);
  raw = kzi_vget(&p, end);
  if (!p || p >= end || raw > ((uint64_t)1 << 31))
    return kzi_corrupt(s->name, "bad document store block");
  if (*p > 1) return kzi_corrupt(s->name, "unknown document store method");
  out->compressed = *p++;
  out->src = p;
  out->srclen = (size_t)(end - p);
  out->raw = (size_t)raw;
  if (out->compressed ? raw > 255 * (uint64_t)out->srclen + 64 : raw != out->srclen)
    return kzi_corrupt(s->name, "bad document store block");
  out->first = kzi_get32(e);
  out->ndocs = kzi_get32(e + SIDX_SIZE) - out->first;
  return KZ_OK;
}

static int store_block(const kzi_segment *s, uint32_t b, kzi_storebuf *sb) {
  kzi_storeblk k;
  int rc;
  if (sb->valid && sb->seg == s && sb->block == b) return KZ_OK;
  sb->valid = 0;
  if ((rc = kzi_seg_store_block(s, b, &k)) != KZ_OK) return rc;
  sb->buf.n = 0;
  if (!k.compressed) {
    if (kzi_buf_append(&sb->buf, k.src, k.raw)) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  } else {
    if (kzi_buf_reserve(&sb->buf, k.raw)) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    if (kzi_lz_decompress(k.src, k.srclen, (unsigned char *)sb->buf.p, k.raw))
      return kzi_corrupt(s->name, "bad compressed document store block");
    sb->buf.n = k.raw;
  }
  sb->seg = s;
  sb->block = b;
  sb->first = k.first;
  sb->next_doc = sb->first;
  sb->next_off = 0;
  sb->valid = 1;
  return KZ_OK;
}

int kzi_seg_stored(const kzi_segment *s, uint32_t doc, kzi_stored *out, kzi_storebuf *sb) {
  uint32_t lo = 0;
  const unsigned char *base, *p, *end;
  int rc;
  if (doc >= s->ndocs) return kzi_corrupt(s->name, "document number out of range");
  rc = kzi_seg_key(s, doc, &out->f[KZ_FIELD_KEY], &out->n[KZ_FIELD_KEY]);
  if (rc) return rc;
  if (sb->valid && sb->seg == s && doc >= sb->first &&
      doc < kzi_get32(s->sidx + ((size_t)sb->block + 1) * SIDX_SIZE)) {
    lo = sb->block;
  } else {
    lo = kzi_seg_store_block_of(s, doc);
  }
  rc = store_block(s, lo, sb);
  if (rc) return rc;
  base = (const unsigned char *)sb->buf.p;
  end = base + sb->buf.n;
  /* continue from the last record read when going forward */
  if (doc >= sb->next_doc) {
    p = base + sb->next_off;
  } else {
    p = base;
    sb->next_doc = sb->first;
  }
  out->f[KZI_FIELD_LAYOUT] = ""; /* (format 2) */
  out->n[KZI_FIELD_LAYOUT] = 0;
  for (uint32_t d = sb->next_doc;; d++) {
    for (int i = 0; i < KZI_STORED_FIELDS; i++) {
      uint64_t l;
      if (!kzi_record_has(s->version, i)) continue;
      l = kzi_vget(&p, end);
      if (!p || l > (uint64_t)(end - p)) return kzi_corrupt(s->name, "bad document record");
      out->f[i] = (const char *)p;
      out->n[i] = (size_t)l;
      p += l;
    }
    if (d == doc) break;
  }
  sb->next_doc = doc + 1;
  sb->next_off = (size_t)(p - base);
  return KZ_OK;
}

/* A key table's directory: the hashes are uniform, so their top `bits`
 * bits split the table into buckets of about four entries; dir[b] is the
 * number of entries whose top bits are below b (in a sorted table: where
 * bucket b starts).  A lookup then reads one directory entry and one or
 * two lines of the table, where bisection of the whole table touches
 * log2(ndocs) entries, its last ten or so cache misses far apart
 * (bench/bench_keys.c).  Counting makes the bounds monotone and within
 * the table even when a damaged table is not sorted.  0 bits: no
 * directory (small tables); NULL: out of memory. */
uint32_t *kzi_key_dir(const unsigned char *keys, size_t n, unsigned *bits) {
  unsigned b = 0;
  uint32_t *d;
  size_t nb;
  *bits = 0;
  if (n < KZI_KEY_DIR_MIN) return NULL;
  while (b < 26 && ((size_t)4 << (b + 1)) <= n) b++; /* 2^b buckets of about 4 */
  nb = (size_t)1 << b;
  d = calloc(nb + 1, sizeof *d);
  if (!d) return NULL;
  *bits = b;
  for (size_t i = 0; i < n; i++) d[(kzi_get64(keys + 12 * i) >> (64 - b)) + 1]++;
  for (size_t i = 0; i < nb; i++) d[i + 1] += d[i];
  return d;
}

/* The first of the n entries of a key table (12 bytes each: u64 hash, u32
 * document; sorted by hash) whose hash is >= h, within the bucket of its
 * directory `dir` (kzi_key_dir(); NULL: the whole table). */
size_t kzi_key_lower_bound(const unsigned char *keys, size_t n, const uint32_t *dir,
                           unsigned bits, uint64_t h) {
  size_t lo = 0, hi = n;
  if (dir) {
    size_t b = (size_t)(h >> (64 - bits));
    lo = dir[b];
    hi = dir[b + 1];
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (kzi_get64(keys + 12 * mid) < h) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* s's key directory, built on first use (under lazy_mu; published with a
 * release store, so a lookup reads it without the lock). */
static const uint32_t *seg_key_dir(kzi_segment *s, unsigned *bits) {
  uint32_t *d = __atomic_load_n(&s->kdir, __ATOMIC_ACQUIRE);
  if (!d && s->ndocs >= KZI_KEY_DIR_MIN) {
    pthread_mutex_lock(&s->lazy_mu);
    d = s->kdir;
    if (!d) {
      unsigned b;
      d = kzi_key_dir(s->keys, s->ndocs, &b);
      if (d) {
        s->kdir_bits = b;
        __atomic_store_n(&s->kdir, d, __ATOMIC_RELEASE);
      }
    }
    pthread_mutex_unlock(&s->lazy_mu);
  }
  *bits = d ? s->kdir_bits : 0;
  return d;
}

int kzi_seg_find_key(kzi_segment *s, const char *key, size_t n, uint32_t *doc) {
  return kzi_seg_find_key_h(s, key, n, kzi_hash64(key, n), NULL, NULL, doc);
}

int kzi_seg_find_key_h(kzi_segment *s, const char *key, size_t n, uint64_t h,
                       int (*deleted)(const void *p, uint32_t doc), const void *p,
                       uint32_t *doc) {
  unsigned bits;
  const uint32_t *dir = seg_key_dir(s, &bits);
  size_t lo = kzi_key_lower_bound(s->keys, s->ndocs, dir, bits, h);
  for (; lo < s->ndocs && kzi_get64(s->keys + 12 * lo) == h; lo++) {
    uint32_t d = kzi_get32(s->keys + 12 * lo + 8);
    const char *k = NULL;
    size_t kn = 0;
    int rc = kzi_seg_key(s, d, &k, &kn);
    if (rc) return rc;
    if (kn == n && memcmp(k, key, n) == 0 &&
        !(deleted ? deleted(p, d) : kzi_seg_deleted(s, d))) {
      *doc = d;
      return KZ_OK;
    }
  }
  return KZ_ENOTFOUND;
}

/* =====================================================================
 * Writing
 * ===================================================================== */

typedef struct srcent { uint64_t h; uint32_t id; } srcent;

struct kzi_segw {
  char path[4200];
  char name[64];
  int fd;
  int rc;
  uint64_t written;   /* bytes in the file so far */
  uint32_t crc;
  kzi_buf out;        /* write buffer */
  /* sections */
  uint64_t off[NSEC], len[NSEC];
  int cur;            /* streaming section open (S_POST, S_STORE) or -1 */
  unsigned done;      /* bit per streaming section already closed */
  kzi_buf dict, bidx, cols, sidx, keys, srcs, koff, kstr;
  kzi_buf dstream, pstream, skips, head; /* postings of one term */
  kzi_buf blk, lz;    /* store block being filled, its compressed form */
  uint32_t blk_first, nsblocks;
  uint32_t nterms, ndocs;
  char last[KZI_MAX_KEY + 8]; size_t last_len;
  uint64_t prev_off;
  uint64_t total_len[KZI_NFIELDS];
  /* field lengths for the bounds, saturated at 65535 (shorter lengths only
   * raise a bound): 8 bytes a document stay in cache where 24-byte columns
   * would not */
  uint16_t (*lens)[KZI_NFIELDS]; uint32_t nlens;
  /* sources */
  srcent *stab; size_t scap, nsrc;
  kzi_buf srcnames;   /* concatenated, for equality checks */
  uint64_t *srcoff;   /* offset of each name in srcnames (nsrc + 1) */
};

static int w_enter(kzi_segw *w, int sec);

/* Write p[0..n) at the end of the file, counted in the file's CRC. */
static void w_write(kzi_segw *w, const char *p, size_t n) {
  w->crc = kzi_crc32c(w->crc, p, n);
  w->written += n;
  while (n) {
    ssize_t r = write(w->fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      w->rc = kzi_seterr(NULL, KZ_EIO, "cannot write %s: %s", w->path, strerror(errno));
      return;
    }
    p += r;
    n -= (size_t)r;
  }
}

static void w_flush(kzi_segw *w) {
  if (w->rc || !w->out.n) return;
  w_write(w, w->out.p, w->out.n);
  w->out.n = 0;
}

#define OUT_BUF (1u << 20)

static void w_put(kzi_segw *w, const void *data, size_t n) {
  if (w->rc || !n) return; /* n == 0: data may be NULL (an empty section) */
  if (w->out.n + n > OUT_BUF) w_flush(w);
  if (w->rc) return;
  if (n > OUT_BUF) { /* large block: write through */
    w_write(w, data, n);
    return;
  }
  /* the buffer is reserved at open (huge pages: fewer page faults) */
  memcpy(w->out.p + w->out.n, data, n);
  w->out.n += n;
}

static uint64_t w_pos(const kzi_segw *w) { return w->written + w->out.n; }

int kzi_segw_open(kzi_segw **out, const char *dir, uint64_t id) {
  kzi_segw *w = calloc(1, sizeof *w);
  unsigned char hdr[HDR_SIZE];
  *out = NULL;
  if (!w) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  kzi_seg_name(w->name, sizeof w->name, id);
  kzi_path(w->path, sizeof w->path, dir, w->name);
  w->fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd < 0) {
    int rc = kzi_seterr(NULL, KZ_EIO, "cannot create %s: %s", w->path, strerror(errno));
    free(w);
    return rc;
  }
  /* the sections built in memory grow with the segment: huge pages */
  w->dict.big = w->cols.big = w->keys.big = w->koff.big = w->kstr.big = w->sidx.big = 1;
  w->dstream.big = w->pstream.big = w->skips.big = 1;
  if (kzi_big_reserve(&w->out, OUT_BUF)) {
    kzi_segw_abort(w);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  memcpy(hdr, SEG_MAGIC, 8);
  kzi_put32(hdr + 8, SEG_VERSION);
  kzi_put32(hdr + 12, 0);
  w_put(w, hdr, sizeof hdr);
  w->cur = -1;
  *out = w;
  return w->rc;
}

void kzi_segw_lengths(kzi_segw *w, const kzi_cols *cols, uint32_t ndocs) {
  free(w->lens);
  w->lens = malloc(((size_t)ndocs + 1) * sizeof *w->lens);
  w->nlens = ndocs;
  if (!w->lens) {
    if (!w->rc) w->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    return;
  }
  for (uint32_t d = 0; d < ndocs; d++)
    for (int f = 0; f < KZI_NFIELDS; f++)
      w->lens[d][f] = (uint16_t)(cols[d].len[f] < 65535 ? cols[d].len[f] : 65535);
}

/* A skyline being built: up to SKY_BUILD points per field. */
#define SKY_BUILD 16
typedef struct sky {
  unsigned mask;
  uint8_t n[KZI_NFIELDS];
  uint32_t fr[KZI_NFIELDS][SKY_BUILD], ln[KZI_NFIELDS][SKY_BUILD];
} sky;

/* Merge the adjacent points of field f whose merge loses least, until
 * at most `max` are left.  Points are sorted by length and frequency; the
 * merge of i and i + 1 is (frequency of i + 1, length of i), which
 * dominates both. */
static void sky_reduce(sky *s, unsigned f, unsigned max) {
  while (s->n[f] > max) {
    unsigned best = 0;
    double bestc = 1e300;
    for (unsigned i = 0; i + 1 < s->n[f]; i++) {
      /* cost: how much the merged point overstates the pair */
      double c = ((double)s->fr[f][i + 1] - s->fr[f][i]) / s->fr[f][i + 1] +
                 ((double)s->ln[f][i + 1] - s->ln[f][i]) / ((double)s->ln[f][i + 1] + 1);
      if (c < bestc) {
        bestc = c;
        best = i;
      }
    }
    s->fr[f][best] = s->fr[f][best + 1];
    memmove(&s->fr[f][best + 1], &s->fr[f][best + 2], (s->n[f] - best - 2) * sizeof s->fr[f][0]);
    memmove(&s->ln[f][best + 1], &s->ln[f][best + 2], (s->n[f] - best - 2) * sizeof s->ln[f][0]);
    s->n[f]--;
  }
}

/* Empty s (the points past n are never read). */
static inline void sky_clear(sky *s) {
  s->mask = 0;
  memset(s->n, 0, sizeof s->n);
}

/* Add a document's (frequency, length) for each field in mask. */
static void sky_add(sky *s, unsigned mask, const uint32_t *freq, const uint16_t *len) {
  s->mask |= mask;
  for (; mask; mask &= mask - 1) {
    unsigned f = (unsigned)__builtin_ctz(mask), n, i, w;
    uint32_t fr = freq[f], ln = len[f];
    n = s->n[f];
    if (n && fr <= s->fr[f][0] && ln >= s->ln[f][0]) continue; /* the usual: dominated */
    /* points are sorted by length and frequency; i: the first no shorter.
     * Dominated (a point has a frequency as high and a field as short)? */
    for (i = 0; i < n && s->ln[f][i] < ln; i++) {}
    if ((i > 0 && s->fr[f][i - 1] >= fr) || (i < n && s->ln[f][i] == ln && s->fr[f][i] >= fr))
      continue;
    /* the points it dominates (no shorter, frequency <= fr) are [i, w) */
    for (w = i; w < n && s->fr[f][w] <= fr; w++) {}
    memmove(&s->fr[f][i + 1], &s->fr[f][w], (n - w) * sizeof s->fr[f][0]);
    memmove(&s->ln[f][i + 1], &s->ln[f][w], (n - w) * sizeof s->ln[f][0]);
    s->fr[f][i] = fr;
    s->ln[f][i] = ln;
    s->n[f] = (uint8_t)(n - (w - i) + 1);
    if (s->n[f] == SKY_BUILD) sky_reduce(s, f, SKY_BUILD / 2);
  }
}

/* Add the points of x to s (the union's skyline). */
static void sky_union(sky *s, const sky *x) {
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    uint32_t one[KZI_NFIELDS] = {0};
    uint16_t len[KZI_NFIELDS] = {0};
    if (!(x->mask & (1u << f))) continue;
    for (unsigned k = 0; k < x->n[f]; k++) {
      one[f] = x->fr[f][k];
      len[f] = (uint16_t)x->ln[f][k]; /* came from a uint16_t length */
      sky_add(s, 1u << f, one, len);
    }
  }
}

static void sky_put(kzi_buf *b, int *rc, sky *x) {
  unsigned char m = (unsigned char)x->mask;
  if (!m) { /* metadata only: never scored; any valid bound */
    m = 2;
    x->n[1] = 1;
    x->fr[1][0] = 1;
    x->ln[1][0] = 0;
  }
  if (!*rc) *rc = kzi_buf_append(b, &m, 1);
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    unsigned char np;
    if (!(m & (1u << f))) continue;
    sky_reduce(x, f, KZI_SKY);
    np = x->n[f];
    if (!*rc) *rc = kzi_buf_append(b, &np, 1);
    for (unsigned k = 0; k < np; k++) {
      kzi_vput(b, rc, x->fr[f][k]);
      kzi_vput(b, rc, x->ln[f][k]);
    }
  }
}

/* Past the next k varints from p (NULL when end comes first): eight bytes
 * at a time, a varint ending at each byte with the high bit clear. */
static inline const unsigned char *skip_varints(const unsigned char *p, const unsigned char *end,
                                                uint32_t k) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (k && end - p >= 8) {
    uint64_t v, m;
    memcpy(&v, p, 8);
    for (m = ~v & 0x8080808080808080ull; m; m &= m - 1) /* byte i: bit 8i + 7 */
      if (--k == 0) return p + ((unsigned)__builtin_ctzll(m) >> 3) + 1;
    p += 8;
  }
#endif
  for (; k; k -= !(*p++ & 0x80))
    if (p >= end) return NULL;
  return p;
}

/* Split the term's entries (per document: varint (delta << 4 | mask),
 * frequencies, then the positions) into the document and position streams
 * with a skip table and bounds every KZI_BLOCK_DOCS documents; *df and *cf
 * get the counts. */
static int build_postings(kzi_segw *w, const unsigned char *p, size_t n, uint64_t *df,
                          uint64_t *cf) {
  const unsigned char *end = p + n;
  uint64_t doc = 0, next = 0, blk_last = 0, cnt = 0, nblk = 0, occ = 0;
  /* documents from this one on are bad: past 32 bits, or past the lengths */
  const uint64_t lim = w->lens && w->nlens < UINT32_MAX ? w->nlens : UINT32_MAX;
  size_t blk_d = 0, blk_p = 0;
  sky tb, bb, *bound = &tb;
  /* the first documents wait: most terms have too few for a bound */
  struct { uint32_t doc, freq[KZI_NFIELDS]; unsigned mask; } early[BOUND_MIN_DF - 1];
  unsigned nearly = 0;
  int lens = w->lens != NULL, hb, rc = 0;
  w->dstream.n = w->pstream.n = w->skips.n = w->head.n = 0;
  sky_clear(&tb);
  sky_clear(&bb);
  /* each stream takes at most n bytes: copy without further checks (16
   * more for straight 16-byte copies of short parts) */
  if (kzi_buf_reserve(&w->dstream, n + 16) || kzi_buf_reserve(&w->pstream, n + 16))
    return KZ_ENOMEM;
  while (p < end && !rc) {
    const unsigned char *s = p;
    uint32_t freq[KZI_NFIELDS] = {0}, nf = 0;
    uint64_t v = kzi_vget(&p, end);
    unsigned mask = (unsigned)(v & 15);
    if (!p) return KZ_ERROR;
    doc = next + (v >> 4);
    next = doc + 1;
    for (unsigned m = mask; m; m &= m - 1) {
      unsigned f = (unsigned)__builtin_ctz(m);
      uint64_t fr = kzi_vget(&p, end);
      if (!p || fr == 0 || fr > UINT32_MAX) return KZ_ERROR;
      freq[f] = (uint32_t)fr;
      nf += freq[f];
    }
    if (doc >= lim) return KZ_ERROR;
    if (p - s <= 16 && end - s >= 16) memcpy(w->dstream.p + w->dstream.n, s, 16);
    else memcpy(w->dstream.p + w->dstream.n, s, (size_t)(p - s));
    w->dstream.n += (size_t)(p - s);
    s = p;
    p = skip_varints(p, end, nf);
    if (!p) return KZ_ERROR;
    if (p - s <= 16 && end - s >= 16) memcpy(w->pstream.p + w->pstream.n, s, 16);
    else memcpy(w->pstream.p + w->pstream.n, s, (size_t)(p - s));
    w->pstream.n += (size_t)(p - s);
    if (lens && cnt < BOUND_MIN_DF - 1) {
      if (mask) {
        early[nearly].doc = (uint32_t)doc;
        early[nearly].mask = mask;
        memcpy(early[nearly].freq, freq, sizeof freq);
        nearly++;
      }
    } else if (lens) {
      const uint16_t *dl = w->lens[doc];
      if (cnt == BOUND_MIN_DF - 1) /* the term gets a bound after all */
        for (unsigned k = 0; k < nearly; k++)
          sky_add(&bb, early[k].mask, early[k].freq, w->lens[early[k].doc]);
      /* the usual case inline: a body-only document that the shortest
       * point dominates */
      if (mask && !(mask == 2 && bb.n[1] && freq[1] <= bb.fr[1][0] && dl[1] >= bb.ln[1][0]))
        sky_add(&bb, mask, freq, dl);
    }
    occ += nf;
    cnt++;
    if (p >= end && nblk == 0) {
      /* the only block (most terms): no skip entry, its bound is the
       * term's */
      bound = &bb;
      nblk++;
    } else if (cnt % KZI_BLOCK_DOCS == 0 || p >= end) {
      kzi_vput(&w->skips, &rc, doc - (nblk ? blk_last : 0));
      kzi_vput(&w->skips, &rc, w->dstream.n - blk_d);
      kzi_vput(&w->skips, &rc, w->pstream.n - blk_p);
      if (lens) {
        sky_put(&w->skips, &rc, &bb); /* reduces bb to KZI_SKY points */
        sky_union(&tb, &bb);          /* the term's from the blocks' */
      }
      sky_clear(&bb);
      blk_last = doc;
      blk_d = w->dstream.n;
      blk_p = w->pstream.n;
      nblk++;
    }
  }
  if (rc) return rc;
  if (cnt == 0 || nblk != (cnt + KZI_BLOCK_DOCS - 1) / KZI_BLOCK_DOCS) return KZ_ERROR;
  hb = lens && cnt >= BOUND_MIN_DF; /* always when there are several blocks */
  kzi_vput(&w->head, &rc, nblk << 1 | (uint64_t)hb);
  if (hb) sky_put(&w->head, &rc, bound);
  if (nblk > 1) kzi_vput(&w->head, &rc, w->skips.n);
  kzi_vput(&w->head, &rc, w->dstream.n);
  *df = cnt;
  *cf = occ;
  return rc;
}

int kzi_segw_term(kzi_segw *w, const char *term, size_t n, uint64_t df,
                  uint64_t cf, const unsigned char *entries, size_t len) {
  size_t shared = 0, total;
  uint64_t off;
  int rc;
  if (w->rc) return w->rc;
  if (n > KZI_MAX_KEY || n == 0 || (w->nterms && term_cmp(w->last, w->last_len, term, n) >= 0))
    return w->rc = kzi_seterr(NULL, KZ_ERROR, "segment writer: terms out of order");
  if (w_enter(w, S_POST)) return w->rc;
  rc = build_postings(w, entries, len, &df, &cf);
  if (rc == KZ_ENOMEM) return w->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  if (rc) return w->rc = kzi_seterr(NULL, KZ_ERROR, "segment writer: bad postings");
  off = w_pos(w) - w->off[S_POST];
  w_put(w, w->head.p, w->head.n);
  w_put(w, w->skips.p, w->skips.n);
  w_put(w, w->dstream.p, w->dstream.n);
  w_put(w, w->pstream.p, w->pstream.n);
  total = w->head.n + w->skips.n + w->dstream.n + w->pstream.n;
  if (w->nterms % BLOCK_TERMS == 0) {
    unsigned char b[4];
    if (w->dict.n > UINT32_MAX)
      return w->rc = kzi_seterr(NULL, KZ_ELIMIT, "term dictionary over 4 GB");
    kzi_put32(b, (uint32_t)w->dict.n);
    if (kzi_buf_append(&w->bidx, b, 4)) w->rc = KZ_ENOMEM;
  } else {
    while (shared < n && shared < w->last_len && w->last[shared] == term[shared]) shared++;
  }
  kzi_vput(&w->dict, &w->rc, shared);
  kzi_vput(&w->dict, &w->rc, n - shared);
  if (!w->rc && kzi_buf_append(&w->dict, term + shared, n - shared)) w->rc = KZ_ENOMEM;
  kzi_vput(&w->dict, &w->rc, df);
  kzi_vput(&w->dict, &w->rc, cf);
  kzi_vput(&w->dict, &w->rc, w->nterms % BLOCK_TERMS == 0 ? off : off - w->prev_off);
  kzi_vput(&w->dict, &w->rc, total);
  w->prev_off = off;
  memcpy(w->last, term, n);
  w->last_len = n;
  w->nterms++;
  return w->rc;
}

static int src_id(kzi_segw *w, const char *s, size_t n, uint32_t *id) {
  uint64_t h;
  size_t i;
  if (w->nsrc * 2 + 2 > w->scap) {
    size_t ncap = w->scap ? w->scap * 2 : 64;
    srcent *nt = calloc(ncap, sizeof *nt);
    uint64_t *no = realloc(w->srcoff, (ncap / 2 + 2) * sizeof *no);
    if (!nt || !no) {
      free(nt);
      if (no) w->srcoff = no;
      return KZ_ENOMEM;
    }
    w->srcoff = no;
    for (size_t j = 0; j < w->scap; j++)
      if (w->stab[j].id) {
        size_t k = w->stab[j].h & (ncap - 1);
        while (nt[k].id) k = (k + 1) & (ncap - 1);
        nt[k] = w->stab[j];
      }
    free(w->stab);
    w->stab = nt;
    w->scap = ncap;
    if (w->nsrc == 0) w->srcoff[0] = 0;
  }
  h = kzi_hash64(s, n);
  for (i = h & (w->scap - 1); w->stab[i].id; i = (i + 1) & (w->scap - 1)) {
    uint32_t k = w->stab[i].id - 1;
    if (w->stab[i].h == h && w->srcoff[k + 1] - w->srcoff[k] == n &&
        memcmp(w->srcnames.p + w->srcoff[k], s, n) == 0) {
      *id = k;
      return KZ_OK;
    }
  }
  if (kzi_buf_append(&w->srcnames, s, n)) return KZ_ENOMEM;
  w->srcoff[w->nsrc + 1] = w->srcnames.n;
  w->stab[i].h = h;
  w->stab[i].id = (uint32_t)++w->nsrc;
  *id = (uint32_t)(w->nsrc - 1);
  return KZ_OK;
}

/* Write the store block being filled: varint raw size, method, data. */
static void store_flush(kzi_segw *w) {
  unsigned char b[SIDX_SIZE];
  int rc = 0;
  if (w->rc || w->blk.n == 0) return;
  kzi_put32(b, w->blk_first);
  kzi_put64(b + 4, w_pos(w) - w->off[S_STORE]);
  if (kzi_buf_append(&w->sidx, b, SIDX_SIZE)) {
    w->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    return;
  }
  w->lz.n = 0;
  kzi_vput(&w->lz, &rc, w->blk.n);
  if (!rc) {
    unsigned char m = 1;
    size_t hn = w->lz.n;
    rc = kzi_buf_append(&w->lz, &m, 1);
    if (!rc) rc = kzi_lz_compress((const unsigned char *)w->blk.p, w->blk.n, &w->lz);
    if (!rc && (w->lz.n - hn - 1 >= w->blk.n || w->blk.n > 255 * (w->lz.n - hn - 1))) {
      /* incompressible: store as is */
      w->lz.n = hn;
      m = 0;
      rc = kzi_buf_append(&w->lz, &m, 1);
      if (!rc) rc = kzi_buf_append(&w->lz, w->blk.p, w->blk.n);
    }
  }
  if (rc) {
    w->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    return;
  }
  w_put(w, w->lz.p, w->lz.n);
  w->nsblocks++;
  w->blk.n = 0;
  w->blk_first = w->ndocs;
}

/* Make sec (S_POST or S_STORE; -1: none) the section being streamed:
 * close the open one (the store's last block is written first) and start
 * sec at the current position.  Each is streamed once, in either order
 * (the writer streams documents as they are added, then the terms; a
 * merge the other way round). */
static int w_enter(kzi_segw *w, int sec) {
  if (w->cur == sec) return w->rc;
  if (sec >= 0 && (w->done >> sec) & 1u) {
    if (sec == S_POST) return w->rc = kzi_seterr(NULL, KZ_ERROR, "segment writer: terms after documents were finished");
    return w->rc = kzi_seterr(NULL, KZ_ERROR, "segment writer: documents after terms were finished");
  }
  if (w->cur == S_STORE) store_flush(w);
  if (w->rc) return w->rc;
  if (w->cur >= 0) {
    w->len[w->cur] = w_pos(w) - w->off[w->cur];
    w->done |= 1u << w->cur;
  }
  w->cur = sec;
  if (sec >= 0) w->off[sec] = w_pos(w);
  return KZ_OK;
}

int kzi_segw_doc(kzi_segw *w, const kzi_cols *cols, const char *src,
                 size_t src_len, const kzi_stored *st) {
  unsigned char b[COL_SIZE];
  uint32_t sid = UINT32_MAX;
  uint64_t h;
  int rc = 0;
  if (w->rc) return w->rc;
  if (w_enter(w, S_STORE)) return w->rc;
  if (w->ndocs == UINT32_MAX - 1)
    return w->rc = kzi_seterr(NULL, KZ_ELIMIT, "too many documents in one segment");
  if (src_len && (w->rc = src_id(w, src, src_len, &sid))) return w->rc;
  kzi_put32(b, (uint32_t)cols->date);
  kzi_put32(b + 4, sid);
  for (int f = 0; f < KZI_NFIELDS; f++) {
    kzi_put32(b + 8 + 4 * f, cols->len[f]);
    w->total_len[f] += cols->len[f];
  }
  if (kzi_buf_append(&w->cols, b, COL_SIZE)) return w->rc = KZ_ENOMEM;
  /* the key */
  if (w->ndocs == 0) {
    kzi_put64(b, 0);
    if (kzi_buf_append(&w->koff, b, 8)) return w->rc = KZ_ENOMEM;
  }
  if (kzi_buf_append(&w->kstr, st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY]))
    return w->rc = KZ_ENOMEM;
  kzi_put64(b, w->kstr.n);
  if (kzi_buf_append(&w->koff, b, 8)) return w->rc = KZ_ENOMEM;
  h = kzi_hash64(st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY]);
  kzi_put64(b, h);
  kzi_put32(b + 8, w->ndocs);
  if (kzi_buf_append(&w->keys, b, 12)) return w->rc = KZ_ENOMEM;
  /* the record */
  for (int i = 0; i < KZI_STORED_FIELDS && !rc; i++) {
    if (!kzi_record_has(SEG_VERSION, i)) continue;
    kzi_vput(&w->blk, &rc, st->n[i]);
    if (!rc && st->n[i]) rc = kzi_buf_append(&w->blk, st->f[i], st->n[i]);
  }
  if (rc) return w->rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  w->ndocs++;
  if (w->blk.n >= STORE_BLOCK) store_flush(w);
  return w->rc;
}

int kzi_segw_key(const kzi_segw *w, uint32_t d, const char **key, size_t *n) {
  const unsigned char *ko = (const unsigned char *)w->koff.p;
  uint64_t a, b;
  if (d >= w->ndocs) return KZ_ENOTFOUND;
  a = kzi_get64(ko + 8 * (size_t)d);
  b = kzi_get64(ko + 8 * ((size_t)d + 1));
  *key = w->kstr.p + a;
  *n = (size_t)(b - a);
  return KZ_OK;
}

static int key_cmp(const void *a, const void *b) {
  uint64_t x = kzi_get64(a), y = kzi_get64(b);
  uint32_t dx = kzi_get32((const unsigned char *)a + 8), dy = kzi_get32((const unsigned char *)b + 8);
  if (x != y) return x < y ? -1 : 1;
  return dx < dy ? -1 : dx > dy;
}

static void w_section(kzi_segw *w, int sec, const kzi_buf *b) {
  w->off[sec] = w_pos(w);
  w->len[sec] = b->n;
  w_put(w, b->p, b->n);
}

int kzi_segw_finish(kzi_segw *w, uint64_t *size) {
  unsigned char foot[FOOT_SIZE];
  unsigned char b[SIDX_SIZE];
  if (w->rc) return w->rc;
  /* sections never entered are empty; closing the store writes its last
   * block */
  for (int sec = S_POST; sec <= S_STORE; sec += S_STORE - S_POST)
    if (!((w->done >> sec) & 1u) && w->cur != sec && w_enter(w, sec)) return w->rc;
  if (w_enter(w, -1)) return w->rc;
  kzi_put32(b, w->ndocs);
  kzi_put64(b + 4, w->len[S_STORE]);
  if (kzi_buf_append(&w->sidx, b, SIDX_SIZE)) return w->rc = KZ_ENOMEM;
  if (w->ndocs == 0) {
    kzi_put64(b, 0);
    if (kzi_buf_append(&w->koff, b, 8)) return w->rc = KZ_ENOMEM;
  }
  if (w->keys.n) qsort(w->keys.p, w->ndocs, 12, key_cmp);
  kzi_vput(&w->srcs, &w->rc, w->nsrc);
  for (size_t i = 0; i < w->nsrc && !w->rc; i++) {
    size_t l = (size_t)(w->srcoff[i + 1] - w->srcoff[i]);
    kzi_vput(&w->srcs, &w->rc, l);
    if (!w->rc) w->rc = kzi_buf_append(&w->srcs, w->srcnames.p + w->srcoff[i], l);
  }
  w_section(w, S_DICT, &w->dict);
  w_section(w, S_BIDX, &w->bidx);
  w_section(w, S_COLS, &w->cols);
  w_section(w, S_SIDX, &w->sidx);
  w_section(w, S_KEYS, &w->keys);
  w_section(w, S_SRCS, &w->srcs);
  w_section(w, S_KOFF, &w->koff);
  w_section(w, S_KSTR, &w->kstr);
  if (w->rc) return w->rc;
  memset(foot, 0, sizeof foot);
  for (int i = 0; i < NSEC; i++) {
    kzi_put64(foot + 16 * i, w->off[i]);
    kzi_put64(foot + 16 * i + 8, w->len[i]);
  }
  kzi_put32(foot + NSEC * 16, w->ndocs);
  kzi_put32(foot + NSEC * 16 + 4, w->nterms);
  kzi_put32(foot + NSEC * 16 + 8, (w->nterms + BLOCK_TERMS - 1) / BLOCK_TERMS);
  kzi_put32(foot + NSEC * 16 + 12, w->nsblocks);
  for (int i = 0; i < KZI_NFIELDS; i++) kzi_put64(foot + NSEC * 16 + 16 + 8 * i, w->total_len[i]);
  kzi_put32(foot + FOOT_FIELDS, kzi_crc32c(0, foot, FOOT_FIELDS));
  w_put(w, foot, FOOT_FIELDS + 4);
  w_flush(w);
  if (w->rc) return w->rc;
  kzi_put32(foot, w->crc);
  memcpy(foot + 4, SEG_END, 8);
  w_put(w, foot, 12);
  w_flush(w);
  if (w->rc) return w->rc;
  if (fsync(w->fd) != 0)
    return w->rc = kzi_seterr(NULL, KZ_EIO, "cannot fsync %s: %s", w->path, strerror(errno));
  if (close(w->fd) != 0) {
    w->fd = -1;
    return w->rc = kzi_seterr(NULL, KZ_EIO, "cannot close %s: %s", w->path, strerror(errno));
  }
  w->fd = -1;
  if (size) *size = w->written;
  return KZ_OK;
}

void kzi_segw_abort(kzi_segw *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  w->fd = -1;
  unlink(w->path);
  kzi_segw_free(w);
}

void kzi_segw_free(kzi_segw *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  kzi_big_free(&w->out);
  kzi_buf_free(&w->dict);
  kzi_buf_free(&w->bidx);
  kzi_buf_free(&w->cols);
  kzi_buf_free(&w->sidx);
  kzi_buf_free(&w->keys);
  kzi_buf_free(&w->srcs);
  kzi_buf_free(&w->koff);
  kzi_buf_free(&w->kstr);
  free(w->lens);
  kzi_buf_free(&w->dstream);
  kzi_buf_free(&w->pstream);
  kzi_buf_free(&w->skips);
  kzi_buf_free(&w->head);
  kzi_buf_free(&w->blk);
  kzi_buf_free(&w->lz);
  kzi_buf_free(&w->srcnames);
  free(w->stab);
  free(w->srcoff);
  free(w);
}
