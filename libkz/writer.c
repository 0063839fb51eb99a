/*
 * writer.c - the in-memory segment builder and the commit protocol.
 *
 * Documents are analyzed as they are added: the tokenizer hands over its
 * terms in batches (kzi_tokenize_terms()), which are hashed and looked up
 * together in the term table (prefetched, keys compared with 8-byte loads
 * from padded buffers), and each becomes an occurrence (term, field,
 * position) chained to its term.  At the end of a document
 * each term's occurrences become one entry, already in the on-disk entry
 * format (see segment.c), appended to the term's own chain of slices in a
 * pool (see new_slice()).  When the memory used passes the budget the
 * buffer is flushed to a new segment file, which stays "pending" (named by
 * no MANIFEST) until commit: flushing orders the terms (radix sort on their
 * first 8 bytes) and hands each term's entries, read along its chain, to
 * the segment writer.
 *
 * Replacing and deleting: keys are looked up in the buffer, the pending
 * segments and the committed segments; matches are marked in per-segment
 * deletion bitmaps held here until commit.
 *
 * Commit: flush the buffer; write a deletion file (del-ID-GEN.kzd) for
 * every segment whose bitmap changed; write the new MANIFEST (atomic
 * rename); then remove files no MANIFEST names any more.  A crash before
 * the rename leaves only unreferenced files, removed by the next writer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus_int.h"
#include "termkey.h"

/* The term table: open addressing with 32-byte slots (two to a cache
 * line) holding the first 16 bytes of the key, so a lookup of a key of up
 * to 16 bytes (nearly every word) touches one cache line; longer keys
 * compare the rest in the arena, found from the slot. */
typedef struct tslot {
  uint64_t key8;        /* key bytes 0..7 (space byte first), 0-padded */
  uint64_t key16;       /* key bytes 8..15, 0-padded */
  uint32_t tag;         /* hash bits 63..40 << 8 | min(key length, 255) */
  uint32_t id1;         /* term + 1; 0 = empty */
  uint32_t koff;        /* the key in the arena */
  uint32_t unused;
} tslot;

/* Per-term state touched for every occurrence, and its postings: entries
 * appended to its own chain of slices in the pool (see new_slice()). */
typedef struct tstate {
  uint32_t seen;        /* docseq of the document that last touched it */
  uint32_t head, tail;  /* its occurrences in that document (occ indices) */
  uint32_t lastdoc;     /* UINT32_MAX: none yet */
  uint32_t first;       /* pool offset of its first slice; 0: no entry yet */
  uint32_t at, end;     /* the current slice: next entry's offset, data end */
  uint32_t cap;         /* the current slice's data bytes */
} tstate;

/* Per-term key (cold: used to compare long keys and at flush). */
typedef struct tkey {
  uint32_t koff, klen;  /* key bytes in arena */
} tkey;

#define BATCH KZI_TERM_BATCH

typedef struct occ {
  uint32_t pos;
  uint32_t next;        /* next occurrence of the same term, or UINT32_MAX */
  uint8_t field;        /* 0..3 text field, 15 metadata */
} occ;

#define META_FIELD 15

/* The last metadata value of one key space and its term (see meta_term()):
 * a corpus's documents mostly repeat the source and language of the one
 * before. */
#define MEMO_MAX 64
typedef struct memo {
  char raw[MEMO_MAX];
  uint32_t n;           /* raw bytes; UINT32_MAX: nothing remembered */
  uint32_t id;          /* its term, or UINT32_MAX when it has none */
} memo;

typedef struct wseg {
  kzi_segment *s;
  unsigned char *del;   /* bitmap, NULL until a delete */
  uint32_t ndel;
  int dirty, pending;
} wseg;

struct kzi_writer {
  kz_corpus *c;
  kz_tokenizer *tk, *xtk;
  int stemmed;
  /* terms */
  tslot *slots; size_t scap;    /* power of two */
  tstate *tst; tkey *tk2; size_t nterms, tcap; /* tst, tk2: in tstb, tk2b */
  kzi_buf tstb, tk2b;           /* (kzi_big_reserve(): grown without copies) */
  kzi_buf arena;                /* term keys */
  kzi_buf pool;                 /* postings entries, in per-term slices */
  /* documents of the buffer */
  kzi_cols *cols; size_t ndocs, dcap;
  kzi_segw *sw; uint64_t sw_id; /* their pending segment, open from the first
                                   document: records are stored (compressed
                                   block by block) as documents come */
  unsigned char *del; size_t delcap;
  uint64_t *ktab; size_t kcap;   /* key hash table (see key_find_buf) */
  /* per-document scratch */
  occ *occ; size_t nocc, ocap;
  uint32_t *touched; size_t ntouched, tcap2; /* terms of the document */
  uint32_t docseq;
  uint32_t field; int xpass;
  kzi_buf norm, gather;
  uint32_t bid[BATCH];          /* the term ids of a batch (terms_cb()) */
  kzi_terms terms;              /* its terms, from kzi_tokenize_terms() */
  memo memo[3];                 /* source, language, author (meta_term()) */
  int rc;                       /* sticky error of terms_cb() */
  /* segments */
  wseg *seg; size_t nseg, segcap;
  kzi_snapshot *snap;   /* committed snapshot the wsegs borrow from */
};

/* Bytes of memory the buffer holds (compared with the budget). */
static size_t mem_used(const kzi_writer *w) {
  return w->pool.cap + w->scap * sizeof(tslot) +
         w->tcap * (sizeof(tstate) + sizeof(tkey)) + w->arena.cap +
         w->dcap * sizeof(kzi_cols) + w->kcap * sizeof(uint64_t) +
         w->ocap * sizeof(occ) + w->tcap2 * sizeof(uint32_t);
}

/* ---------------------------------------------------------------------
 * Terms
 * --------------------------------------------------------------------- */

/* a[0..n) == b[0..n), both padded (8 bytes readable past the end). */
static inline int eq_pad(const char *a, const char *b, size_t n) {
  for (; n >= 8; a += 8, b += 8, n -= 8)
    if (load8(a) != load8(b)) return 0;
  return n == 0 || load_pad(a, n) == load_pad(b, n);
}

