/*
 * test_corrupt.c - flip and truncate bytes in each kind of corpus file
 * (MANIFEST, segment, deletion file): opening gives KZ_ECORRUPT naming the
 * file; with verification off, searches return KZ_OK or KZ_ECORRUPT and
 * never crash.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kz.h"
#include "kz/corpus.h"
#include "kz/query.h"

static char parent[64], src[96], work[96];

static int slurp(const char *path, unsigned char **out, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  *out = malloc(*n + 1);
  if (fread(*out, 1, *n, f) != *n) {
    fclose(f);
    return -1;
  }
  fclose(f);
  return 0;
}

static void spit(const char *path, const unsigned char *d, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(d, 1, n, f), n);
  fclose(f);
}

static void clear(const char *d0) {
  DIR *d = opendir(d0);
  struct dirent *e;
  char p[512];
  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(p, sizeof p, "%s/%s", d0, e->d_name);
    unlink(p);
  }
  if (d) closedir(d);
}

static void copy_dir(const char *from, const char *to) {
  DIR *d = opendir(from);
  struct dirent *e;
  clear(to);
  while ((e = readdir(d)) != NULL) {
    char a[512], b[512];
    unsigned char *buf;
    size_t n;
    if (e->d_name[0] == '.') continue;
    snprintf(a, sizeof a, "%s/%s", from, e->d_name);
    snprintf(b, sizeof b, "%s/%s", to, e->d_name);
    assert_int_equal(slurp(a, &buf, &n), 0);
    spit(b, buf, n);
    free(buf);
  }
  closedir(d);
}

static int cnt_cb(const char *k, size_t n, void *p) {
  (void)k;
  (void)n;
  ++*(int *)p;
  return 0;
}

/* Exercise a (possibly damaged) corpus opened without verification. */
static void exercise(kz_corpus *c) {
  static const char *qs[] = {"tokayev", "\"state of emergency\"", "terror*", "Toqayev~",
                             "NEAR(fuel prices, 3)", "-tokayev", "source:bbc", "date:2022"};
  for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
    kz_results *r;
    kz_kwic *k;
    int n = 0, rc = kz_corpus_search(&r, c, qs[i], strlen(qs[i]), NULL);
    assert_true(rc == KZ_OK || rc == KZ_ECORRUPT);
    if (rc == KZ_OK) {
      while (kz_results_next(r) == KZ_OK) kz_results_snippet(r, NULL);
      kz_results_free(r);
    }
    rc = kz_corpus_keys(c, qs[i], strlen(qs[i]), cnt_cb, &n);
    assert_true(rc == KZ_OK || rc == KZ_ECORRUPT);
    rc = kz_corpus_kwic(&k, c, qs[i], strlen(qs[i]), NULL);
    assert_true(rc == KZ_OK || rc == KZ_ECORRUPT);
    kz_kwic_free(k);
  }
  {
    kz_doc *d;
    int rc = kz_corpus_doc(&d, c, "k3", 2);
    assert_true(rc == KZ_OK || rc == KZ_ECORRUPT || rc == KZ_ENOTFOUND);
    kz_doc_free(d);
  }
}

static int setup(void **state) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  char key[16], body[256];
  (void)state;
  snprintf(parent, sizeof parent, "/tmp/kzcorruptXXXXXX");
  if (!mkdtemp(parent)) return -1;
  snprintf(src, sizeof src, "%s/src", parent);
  snprintf(work, sizeof work, "%s/work", parent);
  o.flags = KZ_CORPUS_CREATE;
  if (kz_corpus_open(&c, src, &o)) return -1;
  for (int i = 0; i < 30; i++) {
    kz_doc_meta m = KZ_DOC_META_INIT;
    int n = snprintf(body, sizeof body,
                     "Tokayev declared a state of emergency %d. Fuel prices rose; terrorists blamed.", i);
    m.source = i % 2 ? "BBC" : "RT";
    m.date = "2022-01-05";
    m.title = "Title";
    snprintf(key, sizeof key, "k%d", i);
    if (kz_corpus_add_text(c, key, strlen(key), body, (size_t)n, &m)) return -1;
    if (i == 14 && kz_corpus_commit(c)) return -1;
  }
  if (kz_corpus_delete(c, "k3", 2) || kz_corpus_commit(c)) return -1;
  kz_corpus_close(c);
  return mkdir(work, 0755);
}

static int teardown(void **state) {
  (void)state;
  clear(src);
  clear(work);
  rmdir(src);
  rmdir(work);
  rmdir(parent);
  return 0;
}

static void damage(const char *name, int mode, size_t where) {
  char path[512];
  unsigned char *buf;
  size_t n;
  snprintf(path, sizeof path, "%s/%s", work, name);
  assert_int_equal(slurp(path, &buf, &n), 0);
  if (mode == 0 && n) {
    buf[where % n] ^= (unsigned char)(1u << (where % 8));
  } else {
    n = where % (n ? n : 1);
  }
  spit(path, buf, n);
  free(buf);
}

