/*
 * test_jsonl_gzip.c - JSON Lines files as datasets are published:
 * gzip- or zstd-compressed (one member or frame or several), damaged or
 * cut short, or compressed with a tool libkz does not read.
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
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "kz.h"
#include "test_fs.h"
#include "kz/corpus.h"

typedef struct fixture {
  char dir[64];     /* mkdtemp()'d */
  char corpus[96];  /* dir/c */
  kz_corpus *c;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  snprintf(f->dir, sizeof f->dir, "/tmp/kzgzXXXXXX");
  if (!mkdtemp(f->dir)) return -1;
  snprintf(f->corpus, sizeof f->corpus, "%s/c", f->dir);
  o.flags = KZ_CORPUS_CREATE;
  if (kz_corpus_open(&f->c, f->corpus, &o) != KZ_OK) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  kz_corpus_close(f->c);
  kzt_rmtree(f->dir);
  free(f);
  return 0;
}

/* dir/name, in a static buffer (one of four). */
static const char *path_in(const fixture *f, const char *name) {
  static char buf[4][128];
  static int k;
  char *b = buf[k++ % 4];
  snprintf(b, 128, "%s/%s", f->dir, name);
  return b;
}

/* n JSON lines with ids PREFIX0..PREFIX(n-1); every 7th has a long text
 * (past the reader's blocks when long is set). */
static char *lines(const char *prefix, int n, int long_text, size_t *len) {
  size_t cap = 1 << 20, at = 0;
  char *s = malloc(cap);
  for (int i = 0; i < n; i++) {
    size_t words = long_text && i % 7 == 3 ? 250000 : 5;
    if (cap - at < words * 8 + 256) s = realloc(s, cap = cap * 2 + words * 8);
    at += (size_t)sprintf(s + at, "{\"id\": \"%s%d\", \"title\": \"T%d\", \"text\": \"", prefix, i, i);
    for (size_t w = 0; w < words; w++) at += (size_t)sprintf(s + at, "%sword%d", w ? " " : "", i % 3);
    at += (size_t)sprintf(s + at, " end%d\", \"source\": \"S\"}\n", i);
  }
  *len = at;
  return s;
}

static void write_file(const char *path, const void *p, size_t n) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(p, 1, n, fp), n);
  assert_int_equal(fclose(fp), 0);
}

static void write_gz(const char *path, const char *p, size_t n) {
  gzFile g = gzopen(path, "wb6");
  assert_non_null(g);
  assert_int_equal(gzwrite(g, p, (unsigned)n), (int)n);
  assert_int_equal(gzclose(g), Z_OK);
}

/* p[0..n) as one zstd frame (with its checksum, as the zstd tool writes
 * it); *zn gets its size. */
static char *zst(const char *p, size_t n, size_t *zn) {
  ZSTD_CCtx *cx = ZSTD_createCCtx();
  size_t cap = ZSTD_compressBound(n);
  char *z = malloc(cap);
  assert_non_null(cx);
  assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cx, ZSTD_c_checksumFlag, 1)));
  *zn = ZSTD_compress2(cx, z, cap, p, n);
  assert_false(ZSTD_isError(*zn));
  ZSTD_freeCCtx(cx);
  return z;
}

static char *read_all(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  char *p;
  assert_non_null(fp);
  fseek(fp, 0, SEEK_END);
  *n = (size_t)ftell(fp);
  rewind(fp);
  p = malloc(*n + 1);
  assert_int_equal(fread(p, 1, *n, fp), *n);
  fclose(fp);
  return p;
}

static uint64_t docs_of(kz_corpus *c) {
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  return kz_corpus_count_docs(c);
}

static size_t body_len(kz_corpus *c, const char *key) {
  kz_doc *d;
  size_t n = 0;
  assert_int_equal(kz_corpus_doc(&d, c, key, strlen(key)), KZ_OK);
  kz_doc_field(d, KZ_FIELD_BODY, &n);
  kz_doc_free(d);
  return n;
}

