/*
 * qentity.c - what entity:NAME needs from a corpus: the dictionary terms
 * sharing a phonetic key, and the alias table stored with the corpus.
 *
 * Entity keys.  kz_entity_key() (the analysis module) maps the spellings
 * of a romanized name to one key ("Tokayev", "Toqayev" and "Tokaev" give
 * the same).  The first entity: query on a segment builds an index of its
 * dictionary: the key of every term of the word space (the exact space in
 * a stemmed corpus) that starts with a letter, sorted by a 64-bit hash of
 * the key.  The index lives with the segment (immutable, so it never goes
 * stale) and is shared by every thread; a query then finds the variants of
 * a word with one binary search per segment.
 *
 * The alias table.  Hand-made merge and split rules (the text form of
 * kz_entities_alias_save(): "merge\tA\tB" / "split\tA\tB" lines) are kept
 * in the file ALIASES of the corpus directory:
 *   8 bytes magic "KZALIAS\n", u32 format version (1), u32 text length,
 *   the text, u32 CRC-32C of every byte before it.
 * It is replaced atomically (write ALIASES.tmp, fsync, rename, fsync the
 * directory) by the kz_corpus_alias_*() calls and read by each query that
 * uses entity:.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus_int.h"
#include "kz/analysis.h"

#define ALIAS_MAGIC "KZALIAS\n"
#define ALIAS_VERSION 1
#define ALIAS_HDR 16
#define ALIAS_MAX ((size_t)64 << 20)

/* ---------------------------------------------------------------------
 * The key index of a segment
 * --------------------------------------------------------------------- */

typedef struct entry {
  uint64_t h;    /* hash of the key */
  uint32_t off;  /* the term (without the space byte) in text */
  uint32_t len;
} entry;

struct kzi_entidx {
  entry *e;
  size_t n;
  kzi_buf text;
};

void kzi_entidx_free(kzi_entidx *x) {
  if (!x) return;
  free(x->e);
  kzi_buf_free(&x->text);
  free(x);
}

static int entry_cmp(const void *a, const void *b) {
  const entry *x = a, *y = b;
  return x->h < y->h ? -1 : x->h > y->h;
}

/* Could s be (part of) a name?  A letter first (any non-ASCII lead byte
 * counts: Cyrillic, accented Latin). */
static int namelike(const char *s, size_t n) {
  unsigned char c = n ? (unsigned char)s[0] : 0;
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0;
}

static int build_index(const kzi_segment *s, char space, kzi_entidx **out) {
  kzi_entidx *x = calloc(1, sizeof *x);
  kzi_dict_it d;
  size_t cap = 0;
  int rc;
  *out = NULL;
  if (!x) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  rc = kzi_dict_seek(&d, s, &space, 1);
  while (rc == KZ_OK && d.term[0] == space) {
    if (namelike(d.term + 1, d.term_len - 1) && d.term_len - 1 <= 200) {
      kz_buf k = {NULL, 0};
      if (kz_entity_key(&k, d.term + 1, d.term_len - 1) != KZ_OK) {
        rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
        break;
      }
      if (k.len) {
        if (x->n == cap) {
          size_t nc = cap ? cap * 2 : 1024;
          entry *ne = realloc(x->e, nc * sizeof *ne);
          if (!ne) {
            kz_buf_dispose(&k);
            rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
            break;
          }
          x->e = ne;
          cap = nc;
        }
        x->e[x->n].h = kzi_hash64(k.ptr, k.len);
        x->e[x->n].off = (uint32_t)x->text.n;
        x->e[x->n].len = (uint32_t)(d.term_len - 1);
        if (x->text.n > UINT32_MAX - d.term_len ||
            kzi_buf_append(&x->text, d.term + 1, d.term_len - 1)) {
          kz_buf_dispose(&k);
          rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
          break;
        }
        x->n++;
      }
      kz_buf_dispose(&k);
    }
    rc = kzi_dict_next(&d);
  }
  if (rc != KZ_OK && rc != KZ_ITEROVER) {
    kzi_entidx_free(x);
    return rc;
  }
  if (x->n > 1) qsort(x->e, x->n, sizeof *x->e, entry_cmp);
  *out = x;
  return KZ_OK;
}

