/*
 * test_segw_split.c - the segment writer's two ways of taking a term's
 * postings (segment.c): whole entries (kzi_segw_term(), as a merge reads
 * them) and entries with their positions apart (kzi_segw_term_split(), as
 * the in-memory writer keeps them).  For random postings of every shape
 * (one document to several blocks, metadata-only entries without
 * positions, fields mixed, large gaps and frequencies) both must write
 * byte-identical segment files, and split postings whose positions do not
 * add up must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus_int.h"
#include "rand64.h"
#include "test_fs.h"

enum { NDOCS = 3000, NTERMS = 60 };

/* One term's postings, three ways: whole entries, document parts, positions. */
typedef struct post {
  kzi_buf whole, docs, pos;
} post;

static void put(kzi_buf *b, uint64_t v) {
  unsigned char t[10];
  size_t n = 0;
  while (v >= 0x80) {
    t[n++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  t[n++] = (unsigned char)v;
  assert_int_equal(kzi_buf_append(b, t, n), KZ_OK);
}

/* Random postings for term t: its document frequency is chosen so that the
 * terms range from one document to several blocks. */
static void make(post *p, int t, uint64_t *rng) {
  static const uint32_t dfs[] = {1, 2, 3, 4, 5, 127, 128, 129, 300, 1000, NDOCS};
  uint32_t df = t < 11 ? dfs[t] : 1 + (uint32_t)(kzt_next64(rng) % 400);
  int meta = t % 7 == 6; /* a metadata term: entries without fields */
  uint32_t step = NDOCS / df, doc = 0, last = 0;
  memset(p, 0, sizeof *p);
  for (uint32_t k = 0; k < df; k++) {
    unsigned mask = meta ? 0 : 1 + (unsigned)(kzt_next64(rng) % 15);
    uint32_t freq[KZI_NFIELDS] = {0};
    uint64_t head;
    doc = k == 0 ? (uint32_t)(kzt_next64(rng) % step) : doc + 1 + (uint32_t)(kzt_next64(rng) % step);
    if (doc >= NDOCS) break;
    head = (uint64_t)(doc - (k ? last + 1 : 0)) << 4 | mask;
    put(&p->whole, head);
    put(&p->docs, head);
    for (unsigned f = 0; f < KZI_NFIELDS; f++)
      if (mask & (1u << f)) {
        freq[f] = 1 + (uint32_t)(kzt_next64(rng) % (kzt_next64(rng) % 8 ? 2 : 300));
        put(&p->whole, freq[f]);
        put(&p->docs, freq[f]);
      }
    for (unsigned f = 0; f < KZI_NFIELDS; f++)
      for (uint32_t i = 0; i < freq[f]; i++) {
        uint64_t gap = (i ? 1 : 0) + kzt_next64(rng) % (kzt_next64(rng) % 16 ? 40 : 100000);
        put(&p->whole, gap);
        put(&p->pos, gap);
      }
    last = doc;
  }
}

static void drop(post *p) {
  kzi_buf_free(&p->whole);
  kzi_buf_free(&p->docs);
  kzi_buf_free(&p->pos);
}

/* Write a segment of NDOCS documents and the terms; split chooses the
 * function.  Returns the file's bytes (malloc'd) in *data. */
static size_t write_seg(const char *dir, uint64_t id, const post *p, const kzi_cols *cols,
                        int split, unsigned char **data) {
  kzi_segw *w = NULL;
  char path[4200], name[64], key[32], term[16];
  FILE *f;
  long size;
  assert_int_equal(kzi_segw_open(&w, dir, id), KZ_OK);
  for (uint32_t d = 0; d < NDOCS; d++) {
    kzi_stored st;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < KZ_FIELD_COUNT; i++) st.f[i] = "";
    snprintf(key, sizeof key, "doc%u", d);
    st.f[KZ_FIELD_KEY] = key;
    st.n[KZ_FIELD_KEY] = strlen(key);
    st.f[KZ_FIELD_BODY] = "body text";
    st.n[KZ_FIELD_BODY] = 9;
    assert_int_equal(kzi_segw_doc(w, &cols[d], "src", 3, &st), KZ_OK);
  }
  kzi_segw_lengths(w, cols, NDOCS);
  for (int t = 0; t < NTERMS; t++) {
    snprintf(term, sizeof term, "wterm%03d", t);
    if (split)
      assert_int_equal(kzi_segw_term_split(w, term, strlen(term),
                                           (const unsigned char *)p[t].docs.p, p[t].docs.n,
                                           (const unsigned char *)p[t].pos.p, p[t].pos.n),
                       KZ_OK);
    else
      assert_int_equal(kzi_segw_term(w, term, strlen(term), 0, 0,
                                     (const unsigned char *)p[t].whole.p, p[t].whole.n),
                       KZ_OK);
  }
  assert_int_equal(kzi_segw_finish(w, NULL), KZ_OK);
  kzi_segw_free(w);
  kzi_seg_name(name, sizeof name, id);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  *data = malloc((size_t)size);
  assert_non_null(*data);
  assert_int_equal(fread(*data, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  return (size_t)size;
}

static void test_same_bytes(void **state) {
  char dir[] = "/tmp/kz-segw-XXXXXX", d1[64], d2[64];
  static kzi_cols cols[NDOCS];
  static post p[NTERMS];
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(d1, sizeof d1, "%s/a", dir);
  snprintf(d2, sizeof d2, "%s/b", dir);
  assert_int_equal(mkdir(d1, 0700), 0);
  assert_int_equal(mkdir(d2, 0700), 0);
  for (int round = 0; round < 4; round++) {
    unsigned char *a, *b;
    size_t na, nb;
    for (uint32_t d = 0; d < NDOCS; d++) {
      cols[d].date = KZI_NO_DATE;
      cols[d].src = 0;
      for (int f = 0; f < KZI_NFIELDS; f++) cols[d].len[f] = (uint32_t)(kzt_next64(&rng) % 5000);
    }
    for (int t = 0; t < NTERMS; t++) make(&p[t], t, &rng);
    na = write_seg(d1, 1, p, cols, 0, &a);
    nb = write_seg(d2, 1, p, cols, 1, &b);
    /* the same segment in two directories: equal byte for byte */
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    for (int t = 0; t < NTERMS; t++) drop(&p[t]);
  }
  kzt_rmtree(dir);
}

/* Split postings whose positions are one too few, one too many, or end
 * inside a varint are refused. */
static void test_bad_split(void **state) {
  char dir[] = "/tmp/kz-segw-XXXXXX";
  static kzi_cols cols[NDOCS];
  uint64_t rng = 7;
  (void)state;
  assert_non_null(mkdtemp(dir));
  for (uint32_t d = 0; d < NDOCS; d++) {
    memset(&cols[d], 0, sizeof cols[d]);
    cols[d].date = KZI_NO_DATE;
    cols[d].len[1] = 100;
  }
  for (int kind = 0; kind < 3; kind++)
    for (int t = 0; t < 11; t++) { /* one document to several blocks */
      post p;
      kzi_segw *w = NULL;
      size_t pn;
      if (t == 6) continue; /* (a metadata term: no positions to spoil) */
      make(&p, t, &rng);
      pn = p.pos.n;
      if (kind == 0) pn--; /* the last varint cut short, or one fewer */
      else if (kind == 1) put(&p.pos, 5); /* one too many */
      else p.pos.p[pn - 1] = (char)((unsigned char)p.pos.p[pn - 1] | 0x80); /* unterminated */
      if (kind == 1) pn = p.pos.n;
      assert_int_equal(kzi_segw_open(&w, dir, 3), KZ_OK);
      kzi_segw_lengths(w, cols, NDOCS);
      assert_int_equal(kzi_segw_term_split(w, "wx", 2, (const unsigned char *)p.docs.p,
                                           p.docs.n, (const unsigned char *)p.pos.p, pn),
                       KZ_ERROR);
      kzi_segw_abort(w);
      drop(&p);
    }
  kzt_rmtree(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_bytes),
      cmocka_unit_test(test_bad_split),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