static int table_grow(kzi_writer *w) {
  size_t ncap = w->scap ? w->scap * 2 : 4096;
  tslot *nt = kzi_big_alloc(ncap * sizeof *nt);
  if (!nt) return KZ_ENOMEM;
  for (size_t j = 0; j < w->scap; j++) {
    const tslot *o = &w->slots[j];
    const tkey *t;
    kwords kw;
    size_t k;
    if (!o->id1) continue;
    t = &w->tk2[o->id1 - 1];
    kw.k8 = o->key8;
    kw.k16 = o->key16;
    /* the arena is padded (see term_add()) */
    k = (t->klen > 16 ? hash_words(kw, t->klen, w->arena.p + t->koff + 16, t->klen - 16, 1)
                      : hash_words(kw, t->klen, NULL, 0, 1)) & (ncap - 1);
    while (nt[k].id1) k = (k + 1) & (ncap - 1);
    nt[k] = *o;
  }
  kzi_big_release(w->slots, w->scap * sizeof *w->slots);
  w->slots = nt;
  w->scap = ncap;
  return KZ_OK;
}

/* A new term space + s[0..n) in empty slot i (see term_id_h()). */
static KZI_NOINLINE int term_add(kzi_writer *w, size_t i, uint64_t h, uint64_t key8,
                                 uint64_t key16, uint32_t tag, char space, const char *s,
                                 size_t n, uint32_t *id) {
  size_t kl = n + 1;
  if ((w->nterms + 1) * 10 > w->scap * 7) {
    if (table_grow(w)) return KZ_ENOMEM;
    for (i = h & (w->scap - 1); w->slots[i].id1; i = (i + 1) & (w->scap - 1)) {}
  }
  if (w->nterms == w->tcap) {
    size_t ncap = w->tcap ? w->tcap * 2 : 4096;
    if (kzi_big_reserve(&w->tstb, ncap * sizeof(tstate) - w->tstb.n)) return KZ_ENOMEM;
    w->tstb.n = ncap * sizeof(tstate);
    w->tst = (tstate *)w->tstb.p;
    if (kzi_big_reserve(&w->tk2b, ncap * sizeof(tkey) - w->tk2b.n)) return KZ_ENOMEM;
    w->tk2b.n = ncap * sizeof(tkey);
    w->tk2 = (tkey *)w->tk2b.p;
    w->tcap = ncap;
  }
  if (w->arena.n > UINT32_MAX - kl - 8) return KZ_ELIMIT;
  /* the arena keeps 8 bytes of padding past its last key (eq_pad()) */
  if (w->arena.cap - w->arena.n < kl + 9 &&
      kzi_buf_reserve(&w->arena, kl + 8))
    return KZ_ENOMEM;
  {
    tkey *t = &w->tk2[w->nterms];
    tstate *st = &w->tst[w->nterms];
    t->koff = (uint32_t)w->arena.n;
    t->klen = (uint32_t)kl;
    st->seen = 0;
    st->lastdoc = UINT32_MAX;
    st->first = st->at = st->end = st->cap = 0;
    w->arena.p[w->arena.n] = space;
    memcpy(w->arena.p + w->arena.n + 1, s, n);
    w->arena.n += kl;
  }
  w->slots[i].key8 = key8;
  w->slots[i].key16 = key16;
  w->slots[i].koff = w->tk2[w->nterms].koff;
  w->slots[i].tag = tag;
  w->slots[i].id1 = (uint32_t)++w->nterms;
  *id = (uint32_t)(w->nterms - 1);
  return KZ_OK;
}

/* The id of the term space + s[0..n) whose words and hash are k and h
 * (key_hash()), created when new.  s is padded: 8 bytes can be read past
 * s + n. */
static KZI_ALWAYS_INLINE int term_id_h(kzi_writer *w, uint64_t h, kwords k, char space,
                                       const char *s, size_t n, uint32_t *id) {
  const tslot *slots = w->slots;
  const size_t mask = w->scap - 1;
  const uint64_t key8 = k.k8, key16 = k.k16;
  uint32_t tag;
  size_t i, kl;
  if (KZI_UNLIKELY(n + 1 > KZI_MAX_KEY)) return KZ_ERROR;
  kl = n + 1;
  tag = (uint32_t)(h >> 32) & 0xFFFFFF00u;
  tag |= kl < 255 ? (uint32_t)kl : 255u;
  for (i = h & mask; slots[i].id1; i = (i + 1) & mask) {
    const tslot *sl = &slots[i];
    if (sl->tag != tag || sl->key8 != key8 || sl->key16 != key16) continue;
    if (KZI_UNLIKELY(kl > 16)) {
      /* the tag holds lengths below 255 */
      if (kl >= 255 && w->tk2[sl->id1 - 1].klen != kl) continue;
      if (!eq_pad(w->arena.p + sl->koff + 16, s + 15, kl - 16)) continue;
    }
    *id = sl->id1 - 1;
    return KZ_OK;
  }
  return term_add(w, i, h, key8, key16, tag, space, s, n, id);
}

static int term_id(kzi_writer *w, char space, const char *s, size_t n, uint32_t *id) {
  kwords k;
  uint64_t h;
  n = key_form_len(n);
  if (!w->scap && table_grow(w)) return KZ_ENOMEM;
  /* a padded copy */
  w->gather.n = 0;
  if (kzi_buf_reserve(&w->gather, n + 8)) return KZ_ENOMEM;
  memcpy(w->gather.p, s, n);
  h = key_hash(space, w->gather.p, n, 1, &k);
  return term_id_h(w, h, k, space, w->gather.p, n, id);
}