typedef struct prog {
  uint64_t done, total, calls;
  int backwards;
} prog;

static int on_progress(uint64_t done, uint64_t total, uint64_t docs, void *payload) {
  prog *p = payload;
  (void)docs;
  if (done < p->done) p->backwards = 1;
  p->done = done;
  p->total = total;
  p->calls++;
  return 0;
}

/* Compressed file `name` (zn bytes) of the 60 lines text[0..n) of
 * lines("d", 60, 1): added, it gives the documents of the plain file,
 * long lines included, and progress counts the file's (compressed)
 * bytes. */
static void same_as_plain(fixture *f, const char *name, size_t zn, const char *text, size_t n) {
  uint64_t skipped = 9;
  prog p = {0};
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *plain;
  assert_true(zn < n / 10);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, name), 0, &skipped, on_progress, &p), KZ_OK);
  assert_int_equal(skipped, 0);
  assert_int_equal(docs_of(f->c), 60);
  assert_int_equal(p.total, zn);
  assert_int_equal(p.done, zn);
  assert_false(p.backwards);
  /* the same file uncompressed: the same documents, byte for byte */
  write_file(path_in(f, "d.jsonl"), text, n);
  o.flags = KZ_CORPUS_CREATE;
  assert_int_equal(kz_corpus_open(&plain, path_in(f, "plain"), &o), KZ_OK);
  assert_int_equal(kz_corpus_add_jsonl(plain, path_in(f, "d.jsonl"), 0, NULL, NULL, NULL), KZ_OK);
  assert_int_equal(docs_of(plain), 60);
  for (int i = 0; i < 60; i++) {
    char key[16];
    snprintf(key, sizeof key, "d%d", i);
    assert_int_equal(body_len(f->c, key), body_len(plain, key));
    if (i % 7 == 3) assert_true(body_len(f->c, key) > 1000000);
  }
  kz_corpus_close(plain);
}

/* A gzip file gives the documents of the plain one. */
static void test_gzip_same_as_plain(void **state) {
  fixture *f = *state;
  size_t n, zn;
  char *text = lines("d", 60, 1, &n);
  write_gz(path_in(f, "d.jsonl.gz"), text, n);
  free(read_all(path_in(f, "d.jsonl.gz"), &zn));
  same_as_plain(f, "d.jsonl.gz", zn, text, n);
  free(text);
}

/* Members one after another (cat a.gz b.gz), zero padding after the last:
 * every member is read. */
static void test_gzip_members(void **state) {
  fixture *f = *state;
  size_t na, nb, za, zb;
  char *a = lines("a", 10, 0, &na), *b = lines("b", 12, 0, &nb), *za_p, *zb_p, *both;
  write_gz(path_in(f, "a.gz"), a, na);
  write_gz(path_in(f, "b.gz"), b, nb);
  za_p = read_all(path_in(f, "a.gz"), &za);
  zb_p = read_all(path_in(f, "b.gz"), &zb);
  both = calloc(1, za + zb + 512);
  memcpy(both, za_p, za);
  memcpy(both + za, zb_p, zb);
  write_file(path_in(f, "ab.gz"), both, za + zb + 512);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "ab.gz"), KZ_JSONL_STRICT, NULL, NULL, NULL),
                   KZ_OK);
  assert_int_equal(docs_of(f->c), 22);
  /* something else after the stream is an error, after its lines */
  memcpy(both + za + zb, "{\"id\": \"x\"}\n", 12);
  write_file(path_in(f, "junk.gz"), both, za + zb + 12);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "junk.gz"), 0, NULL, NULL, NULL), KZ_EFORMAT);
  assert_non_null(strstr(kz_last_errmsg(), "junk.gz"));
  assert_non_null(strstr(kz_last_errmsg(), "after the gzip stream"));
  free(a);
  free(b);
  free(za_p);
  free(zb_p);
  free(both);
}

