/*
 * test_corpus.c - the corpus: create, add, commit, reopen, search, replace,
 * delete, JSON Lines, segments and merges, the writer lock and snapshots.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kz.h"
#include "test_fs.h"
#include "kz/corpus.h"
#include "kz/query.h"
#include "kz/analysis.h"

static char *tmpdir(void) {
  static char buf[8][64];
  static int k;
  char *b = buf[k++ % 8];
  snprintf(b, 64, "/tmp/kzcorpusXXXXXX");
  assert_non_null(mkdtemp(b));
  strcat(b, "/c");
  return b;
}

static void cleanup(char *dir) {
  char parent[64];
  kzt_rmtree(dir);
  snprintf(parent, sizeof parent, "%s", dir);
  *strrchr(parent, '/') = 0;
  rmdir(parent);
}

/* Copy file `from` to `to`; returns its size. */
static uint64_t copy_file(const char *from, const char *to) {
  char buf[65536];
  FILE *in, *out;
  size_t n;
  uint64_t sum = 0;
  in = fopen(from, "rb");
  out = fopen(to, "wb");
  assert_non_null(in);
  assert_non_null(out);
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    assert_int_equal(fwrite(buf, 1, n, out), n);
    sum += n;
  }
  fclose(in);
  fclose(out);
  return sum;
}

/* Copy seed article `name` to `to`; returns its size. */
static uint64_t copy_seed(const char *name, const char *to) {
  char from[512];
  snprintf(from, sizeof from, "%s/examples/corpus/%s", KZ_SOURCE_DIR, name);
  return copy_file(from, to);
}

static kz_corpus *create(const char *dir, unsigned aflags, const char *lang) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c = NULL;
  o.flags = KZ_CORPUS_CREATE;
  o.analyzer_flags = aflags;
  o.language = lang;
  int rc = kz_corpus_open(&c, dir, &o);
  if (rc) fprintf(stderr, "open: %s\n", kz_last_errmsg());
  assert_int_equal(rc, KZ_OK);
  return c;
}

static void add(kz_corpus *c, const char *key, const char *title, const char *body,
                const char *source, const char *date) {
  kz_doc_meta m = KZ_DOC_META_INIT;
  m.title = title;
  m.source = source;
  m.date = date;
  int rc = kz_corpus_add_text(c, key, strlen(key), body, strlen(body), &m);
  if (rc) fprintf(stderr, "add: %s\n", kz_last_errmsg());
  assert_int_equal(rc, KZ_OK);
}

/* Matching keys, sorted, joined by ' '. */
static int key_cb(const char *k, size_t n, void *p) {
  char *out = p;
  size_t l = strlen(out);
  snprintf(out + l, 4096 - l, "%s%.*s", l ? " " : "", (int)n, k);
  return 0;
}

static int cmpstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *keys(kz_corpus *c, const char *q) {
  static char out[4096], sorted[4096];
  char *parts[256], *save = NULL, *t;
  size_t n = 0;
  out[0] = 0;
  int rc = kz_corpus_keys(c, q, strlen(q), key_cb, out);
  if (rc) {
    snprintf(sorted, sizeof sorted, "ERR %d %s", rc, kz_last_errmsg());
    return sorted;
  }
  for (t = strtok_r(out, " ", &save); t && n < 256; t = strtok_r(NULL, " ", &save)) parts[n++] = t;
  qsort(parts, n, sizeof *parts, cmpstr);
  sorted[0] = 0;
  for (size_t i = 0; i < n; i++) {
    strcat(sorted, i ? " " : "");
    strcat(sorted, parts[i]);
  }
  return sorted;
}

static int count_cb(const char *k, size_t n, void *p) {
  (void)k;
  (void)n;
  ++*(size_t *)p;
  return 0;
}

static size_t count_keys(kz_corpus *c, const char *q) {
  size_t n = 0;
  int rc = kz_corpus_keys(c, q, strlen(q), count_cb, &n);
  if (rc) fprintf(stderr, "keys %s: %s\n", q, kz_last_errmsg());
  assert_int_equal(rc, KZ_OK);
  return n;
}

static const char *B1 =
    "President Kassym-Jomart Tokayev declared a state of emergency in Almaty. "
    "Protesters stormed the mayor's office as the unrest spread.";
static const char *B2 =
    "Russian paratroopers arrived in Kazakhstan. The CSTO mission was described as "
    "a peacekeeping operation against terrorists.";
static const char *B3 =
    "Fuel prices doubled in Zhanaozen, where protests began. Tokayev blamed terrorist "
    "groups trained abroad and ordered troops to shoot without warning.";

static void build3(kz_corpus *c) {
  add(c, "a", "Emergency declared in Almaty", B1, "RFE/RL", "2022-01-05");
  add(c, "b", "CSTO troops arrive", B2, "RT DE", "2022-01-07");
  add(c, "c", "Fuel protests", B3, "RT DE", "2022-01-10T08:00:00");
}

static void test_basic(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL), *r;
  kz_corpus_options ro = KZ_CORPUS_OPTIONS_INIT;
  build3(c);
  assert_int_equal(kz_corpus_count_docs(c), 0); /* not committed yet */
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 3);
  kz_corpus_close(c);

  ro.flags = KZ_CORPUS_READONLY;
  assert_int_equal(kz_corpus_open(&r, dir, &ro), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(r), 3);
  assert_string_equal(keys(r, "tokayev"), "a c");
  assert_string_equal(keys(r, "Tokayev"), "a c");
  assert_string_equal(keys(r, "\"state of emergency\""), "a");
  assert_string_equal(keys(r, "\"emergency of state\""), "");
  assert_string_equal(keys(r, "tokayev AND fuel"), "c");
  assert_string_equal(keys(r, "tokayev fuel"), "c");
  assert_string_equal(keys(r, "tokayev OR csto"), "a b c");
  assert_string_equal(keys(r, "tokayev NOT fuel"), "a");
  assert_string_equal(keys(r, "tokayev -fuel"), "a");
  assert_string_equal(keys(r, "-tokayev"), "b");
  assert_string_equal(keys(r, "(tokayev OR csto) AND -almaty"), "b c");
  assert_string_equal(keys(r, "Kassym-Jomart"), "a");
  assert_string_equal(keys(r, "\"jomart tokayev\""), "a");
  assert_string_equal(keys(r, "title:emergency"), "a");
  assert_string_equal(keys(r, "body:emergency"), "a");
  assert_string_equal(keys(r, "title:tokayev"), "");
  assert_string_equal(keys(r, "title:(csto OR fuel)"), "b c");
  assert_string_equal(keys(r, "terror*"), "b c");
  assert_string_equal(keys(r, "terrorist"), "c");
  assert_string_equal(keys(r, "Toqayev~"), "a c");
  assert_string_equal(keys(r, "Toqayev"), "");
  assert_string_equal(keys(r, "source:\"RT DE\""), "b c");
  assert_string_equal(keys(r, "source:rfe/rl"), "a");
  assert_string_equal(keys(r, "date:2022-01-05"), "a");
  assert_string_equal(keys(r, "date:2022-01-06..2022-01-31"), "b c");
  assert_string_equal(keys(r, "date:>=2022-01-07"), "b c");
  assert_string_equal(keys(r, "date:<2022-01-07"), "a");
  assert_string_equal(keys(r, "date:2022-01"), "a b c");
  assert_string_equal(keys(r, "tokayev date:>2022-01-05"), "c");
  assert_string_equal(keys(r, "NEAR(tokayev emergency, 5)"), "a");
  assert_string_equal(keys(r, "NEAR(tokayev emergency, 2)"), "");
  assert_string_equal(keys(r, "tokayev NEAR/4 emergency"), "a");
  assert_string_equal(keys(r, "emergency NEAR/4 tokayev"), "a");
  assert_string_equal(keys(r, "tokayev NEAR/3 emergency"), "");
  assert_string_equal(keys(r, "NEAR(tokayev \"terrorist groups\", 2)"), "c");
  assert_string_equal(keys(r, "nothingatall"), "");
  kz_corpus_close(r);
  cleanup(dir);
}

/* Words that differ only in their last byte, or in one byte in the middle,
 * at the lengths where the writer's term table changes how it compares keys
 * (8 and 16 bytes with the space byte; tag lengths saturate at 255): each
 * finds its own document and no other. */
static void test_long_terms(void **state) {
  static const size_t lens[] = {6, 7, 8, 14, 15, 16, 17, 30, 253, 254, 255, 256, 300};
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  char word[320], key[32], q[340], want[32];
  size_t nl = sizeof lens / sizeof lens[0];
  for (size_t i = 0; i < nl; i++) {
    for (int v = 0; v < 3; v++) {
      memset(word, 'a', lens[i]);
      word[lens[i]] = '\0';
      if (v < 2) word[lens[i] - 1] = (char)('b' + v); /* last byte */
      else word[lens[i] / 2] = 'z';                    /* a middle byte */
      snprintf(key, sizeof key, "%zu-%d", lens[i], v);
      add(c, key, "t", word, NULL, NULL);
    }
  }
  /* a long key followed in the writer's arena by the next new key: a
   * longer word that is the first key plus the second must not match the
   * first by reading on into the second */
  memset(word, 'q', 300);
  word[300] = '\0';
  add(c, "q300", "t", word, NULL, NULL);
  add(c, "zzzz", "t", "zzzz", NULL, NULL);
  strcpy(word + 300, "wzzzz");
  add(c, "q300wzzzz", "t", word, NULL, NULL);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  snprintf(q, sizeof q, "body:%s", word);
  assert_string_equal(keys(c, q), "q300wzzzz");
  word[300] = '\0';
  snprintf(q, sizeof q, "body:%s", word);
  assert_string_equal(keys(c, q), "q300");
  for (size_t i = 0; i < nl; i++) {
    for (int v = 0; v < 3; v++) {
      memset(word, 'a', lens[i]);
      word[lens[i]] = '\0';
      if (v < 2) word[lens[i] - 1] = (char)('b' + v);
      else word[lens[i] / 2] = 'z';
      snprintf(q, sizeof q, "body:%s", word);
      snprintf(want, sizeof want, "%zu-%d", lens[i], v);
      assert_string_equal(keys(c, q), want);
    }
  }
  kz_corpus_close(c);
  cleanup(dir);
}

