/*
 * test_tokenize_terms.c - the indexer's entry point against kz_tokenize().
 *
 * kzi_tokenize_terms() must report exactly the tokens of kz_tokenize()
 * that an index keeps (all but punctuation, symbols and empty forms), with
 * the same normalized forms and positions, in order, for every analyzer
 * setting of a corpus (plain, stemmed, folded, possessive) and the
 * tokenizer's other modes; checked on random mixed strings (ASCII words,
 * URLs, addresses, handles, hashtags, Latin-1, Cyrillic, CJK, emoji,
 * invalid bytes, very long tokens) and the news corpora of ../shared/data
 * when present.  With a corpus analyzer no two terms may share a
 * position (the matches of distinct terms are counted from frequencies).
 * Each term's key words and hash, which the tokenizer works out on its
 * fast path, must be those key_hash() (termkey.h) gives for its form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kz.h"
#include "kz_int.h"
#include "termkey.h"
#include "newsdata.h"

typedef struct term {
  char *form;
  size_t len;
  uint32_t pos;
} term;

typedef struct terms {
  term *v;
  size_t n, cap;
  size_t batches, maxbatch;
  int pad_ok;
  int key_ok;
} terms;

static void add(terms *t, const char *s, size_t n, uint32_t pos) {
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 256;
    t->v = realloc(t->v, t->cap * sizeof *t->v);
    assert_non_null(t->v);
  }
  t->v[t->n].form = malloc(n + 1);
  assert_non_null(t->v[t->n].form);
  memcpy(t->v[t->n].form, s, n);
  t->v[t->n].form[n] = '\0';
  t->v[t->n].len = n;
  t->v[t->n].pos = pos;
  t->n++;
}

static void clear(terms *t) {
  for (size_t i = 0; i < t->n; i++) free(t->v[i].form);
  free(t->v);
  memset(t, 0, sizeof *t);
}

static int ref_cb(const kz_token *tok, void *p) {
  if (tok->kind == KZ_TOKEN_PUNCT || tok->kind == KZ_TOKEN_SYMBOL || tok->norm_len == 0)
    return 0;
  add(p, tok->norm, tok->norm_len, tok->position);
  return 0;
}

static int batch_cb(void *p, kzi_terms *tb) {
  terms *t = p;
  t->batches++;
  if (tb->n > t->maxbatch) t->maxbatch = tb->n;
  for (size_t i = 0; i < tb->n; i++) {
    /* 16 bytes readable past every term */
    if (tb->off[i] + tb->len[i] + 16 > tb->text.cap) t->pad_ok = 0;
    { /* the key, from a copy of the form alone (no padding) */
      size_t m = tb->len[i] + 1 > KZI_MAX_KEY ? KZI_MAX_KEY - 1 : tb->len[i];
      char *copy = malloc(m + 1);
      kwords kw;
      uint64_t h;
      assert_non_null(copy);
      memcpy(copy, tb->text.p + tb->off[i], m);
      h = key_hash(tb->space, copy, m, 0, &kw);
      if (h != tb->h[i] || kw.k8 != tb->k8[i] || kw.k16 != tb->k16[i]) t->key_ok = 0;
      free(copy);
    }
    add(t, tb->text.p + tb->off[i], tb->len[i], tb->pos[i]);
  }
  return 0;
}

/* index: tk is one of the corpus analyzers (the first NINDEX flag sets). */
static void same(kz_tokenizer *tk, kzi_terms *tb, const char *s, size_t n, int index) {
  terms a = {0}, b = {0};
  b.pad_ok = b.key_ok = 1;
  tb->space = index ? 'w' : (char)(n & 0x7f); /* any byte will do */
  assert_int_equal(kz_tokenize(tk, s, n, ref_cb, &a), KZ_OK);
  assert_int_equal(kzi_tokenize_terms(tk, s, n, tb, batch_cb, &b), KZ_OK);
  assert_true(b.pad_ok);
  if (!b.key_ok) fail_msg("a term's key words or hash differ from key_hash() of its form");
  assert_true(b.maxbatch <= KZI_TERM_BATCH);
  if (a.n != b.n) fail_msg("%zu terms from kz_tokenize, %zu from kzi_tokenize_terms", a.n, b.n);
  /* in an index, each term its own position: the matches of distinct
   * terms (a prefix, an AND or OR of words) are counted from their
   * frequencies, which holds only if no two terms share a position (the
   * other modes keep emoji, which take no position, as terms) */
  for (size_t i = 1; index && i < b.n; i++)
    if (b.v[i].pos <= b.v[i - 1].pos)
      fail_msg("terms %zu and %zu ('%s', '%s') share position %u", i - 1, i, b.v[i - 1].form,
               b.v[i].form, b.v[i].pos);
  for (size_t i = 0; i < a.n; i++) {
    if (a.v[i].len != b.v[i].len || memcmp(a.v[i].form, b.v[i].form, a.v[i].len) != 0 ||
        a.v[i].pos != b.v[i].pos)
      fail_msg("term %zu: '%s' at %u vs '%s' at %u", i, a.v[i].form, a.v[i].pos,
               b.v[i].form, b.v[i].pos);
  }
  clear(&a);
  clear(&b);
}

