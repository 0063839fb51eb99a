/*
 * test_sniff.c - files that are not text: kz_article_parse_file() refuses
 * images, archives, UTF-16, JSON datasets and binary noise with KZ_EFORMAT and a message
 * naming the file and what it is, while text with stray bytes still
 * parses; kz_corpus_add_dir() skips such files and says why.
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

#include "kz.h"

static const char TEXT[] =
    "Protests spread across Kazakhstan\n\n"
    "Thousands of people took to the streets of Almaty on Wednesday after the price of "
    "liquefied gas doubled. The government resigned in the evening.\n\n"
    "The president declared a state of emergency and asked for help from allies.\n";

static char dir[64];

static void put(const char *name, const void *data, size_t n, char *path, size_t cap) {
  FILE *f;
  snprintf(path, cap, "%s/%s", dir, name);
  f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, n, f), n);
  fclose(f);
}

/* Parse the file name holding data[0..n): the status, and the message
 * when it fails. */
static int parse(const char *name, const void *data, size_t n, unsigned flags, char *msg,
                 size_t cap) {
  char path[256];
  kz_article *a = NULL;
  kz_parse_options o = KZ_PARSE_OPTIONS_INIT;
  int rc;
  put(name, data, n, path, sizeof path);
  o.flags = flags;
  rc = kz_article_parse_file(&a, path, &o);
  if (rc) {
    assert_null(a);
    snprintf(msg, cap, "%s", kz_last_errmsg());
    assert_non_null(strstr(msg, path)); /* the message names the file */
  } else {
    assert_non_null(a);
    msg[0] = 0;
  }
  kz_article_free(a);
  unlink(path);
  return rc;
}

static void lcg_bytes(unsigned char *b, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    b[i] = (unsigned char)(seed >> 16);
  }
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/kzsniffXXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  return rmdir(dir);
}

/* The file name holding data[0..n) is refused as not text, and the
 * message says `what`. */
static void refused(const char *name, const void *data, size_t n, const char *what) {
  char msg[512];
  assert_int_equal(parse(name, data, n, 0, msg, sizeof msg), KZ_EFORMAT);
  if (!strstr(msg, what)) fail_msg("%s: '%s' does not say '%s'", name, msg, what);
}

static void test_formats(void **state) {
  static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
  static const unsigned char gz[] = "\x1f\x8b\x08\0\0\0\0\0\0\x03\xcb\x48\xcd\xc9\xc9";
  static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n";
  char msg[512];
  (void)state;
  refused("a.png", png, sizeof png - 1, "PNG image");
  refused("a.txt.gz", gz, sizeof gz - 1, "gzip-compressed JSON Lines are read as they are by kz index --jsonl");
  refused("a.pdf", pdf, sizeof pdf - 1, "PDF");
  /* "BZh" starts English words too: only with the block size digit */
  assert_int_equal(parse("bzh.txt", "BZh is not a word\n", 18, 0, msg, sizeof msg), KZ_OK);
}

/* A JSON or JSON Lines dataset is pointed to the JSON Lines reader
 * instead of becoming one article of JSON syntax; a page that merely
 * starts with a brace still parses. */
static void test_json(void **state) {
  static const char jsonl[] = "\xEF\xBB\xBF{\"id\": \"1\", \"text\": \"Almaty\"}\r\n{\"id\": \"2\"}\n";
  static const char array[] = "[\n  {\"id\": 1}\n]\n";
  static const char object[] = "{\n  \"articles\": []\n}\n";
  static const char brace[] = "{Update} Protests spread across Kazakhstan\n\nThousands marched.\n";
  char msg[512];
  (void)state;
  refused("a.jsonl", jsonl, sizeof jsonl - 1, "JSON Lines (add it with kz index --jsonl");
  refused("a.json", array, sizeof array - 1, "JSON data (an array");
  refused("b.json", object, sizeof object - 1, "JSON data (write it as JSON Lines");
  assert_int_equal(parse("brace.txt", brace, sizeof brace - 1, 0, msg, sizeof msg), KZ_OK);
  assert_int_equal(parse("a.jsonl", jsonl, sizeof jsonl - 1, KZ_PARSE_ALLOW_BINARY, msg, sizeof msg),
                   KZ_OK);
}

