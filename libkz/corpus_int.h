/*
 * corpus_int.h - internal interfaces of the corpus (corpus.c, writer.c,
 * segment.c, manifest.c, lock.c, merge.c, checksum.c, qparse.c, qexec.c,
 * rank.c, snippet.c, kwic.c, count.c, jsonl.c).
 *
 * Data flow:
 *   add_text --writer.c--> in-memory segment --segment.c--> seg-ID.kzs
 *   commit   --manifest.c--> MANIFEST (names segments + deletion files)
 *   open     --manifest.c + segment.c--> snapshot (refcounted, immutable)
 *   query    --qparse.c--> AST --qexec.c--> iterators per segment
 *            --rank.c / snippet.c / kwic.c / count.c--> results
 */
#ifndef KZ_CORPUS_INT_H
#define KZ_CORPUS_INT_H

#include <pthread.h>

#include "kz_int.h"
#include "kz/corpus.h"
#include "kz/query.h"

#define KZI_NFIELDS 4          /* text fields with positions */
#define KZI_NO_DOC UINT32_MAX  /* iterator exhausted */
#define KZI_NO_DATE INT32_MIN  /* undated document */
#define KZI_WNORM 2048         /* field lengths with a precomputed BM25 norm */

/* Term spaces: the first byte of every dictionary key. */
#define KZI_SP_WORD 'w'   /* analyzed form, positions in the text fields */
#define KZI_SP_EXACT 'x'  /* unstemmed form (only in stemmed corpora) */
#define KZI_SP_SOURCE 's' /* normalized source name, no positions */
#define KZI_SP_AUTHOR 'a' /* normalized author name and its words */
#define KZI_SP_LANG 'l'   /* language code */

/* Corruption is reported through this one function (break on it). */
int kzi_corrupt(const char *file, const char *what);

/* ---------------------------------------------------------------------
 * Little-endian and varint coding (bounds-checked readers).
 * --------------------------------------------------------------------- */