/* Compressed file z[0..zn) of `docs` lines, cut short (kz names the file
 * and says "truncated <what>"; the lines before the cut stay added) and
 * with a byte flipped at 23 places from `from` on (an error naming the
 * file, or at worst bad lines; never more documents): never a crash. */
static void damaged(fixture *f, const char *ext, const char *what, char *z, size_t zn, size_t from,
                    uint64_t docs) {
  char cut[32], bad[32];
  uint64_t got;
  snprintf(cut, sizeof cut, "cut.%s", ext);
  snprintf(bad, sizeof bad, "bad.%s", ext);
  write_file(path_in(f, cut), z, zn * 2 / 3);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, cut), 0, NULL, NULL, NULL), KZ_EFORMAT);
  assert_non_null(strstr(kz_last_errmsg(), cut));
  assert_non_null(strstr(kz_last_errmsg(), what));
  got = docs_of(f->c);
  assert_true(got > 0 && got < docs);
  for (size_t at = from; at < zn; at += zn / 23 + 1) {
    int rc;
    z[at] ^= 0x5A;
    write_file(path_in(f, bad), z, zn);
    z[at] ^= 0x5A;
    rc = kz_corpus_add_jsonl(f->c, path_in(f, bad), 0, NULL, NULL, NULL);
    assert_true(rc == KZ_OK || rc == KZ_EFORMAT);
    if (rc) assert_non_null(strstr(kz_last_errmsg(), bad));
    assert_true(docs_of(f->c) <= docs);
  }
}

/* A gzip file cut short or damaged (past its header: the CRC catches what
 * inflate does not). */
static void test_gzip_damaged(void **state) {
  fixture *f = *state;
  size_t n, zn;
  char *text = lines("t", 400, 0, &n), *z;
  write_gz(path_in(f, "t.gz"), text, n);
  z = read_all(path_in(f, "t.gz"), &zn);
  damaged(f, "gz", "truncated gzip", z, zn, 12, 400);
  free(text);
  free(z);
}

/* A zstd file gives the documents of the plain one; frames one after
 * another (and a skippable frame between them) are all read. */
static void test_zstd(void **state) {
  fixture *f = *state;
  size_t n, zn, na, nb, za, zb;
  char *text = lines("d", 60, 1, &n), *z = zst(text, n, &zn);
  char *a = lines("a", 10, 0, &na), *b = lines("b", 12, 0, &nb);
  char *zap = zst(a, na, &za), *zbp = zst(b, nb, &zb), *both;
  /* a skippable frame: magic 0x184D2A5?, u32 size, that many bytes */
  static const char skip[] = "\x50\x2A\x4D\x18\x03\0\0\0abc";
  write_file(path_in(f, "d.jsonl.zst"), z, zn);
  same_as_plain(f, "d.jsonl.zst", zn, text, n);
  both = malloc(za + zb + sizeof skip + 16);
  memcpy(both, zap, za);
  memcpy(both + za, skip, sizeof skip - 1);
  memcpy(both + za + sizeof skip - 1, zbp, zb);
  write_file(path_in(f, "ab.zst"), both, za + sizeof skip - 1 + zb);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "ab.zst"), KZ_JSONL_STRICT, NULL, NULL, NULL),
                   KZ_OK);
  assert_int_equal(docs_of(f->c), 82);
  /* something else after the frames: an error naming the file, after
   * the lines before it */
  memcpy(both + za, "{\"id\": \"x\"}\n", 12);
  write_file(path_in(f, "junk.zst"), both, za + 12);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "junk.zst"), 0, NULL, NULL, NULL), KZ_EFORMAT);
  assert_non_null(strstr(kz_last_errmsg(), "junk.zst"));
  assert_non_null(strstr(kz_last_errmsg(), "zstd"));
  assert_int_equal(docs_of(f->c), 82);
  free(text);
  free(z);
  free(a);
  free(b);
  free(zap);
  free(zbp);
  free(both);
}