static void test_search_results(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  kz_results *res;
  kz_search_options so = KZ_SEARCH_OPTIONS_INIT;
  size_t n, s, e;
  const char *snip, *body;
  build3(c);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);

  assert_int_equal(kz_corpus_search(&res, c, "tokayev", 7, NULL), KZ_OK);
  assert_int_equal(kz_results_count(res), 2);
  assert_int_equal(kz_results_total(res, NULL), 2);
  assert_int_equal(kz_results_next(res), KZ_OK);
  double s1 = kz_results_score(res);
  assert_true(s1 > 0);
  assert_int_equal(kz_results_next(res), KZ_OK);
  assert_true(kz_results_score(res) <= s1);
  assert_int_equal(kz_results_next(res), KZ_ITEROVER);
  kz_results_free(res);

  /* title is boosted: "emergency" in title and body of a ranks first */
  assert_int_equal(kz_corpus_search(&res, c, "fuel OR emergency", 17, NULL), KZ_OK);
  assert_int_equal(kz_results_count(res), 2);
  kz_results_free(res);

  /* phrase highlighted as one range, in the snippet and in the body */
  assert_int_equal(kz_corpus_search(&res, c, "\"state of emergency\"", 20, NULL), KZ_OK);
  assert_int_equal(kz_results_next(res), KZ_OK);
  assert_string_equal(kz_results_field(res, KZ_FIELD_KEY, NULL), "a");
  assert_string_equal(kz_results_field(res, KZ_FIELD_TITLE, NULL), "Emergency declared in Almaty");
  assert_string_equal(kz_results_field(res, KZ_FIELD_SOURCE, NULL), "RFE/RL");
  assert_string_equal(kz_results_field(res, KZ_FIELD_DATE, NULL), "2022-01-05");
  snip = kz_results_snippet(res, &n);
  assert_true(n > 0);
  assert_int_equal(kz_results_highlight_count(res), 1);
  assert_int_equal(kz_results_highlight(res, 0, &s, &e), KZ_OK);
  assert_int_equal(e - s, strlen("state of emergency"));
  assert_memory_equal(snip + s, "state of emergency", e - s);
  body = kz_results_field(res, KZ_FIELD_BODY, NULL);
  assert_int_equal(kz_results_body_highlight_count(res), 1);
  assert_int_equal(kz_results_body_highlight(res, 0, &s, &e), KZ_OK);
  assert_memory_equal(body + s, "state of emergency", e - s);
  kz_results_free(res);

  /* sort by date, limit and offset */
  so.sort = KZ_SORT_DATE_DESC;
  so.limit = 1;
  assert_int_equal(kz_corpus_search(&res, c, "tokayev OR csto", 15, &so), KZ_OK);
  assert_int_equal(kz_results_count(res), 1);
  assert_int_equal(kz_results_total(res, NULL), 3);
  kz_results_next(res);
  assert_string_equal(kz_results_field(res, KZ_FIELD_KEY, NULL), "c");
  kz_results_free(res);
  so.offset = 1;
  assert_int_equal(kz_corpus_search(&res, c, "tokayev OR csto", 15, &so), KZ_OK);
  kz_results_next(res);
  assert_string_equal(kz_results_field(res, KZ_FIELD_KEY, NULL), "b");
  kz_results_free(res);

  /* stored document */
  {
    kz_doc *d;
    assert_int_equal(kz_corpus_doc(&d, c, "b", 1), KZ_OK);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_BODY, NULL), B2);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_SOURCE, NULL), "RT DE");
    kz_doc_free(d);
    assert_int_equal(kz_corpus_doc(&d, c, "zz", 2), KZ_ENOTFOUND);
  }
  kz_corpus_close(c);
  cleanup(dir);
}

static void test_query_errors(void **state) {
  (void)state;
  static const char *bad[] = {"\"state of", "(tokayev", "tokayev)", "foo:bar", "date:2022-13-01",
                              "date:yesterday", "AND tokayev", "tokayev AND", "NOT", "",
                              "NEAR(a b, x)", "a NEAR/x b", "(a OR b) NEAR/2 c", "()", "word~7"};
  kz_query *q;
  char deep[400];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = kz_query_parse(&q, NULL, bad[i], strlen(bad[i]));
    if (rc != KZ_EQUERY) fprintf(stderr, "query '%s' gave %d\n", bad[i], rc);
    assert_int_equal(rc, KZ_EQUERY);
    assert_non_null(strstr(kz_last_errmsg(), "at byte"));
    /* the position agrees with the message */
    {
      char want[64];
      int64_t pos = kz_query_error_position();
      assert_true(pos >= 0);
      snprintf(want, sizeof want, "at byte %lld:", (long long)pos);
      assert_non_null(strstr(kz_last_errmsg(), want));
    }
  }
  assert_int_equal(kz_query_parse(&q, NULL, "tokayev  (x", 11), KZ_EQUERY);
  assert_int_equal(kz_query_error_position(), 9);
  /* another failure replaces it */
  {
    kz_corpus *none = NULL;
    assert_int_equal(kz_corpus_open(&none, "/nonexistent/kz/corpus", NULL), KZ_ENOTFOUND);
    assert_int_equal(kz_query_error_position(), -1);
  }
  assert_int_equal(kz_query_parse(&q, NULL, "foo:bar", 7), KZ_EQUERY);
  assert_non_null(strstr(kz_last_errmsg(), "unknown field 'foo'"));
  assert_int_equal(kz_query_parse(&q, NULL, "a (b", 4), KZ_EQUERY);
  assert_non_null(strstr(kz_last_errmsg(), "byte 2"));
  memset(deep, '(', 200);
  memcpy(deep + 200, "a", 2);
  assert_int_equal(kz_query_parse(&q, NULL, deep, strlen(deep)), KZ_EQUERY);
  assert_non_null(strstr(kz_last_errmsg(), "too deep"));

  /* words that are all punctuation, symbols or emoji: an error naming
   * the first, not a silent empty result; alongside a real word they are
   * dropped */
  {
    static const struct { const char *q; int64_t at; } nothing[] = {
        {"\xf0\x9f\x98\x80", 0}, {",", 0}, {"\"\xf0\x9f\x98\x80 !\"", 0},
        {"- OR \xe2\x82\xac", 0}, {"title:\xf0\x9f\x98\x80", 6}, {"(. OR =;)", 1}};
    for (size_t i = 0; i < sizeof nothing / sizeof nothing[0]; i++) {
      int rc = kz_query_parse(&q, NULL, nothing[i].q, strlen(nothing[i].q));
      if (rc != KZ_EQUERY) fail_msg("query '%s' gave %d", nothing[i].q, rc);
      assert_non_null(strstr(kz_last_errmsg(), "has no word to search for"));
      assert_int_equal(kz_query_error_position(), nothing[i].at);
    }
    assert_int_equal(kz_query_parse(&q, NULL, "tokayev \xf0\x9f\x98\x80", 12), KZ_OK);
    assert_string_equal(kz_query_describe(q), "w:tokayev");
    kz_query_free(q);
    assert_int_equal(kz_query_parse(&q, NULL, "a OR ,", 6), KZ_OK);
    kz_query_free(q);
  }
  assert_int_equal(kz_query_parse(&q, NULL, "a b OR c -d", 11), KZ_OK);
  assert_string_equal(kz_query_describe(q), "(OR (AND w:a w:b) (NOT w:c w:d))");
  kz_query_free(q);
  assert_int_equal(kz_query_parse(&q, NULL, "title:\"x y\" terror* =Word", 25), KZ_OK);
  assert_string_equal(kz_query_describe(q), "(AND (PHRASE title:w:x title:w:y) w:terror* w:word)");
  kz_query_free(q);
  assert_int_equal(kz_query_parse(&q, NULL, "a NEAR/3 b NEAR/3 \"c d\"", 23), KZ_OK);
  assert_string_equal(kz_query_describe(q), "(NEAR/3 w:a w:b (PHRASE w:c w:d))");
  kz_query_free(q);
}

static void test_replace_delete(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  build3(c);
  add(c, "b", "CSTO leaves", "The CSTO mission ended and troops left.", "RT DE", "2022-01-13");
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 3);
  assert_string_equal(keys(c, "paratroopers"), "");
  assert_string_equal(keys(c, "csto"), "b");
  assert_string_equal(keys(c, "ended"), "b");
  /* replace a committed document, delete another */
  add(c, "a", "New a", "Completely different words here.", NULL, NULL);
  assert_int_equal(kz_corpus_delete(c, "c", 1), KZ_OK);
  assert_int_equal(kz_corpus_delete(c, "nope", 4), KZ_ENOTFOUND);
  assert_string_equal(keys(c, "tokayev"), "a c"); /* not committed yet */
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_string_equal(keys(c, "tokayev"), "");
  assert_string_equal(keys(c, "different"), "a");
  assert_int_equal(kz_corpus_count_docs(c), 2);
  /* optimize drops deleted documents */
  assert_int_equal(kz_corpus_optimize(c), KZ_OK);
  {
    kz_corpus_stats st;
    assert_int_equal(kz_corpus_stats_get(c, &st), KZ_OK);
    assert_int_equal(st.docs, 2);
    assert_int_equal(st.deleted, 0);
    assert_int_equal(st.segments, 1);
  }
  assert_string_equal(keys(c, "different OR csto"), "a b");
  kz_corpus_close(c);
  cleanup(dir);
}