static inline void kzi_put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static inline void kzi_put64(unsigned char *p, uint64_t v) {
  kzi_put32(p, (uint32_t)v); kzi_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint32_t kzi_get32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static inline uint64_t kzi_get64(const unsigned char *p) {
  return (uint64_t)kzi_get32(p) | (uint64_t)kzi_get32(p + 4) << 32;
}
/* Encode v into out (>= 10 bytes); returns bytes written.  Values below
 * 2^21 (nearly all: deltas, frequencies, lengths) without a branch on
 * their size: three bytes are written, the last one kept loses its
 * continuation bit. */
static inline size_t kzi_venc(unsigned char *out, uint64_t v) {
  size_t n = 0;
  if (v < (1u << 21)) {
    n = 1 + (v >= 0x80) + (v >= 0x4000);
    out[0] = (unsigned char)(v | 0x80);
    out[1] = (unsigned char)(v >> 7 | 0x80);
    out[2] = (unsigned char)(v >> 14);
    out[n - 1] &= 0x7F;
    return n;
  }
  while (v >= 0x80) { out[n++] = (unsigned char)(v | 0x80); v >>= 7; }
  out[n++] = (unsigned char)v;
  return n;
}
/* Append v as LEB128 to b (sticky *rc). */
void kzi_vput_slow(kzi_buf *b, int *rc, uint64_t v);
static inline void kzi_vput(kzi_buf *b, int *rc, uint64_t v) {
  if (!*rc && b->cap - b->n > 11) {
    b->n += kzi_venc((unsigned char *)b->p + b->n, v);
    return;
  }
  kzi_vput_slow(b, rc, v);
}
/* Decode a varint at *p (< end); NULL-safe on truncation: returns 0 and
 * sets *p = NULL when the input ends or the value overflows 64 bits. */
static inline uint64_t kzi_vget(const unsigned char **p,
                                const unsigned char *end) {
  const unsigned char *s = *p;
  uint64_t v = 0;
  unsigned shift = 0;
  if (s == NULL) return 0;
  if (KZI_LIKELY(s < end && *s < 0x80)) { /* one byte: most gaps and counts */
    *p = s + 1;
    return *s;
  }
  while (s < end) {
    unsigned c = *s++;
    if (shift == 63 && c > 1) break;
    v |= (uint64_t)(c & 0x7F) << shift;
    if (!(c & 0x80)) { *p = s; return v; }
    shift += 7;
    if (shift > 63) break;
  }
  *p = NULL;
  return 0;
}

/* ---------------------------------------------------------------------
 * Interface to checksum.c
 * --------------------------------------------------------------------- */
uint32_t kzi_crc32c(uint32_t crc, const void *data, size_t n);
uint64_t kzi_hash64(const void *data, size_t n);

/* ---------------------------------------------------------------------
 * Interface to lock.c and file helpers
 * --------------------------------------------------------------------- */
/* Take the writer lock of dir: *fd_out gets the lock file descriptor.
 * KZ_EBUSY (with a message naming the directory) when held elsewhere. */
int kzi_lock_writer(const char *dir, int *fd_out);
void kzi_unlock(int fd);
/* Write the whole of data to path (create/truncate), fsync it. */
int kzi_write_file_sync(const char *path, const void *data, size_t n);
/* fsync a directory. */
int kzi_fsync_dir(const char *dir);
/* Read a whole small file; *out malloc'd. ENOENT -> KZ_ENOTFOUND. */
int kzi_read_file(const char *path, unsigned char **out, size_t *len);
/* path = dir + "/" + name into buf (>= 4096 bytes). */
void kzi_path(char *buf, size_t cap, const char *dir, const char *name);

/* ---------------------------------------------------------------------
 * Interface to segment.c: reading an immutable segment.
 * --------------------------------------------------------------------- */
typedef struct kzi_cols {   /* per-document columns, 24 bytes on disk */
  int32_t date;             /* days since 1970-01-01 or KZI_NO_DATE */
  uint32_t src;             /* index into the segment's source table */
  uint32_t len[KZI_NFIELDS];
} kzi_cols;

/* The per-segment index of entity keys (qentity.c, built on first use). */
typedef struct kzi_entidx kzi_entidx;

typedef struct kzi_segment {
  uint64_t id;
  char name[64];            /* file name, for messages */
  int fd;
  const unsigned char *map; /* the whole file (mmap or malloc) */
  size_t size;
  int mapped;               /* map is an mmap (else malloc'd or borrowed) */
  int owned;                /* free map on close when not mapped */
  uint32_t version;         /* format version (2 or 3) */
  uint32_t ndocs, nterms, nblocks, nsblocks;
  uint64_t total_len[KZI_NFIELDS];
  const unsigned char *dict, *post, *cols, *sidx, *store, *keys, *srcs, *koff, *kstr;
  size_t dict_len, post_len, cols_len, sidx_len, store_len, keys_len, srcs_len, koff_len,
      kstr_len;
  const unsigned char *bidx; /* dictionary block index, nblocks u32 */
  /* source table, decoded at open */
  const char **src_name; size_t *src_len; uint32_t nsrc;
  /* deletions (from the MANIFEST's deletion file), NULL when none */
  unsigned char *del; uint32_t ndel; uint64_t delgen;
  /* indexes built on first use, under lazy_mu: */
  pthread_mutex_t lazy_mu;
  kzi_entidx *ent[2];       /* entity keys of the dictionary: word space, exact space */
  uint32_t *kdir;           /* the key table's directory (kzi_key_dir()) */
  unsigned kdir_bits;
} kzi_segment;

/* Open seg file `name` in dir (verify: check the whole-file checksum). */
int kzi_segment_open(kzi_segment **out, const char *dir, const char *name,
                     uint64_t id, int verify);
/* Load a segment from memory (fuzzing, tests); data must outlive it. */
int kzi_segment_from_memory(kzi_segment **out, const unsigned char *data,
                            size_t n, int verify);
void kzi_segment_close(kzi_segment *s);
/* Load deletion file: sets s->del/ndel.  */
int kzi_segment_load_deletes(kzi_segment *s, const char *dir, uint64_t gen);

static inline int kzi_seg_deleted(const kzi_segment *s, uint32_t d) {
  return s->del && (s->del[d >> 3] >> (d & 7)) & 1;
}

/* A term's dictionary entry. */
typedef struct kzi_term {
  uint64_t df, cf;
  uint64_t off, len;        /* postings span inside s->post */
} kzi_term;

/* Exact lookup: KZ_OK, KZ_ENOTFOUND or KZ_ECORRUPT. */
int kzi_seg_lookup(const kzi_segment *s, const char *term, size_t n,
                   kzi_term *out);

/* Iterate the dictionary from the first term >= start (n bytes). */
typedef struct kzi_dict_it {
  const kzi_segment *s;
  uint32_t block;           /* current block */
  const unsigned char *p, *end; /* inside the block */
  unsigned left;            /* entries left in block */
  uint64_t prev_off;
  char term[KZI_MAX_KEY + 8];
  size_t term_len;
  kzi_term t;
  int rc;                   /* KZ_OK, KZ_ITEROVER or KZ_ECORRUPT */
} kzi_dict_it;
int kzi_dict_seek(kzi_dict_it *it, const kzi_segment *s, const char *start,
                  size_t n);
int kzi_dict_next(kzi_dict_it *it); /* KZ_OK / KZ_ITEROVER / KZ_ECORRUPT */

int kzi_seg_cols(const kzi_segment *s, uint32_t doc, kzi_cols *out);
/* A stored record: the kz_field values and, after them, the layout of a
 * parsed article (where its headings and captions stood among the
 * paragraphs of the body; see kzi_layout_*), which no public field shows.
 * A record holds them all but the key (segment format 2: not the layout,
 * read as empty). */
#define KZI_FIELD_LAYOUT KZ_FIELD_COUNT
#define KZI_STORED_FIELDS (KZ_FIELD_COUNT + 1)
typedef struct kzi_stored {
  const char *f[KZI_STORED_FIELDS];
  size_t n[KZI_STORED_FIELDS];
} kzi_stored;
/* The stored fields of parsed article a's captions and headings (but
 * those whose text is skip_heading; duplicates left out), each joined by
 * blank lines, and, when lay is not NULL, its layout (layout.c): where
 * they stood among the body's paragraphs.  One walk, one filter, so the
 * layout always names the pieces of the two fields. */
int kzi_layout_fields(const kz_article *a, const char *skip_heading, kzi_buf *cap,
                      kzi_buf *head, kzi_buf *lay);
/* The next entry of a layout at *p (before end): 1 with *anchor advanced
 * and *caption set, 0 at the end, -1 when damaged. */
int kzi_layout_next(const unsigned char **p, const unsigned char *end, uint64_t *anchor,
                    int *caption);
/* kz_doc_article() of stored fields f[i][0..n[i]) (KZI_STORED_FIELDS of
 * them, each NUL-terminated). */
int kzi_article_from_fields(kz_article **out, const char *const *f, const size_t *n);
/* The layout stored with a document (empty when it has none). */
const char *kzi_doc_layout(const kz_doc *d, size_t *len);
/* Is field f in the records of a segment of format version v? */
static inline int kzi_record_has(uint32_t v, int f) {
  return f != KZ_FIELD_KEY && (f != KZI_FIELD_LAYOUT || v >= 3);
}
/* The decoded store block last used (zero-initialize; reading documents in
 * order decodes each block once). */
typedef struct kzi_storebuf {
  kzi_buf buf;
  const kzi_segment *seg;
  uint32_t block, first;    /* block number, its first document */
  uint32_t next_doc;        /* the record at next_off is this document's */
  size_t next_off;
  int valid;
} kzi_storebuf;
void kzi_storebuf_free(kzi_storebuf *sb);
/* The stored fields of doc (the key points into the segment, the others
 * into sb, valid until its next use). */
int kzi_seg_stored(const kzi_segment *s, uint32_t doc, kzi_stored *out,
                   kzi_storebuf *sb);
/* A store block as written (section STORE, indexed by SIDX), checked. */
typedef struct kzi_storeblk {
  uint32_t first, ndocs;        /* its documents */
  int compressed;               /* 1: an LZ stream (lz.c); 0: stored */
  const unsigned char *src;     /* the stream or the raw records */
  size_t srclen, raw;           /* their length; the decoded length */
} kzi_storeblk;
/* Block b's header: KZ_OK or KZ_ECORRUPT naming the segment. */
int kzi_seg_store_block(const kzi_segment *s, uint32_t b, kzi_storeblk *out);
/* The store block that holds doc (< s->ndocs). */
uint32_t kzi_seg_store_block_of(const kzi_segment *s, uint32_t doc);
/* Only the key of doc: points into the segment. */
int kzi_seg_key(const kzi_segment *s, uint32_t doc, const char **key, size_t *n);
/* A key table's (n entries: u64 hash, u32 doc; sorted by hash) directory
 * of its hashes' top *bits bits (NULL and 0 bits for tables of fewer than
 * KZI_KEY_DIR_MIN entries), and the first entry whose hash is >= h (n when
 * none) found through it (dir NULL: by bisecting the whole table). */
#define KZI_KEY_DIR_MIN 64
uint32_t *kzi_key_dir(const unsigned char *keys, size_t n, unsigned *bits);
size_t kzi_key_lower_bound(const unsigned char *keys, size_t n, const uint32_t *dir,
                           unsigned bits, uint64_t h);
/* Find the live document of key in the segment: *doc set; KZ_OK /
 * KZ_ENOTFOUND / KZ_ECORRUPT.  A segment can hold a key more than once (a
 * document replaced before the buffer was flushed: all but the last are
 * deleted); deleted documents are passed over, as judged by the
 * segment's own deletions. */
int kzi_seg_find_key(kzi_segment *s, const char *key, size_t n,
                     uint32_t *doc);
/* The same with the key's kzi_hash64() h (a key looked up in several
 * segments is hashed once), passing over the documents for which
 * deleted(p, doc) is nonzero (NULL: the segment's own deletions). */
int kzi_seg_find_key_h(kzi_segment *s, const char *key, size_t n, uint64_t h,
                       int (*deleted)(const void *p, uint32_t doc), const void *p,
                       uint32_t *doc);

/* ---------------------------------------------------------------------
 * Postings (layout in segment.c): a document stream and a position stream
 * in blocks of KZI_BLOCK_DOCS documents with a skip table, and score
 * bounds per block and per term.
 * --------------------------------------------------------------------- */
#define KZI_BLOCK_DOCS 128

/* Per field, the skyline of (frequency, field length) pairs of some
 * documents (no pair has both a lower frequency and a longer field than
 * another), at most KZI_SKY points, sorted by length (and so frequency):
 * the BM25F score of any of the documents is at most the sum over fields
 * of the best point's.  (Points may be merged into one dominating both.) */
#define KZI_SKY 4
typedef struct kzi_bound {
  unsigned mask;
  uint8_t np[KZI_NFIELDS];
  uint32_t fr[KZI_NFIELDS][KZI_SKY], ln[KZI_NFIELDS][KZI_SKY];
} kzi_bound;

typedef struct kzi_post_it {
  const kzi_segment *seg;
  uint64_t df;
  const unsigned char *sk;            /* next unread skip entry */
  const unsigned char *dbase, *dend;  /* document stream */
  const unsigned char *pbase, *pend;  /* position stream */
  uint32_t nblk, bi;                  /* blocks, the current one */
  int has_bounds;
  kzi_bound tb, bb;                   /* bounds of the term, of the block */
  uint32_t b_prev, b_last;            /* last doc before / in the block */
  const unsigned char *b_d, *b_de, *b_p, *b_pe; /* the block's streams */
  int jump;                           /* restart at the block's start */
  const unsigned char *p;             /* document cursor */
  const unsigned char *pp;            /* positions: varints to skip first */
  uint64_t pskip;
  uint64_t ppidx;                     /* index of the varint at pp in the block */
  uint32_t *bpos;                     /* the block's position varints, decoded */
  size_t bpos_cap;
  uint64_t bpos_n;
  uint32_t bpos_bi;                   /* block + 1 decoded in bpos (0: none) */
  uint32_t last;                      /* delta base (previous doc) */
  uint32_t doc;                       /* current, KZI_NO_DOC at end */
  int started;
  unsigned mask;                      /* fields of the current entry */
  uint32_t freq[KZI_NFIELDS], nfreq;
  int rc;                             /* KZ_OK or KZ_ECORRUPT */
} kzi_post_it;

int kzi_post_init(kzi_post_it *it, const kzi_segment *s, const kzi_term *t);
void kzi_post_free(kzi_post_it *it);
int kzi_post_next_slow(kzi_post_it *it);
/* To the next entry.  Inline for the common case: one field, a one- or
 * two-byte document code and a one-byte frequency, inside the block. */
static inline int kzi_post_next(kzi_post_it *it) {
  const unsigned char *p = it->p;
  if (it->started && !it->jump && it->doc != KZI_NO_DOC && it->b_de - p >= 3) {
    uint32_t v = p[0], n = 1;
    unsigned mask;
    if (v >= 0x80) {
      if (p[1] >= 0x80) return kzi_post_next_slow(it);
      v = (v & 0x7F) | (uint32_t)p[1] << 7;
      n = 2;
    }
    mask = v & 15;
    if (mask && !(mask & (mask - 1)) && p[n] && p[n] < 0x80) {
      uint32_t d = it->last + 1 + (v >> 4);
      if (d <= it->b_last) {
        unsigned f = (unsigned)__builtin_ctz(mask);
        it->pskip += it->nfreq;
        it->freq[0] = it->freq[1] = it->freq[2] = it->freq[3] = 0;
        it->freq[f] = it->nfreq = p[n];
        it->mask = mask;
        it->p = p + n + 1;
        it->doc = it->last = d;
        return KZ_OK;
      }
    }
  }
  return kzi_post_next_slow(it);
}
int kzi_post_advance_slow(kzi_post_it *it, uint32_t target);
/* To the first entry >= target inside the current block (target <=
 * b_last; started, on an entry < target, no jump pending). */
int kzi_post_scan(kzi_post_it *it, uint32_t target);
/* To the first entry >= target. */
static inline int kzi_post_advance(kzi_post_it *it, uint32_t target) {
  if (it->started && (it->doc == KZI_NO_DOC || it->doc >= target)) return it->rc;
  if (it->started && !it->jump && target <= it->b_last && !it->rc)
    return kzi_post_scan(it, target);
  return kzi_post_advance_slow(it, target);
}
/* Move the block cursor (not the document) to the block that may hold
 * target; returns its last document (bound in it->bb).  The next advance
 * must be to a target >= this one. */
uint32_t kzi_post_shallow(kzi_post_it *it, uint32_t target);
/* Decode positions of field f of the current entry into *out (grown). */
int kzi_post_positions(kzi_post_it *it, unsigned f, uint32_t **out,
                       size_t *cap, size_t *n);
/* The position varints of field f of the current entry, as stored (each
 * a delta from the previous one, the first from 0): (*v)[0..*n).  The
 * whole block's are decoded on the first call in a block, so that later
 * entries need no skipping (the fast path of phrase and NEAR checks); *v
 * stays valid until the iterator leaves the block, and 8 values may be
 * read past its end.  Not checked for order: callers sum them in 64 bits
 * or check the sums. */
int kzi_post_deltas_slow(kzi_post_it *it, unsigned f, const uint32_t **v, uint32_t *n);
static inline int kzi_post_deltas(kzi_post_it *it, unsigned f, const uint32_t **v,
                                  uint32_t *n) {
  uint64_t at = it->ppidx + it->pskip;
  if (it->bpos_bi != it->bi + 1 || it->rc || !it->started || it->doc == KZI_NO_DOC)
    return kzi_post_deltas_slow(it, f, v, n);
  for (unsigned g = 0; g < f; g++) at += it->freq[g];
  if (at > it->bpos_n || it->freq[f] > it->bpos_n - at) return kzi_post_deltas_slow(it, f, v, n);
  *v = it->bpos + at;
  *n = it->freq[f];
  return KZ_OK;
}
/* The raw position varints of the current entry (all fields). */
int kzi_post_rawpos(kzi_post_it *it, const unsigned char **pos, size_t *len);

/* A whole block of entries, decoded (for intersecting lists a block at a
 * time).  An iterator driven this way moves only by kzi_post_blk_seek()
 * and is put on an entry by kzi_post_blk_set(). */
typedef struct kzi_post_blk {
  uint32_t bi;                           /* it->bi + 1 of the block held */
  uint32_t n;                            /* entries */
  uint32_t doc[KZI_BLOCK_DOCS];
  uint32_t eoff[KZI_BLOCK_DOCS];         /* entry end, from the block start */
  uint64_t cum[KZI_BLOCK_DOCS + 1];      /* position varints before it */
} kzi_post_blk;
/* Hold in b the block with the first entry >= target (the blocks before
 * it passed by the skip table), *idx that entry; KZ_ITEROVER when there
 * is none. */
int kzi_post_blk_seek(kzi_post_it *it, kzi_post_blk *b, uint32_t target, uint32_t *idx);
/* Put it on entry i of b (the block it holds). */
void kzi_post_blk_set(kzi_post_it *it, const kzi_post_blk *b, uint32_t i);
/* The position varints of entry i of b (the block it holds), all its
 * fields' in field order, as kzi_post_deltas() gives them (8 more values
 * readable), without putting it on the entry. */
int kzi_post_blk_deltas_slow(kzi_post_it *it, const kzi_post_blk *b, uint32_t i,
                             const uint32_t **v, uint32_t *n);
/* The field mask of entry i of b (the block it holds). */
static inline unsigned kzi_post_blk_mask(const kzi_post_it *it, const kzi_post_blk *b,
                                         uint32_t i) {
  return it->b_d[i ? b->eoff[i - 1] : 0] & 15; /* the code's low bits */
}
/* The frequency per field of entry i of b (the block it holds). */
void kzi_post_blk_freqs(const kzi_post_it *it, const kzi_post_blk *b, uint32_t i,
                        uint32_t freq[KZI_NFIELDS]);
static inline int kzi_post_blk_deltas(kzi_post_it *it, const kzi_post_blk *b, uint32_t i,
                                      const uint32_t **v, uint32_t *n) {
  uint64_t at = b->cum[i], k = b->cum[i + 1] - at;
  if (it->bpos_bi != b->bi || at > it->bpos_n || k > it->bpos_n - at)
    return kzi_post_blk_deltas_slow(it, b, i, v, n);
  *v = it->bpos + at;
  *n = (uint32_t)k;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Segment building (segment.c), used by writer.c and merge.c.
 * Terms must come in byte order and documents in doc order; either may
 * come first (the writer streams documents as they are added).  The
 * entries given for a term are, per document: varint ((doc - previous doc
 * - 1) << 4 | field mask), a varint frequency per field in the mask, then
 * the positions (per field, delta-coded from 0).
 * --------------------------------------------------------------------- */
typedef struct kzi_segw kzi_segw;
int kzi_segw_open(kzi_segw **out, const char *dir, uint64_t id);
/* The columns of the documents to come (borrowed until finish): their
 * field lengths give the score bounds.  Call before the first term. */
void kzi_segw_lengths(kzi_segw *w, const kzi_cols *cols, uint32_t ndocs);
/* The term's df and cf are counted from the entries (the arguments are
 * ignored). */
int kzi_segw_term(kzi_segw *w, const char *term, size_t n, uint64_t df,
                  uint64_t cf, const unsigned char *entries, size_t len);
/* Add the next document: its columns (src is a source string) and stored
 * record fields. */
int kzi_segw_doc(kzi_segw *w, const kzi_cols *cols, const char *src,
                 size_t src_len, const kzi_stored *st);
/* The key of document d added so far (KZ_ENOTFOUND past the last). */
int kzi_segw_key(const kzi_segw *w, uint32_t d, const char **key, size_t *n);
/* Finish: write sections and footer, fsync.  *size gets the file size. */
int kzi_segw_finish(kzi_segw *w, uint64_t *size);
void kzi_segw_abort(kzi_segw *w); /* close and unlink */
void kzi_segw_free(kzi_segw *w);

void kzi_seg_name(char *buf, size_t cap, uint64_t id);
void kzi_del_name(char *buf, size_t cap, uint64_t id, uint64_t gen);
/* Write a deletion file for ndocs with bitmap del. */
int kzi_write_deletes(const char *dir, uint64_t id, uint64_t gen,
                      const unsigned char *del, uint32_t ndocs);

/* ---------------------------------------------------------------------
 * Interface to manifest.c
 * --------------------------------------------------------------------- */
typedef struct kzi_mseg {
  uint64_t id;
  uint32_t ndocs, ndel;
  uint64_t delgen;          /* 0 = no deletion file */
} kzi_mseg;

typedef struct kzi_manifest {
  uint64_t generation;
  uint64_t next_id;
  uint32_t tok_flags;
  char lang[16];
  uint32_t nseg;
  kzi_mseg *seg;
} kzi_manifest;

int kzi_manifest_read(kzi_manifest *m, const char *dir);
int kzi_manifest_write(const kzi_manifest *m, const char *dir);
void kzi_manifest_free(kzi_manifest *m);

/* ---------------------------------------------------------------------
 * Snapshots (corpus.c)
 * --------------------------------------------------------------------- */
typedef struct kzi_snapshot {
  int refs;                 /* protected by the corpus mutex */
  uint64_t generation;
  uint32_t nseg;
  kzi_segment **seg;
  uint64_t ndocs, ndel;     /* live / deleted */
  double avglen[KZI_NFIELDS];
  /* BM25 length normalization of field f: norm_a + norm_c[f] * length;
   * wnorm[f][len] = field weight / that, for lengths < KZI_WNORM */
  double norm_a, norm_c[KZI_NFIELDS];
  double *wnorm[KZI_NFIELDS];
  uint64_t total_docs;      /* including deleted (for idf) */
  /* count.c: documents and words of each group of a kz_count_by grouping
   * (below KZ_COUNT_DOC) over the live documents, built on first use under
   * gsize_mu and unchanged once set */
  pthread_mutex_t gsize_mu;
  struct kz_counts *gsize[KZ_COUNT_DOC];
  /* store_cache.c: partly decoded store blocks, under store_mu */
  pthread_mutex_t store_mu;
  struct kzi_store_cache *store_cache;
} kzi_snapshot;

/* A segment file's identity: its id and what stat(2) says of it. */
typedef struct kzi_segfile {
  uint64_t id, dev, ino, size;
  int64_t ctime_ns;
} kzi_segfile;

struct kz_corpus {
  char *dir;
  unsigned flags;
  unsigned tok_flags;       /* KZ_TOK_* used for indexing */
  char lang[16];
  double k1, b, weight[KZI_NFIELDS];
  size_t budget;
  pthread_mutex_t mu;       /* snapshot swap, tokenizer pool */
  kzi_snapshot *snap;
  kz_tokenizer **pool; size_t npool, cappool; /* idle analyzers */
  kz_tokenizer **xpool; size_t nxpool, capxpool; /* idle unstemmed ones */
  struct kzi_writer *w;     /* NULL until the first write */
  int lock_fd;              /* -1 when not holding the writer lock */
  kzi_manifest man;         /* the writer's view of the committed state */
  /* segment files this handle has checked whole or written itself (under
   * mu): a new snapshot does not read them through again */
  kzi_segfile *checked; size_t nchecked, capchecked;
};

/* Remember that segment file `name` of c's directory is whole (its
 * checksum was checked, or c wrote it); snapshots of c then open it without
 * reading it through.  A file of another identity (inode, size, change
 * time) under the same name is checked again. */
void kzi_corpus_checked(kz_corpus *c, const char *name);

kzi_snapshot *kzi_snap_acquire(kz_corpus *c);
/* Free the group sizes count.c kept with s. */
void kzi_snap_gsize_free(kzi_snapshot *s);
/* The stored record (every field but the key) of document doc of segment
 * si of s, copied into *mem (malloc'd, each field NUL-terminated; NULL on
 * error) with out->f / out->n pointing into it (out's key is left alone).
 * Decodes the store block only as far as needed, through s's cache of
 * blocks (store_cache.c; thread-safe).  KZ_OK, KZ_ECORRUPT, KZ_ENOMEM. */
int kzi_snap_record(kzi_snapshot *s, uint32_t si, uint32_t doc, kzi_stored *out, char **mem);
/* Free s's cache of store blocks. */
void kzi_snap_store_free(kzi_snapshot *s);
void kzi_snap_release(kz_corpus *c, kzi_snapshot *s);
/* Borrow an analyzer (exact: the unstemmed variant) from the pool. */
int kzi_tok_get(kz_corpus *c, int exact, kz_tokenizer **out);
void kzi_tok_put(kz_corpus *c, int exact, kz_tokenizer *tk);
/* Tokenizer flags of the analyzer (exact = without stemming). */
unsigned kzi_analyzer_flags(unsigned tok_flags, int exact);
/* Normalize a metadata value (source, author) like the analyzer: lowercase
 * words joined by one space.  Appends to out. */
int kzi_meta_norm(kz_tokenizer *tk, const char *s, size_t n, kzi_buf *out);
/* "YYYY-MM-DD..." -> days since 1970 or KZI_NO_DATE. */
int32_t kzi_parse_date(const char *s, size_t n);
/* date.c: a date given as metadata -> days since 1970 or KZI_NO_DATE:
 * ISO 8601 as kzi_parse_date(); YYYYMMDD; Unix time in seconds (9-10
 * digits) or milliseconds (13), as UTC; YYYY/MM/DD and YYYY.MM.DD; and the
 * forms news pages write (kzi_date_find(): "Wed, 05 Jan 2022 10:00:00
 * GMT", "January 5, 2022", "5 января 2022", "05.01.2022", day first).
 * Other forms (05/01/2022: day or month first?) give no date. */
int32_t kzi_meta_date(const char *s, size_t n);
void kzi_format_date(int32_t days, char out[11]);
void kzi_civil(int32_t days, int *y, int *m, int *d);
int32_t kzi_days(int y, int m, int d);

/* ---------------------------------------------------------------------
 * Interface to writer.c
 * --------------------------------------------------------------------- */
typedef struct kzi_writer kzi_writer;
int kzi_writer_new(kzi_writer **out, kz_corpus *c);
void kzi_writer_free(kzi_writer *w);
/* Add a document (fields as in kzi_stored; author raw). */
int kzi_writer_add(kzi_writer *w, const kzi_stored *st);
/* Delete key from pending/committed data: KZ_OK or KZ_ENOTFOUND. */
int kzi_writer_delete(kzi_writer *w, const char *key, size_t n);
int kzi_writer_commit(kzi_writer *w, int optimize);
/* After acquiring the lock: load committed segments for key lookups. */
int kzi_writer_attach(kzi_writer *w);

/* ---------------------------------------------------------------------
 * Interface to merge.c
 * --------------------------------------------------------------------- */
/* Merge segments into a new segment with id new_id in dir, dropping
 * deleted documents.  *ndocs_out gets the documents written. */
int kzi_merge(const char *dir, kzi_segment **segs, uint32_t n,
              uint64_t new_id, uint32_t *ndocs_out);

/* ---------------------------------------------------------------------
 * Interface to qparse.c: the query AST.
 * --------------------------------------------------------------------- */
typedef enum kzi_qtype {
  KZQ_NONE = 0,   /* matches nothing (a word with no tokens) */
  KZQ_ALL,        /* every document */
  KZQ_TERM,       /* one dictionary key (text or metadata space) */
  KZQ_PHRASE,     /* kids: TERM or OR-of-TERM in order */
  KZQ_AND,
  KZQ_OR,
  KZQ_NOT,        /* kid 0 positive, kids 1.. excluded */
  KZQ_NEAR,       /* kids: TERM or PHRASE, distance */
  KZQ_DATE,       /* lo..hi days inclusive */
  KZQ_TERMS       /* OR of kids that are TERMs (an expanded entity:) */
} kzi_qtype;

typedef struct kzi_qnode {
  int type;
  unsigned fields;          /* text field mask (TERM/PHRASE/NEAR) */
  char *term; size_t term_len; /* TERM: dictionary key with space byte */
  int meta;                 /* TERM: metadata space (no positions) */
  struct kzi_qnode **kid; size_t nkid, capkid;
  uint32_t dist;            /* NEAR */
  int32_t lo, hi;           /* DATE */
  int expanded;             /* OR made from a prefix/fuzzy term */
  int exact;                /* =word */
  int fuzzy;                /* edit distance for a pattern, -1 prefix */
  size_t pos;               /* byte offset in the query, for messages */
} kzi_qnode;

struct kz_query {
  kzi_qnode *root;
  char *desc;
  int has_positive;         /* some positive text term */
};
/* What entity:NAME needs from a corpus (qentity.c): zero it, set c; the
 * snapshot and alias table are taken on first use. */
typedef struct kzi_entity_ctx {
  kz_corpus *c;
  kzi_snapshot *snap;
  char *aliases; size_t naliases; int aliases_read;
} kzi_entity_ctx;
void kzi_entity_ctx_done(kzi_entity_ctx *e);
/* Append (NUL-terminated, without the space byte) the terms of space of
 * every segment of the snapshot whose phonetic key (kz_entity_key()) is
 * key[0..kn).  KZ_OK, KZ_ELIMIT (too many), KZ_ENOMEM, KZ_ECORRUPT. */
int kzi_entity_terms(kzi_entity_ctx *e, char space, const char *key, size_t kn,
                     kzi_buf *out);
/* Is the analyzed ASCII word t[0..n) written as a name in the stored text
 * (a capital first letter)?  *verdict 1 mostly so, -1 mostly in lower case,
 * 0 unknown (a tie, none found, or not an ASCII word). */
int kzi_entity_casing(kzi_entity_ctx *e, char space, const char *t, size_t n, int *verdict);
/* The corpus's alias table text (*text NULL when there is none). */
int kzi_entity_aliases(kzi_entity_ctx *e, const char **text, size_t *len);
/* The ALIASES file of dir: read (*out malloc'd, NULL/0 when absent) and
 * written atomically. */
int kzi_aliases_read(const char *dir, char **out, size_t *len);
int kzi_aliases_write(const char *dir, const char *text, size_t len);
void kzi_entidx_free(kzi_entidx *x);

/* Build a query with the analyzers of c (tk: analyzer, xtk: unstemmed);
 * ent (may be NULL) expands entity:NAME. */
int kzi_query_parse(kz_query **out, kz_tokenizer *tk, kz_tokenizer *xtk,
                    int stemmed, kzi_entity_ctx *ent, const char *text, size_t len);
void kzi_qnode_free(kzi_qnode *n);
/* Set the thread's message "query error at byte POS: ..." and remember POS
 * for kz_query_error_position(); returns code. */
int kzi_query_error(int code, size_t pos, const char *fmt, ...) KZI_PRINTF(3, 4);

/* ---------------------------------------------------------------------
 * Interface to qexec.c: iterators over one segment.
 * --------------------------------------------------------------------- */
typedef struct kzi_span { uint32_t start, end; } kzi_span; /* positions */

typedef struct kzi_it kzi_it;
typedef struct kzi_exec {
  const kzi_snapshot *snap;
  const kzi_segment *seg;
  const kz_corpus *c;
  int rc;                   /* sticky error */
  /* Top-k pruning (rank.c): when topk is set, documents whose score bound
   * is <= theta may be skipped; skipped counts the skips. */
  int topk;
  double theta;
  uint64_t skipped;
} kzi_exec;

/* Build the iterator tree of q over segment seg (prefix and fuzzy words are
 * expanded in that segment's dictionary; idf from the whole snapshot). */
int kzi_exec_build(kzi_it **out, kzi_exec *ex, const kzi_qnode *q);
void kzi_it_free(kzi_it *it);
/* Position on the first matching live doc >= target (KZI_NO_DOC at end). */
uint32_t kzi_it_seek(kzi_exec *ex, kzi_it *it, uint32_t target);
double kzi_it_score(kzi_exec *ex, kzi_it *it, uint32_t doc);
double kzi_it_maxscore(const kzi_it *it);
/* Max-score top-k over an OR root (kzi_it_maxscore_ok): the next live doc
 * >= target whose score may beat theta, with its score. */
int kzi_it_maxscore_ok(const kzi_it *it);
uint32_t kzi_it_next_maxscore(kzi_exec *ex, kzi_it *it, uint32_t target, double theta,
                              double *score);
/* Top-k over a single TERM root (kzi_it_is_term()): push() gets each
 * document (live, in the term's fields) whose score beats *theta, and
 * keeps *theta at the k-th best score (-1 until there are k); *total
 * counts the documents scored. */
typedef int (*kzi_topk_cb)(void *payload, uint32_t doc, double score, double *theta);
int kzi_it_is_term(const kzi_it *it);
/* The matches of a plain TERM iterator (or of an OR or AND of distinct
 * terms of one space: a prefix/fuzzy expansion, or words) positioned on
 * doc, from the postings frequencies of its fields (no positions): 0 with
 * *n set, or 1 when it is not such an iterator (then use kzi_it_spans()). */
int kzi_it_term_matches(kzi_it *it, uint32_t doc, uint64_t *n);
int kzi_it_topk_term(kzi_exec *ex, kzi_it *it, kzi_topk_cb push, void *payload,
                     uint64_t *total);
/* The same for an AND, PHRASE or NEAR root of plain TERMs (kzi_it_is_conj()). */
int kzi_it_is_conj(const kzi_it *it);
int kzi_it_topk_conj(kzi_exec *ex, kzi_it *it, kzi_topk_cb push, void *payload,
                     uint64_t *total);
/* Matches of the current doc in field f, sorted, merged: appended to *sp. */
int kzi_it_spans(kzi_exec *ex, kzi_it *it, uint32_t doc, unsigned f,
                 kzi_span **sp, size_t *n, size_t *cap);
/* Code points of s[0..n) (at most cap; invalid bytes as U+FFFD), and the
 * Levenshtein distance of two such strings (k + 1 when above k; strings
 * over 64 code points count as far). */
size_t kzi_to_cps(const char *s, size_t n, uint32_t *out, size_t cap);
int kzi_lev_bounded(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int k);
/* Sort and merge overlapping spans in place. */
size_t kzi_spans_normalize(kzi_span *sp, size_t n);

/* Field weight / BM25 length normalization of field f for a length. */
static inline double kzi_wnorm_calc(const kz_corpus *c, const kzi_snapshot *s, unsigned f,
                                    uint32_t len) {
  double norm = s->norm_a + s->norm_c[f] * (double)len;
  return c->weight[f] / (norm < 1e-6 ? 1e-6 : norm);
}
static inline double kzi_wnorm(const kz_corpus *c, const kzi_snapshot *s, unsigned f,
                               uint32_t len) {
  return len < KZI_WNORM ? s->wnorm[f][len] : kzi_wnorm_calc(c, s, f, len);
}
/* Term idf over the snapshot, and BM25F. */
double kzi_idf(const kzi_snapshot *snap, uint64_t df);
double kzi_bm25(const kz_corpus *c, const kzi_snapshot *snap, double idf,
                const uint32_t *freq, const kzi_cols *cols);

/* Visit every live matching document of q in snapshot s (in segment and
 * document order).  cb gets the exec context, the iterator (positioned on
 * doc) and the doc; nonzero stops and is returned. */
typedef int (*kzi_match_cb)(kzi_exec *ex, kzi_it *it, uint32_t seg,
                            uint32_t doc, void *payload);
int kzi_each_match(kz_corpus *c, kzi_snapshot *s, const kz_query *q,
                   kzi_match_cb cb, void *payload);

/* ---------------------------------------------------------------------
 * Interface to snippet.c
 * --------------------------------------------------------------------- */
typedef struct kzi_tokpos { size_t start, end; } kzi_tokpos;
/* Byte spans of the positions of text[0..n) (index = position), the
 * first limit positions only (SIZE_MAX: all). */
int kzi_token_offsets(kz_corpus *c, const char *text, size_t n, size_t limit,
                      kzi_tokpos **out, size_t *count);
/* Snippet of text around the normalized spans sp: text into out, the
 * ranges of the spans inside it into *hl (malloc'd). */
int kzi_snippet(kz_corpus *c, const char *text, size_t n, const kzi_span *sp,
                size_t nsp, unsigned window, kzi_buf *out, kzi_tokpos **hl,
                size_t *nhl);
/* The byte ranges in text of the normalized spans sp (*out malloc'd; spans
 * beyond the text are left out). */
int kzi_span_bytes(kz_corpus *c, const char *text, size_t n, const kzi_span *sp,
                   size_t nsp, kzi_tokpos **out, size_t *nout);

/* ---------------------------------------------------------------------
 * Interface to lz.c: per-record compression of the document store.
 * --------------------------------------------------------------------- */
int kzi_lz_compress(const unsigned char *in, size_t n, kzi_buf *out);
/* Decode exactly raw bytes into out: KZ_OK or KZ_ECORRUPT. */
int kzi_lz_decompress(const unsigned char *p, size_t n, unsigned char *out, size_t raw);
/* Resumable decoding: go on from input offset *ip and output offset *op
 * until at least want bytes are out (or the end); out holds raw +
 * KZI_LZ_PAD bytes.  KZ_OK or KZ_ECORRUPT. */
#define KZI_LZ_PAD 32
int kzi_lz_decompress_upto(const unsigned char *p, size_t n, size_t *ip, unsigned char *out,
                           size_t *op, size_t raw, size_t want);

/* ---------------------------------------------------------------------
 * Interface to lines.c: the lines of a plain or gzip-compressed file
 * --------------------------------------------------------------------- */
typedef struct kzi_lines kzi_lines;
/* Open path (its first bytes tell plain from gzip; other compressions are
 * KZ_EFORMAT, with a message that says how to decompress them). */
int kzi_lines_open(kzi_lines **r, const char *path);
/* The next line, with its '\n' if it has one, valid until the next call;
 * *line is NULL at the end.  Errors (KZ_EIO, KZ_EFORMAT for a damaged or
 * truncated gzip stream, KZ_ENOMEM) name the file. */
int kzi_lines_next(kzi_lines *r, const char **line, size_t *len);
/* Bytes of the file read so far (for progress), and its size (0 when not
 * a regular file). */
uint64_t kzi_lines_done(const kzi_lines *r);
uint64_t kzi_lines_size(const kzi_lines *r);
void kzi_lines_close(kzi_lines *r);

/* ---------------------------------------------------------------------
 * Interface to jsonl.c
 * --------------------------------------------------------------------- */
/* Parse one JSON object line into st (strings decoded into arena).
 * Returns KZ_OK or KZ_EFORMAT with a message in err (>= 200 bytes). */
int kzi_jsonl_parse_line(const char *line, size_t n, kzi_buf *arena,
                         kzi_stored *st, char *err, size_t errcap);

#endif /* KZ_CORPUS_INT_H */
