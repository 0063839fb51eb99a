/*
 * merge.c - merge segments into one, dropping deleted documents.
 *
 * Documents keep their relative order: those of the first segment come
 * first.  The dictionaries are walked together in byte order (a k-way
 * merge over kzi_dict_it); for each term the postings of every segment are
 * decoded entry by entry, deleted documents dropped and the document
 * numbers renumbered, while the rest of each entry (field mask, frequencies,
 * positions) is copied unchanged.  The result is written with the same
 * segment writer as a flush, so it gets the same checks and checksums.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

static int term_less(const kzi_dict_it *a, const kzi_dict_it *b) {
  size_t m = a->term_len < b->term_len ? a->term_len : b->term_len;
  int c = memcmp(a->term, b->term, m);
  if (c) return c < 0;
  return a->term_len < b->term_len;
}

static int same_term(const kzi_dict_it *a, const char *t, size_t n) {
  return a->term_len == n && memcmp(a->term, t, n) == 0;
}

int kzi_merge(const char *dir, kzi_segment **segs, uint32_t n,
              uint64_t new_id, uint32_t *ndocs_out) {
  kzi_dict_it *it = calloc(n ? n : 1, sizeof *it);
  uint32_t **map = calloc(n ? n : 1, sizeof *map);
  kzi_cols *cols = NULL;
  kzi_buf ent = {0};
  kzi_storebuf sb;
  kzi_segw *w = NULL;
  uint64_t next = 0;
  char cur[KZI_MAX_KEY + 8];
  size_t cur_len;
  int rc = KZ_OK;
  *ndocs_out = 0;
  memset(&sb, 0, sizeof sb);
  if (!it || !map) {
    rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    goto out;
  }
  /* document maps */
  for (uint32_t i = 0; i < n; i++) {
    map[i] = malloc(((size_t)segs[i]->ndocs + 1) * sizeof **map);
    if (!map[i]) {
      rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      goto out;
    }
    for (uint32_t d = 0; d < segs[i]->ndocs; d++)
      map[i][d] = kzi_seg_deleted(segs[i], d) ? UINT32_MAX : (uint32_t)next++;
  }
  if (next >= UINT32_MAX) {
    rc = kzi_seterr(NULL, KZ_ELIMIT, "merged segment would exceed 4G documents");
    goto out;
  }
  /* the columns of the merged documents, for the score bounds */
  cols = malloc((next ? next : 1) * sizeof *cols);
  if (!cols) {
    rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < n && !rc; i++)
    for (uint32_t d = 0; d < segs[i]->ndocs && !rc; d++)
      if (map[i][d] != UINT32_MAX) rc = kzi_seg_cols(segs[i], d, &cols[map[i][d]]);
  if (rc) goto out;
  rc = kzi_segw_open(&w, dir, new_id);
  if (rc) goto out;
  kzi_segw_lengths(w, cols, (uint32_t)next);
  for (uint32_t i = 0; i < n; i++) {
    int r = kzi_dict_seek(&it[i], segs[i], "", 0);
    if (r != KZ_OK && r != KZ_ITEROVER) {
      rc = r;
      goto out;
    }
  }
  for (;;) {
    int best = -1;
    uint64_t df = 0, cf = 0, last = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++)
      if (it[i].rc == KZ_OK && (best < 0 || term_less(&it[i], &it[best]))) best = (int)i;
    if (best < 0) break;
    cur_len = it[best].term_len;
    memcpy(cur, it[best].term, cur_len);
    ent.n = 0;
    for (uint32_t i = 0; i < n && !rc; i++) {
      kzi_post_it p;
      if (it[i].rc != KZ_OK || !same_term(&it[i], cur, cur_len)) continue;
      rc = kzi_post_init(&p, segs[i], &it[i].t);
      while (!rc) {
        unsigned char hdr[64];
        size_t hn;
        uint32_t nd;
        rc = kzi_post_next(&p);
        if (rc || p.doc == KZI_NO_DOC) break;
        const unsigned char *pos;
        size_t poslen;
        nd = map[i][p.doc];
        if (nd == UINT32_MAX) continue;
        rc = kzi_post_rawpos(&p, &pos, &poslen);
        if (rc) break;
        hn = kzi_venc(hdr, ((uint64_t)nd - (last == UINT64_MAX ? 0 : last + 1)) << 4 | p.mask);
        for (unsigned f = 0; f < KZI_NFIELDS; f++)
          if (p.mask & (1u << f)) {
            hn += kzi_venc(hdr + hn, p.freq[f]);
            cf += p.freq[f];
          }
        rc = kzi_buf_append(&ent, hdr, hn);
        if (!rc && poslen) rc = kzi_buf_append(&ent, pos, poslen);
        last = nd;
        df++;
      }
      kzi_post_free(&p);
      if (!rc) {
        int r = kzi_dict_next(&it[i]);
        if (r != KZ_OK && r != KZ_ITEROVER) rc = r;
      }
    }
    if (rc) goto out;
    if (df) rc = kzi_segw_term(w, cur, cur_len, df, cf, (const unsigned char *)ent.p, ent.n);
    if (rc) goto out;
  }
  for (uint32_t i = 0; i < n && !rc; i++)
    for (uint32_t d = 0; d < segs[i]->ndocs && !rc; d++) {
      kzi_stored st;
      if (map[i][d] == UINT32_MAX) continue;
      rc = kzi_seg_stored(segs[i], d, &st, &sb);
      if (!rc)
        rc = kzi_segw_doc(w, &cols[map[i][d]], st.f[KZ_FIELD_SOURCE], st.n[KZ_FIELD_SOURCE], &st);
    }
  if (!rc) rc = kzi_segw_finish(w, NULL);
  if (!rc) *ndocs_out = (uint32_t)next;
out:
  if (w) {
    if (rc) kzi_segw_abort(w);
    else kzi_segw_free(w);
  }
  if (map)
    for (uint32_t i = 0; i < n; i++) free(map[i]);
  free(map);
  free(it);
  kzi_buf_free(&ent);
  kzi_storebuf_free(&sb);
  free(cols);
  return rc;
}
