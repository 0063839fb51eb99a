/*
 * store_cache.c - the stored records of search hits, read through a small
 * cache of partly decoded store blocks kept with each snapshot.
 *
 * A store block (segment.c, section STORE) is about 16 KB of records,
 * usually one LZ stream (lz.c); a record can only be read once everything
 * before it in its block is decoded.  A hit decodes its block only up to
 * the end of its record (kzi_lz_decompress_upto() stops there and resumes
 * later), and the block stays in the snapshot's cache with the record
 * offsets found so far, so other hits of the same block, in this search or
 * a later one, reuse or extend the decoding.  The cache holds at most
 * SC_SLOTS blocks and SC_BYTES bytes (least recently used out first) and
 * dies with the snapshot.
 *
 * Threads: the table is guarded by s->store_mu.  A reader takes its block
 * out of the table (or starts a new one), decodes and copies its record
 * with no lock held, and puts the block back, so a block is only ever used
 * by one thread.  Two threads wanting one block at the same time decode it
 * each; the further decoded copy is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

#define SC_SLOTS 64
#define SC_BYTES (2u << 20)

typedef struct sblock {
  uint32_t seg, block;       /* segment index in the snapshot, block */
  const unsigned char *src;  /* LZ stream in the segment (NULL: stored) */
  size_t srclen;
  const unsigned char *data; /* the decoded bytes: buf, or in the segment */
  unsigned char *buf;        /* raw + KZI_LZ_PAD bytes */
  size_t raw, ip, op;        /* raw size; where decoding resumes */
  uint32_t first, ndocs;     /* first document, documents in the block */
  uint32_t *roff, nknown;    /* roff[0..nknown]: record starts found */
  uint64_t tick;             /* last use */
} sblock;

struct kzi_store_cache {
  sblock *b[SC_SLOTS];
  unsigned n;
  size_t bytes;
  uint64_t tick;
};

static size_t sb_bytes(const sblock *b) {
  return sizeof *b + (b->buf ? b->raw + KZI_LZ_PAD : 0) + ((size_t)b->ndocs + 1) * 4;
}

static void sb_free(sblock *b) {
  if (!b) return;
  free(b->buf);
  free(b->roff);
  free(b);
}

void kzi_snap_store_free(kzi_snapshot *s) {
  struct kzi_store_cache *sc = s->store_cache;
  if (!sc) return;
  for (unsigned i = 0; i < sc->n; i++) sb_free(sc->b[i]);
  free(sc);
  s->store_cache = NULL;
}

/* Take block (si, b) out of the cache: NULL when it is not there. */
static sblock *sc_take(kzi_snapshot *s, uint32_t si, uint32_t b) {
  sblock *r = NULL;
  pthread_mutex_lock(&s->store_mu);
  if (s->store_cache) {
    struct kzi_store_cache *sc = s->store_cache;
    for (unsigned i = 0; i < sc->n; i++) {
      if (sc->b[i]->seg != si || sc->b[i]->block != b) continue;
      r = sc->b[i];
      sc->bytes -= sb_bytes(r);
      sc->b[i] = sc->b[--sc->n];
      break;
    }
  }
  pthread_mutex_unlock(&s->store_mu);
  return r;
}

/* Put blk (taken or new) back into the cache, or free it. */
static void sc_put(kzi_snapshot *s, sblock *blk) {
  struct kzi_store_cache *sc;
  size_t nb = sb_bytes(blk);
  if (nb > SC_BYTES / 4) {
    sb_free(blk);
    return;
  }
  pthread_mutex_lock(&s->store_mu);
  if (!s->store_cache) s->store_cache = calloc(1, sizeof *s->store_cache);
  sc = s->store_cache;
  if (!sc) {
    pthread_mutex_unlock(&s->store_mu);
    sb_free(blk);
    return;
  }
  blk->tick = ++sc->tick;
  for (unsigned i = 0; i < sc->n; i++) {
    sblock *o = sc->b[i];
    if (o->seg != blk->seg || o->block != blk->block) continue;
    /* another thread put the same block back meanwhile: keep the longer */
    if (o->op >= blk->op && o->nknown >= blk->nknown) {
      o->tick = blk->tick;
      pthread_mutex_unlock(&s->store_mu);
      sb_free(blk);
      return;
    }
    sc->bytes -= sb_bytes(o);
    sb_free(o);
    sc->b[i] = sc->b[--sc->n];
    break;
  }
  while (sc->n && (sc->n == SC_SLOTS || sc->bytes + nb > SC_BYTES)) {
    unsigned old = 0;
    for (unsigned i = 1; i < sc->n; i++)
      if (sc->b[i]->tick < sc->b[old]->tick) old = i;
    sc->bytes -= sb_bytes(sc->b[old]);
    sb_free(sc->b[old]);
    sc->b[old] = sc->b[--sc->n];
  }
  sc->b[sc->n++] = blk;
  sc->bytes += nb;
  pthread_mutex_unlock(&s->store_mu);
}