/* Room for n more occurrences of n more terms. */
static int occ_reserve(kzi_writer *w, size_t n) {
  if (w->ocap - w->nocc < n) {
    size_t ncap = w->ocap ? w->ocap : 4096;
    occ *no;
    while (ncap - w->nocc < n) ncap *= 2;
    no = realloc(w->occ, ncap * sizeof *no);
    if (!no) return KZ_ENOMEM;
    w->occ = no;
    w->ocap = ncap;
  }
  if (w->tcap2 - w->ntouched < n) {
    size_t ncap = w->tcap2 ? w->tcap2 : 1024;
    uint32_t *nt;
    while (ncap - w->ntouched < n) ncap *= 2;
    nt = realloc(w->touched, ncap * sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    w->touched = nt;
    w->tcap2 = ncap;
  }
  return KZ_OK;
}

/* Occurrences come in field order and, within a field, in position order;
 * each term chains its own, so no sort is needed. */
static int add_occ(kzi_writer *w, uint32_t term, uint8_t field, uint32_t pos) {
  tstate *t = &w->tst[term];
  uint32_t i;
  if (w->nocc == w->ocap) {
    size_t ncap = w->ocap ? w->ocap * 2 : 4096;
    occ *no = realloc(w->occ, ncap * sizeof *no);
    if (!no) return KZ_ENOMEM;
    w->occ = no;
    w->ocap = ncap;
  }
  i = (uint32_t)w->nocc++;
  w->occ[i].field = field;
  w->occ[i].pos = pos;
  w->occ[i].next = UINT32_MAX;
  if (t->seen != w->docseq) {
    if (w->ntouched == w->tcap2) {
      size_t ncap = w->tcap2 ? w->tcap2 * 2 : 1024;
      uint32_t *nt = realloc(w->touched, ncap * sizeof *nt);
      if (!nt) return KZ_ENOMEM;
      w->touched = nt;
      w->tcap2 = ncap;
    }
    w->touched[w->ntouched++] = term;
    t->seen = w->docseq;
    t->head = t->tail = i;
  } else {
    w->occ[t->tail].next = i;
    t->tail = i;
  }
  return KZ_OK;
}

/* The address of pool offset off, for a prefetch: the pool has no memory
 * before its first slice, and offset 0 means "none", so it is worked out
 * without pointer arithmetic on a null pointer. */
static inline const void *pool_at(const kzi_writer *w, uint32_t off) {
  return (const void *)((uintptr_t)w->pool.p + off);
}

/* Terms are looked up in batches (kzi_tokenize_terms()), hashed by the
 * tokenizer: each one's table slot is prefetched first, so the lookups of
 * a batch overlap their cache misses. */
static int terms_cb(void *payload, kzi_terms *tb) {
  kzi_writer *w = payload;
  const size_t nt = tb->n;
  size_t mask;
  uint32_t *ids = w->bid;
  int rc = KZ_OK;
  /* the table must have room for the whole batch before hashing */
  if ((w->nterms + BATCH + 1) * 10 > w->scap * 7 && table_grow(w))
    return w->rc = KZ_ENOMEM;
  mask = w->scap - 1;
#ifdef KZI_TEST_COLLIDING_HASH
  for (size_t i = 0; i < nt; i++) /* (this hash depends on the length only) */
    tb->h[i] = hash_words((kwords){0, 0}, key_form_len(tb->len[i]) + 1, NULL, 0, 1);
#endif
  for (size_t i = 0; i < nt; i++) __builtin_prefetch(&w->slots[tb->h[i] & mask]);
  for (size_t i = 0; i < nt && !rc; i++) {
    size_t n = key_form_len(tb->len[i]);
    rc = term_id_h(w, tb->h[i], (kwords){tb->k8[i], tb->k16[i]}, tb->space,
                   tb->text.p + tb->off[i], n, &ids[i]);
    if (!rc) __builtin_prefetch(&w->tst[ids[i]], 1);
  }
  if (!rc && (w->ocap - w->nocc < nt || w->tcap2 - w->ntouched < nt))
    rc = occ_reserve(w, nt);
  for (size_t i = 0; i < nt && !rc; i++) {
    /* add_occ() without the capacity checks */
    uint32_t term = ids[i], k = (uint32_t)w->nocc++;
    tstate *t = &w->tst[term];
    w->occ[k].field = (uint8_t)w->field;
    w->occ[k].pos = tb->pos[i];
    w->occ[k].next = UINT32_MAX;
    if (t->seen != w->docseq) {
      w->touched[w->ntouched++] = term;
      t->seen = w->docseq;
      t->head = t->tail = k;
      /* emit_doc() will append to the term's slice there: a random line,
       * fetched while the rest of the document is analyzed */
      __builtin_prefetch(pool_at(w, t->at), 1);
    } else {
      w->occ[t->tail].next = k;
      t->tail = k;
    }
  }
  if (rc) w->rc = rc;
  return rc;
}

static int tokenize_field(kzi_writer *w, kz_tokenizer *tk, const char *s, size_t n) {
  int rc;
  w->rc = 0;
  w->terms.space = w->xpass ? KZI_SP_EXACT : KZI_SP_WORD;
  rc = kzi_tokenize_terms(tk, s, n, &w->terms, terms_cb, w);
  if (rc) return w->rc ? w->rc : rc;
  return KZ_OK;
}

/* Count of positions of a field = last position + 1 (from the occurrences
 * just added). */
static int index_field(kzi_writer *w, unsigned f, const char *s, size_t n,
                       uint32_t *len) {
  size_t before = w->nocc;
  int rc;
  w->field = f;
  w->xpass = 0;
  rc = tokenize_field(w, w->tk, s, n);
  if (rc) return rc;
  *len = 0;
  if (w->nocc > before) *len = w->occ[w->nocc - 1].pos + 1;
  if (w->stemmed) {
    w->xpass = 1;
    rc = tokenize_field(w, w->xtk, s, n);
    w->xpass = 0;
    if (rc) return rc;
  }
  return KZ_OK;
}

static void memo_clear(kzi_writer *w) {
  for (size_t i = 0; i < sizeof w->memo / sizeof w->memo[0]; i++) w->memo[i].n = UINT32_MAX;
}

/* The metadata term of space for s[0..n) (normalized as a query would),
 * with no position.  The value of the document before is remembered, so
 * a run of documents from one source normalizes its name once. */
static int meta_term(kzi_writer *w, char space, const char *s, size_t n) {
  memo *m = &w->memo[space == KZI_SP_SOURCE ? 0 : space == KZI_SP_LANG ? 1 : 2];
  uint32_t id = UINT32_MAX;
  int rc;
  if (m->n == n && memcmp(m->raw, s, n) == 0) {
    id = m->id;
  } else {
    w->norm.n = 0;
    rc = kzi_meta_norm(w->tk, s, n, &w->norm);
    if (rc) return rc;
    if (w->norm.n && (rc = term_id(w, space, w->norm.p, w->norm.n, &id))) return rc;
    m->n = UINT32_MAX;
    if (n <= MEMO_MAX) {
      memcpy(m->raw, s, n);
      m->n = (uint32_t)n;
      m->id = id;
    }
  }
  return id == UINT32_MAX ? KZ_OK : add_occ(w, id, META_FIELD, 0);
}

/* The pool holds each term's entries in a chain of slices, so that flush()
 * reads a term's postings in order without sorting anything:
 *   u32 cap | cap bytes of entries | u32 next slice | u32 end of its entries
 * The trailer is written when the term moves on to a new slice; the last
 * slice's entries end at the term's `at`.  The trailer also takes the few
 * bytes an in-place varint writes past an entry that fills its slice.
 * Slices double (from 16 bytes, up to 64 KB), so a term wastes at most
 * about half its bytes and most terms, seen once or twice, take one. */
#define SLICE_MIN 16u
#define SLICE_MAX 65536u
#define POOL_MAX ((size_t)UINT32_MAX - 2 * SLICE_MAX - (1u << 20))

static int new_slice(kzi_writer *w, tstate *st, size_t need) {
  size_t cap = st->cap ? (size_t)st->cap * 2 : SLICE_MIN, off;
  unsigned char *p;
  if (cap > SLICE_MAX) cap = SLICE_MAX;
  if (cap < need) cap = need;
  if (w->pool.n == 0) w->pool.n = 8; /* offset 0 means "none" */
  if (w->pool.n > POOL_MAX - cap) return KZ_ELIMIT;
  if (w->pool.n + cap + 13 > w->pool.cap && kzi_big_reserve(&w->pool, cap + 12))
    return KZ_ENOMEM;
  off = w->pool.n;
  p = (unsigned char *)w->pool.p;
  kzi_put32(p + off, (uint32_t)cap);
  w->pool.n = off + 4 + cap + 8;
  if (st->first == 0) {
    st->first = (uint32_t)off;
  } else {
    kzi_put32(p + st->end, (uint32_t)off);
    kzi_put32(p + st->end + 4, st->at);
  }
  st->at = (uint32_t)(off + 4);
  st->end = (uint32_t)(off + 4 + cap);
  st->cap = (uint32_t)cap;
  return KZ_OK;
}

/* Bytes of v as a varint (branch-free below 2^21, as kzi_venc()). */
static inline size_t vlen(uint64_t v) {
  size_t n = 4;
  if (v < (1u << 21)) return 1 + (v >= 0x80) + (v >= 0x4000);
  for (v >>= 28; v; v >>= 7) n++;
  return n;
}

/* Append each touched term's entry for the document to its slices: the
 * entry varint ((doc - the term's last doc - 1) << 4 | mask), the
 * frequencies, then the positions of each field delta-coded (the format
 * kzi_segw_term takes).  Entries are encoded in place (a copy of bytes
 * just stored one at a time would wait for a failed store forward). */
static int emit_doc(kzi_writer *w, uint32_t doc) {
  size_t ti;
  int rc = KZ_OK;
  for (ti = 0; ti < w->ntouched; ti++) {
    uint32_t id = w->touched[ti];
    tstate *st = &w->tst[id];
    uint32_t freq[KZI_NFIELDS] = {0}, prev = 0, total = 0;
    uint64_t dv = (uint64_t)doc - (st->lastdoc == UINT32_MAX ? 0 : (uint64_t)st->lastdoc + 1);
    unsigned mask = 0;
    int lastf = -1;
    unsigned char *e;
    size_t need;
    if (st->head == st->tail && w->occ[st->head].field < KZI_NFIELDS) {
      /* one occurrence (most terms of a document) */
      const occ *oc = &w->occ[st->head];
      uint64_t v = dv << 4 | 1u << oc->field;
      need = vlen(v) + 1 + vlen(oc->pos);
      if (st->end - st->at < need && (rc = new_slice(w, st, need))) break;
      e = (unsigned char *)w->pool.p + st->at;
      e += kzi_venc(e, v);
      *e++ = 1; /* frequency */
      kzi_venc(e, oc->pos);
      st->at += (uint32_t)need;
      st->lastdoc = doc;
      continue;
    }
    /* the frequencies first (duplicate positions do not count) */
    for (uint32_t i = st->head; i != UINT32_MAX; i = w->occ[i].next) {
      uint8_t f = w->occ[i].field;
      if (f >= KZI_NFIELDS) continue;
      if ((int)f != lastf) {
        prev = 0;
        lastf = f;
      } else if (w->occ[i].pos <= prev && freq[f]) {
        continue;
      }
      mask |= 1u << f;
      prev = w->occ[i].pos;
      freq[f]++;
      total++;
    }
    /* header <= 10 + 4 * 5 bytes, positions <= 5 each */
    need = 30 + 5 * (size_t)total;
    if (st->end - st->at < need && (rc = new_slice(w, st, need))) break;
    e = (unsigned char *)w->pool.p + st->at;
    e += kzi_venc(e, dv << 4 | mask);
    for (unsigned f = 0; f < KZI_NFIELDS; f++)
      if (mask & (1u << f)) e += kzi_venc(e, freq[f]);
    lastf = -1;
    prev = 0;
    for (uint32_t i = st->head, seen = 0; i != UINT32_MAX; i = w->occ[i].next) {
      uint8_t f = w->occ[i].field;
      if (f >= KZI_NFIELDS) continue;
      if ((int)f != lastf) {
        prev = 0;
        lastf = f;
        seen = 0;
      } else if (w->occ[i].pos <= prev && seen) {
        continue;
      }
      e += kzi_venc(e, w->occ[i].pos - prev);
      prev = w->occ[i].pos;
      seen = 1;
    }
    st->at = (uint32_t)(e - (unsigned char *)w->pool.p);
    st->lastdoc = doc;
  }
  w->nocc = 0;
  w->ntouched = 0;
  return rc;
}

/* The term's entries: in place when it has one slice, else gathered into
 * w->gather. */
static int term_entries(kzi_writer *w, const tstate *st, const unsigned char **data,
                        size_t *n) {
  const unsigned char *p = (const unsigned char *)w->pool.p;
  uint32_t s = st->first;
  w->gather.n = 0;
  for (;;) {
    uint32_t cap = kzi_get32(p + s), tr = s + 4 + cap;
    uint32_t dend = tr == st->end ? st->at : kzi_get32(p + tr + 4);
    if (tr == st->end && s == st->first) { /* one slice */
      *data = p + s + 4;
      *n = dend - (s + 4);
      return KZ_OK;
    }
    if (kzi_buf_append(&w->gather, p + s + 4, dend - (s + 4))) return KZ_ENOMEM;
    if (tr == st->end) break;
    s = kzi_get32(p + tr);
  }
  *data = (const unsigned char *)w->gather.p;
  *n = w->gather.n;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Buffer documents and keys
 * --------------------------------------------------------------------- */

/* The key table: (key hash >> 32) << 32 | (doc + 1), 0 = empty; probing
 * starts at the high half of the hash. */
static int key_find_buf(kzi_writer *w, const char *key, size_t n, uint64_t h,
                        size_t *slot) {
  size_t i;
  *slot = 0;
  if (!w->kcap) return -1;
  for (i = (size_t)(h >> 32) & (w->kcap - 1); w->ktab[i]; i = (i + 1) & (w->kcap - 1)) {
    const char *k;
    size_t kn;
    uint32_t d;
    if ((w->ktab[i] ^ h) >> 32) continue;
    d = (uint32_t)w->ktab[i] - 1;
    if (kzi_segw_key(w->sw, d, &k, &kn) == KZ_OK && kn == n && memcmp(k, key, n) == 0) {
      *slot = i;
      return (int)1;
    }
  }
  *slot = i;
  return 0;
}

static int key_insert(kzi_writer *w, uint32_t doc, const char *key, size_t n) {
  size_t slot;
  uint64_t h = kzi_hash64(key, n);
  if ((w->ndocs + 1) * 2 > w->kcap) {
    size_t ncap = w->kcap ? w->kcap * 2 : 1024;
    uint64_t *nt = kzi_big_alloc(ncap * sizeof *nt);
    if (!nt) return KZ_ENOMEM;
    for (size_t j = 0; j < w->kcap; j++)
      if (w->ktab[j]) {
        size_t k = (size_t)(w->ktab[j] >> 32) & (ncap - 1);
        while (nt[k]) k = (k + 1) & (ncap - 1);
        nt[k] = w->ktab[j];
      }
    kzi_big_release(w->ktab, w->kcap * sizeof *w->ktab);
    w->ktab = nt;
    w->kcap = ncap;
  }
  key_find_buf(w, key, n, h, &slot);
  w->ktab[slot] = (h & 0xFFFFFFFF00000000ull) | ((uint64_t)doc + 1);
  return KZ_OK;
}

static void mark_buf_deleted(kzi_writer *w, uint32_t d) {
  w->del[d >> 3] |= (unsigned char)(1u << (d & 7));
}

static int seg_mark(wseg *ws, uint32_t d) {
  if (!ws->del) {
    size_t nb = ((size_t)ws->s->ndocs + 7) / 8;
    ws->del = calloc(nb ? nb : 1, 1);
    if (!ws->del) return KZ_ENOMEM;
    if (ws->s->del) memcpy(ws->del, ws->s->del, nb);
    ws->ndel = ws->s->ndel;
  }
  if (!((ws->del[d >> 3] >> (d & 7)) & 1)) {
    ws->del[d >> 3] |= (unsigned char)(1u << (d & 7));
    ws->ndel++;
    ws->dirty = 1;
  }
  return KZ_OK;
}

static int is_deleted(const wseg *ws, uint32_t d) {
  if (ws->del) return (ws->del[d >> 3] >> (d & 7)) & 1;
  return kzi_seg_deleted(ws->s, d);
}

static int is_deleted_cb(const void *ws, uint32_t d) { return is_deleted(ws, d); }

/* Remove key everywhere; *found set when something was deleted. */
static int delete_key(kzi_writer *w, const char *key, size_t n, int *found) {
  size_t slot;
  uint64_t h = kzi_hash64(key, n);
  int rc;
  *found = 0;
  if (key_find_buf(w, key, n, h, &slot) == 1) {
    uint32_t d = (uint32_t)w->ktab[slot] - 1;
    if (!((w->del[d >> 3] >> (d & 7)) & 1)) {
      mark_buf_deleted(w, d);
      *found = 1;
    }
  }
  for (size_t i = 0; i < w->nseg; i++) {
    uint32_t d;
    /* the live one: a segment holds a key more than once when it was
     * replaced before a flush */
    rc = kzi_seg_find_key_h(w->seg[i].s, key, n, h, is_deleted_cb, &w->seg[i], &d);
    if (rc == KZ_ENOTFOUND) continue;
    if (rc) return rc;
    if ((rc = seg_mark(&w->seg[i], d))) return kzi_seterr(NULL, rc, "out of memory");
    *found = 1;
  }
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Flushing the buffer to a pending segment
 * --------------------------------------------------------------------- */

/* Term order: bytes, then length (term_cmp() of segment.c). */
static int term_less(const kzi_writer *w, uint32_t x, uint32_t y) {
  const tkey *a = &w->tk2[x], *b = &w->tk2[y];
  size_t m = a->klen < b->klen ? a->klen : b->klen;
  int c = memcmp(w->arena.p + a->koff, w->arena.p + b->koff, m);
  return c ? c < 0 : a->klen < b->klen;
}

/* Sort ids by term (merge sort; tmp holds n ids). */
static void sort_ids(const kzi_writer *w, uint32_t *a, uint32_t *tmp, size_t n) {
  size_t h, i, j, k;
  if (n <= 12) {
    for (i = 1; i < n; i++) {
      uint32_t v = a[i];
      for (j = i; j > 0 && term_less(w, v, a[j - 1]); j--) a[j] = a[j - 1];
      a[j] = v;
    }
    return;
  }
  h = n / 2;
  sort_ids(w, a, tmp, h);
  sort_ids(w, a + h, tmp, n - h);
  for (i = 0, j = h, k = 0; i < h && j < n;) tmp[k++] = term_less(w, a[j], a[i]) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

typedef struct tsort {
  uint64_t k;   /* the first 8 key bytes, big-endian, 0-padded */
  uint64_t id;
} tsort;

/* The terms in order: a radix sort on the first 8 bytes, then the runs
 * that share them sorted whole. */
static int sort_terms(const kzi_writer *w, uint32_t *order) {
  size_t n = w->nterms, cnt[256];
  size_t bytes = (n ? n : 1) * sizeof(tsort);
  tsort *x = kzi_big_alloc(bytes), *y = kzi_big_alloc(bytes);
  if (!x || !y) {
    kzi_big_release(x, bytes);
    kzi_big_release(y, bytes);
    return KZ_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    const tkey *t = &w->tk2[i];
    /* the arena is padded: 8 bytes can be read at any key */
    const char *k = w->arena.p + t->koff;
    uint64_t v = t->klen >= 8 ? load8(k) : load_pad(k, t->klen);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x[i].k = v;
#else
    x[i].k = __builtin_bswap64(v);
#endif
    x[i].id = i;
  }
  for (unsigned sh = 0; sh < 64; sh += 8) {
    size_t sum = 0;
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) cnt[(x[i].k >> sh) & 255]++;
    if (n && cnt[(x[0].k >> sh) & 255] == n) continue; /* one bucket */
    for (unsigned b = 0; b < 256; b++) {
      size_t c = cnt[b];
      cnt[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) y[cnt[(x[i].k >> sh) & 255]++] = x[i];
    {
      tsort *t = x;
      x = y;
      y = t;
    }
  }
  for (size_t i = 0; i < n; i++) order[i] = (uint32_t)x[i].id;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && x[j].k == x[i].k) j++;
    if (j - i > 1) sort_ids(w, order + i, (uint32_t *)y, j - i);
    i = j;
  }
  kzi_big_release(x, bytes);
  kzi_big_release(y, bytes);
  return KZ_OK;
}

static void buffer_reset(kzi_writer *w) {
  w->pool.n = 0;
  w->nterms = 0;
  memo_clear(w); /* term ids start again */
  if (w->slots) memset(w->slots, 0, w->scap * sizeof *w->slots);
  w->arena.n = 0;
  w->ndocs = 0;
  if (w->sw) kzi_segw_abort(w->sw); /* unless flush() finished it */
  w->sw = NULL;
  if (w->ktab) memset(w->ktab, 0, w->kcap * sizeof *w->ktab);
  if (w->del) memset(w->del, 0, w->delcap);
}

static int add_wseg(kzi_writer *w, kzi_segment *s, int pending) {
  if (w->nseg == w->segcap) {
    size_t ncap = w->segcap ? w->segcap * 2 : 16;
    wseg *n = realloc(w->seg, ncap * sizeof *n);
    if (!n) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    w->seg = n;
    w->segcap = ncap;
  }
  memset(&w->seg[w->nseg], 0, sizeof w->seg[0]);
  w->seg[w->nseg].s = s;
  w->seg[w->nseg].pending = pending;
  w->nseg++;
  return KZ_OK;
}

static int flush(kzi_writer *w) {
  kz_corpus *c = w->c;
  kzi_segw *sw = NULL;
  uint32_t *order = NULL;
  uint64_t id;
  kzi_segment *s = NULL;
  char name[64];
  int rc;
  if (w->ndocs == 0) return KZ_OK;
  id = w->sw_id;
  sw = w->sw;
  order = malloc((w->nterms ? w->nterms : 1) * sizeof *order);
  if (!order) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  rc = sort_terms(w, order);
  kzi_segw_lengths(sw, w->cols, (uint32_t)w->ndocs);
  for (size_t i = 0; i < w->nterms && !rc; i++) {
    const tkey *t = &w->tk2[order[i]];
    const tstate *st = &w->tst[order[i]];
    const unsigned char *data;
    size_t n;
    if (i + 16 < w->nterms) {
      /* the terms are visited in key order, their data in id order */
      __builtin_prefetch(&w->tst[order[i + 16]]);
      __builtin_prefetch(&w->tk2[order[i + 16]]);
    }
    if (i + 4 < w->nterms) {
      __builtin_prefetch(pool_at(w, w->tst[order[i + 4]].first));
      __builtin_prefetch(w->arena.p + w->tk2[order[i + 4]].koff);
    }
    if (st->first == 0) continue; /* created by a document that failed */
    rc = term_entries(w, st, &data, &n);
    if (!rc) rc = kzi_segw_term(sw, w->arena.p + t->koff, t->klen, 0, 0, data, n);
  }
  kzi_big_free(&w->pool);
  free(order);
  if (!rc) rc = kzi_segw_finish(sw, NULL);
  if (!rc) {
    kzi_segw_free(sw);
    w->sw = NULL;
    kzi_seg_name(name, sizeof name, id);
    kzi_corpus_checked(c, name); /* its checksum was computed as it was written */
    rc = kzi_segment_open(&s, c->dir, name, id, 0);
    if (!rc && (rc = add_wseg(w, s, 1))) kzi_segment_close(s);
  }
  if (rc) {
    /* the pool is gone and the pending segment broken: the buffer cannot
     * be flushed again */
    char why[256];
    snprintf(why, sizeof why, "%s", kz_last_errmsg());
    buffer_reset(w);
    return kzi_seterr(NULL, rc, "pending changes lost: %s", why);
  }
  for (uint32_t d = 0; d < w->ndocs; d++)
    if ((w->del[d >> 3] >> (d & 7)) & 1) seg_mark(&w->seg[w->nseg - 1], d);
  buffer_reset(w);
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Public-facing operations
 * --------------------------------------------------------------------- */

int kzi_writer_new(kzi_writer **out, kz_corpus *c) {
  kzi_writer *w = calloc(1, sizeof *w);
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  int rc;
  *out = NULL;
  if (w) w->arena.big = 1; /* term keys: megabytes, in huge pages */
  if (!w) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  w->c = c;
  memo_clear(w);
  o.flags = kzi_analyzer_flags(c->tok_flags, 0);
  o.language = c->lang[0] ? c->lang : NULL;
  rc = kz_tokenizer_new(&w->tk, &o);
  if (!rc && (c->tok_flags & KZ_TOK_STEM)) {
    w->stemmed = 1;
    o.flags = kzi_analyzer_flags(c->tok_flags, 1);
    rc = kz_tokenizer_new(&w->xtk, &o);
  }
  if (rc) {
    kzi_writer_free(w);
    return rc;
  }
  *out = w;
  return KZ_OK;
}

static void drop_segs(kzi_writer *w, int unlink_pending) {
  for (size_t i = 0; i < w->nseg; i++) {
    if (w->seg[i].pending) {
      if (unlink_pending) {
        char name[64], path[4200];
        kzi_seg_name(name, sizeof name, w->seg[i].s->id);
        kzi_path(path, sizeof path, w->c->dir, name);
        unlink(path);
      }
      kzi_segment_close(w->seg[i].s);
    }
    free(w->seg[i].del);
  }
  w->nseg = 0;
  if (w->snap) kzi_snap_release(w->c, w->snap);
  w->snap = NULL;
}

void kzi_writer_free(kzi_writer *w) {
  if (!w) return;
  drop_segs(w, 1);
  buffer_reset(w);
  free(w->seg);
  kz_tokenizer_free(w->tk);
  kz_tokenizer_free(w->xtk);
  kzi_big_release(w->slots, w->scap * sizeof *w->slots);
  kzi_big_free(&w->tstb);
  kzi_big_free(&w->tk2b);
  kzi_big_free(&w->pool);
  kzi_buf_free(&w->gather);
  kzi_buf_free(&w->terms.text);
  kzi_buf_free(&w->arena);
  free(w->cols);
  free(w->del);
  kzi_big_release(w->ktab, w->kcap * sizeof *w->ktab);
  free(w->occ);
  free(w->touched);
  kzi_buf_free(&w->norm);
  free(w);
}

/* Remove files of older generations and of crashed writers. */
static void cleanup_files(kz_corpus *c) {
  DIR *d = opendir(c->dir);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d)) != NULL) {
    unsigned long long id, gen;
    int keep = 1;
    char path[4200];
    if (sscanf(e->d_name, "seg-%16llx.kzs", &id) == 1 && strlen(e->d_name) == 24) {
      keep = 0;
      for (uint32_t i = 0; i < c->man.nseg; i++)
        if (c->man.seg[i].id == id) keep = 1;
      if (c->w)
        for (size_t i = 0; i < c->w->nseg; i++)
          if (c->w->seg[i].s->id == id) keep = 1;
    } else if (sscanf(e->d_name, "del-%16llx-%llu.kzd", &id, &gen) == 2) {
      keep = 0;
      for (uint32_t i = 0; i < c->man.nseg; i++)
        if (c->man.seg[i].id == id && c->man.seg[i].delgen == gen) keep = 1;
    } else if (strcmp(e->d_name, "MANIFEST.tmp") == 0 || strcmp(e->d_name, "ALIASES.tmp") == 0) {
      keep = 0;
    }
    if (!keep) {
      kzi_path(path, sizeof path, c->dir, e->d_name);
      unlink(path);
    }
  }
  closedir(d);
}

