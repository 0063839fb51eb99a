/*
 * test_article.c - the article parser against the hand-annotated seeds, and
 * on hostile input.
 *
 * Each tests/data/expected/NAME.json annotates examples/corpus/NAME.txt; the
 * checks follow shared/corpus/README.md: title exact, date, source within
 * source_accept, authors within author_accept, first and last body sentence,
 * every expected body paragraph exactly once in the body (after white space
 * is collapsed), every caption classified as a caption, no boilerplate line
 * in the body, each near-duplicate pair kept once, headings as headings.
 * The annotations are read with the small JSON reader below.
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
#include "kz/article.h"

#include "test_json.h" /* the annotation reader shared by the tests */

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *b = NULL;
  size_t n = 0, cap = 0, got;
  if (len) *len = 0;
  if (!f) return NULL;
  do {
    if (n == cap) { cap = cap ? cap * 2 : 65536; b = realloc(b, cap + 1); }
    got = fread(b + n, 1, cap - n, f);
    n += got;
  } while (got);
  fclose(f);
  b[n] = '\0';
  if (len) *len = n;
  return b;
}

/* ----------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------- */
/* Collapse white space runs (ASCII and no-break spaces) to one space, trim,
 * drop <p> and </p>. */
static char *wsnorm(const char *s) {
  char *out = malloc(strlen(s) + 1), *o = out;
  int sp = 0;
  while (*s) {
    if (strncmp(s, "<p>", 3) == 0) { s += 3; continue; }
    if (strncmp(s, "</p>", 4) == 0) { s += 4; continue; }
    if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') { sp = 1; s++; continue; }
    if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) { sp = 1; s += 2; continue; }
    if (sp && o > out) *o++ = ' ';
    sp = 0;
    *o++ = *s++;
  }
  *o = '\0';
  return out;
}

static size_t count_occ(const char *hay, const char *needle) {
  size_t c = 0, n = strlen(needle);
  const char *p = hay;
  if (n == 0) return 0;
  while ((p = strstr(p, needle)) != NULL) { c++; p += n; }
  return c;
}