/* Keys in segments large enough for key_lower_bound()'s interpolation
 * rounds (segment.c): every key is found with its own document, absent
 * keys are not, and adding a key again replaces it across segments. */
static void test_many_keys(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  char key[32], body[64];
  const int n = 3000;
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, "doc/%d", i);
    snprintf(body, sizeof body, "word%d common", i);
    add(c, key, NULL, body, NULL, NULL);
    if (i == n / 2) assert_int_equal(kz_corpus_commit(c), KZ_OK); /* two segments */
  }
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), n);
  for (int i = 0; i < n; i++) {
    kz_doc *d = NULL;
    size_t len = 0;
    const char *b;
    snprintf(key, sizeof key, "doc/%d", i);
    snprintf(body, sizeof body, "word%d common", i);
    assert_int_equal(kz_corpus_doc(&d, c, key, strlen(key)), KZ_OK);
    b = kz_doc_field(d, KZ_FIELD_BODY, &len);
    assert_non_null(b);
    assert_int_equal(len, strlen(body));
    assert_memory_equal(b, body, len);
    kz_doc_free(d);
  }
  for (int i = 0; i < 500; i++) {
    kz_doc *d = NULL;
    snprintf(key, sizeof key, "doc/%d", n + i * 7);
    assert_int_equal(kz_corpus_doc(&d, c, key, strlen(key)), KZ_ENOTFOUND);
    snprintf(key, sizeof key, "doc%d", i);
    assert_int_equal(kz_corpus_doc(&d, c, key, strlen(key)), KZ_ENOTFOUND);
  }
  /* replace every tenth key, in both segments */
  for (int i = 0; i < n; i += 10) {
    snprintf(key, sizeof key, "doc/%d", i);
    add(c, key, NULL, "replaced", NULL, NULL);
  }
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), n);
  assert_int_equal(count_keys(c, "replaced"), (size_t)(n / 10));
  assert_int_equal(count_keys(c, "common"), (size_t)(n - n / 10));
  assert_int_equal(kz_corpus_delete(c, "doc/15", 6), KZ_OK);
  assert_int_equal(kz_corpus_delete(c, "doc/15", 6), KZ_ENOTFOUND);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), n - 1);
  kz_corpus_close(c);
  cleanup(dir);
}

/* Matches and documents of q over all groups. */
static uint64_t matches_of(kz_corpus *c, const char *q, uint64_t *docs) {
  kz_counts *k;
  kz_count_row r;
  uint64_t m = 0, d = 0;
  int rc = kz_corpus_count(&k, c, q, strlen(q), KZ_COUNT_ALL);
  if (rc) fprintf(stderr, "count %s: %s\n", q, kz_last_errmsg());
  assert_int_equal(rc, KZ_OK);
  for (size_t i = 0; i < kz_counts_size(k); i++) {
    assert_int_equal(kz_counts_row(k, i, &r), KZ_OK);
    m += r.matches;
    d += r.docs;
  }
  kz_counts_free(k);
  if (docs) *docs = d;
  return m;
}

static void add_metals(kz_corpus *c) {
  add(c, "a", "Oil prices", "Oil, oil and gold. Gold and more oil; silver too.", NULL, NULL);
  add(c, "b", "Markets", "gold gold gold", NULL, NULL);
  add(c, "c", "Silver", "silver only", NULL, NULL);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
}

/* Counting an AND or OR of distinct words takes its matches from the
 * words' frequencies (no positions): the same number as merging their
 * occurrences, in every field combination; a word given twice counts
 * once, and the exact and stemmed forms of a word, which share positions,
 * count once too. */
static void test_count_words(void **state) {
  (void)state;
  char *dir = tmpdir(), *sdir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  kz_counts *k;
  kz_count_row r;
  uint64_t d, m;
  /* a: title oil; body oil x3, gold x2, silver.  b: gold x3.  c: silver x2 */
  static const struct { const char *q; uint64_t matches, docs; } want[] = {
      {"oil", 4, 1},
      {"gold", 5, 2},
      {"oil OR gold", 9, 2},
      {"oil AND gold", 6, 1},
      {"oil AND gold AND silver", 7, 1},
      {"title:oil OR gold", 6, 2},
      {"title:(oil OR silver)", 2, 2},
      {"body:(oil AND gold)", 5, 1},
      {"oil OR oil", 4, 1},
      {"oil AND oil", 4, 1},
      {"oil OR gold OR copper", 9, 2},
  };
  add_metals(c);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    m = matches_of(c, want[i].q, &d);
    if (m != want[i].matches || d != want[i].docs)
      fail_msg("%s: %llu matches in %llu documents, want %llu in %llu", want[i].q,
               (unsigned long long)m, (unsigned long long)d, (unsigned long long)want[i].matches,
               (unsigned long long)want[i].docs);
  }
  /* by document */
  assert_int_equal(kz_corpus_count(&k, c, "oil OR gold", 11, KZ_COUNT_DOC), KZ_OK);
  assert_int_equal(kz_counts_size(k), 2);
  assert_int_equal(kz_counts_row(k, 0, &r), KZ_OK);
  assert_memory_equal(r.group, "a", 1);
  assert_int_equal(r.matches, 6);
  assert_int_equal(kz_counts_row(k, 1, &r), KZ_OK);
  assert_memory_equal(r.group, "b", 1);
  assert_int_equal(r.matches, 3);
  kz_counts_free(k);
  kz_corpus_close(c);
  cleanup(dir);
  c = create(sdir, KZ_TOK_STEM, "en");
  add_metals(c);
  m = matches_of(c, "oil", &d);
  assert_int_equal(m, 4);
  assert_int_equal(matches_of(c, "oil OR =oil", NULL), m);
  assert_int_equal(matches_of(c, "oil AND =oil", NULL), m);
  assert_int_equal(matches_of(c, "=oil OR gold", NULL), 9);
  kz_corpus_close(c);
  cleanup(sdir);
}

static void test_lock_and_snapshot(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *w = create(dir, 0, NULL), *w2, *r;
  kz_corpus_options ro = KZ_CORPUS_OPTIONS_INIT;
  build3(w);
  assert_int_equal(kz_corpus_commit(w), KZ_OK);
  /* a second writer is refused with a clear message */
  assert_int_equal(kz_corpus_open(&w2, dir, NULL), KZ_OK);
  assert_int_equal(kz_corpus_add_text(w2, "x", 1, "x", 1, NULL), KZ_EBUSY);
  assert_non_null(strstr(kz_last_errmsg(), "locked by another writer"));
  kz_corpus_close(w2);
  /* a reader keeps its snapshot across two commits and a merge */
  ro.flags = KZ_CORPUS_READONLY;
  assert_int_equal(kz_corpus_open(&r, dir, &ro), KZ_OK);
  add(w, "d", "More", "Tokayev again.", NULL, NULL);
  assert_int_equal(kz_corpus_commit(w), KZ_OK);
  assert_int_equal(kz_corpus_delete(w, "a", 1), KZ_OK);
  assert_int_equal(kz_corpus_commit(w), KZ_OK);
  assert_int_equal(kz_corpus_optimize(w), KZ_OK);
  assert_string_equal(keys(r, "tokayev"), "a c");
  assert_int_equal(kz_corpus_refresh(r), KZ_OK);
  assert_string_equal(keys(r, "tokayev"), "c d");
  kz_corpus_close(r);
  kz_corpus_close(w);
  cleanup(dir);
}

/* A key added twice before a flush (a dataset with a duplicated id): the
 * segment holds both, the first deleted.  Looking the key up must find the
 * live one, and replacing or deleting it later must reach it (it used to
 * find the deleted one and stop: kz_corpus_doc() said "no document", and a
 * replacement left two live documents). */
static void test_key_twice_in_a_segment(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  kz_doc *d;
  add(c, "a", NULL, "first", NULL, NULL);
  add(c, "a", NULL, "second", NULL, NULL);
  add(c, "b", NULL, "other", NULL, NULL);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 2);
  assert_int_equal(kz_corpus_doc(&d, c, "a", 1), KZ_OK);
  assert_string_equal(kz_doc_field(d, KZ_FIELD_BODY, NULL), "second");
  kz_doc_free(d);
  add(c, "a", NULL, "third", NULL, NULL);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 2);
  assert_string_equal(keys(c, "second OR third"), "a");
  assert_string_equal(keys(c, "second"), "");
  assert_int_equal(kz_corpus_doc(&d, c, "a", 1), KZ_OK);
  assert_string_equal(kz_doc_field(d, KZ_FIELD_BODY, NULL), "third");
  kz_doc_free(d);
  /* twice again in one buffer, then deleted after the commit */
  add(c, "b", NULL, "other2", NULL, NULL);
  add(c, "b", NULL, "other3", NULL, NULL);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_delete(c, "b", 1), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 1);
  assert_string_equal(keys(c, "other OR other2 OR other3"), "");
  assert_int_equal(kz_corpus_doc(&d, c, "b", 1), KZ_ENOTFOUND);
  kz_corpus_close(c);
  cleanup(dir);
}

/* A stored document as an article: its fields, its body byte for byte,
 * paragraphs between blank lines, and the analyses run on it. */