static int seg_index(kzi_segment *s, char space, kzi_entidx **out) {
  int slot = space == KZI_SP_EXACT, rc = KZ_OK;
  pthread_mutex_lock(&s->lazy_mu);
  if (!s->ent[slot]) rc = build_index(s, space, &s->ent[slot]);
  *out = s->ent[slot];
  pthread_mutex_unlock(&s->lazy_mu);
  return rc;
}

int kzi_entity_terms(kzi_entity_ctx *e, char space, const char *key, size_t kn,
                     kzi_buf *out) {
  uint64_t h = kzi_hash64(key, kn);
  size_t added = 0;
  if (!e->c) return KZ_OK;
  if (!e->snap) e->snap = kzi_snap_acquire(e->c);
  for (uint32_t i = 0; i < e->snap->nseg; i++) {
    kzi_entidx *x;
    size_t lo = 0, hi;
    int rc = seg_index(e->snap->seg[i], space, &x);
    if (rc) return rc;
    hi = x->n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (x->e[mid].h < h) lo = mid + 1;
      else hi = mid;
    }
    for (; lo < x->n && x->e[lo].h == h; lo++) {
      if (++added > KZ_QUERY_MAX_EXPANSION) return KZ_ELIMIT;
      if (kzi_buf_append(out, x->text.p + x->e[lo].off, x->e[lo].len) ||
          kzi_buf_append(out, "", 1))
        return KZ_ENOMEM;
    }
  }
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * How a word is written: is it used as a name?
 *
 * The dictionary holds folded terms, so the key index cannot tell the
 * name "Reagan" from the verb "regain", or "Sumita" from "summit".  The
 * stored text can: a name is written with a capital letter, a common word
 * mostly is not.  kzi_entity_casing() reads a few documents of the term
 * and counts its occurrences by the case of their first letter.
 * --------------------------------------------------------------------- */

#define CASE_DOCS 8    /* documents read per segment */
#define CASE_OCCS 16   /* occurrences that settle it */

static int ascii_word(const char *t, size_t n) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '\'')) return 0;
  }
  return 1;
}

static int alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Count the whole-word, case-insensitive occurrences of t in text. */
static void count_case(const char *text, size_t len, const char *t, size_t n,
                       unsigned *upper, unsigned *lower) {
  for (size_t i = 0; i + n <= len && *upper + *lower < CASE_OCCS; i++) {
    size_t j;
    unsigned char c = (unsigned char)text[i];
    if ((c | 0x20) != (unsigned char)t[0] || (i && alnum((unsigned char)text[i - 1]))) continue;
    for (j = 1; j < n && ((unsigned char)text[i + j] | 0x20) == (unsigned char)t[j]; j++) {}
    if (j < n || (i + n < len && alnum((unsigned char)text[i + n]))) continue;
    if (c >= 'a' && c <= 'z') {
      (*lower)++;
    } else {
      /* "Regain" and "REGAIN" (a heading) say nothing; "Reagan" does */
      int caps = 1;
      for (j = 1; j < n && caps; j++) caps = !(text[i + j] >= 'a' && text[i + j] <= 'z');
      if (!caps) (*upper)++;
    }
    i += n - 1;
  }
}