/* Start reading store block b of seg (its header parsed and checked by
 * kzi_seg_store_block(), as for every other reader of the store). */
static int sb_open(const kzi_segment *seg, uint32_t si, uint32_t b, sblock **out) {
  kzi_storeblk k;
  sblock *blk;
  int rc;
  *out = NULL;
  if ((rc = kzi_seg_store_block(seg, b, &k)) != KZ_OK) return rc;
  blk = calloc(1, sizeof *blk);
  if (!blk) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  blk->seg = si;
  blk->block = b;
  blk->raw = k.raw;
  blk->first = k.first;
  blk->ndocs = k.ndocs;
  blk->roff = malloc(((size_t)blk->ndocs + 1) * sizeof *blk->roff);
  if (!blk->roff) {
    sb_free(blk);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  blk->roff[0] = 0;
  if (!k.compressed) {
    blk->data = k.src;
    blk->op = blk->raw;
  } else {
    blk->src = k.src;
    blk->srclen = k.srclen;
    blk->buf = malloc(blk->raw + KZI_LZ_PAD);
    if (!blk->buf) {
      sb_free(blk);
      return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
    blk->data = blk->buf;
  }
  *out = blk;
  return KZ_OK;
}

/* Decode blk up to at least `want` bytes (at most its raw size). */
static int sb_need(const kzi_segment *seg, sblock *blk, size_t want) {
  if (want > blk->raw) want = blk->raw;
  if (blk->op >= want) return KZ_OK;
  if (kzi_lz_decompress_upto(blk->src, blk->srclen, &blk->ip, blk->buf, &blk->op, blk->raw,
                             want))
    return kzi_corrupt(seg->name, "bad compressed document store block");
  return KZ_OK;
}

/* Walk (decoding as needed) to the end of record i of blk. */
static int sb_record(const kzi_segment *seg, sblock *blk, uint32_t i) {
  while (blk->nknown <= i) {
    size_t pos = blk->roff[blk->nknown];
    for (int f = 0; f < KZI_STORED_FIELDS; f++) {
      const unsigned char *p;
      uint64_t l;
      int rc;
      if (!kzi_record_has(seg->version, f)) continue;
      rc = sb_need(seg, blk, pos + 10);
      if (rc) return rc;
      p = blk->data + pos;
      l = kzi_vget(&p, blk->data + blk->op);
      if (!p || l > blk->raw - (size_t)(p - blk->data))
        return kzi_corrupt(seg->name, "bad document record");
      pos = (size_t)(p - blk->data) + (size_t)l;
    }
    blk->roff[++blk->nknown] = (uint32_t)pos;
  }
  return sb_need(seg, blk, blk->roff[i + 1]);
}

/* Copy record i of blk into *mem and out. */
static int sb_copy(const kzi_segment *seg, sblock *blk, uint32_t i, kzi_stored *out,
                   char **mem) {
  const unsigned char *p = blk->data + blk->roff[i], *end = blk->data + blk->roff[i + 1];
  size_t tot = 0;
  char *m;
  /* sb_record() checked the record: its fields fit, one NUL each added */
  m = malloc((size_t)(end - p) + KZI_STORED_FIELDS);
  if (!m) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  out->f[KZI_FIELD_LAYOUT] = ""; /* (format 2) */
  out->n[KZI_FIELD_LAYOUT] = 0;
  for (int f = 0; f < KZI_STORED_FIELDS; f++) {
    uint64_t l;
    if (!kzi_record_has(seg->version, f)) continue;
    l = kzi_vget(&p, end);
    memcpy(m + tot, p, (size_t)l);
    m[tot + l] = 0;
    out->f[f] = m + tot;
    out->n[f] = (size_t)l;
    tot += (size_t)l + 1;
    p += l;
  }
  *mem = m;
  return KZ_OK;
}

int kzi_snap_record(kzi_snapshot *s, uint32_t si, uint32_t doc, kzi_stored *out, char **mem) {
  const kzi_segment *seg = s->seg[si];
  uint32_t lo;
  sblock *blk;
  int rc;
  *mem = NULL;
  if (doc >= seg->ndocs) return kzi_corrupt(seg->name, "document number out of range");
  lo = kzi_seg_store_block_of(seg, doc);
  blk = sc_take(s, si, lo);
  if (!blk && (rc = sb_open(seg, si, lo, &blk)) != KZ_OK) return rc;
  rc = sb_record(seg, blk, doc - blk->first);
  if (!rc) rc = sb_copy(seg, blk, doc - blk->first, out, mem);
  if (rc) sb_free(blk); /* a damaged block is not kept */
  else sc_put(s, blk);
  return rc;
}