int kzi_writer_attach(kzi_writer *w) {
  kz_corpus *c = w->c;
  kzi_snapshot *s;
  drop_segs(w, 0);
  s = w->snap = kzi_snap_acquire(c);
  for (uint32_t i = 0; i < s->nseg; i++) {
    int rc = add_wseg(w, s->seg[i], 0);
    if (rc) return rc;
  }
  cleanup_files(c);
  return KZ_OK;
}

int kzi_writer_add(kzi_writer *w, const kzi_stored *st) {
  uint32_t doc = (uint32_t)w->ndocs;
  kzi_cols cols;
  int rc, found;
  const unsigned fields[KZI_NFIELDS] = {KZ_FIELD_TITLE, KZ_FIELD_BODY, KZ_FIELD_CAPTION,
                                        KZ_FIELD_HEADING};
  rc = delete_key(w, st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY], &found);
  if (rc) return rc;
  /* analyze */
  w->nocc = 0;
  w->ntouched = 0;
  if (++w->docseq == 0) { /* wrapped: forget every mark */
    for (size_t i = 0; i < w->nterms; i++) w->tst[i].seen = 0;
    w->docseq = 1;
  }
  for (unsigned f = 0; f < KZI_NFIELDS; f++) {
    rc = index_field(w, f, st->f[fields[f]], st->n[fields[f]], &cols.len[f]);
    if (rc) goto fail;
  }
  if (st->n[KZ_FIELD_SOURCE] && (rc = meta_term(w, KZI_SP_SOURCE, st->f[KZ_FIELD_SOURCE], st->n[KZ_FIELD_SOURCE])))
    goto fail;
  if (st->n[KZ_FIELD_LANGUAGE] && (rc = meta_term(w, KZI_SP_LANG, st->f[KZ_FIELD_LANGUAGE], st->n[KZ_FIELD_LANGUAGE])))
    goto fail;
  if (st->n[KZ_FIELD_AUTHOR]) {
    /* each author whole, and each word of each author */
    const char *a = st->f[KZ_FIELD_AUTHOR], *end = a + st->n[KZ_FIELD_AUTHOR];
    while (a < end) {
      const char *e = memchr(a, ';', (size_t)(end - a));
      if (!e) e = end;
      if ((rc = meta_term(w, KZI_SP_AUTHOR, a, (size_t)(e - a)))) goto fail;
      for (const char *p = a; p < e;) {
        const char *q = p;
        while (q < e && *q != ' ') q++;
        if (q > p && (q - p) < (e - a) && (rc = meta_term(w, KZI_SP_AUTHOR, p, (size_t)(q - p))))
          goto fail;
        p = q + 1;
      }
      a = e + 1;
    }
  }
  cols.date = kzi_parse_date(st->f[KZ_FIELD_DATE], st->n[KZ_FIELD_DATE]);
  cols.src = 0;
  /* store */
  if (w->ndocs + 1 >= w->dcap) {
    size_t ncap = w->dcap ? w->dcap * 2 : 1024;
    kzi_cols *nc = realloc(w->cols, ncap * sizeof *nc);
    unsigned char *nd;
    if (!nc) { rc = KZ_ENOMEM; goto fail; }
    w->cols = nc;
    nd = realloc(w->del, ncap / 8 + 1);
    if (!nd) { rc = KZ_ENOMEM; goto fail; }
    memset(nd + w->delcap, 0, ncap / 8 + 1 - w->delcap);
    w->del = nd;
    w->delcap = ncap / 8 + 1;
    w->dcap = ncap;
  }
  if (!w->sw) {
    uint64_t id = w->c->man.next_id;
    if ((rc = kzi_segw_open(&w->sw, w->c->dir, id))) {
      kzi_segw_abort(w->sw);
      w->sw = NULL;
      goto fail;
    }
    w->c->man.next_id++;
    w->sw_id = id;
  }
  w->cols[w->ndocs] = cols;
  rc = emit_doc(w, doc);
  if (!rc) rc = kzi_segw_doc(w->sw, &cols, st->f[KZ_FIELD_SOURCE], st->n[KZ_FIELD_SOURCE], st);
  if (rc) goto fail_hard;
  w->ndocs++;
  rc = key_insert(w, doc, st->f[KZ_FIELD_KEY], st->n[KZ_FIELD_KEY]);
  if (rc) goto fail_hard;
  /* (pool offsets are 32-bit: a huge budget still flushes at 4 GB) */
  if (mem_used(w) >= w->c->budget || w->pool.n > POOL_MAX / 2) return flush(w);
  return KZ_OK;