static void test_damage(void **state) {
  DIR *d = opendir(src);
  struct dirent *e;
  int kinds[3] = {0, 0, 0};
  (void)state;
  while ((e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    int kind = !strcmp(name, "MANIFEST") ? 0 : !strncmp(name, "seg-", 4) ? 1
             : !strncmp(name, "del-", 4) ? 2 : -1;
    char path[512];
    unsigned char *buf;
    size_t n;
    if (kind < 0) continue;
    kinds[kind]++;
    snprintf(path, sizeof path, "%s/%s", src, name);
    assert_int_equal(slurp(path, &buf, &n), 0);
    free(buf);
    for (int trial = 0; trial < 60; trial++) {
      int mode = trial % 3 == 2; /* flip, flip, truncate */
      size_t where = (size_t)trial * 7919u + (size_t)trial * trial;
      kz_corpus *c;
      kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
      int rc;
      if (trial < 8) where = (size_t)trial; /* the header */
      else if (trial < 16) where = n - 1 - (size_t)(trial - 8) * 3; /* the footer */
      copy_dir(src, work);
      damage(name, mode, where);
      o.flags = KZ_CORPUS_READONLY;
      rc = kz_corpus_open(&c, work, &o);
      if (rc != KZ_ECORRUPT) {
        fprintf(stderr, "%s trial %d mode %d at %zu: rc %d (%s)\n", name, trial, mode, where, rc,
                kz_last_errmsg());
      }
      assert_int_equal(rc, KZ_ECORRUPT);
      assert_non_null(strstr(kz_last_errmsg(), kind == 0 ? "MANIFEST" : name));
      /* without verification: no crash, whatever the damage */
      if (kind != 0) {
        o.flags = KZ_CORPUS_READONLY | KZ_CORPUS_NO_VERIFY;
        rc = kz_corpus_open(&c, work, &o);
        assert_true(rc == KZ_OK || rc == KZ_ECORRUPT);
        if (rc == KZ_OK) {
          exercise(c);
          kz_corpus_close(c);
        }
      }
    }
  }
  closedir(d);
  assert_int_equal(kinds[0], 1);
  assert_true(kinds[1] >= 2);
  assert_true(kinds[2] >= 1);
}

/* A file named by the MANIFEST that is missing. */
static void test_missing(void **state) {
  DIR *d;
  struct dirent *e;
  kz_corpus *c;
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  (void)state;
  copy_dir(src, work);
  d = opendir(work);
  while ((e = readdir(d)) != NULL)
    if (!strncmp(e->d_name, "seg-", 4)) {
      char p[512];
      snprintf(p, sizeof p, "%s/%s", work, e->d_name);
      unlink(p);
      break;
    }
  closedir(d);
  o.flags = KZ_CORPUS_READONLY;
  assert_int_equal(kz_corpus_open(&c, work, &o), KZ_ECORRUPT);
  assert_non_null(strstr(kz_last_errmsg(), "seg-"));
}

/* A handle does not read through again the segments it checked or wrote
 * itself; one damaged afterwards (in place, so same name and inode) is
 * still checked by its next snapshot. */
static void test_damage_after_open(void **state) {
  DIR *d;
  struct dirent *e;
  char seg[256] = "";
  kz_corpus *c;
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_doc_meta m = KZ_DOC_META_INIT;
  int rc;
  (void)state;
  copy_dir(src, work);
  assert_int_equal(kz_corpus_open(&c, work, &o), KZ_OK);
  /* the handle's own segment: written, then damaged */
  assert_int_equal(kz_corpus_add_text(c, "new1", 4, "Fuel prices rose again.", 23, &m), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  d = opendir(work);
  while ((e = readdir(d)) != NULL)
    if (!strncmp(e->d_name, "seg-", 4) && strcmp(e->d_name, seg) > 0)
      snprintf(seg, sizeof seg, "%s", e->d_name); /* the newest */
  closedir(d);
  assert_true(seg[0] != 0);
  {
    struct timespec ts = {0, 30000000}; /* file times may tick only every few ms */
    nanosleep(&ts, NULL);
  }
  damage(seg, 0, 40);
  assert_int_equal(kz_corpus_add_text(c, "new2", 4, "Tokayev spoke.", 14, &m), KZ_OK);
  rc = kz_corpus_commit(c);
  assert_int_equal(rc, KZ_ECORRUPT);
  assert_non_null(strstr(kz_last_errmsg(), seg));
  kz_corpus_close(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_damage),
      cmocka_unit_test(test_missing),
      cmocka_unit_test(test_damage_after_open),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