static void test_doc_article(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  kz_doc_meta m = KZ_DOC_META_INIT;
  kz_doc *d;
  kz_article *a;
  kz_quotes *q;
  static const char body[] =
      "Troops arrived in Almaty on Thursday.\n\n\n\"We will restore order,\" Tokayev said in "
      "a televised address.\nThe airport reopened.\n\nIt was quiet.";
  m.title = "Order restored";
  m.date = "2022-01-07";
  m.source = "Wire";
  m.author = "Ann Lee; Bo Ma";
  m.language = "en";
  m.caption = "A checkpoint.\n\nA street.";
  assert_int_equal(kz_corpus_add_text(c, "k1", 2, body, sizeof body - 1, &m), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_doc(&d, c, "k1", 2), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  assert_string_equal(kz_article_title(a), "Order restored");
  assert_string_equal(kz_article_date(a), "2022-01-07");
  assert_int_equal(kz_article_date_span(a, NULL, NULL), KZ_ENOTFOUND);
  assert_string_equal(kz_article_source(a), "Wire");
  assert_string_equal(kz_article_language(a), "en");
  assert_int_equal(kz_article_author_count(a), 2);
  assert_string_equal(kz_article_author(a, 1), "Bo Ma");
  assert_string_equal(kz_article_body(a), kz_doc_field(d, KZ_FIELD_BODY, NULL));
  /* title, three paragraphs (the empty piece left out), two captions */
  assert_int_equal(kz_article_block_count(a), 6);
  assert_int_equal(kz_article_block_kind(a, 0), KZ_BLOCK_HEADING);
  for (size_t i = 1; i <= 3; i++) {
    size_t s = kz_article_block_start(a, i), e = kz_article_block_end(a, i);
    assert_int_equal(kz_article_block_kind(a, i), KZ_BLOCK_PARAGRAPH);
    assert_int_equal(e - s, strlen(kz_article_block_text(a, i)));
    assert_memory_equal(body + s, kz_article_block_text(a, i), e - s);
  }
  assert_string_equal(kz_article_block_text(a, 3), "It was quiet.");
  assert_int_equal(kz_article_block_kind(a, 5), KZ_BLOCK_CAPTION);
  assert_string_equal(kz_article_block_text(a, 5), "A street.");
  /* who said what, on the stored text */
  assert_int_equal(kz_article_quotes(&q, a), KZ_OK);
  assert_int_equal(kz_quotes_count(q), 1);
  assert_string_equal(kz_quote_speaker(q, 0), "Tokayev");
  kz_quotes_free(q);
  kz_article_free(a);
  kz_doc_free(d);
  /* no language stored: told from the body */
  assert_int_equal(kz_corpus_add_text(c, "k2", 2, body, sizeof body - 1, NULL), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_doc(&d, c, "k2", 2), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  assert_string_equal(kz_article_language(a), "en");
  assert_null(kz_article_title(a));
  assert_int_equal(kz_article_block_kind(a, 0), KZ_BLOCK_PARAGRAPH);
  kz_article_free(a);
  kz_doc_free(d);
  assert_int_equal(kz_doc_article(NULL, NULL), KZ_EINVAL);
  kz_corpus_close(c);
  cleanup(dir);
}

/* The blocks of a parsed article that a corpus stores, as "kind:text"
 * lines: paragraphs (standfirsts are paragraphs of the body), headings
 * other than the title and captions, duplicates left out. */
static void stored_blocks(const kz_article *a, int parsed, char *out, size_t cap) {
  size_t at = 0;
  out[0] = 0;
  for (size_t i = 0; i < kz_article_block_count(a); i++) {
    int k = kz_article_block_kind(a, i);
    const char *t = kz_article_block_text(a, i);
    if (parsed && kz_article_block_duplicate_of(a, i) >= 0) continue;
    if (k == KZ_BLOCK_STANDFIRST) k = KZ_BLOCK_PARAGRAPH;
    if (k != KZ_BLOCK_PARAGRAPH && k != KZ_BLOCK_HEADING && k != KZ_BLOCK_CAPTION) continue;
    if (k == KZ_BLOCK_HEADING && kz_article_title(a) && !strcmp(t, kz_article_title(a))) continue;
    at += (size_t)snprintf(out + at, cap - at, "%s:%s\n", kz_block_kind_name(k), t);
    assert_true(at < cap);
  }
}

/* A page's headings and captions come back from the corpus where they
 * stood among its paragraphs (the record's layout), so that a section
 * heading still precedes the answers under it. */
static void test_doc_article_layout(void **state) {
  (void)state;
  static const char page[] =
      "Voices from Almaty after the unrest\n\n"
      "Residents and experts describe a week that changed the country.\n\n"
      "Aigerim Sadykova, a teacher in Almaty:\n\n"
      "The shooting started on Wednesday night. Nobody on our street slept, and in the "
      "morning the shops were closed and the internet was gone.\n\n"
      "We did not know who was fighting whom. \"It felt like the city had been abandoned,\" "
      "she said of the first two days.\n\n"
      "Image: Burned cars outside the city administration building in Almaty on 7 January.\n\n"
      "Marat Zhaksybekov, a political analyst in Nur-Sultan:\n\n"
      "The protests began over fuel prices in Zhanaozen, but they quickly turned into "
      "something else. The elites were fighting among themselves.\n\n"
      "The arrival of CSTO troops was a signal to everyone inside the country.\n";
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  kz_article *p, *a;
  kz_doc *d;
  kz_doc_meta m = KZ_DOC_META_INIT;
  static char want[4096], got[4096];
  size_t kinds[3] = {0}, first_para = SIZE_MAX, mid_heading = 0;
  assert_int_equal(kz_article_parse(&p, page, sizeof page - 1, NULL), KZ_OK);
  stored_blocks(p, 1, want, sizeof want);
  /* what the test is about: headings and a caption between paragraphs */
  for (size_t i = 0; i < kz_article_block_count(p); i++) {
    int k = kz_article_block_kind(p, i);
    if (k == KZ_BLOCK_PARAGRAPH && first_para == SIZE_MAX) first_para = i;
    if (k == KZ_BLOCK_HEADING && first_para != SIZE_MAX) mid_heading++;
    if (k == KZ_BLOCK_PARAGRAPH || k == KZ_BLOCK_HEADING || k == KZ_BLOCK_CAPTION)
      kinds[k == KZ_BLOCK_PARAGRAPH ? 0 : k == KZ_BLOCK_HEADING ? 1 : 2]++;
  }
  assert_true(kinds[0] >= 5 && kinds[2] == 1 && mid_heading == 2);
  assert_int_equal(kz_corpus_add_article(c, "page", 4, p, NULL), KZ_OK);
  /* the same page with its captions replaced: no layout, captions last */
  m.caption = "A replaced caption.";
  assert_int_equal(kz_corpus_add_article(c, "meta", 4, p, &m), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);

  assert_int_equal(kz_corpus_doc(&d, c, "page", 4), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  stored_blocks(a, 0, got, sizeof got);
  assert_string_equal(got, want);
  assert_string_equal(kz_article_body(a), kz_article_body(p));
  /* paragraphs keep their spans in the body */
  for (size_t i = 0; i < kz_article_block_count(a); i++)
    if (kz_article_block_kind(a, i) == KZ_BLOCK_PARAGRAPH)
      assert_memory_equal(kz_article_body(a) + kz_article_block_start(a, i),
                          kz_article_block_text(a, i),
                          kz_article_block_end(a, i) - kz_article_block_start(a, i));
  kz_article_free(a);
  kz_doc_free(d);

  assert_int_equal(kz_corpus_doc(&d, c, "meta", 4), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  {
    size_t n = kz_article_block_count(a);
    assert_int_equal(kz_article_block_kind(a, n - 1), KZ_BLOCK_CAPTION);
    assert_string_equal(kz_article_block_text(a, n - 1), "A replaced caption.");
  }
  kz_article_free(a);
  kz_doc_free(d);
  /* merged into one segment, the layout stays */
  assert_int_equal(kz_corpus_add_text(c, "other", 5, "Another text.", 13, NULL), KZ_OK);
  assert_int_equal(kz_corpus_optimize(c), KZ_OK);
  assert_int_equal(kz_corpus_doc(&d, c, "page", 4), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  stored_blocks(a, 0, got, sizeof got);
  assert_string_equal(got, want);
  kz_article_free(a);
  kz_doc_free(d);
  kz_article_free(p);
  kz_corpus_close(c);
  cleanup(dir);
}

/* A corpus written by libkz 0.1.0 before the layout (segment format 2,
 * tests/data/corpus-v2: the five seed pages) is read, added to and
 * merged. */
static void test_format_2(void **state) {
  (void)state;
  static const char *const files[] = {"MANIFEST", "seg-0000000000000001.kzs"};
  static const char key[] = "examples/corpus/001_ab822a0e62d101c9.txt";
  char *dir = tmpdir(), from[512], to[512], hdr[12];
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  kz_corpus_stats st;
  kz_doc *d;
  kz_article *a;
  kz_quotes *q;
  FILE *f;
  assert_int_equal(mkdir(dir, 0755), 0);
  for (size_t i = 0; i < 2; i++) {
    snprintf(from, sizeof from, "%s/tests/data/corpus-v2/%s", KZ_SOURCE_DIR, files[i]);
    snprintf(to, sizeof to, "%s/%s", dir, files[i]);
    assert_true(copy_file(from, to) > 0);
  }
  assert_int_equal(kz_corpus_open(&c, dir, &o), KZ_OK);
  assert_int_equal(kz_corpus_stats_get(c, &st), KZ_OK);
  assert_int_equal(st.docs, 5);
  assert_string_equal(keys(c, "Biryukov"), key);
  assert_int_equal(kz_corpus_doc(&d, c, key, sizeof key - 1), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  assert_string_equal(kz_article_title(a), "Acute crises in Kazakhstan cause US frustration");
  /* no layout: headings and captions after the body, as such corpora
   * always gave */
  {
    size_t i = 1, n = kz_article_block_count(a);
    while (i < n && kz_article_block_kind(a, i) == KZ_BLOCK_PARAGRAPH) i++;
    assert_true(i > 1 && i < n);
    for (; i < n; i++) assert_int_not_equal(kz_article_block_kind(a, i), KZ_BLOCK_PARAGRAPH);
  }
  assert_int_equal(kz_article_quotes(&q, a), KZ_OK);
  assert_true(kz_quotes_count(q) > 0);
  kz_quotes_free(q);
  kz_article_free(a);
  kz_doc_free(d);
  /* a new document, then everything merged into a format-3 segment */
  add(c, "new", "New", "Biryukov spoke again.", NULL, NULL);
  assert_int_equal(kz_corpus_optimize(c), KZ_OK);
  assert_int_equal(kz_corpus_stats_get(c, &st), KZ_OK);
  assert_int_equal(st.docs, 6);
  assert_int_equal(st.segments, 1);
  assert_string_equal(keys(c, "Biryukov"), "examples/corpus/001_ab822a0e62d101c9.txt new");
  assert_int_equal(kz_corpus_doc(&d, c, key, sizeof key - 1), KZ_OK);
  assert_int_equal(kz_doc_article(&a, d), KZ_OK);
  assert_string_equal(kz_article_title(a), "Acute crises in Kazakhstan cause US frustration");
  kz_article_free(a);
  kz_doc_free(d);
  kz_corpus_close(c);
  {
    /* the merged segment is the newest (the old one goes at the next
     * writer's start) */
    DIR *dh = opendir(dir);
    struct dirent *e;
    char last[300] = "";
    assert_non_null(dh);
    while ((e = readdir(dh)) != NULL)
      if (strncmp(e->d_name, "seg-", 4) == 0 && strcmp(e->d_name, last) > 0)
        snprintf(last, sizeof last, "%s", e->d_name);
    closedir(dh);
    assert_string_not_equal(last, files[1]);
    snprintf(to, sizeof to, "%s/%s", dir, last);
    f = fopen(to, "rb");
    assert_non_null(f);
    assert_int_equal(fread(hdr, 1, 12, f), 12);
    fclose(f);
    assert_int_equal(hdr[8], 3); /* u32 format version, little-endian */
  }
  cleanup(dir);
  /* a format this libkz does not read: refused, saying what to do */
  for (int v = 1; v <= 4; v += 3) {
    char *d2 = tmpdir();
    assert_int_equal(mkdir(d2, 0755), 0);
    for (size_t i = 0; i < 2; i++) {
      snprintf(from, sizeof from, "%s/tests/data/corpus-v2/%s", KZ_SOURCE_DIR, files[i]);
      snprintf(to, sizeof to, "%s/%s", d2, files[i]);
      assert_true(copy_file(from, to) > 0);
    }
    f = fopen(to, "r+b"); /* the segment: its u32 version at byte 8 */
    assert_non_null(f);
    assert_int_equal(fseek(f, 8, SEEK_SET), 0);
    assert_int_equal(fputc(v, f), v);
    fclose(f);
    assert_int_equal(kz_corpus_open(&c, d2, &o), KZ_EVERSION);
    assert_non_null(strstr(kz_last_errmsg(), v > 3 ? "newer libkz" : "rebuild the corpus"));
    cleanup(d2);
  }
}

static void test_jsonl(void **state) {
  (void)state;
  char *dir = tmpdir();
  char path[128];
  FILE *f;
  uint64_t skipped = 9;
  kz_corpus *c = create(dir, 0, NULL);
  snprintf(path, sizeof path, "%s.jsonl", dir);
  f = fopen(path, "w");
  fputs("\xEF\xBB\xBF", f); /* a byte order mark before the first line: ignored */
  fputs("{\"id\": \"n1\", \"title\": \"One\", \"text\": \"caf\\u00e9 in Astana\", "
        "\"source\": \"BBC\", \"date\": \"2022-01-05T10:00:00\", \"author\": [\"Ann Lee\", \"Bo Ma\"]}\n",
        f);
  fputs("\n{\"id\": 2, \"text\": \"second line\", \"date\": 1641459600, "
        "\"extra\": {\"x\": [1, 2, null]}}\n", f); /* Unix time: 2022-01-06 09:00 UTC */
  fputs("{\"id\": \"bad\", \"text\": \"unterminated}\n", f);
  fputs("not json\n", f);
  fputs("{\"title\": \"no id\", \"text\": \"x\"}\n", f);
  /* a key no corpus takes: skipped like a bad line, the lines after it
   * still added (it used to stop the whole file) */
  fputs("{\"id\": \"", f);
  for (int i = 0; i < 5000; i++) fputc('k', f);
  fputs("\", \"text\": \"long key\"}\n", f);
  fputs("{\"id\": \"n3\", \"text\": \"third line\"}\n", f);
  /* other tools' member names: news-please (no id: the url is the key),
   * NewsAPI (source an object: its name), authors as objects; libkz's own
   * name wins */
  fputs("{\"url\": \"https://ex.org/np\", \"title\": \"NP\", \"maintext\": \"newsplease body\", "
        "\"date_publish\": \"2022-01-07 08:00:00\", \"source_domain\": \"ex.org\", "
        "\"authors\": [\"Cy Dee\"]}\n", f);
  fputs("{\"source\": {\"id\": null, \"name\": \"Wire\"}, \"url\": \"https://ex.org/na\", "
        "\"publishedAt\": \"2022-01-08T10:00:00Z\", \"content\": \"newsapi body\"}\n", f);
  fputs("{\"id\": \"p1\", \"content\": \"aliasword\", \"text\": \"ownword\", "
        "\"body\": {\"not\": \"text\"}}\n", f);
  fputs("{\"id\": \"o1\", \"text\": \"objects\", \"source\": {\"id\": {\"x\": 1}, \"name\": "
        "\"Tengri News\", \"name\": \"second\"}, \"authors\": [{\"@type\": \"Person\", \"name\": "
        "\"Dana Oz\"}, {\"url\": \"no name\"}, \"Ed Fox\"]}\n", f);
  fputs("{\"id\": \"o2\", \"text\": \"nameless\", \"domain\": \"kept.kz\", "
        "\"source\": {\"id\": \"x\"}, \"author\": {\"name\": 5}}\n", f);
  /* an escaped NUL (scraped text has them) is dropped, as the article
   * parser drops NUL bytes: it would cut every C string short */
  fputs("{\"id\": \"z1\", \"title\": \"\\u0000Nul title\", \"text\": \"before\\u0000after "
        "nul\\u0000\"}\n", f);
  fclose(f);
  assert_int_equal(kz_corpus_add_jsonl(c, path, 0, &skipped, NULL, NULL), KZ_OK);
  assert_int_equal(skipped, 4);
  assert_non_null(strstr(kz_last_errmsg(), ":4:"));
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 9);
  {
    kz_doc *d;
    size_t n;
    assert_int_equal(kz_corpus_doc(&d, c, "z1", 2), KZ_OK);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_TITLE, &n), "Nul title");
    assert_int_equal(n, 9);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_BODY, &n), "beforeafter nul");
    assert_int_equal(n, 15);
    kz_doc_free(d);
    assert_string_equal(keys(c, "beforeafter AND title:nul"), "z1");
  }
  assert_string_equal(keys(c, "source:wire"), "https://ex.org/na");
  assert_string_equal(keys(c, "source:\"tengri news\" AND author:\"dana oz\" AND author:fox"), "o1");
  assert_string_equal(keys(c, "author:second OR author:url OR source:second"), "");
  assert_string_equal(keys(c, "source:\"kept.kz\""), "o2");
  {
    kz_doc *d;
    assert_int_equal(kz_corpus_doc(&d, c, "o1", 2), KZ_OK);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_AUTHOR, NULL), "Dana Oz; Ed Fox");
    kz_doc_free(d);
    assert_int_equal(kz_corpus_doc(&d, c, "o2", 2), KZ_OK);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_AUTHOR, NULL), "");
    kz_doc_free(d);
  }
  assert_string_equal(keys(c, "third"), "n3");
  assert_string_equal(keys(c, "newsplease"), "https://ex.org/np");
  assert_string_equal(keys(c, "date:2022-01-07 AND source:\"ex.org\" AND author:dee"),
                      "https://ex.org/np");
  assert_string_equal(keys(c, "newsapi AND date:2022-01-08"), "https://ex.org/na");
  assert_string_equal(keys(c, "ownword"), "p1");
  assert_string_equal(keys(c, "aliasword"), "");
  assert_string_equal(keys(c, "café"), "n1");
  assert_string_equal(keys(c, "second"), "2");
  assert_string_equal(keys(c, "date:2022-01-06"), "2");
  assert_string_equal(keys(c, "date:2022-01-05"), "n1");
  assert_string_equal(keys(c, "author:lee"), "n1");
  assert_string_equal(keys(c, "author:\"bo ma\""), "n1");
  assert_string_equal(keys(c, "source:bbc"), "n1");
  assert_int_equal(kz_corpus_add_jsonl(c, path, KZ_JSONL_STRICT, NULL, NULL, NULL), KZ_EFORMAT);
  assert_non_null(strstr(kz_last_errmsg(), ":4:"));
  kz_corpus_close(c);
  unlink(path);
  cleanup(dir);
}