fail:
  w->nocc = 0;
  w->ntouched = 0;
  return kzi_seterr(NULL, rc, "cannot add document: %s", kz_strerror(rc));
fail_hard:
  /* postings may hold part of this document: drop the whole buffer */
  buffer_reset(w);
  return kzi_seterr(NULL, rc, "cannot add document (pending changes lost): %s",
                    kz_strerror(rc));
}

int kzi_writer_delete(kzi_writer *w, const char *key, size_t n) {
  int found, rc = delete_key(w, key, n, &found);
  if (rc) return rc;
  return found ? KZ_OK : KZ_ENOTFOUND;
}

/* Merge policy after a commit: when there are more than 10 segments,
 * merge the smallest ones that are within 10x of each other (at least 4). */
static int pick_merge(const kzi_manifest *m, int optimize, uint32_t *idx,
                      uint32_t *n) {
  uint32_t cnt = 0;
  *n = 0;
  if (optimize) {
    if (m->nseg < 2 && !(m->nseg == 1 && m->seg[0].ndel)) return 0;
    for (uint32_t i = 0; i < m->nseg; i++) idx[cnt++] = i;
    *n = cnt;
    return 1;
  }
  if (m->nseg <= 10) return 0;
  for (uint32_t i = 0; i < m->nseg; i++) idx[i] = i;
  for (uint32_t i = 1; i < m->nseg; i++)
    for (uint32_t j = i; j > 0 && m->seg[idx[j]].ndocs < m->seg[idx[j - 1]].ndocs; j--) {
      uint32_t t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t;
    }
  cnt = m->nseg - 6; /* merge enough to come back to 7 */
  if (cnt < 4) cnt = 4;
  *n = cnt;
  return 1;
}