static const unsigned flag_sets[] = {
    /* the corpus analyzers (kzi_analyzer_flags()) */
    KZ_TOK_DEFAULT | KZ_TOK_SKIP_PUNCT,
    KZ_TOK_DEFAULT | KZ_TOK_SKIP_PUNCT | KZ_TOK_STEM,
    KZ_TOK_DEFAULT | KZ_TOK_SKIP_PUNCT | KZ_TOK_FOLD_DIACRITICS | KZ_TOK_POSSESSIVE,
    KZ_TOK_DEFAULT | KZ_TOK_SKIP_PUNCT | KZ_TOK_STEM | KZ_TOK_FOLD_DIACRITICS |
        KZ_TOK_POSSESSIVE,
    /* other modes of the tokenizer */
    KZ_TOK_DEFAULT,
    KZ_TOK_DEFAULT | KZ_TOK_SKIP_STOPWORDS,
    KZ_TOK_DEFAULT | KZ_TOK_PLAIN,
    KZ_TOK_NFKC | KZ_TOK_QUOTES,
    KZ_TOK_PLAIN,
};
#define NSETS (sizeof flag_sets / sizeof flag_sets[0])
#define NINDEX 4

static kz_tokenizer *make(unsigned flags) {
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk = NULL;
  o.flags = flags;
  o.language = "en";
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_OK);
  return tk;
}

static const char *const pieces[] = {
    "The", "the", "and", "Tokayev's", "it's", "don't", "rock'n'roll", "U.S.", "3,000",
    "3.14", "12:30", "1st", "well-known", "e-mail", "O'Neil", "foo:bar", "x_y", "A.B.C",
    "http://example.com/a(b)?q=1", "www.x.org.", "joe.bloggs@mail.example.com", "@handle",
    "#Tag2024", "#123", "naïve", "Café", "ÉCOLE", "straße", "Москва", "Путин's", "東京",
    "北京市", "😀", "🇺🇸", "ﬁnance", "İstanbul", "ΣΟΦΙΑ", "‘quoted’", "“dq”", "a\xcc\x81" "b",
    "co\xe2\x80\x94op", "\xff\xfe", "\xe2\x80", "-", ",", ".", ";", "(", ")", "$", "%",
    "\t", "\n", "  ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "running", "ran", "studies"};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static void test_random(void **state) {
  kz_tokenizer *tk[NSETS];
  kzi_terms tb;
  char *buf = malloc(1 << 16);
  unsigned seed = 12345;
  (void)state;
  assert_non_null(buf);
  memset(&tb, 0, sizeof tb);
  for (size_t k = 0; k < NSETS; k++) tk[k] = make(flag_sets[k]);
  for (int round = 0; round < 400; round++) {
    size_t n = 0, words = (size_t)(seed % 300);
    for (size_t i = 0; i < words; i++) {
      const char *p;
      size_t l;
      seed = seed * 1103515245u + 12345u;
      if ((seed >> 16) % 97 == 0) {
        /* a long token (over the key limit of the index) */
        size_t m = 200 + (seed >> 8) % 1200;
        if (n + m + 2 > (1 << 16)) break;
        for (size_t j = 0; j < m; j++) buf[n + j] = (char)('a' + (j * 7 + seed) % 26);
        n += m;
      } else {
        p = pieces[(seed >> 16) % NPIECES];
        l = strlen(p);
        if (n + l + 2 > (1 << 16)) break;
        memcpy(buf + n, p, l);
        n += l;
      }
      if ((seed >> 9) & 3) buf[n++] = ' ';
    }
    for (size_t k = 0; k < NSETS; k++) same(tk[k], &tb, buf, n, k < NINDEX);
  }
  for (size_t k = 0; k < NSETS; k++) kz_tokenizer_free(tk[k]);
  kzi_buf_free(&tb.text);
  free(buf);
}

static void test_corpus(void **state) {
  static const char *const files[] = {"news/news.jsonl", "news/news_bbc.jsonl"};
  kzi_terms tb;
  int any = 0;
  (void)state;
  memset(&tb, 0, sizeof tb);
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[4096];
    nd_corpus c;
    snprintf(path, sizeof path, "%s/%s", KZ_SHARED_DATA, files[f]);
    if (nd_load(&c, path) != 0) continue;
    any = 1;
    for (size_t k = 0; k < NINDEX; k++) { /* the corpus analyzers */
      kz_tokenizer *tk = make(flag_sets[k]);
      /* every 7th document keeps the test short */
      for (size_t d = 0; d < c.count; d += 7) {
        same(tk, &tb, c.docs[d].title, c.docs[d].title_len, 1);
        same(tk, &tb, c.docs[d].text, c.docs[d].text_len, 1);
      }
      kz_tokenizer_free(tk);
    }
    nd_free(&c);
  }
  kzi_buf_free(&tb.text);
  if (!any) skip();
}

static void test_empty(void **state) {
  kz_tokenizer *tk = make(flag_sets[0]);
  kzi_terms tb;
  terms t = {0};
  (void)state;
  memset(&tb, 0, sizeof tb);
  t.pad_ok = 1;
  assert_int_equal(kzi_tokenize_terms(tk, "", 0, &tb, batch_cb, &t), KZ_OK);
  assert_int_equal(kzi_tokenize_terms(tk, " , ; -- ", 8, &tb, batch_cb, &t), KZ_OK);
  assert_int_equal(t.n, 0);
  assert_int_equal(t.batches, 0);
  kz_tokenizer_free(tk);
  kzi_buf_free(&tb.text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_random),
      cmocka_unit_test(test_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