/* Many documents, a small budget (several flushes), several commits
 * (merges): results equal those of a brute-force scan. */
static void test_segments_merge(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  static const char *words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
  char body[4096], key[32];
  unsigned seed = 7;
  static int has[2100][2];
  o.flags = KZ_CORPUS_CREATE;
  o.memory_budget = 1 << 20;
  assert_int_equal(kz_corpus_open(&c, dir, &o), KZ_OK);
  for (int round = 0; round < 14; round++) {
    for (int i = 0; i < 150; i++) {
      int d = round * 150 + i;
      size_t l = 0;
      has[d][0] = has[d][1] = 0;
      for (int w = 0; w < 200; w++) {
        seed = seed * 1103515245 + 12345;
        int k = (int)((seed >> 16) % 8);
        l += (size_t)snprintf(body + l, sizeof body - l, "%s ", words[(k + 2) % 8 == 4 ? 2 : k == 0 ? 0 : (k + 1) % 8]);
      }
      /* recompute truth from the text itself */
      has[d][0] = strstr(body, "alpha ") == body || strstr(body, " alpha ") != NULL;
      has[d][1] = strstr(body, "gamma beta") != NULL;
      snprintf(key, sizeof key, "k%d", d);
      assert_int_equal(kz_corpus_add_text(c, key, strlen(key), body, l, NULL), KZ_OK);
    }
    assert_int_equal(kz_corpus_commit(c), KZ_OK);
  }
  {
    kz_corpus_stats st;
    kz_corpus_stats_get(c, &st);
    assert_true(st.segments <= 11);
    assert_int_equal(st.docs, 2100);
  }
  {
    int n0 = 0, n1 = 0;
    kz_results *r;
    for (int d = 0; d < 2100; d++) {
      n0 += has[d][0];
      n1 += has[d][1];
    }
    assert_int_equal(kz_corpus_search(&r, c, "alpha", 5, NULL), KZ_OK);
    assert_int_equal(kz_results_total(r, NULL), (uint64_t)n0);
    kz_results_free(r);
    assert_int_equal(kz_corpus_search(&r, c, "\"gamma beta\"", 12, NULL), KZ_OK);
    assert_int_equal(kz_results_total(r, NULL), (uint64_t)n1);
    kz_results_free(r);
    /* max-score early termination returns the same top 10 */
    for (int pass = 0; pass < 2; pass++) {
      static const char *qs[] = {"alpha OR zeta OR eta", "theta OR alpha", "zeta OR \"gamma beta\""};
      for (size_t qi = 0; qi < 3; qi++) {
        kz_search_options so = KZ_SEARCH_OPTIONS_INIT;
        kz_results *full, *top;
        int exact = 1;
        so.flags = KZ_SEARCH_NO_SNIPPETS;
        assert_int_equal(kz_corpus_search(&full, c, qs[qi], strlen(qs[qi]), &so), KZ_OK);
        so.flags |= KZ_SEARCH_TOP_ONLY;
        assert_int_equal(kz_corpus_search(&top, c, qs[qi], strlen(qs[qi]), &so), KZ_OK);
        assert_int_equal(kz_results_count(full), kz_results_count(top));
        kz_results_total(top, &exact);
        while (kz_results_next(full) == KZ_OK) {
          assert_int_equal(kz_results_next(top), KZ_OK);
          assert_string_equal(kz_results_field(full, KZ_FIELD_KEY, NULL),
                              kz_results_field(top, KZ_FIELD_KEY, NULL));
          assert_true(fabs(kz_results_score(full) - kz_results_score(top)) < 1e-9 * kz_results_score(full));
        }
        kz_results_free(full);
        kz_results_free(top);
      }
      if (pass == 0) assert_int_equal(kz_corpus_optimize(c), KZ_OK);
    }
    assert_int_equal(kz_corpus_search(&r, c, "\"gamma beta\"", 12, NULL), KZ_OK);
    assert_int_equal(kz_results_total(r, NULL), (uint64_t)n1);
    kz_results_free(r);
    assert_int_equal(kz_corpus_search(&r, c, "alpha", 5, NULL), KZ_OK);
    assert_int_equal(kz_results_total(r, NULL), (uint64_t)n0);
    kz_results_free(r);
  }
  kz_corpus_close(c);
  cleanup(dir);
}