static int do_merge(kzi_writer *w, int optimize) {
  kz_corpus *c = w->c;
  kzi_manifest *m = &c->man;
  uint32_t *idx = malloc((m->nseg + 1) * sizeof *idx), n, ndocs = 0;
  kzi_segment **segs = NULL;
  kzi_manifest nm;
  uint64_t id;
  int rc = KZ_OK;
  if (!idx) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  if (!pick_merge(m, optimize, idx, &n) || n == 0) {
    free(idx);
    return KZ_OK;
  }
  segs = calloc(n, sizeof *segs);
  nm.seg = calloc(m->nseg + 1, sizeof *nm.seg);
  if (!segs || !nm.seg) {
    rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    goto out;
  }
  /* the segments of the writer's snapshot (same order as the manifest) */
  for (uint32_t i = 0; i < n; i++) {
    for (size_t j = 0; j < w->nseg; j++)
      if (w->seg[j].s->id == m->seg[idx[i]].id) segs[i] = w->seg[j].s;
    if (!segs[i]) {
      rc = kzi_seterr(NULL, KZ_ERROR, "internal: merge segment not loaded");
      goto out;
    }
  }
  id = m->next_id++;
  rc = kzi_merge(c->dir, segs, n, id, &ndocs);
  if (rc) goto out;
  if (ndocs) {
    char name[64];
    kzi_seg_name(name, sizeof name, id);
    kzi_corpus_checked(c, name);
  }
  nm.generation = m->generation + 1;
  nm.next_id = m->next_id;
  nm.tok_flags = m->tok_flags;
  memcpy(nm.lang, m->lang, sizeof nm.lang);
  nm.nseg = 0;
  for (uint32_t i = 0; i < m->nseg; i++) {
    int merged = 0;
    for (uint32_t k = 0; k < n; k++) merged |= idx[k] == i;
    if (!merged) nm.seg[nm.nseg++] = m->seg[i];
  }
  if (ndocs) {
    nm.seg[nm.nseg].id = id;
    nm.seg[nm.nseg].ndocs = ndocs;
    nm.seg[nm.nseg].ndel = 0;
    nm.seg[nm.nseg].delgen = 0;
    nm.nseg++;
  }
  rc = kzi_manifest_write(&nm, c->dir);
  if (rc) goto out;
  kzi_manifest_free(m);
  *m = nm;
  nm.seg = NULL;
out:
  free(nm.seg);
  free(segs);
  free(idx);
  return rc;
}