int kzi_entity_casing(kzi_entity_ctx *e, char space, const char *t, size_t n, int *verdict) {
  unsigned upper = 0, lower = 0;
  char key[KZI_MAX_KEY + 1];
  kzi_storebuf sb;
  int rc = KZ_OK;
  *verdict = 0;
  if (!e->c || !ascii_word(t, n) || n + 1 > sizeof key) return KZ_OK;
  if (!e->snap) e->snap = kzi_snap_acquire(e->c);
  memset(&sb, 0, sizeof sb);
  key[0] = space;
  memcpy(key + 1, t, n);
  for (uint32_t i = 0; i < e->snap->nseg && !rc && upper + lower < CASE_OCCS; i++) {
    const kzi_segment *s = e->snap->seg[i];
    kzi_term term;
    kzi_post_it it;
    int docs = 0;
    rc = kzi_seg_lookup(s, key, n + 1, &term);
    if (rc == KZ_ENOTFOUND) {
      rc = KZ_OK;
      continue;
    }
    if (rc || (rc = kzi_post_init(&it, s, &term)) != KZ_OK) break;
    while (docs < CASE_DOCS && upper + lower < CASE_OCCS && kzi_post_next(&it) == KZ_OK &&
           it.doc != KZI_NO_DOC) {
      kzi_stored st;
      if ((rc = kzi_seg_stored(s, it.doc, &st, &sb)) != KZ_OK) break;
      /* not the title: some sources write titles in capitals */
      count_case(st.f[KZ_FIELD_BODY], st.n[KZ_FIELD_BODY], t, n, &upper, &lower);
      count_case(st.f[KZ_FIELD_CAPTION], st.n[KZ_FIELD_CAPTION], t, n, &upper, &lower);
      docs++;
    }
    if (!rc) rc = it.rc;
    kzi_post_free(&it);
  }
  kzi_storebuf_free(&sb);
  if (rc) return rc;
  /* Names keep their capital: a word written in lower case more often
   * than not is a common word, even when it is seen once. */
  *verdict = upper > lower ? 1 : lower > upper ? -1 : 0;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * The ALIASES file
 * --------------------------------------------------------------------- */

int kzi_aliases_read(const char *dir, char **out, size_t *len) {
  char path[4200];
  unsigned char *buf;
  size_t n;
  uint32_t tl;
  int rc;
  *out = NULL;
  *len = 0;
  kzi_path(path, sizeof path, dir, "ALIASES");
  rc = kzi_read_file(path, &buf, &n);
  if (rc == KZ_ENOTFOUND) return KZ_OK;
  if (rc) return rc;
  if (n < ALIAS_HDR + 4 || memcmp(buf, ALIAS_MAGIC, 8) != 0) {
    free(buf);
    return kzi_corrupt("ALIASES", "bad magic or too short");
  }
  if (kzi_crc32c(0, buf, n - 4) != kzi_get32(buf + n - 4)) {
    free(buf);
    return kzi_corrupt("ALIASES", "checksum mismatch");
  }
  if (kzi_get32(buf + 8) != ALIAS_VERSION) {
    unsigned v = (unsigned)kzi_get32(buf + 8);
    free(buf);
    return kzi_seterr(NULL, KZ_EVERSION, "ALIASES format version %u is not supported", v);
  }
  tl = kzi_get32(buf + 12);
  if ((size_t)tl != n - ALIAS_HDR - 4) {
    free(buf);
    return kzi_corrupt("ALIASES", "bad length");
  }
  memmove(buf, buf + ALIAS_HDR, tl);
  buf[tl] = 0; /* the CRC's first byte: room for a NUL */
  *out = (char *)buf;
  *len = tl;
  return KZ_OK;
}

int kzi_aliases_write(const char *dir, const char *text, size_t len) {
  char path[4200], tmp[4200];
  unsigned char *buf;
  size_t n = ALIAS_HDR + len + 4;
  int rc;
  if (len > ALIAS_MAX) return kzi_seterr(NULL, KZ_ELIMIT, "alias table over 64 MB");
  buf = malloc(n);
  if (!buf) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  memcpy(buf, ALIAS_MAGIC, 8);
  kzi_put32(buf + 8, ALIAS_VERSION);
  kzi_put32(buf + 12, (uint32_t)len);
  if (len) memcpy(buf + ALIAS_HDR, text, len);
  kzi_put32(buf + ALIAS_HDR + len, kzi_crc32c(0, buf, ALIAS_HDR + len));
  kzi_path(tmp, sizeof tmp, dir, "ALIASES.tmp");
  kzi_path(path, sizeof path, dir, "ALIASES");
  rc = kzi_write_file_sync(tmp, buf, n);
  free(buf);
  if (rc) return rc;
  if (rename(tmp, path) != 0) {
    rc = kzi_seterr(NULL, KZ_EIO, "cannot rename %s: %s", tmp, strerror(errno));
    unlink(tmp);
    return rc;
  }
  return kzi_fsync_dir(dir);
}

int kzi_entity_aliases(kzi_entity_ctx *e, const char **text, size_t *len) {
  *text = NULL;
  *len = 0;
  if (!e->c) return KZ_OK;
  if (!e->aliases_read) {
    int rc = kzi_aliases_read(e->c->dir, &e->aliases, &e->naliases);
    if (rc) return rc;
    e->aliases_read = 1;
  }
  *text = e->aliases;
  *len = e->naliases;
  return KZ_OK;
}

void kzi_entity_ctx_done(kzi_entity_ctx *e) {
  if (e->snap) kzi_snap_release(e->c, e->snap);
  free(e->aliases);
  memset(e, 0, sizeof *e);
}