/* Metadata in runs (a source, language or authors repeated by the
 * documents that follow, as in real corpora, then changing), with a small
 * budget so the runs cross flushes: every filter finds exactly the
 * documents that carry the value. */
static void test_meta_runs(void **state) {
  static const char *sources[] = {"BBC", "RT DE", "bbc", "Al Jazeera English"};
  static const char *langs[] = {"en", "de", "EN"};
  static const char *authors[] = {"Ann Lee; Bo Ma", "Ann Lee", "A;;Lee Ma", "Bo Ma"};
  enum { N = 1500 };
  static unsigned char src[N], lang[N], auth[N];
  char *dir = tmpdir();
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  char body[2048], key[32], q[64];
  unsigned seed = 11;
  size_t want;
  (void)state;
  o.flags = KZ_CORPUS_CREATE;
  o.memory_budget = 1 << 20;
  assert_int_equal(kz_corpus_open(&c, dir, &o), KZ_OK);
  for (int d = 0; d < N; d++) {
    kz_doc_meta m = KZ_DOC_META_INIT;
    size_t l = 0;
    seed = seed * 1103515245 + 12345;
    /* a value changes with probability 1/4, else repeats the last */
    src[d] = d && (seed >> 16) % 4 ? src[d - 1] : (unsigned char)((seed >> 8) % 4);
    lang[d] = d && (seed >> 20) % 4 ? lang[d - 1] : (unsigned char)((seed >> 12) % 3);
    auth[d] = d && (seed >> 24) % 4 ? auth[d - 1] : (unsigned char)((seed >> 4) % 4);
    for (int w = 0; w < 120; w++) { /* many distinct words: the budget fills */
      seed = seed * 1103515245 + 12345;
      l += (size_t)snprintf(body + l, sizeof body - l, "w%u ", (seed >> 16) % 30000);
    }
    m.source = sources[src[d]];
    m.language = langs[lang[d]];
    m.author = authors[auth[d]];
    snprintf(key, sizeof key, "k%d", d);
    assert_int_equal(kz_corpus_add_text(c, key, strlen(key), body, l, &m), KZ_OK);
  }
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  {
    kz_corpus_stats st;
    kz_corpus_stats_get(c, &st);
    assert_int_equal(st.docs, N);
  }
  for (int v = 0; v < 4; v++) { /* sources fold case: BBC = bbc */
    want = 0;
    for (int d = 0; d < N; d++) want += v == 0 || v == 2 ? src[d] == 0 || src[d] == 2 : src[d] == v;
    snprintf(q, sizeof q, "source:\"%s\"", sources[v]);
    assert_int_equal(count_keys(c, q), want);
  }
  for (int v = 0; v < 2; v++) {
    want = 0;
    for (int d = 0; d < N; d++) want += v == 0 ? lang[d] != 1 : lang[d] == 1;
    snprintf(q, sizeof q, "lang:%s", langs[v]);
    assert_int_equal(count_keys(c, q), want);
  }
  /* whole names, and single words of names */
  want = 0;
  for (int d = 0; d < N; d++) want += auth[d] <= 1;
  assert_int_equal(count_keys(c, "author:\"Ann Lee\""), want);
  want = 0;
  for (int d = 0; d < N; d++) want += auth[d] != 1;
  assert_int_equal(count_keys(c, "author:ma"), want);
  want = 0;
  for (int d = 0; d < N; d++) want += auth[d] == 2;
  assert_int_equal(count_keys(c, "author:a"), want);
  kz_corpus_close(c);
  cleanup(dir);
}

static void test_stemmed(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, KZ_TOK_STEM | KZ_TOK_FOLD_DIACRITICS, "en");
  add(c, "p", "Protests", "The protesters were protesting in Almaty.", NULL, NULL);
  add(c, "q", "Other", "A protest happened. Café owners closed.", NULL, NULL);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  kz_corpus_close(c);
  assert_int_equal(kz_corpus_open(&c, dir, NULL), KZ_OK); /* analyzer comes from the corpus */
  assert_string_equal(keys(c, "protest"), "p q");
  assert_string_equal(keys(c, "protesting"), "p q");
  assert_string_equal(keys(c, "=protest"), "q");
  assert_string_equal(keys(c, "=protesters"), "p");
  assert_string_equal(keys(c, "cafe"), "q");
  assert_string_equal(keys(c, "protester*"), "p");
  kz_corpus_close(c);
  cleanup(dir);
}

/* Several threads search one handle while another commits. */
typedef struct thr { kz_corpus *c; int fails; uint64_t seen; } thr;

static void *searcher(void *p) {
  thr *t = p;
  static const char *qs[] = {"tokayev", "\"state of emergency\"", "terror* OR csto", "Toqayev~",
                             "NEAR(tokayev emergency, 5)", "source:\"RT DE\" -fuel"};
  for (int i = 0; i < 300; i++) {
    const char *q = qs[i % 6];
    kz_results *r;
    kz_corpus_stats st;
    if (kz_corpus_stats_get(t->c, &st) != KZ_OK || st.docs < 3) t->fails++;
    kz_kwic *k;
    if (kz_corpus_search(&r, t->c, q, strlen(q), NULL) != KZ_OK) {
      t->fails++;
      continue;
    }
    while (kz_results_next(r) == KZ_OK) t->seen += kz_results_highlight_count(r);
    kz_results_free(r);
    if (kz_corpus_kwic(&k, t->c, q, strlen(q), NULL) != KZ_OK) t->fails++;
    kz_kwic_free(k);
  }
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  pthread_t th[4];
  thr t[4];
  build3(c);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  for (int i = 0; i < 4; i++) {
    t[i].c = c;
    t[i].fails = 0;
    t[i].seen = 0;
    assert_int_equal(pthread_create(&th[i], NULL, searcher, &t[i]), 0);
  }
  for (int i = 0; i < 6; i++) {
    char key[16];
    snprintf(key, sizeof key, "t%d", i);
    add(c, key, "More", "Tokayev spoke about the state of emergency again.", "RT DE", "2022-01-20");
    assert_int_equal(kz_corpus_commit(c), KZ_OK);
  }
  assert_int_equal(kz_corpus_optimize(c), KZ_OK);
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(t[i].fails, 0);
    assert_true(t[i].seen > 0);
  }
  assert_string_equal(keys(c, "spoke"), "t0 t1 t2 t3 t4 t5");
  kz_corpus_close(c);
  cleanup(dir);
}

/* A match only in the title, a caption or a heading gives a snippet of
 * that field with its highlights. */