int kzi_writer_commit(kzi_writer *w, int optimize) {
  kz_corpus *c = w->c;
  kzi_manifest nm;
  int rc = flush(w);
  uint64_t gen = c->man.generation + 1;
  if (rc) return rc;
  memset(&nm, 0, sizeof nm);
  nm.seg = calloc(w->nseg + 1, sizeof *nm.seg);
  if (!nm.seg) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  nm.generation = gen;
  nm.next_id = c->man.next_id;
  nm.tok_flags = c->man.tok_flags;
  memcpy(nm.lang, c->man.lang, sizeof nm.lang);
  for (size_t i = 0; i < w->nseg && !rc; i++) {
    wseg *ws = &w->seg[i];
    kzi_mseg *ms = &nm.seg[nm.nseg];
    ms->id = ws->s->id;
    ms->ndocs = ws->s->ndocs;
    ms->ndel = ws->s->ndel;
    ms->delgen = ws->s->delgen;
    if (ws->dirty) {
      ms->ndel = ws->ndel;
      if (ws->ndel == ws->s->ndocs) continue; /* every document deleted */
      rc = kzi_write_deletes(c->dir, ms->id, gen, ws->del, ws->s->ndocs);
      ms->delgen = gen;
    }
    nm.nseg++;
  }
  if (!rc) rc = kzi_fsync_dir(c->dir);
  if (!rc) rc = kzi_manifest_write(&nm, c->dir);
  if (rc) {
    kzi_manifest_free(&nm);
    return rc;
  }
  kzi_manifest_free(&c->man);
  c->man = nm;
  /* the pending segments now belong to the committed state: reload */
  drop_segs(w, 0);
  rc = kz_corpus_refresh(c);
  if (rc) return rc;
  rc = kzi_writer_attach(w);
  if (rc) return rc;
  /* merge in the same call (a second atomic generation) */
  if (optimize || c->man.nseg > 10) {
    rc = do_merge(w, optimize);
    if (rc) return rc;
    rc = kz_corpus_refresh(c);
    if (!rc) rc = kzi_writer_attach(w);
  }
  return rc;
}