static int str_eq_null(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* The 1-based line `no` of text, whitespace-normalized. */
static char *line_of(const char *text, long no) {
  const char *s = text, *e;
  char *tmp, *r;
  while (--no > 0 && s) { s = strchr(s, '\n'); if (s) s++; }
  if (!s) return strdup("");
  e = strchr(s, '\n');
  if (!e) e = s + strlen(s);
  tmp = strndup(s, (size_t)(e - s));
  r = wsnorm(tmp);
  free(tmp);
  return r;
}

/* ----------------------------------------------------------------------
 * The seeds
 * ---------------------------------------------------------------------- */
static void check_seed(const char *name) {
  char path[1024];
  char *ann, *raw, *body;
  size_t alen, rlen, i, j, nb;
  jparser p;
  jval e;
  const jval *v;
  kz_article *a = NULL;
  int failures = 0;

  snprintf(path, sizeof path, "%s/expected/%s.json", KZ_TEST_DATA, name);
  ann = slurp(path, &alen);
  assert_non_null(ann);
  p.s = ann; p.i = 0; p.n = alen; p.err = 0;
  jparse(&p, &e);
  assert_int_equal(p.err, 0);
  snprintf(path, sizeof path, "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, name);
  raw = slurp(path, &rlen);
  assert_non_null(raw);
  assert_int_equal(kz_article_parse(&a, raw, rlen, NULL), KZ_OK);
  body = wsnorm(kz_article_body(a));
  nb = kz_article_block_count(a);

#define EXPECT(cond, ...) do { if (!(cond)) { failures++; print_error(__VA_ARGS__); } } while (0)
  /* title exact */
  v = jget(&e, "title");
  EXPECT(v && str_eq_null(kz_article_title(a), v->str), "%s: title %s\n", name,
         kz_article_title(a) ? kz_article_title(a) : "(null)");
  /* date */
  v = jget(&e, "date");
  if (v) EXPECT(str_eq_null(kz_article_date(a), v->t == J_STR ? v->str : NULL), "%s: date %s\n", name,
                kz_article_date(a) ? kz_article_date(a) : "(null)");
  v = jget(&e, "time");
  if (v && v->t == J_STR) EXPECT(str_eq_null(kz_article_time(a), v->str), "%s: time\n", name);
  /* languages */
  v = jget(&e, "lang");
  if (v && v->t == J_STR) EXPECT(strcmp(kz_article_language(a), v->str) == 0, "%s: language %s\n", name, kz_article_language(a));
  v = jget(&e, "title_lang");
  if (v && v->t == J_STR) EXPECT(strcmp(kz_article_title_language(a), v->str) == 0, "%s: title language\n", name);
  /* source within source_accept */
  v = jget(&e, "source_accept");
  if (v) {
    int ok = 0;
    for (i = 0; i < v->n; i++)
      if (str_eq_null(kz_article_source(a), v->items[i].t == J_STR ? v->items[i].str : NULL)) ok = 1;
    EXPECT(ok, "%s: source %s not accepted\n", name, kz_article_source(a) ? kz_article_source(a) : "(null)");
  }
  /* authors within author_accept (no author is right when null is accepted) */
  v = jget(&e, "author_accept");
  if (v) {
    size_t na = kz_article_author_count(a);
    int null_ok = 0;
    for (i = 0; i < v->n; i++) if (v->items[i].t == J_NULL) null_ok = 1;
    EXPECT(na > 0 || null_ok, "%s: no author found\n", name);
    for (j = 0; j < na; j++) {
      int ok = 0;
      for (i = 0; i < v->n; i++)
        if (v->items[i].t == J_STR && strcmp(v->items[i].str, kz_article_author(a, j)) == 0) ok = 1;
      EXPECT(ok, "%s: author %s not accepted\n", name, kz_article_author(a, j));
    }
  }
  /* dateline */
  v = jget(&e, "dateline");
  if (v && v->t == J_STR) EXPECT(str_eq_null(kz_article_dateline(a), v->str), "%s: dateline\n", name);
  /* first and last body sentence */
  {
    const jval *acc = jget(&e, "first_body_sentence_accept");
    const jval *one = jget(&e, "first_body_sentence");
    int ok = 0;
    if (acc) {
      for (i = 0; i < acc->n; i++) {
        char *f = wsnorm(acc->items[i].str);
        if (strncmp(body, f, strlen(f)) == 0) ok = 1;
        free(f);
      }
    } else if (one && one->t == J_STR) {
      char *f = wsnorm(one->str);
      ok = strncmp(body, f, strlen(f)) == 0;
      free(f);
    } else {
      ok = 1;
    }
    EXPECT(ok, "%s: first body sentence: %.80s\n", name, body);
    one = jget(&e, "last_body_sentence");
    if (one && one->t == J_STR) {
      char *f = wsnorm(one->str);
      size_t bl = strlen(body), fl = strlen(f);
      EXPECT(bl >= fl && strcmp(body + bl - fl, f) == 0, "%s: last body sentence: %s\n", name,
             bl > 80 ? body + bl - 80 : body);
      free(f);
    }
  }
  /* every expected paragraph exactly once; must-include strings once */
  {
    static const char *const lists[] = {"body_paragraphs", "body_must_include"};
    size_t l;
    for (l = 0; l < 2; l++) {
      v = jget(&e, lists[l]);
      for (i = 0; v && i < v->n; i++) {
        char *pn = wsnorm(v->items[i].str);
        size_t c = count_occ(body, pn);
        EXPECT(c == 1, "%s: %s[%zu] found %zu times: %.70s\n", name, lists[l], i, c, pn);
        free(pn);
      }
    }
  }
  /* paragraph_starts: each starts a body paragraph */
  v = jget(&e, "paragraph_starts");
  for (i = 0; v && i < v->n; i++) {
    char *pn = wsnorm(v->items[i].str);
    const char *hit = strstr(body, pn);
    EXPECT(hit && (hit == body || hit[-1] == ' '), "%s: paragraph start %s\n", name, pn);
    free(pn);
  }
  /* captions classified as captions and not in the body */
  v = jget(&e, "captions");
  for (i = 0; v && i < v->n; i++) {
    char *cn = wsnorm(v->items[i].str);
    int ok = 0;
    for (j = 0; j < nb; j++) {
      char *bt = wsnorm(kz_article_block_text(a, j));
      if (kz_article_block_kind(a, j) == KZ_BLOCK_CAPTION && strcmp(bt, cn) == 0) ok = 1;
      free(bt);
    }
    EXPECT(ok, "%s: caption not found: %.70s\n", name, cn);
    EXPECT(!strstr(body, cn), "%s: caption in body: %.70s\n", name, cn);
    free(cn);
  }
  /* headings as headings */
  v = jget(&e, "headings");
  for (i = 0; v && i < v->n; i++) {
    char *hn = wsnorm(v->items[i].str);
    int ok = 0;
    for (j = 0; j < nb; j++)
      if (kz_article_block_kind(a, j) == KZ_BLOCK_HEADING && strcmp(kz_article_block_text(a, j), hn) == 0)
        ok = 1;
    EXPECT(ok, "%s: heading not found: %s\n", name, hn);
    free(hn);
  }
  /* no boilerplate line in the body */
  v = jget(&e, "boilerplate");
  for (i = 0; v && i < v->n; i++) {
    char *bn = wsnorm(v->items[i].str);
    EXPECT(!*bn || !strstr(body, bn), "%s: boilerplate in body: %s\n", name, bn);
    free(bn);
  }
  v = jget(&e, "related_links_heading_or_boilerplate");
  for (i = 0; v && i < v->n; i++) {
    char *bn = wsnorm(v->items[i].str);
    EXPECT(!strstr(body, bn), "%s: related link in body: %s\n", name, bn);
    free(bn);
  }
  /* near duplicates and caption duplicates kept once */
  v = jget(&e, "near_duplicate_pairs");
  for (i = 0; v && i < v->n; i++) {
    char *x = line_of(raw, (long)v->items[i].items[0].num);
    char *y = line_of(raw, (long)v->items[i].items[1].num);
    EXPECT((strstr(body, x) != NULL) + (strstr(body, y) != NULL) <= 1, "%s: near duplicate kept twice\n", name);
    free(x);
    free(y);
  }
  v = jget(&e, "box");
  if (v) {
    char *bt = wsnorm(jget(v, "text")->str);
    EXPECT(count_occ(body, bt) <= 1, "%s: box text twice\n", name);
    free(bt);
  }
  {
    size_t ncap = 0, ndupcap = 0;
    for (j = 0; j < nb; j++)
      if (kz_article_block_kind(a, j) == KZ_BLOCK_CAPTION) {
        ncap++;
        if (kz_article_block_duplicate_of(a, j) >= 0) ndupcap++;
      }
    v = jget(&e, "caption_duplicates_of");
    if (v) EXPECT(ndupcap >= v->n, "%s: caption duplicates not marked\n", name);
  }
  /* spans are in range and ordered */
  for (j = 0; j < nb; j++) {
    EXPECT(kz_article_block_start(a, j) <= kz_article_block_end(a, j) && kz_article_block_end(a, j) <= rlen,
           "%s: block %zu span\n", name, j);
    EXPECT(kz_article_block_duplicate_of(a, j) < (long)j, "%s: duplicate_of points forward\n", name);
  }
#undef EXPECT
  free(body);
  kz_article_free(a);
  jfree(&e);
  free(ann);
  free(raw);
  assert_int_equal(failures, 0);
}

static void test_seed_000(void **state) { (void)state; check_seed("000_263d34c5b9433d99"); }
static void test_seed_001(void **state) { (void)state; check_seed("001_ab822a0e62d101c9"); }
static void test_seed_002(void **state) { (void)state; check_seed("002_b03ce63f8eeabc7f"); }
static void test_seed_003(void **state) { (void)state; check_seed("003_fc91008267daa0a1"); }
static void test_seed_004(void **state) { (void)state; check_seed("004_bbc49ac9c8e5d2ae"); }

/* ----------------------------------------------------------------------
 * JSON output
 * ---------------------------------------------------------------------- */
static void test_json_roundtrip(void **state) {
  char path[1024], *raw;
  size_t rlen, i;
  kz_article *a;
  kz_buf out = KZ_BUF_INIT;
  jparser p;
  jval v;
  static const char *const fields[] = {"title", "title_language", "language", "date", "time",
                                       "source", "original_source", "authors", "dateline",
                                       "blocks", "body", "warnings"};
  (void)state;
  snprintf(path, sizeof path, "%s/examples/corpus/003_fc91008267daa0a1.txt", KZ_SOURCE_DIR);
  raw = slurp(path, &rlen);
  assert_int_equal(kz_article_parse(&a, raw, rlen, NULL), KZ_OK);
  assert_int_equal(kz_article_to_json(a, &out), KZ_OK);
  assert_int_equal(strlen(out.ptr), out.len);
  p.s = out.ptr; p.i = 0; p.n = out.len; p.err = 0;
  jparse(&p, &v);
  assert_int_equal(p.err, 0);
  assert_int_equal(v.n, 12);
  for (i = 0; i < 12; i++) assert_string_equal(v.keys[i], fields[i]);
  assert_string_equal(jget(&v, "body")->str, kz_article_body(a));
  assert_int_equal(jget(&v, "blocks")->n, kz_article_block_count(a));
  {
    const jval *b0 = &jget(&v, "blocks")->items[0];
    assert_non_null(jget(b0, "kind"));
    assert_non_null(jget(b0, "duplicate_of"));
  }
  jfree(&v);
  kz_buf_dispose(&out);
  assert_null(out.ptr);
  kz_buf_dispose(&out);
  kz_buf_dispose(NULL);
  kz_article_free(a);
  free(raw);
}

/* ----------------------------------------------------------------------
 * Bad input
 * ---------------------------------------------------------------------- */
static void test_empty(void **state) {
  kz_article *a = NULL;
  (void)state;
  assert_int_equal(kz_article_parse(&a, "", 0, NULL), KZ_OK);
  assert_int_equal(kz_article_block_count(a), 0);
  assert_null(kz_article_title(a));
  assert_null(kz_article_date(a));
  assert_string_equal(kz_article_body(a), "");
  assert_int_equal(kz_article_warning_count(a), 1);
  assert_string_equal(kz_article_warning(a, 0), "empty input");
  kz_article_free(a);
  assert_int_equal(kz_article_parse(&a, NULL, 0, NULL), KZ_OK);
  kz_article_free(a);
  assert_int_equal(kz_article_parse(&a, " \n\n \t\r\n", 7, NULL), KZ_OK);
  assert_int_equal(kz_article_block_count(a), 0);
  kz_article_free(a);
}

static void test_bad_args(void **state) {
  kz_article *a = (kz_article *)1;
  kz_parse_options o;
  (void)state;
  assert_int_equal(kz_article_parse(NULL, "x", 1, NULL), KZ_EINVAL);
  assert_int_equal(kz_article_parse(&a, NULL, 5, NULL), KZ_EINVAL);
  assert_null(a);
  assert_int_equal(kz_parse_options_init(&o, 99), KZ_EVERSION);
  assert_int_equal(kz_parse_options_init(&o, KZ_PARSE_OPTIONS_VERSION), KZ_OK);
  o.version = 42;
  assert_int_equal(kz_article_parse(&a, "x", 1, &o), KZ_EVERSION);
  assert_true(strlen(kz_last_errmsg()) > 0);
  assert_int_equal(kz_article_parse_file(&a, "/nonexistent/kz/file.txt", NULL), KZ_ENOTFOUND);
  assert_null(kz_article_title(NULL));
  assert_int_equal(kz_article_block_count(NULL), 0);
  assert_int_equal(kz_article_block_kind(NULL, 0), -1);
  assert_string_equal(kz_block_kind_name(KZ_BLOCK_QUOTE_BOX), "quote-box");
  assert_string_equal(kz_block_kind_name(99), "unknown");
  kz_article_free(NULL);
}

static void test_binary_and_utf8(void **state) {
  static const char bin[] = "Title here\n\nSome \0text\x01 with a \xff bad byte and \xc3 more.\n";
  kz_article *a;
  size_t i, n;
  int saw_utf8 = 0, saw_nul = 0;
  kz_parse_options o = KZ_PARSE_OPTIONS_INIT;
  (void)state;
  assert_int_equal(kz_article_parse(&a, bin, sizeof bin - 1, NULL), KZ_OK);
  n = kz_article_warning_count(a);
  for (i = 0; i < n; i++) {
    const char *w = kz_article_warning(a, i);
    if (strstr(w, "invalid UTF-8") && strstr(w, "byte 31")) saw_utf8 = 1;
    if (strstr(w, "NUL")) saw_nul = 1;
  }
  assert_true(saw_utf8);
  assert_true(saw_nul);
  for (i = 0; i < kz_article_block_count(a); i++) assert_null(memchr(kz_article_block_text(a, i), 1, 1));
  kz_article_free(a);
  o.flags = KZ_PARSE_STRICT_UTF8;
  assert_int_equal(kz_article_parse(&a, bin, sizeof bin - 1, &o), KZ_EUTF8);
  assert_null(a);
  /* random bytes never crash */
  {
    unsigned char buf[4096];
    unsigned seed = 12345;
    int round;
    for (round = 0; round < 50; round++) {
      for (i = 0; i < sizeof buf; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (unsigned char)(seed >> 16);
        if (round & 1) buf[i] = (unsigned char)" <>&;/pa\n.Xe#"[buf[i] % 13];
      }
      assert_int_equal(kz_article_parse(&a, (const char *)buf, sizeof buf, NULL), KZ_OK);
      kz_article_free(a);
    }
  }
}

static void test_only_boilerplate(void **state) {
  static const char txt[] = "Home\nSearch\nLog In\nSubscribe\n\n- Advertisement -\nComments are closed.\n";
  kz_article *a;
  (void)state;
  assert_int_equal(kz_article_parse(&a, txt, sizeof txt - 1, NULL), KZ_OK);
  assert_string_equal(kz_article_body(a), "");
  assert_true(kz_article_warning_count(a) >= 1);
  kz_article_free(a);
}

static void test_html_fragments(void **state) {
  static const char txt[] =
    "<h1>A headline &amp; more</h1>\n"
    "<p>The first paragraph says something about the world and its many problems today.</p>"
    "<p>A second paragraph follows it, with&nbsp;an entity and a <a href=\"x\">link</a> inside.</p>\n"
    "<p> <img src=broken\n";
  kz_article *a;
  (void)state;
  assert_int_equal(kz_article_parse(&a, txt, sizeof txt - 1, NULL), KZ_OK);
  assert_string_equal(kz_article_title(a), "A headline & more");
  assert_string_equal(kz_article_body(a),
                      "The first paragraph says something about the world and its many problems today.\n\n"
                      "A second paragraph follows it, with an entity and a link inside.");
  assert_true(kz_article_warning_count(a) >= 1);
  assert_non_null(strstr(kz_article_warning(a, 0), "unclosed <img>"));
  kz_article_free(a);
}

static void test_dates(void **state) {
  static const struct { const char *line, *date, *time; } cases[] = {
    {"Saturday, January 29, 2022", "2022-01-29", NULL},
    {"13 Jan. 2022 10:29 o\xe2\x80\x99" "clock", "2022-01-13", "10:29"},
    {"Nov. 19, 2019 8:03 pm ET", "2019-11-19", "20:03"},
    {"13. Januar 2022, 10:29 Uhr", "2022-01-13", "10:29"},
    {"13 \xd1\x8f\xd0\xbd\xd0\xb2\xd0\xb0\xd1\x80\xd1\x8f 2022 \xd0\xb3.", "2022-01-13", NULL},
    {"13 janvier 2022", "2022-01-13", NULL},
    {"13 de enero de 2022", "2022-01-13", NULL},
    {"2022-01-13", "2022-01-13", NULL},
    {"Published 13.01.2022", "2022-01-13", NULL},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char txt[512];
    kz_article *a;
    int n = snprintf(txt, sizeof txt,
                     "A headline for the test\n\n%s\n\nThis is the body of the article, a sentence of some "
                     "length that says what happened and why it matters to the readers.\n",
                     cases[i].line);
    assert_int_equal(kz_article_parse(&a, txt, (size_t)n, NULL), KZ_OK);
    if (!str_eq_null(kz_article_date(a), cases[i].date) || !str_eq_null(kz_article_time(a), cases[i].time))
      print_error("date case %zu: %s %s\n", i, kz_article_date(a) ? kz_article_date(a) : "-",
                  kz_article_time(a) ? kz_article_time(a) : "-");
    assert_true(str_eq_null(kz_article_date(a), cases[i].date));
    assert_true(str_eq_null(kz_article_time(a), cases[i].time));
    kz_article_free(a);
  }
}

static void test_long_line(void **state) {
  /* a 4 MB single line parses (linear time; bench_parse measures speed) */
  size_t n = 4u << 20, i;
  char *buf = malloc(n);
  static const char s[] = "The quick brown fox jumps over the lazy dog again. ";
  kz_article *a;
  (void)state;
  for (i = 0; i < n; i++) buf[i] = s[i % (sizeof s - 1)];
  assert_int_equal(kz_article_parse(&a, buf, n, NULL), KZ_OK);
  assert_int_equal(kz_article_block_count(a), 1);
  kz_article_free(a);
  free(buf);
}


/* ----------------------------------------------------------------------
 * Duplicates, page structure, files
 * ---------------------------------------------------------------------- */

/* Every duplicate points at an earlier kept block of its own kind, and the
 * JSON writes null for kept blocks. */
static void check_dups(const kz_article *a) {
  size_t i, n = kz_article_block_count(a);
  kz_buf out = KZ_BUF_INIT;
  for (i = 0; i < n; i++) {
    long d = kz_article_block_duplicate_of(a, i);
    if (d < 0) {
      assert_int_equal(d, -1);
      continue;
    }
    assert_true((size_t)d < i);
    assert_int_equal(kz_article_block_duplicate_of(a, (size_t)d), -1);
    assert_int_equal(kz_article_block_kind(a, (size_t)d), kz_article_block_kind(a, i));
  }
  assert_int_equal(kz_article_to_json(a, &out), KZ_OK);
  assert_null(strstr(out.ptr, "\"duplicate_of\":-1"));
  if (n) assert_non_null(strstr(out.ptr, "\"duplicate_of\":null"));
  kz_buf_dispose(&out);
}

static void test_duplicates(void **state) {
  static const char *const files[] = {"dup-kind", "dup-chain"};
  size_t k;
  (void)state;
  for (k = 0; k < 2; k++) {
    char path[1024];
    size_t len;
    char *raw;
    kz_article *a;
    /* fuzz inputs: the first byte holds the fuzzer's options */
    snprintf(path, sizeof path, "%s/fuzz/corpus/article/%s", KZ_SOURCE_DIR, files[k]);
    raw = slurp(path, &len);
    assert_non_null(raw);
    assert_int_equal(kz_article_parse(&a, raw + 1, len - 1, NULL), KZ_OK);
    check_dups(a);
    kz_article_free(a);
    free(raw);
  }
  for (k = 0; k < 5; k++) {
    static const char *const seeds[] = {"000_263d34c5b9433d99", "001_ab822a0e62d101c9",
                                        "002_b03ce63f8eeabc7f", "003_fc91008267daa0a1",
                                        "004_bbc49ac9c8e5d2ae"};
    char path[1024];
    kz_article *a;
    snprintf(path, sizeof path, "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, seeds[k]);
    assert_int_equal(kz_article_parse_file(&a, path, NULL), KZ_OK);
    check_dups(a);
    kz_article_free(a);
  }
}

/* Does any warning of a contain `what`? */
static int has_warning(const kz_article *a, const char *what) {
  for (size_t i = 0; i < kz_article_warning_count(a); i++)
    if (strstr(kz_article_warning(a, i), what)) return 1;
  return 0;
}

/* Pages in legacy 8-bit encodings are decoded (the charset the page
 * declares, else a guess), with block spans in the input's bytes; UTF-8
 * with a stray byte is repaired as before, and strict mode still fails. */
static void test_legacy_encodings(void **state) {
  /* "Заголовок статьи\n\nТокаев заявил, что войска ОДКБ покинут Казахстан в
   * ближайшие дни.\n" in windows-1251, KOI8-R, and ISO-8859-5 after a
   * leftover <meta charset> */
  static const char cp1251[] =
      "\xc7\xe0\xe3\xee\xeb\xee\xe2\xee\xea \xf1\xf2\xe0\xf2\xfc\xe8\n\n\xd2\xee\xea\xe0\xe5\xe2 "
      "\xe7\xe0\xff\xe2\xe8\xeb, \xf7\xf2\xee \xe2\xee\xe9\xf1\xea\xe0 \xce\xc4\xca\xc1 "
      "\xef\xee\xea\xe8\xed\xf3\xf2 \xca\xe0\xe7\xe0\xf5\xf1\xf2\xe0\xed \xe2 "
      "\xe1\xeb\xe8\xe6\xe0\xe9\xf8\xe8\xe5 \xe4\xed\xe8.\n";
  static const char koi8r[] =
      "\xfa\xc1\xc7\xcf\xcc\xcf\xd7\xcf\xcb \xd3\xd4\xc1\xd4\xd8\xc9\n\n\xf4\xcf\xcb\xc1\xc5\xd7 "
      "\xda\xc1\xd1\xd7\xc9\xcc, \xde\xd4\xcf \xd7\xcf\xca\xd3\xcb\xc1 \xef\xe4\xeb\xe2 "
      "\xd0\xcf\xcb\xc9\xce\xd5\xd4 \xeb\xc1\xda\xc1\xc8\xd3\xd4\xc1\xce \xd7 "
      "\xc2\xcc\xc9\xd6\xc1\xca\xdb\xc9\xc5 \xc4\xce\xc9.\n";
  static const char iso5[] =
      "<meta charset=\"iso-8859-5\">\n\xb7\xd0\xd3\xde\xdb\xde\xd2\xde\xda \xe1\xe2\xd0\xe2\xec\xd8"
      "\n\n\xc2\xde\xda\xd0\xd5\xd2 \xd7\xd0\xef\xd2\xd8\xdb, \xe7\xe2\xde \xd2\xde\xd9\xe1\xda\xd0 "
      "\xbe\xb4\xba\xb1 \xdf\xde\xda\xd8\xdd\xe3\xe2 \xba\xd0\xd7\xd0\xe5\xe1\xe2\xd0\xdd \xd2 "
      "\xd1\xdb\xd8\xd6\xd0\xd9\xe8\xd8\xd5 \xd4\xdd\xd8.\n";
  /* Kazakh in KZ-1048 (glibc calls it RK1048), declared: "Тоқаев заявил,
   * что қазақ елі тыныш." */
  static const char kz1048[] =
      "<meta charset=\"KZ-1048\">\n\xc7\xe0\xe3\xee\xeb\xee\xe2\xee\xea \xf1\xf2\xe0\xf2\xfc\xe8"
      "\n\n\xd2\xee\x9d\xe0\xe5\xe2 \xe7\xe0\xff\xe2\xe8\xeb, \xf7\xf2\xee \x9d\xe0\xe7\xe0\x9d "
      "\xe5\xeb\xb3 \xf2\xfb\xed\xfb\xf8.\n";
  /* windows-1251 under a charset name iconv does not know: guessed */
  static const char unknown[] =
      "<meta charset=\"x-unknown-8bit\">\n\xc7\xe0\xe3\xee\xeb\xee\xe2\xee\xea "
      "\xf1\xf2\xe0\xf2\xfc\xe8\n\n\xd2\xee\xea\xe0\xe5\xe2 \xe7\xe0\xff\xe2\xe8\xeb, \xf7\xf2\xee "
      "\xe2\xee\xe9\xf1\xea\xe0 \xce\xc4\xca\xc1 \xef\xee\xea\xe8\xed\xf3\xf2.\n";
  static const struct { const char *data; size_t len; const char *charset, *how, *body; } pages[] = {
      {cp1251, sizeof cp1251 - 1, "WINDOWS-1251", "guessed", "Токаев заявил, что войска ОДКБ"},
      {koi8r, sizeof koi8r - 1, "KOI8-R", "guessed", "Токаев заявил, что войска ОДКБ"},
      {iso5, sizeof iso5 - 1, "iso-8859-5", "declares", "Токаев заявил, что войска ОДКБ"},
      {kz1048, sizeof kz1048 - 1, "KZ-1048", "declares", "Тоқаев заявил, что қазақ елі тыныш."},
      {unknown, sizeof unknown - 1, "WINDOWS-1251", "guessed", "Токаев заявил, что войска ОДКБ"}};
  kz_parse_options strict = KZ_PARSE_OPTIONS_INIT;
  kz_article *a;
  (void)state;
  for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++) {
    size_t nb, last;
    assert_int_equal(kz_article_parse(&a, pages[k].data, pages[k].len, NULL), KZ_OK);
    assert_string_equal(kz_article_title(a), "Заголовок статьи");
    if (!strstr(kz_article_body(a), pages[k].body))
      fail_msg("page %zu: body '%s'", k, kz_article_body(a));
    assert_true(has_warning(a, pages[k].charset));
    assert_true(has_warning(a, pages[k].how));
    assert_false(has_warning(a, "U+FFFD"));
    /* spans are bytes of the input: the paragraph runs from "Т" (one byte
     * in each of these encodings) to the final '.' */
    nb = kz_article_block_count(a);
    assert_true(nb >= 1);
    last = nb - 1;
    assert_int_equal(kz_article_block_end(a, last), pages[k].len - 1);
    assert_int_equal(kz_article_block_start(a, last),
                     (size_t)(strstr(pages[k].data, "\n\n") - pages[k].data) + 2);
    kz_article_free(a);
  }
  /* UTF-8 with one stray byte: repaired, not re-read */
  {
    static const char stray[] = "Valid UTF-8 text about \xd0\xa2\xd0\xbe\xd0\xba\xd0\xb0\xd0\xb5\xd0\xb2 "
                                "with one stray \xff byte in it.\n";
    assert_int_equal(kz_article_parse(&a, stray, sizeof stray - 1, NULL), KZ_OK);
    assert_true(has_warning(a, "U+FFFD"));
    assert_false(has_warning(a, "not UTF-8"));
    kz_article_free(a);
  }
  strict.flags = KZ_PARSE_STRICT_UTF8;
  assert_int_equal(kz_article_parse(&a, cp1251, sizeof cp1251 - 1, &strict), KZ_EUTF8);
}

static void test_file_limits(void **state) {
  kz_article *a = (kz_article *)1;
  char path[] = "/tmp/kz_test_article_XXXXXX";
  int fd;
  FILE *f;
  (void)state;
  /* a device has no end: refused at once, not read until memory runs out */
  assert_int_equal(kz_article_parse_file(&a, "/dev/zero", NULL), KZ_EIO);
  assert_null(a);
  assert_non_null(strstr(kz_last_errmsg(), "/dev/zero"));
  assert_non_null(strstr(kz_last_errmsg(), "not a regular file"));
  assert_int_equal(kz_article_parse_file(&a, "/", NULL), KZ_EIO);
  /* a named pipe with no writer: refused, not waited on (alarm() ends the
   * test if the open blocks) */
  {
    char fifo[] = "/tmp/kz_test_fifo_XXXXXX";
    int t = mkstemp(fifo);
    assert_true(t >= 0);
    close(t);
    remove(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(20);
    assert_int_equal(kz_article_parse_file(&a, fifo, NULL), KZ_EIO);
    alarm(0);
    assert_non_null(strstr(kz_last_errmsg(), "not a regular file"));
    remove(fifo);
  }
  /* a (sparse) file one byte over the limit */
  fd = mkstemp(path);
  assert_true(fd >= 0);
  f = fdopen(fd, "wb");
  assert_non_null(f);
  assert_int_equal(fseek(f, (long)KZ_ARTICLE_MAX_FILE, SEEK_SET), 0);
  assert_int_equal(fputc('x', f), 'x');
  fclose(f);
  assert_int_equal(kz_article_parse_file(&a, path, NULL), KZ_ELIMIT);
  assert_non_null(strstr(kz_last_errmsg(), path));
  assert_non_null(strstr(kz_last_errmsg(), "268435456"));
  remove(path);
}

static int block_of_kind(const kz_article *a, const char *prefix, int kind) {
  size_t i;
  for (i = 0; i < kz_article_block_count(a); i++)
    if (strncmp(kz_article_block_text(a, i), prefix, strlen(prefix)) == 0)
      return kz_article_block_kind(a, i) == kind;
  return 0;
}

#define P1 "The city council voted on Tuesday to close the old bridge for repairs, a decision that " \
           "will force thousands of commuters to find another way across the river for most of the year."
#define P2 "Engineers had warned for years that the steel was rusting, and a report last spring said " \
           "that the bridge could not carry heavy trucks much longer without a risk to the public."
#define P3 "The mayor said the work would begin in March and that buses would run every ten minutes " \
           "between the two banks while the bridge is closed, at no extra cost to riders."
#define C1 "I have lived here for thirty years and I can tell you that this bridge has been a " \
           "problem since the day it opened, and nobody in the council ever wanted to listen to us."
#define C2 "The buses will never run every ten minutes, and everyone who takes them knows it. This " \
           "is just another promise that will be forgotten by the time the work begins next year."
#define C3 "Why not build a new bridge instead of fixing the old one? It would cost less in the long " \
           "run and the city would not have to close the crossing again in another twenty years."

static void test_comments_cut(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\nBy Ann Lee\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n"
    "12 Comments\n\njdoe says:\n\n" C1 "\n\n" C2 "\n\nriverfan says:\n\n" C3 "\n\n" C1 " " C2
    "\n\nmike_k says:\n\n" C3 " " C2 "\n";
  kz_article *a;
  const char *body;
  (void)state;
  assert_int_equal(kz_article_parse(&a, page, sizeof page - 1, NULL), KZ_OK);
  body = kz_article_body(a);
  assert_non_null(strstr(body, "The city council voted"));
  assert_non_null(strstr(body, "The mayor said"));
  assert_null(strstr(body, "I have lived here"));
  assert_null(strstr(body, "Why not build"));
  assert_true(block_of_kind(a, "Why not build", KZ_BLOCK_COMMENT));
  check_dups(a);
  kz_article_free(a);
}

static void test_inline_box(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\nRelated articles\n\n"
    "Council approves new budget for city parks\n\nRiver festival returns in June\n\n"
    "Police close road after flooding\n\n" P3 "\n\n" C3 "\n";
  kz_article *a;
  const char *body;
  (void)state;
  assert_int_equal(kz_article_parse(&a, page, sizeof page - 1, NULL), KZ_OK);
  body = kz_article_body(a);
  assert_non_null(strstr(body, "The city council voted"));
  assert_non_null(strstr(body, "The mayor said"));
  assert_null(strstr(body, "River festival"));
  assert_true(block_of_kind(a, "River festival", KZ_BLOCK_RELATED_LINK));
  kz_article_free(a);
}

static void test_pull_quote_and_gallery(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n"
    "\xe2\x80\x9cWe cannot wait any longer for this work,\xe2\x80\x9d the mayor said at the "
    "meeting, where dozens of residents had come to ask about the plans for the bridge.\n\n"
    "\xe2\x80\x9cWe cannot wait any longer for this work\xe2\x80\x9d\n\n" P2 "\n\n"
    "2 of 5 Workers inspect the rusted steel under the old bridge on Monday morning.\n\n" P3 "\n";
  kz_article *a;
  const char *body;
  (void)state;
  assert_int_equal(kz_article_parse(&a, page, sizeof page - 1, NULL), KZ_OK);
  body = kz_article_body(a);
  assert_true(block_of_kind(a, "\xe2\x80\x9cWe cannot wait any longer for this work\xe2\x80\x9d",
                            KZ_BLOCK_QUOTE_BOX));
  assert_true(block_of_kind(a, "2 of 5 Workers", KZ_BLOCK_CAPTION));
  assert_null(strstr(body, "2 of 5"));
  assert_non_null(strstr(body, "the mayor said at the meeting"));
  kz_article_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_seed_000),      cmocka_unit_test(test_seed_001),
    cmocka_unit_test(test_seed_002),      cmocka_unit_test(test_seed_003),
    cmocka_unit_test(test_seed_004),      cmocka_unit_test(test_json_roundtrip),
    cmocka_unit_test(test_empty),         cmocka_unit_test(test_bad_args),
    cmocka_unit_test(test_binary_and_utf8), cmocka_unit_test(test_only_boilerplate),
    cmocka_unit_test(test_html_fragments), cmocka_unit_test(test_dates),
    cmocka_unit_test(test_long_line),     cmocka_unit_test(test_duplicates),
    cmocka_unit_test(test_file_limits),   cmocka_unit_test(test_comments_cut),
    cmocka_unit_test(test_legacy_encodings),
    cmocka_unit_test(test_inline_box),    cmocka_unit_test(test_pull_quote_and_gallery),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