static void test_snippet_field(void **state) {
  (void)state;
  char *dir = tmpdir();
  kz_corpus *c = create(dir, 0, NULL);
  kz_results *res;
  kz_doc_meta m = KZ_DOC_META_INIT;
  size_t n, s, e;
  const char *snip;
  const char *body = "The body talks about fuel prices and nothing else at all.";
  m.title = "Nazarbayev leaves the council";
  m.caption = "Protesters in Almaty on Wednesday, photographed by Reuters.";
  m.heading = "Reactions from Moscow";
  assert_int_equal(kz_corpus_add_text(c, "d", 1, body, strlen(body), &m), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);

  assert_int_equal(kz_corpus_search(&res, c, "almaty", 6, NULL), KZ_OK);
  assert_int_equal(kz_results_next(res), KZ_OK);
  assert_int_equal(kz_results_snippet_field(res), KZ_FIELD_CAPTION);
  snip = kz_results_snippet(res, &n);
  assert_non_null(strstr(snip, "Protesters in Almaty"));
  assert_int_equal(kz_results_highlight_count(res), 1);
  assert_int_equal(kz_results_highlight(res, 0, &s, &e), KZ_OK);
  assert_memory_equal(snip + s, "Almaty", e - s);
  assert_int_equal(kz_results_body_highlight_count(res), 0);
  kz_results_free(res);

  assert_int_equal(kz_corpus_search(&res, c, "nazarbayev", 10, NULL), KZ_OK);
  assert_int_equal(kz_results_next(res), KZ_OK);
  assert_int_equal(kz_results_snippet_field(res), KZ_FIELD_TITLE);
  snip = kz_results_snippet(res, &n);
  assert_int_equal(kz_results_highlight(res, 0, &s, &e), KZ_OK);
  assert_memory_equal(snip + s, "Nazarbayev", e - s);
  kz_results_free(res);

  assert_int_equal(kz_corpus_search(&res, c, "\"from moscow\"", 13, NULL), KZ_OK);
  assert_int_equal(kz_results_next(res), KZ_OK);
  assert_int_equal(kz_results_snippet_field(res), KZ_FIELD_HEADING);
  snip = kz_results_snippet(res, &n);
  assert_int_equal(kz_results_highlight(res, 0, &s, &e), KZ_OK);
  assert_memory_equal(snip + s, "from Moscow", e - s);
  kz_results_free(res);

  /* body first when it matches too */
  assert_int_equal(kz_corpus_search(&res, c, "fuel OR almaty", 14, NULL), KZ_OK);
  assert_int_equal(kz_results_next(res), KZ_OK);
  assert_int_equal(kz_results_snippet_field(res), KZ_FIELD_BODY);
  assert_int_equal(kz_results_body_highlight_count(res), 1);
  kz_results_free(res);
  kz_corpus_close(c);
  cleanup(dir);
}

typedef struct prog {
  uint64_t done, total, docs, calls;
} prog;

static int on_prog(uint64_t done, uint64_t total, uint64_t docs, void *p) {
  prog *g = p;
  assert_true(total >= done);
  if (g->calls && total != g->total) g->total = UINT64_MAX; /* must not change */
  else g->total = total;
  g->done = done;
  g->docs = docs;
  g->calls++;
  return 0;
}


/* A new directory `name` beside the corpus directory dir, in out. */
static void sibling_dir(const char *dir, const char *name, char *out, size_t cap) {
  snprintf(out, cap, "%s", dir);
  *strrchr(out, '/') = 0;
  strncat(out, name, cap - strlen(out) - 1);
  assert_int_equal(mkdir(out, 0755), 0);
}

/* kz_corpus_doc()'s code for the key dir + "/" + rel. */
static int doc_rc(kz_corpus *c, const char *dir, const char *rel) {
  char key[512];
  kz_doc *d = NULL;
  int rc;
  snprintf(key, sizeof key, "%s/%s", dir, rel);
  rc = kz_corpus_doc(&d, c, key, strlen(key));
  kz_doc_free(d);
  return rc;
}

/* add_dir follows links but reaches each directory and file once: links
 * back to an ancestor (two of them used to double the walk at every level
 * until the depth limit: a hang), a second link to a directory, symbolic
 * and hard links to a file.  A directory deeper than the limit is counted
 * as skipped, with its path in the message. */
static void test_add_dir_links(void **state) {
  (void)state;
  char *dir = tmpdir();
  char src[128], path[512], to[512];
  kz_corpus *c = create(dir, 0, NULL);
  prog g = {0, 0, 0, 0};
  uint64_t failed = 9, sum = 0;
  sibling_dir(dir, "/links", src, sizeof src);
  snprintf(path, sizeof path, "%s/sub", src);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/a.txt", src);
  sum += copy_seed("000_263d34c5b9433d99.txt", path);
  snprintf(path, sizeof path, "%s/sub/b.txt", src);
  sum += copy_seed("001_ab822a0e62d101c9.txt", path);
  snprintf(path, sizeof path, "%s/loop", src);
  assert_int_equal(symlink(".", path), 0);
  snprintf(path, sizeof path, "%s/sub/x", src);
  assert_int_equal(symlink(".", path), 0);
  snprintf(path, sizeof path, "%s/sub/y", src);
  assert_int_equal(symlink("..", path), 0);
  snprintf(path, sizeof path, "%s/twin", src);
  assert_int_equal(symlink("sub", path), 0);
  snprintf(path, sizeof path, "%s/alias.txt", src);
  assert_int_equal(symlink("a.txt", path), 0);
  snprintf(path, sizeof path, "%s/a.txt", src);
  snprintf(to, sizeof to, "%s/hard.txt", src);
  assert_int_equal(link(path, to), 0);
  assert_int_equal(kz_corpus_add_dir(c, src, &failed, on_prog, &g), KZ_OK);
  assert_int_equal(failed, 0);
  assert_int_equal(g.docs, 2);
  assert_int_equal(g.total, sum);
  assert_int_equal(g.done, sum);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 2);
  /* under the first path in sorted order */
  assert_int_equal(doc_rc(c, src, "a.txt"), KZ_OK);
  assert_int_equal(doc_rc(c, src, "sub/b.txt"), KZ_OK);
  assert_int_equal(doc_rc(c, src, "twin/b.txt"), KZ_ENOTFOUND);
  /* a file 65 directories below: skipped and said so */
  {
    char deep[4096];
    int n = snprintf(deep, sizeof deep, "%s/deep", src);
    for (int k = 0; k < 65; k++) {
      assert_int_equal(mkdir(deep, 0755), 0);
      n += snprintf(deep + n, sizeof deep - (size_t)n, "/d");
    }
    assert_int_equal(mkdir(deep, 0755), 0);
    snprintf(deep + n, sizeof deep - (size_t)n, "/c.txt");
    copy_seed("002_b03ce63f8eeabc7f.txt", deep);
    snprintf(path, sizeof path, "%s/deep", src);
    assert_int_equal(kz_corpus_add_dir(c, path, &failed, NULL, NULL), KZ_OK);
    assert_int_equal(failed, 1);
    assert_non_null(strstr(kz_last_errmsg(), "levels deep"));
  }
  kz_corpus_close(c);
  kzt_rmtree(src);
  cleanup(dir);
}

/* add_dir keys, progress totals; add_file_v2 and add_article keys and
 * metadata overrides. */
static void test_add_files(void **state) {
  (void)state;
  char *dir = tmpdir();
  char src[128], sub[160], path[256];
  kz_corpus *c = create(dir, 0, NULL);
  prog g = {0, 0, 0, 0};
  uint64_t failed = 9, sum = 0;
  static const char *seeds[] = {"000_263d34c5b9433d99.txt", "001_ab822a0e62d101c9.txt"};
  sibling_dir(dir, "/src", src, sizeof src);
  snprintf(sub, sizeof sub, "%s/sub", src);
  assert_int_equal(mkdir(sub, 0755), 0);
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", i ? sub : src, i ? "b.txt" : "a.txt");
    sum += copy_seed(seeds[i], path);
  }
  /* "dir//" is normalized: keys dir/a.txt and dir/sub/b.txt */
  snprintf(path, sizeof path, "%s//", src);
  assert_int_equal(kz_corpus_add_dir(c, path, &failed, on_prog, &g), KZ_OK);
  assert_int_equal(failed, 0);
  assert_int_equal(g.total, sum);
  assert_int_equal(g.done, sum);
  assert_int_equal(g.docs, 2);
  /* a file under a key of ours, with a URL and a source override */
  {
    kz_doc_meta m = KZ_DOC_META_INIT;
    kz_doc *d;
    m.url = "https://example.org/a";
    m.source = "Example Wire";
    snprintf(path, sizeof path, "%s/a.txt", src);
    assert_int_equal(kz_corpus_add_file_v2(c, path, "custom-key", 10, &m), KZ_OK);
    assert_int_equal(kz_corpus_commit(c), KZ_OK);
    assert_int_equal(kz_corpus_doc(&d, c, "custom-key", 10), KZ_OK);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_URL, NULL), "https://example.org/a");
    assert_string_equal(kz_doc_field(d, KZ_FIELD_SOURCE, NULL), "Example Wire");
    assert_true(strlen(kz_doc_field(d, KZ_FIELD_TITLE, NULL)) > 0);
    kz_doc_free(d);
  }
  /* an article parsed by the caller */
  {
    kz_article *a = NULL;
    kz_doc_meta m = KZ_DOC_META_INIT;
    kz_doc *d;
    const char *text = "Title line\n\nA body paragraph about Tokayev and the CSTO.\n";
    m.title = "";
    m.date = "2022-01-06";
    assert_int_equal(kz_article_parse(&a, text, strlen(text), NULL), KZ_OK);
    assert_int_equal(kz_corpus_add_article(c, "parsed", 6, a, &m), KZ_OK);
    kz_article_free(a);
    assert_int_equal(kz_corpus_commit(c), KZ_OK);
    assert_int_equal(kz_corpus_doc(&d, c, "parsed", 6), KZ_OK);
    assert_string_equal(kz_doc_field(d, KZ_FIELD_TITLE, NULL), "");
    assert_string_equal(kz_doc_field(d, KZ_FIELD_DATE, NULL), "2022-01-06");
    assert_non_null(strstr(kz_doc_field(d, KZ_FIELD_BODY, NULL), "Tokayev"));
    kz_doc_free(d);
    assert_int_equal(kz_corpus_add_article(c, "x", 1, NULL, NULL), KZ_EINVAL);
  }
  assert_int_equal(doc_rc(c, src, "a.txt"), KZ_OK);
  assert_int_equal(doc_rc(c, src, "sub/b.txt"), KZ_OK);
  assert_int_equal(kz_corpus_count_docs(c), 4);
  kz_corpus_close(c);
  snprintf(path, sizeof path, "%s/sub/b.txt", src);
  unlink(path);
  rmdir(sub);
  snprintf(path, sizeof path, "%s/a.txt", src);
  unlink(path);
  rmdir(src);
  cleanup(dir);
}

