/*
 * test_crash.c - kill a writer with SIGKILL at many points while it adds,
 * commits and merges; the corpus must then open, hold exactly the last
 * committed state (whole batches only), and accept a new writer.
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kz.h"
#include "test_fs.h"
#include "kz/corpus.h"
#include "kz/query.h"

#define BATCH 40

/* The child: batches of BATCH documents, each batch committed; every
 * fourth commit is an optimize. Never returns. */
static void writer(const char *dir, int start) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  char key[64], body[512];
  o.flags = KZ_CORPUS_CREATE;
  o.memory_budget = 1 << 20;
  if (kz_corpus_open(&c, dir, &o)) _exit(3);
  for (int b = start;; b++) {
    for (int i = 0; i < BATCH; i++) {
      int n = snprintf(body, sizeof body, "common batch%d doc%d words to index here and there %d", b,
                       i, (b * 31 + i) % 97);
      snprintf(key, sizeof key, "k%d-%d", b, i);
      if (kz_corpus_add_text(c, key, strlen(key), body, (size_t)n, NULL)) _exit(4);
    }
    if (b % 3 == 1) {
      snprintf(key, sizeof key, "k%d-0", b - 1);
      kz_corpus_delete(c, key, strlen(key)); /* KZ_ENOTFOUND in a new round */
    }
    if ((b % 4 == 3 ? kz_corpus_optimize(c) : kz_corpus_commit(c))) _exit(5);
  }
}

static int count_cb(const char *k, size_t n, void *p) {
  (void)k;
  (void)n;
  ++*(uint64_t *)p;
  return 0;
}

static uint64_t count(kz_corpus *c, const char *q) {
  uint64_t n = 0;
  int rc = kz_corpus_keys(c, q, strlen(q), count_cb, &n);
  if (rc) fprintf(stderr, "query %s: %s\n", q, kz_last_errmsg());
  assert_int_equal(rc, KZ_OK);
  return n;
}

static void test_sigkill(void **state) {
  char parent[64], dir[80];
  (void)state;
  snprintf(parent, sizeof parent, "/tmp/kzcrashXXXXXX");
  assert_non_null(mkdtemp(parent));
  snprintf(dir, sizeof dir, "%s/c", parent);
  srand(12345);
  int batches = 0;
  for (int round = 0; round < 30; round++) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) writer(dir, 1000 * (round + 1));
    /* let it run a varying while, then kill it */
    struct timespec ts = {0, (long)(1000000 + (rand() % 60) * 1000000L)};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFSIGNALED(st) || WEXITSTATUS(st) == 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0) fail_msg("writer failed with %d", WEXITSTATUS(st));

    kz_corpus_options ro = KZ_CORPUS_OPTIONS_INIT;
    kz_corpus *c;
    ro.flags = KZ_CORPUS_READONLY;
    int rc = kz_corpus_open(&c, dir, &ro);
    if (rc == KZ_ENOTFOUND) continue; /* killed before the first MANIFEST */
    if (rc) fprintf(stderr, "reopen: %s\n", kz_last_errmsg());
    assert_int_equal(rc, KZ_OK);
    uint64_t docs = kz_corpus_count_docs(c);
    assert_int_equal(count(c, "common"), docs);
    /* whole batches only */
    uint64_t seen = 0;
    for (int r2 = 0; r2 <= round; r2++)
      for (int b = 1000 * (r2 + 1); b < 1000 * (r2 + 1) + 400; b++) {
        char q[32];
        snprintf(q, sizeof q, "batch%d", b);
        uint64_t n = count(c, q);
        if (n == 0) break;
        assert_true(n == BATCH || (n == BATCH - 1));
        seen += n;
      }
    assert_int_equal(seen, docs);
    if (docs) batches++;
    kz_corpus_close(c);
  }
  /* a writer can take over and commit */
  {
    kz_corpus *c;
    assert_int_equal(kz_corpus_open(&c, dir, NULL), KZ_OK);
    assert_int_equal(kz_corpus_add_text(c, "last", 4, "common final", 12, NULL), KZ_OK);
    assert_int_equal(kz_corpus_commit(c), KZ_OK);
    assert_int_equal(kz_corpus_optimize(c), KZ_OK);
    assert_int_equal(count(c, "final"), 1);
    kz_corpus_close(c);
  }
  assert_true(batches > 0);
  kzt_rmtree(dir);
  rmdir(parent);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_sigkill)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
