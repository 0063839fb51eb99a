/*
 * fuzz_segment.c - the segment reader on arbitrary bytes.
 *
 * The input is loaded as a segment file without the whole-file checksum
 * (so the decoders themselves meet the damage), then every dictionary
 * entry, postings list, position list, column and stored record is read
 * (in order, backwards, and through a snapshot's store block cache), and a
 * few lookups and skips are made.  Nothing may crash or read out of
 * bounds; errors must be KZ_ECORRUPT (or KZ_EVERSION / KZ_ENOMEM), and no
 * positions buffer may outgrow the input (a count read from damaged
 * postings must not size an allocation).  Every record read is also made
 * an article (kz_doc_article()), whatever its layout says: the body must
 * come back as stored, each paragraph a trimmed piece of it.
 * Seeds in fuzz/corpus/segment/ are real segment files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../libkz/corpus_int.h"
#include "check.h"

static void check(int rc) {
  if (rc != KZ_OK && rc != KZ_ECORRUPT && rc != KZ_ITEROVER && rc != KZ_ENOTFOUND &&
      rc != KZ_EVERSION && rc != KZ_ENOMEM)
    abort();
}

/* The article of a stored record (fields NUL-terminated, as
 * kzi_snap_record() copies them). */
static void check_article(const kzi_stored *st) {
  kz_article *a;
  const char *body = st->f[KZ_FIELD_BODY];
  size_t nb;
  int rc = kzi_article_from_fields(&a, st->f, st->n);
  if (rc == KZ_ENOMEM) return;
  CHECK(rc == KZ_OK, "kzi_article_from_fields: %d", rc);
  CHECK(strcmp(kz_article_body(a), body) == 0, "body");
  nb = kz_article_block_count(a);
  for (size_t i = 0; i < nb; i++) {
    const char *t = kz_article_block_text(a, i);
    size_t s = kz_article_block_start(a, i), e = kz_article_block_end(a, i), n = strlen(t);
    CHECK(n > 0, "block %zu empty", i);
    if (kz_article_block_kind(a, i) != KZ_BLOCK_PARAGRAPH) continue;
    CHECK(s <= e && e <= strlen(body) && e - s == n && memcmp(body + s, t, n) == 0,
          "paragraph %zu at [%zu, %zu)", i, s, e);
  }
  kz_article_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kzi_segment *s = NULL;
  kzi_dict_it d;
  unsigned n = 0;
  int rc;
  /* a copy of exactly the input size, so reads past the end are caught */
  unsigned char *buf = malloc(size ? size : 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  rc = kzi_segment_from_memory(&s, buf, size, 0);
  check(rc);
  if (rc) {
    free(buf);
    return 0;
  }
  rc = kzi_dict_seek(&d, s, "", 0);
  while (rc == KZ_OK && n++ < 100000) {
    kzi_post_it p;
    kzi_term t;
    uint32_t *pos = NULL;
    size_t cap = 0, np;
    int r = kzi_post_init(&p, s, &d.t);
    check(r);
    for (int k = 0; r == KZ_OK && k < 100000; k++) {
      r = kzi_post_next(&p);
      check(r);
      if (r || p.doc == KZI_NO_DOC) break;
      for (unsigned f = 0; f < KZI_NFIELDS; f++) {
        check(kzi_post_positions(&p, f, &pos, &cap, &np));
        /* each position takes a byte of the input at least: a bigger
         * buffer was sized from a damaged count */
        if (cap > size) abort();
      }
    }
    kzi_post_free(&p);
    r = kzi_post_init(&p, s, &d.t);
    if (r == KZ_OK) {
      const unsigned char *raw;
      size_t rawn;
      check(kzi_post_advance(&p, 3));
      check(kzi_post_rawpos(&p, &raw, &rawn));
      kzi_post_shallow(&p, 150);
      check(p.rc);
      check(kzi_post_advance(&p, 200));
      for (unsigned f = 0; f < KZI_NFIELDS; f++) check(kzi_post_positions(&p, f, &pos, &cap, &np));
      kzi_post_shallow(&p, 5000);
      check(p.rc);
      check(kzi_post_advance(&p, 6000));
    }
    kzi_post_free(&p);
    free(pos);
    check(kzi_seg_lookup(s, d.term, d.term_len, &t));
    rc = kzi_dict_next(&d);
  }
  check(rc);
  {
    kzi_storebuf scratch;
    memset(&scratch, 0, sizeof scratch);
    for (uint32_t doc = 0; doc < s->ndocs && doc < 100000; doc++) {
      kzi_cols c;
      kzi_stored st;
      uint32_t found;
      check(kzi_seg_cols(s, doc, &c));
      rc = kzi_seg_stored(s, doc, &st, &scratch);
      check(rc);
      if (rc == KZ_OK) check(kzi_seg_find_key(s, st.f[KZ_FIELD_KEY], st.n[KZ_FIELD_KEY], &found));
    }
    /* backwards too (restarts inside a block) */
    for (uint32_t doc = s->ndocs; doc-- > 0 && s->ndocs - doc < 1000;) {
      kzi_stored st;
      check(kzi_seg_stored(s, doc, &st, &scratch));
    }
    kzi_storebuf_free(&scratch);
  }
  /* the records again through the snapshot's store cache (search hits,
   * kz_corpus_doc): partial decoding, resumed, out of order */
  {
    kzi_snapshot snap;
    memset(&snap, 0, sizeof snap);
    snap.nseg = 1;
    snap.seg = &s;
    pthread_mutex_init(&snap.store_mu, NULL);
    for (uint32_t k = 0; k < s->ndocs && k < 2000; k++) {
      uint32_t doc = k & 1 ? s->ndocs - 1 - k / 2 : k / 2;
      kzi_stored st;
      char *mem = NULL;
      rc = kzi_snap_record(&snap, 0, doc, &st, &mem);
      check(rc);
      if (rc == KZ_OK) check_article(&st);
      free(mem);
    }
    kzi_snap_store_free(&snap);
    pthread_mutex_destroy(&snap.store_mu);
  }
  check(kzi_dict_seek(&d, s, "wtest", 5));
  kzi_segment_close(s);
  free(buf);
  return 0;
}