/* entity:NAME on the seed articles: Tokayev (four articles) and Toqayev
 * (one) are one entity; the alias table merges and splits. */
static void test_entity(void **state) {
  (void)state;
  char *dir = tmpdir(), seeds[512];
  kz_corpus *c = create(dir, 0, NULL);
  kz_query *q;
  kz_buf al = KZ_BUF_INIT;
  size_t n_tok, n_toq, n_ent;
  snprintf(seeds, sizeof seeds, "%s/examples/corpus", KZ_SOURCE_DIR);
  assert_int_equal(kz_corpus_add_dir(c, seeds, NULL, NULL, NULL), KZ_OK);
  assert_int_equal(kz_corpus_commit(c), KZ_OK);
  n_tok = count_keys(c, "tokayev");
  n_toq = count_keys(c, "toqayev");
  n_ent = count_keys(c, "entity:Toqayev");
  assert_true(n_tok > 0 && n_toq > 0);
  assert_int_equal(n_ent, count_keys(c, "tokayev OR toqayev"));
  assert_true(n_ent > n_tok && n_ent > n_toq);
  assert_int_equal(count_keys(c, "entity:Tokayev"), n_ent);
  assert_int_equal(count_keys(c, "entity:tokaev"), n_ent);
  /* the full name: a phrase of variants (Kassym-Jomart / Qassym-Shomart) */
  assert_int_equal(kz_query_parse(&q, c, "entity:\"Kassym-Jomart Tokayev\"", strlen("entity:\"Kassym-Jomart Tokayev\"")), KZ_OK);
  assert_non_null(strstr(kz_query_describe(q), "w:qassym"));
  assert_non_null(strstr(kz_query_describe(q), "w:shomart"));
  assert_non_null(strstr(kz_query_describe(q), "w:toqayev"));
  kz_query_free(q);
  assert_true(count_keys(c, "entity:\"Kassym-Jomart Tokayev\"") >=
              count_keys(c, "\"Qassym-Shomart Toqayev\""));
  assert_true(count_keys(c, "entity:\"Kassym-Jomart Tokayev\"") >
              count_keys(c, "\"Kassym-Jomart Tokayev\""));
  assert_int_equal(count_keys(c, "entity:Masimov"), count_keys(c, "masimov OR massimov"));
  /* in NEAR, with fields, negated */
  assert_true(count_keys(c, "entity:Tokayev NEAR/10 president") > 0);
  assert_int_equal(count_keys(c, "entity:Tokayev -tokayev"), count_keys(c, "toqayev -tokayev"));
  /* KWIC rows of both spellings */
  {
    kz_kwic *k;
    kz_kwic_row row;
    int tok = 0, toq = 0;
    assert_int_equal(kz_corpus_kwic(&k, c, "entity:Tokayev", 14, NULL), KZ_OK);
    for (size_t i = 0; kz_kwic_row_get(k, i, &row) == KZ_OK; i++) {
      tok |= row.match_len == 7 && memcmp(row.match, "Tokayev", 7) == 0;
      toq |= row.match_len == 7 && memcmp(row.match, "Toqayev", 7) == 0;
    }
    assert_true(tok && toq);
    kz_kwic_free(k);
  }
  /* aliases: merge a name of another key in; split a spelling out */
  assert_int_equal(kz_corpus_aliases(c, &al), KZ_OK);
  assert_int_equal(al.len, 0);
  kz_buf_dispose(&al);
  assert_int_equal(kz_corpus_alias_merge(c, "Tokayev", "Nazarbayev"), KZ_OK);
  assert_int_equal(count_keys(c, "entity:Toqayev"), count_keys(c, "tokayev OR toqayev OR nazarbayev"));
  assert_int_equal(kz_corpus_alias_split(c, "Tokayev", "Toqayev"), KZ_OK);
  assert_int_equal(kz_query_parse(&q, c, "entity:Tokayev", 14), KZ_OK);
  assert_null(strstr(kz_query_describe(q), "toqayev"));
  assert_non_null(strstr(kz_query_describe(q), "nazarbayev"));
  kz_query_free(q);
  assert_int_equal(kz_corpus_aliases(c, &al), KZ_OK);
  assert_non_null(strstr(al.ptr, "merge\tTokayev\tNazarbayev"));
  assert_non_null(strstr(al.ptr, "split\tTokayev\tToqayev"));
  kz_buf_dispose(&al);
  /* the table survives reopening; a bad line changes nothing */
  kz_corpus_close(c);
  assert_int_equal(kz_corpus_open(&c, dir, NULL), KZ_OK);
  assert_int_equal(kz_corpus_alias_load(c, "merge\tonly-one-name\n", strlen("merge\tonly-one-name\n")), KZ_EFORMAT);
  assert_int_equal(count_keys(c, "entity:Toqayev"), count_keys(c, "toqayev OR nazarbayev"));
  assert_int_equal(kz_corpus_alias_load(c, "# comment\nmerge\tCSTO\tODKB\n", strlen("# comment\nmerge\tCSTO\tODKB\n")), KZ_OK);
  assert_int_equal(kz_corpus_aliases(c, &al), KZ_OK);
  assert_non_null(strstr(al.ptr, "merge\tCSTO\tODKB"));
  kz_buf_dispose(&al);
  assert_int_equal(kz_corpus_alias_clear(c), KZ_OK);
  assert_int_equal(count_keys(c, "entity:Toqayev"), n_ent);
  /* a damaged ALIASES file is reported, not trusted */
  assert_int_equal(kz_corpus_alias_merge(c, "A", "B"), KZ_OK);
  {
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/ALIASES", dir);
    f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 17, SEEK_SET);
    fputc('#', f);
    fclose(f);
    assert_int_equal(kz_query_parse(&q, c, "entity:A", 8), KZ_ECORRUPT);
    assert_non_null(strstr(kz_last_errmsg(), "ALIASES"));
    assert_int_equal(kz_query_parse(&q, c, "tokayev", 7), KZ_OK); /* other queries work */
    kz_query_free(q);
  }
  /* without a corpus, entity:X is just the word */
  assert_int_equal(kz_query_parse(&q, NULL, "entity:Tokayev", 14), KZ_OK);
  assert_string_equal(kz_query_describe(q), "(TERMS w:tokayev)");
  kz_query_free(q);
  kz_corpus_close(c);
  cleanup(dir);
}

/* entity: keeps spellings written as names and drops common words that
 * share the key and a close spelling ("regain" for Reagan), and the
 * reverse, judged by how the stored text writes them (a title in capitals
 * says nothing); in a corpus written in lower case there is nothing to
 * judge by and nothing is dropped. */
static void test_entity_common_words(void **state) {
  (void)state;
  for (int lower = 0; lower < 2; lower++) {
    char *dir = tmpdir();
    kz_corpus *c = create(dir, 0, NULL);
    const char *body[] = {
        "President Reagan said the budget would pass. Reagan spoke on Monday.",
        "Reagan and his advisers met. Donald Regan, the chief of staff, agreed.",
        "The company hopes to regain market share and regain its footing.",
        "Farmers want to regain lost exports, the minister said.",
    };
    char buf[256], key[8];
    for (int i = 0; i < 4; i++) {
      size_t j;
      for (j = 0; body[i][j]; j++)
        buf[j] = lower && body[i][j] >= 'A' && body[i][j] <= 'Z' ? (char)(body[i][j] + 32) : body[i][j];
      buf[j] = 0;
      snprintf(key, sizeof key, "d%d", i);
      add(c, key, i == 2 ? "SHARES TO REGAIN GROUND" : "", buf, NULL, NULL);
    }
    assert_int_equal(kz_corpus_commit(c), KZ_OK);
    if (!lower) {
      assert_string_equal(keys(c, "entity:Reagan"), "d0 d1");
      assert_string_equal(keys(c, "entity:Regan"), "d0 d1");
    } else {
      assert_string_equal(keys(c, "entity:Reagan"), "d0 d1 d2 d3");
    }
    assert_string_equal(keys(c, "entity:regain"), lower ? "d0 d1 d2 d3" : "d2 d3");
    kz_corpus_close(c);
    cleanup(dir);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),
      cmocka_unit_test(test_long_terms),
      cmocka_unit_test(test_search_results),
      cmocka_unit_test(test_query_errors),
      cmocka_unit_test(test_replace_delete),
      cmocka_unit_test(test_many_keys),
      cmocka_unit_test(test_count_words),
      cmocka_unit_test(test_lock_and_snapshot),
      cmocka_unit_test(test_key_twice_in_a_segment),
      cmocka_unit_test(test_doc_article),
      cmocka_unit_test(test_doc_article_layout),
      cmocka_unit_test(test_format_2),
      cmocka_unit_test(test_jsonl),
      cmocka_unit_test(test_segments_merge),
      cmocka_unit_test(test_meta_runs),
      cmocka_unit_test(test_stemmed),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_snippet_field),
      cmocka_unit_test(test_add_files),
      cmocka_unit_test(test_add_dir_links),
      cmocka_unit_test(test_entity),
      cmocka_unit_test(test_entity_common_words),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