/* A zstd file cut short or damaged (past its magic: the frame's checksum
 * catches what decoding does not); the text is three zstd blocks, so
 * some lines come before the cut. */
static void test_zstd_damaged(void **state) {
  fixture *f = *state;
  size_t n, zn;
  char *text = lines("t", 4000, 0, &n), *z = zst(text, n, &zn);
  damaged(f, "zst", "truncated zstd", z, zn, 4, 4000);
  free(text);
  free(z);
}

/* xz, bzip2 and zip: refused, saying how to decompress them. */
static void test_other_compressions(void **state) {
  fixture *f = *state;
  static const struct { const char *magic; size_t n; const char *name; } m[] = {
      {"\xFD" "7zXZ\0", 6, "xz"}, {"BZh9", 4, "bzip2"}, {"PK\x03\x04", 4, "zip"}};
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
    char buf[64] = {0};
    memcpy(buf, m[i].magic, m[i].n);
    write_file(path_in(f, "x.jsonl.z"), buf, sizeof buf);
    assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "x.jsonl.z"), 0, NULL, NULL, NULL),
                     KZ_EFORMAT);
    assert_non_null(strstr(kz_last_errmsg(), m[i].name));
    assert_non_null(strstr(kz_last_errmsg(), "decompress it first"));
    assert_non_null(strstr(kz_last_errmsg(), "x.jsonl.z"));
  }
  assert_int_equal(docs_of(f->c), 0);
  {
    /* zstd's magic and nothing of a frame after it: damaged zstd */
    char buf[64] = "\x28\xB5\x2F\xFD";
    write_file(path_in(f, "x.jsonl.zst"), buf, sizeof buf);
    assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "x.jsonl.zst"), 0, NULL, NULL, NULL),
                     KZ_EFORMAT);
    assert_non_null(strstr(kz_last_errmsg(), "zstd"));
    assert_non_null(strstr(kz_last_errmsg(), "x.jsonl.zst"));
  }
}

/* Plain files are read as before: no final newline, CRLF, a last line
 * past a block boundary. */
static void test_plain_edges(void **state) {
  fixture *f = *state;
  size_t n;
  char *text = lines("p", 30, 1, &n);
  text[n - 1] = 0; /* no newline at the end */
  write_file(path_in(f, "p.jsonl"), text, n - 1);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "p.jsonl"), KZ_JSONL_STRICT, NULL, NULL, NULL),
                   KZ_OK);
  assert_int_equal(docs_of(f->c), 30);
  {
    static const char crlf[] = "{\"id\": \"r1\", \"text\": \"a\"}\r\n{\"id\": \"r2\", \"text\": \"b\"}\r\n";
    write_file(path_in(f, "crlf.jsonl"), crlf, sizeof crlf - 1);
  }
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "crlf.jsonl"), KZ_JSONL_STRICT, NULL, NULL, NULL),
                   KZ_OK);
  assert_int_equal(docs_of(f->c), 32);
  write_file(path_in(f, "empty.jsonl"), "", 0);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "empty.jsonl"), 0, NULL, NULL, NULL), KZ_OK);
  assert_int_equal(kz_corpus_add_jsonl(f->c, path_in(f, "missing.jsonl"), 0, NULL, NULL, NULL),
                   KZ_ENOTFOUND);
  assert_non_null(strstr(kz_last_errmsg(), "missing.jsonl"));
  assert_int_equal(kz_corpus_add_jsonl(f->c, f->dir, 0, NULL, NULL, NULL), KZ_EIO);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_gzip_same_as_plain, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gzip_members, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gzip_damaged, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zstd, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zstd_damaged, setup, teardown),
      cmocka_unit_test_setup_teardown(test_other_compressions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plain_edges, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