static void test_utf16(void **state) {
  unsigned char u16[2 + 2 * sizeof TEXT];
  size_t n = 0;
  char msg[512];
  (void)state;
  u16[n++] = 0xff;
  u16[n++] = 0xfe;
  for (size_t i = 0; i + 1 < sizeof TEXT; i++) {
    u16[n++] = (unsigned char)TEXT[i];
    u16[n++] = 0;
  }
  assert_int_equal(parse("bom.txt", u16, n, 0, msg, sizeof msg), KZ_EFORMAT);
  assert_non_null(strstr(msg, "UTF-16"));
  assert_non_null(strstr(msg, "iconv")); /* and what to do */
  /* little-endian without a byte order mark */
  assert_int_equal(parse("le.txt", u16 + 2, n - 2, 0, msg, sizeof msg), KZ_EFORMAT);
  assert_non_null(strstr(msg, "UTF-16"));
  /* big-endian without one: the NULs are in the even bytes */
  assert_int_equal(parse("be.txt", u16 + 1, n - 2, 0, msg, sizeof msg), KZ_EFORMAT);
  assert_non_null(strstr(msg, "UTF-16"));
}

static void test_noise_and_text(void **state) {
  unsigned char noise[8192], text[sizeof TEXT * 4];
  size_t n = 0;
  char msg[512];
  (void)state;
  lcg_bytes(noise, sizeof noise, 7);
  noise[0] = 'A'; /* no signature: the control bytes decide */
  assert_int_equal(parse("noise.txt", noise, sizeof noise, 0, msg, sizeof msg), KZ_EFORMAT);
  assert_non_null(strstr(msg, "control bytes from byte"));
  /* the caller may insist */
  assert_int_equal(parse("noise.txt", noise, sizeof noise, KZ_PARSE_ALLOW_BINARY, msg, sizeof msg),
                   KZ_OK);
  /* a page with a few stray NULs and a form feed is text */
  for (int k = 0; k < 4; k++) {
    memcpy(text + n, TEXT, sizeof TEXT - 1);
    n += sizeof TEXT - 1;
    text[n++] = k == 1 ? '\f' : '\0';
  }
  assert_int_equal(parse("stray.txt", text, n, 0, msg, sizeof msg), KZ_OK);
  /* a legacy 8-bit encoding has no control bytes: parsed, repaired */
  {
    unsigned char cp1251[200];
    for (size_t i = 0; i < sizeof cp1251; i++)
      cp1251[i] = i % 7 == 6 ? ' ' : (unsigned char)(0xC0 + (i * 13) % 64);
    assert_int_equal(parse("cp1251.txt", cp1251, sizeof cp1251, 0, msg, sizeof msg), KZ_OK);
  }
  /* an empty file is an empty article, as before */
  assert_int_equal(parse("empty.txt", "", 0, 0, msg, sizeof msg), KZ_OK);
}

static void test_add_dir_says_why(void **state) {
  static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  char docs[128], cdir[128], p1[256], p2[256], p3[256];
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  uint64_t failed = 99;
  (void)state;
  put("corpus-src", "", 0, docs, sizeof docs); /* just to get the path */
  unlink(docs);
  assert_int_equal(mkdir(docs, 0700), 0);
  snprintf(p1, sizeof p1, "%s/a.txt", docs);
  snprintf(p2, sizeof p2, "%s/b.png", docs);
  snprintf(p3, sizeof p3, "%s/c.txt", docs);
  {
    FILE *f = fopen(p1, "wb");
    fwrite(TEXT, 1, sizeof TEXT - 1, f);
    fclose(f);
    f = fopen(p2, "wb");
    fwrite(png, 1, sizeof png - 1, f);
    fclose(f);
    f = fopen(p3, "wb");
    fwrite(TEXT, 1, sizeof TEXT - 1, f);
    fclose(f);
  }
  snprintf(cdir, sizeof cdir, "%s/corpus", dir);
  o.flags = KZ_CORPUS_CREATE;
  assert_int_equal(kz_corpus_open(&c, cdir, &o), KZ_OK);
  assert_int_equal(kz_corpus_add_dir(c, docs, &failed, NULL, NULL), KZ_OK);
  assert_int_equal(failed, 1);
  assert_non_null(strstr(kz_last_errmsg(), "1 file(s) skipped"));
  assert_non_null(strstr(kz_last_errmsg(), p2));
  assert_non_null(strstr(kz_last_errmsg(), "PNG image"));
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 2);
  kz_corpus_close(c);
  unlink(p1);
  unlink(p2);
  unlink(p3);
  rmdir(docs);
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cdir);
    assert_int_equal(system(cmd), 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_formats),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_utf16),
      cmocka_unit_test(test_noise_and_text),
      cmocka_unit_test(test_add_dir_says_why),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
